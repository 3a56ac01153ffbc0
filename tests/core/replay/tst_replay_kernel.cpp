// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel rules a replay reads its failures with (docs/kernel-cma.md, "Kernel semantics";
// docs/trace-analysis.md, "Reading the errno"): chosen from the real captures' boot logs and lines, from the
// synthetic 6.15 and 6.18 traces in tests/data/, or by the user, and said in the evidence and the report.
#include "support/captures.h"

#include <cmascope/replay/replay.h>
#include <cmascope/replay/report.h>

#include <QTest>

#include <nlohmann/json.hpp>

using namespace cmascope;

Q_DECLARE_METATYPE(KernelSemantics)

namespace {

std::filesystem::path dataFile(const char* name)
{
    return std::filesystem::path(CMASCOPE_SOURCE_DIR) / "tests" / "data" / name;
}

ReplayResult replayData(const char* name, const AreaSpec& area, std::optional<KernelSemantics> user = std::nullopt)
{
    ReplayInputs in;
    in.areaSpecs.push_back(area);
    in.kernel = user;
    return replayTrace(test::loadTrace(dataFile(name)), in);
}

/// The index of the request finished on trace line @p line.
std::size_t requestOnLine(const ReplayResult& r, std::uint32_t line)
{
    for (std::size_t i = 0; i < r.requests.size(); ++i)
        if (r.requests[i].finishLine == line)
            return i;
    qFatal("no request finishes on line %u", line);
    return 0;
}

const AreaSpec kReserved { "reserved", 0x40000, 1024, 0 };
const AreaSpec kHugetlb { "hugetlb0", 0x80000, 2048, 9 };

} // namespace

class TestReplayKernel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void captures_data();
    void captures();
    void fullArea615();
    void startCounts618();
    void userChoiceChangesTheReading();
    void busyNeedsABusyRetry();
};

void TestReplayKernel::captures_data()
{
    QTest::addColumn<QByteArray>("capture");
    QTest::addColumn<bool>("bootLog");
    QTest::addColumn<KernelSemantics>("expected");
    QTest::addColumn<QByteArray>("source");
    QTest::newRow("6.1 boot log") << QByteArray("k61-nvme") << true << KernelSemantics::K6_1 << QByteArray("boot log");
    QTest::newRow("6.1 lines") << QByteArray("k61-nvme") << false << KernelSemantics::K6_1 << QByteArray("trace");
    QTest::newRow("6.12 boot log") << QByteArray("k612-reserved-mixed") << true << KernelSemantics::K6_12
                                   << QByteArray("boot log");
    // its -12 failures print pfn=0xffffffffffffffff
    QTest::newRow("6.12 lines") << QByteArray("k612-reserved-mixed") << false << KernelSemantics::K6_12
                                << QByteArray("trace");
    QTest::newRow("6.12 busy boot log") << QByteArray("k612-busy-retry") << true << KernelSemantics::K6_12
                                        << QByteArray("boot log");
    QTest::newRow("6.12 hugetlb boot log")
        << QByteArray("k612-hugetlb-opb9") << true << KernelSemantics::K6_12 << QByteArray("boot log");
}

void TestReplayKernel::captures()
{
    QFETCH(QByteArray, capture);
    QFETCH(bool, bootLog);
    QFETCH(KernelSemantics, expected);
    QFETCH(QByteArray, source);
    const auto dir = test::captureDir(capture);
    ReplayInputs in = bootLog ? test::bootInputs(dir) : ReplayInputs {};
    if (!bootLog) // the areas still come from the boot log, its release line does not
        in.bootLog = test::bootInputs(dir).bootLog;
    const ReplayResult r = replayTrace(test::loadTrace(test::traceFile(dir)), in);
    QVERIFY(r.error.empty());
    QCOMPARE(r.kernel.semantics, expected);
    QCOMPARE(QByteArray::fromStdString(r.kernel.source), source);
    QCOMPARE(r.divergenceCount, 0u);
}

