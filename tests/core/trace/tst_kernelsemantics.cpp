// SPDX-License-Identifier: GPL-2.0-or-later
// Kernel semantics from a trace's evidence (docs/kernel-cma.md, "Kernel semantics"): user versions, boot log
// releases, the lines' fields, the event format files of the real captures, and contradictions.
#include "support/captures.h"

#include <cmascope/trace/kernelsemantics.h>
#include <cmascope/trace/parser.h>

#include <QTest>

using namespace cmascope;

Q_DECLARE_METATYPE(KernelSemantics)

namespace {

/// The choice for @p trace (text), with an optional boot log and user choice.
KernelSemanticsChoice decideFor(const std::string& trace, const std::string& dmesg = {},
    std::optional<KernelSemantics> user = std::nullopt, const std::string& formats = {})
{
    KernelEvidence ev;
    for (const TraceEvent& e : parseTraceText(trace).events)
        ev.observe(e);
    ev.observeBootLog(bootLogKernelRelease(dmesg), parseBootLog(dmesg));
    if (!formats.empty())
        ev.observeEventFormats(formats);
    return ev.decide(user);
}

const std::string kStart612 = "  a-1 [000] .....  1.000000: cma_alloc_start: name=reserved count=8 align=3\n";
const std::string kStart618 = "  a-1 [000] .....  1.000000: cma_alloc_start: name=reserved request_count=8 "
                              "available_count=4096 total_count=4096 align=3\n";
const std::string kOk = "  a-1 [000] .....  1.000100: cma_alloc_finish: name=reserved pfn=0x7dc00 page=00000000aaaa "
                        "count=8 align=3 errorno=0\n";
const std::string kOk61 = "  a-1 [000] .....  1.000100: cma_alloc_finish: name=reserved pfn=0x7dc00 page=00000000aaaa "
                          "count=8 align=3\n";
const std::string kFail612 = "  a-1 [000] .....  1.000200: cma_alloc_finish: name=reserved pfn=0xffffffffffffffff "
                             "page=0000000000000000 count=8 align=3 errorno=-12\n";
const std::string kFail615 = "  a-1 [000] .....  1.000200: cma_alloc_finish: name=reserved pfn=0x0 "
                             "page=0000000000000000 count=8 align=3 errorno=-16\n";

} // namespace

class TestKernelSemantics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseVersion_data();
    void parseVersion();
    void fromLines_data();
    void fromLines();
    void bootLogRelease();
    void userOverridesAndSaysWhy();
    void captureFormats_data();
    void captureFormats();
};

void TestKernelSemantics::parseVersion_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<KernelSemantics>("expected");
    QTest::newRow("6.1") << QByteArray("6.1") << true << KernelSemantics::K6_1;
    QTest::newRow("6.6 has no errorno") << QByteArray("6.6") << true << KernelSemantics::K6_1;
    QTest::newRow("5.15") << QByteArray("5.15") << true << KernelSemantics::K6_1;
    QTest::newRow("6.7 has errorno") << QByteArray("6.7") << true << KernelSemantics::K6_12;
    QTest::newRow("6.12") << QByteArray("6.12") << true << KernelSemantics::K6_12;
    QTest::newRow("6.14") << QByteArray("6.14") << true << KernelSemantics::K6_12;
    QTest::newRow("6.15") << QByteArray("6.15") << true << KernelSemantics::K6_15;
    QTest::newRow("6.15+") << QByteArray("6.15+") << true << KernelSemantics::K6_15;
    QTest::newRow("6.16.3") << QByteArray("6.16.3") << true << KernelSemantics::K6_15;
    QTest::newRow("6.18+") << QByteArray("6.18+") << true << KernelSemantics::K6_18;
    QTest::newRow("7.2 release") << QByteArray("7.2.13+deb14-arm64") << true << KernelSemantics::K6_18;
    QTest::newRow("debian 6.12") << QByteArray("6.12.117+deb12-arm64") << true << KernelSemantics::K6_12;
    QTest::newRow("no minor") << QByteArray("6") << false << KernelSemantics::Unknown;
    QTest::newRow("word") << QByteArray("latest") << false << KernelSemantics::Unknown;
    QTest::newRow("trailing letters") << QByteArray("6.15foo") << false << KernelSemantics::Unknown;
    QTest::newRow("empty") << QByteArray("") << false << KernelSemantics::Unknown;
}

void TestKernelSemantics::parseVersion()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QFETCH(KernelSemantics, expected);
    const auto parsed = parseKernelSemantics(text.toStdString());
    QCOMPARE(parsed.has_value(), ok);
    if (ok)
        QCOMPARE(*parsed, expected);
}

void TestKernelSemantics::fromLines_data()
{
    QTest::addColumn<QByteArray>("trace");
    QTest::addColumn<KernelSemantics>("expected");
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QByteArray>("reasonHas");
    QTest::newRow("6.18 start") << QByteArray::fromStdString(kStart618 + kOk) << KernelSemantics::K6_18
                                << QByteArray("trace") << QByteArray("line 1: cma_alloc_start carries available_count");
    QTest::newRow("6.15 failure") << QByteArray::fromStdString(kStart612 + kFail615) << KernelSemantics::K6_15
                                  << QByteArray("trace")
                                  << QByteArray("line 2: a failed cma_alloc_finish reports pfn=0x0");
    QTest::newRow("6.12 failure") << QByteArray::fromStdString(kStart612 + kFail612) << KernelSemantics::K6_12
                                  << QByteArray("trace") << QByteArray("pfn=0xffffffffffffffff (before 6.15)");
    QTest::newRow("6.1 finish") << QByteArray::fromStdString(kStart612 + kOk61) << KernelSemantics::K6_1
                                << QByteArray("trace") << QByteArray("cma_alloc_finish without errorno");
    QTest::newRow("successes only") << QByteArray::fromStdString(kStart612 + kOk) << KernelSemantics::Unknown
                                    << QByteArray("trace") << QByteArray("does not tell 6.12 from 6.15+");
    QTest::newRow("contradiction") << QByteArray::fromStdString(kStart618 + kFail612) << KernelSemantics::Unknown
                                   << QByteArray("trace") << QByteArray("contradicts itself");
    QTest::newRow("nothing") << QByteArray() << KernelSemantics::Unknown << QByteArray("none")
                             << QByteArray("nothing in the trace");
}

