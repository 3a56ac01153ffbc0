// SPDX-License-Identifier: GPL-2.0-or-later
// Two replayed traces side by side (compare/tracepair.h, docs/time-and-latency.md) on the real captures in
// traces/kernel/: a trace against itself, the ftrace `trace` of k61-nvme against the `trace_pipe` of the same run
// (no boot-time events), and two different runs (k612-busy-retry against k612-reserved-mixed); the matching
// rules, the first difference and the report's table and JSON.
#include "support/captures.h"

#include <cmascope/compare/tracepair.h>
#include <cmascope/compare/tracepairreport.h>
#include <cmascope/replay/replay.h>

#include <QTest>

#include <nlohmann/json.hpp>

using namespace cmascope;
using namespace cmascope::test;

namespace {

ReplayResult replayFile(const std::filesystem::path& file, const std::filesystem::path& dir)
{
    auto r = replayTraceFile(file, bootInputs(dir));
    if (!r.ok())
        qFatal("%s", r.error.c_str());
    return std::move(r.result);
}

ReplayResult replayCapture(const QByteArray& capture)
{
    const auto dir = captureDir(capture);
    return replayFile(traceFile(dir), dir);
}

} // namespace

class TstTracePair : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void taskNames_data();
    void taskNames();
    void sameTrace();
    void traceAgainstItsPipe();
    void twoRuns();
    void byOrder();
    void reportTexts();
    void cancelled();
};

void TstTracePair::taskNames_data()
{
    QTest::addColumn<QString>("task");
    QTest::addColumn<QString>("name");
    QTest::newRow("comm-pid") << "init-1"
                              << "init";
    QTest::newRow("kworker") << "kworker/u4:2-57"
                             << "kworker/u4:2";
    QTest::newRow("dash in comm") << "cma-test-run-812"
                                  << "cma-test-run";
    QTest::newRow("no pid") << "swapper"
                            << "swapper";
    QTest::newRow("not a number") << "a-b"
                                  << "a-b";
    QTest::newRow("trailing dash") << "odd-"
                                   << "odd-";
}

void TstTracePair::taskNames()
{
    QFETCH(QString, task);
    QFETCH(QString, name);
    const std::string t = task.toStdString();
    QCOMPARE(QString::fromStdString(std::string(taskWithoutPid(t))), name);
}

void TstTracePair::sameTrace()
{
    const ReplayResult a = replayCapture("k612-busy-retry");
    const TracePairResult r = compareTracePair(a, a);
    QCOMPARE(r.matched, std::uint64_t(a.requests.size()));
    QCOMPARE(r.onlyInA, 0u);
    QCOMPARE(r.onlyInB, 0u);
    QCOMPARE(r.differingOutcomes, 0u);
    QVERIFY(!r.firstDifference);
    QVERIFY(!r.failuresIncreased());
    QCOMPARE(r.total.a.requests, a.requested);
    QCOMPARE(r.total.a.failed, a.failed);
    QCOMPARE(r.total.a.busyRetries, a.busyRetries);
    QCOMPARE(r.total.a.failuresByCause, a.failuresByCause);
    QCOMPARE(r.total.a.busyRetries, r.total.b.busyRetries);
    QVERIFY(r.total.a.peakUsedPages && *r.total.a.peakUsedPages > 0);
    QCOMPARE(r.total.a.peakUsedPages, r.total.b.peakUsedPages);
    QCOMPARE(r.areas.size(), a.areas.size());
    for (const TracePairRow& row : r.areas) {
        QVERIFY(row.inA && row.inB);
        QVERIFY(row.a.peakUsedPages && *row.a.peakUsedPages <= a.findArea(row.area)->area.pages);
    }
    // 1002 busy retries in this capture (traces/README.md).
    QCOMPARE(r.total.a.busyRetries, 1002u);
}

void TstTracePair::traceAgainstItsPipe()
{
    // trace_pipe.txt is the same run read from a second ftrace instance: no header, no markers and none of the
    // boot-time events (the three DMA atomic pools of init-1). Every request of the pipe is in the trace.
    const auto dir = captureDir("k61-nvme");
    const ReplayResult a = replayFile(dir / "trace.txt", dir);
    const ReplayResult b = replayFile(dir / "trace_pipe.txt", dir);
    QVERIFY(a.requested > b.requested);
    const TracePairResult r = compareTracePair(a, b);
    QCOMPARE(r.onlyInB, 0u);
    QCOMPARE(r.matched, std::uint64_t(b.requests.size()));
    QCOMPARE(r.onlyInA, std::uint64_t(a.requests.size() - b.requests.size()));
    QCOMPARE(r.total.a.requests - r.total.b.requests, r.onlyInA);
    QCOMPARE(r.total.a.failed, r.total.b.failed); // the 5 failures happen after boot
    QCOMPARE(r.total.a.failed, 5u);
    QVERIFY(!r.failuresIncreased());
    // The kernel gave the pipe's requests the same outcomes, so no matched pair differs.
    QCOMPARE(r.differingOutcomes, 0u);
    QVERIFY(!r.firstDifference);
}