void TestReplayKernel::fullArea615()
{
    const ReplayResult r = replayData("k615-full-area.txt", kReserved);
    QVERIFY(r.error.empty());
    QCOMPARE(r.kernel.semantics, KernelSemantics::K6_15);
    QVERIFY2(r.kernel.reason.find("line 11: a failed cma_alloc_finish reports pfn=0x0") != std::string::npos,
        r.kernel.reason.c_str());
    QCOMPARE(r.failed, 3u);
    QCOMPARE(r.divergenceCount, 1u); // the unexplained -16 on line 18: the kernel policy places it
    // the full area: -16 on 6.15+, where 6.12 said -12
    const std::size_t full = requestOnLine(r, 11);
    QCOMPARE(r.requests[full].cause, FailureCause::TooSmall);
    const std::string why = r.failureEvidence(full);
    QVERIFY2(why.find("the area had 0 free pages of 1024 pages") != std::string::npos, why.c_str());
    QVERIFY2(
        why.find("give up before searching when a request exceeds available_count") != std::string::npos, why.c_str());
    QVERIFY2(why.find("-16 (EBUSY) without a busy retry (6.15+ rules)") != std::string::npos, why.c_str());
    QVERIFY2(why.find("not a sign of pinned pages") != std::string::npos, why.c_str());
    // fragmented: 256 pages free, none at a 512-page boundary
    const std::size_t frag = requestOnLine(r, 16);
    QCOMPARE(r.requests[frag].cause, FailureCause::Fragmented);
    QVERIFY(r.failureEvidence(frag).find("6.15+ rules") != std::string::npos);
    // a -16 the replayed state has room for: no busy retry, so not "busy"
    QCOMPARE(r.requests[requestOnLine(r, 18)].cause, FailureCause::Unexplained);
    const auto j = nlohmann::json::parse(replayReportJson(r, "k615-full-area.txt"));
    QCOMPARE(j["kernel"]["semantics"].get<std::string>(), std::string("6.15+"));
    QCOMPARE(j["kernel"]["source"].get<std::string>(), std::string("trace"));
    QCOMPARE(j["failures_by_cause"]["busy"].get<int>(), 0);
    QCOMPARE(j["failures_by_cause"]["unexplained"].get<int>(), 1);
}

void TestReplayKernel::startCounts618()
{
    const ReplayResult r = replayData("k618-start-counts.txt", kHugetlb);
    QVERIFY(r.error.empty());
    QCOMPARE(r.errorCount, 0u);
    QCOMPARE(r.kernel.semantics, KernelSemantics::K6_18);
    QCOMPARE(r.kernel.reason, std::string("line 6: cma_alloc_start carries available_count (6.18 and later)"));
    QCOMPARE(r.succeeded, 3u);
    QCOMPARE(r.failed, 2u);
    QCOMPARE(r.divergenceCount, 0u);
    // the replay's available_count agrees with the one the kernel printed in the start events
    const ReplayAreaResult* a = r.findArea("hugetlb0");
    QVERIFY(a);
    QCOMPARE(a->state.availableCount(), 1535u);
    const std::size_t tooBig = requestOnLine(r, 14);
    QCOMPARE(r.requests[tooBig].cause, FailureCause::TooSmall);
    QCOMPARE(r.failureFactsOf(tooBig)->freePages, 1535u);
    QCOMPARE(r.requests[requestOnLine(r, 16)].cause, FailureCause::Fragmented);
    QVERIFY(r.failureEvidence(tooBig).find("(6.18+ rules)") != std::string::npos);
}

void TestReplayKernel::userChoiceChangesTheReading()
{
    // the same events read under 6.12 rules: a -16 without a busy retry cannot be a full area there
    const ReplayResult r = replayData("k615-full-area.txt", kReserved, KernelSemantics::K6_12);
    QCOMPARE(r.kernel.semantics, KernelSemantics::K6_12);
    QCOMPARE(r.kernel.source, std::string("user"));
    QVERIFY2(r.kernel.reason.find("but line 11: a failed cma_alloc_finish reports pfn=0x0") != std::string::npos,
        r.kernel.reason.c_str());
    const std::string why = r.failureEvidence(requestOnLine(r, 11));
    QVERIFY2(why.find("(6.12 rules): 6.12 traces every busy window, so events were lost or the kernel is 6.15+")
            != std::string::npos,
        why.c_str());
    QVERIFY(why.find("give up before searching") == std::string::npos);
}

void TestReplayKernel::busyNeedsABusyRetry()
{
    // 6.12's -16 failures all follow busy retries: still busy, with the reading of 6.12
    const auto dir = test::captureDir("k612-busy-retry");
    const ReplayResult r = replayTrace(test::loadTrace(test::traceFile(dir)), test::bootInputs(dir));
    QCOMPARE(r.failuresByCause[std::size_t(FailureCause::Busy)], 7u);
    for (std::size_t i = 0; i < r.requests.size(); ++i)
        if (!r.requests[i].succeeded)
            QVERIFY2(r.failureEvidence(i).find("no further window was free (6.12 rules)") != std::string::npos,
                r.failureEvidence(i).c_str());
}

QTEST_GUILESS_MAIN(TestReplayKernel)
#include "tst_replay_kernel.moc"