void TestKernelSemantics::fromLines()
{
    QFETCH(QByteArray, trace);
    QFETCH(KernelSemantics, expected);
    QFETCH(QByteArray, source);
    QFETCH(QByteArray, reasonHas);
    const KernelSemanticsChoice c = decideFor(trace.toStdString());
    QCOMPARE(c.semantics, expected);
    QCOMPARE(QByteArray::fromStdString(c.source), source);
    QVERIFY2(c.reason.find(reasonHas.toStdString()) != std::string::npos, c.reason.c_str());
}

void TestKernelSemantics::bootLogRelease()
{
    const std::string dmesg = "[    0.000000] Booting Linux on physical CPU 0x0\n"
                              "[    0.000000] Linux version 6.16.3-arm64 (builder) (gcc) #1 SMP\n"
                              "[    0.000000] cma: Reserved 2048 MiB in 2 ranges\n";
    const auto release = bootLogKernelRelease(dmesg);
    QVERIFY(release);
    QCOMPARE(release->major, 6u);
    QCOMPARE(release->minor, 16u);
    QCOMPARE(release->release, std::string("6.16.3-arm64"));
    QCOMPARE(release->line, 2u);
    // the release decides, even over lines that say nothing
    const KernelSemanticsChoice c = decideFor(kStart612 + kOk, dmesg);
    QCOMPARE(c.semantics, KernelSemantics::K6_15);
    QCOMPARE(c.source, std::string("boot log"));
    QCOMPARE(c.reason, std::string("boot log line 2: Linux version 6.16.3-arm64"));
    // without the release, the multi-range line alone says 6.15 or later
    const KernelSemanticsChoice ranges = decideFor(kStart612 + kOk, "[    0.0] cma: Reserved 2048 MiB in 2 ranges\n");
    QCOMPARE(ranges.semantics, KernelSemantics::K6_15);
    QVERIFY2(ranges.reason.find("in 2 ranges") != std::string::npos, ranges.reason.c_str());
    // a release the lines contradict: the release is used, and the contradiction said
    const KernelSemanticsChoice both = decideFor(kStart612 + kFail612, dmesg);
    QCOMPARE(both.semantics, KernelSemantics::K6_15);
    QVERIFY2(
        both.reason.find("but line 2: a failed cma_alloc_finish reports pfn=0xffffffffffffffff") != std::string::npos,
        both.reason.c_str());
    QVERIFY(!bootLogKernelRelease("[ 0.0] cma: Reserved 16 MiB at 0x000000007dc00000\n"));
}

void TestKernelSemantics::userOverridesAndSaysWhy()
{
    const auto dir = test::captureDir("k612-reserved-mixed");
    const std::string dmesg = test::slurp(dir / "dmesg-cma.txt");
    const KernelSemanticsChoice own = decideFor(kStart612 + kFail612, dmesg);
    QCOMPARE(own.semantics, KernelSemantics::K6_12);
    QCOMPARE(own.source, std::string("boot log"));
    const KernelSemanticsChoice user = decideFor(kStart612 + kFail612, dmesg, KernelSemantics::K6_15);
    QCOMPARE(user.semantics, KernelSemantics::K6_15);
    QCOMPARE(user.source, std::string("user"));
    QVERIFY2(
        user.reason.starts_with("given as 6.15+; but boot log line 1: Linux version 6.12.117"), user.reason.c_str());
    QVERIFY2(user.reason.find("but line 2") != std::string::npos, user.reason.c_str());
    // agreeing evidence adds nothing
    const KernelSemanticsChoice agree = decideFor(kStart612 + kFail612, {}, KernelSemantics::K6_12);
    QCOMPARE(agree.reason, std::string("given as 6.12"));
}

void TestKernelSemantics::captureFormats_data()
{
    QTest::addColumn<QByteArray>("capture");
    QTest::addColumn<KernelSemantics>("expected");
    QTest::addColumn<QByteArray>("reasonHas");
    // 6.1's cma_alloc_finish has no errorno
    QTest::newRow("6.1") << QByteArray("k61-nvme") << KernelSemantics::K6_1 << QByteArray("has no errorno");
    // 6.12's formats are those of 6.15 too (count= start, errorno finish): the formats alone cannot tell
    QTest::newRow("6.12") << QByteArray("k612-busy-retry") << KernelSemantics::Unknown << QByteArray("does not tell");
}

void TestKernelSemantics::captureFormats()
{
    QFETCH(QByteArray, capture);
    QFETCH(KernelSemantics, expected);
    QFETCH(QByteArray, reasonHas);
    const std::string formats = test::slurp(test::captureDir(capture) / "cma-event-formats.txt");
    QVERIFY(!formats.empty());
    const KernelSemanticsChoice c = decideFor({}, {}, std::nullopt, formats);
    QCOMPARE(c.semantics, expected);
    QVERIFY2(c.reason.find(reasonHas.toStdString()) != std::string::npos, c.reason.c_str());
}

QTEST_GUILESS_MAIN(TestKernelSemantics)
#include "tst_kernelsemantics.moc"