void TstTracePair::twoRuns()
{
    const ReplayResult a = replayCapture("k61-nvme");
    const ReplayResult b = replayCapture("k612-reserved-mixed");
    const TracePairResult r = compareTracePair(a, b);
    QCOMPARE(r.total.a.failed, a.failed);
    QCOMPARE(r.total.b.failed, b.failed);
    QVERIFY(r.failuresIncreased());
    QVERIFY(!compareTracePair(b, a).failuresIncreased());
    QCOMPARE(r.matched + r.onlyInA, std::uint64_t(a.requests.size()));
    QCOMPARE(r.matched + r.onlyInB, std::uint64_t(b.requests.size()));
    // Both start with the boot-time pools of init-1 (3 x 32 pages at align 5): those are matched.
    QVERIFY(r.matched >= 3);
    QCOMPARE(r.areas.size(), std::size_t(1)); // "reserved" in both
    QVERIFY(r.areas[0].inA && r.areas[0].inB);
    if (r.firstDifference) {
        const TracePairDifference& d = *r.firstDifference;
        QVERIFY(a.requests[d.requestA].succeeded != b.requests[d.requestB].succeeded);
        QVERIFY(d.stepA && a.requestAtStep(*d.stepA) == &a.requests[d.requestA]);
        QVERIFY(d.stepB && b.requestAtStep(*d.stepB) == &b.requests[d.requestB]);
        QVERIFY(d.text.find("line " + std::to_string(a.requests[d.requestA].finishLine)) != std::string::npos);
        // No earlier request of A has a counterpart with another outcome.
        QVERIFY(r.differingOutcomes >= 1);
    }
}

void TstTracePair::byOrder()
{
    const auto dir = captureDir("k61-nvme");
    const ReplayResult a = replayFile(dir / "trace.txt", dir);
    const ReplayResult b = replayFile(dir / "trace_pipe.txt", dir);
    const TracePairResult r = compareTracePair(a, b, TracePairMatch::ByOrder);
    QCOMPARE(r.match, TracePairMatch::ByOrder);
    QCOMPARE(r.matched, std::uint64_t(b.requests.size()));
    QCOMPARE(r.onlyInA, std::uint64_t(a.requests.size() - b.requests.size()));
    // By order, the trace's boot-time requests shift every pair: some pair the pipe's later ones with others.
    const TracePairResult byKey = compareTracePair(a, b, TracePairMatch::ByKey);
    QCOMPARE(r.total.a.requests, byKey.total.a.requests);
}

void TstTracePair::reportTexts()
{
    const ReplayResult a = replayCapture("k61-nvme");
    const ReplayResult b = replayCapture("k612-reserved-mixed");
    const TracePairResult r = compareTracePair(a, b);
    const std::string table = tracePairTable(r, "a.txt", "b.txt");
    QVERIFY(table.rfind("A: a.txt\nB: b.txt\n", 0) == 0);
    QVERIFY(table.find("total (one area: reserved)\n") != std::string::npos);
    QVERIFY(table.find("latency p99") != std::string::npos);
    QVERIFY(table.find("peak used pages") != std::string::npos);
    QVERIFY(table.find("+" + std::to_string(b.failed - a.failed)) != std::string::npos);
    QVERIFY(table.find("matched " + std::to_string(r.matched) + " requests by task") != std::string::npos);
    const auto j = nlohmann::json::parse(tracePairJson(r, "a.txt", "b.txt"));
    QCOMPARE(j["a"].get<std::string>(), std::string("a.txt"));
    QCOMPARE(j["match"].get<std::string>(), std::string("key"));
    QCOMPARE(j["total"]["a"]["failed"].get<std::uint64_t>(), a.failed);
    QCOMPARE(j["total"]["b"]["failed"].get<std::uint64_t>(), b.failed);
    QCOMPARE(j["failures_increased"].get<bool>(), true);
    QCOMPARE(j["areas"][0]["area"].get<std::string>(), std::string("reserved"));
    QCOMPARE(j["total"]["b"]["peak_used_pages"].get<std::uint64_t>(), *r.total.b.peakUsedPages);
    QCOMPARE(j["matched"].get<std::uint64_t>(), r.matched);
    QCOMPARE(j["first_difference"].is_null(), !r.firstDifference);
}

void TstTracePair::cancelled()
{
    const ReplayResult a = replayCapture("k61-nvme");
    const TracePairResult r =
        compareTracePair(a, a, TracePairMatch::ByKey, [](std::uint64_t, std::uint64_t) { return false; });
    // Cancelling stops the timeline runs: the counts are there, the peaks are not.
    QVERIFY(!r.total.a.peakUsedPages);
    QCOMPARE(r.total.a.requests, a.requested);
}

QTEST_GUILESS_MAIN(TstTracePair)
#include "tst_tracepair.moc"
