// SPDX-License-Identifier: GPL-2.0-or-later
// The CMA trace line parser on synthetic lines written from the kernel's format strings
// (include/trace/events/cma.h, every generation) and line layouts (trace_output.c, trace-cmd).
// Also: boot-log messages and the debugfs bitmap text.
#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/debugfs.h>
#include <cmascope/trace/events.h>
#include <cmascope/trace/parser.h>

#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <string>

using namespace cmascope;

namespace {

constexpr qulonglong kNone = ~0ull;

std::string str(const QByteArray& b)
{
    return b.toStdString();
}

void writeFile(const std::filesystem::path& p, const std::string& text)
{
    std::ofstream out(p, std::ios::binary);
    out << text;
}

} // namespace

class TstTraceParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseLine_data();
    void parseLine();
    void malformed_data();
    void malformed();
    void skipped_data();
    void skipped();
    void formatDetection_data();
    void formatDetection();
    void interning();
    void errorCap();
    void eventSize();
    void bitmapText();
    void bitmapParseErrors_data();
    void bitmapParseErrors();
    void debugfsErrors();
    void bootLog_data();
    void bootLog();
    void bootLogContextNames();
    void bootLogSizePast64Bits();
};

void TstTraceParser::parseLine_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArray>("task");
    QTest::addColumn<int>("cpu");
    QTest::addColumn<qulonglong>("timestampNs");
    QTest::addColumn<QByteArray>("area");
    QTest::addColumn<qulonglong>("pfn");
    QTest::addColumn<qulonglong>("count");
    QTest::addColumn<int>("align"); // -1: no align field
    QTest::addColumn<int>("errorno");
    QTest::addColumn<bool>("hasErrno");
    QTest::addColumn<bool>("failed");
    QTest::addColumn<bool>("nullPage");
    QTest::addColumn<qulonglong>("available"); // kNone: no available/total
    QTest::addColumn<qulonglong>("total");

    const int start = int(EventType::AllocStart), finish = int(EventType::AllocFinish),
              busy = int(EventType::BusyRetry), release = int(EventType::Release), legacy = int(EventType::LegacyAlloc);
    const QByteArray unnamed = QByteArray(kUnnamedArea.data(), qsizetype(kUnnamedArea.size()));

    // Generation 1 (v4.1): cma_alloc/cma_release "pfn=%lx page=%p count=%u", 5-wide pid, 4 flag columns.
    QTest::newRow("gen1 cma_alloc") << QByteArray(
        "            bash-412   [001] ....   279.814717: cma_alloc: pfn=47c04 page=ffffea00011f0100 count=4")
                                    << legacy << QByteArray("bash-412") << 1 << 279814717000ull << unnamed << 0x47c04ull
                                    << 4ull << -1 << 0 << false << false << false << kNone << kNone;
    QTest::newRow("gen1 cma_alloc failed (null)")
        << QByteArray(
               "            bash-412   [001] ....   279.814717: cma_alloc: pfn=ffffffffffffffff page=(null) count=4")
        << legacy << QByteArray("bash-412") << 1 << 279814717000ull << unnamed << ~0ull << 4ull << -1 << 0 << false
        << true << true << kNone << kNone;
    QTest::newRow("gen1 cma_release") << QByteArray(
        "   kworker/0:1-25    [000] d...    12.000001: cma_release: pfn=47c04 page=ffffea00011f0100 count=4")
                                      << release << QByteArray("kworker/0:1-25") << 0 << 12000001000ull << unnamed
                                      << 0x47c04ull << 4ull << -1 << 0 << false << false << false << kNone << kNone;
    // Generation 2 (+align).
    QTest::newRow("gen2 cma_alloc align") << QByteArray(
        "            bash-412   [003] ...1   100.500000: cma_alloc: pfn=80000 page=ffffea0002000000 count=256 align=8")
                                          << legacy << QByteArray("bash-412") << 3 << 100500000000ull << unnamed
                                          << 0x80000ull << 256ull << 8 << 0 << false << false << false << kNone
                                          << kNone;
    QTest::newRow("gen2 cma_alloc failed 32-bit (nil)")
        << QByteArray(
               "      v4l2-cap-91    [000] ....     5.000100: cma_alloc: pfn=ffffffff page=(nil) count=16 align=4")
        << legacy << QByteArray("v4l2-cap-91") << 0 << 5000100000ull << unnamed << 0xffffffffull << 16ull << 4 << 0
        << false << true << true << kNone << kNone;
    // Android 4.19 variant: unnamed cma_alloc_start "count=%u align=%u".
    QTest::newRow("android unnamed cma_alloc_start")
        << QByteArray("   Binder:512_2-530   [002] ....   42.000000: cma_alloc_start: count=64 align=6") << start
        << QByteArray("Binder:512_2-530") << 2 << 42000000000ull << unnamed << 0ull << 64ull << 6 << 0 << false << false
        << false << kNone << kNone;
    // Generation 3 (name=, pfn=%lx without 0x, count=%lu).
    QTest::newRow("gen3 start") << QByteArray(
        "            bash-412     [001] .....   279.814717: cma_alloc_start: name=cma count=4 align=0")
                                << start << QByteArray("bash-412") << 1 << 279814717000ull << QByteArray("cma") << 0ull
                                << 4ull << 0 << 0 << false << false << false << kNone << kNone;
    QTest::newRow("gen3 finish no 0x") << QByteArray(
        "            bash-412     [001] .....   279.814790: cma_alloc_finish: name=cma pfn=47c04 page=00000000b1f2a3c4 "
        "count=4 align=0") << finish << QByteArray("bash-412")
                                       << 1 << 279814790000ull << QByteArray("cma") << 0x47c04ull << 4ull << 0 << 0
                                       << false << false << false << kNone << kNone;
    QTest::newRow("gen3 busy_retry") << QByteArray(
        "            bash-412     [001] .....   279.814750: cma_alloc_busy_retry: name=cma pfn=47c00 "
        "page=00000000aaaa0000 count=4 align=0")
                                     << busy << QByteArray("bash-412") << 1 << 279814750000ull << QByteArray("cma")
                                     << 0x47c00ull << 4ull << 0 << 0 << false << false << false << kNone << kNone;
    QTest::newRow("gen3 release") << QByteArray("            bash-412     [001] .....   301.002311: cma_release: "
                                                "name=cma pfn=47c04 page=00000000b1f2a3c4 count=4")
                                  << release << QByteArray("bash-412") << 1 << 301002311000ull << QByteArray("cma")
                                  << 0x47c04ull << 4ull << -1 << 0 << false << false << false << kNone << kNone;
    // Generation 4 (pfn=0x%lx); failure without errorno as in 6.1.
    QTest::newRow("gen4 finish 0x") << QByteArray(
        "    kworker/u4:0-9       [000] .....     2.059179: cma_alloc_finish: name=reserved pfn=0x7dc60 "
        "page=00000000f530de3c count=4 align=2")
                                    << finish << QByteArray("kworker/u4:0-9") << 0 << 2059179000ull
                                    << QByteArray("reserved") << 0x7dc60ull << 4ull << 2 << 0 << false << false << false
                                    << kNone << kNone;
    QTest::newRow("gen4 finish failed ~0")
        << QByteArray("    kworker/u4:7-136     [000] .....    16.840910: cma_alloc_finish: name=reserved "
                      "pfn=0xffffffffffffffff page=0000000000000000 count=13 align=4")
        << finish << QByteArray("kworker/u4:7-136") << 0 << 16840910000ull << QByteArray("reserved") << ~0ull << 13ull
        << 4 << 0 << false << true << true << kNone << kNone;
    QTest::newRow("gen4 release raw page pointer")
        << QByteArray("            init-1     [000]     3.000000: cma_release:          name=reserved pfn=0x7dc00 "
                      "page=0xfffffd0a2ff70000 count=32")
        << release << QByteArray("init-1") << 0 << 3000000000ull << QByteArray("reserved") << 0x7dc00ull << 32ull << -1
        << 0 << false << false << false << kNone << kNone;
    // Generation 5 (errorno).
    QTest::newRow("gen5 finish ok") << QByteArray(
        "            init-1       [000] .....     0.292285: cma_alloc_finish: name=reserved pfn=0x7dc00 "
        "page=0000000019f7106b count=32 align=5 errorno=0")
                                    << finish << QByteArray("init-1") << 0 << 292285000ull << QByteArray("reserved")
                                    << 0x7dc00ull << 32ull << 5 << 0 << true << false << false << kNone << kNone;
    QTest::newRow("gen5 finish -ENOMEM ~0")
        << QByteArray("            init-1       [001] .....     3.069118: cma_alloc_finish: name=reserved "
                      "pfn=0xffffffffffffffff page=0000000000000000 count=1500 align=0 errorno=-12")
        << finish << QByteArray("init-1") << 1 << 3069118000ull << QByteArray("reserved") << ~0ull << 1500ull << 0
        << -12 << true << true << true << kNone << kNone;
    QTest::newRow("gen5 finish -EBUSY pfn 0")
        << QByteArray("          camera-700     [001] .....    50.000001: cma_alloc_finish: name=linux,cma pfn=0x0 "
                      "page=0000000000000000 count=8 align=3 errorno=-16")
        << finish << QByteArray("camera-700") << 1 << 50000001000ull << QByteArray("linux,cma") << 0ull << 8ull << 3
        << -16 << true << true << true << kNone << kNone;
    QTest::newRow("gen5 finish -EINTR page (null)")
        << QByteArray("          camera-700     [001] .....    50.000002: cma_alloc_finish: name=linux,cma pfn=0x0 "
                      "page=(null) count=8 align=3 errorno=-4")
        << finish << QByteArray("camera-700") << 1 << 50000002000ull << QByteArray("linux,cma") << 0ull << 8ull << 3
        << -4 << true << true << true << kNone << kNone;
    // Generation 6 (2025): request_count/available_count/total_count.
    QTest::newRow("gen6 start request_count")
        << QByteArray("            bash-412     [001] .....   279.814717: cma_alloc_start: name=reserved "
                      "request_count=4 available_count=8096 total_count=8192 align=0")
        << start << QByteArray("bash-412") << 1 << 279814717000ull << QByteArray("reserved") << 0ull << 4ull << 0 << 0
        << false << false << false << 8096ull << 8192ull;
    // Line layouts.
    QTest::newRow("tgid column") << QByteArray(
        "            bash-412     (    412) [001] .....   279.814717: cma_alloc_start: name=reserved count=4 align=0")
                                 << start << QByteArray("bash-412") << 1 << 279814717000ull << QByteArray("reserved")
                                 << 0ull << 4ull << 0 << 0 << false << false << false << kNone << kNone;
    QTest::newRow("tgid unknown") << QByteArray("          <idle>-0       (-------) [000] d.h1.     9.000001: "
                                                "cma_release: name=reserved pfn=0x7dc00 page=00000000deadbeef count=1")
                                  << release << QByteArray("<idle>-0") << 0 << 9000001000ull << QByteArray("reserved")
                                  << 0x7dc00ull << 1ull << -1 << 0 << false << false << false << kNone << kNone;
    QTest::newRow("4 flag columns") << QByteArray(
        "            bash-412     [002] d..1   279.814717: cma_alloc_start: name=reserved count=4 align=0")
                                    << start << QByteArray("bash-412") << 2 << 279814717000ull << QByteArray("reserved")
                                    << 0ull << 4ull << 0 << 0 << false << false << false << kNone << kNone;
    QTest::newRow("no flag columns") << QByteArray(
        "            bash-412     [002]   279.814717: cma_alloc_start: name=reserved count=4 align=0")
                                     << start << QByteArray("bash-412") << 2 << 279814717000ull
                                     << QByteArray("reserved") << 0ull << 4ull << 0 << 0 << false << false << false
                                     << kNone << kNone;
    QTest::newRow("trace-cmd report padded")
        << QByteArray("    kworker/u4:2-44    [001]     2.052647: cma_alloc_start:      name=reserved count=4 align=2")
        << start << QByteArray("kworker/u4:2-44") << 1 << 2052647000ull << QByteArray("reserved") << 0ull << 4ull << 2
        << 0 << false << false << false << kNone << kNone;
    QTest::newRow("trace-cmd report with latency")
        << QByteArray("    kworker/u4:2-44    [001] .N...     2.052647: cma_alloc_finish:     name=reserved "
                      "pfn=0x7dc68 page=0xfffffd0a2ff71a00 count=4 align=2")
        << finish << QByteArray("kworker/u4:2-44") << 1 << 2052647000ull << QByteArray("reserved") << 0x7dc68ull << 4ull
        << 2 << 0 << false << false << false << kNone << kNone;
    QTest::newRow("comm with spaces") << QByteArray(
        " Jit thread pool-2210    [003] .....  1234.000100: cma_alloc_start: name=reserved count=1 align=0")
                                      << start << QByteArray("Jit thread pool-2210") << 3 << 1234000100000ull
                                      << QByteArray("reserved") << 0ull << 1ull << 0 << 0 << false << false << false
                                      << kNone << kNone;
    QTest::newRow("comm with dashes and digits")
        << QByteArray(
               "  my-app-2-x-77-1234    [000] .....     1.000000: cma_alloc_start: name=reserved count=1 align=0")
        << start << QByteArray("my-app-2-x-77-1234") << 0 << 1000000000ull << QByteArray("reserved") << 0ull << 1ull
        << 0 << 0 << false << false << false << kNone << kNone;
    QTest::newRow("comm 15 chars, no padding")
        << QByteArray(
               "abcdefghijklmno-4194304 [127] .....     1.000000: cma_alloc_start: name=reserved count=1 align=0")
        << start << QByteArray("abcdefghijklmno-4194304") << 127 << 1000000000ull << QByteArray("reserved") << 0ull
        << 1ull << 0 << 0 << false << false << false << kNone << kNone;
    QTest::newRow("comm with brackets") << QByteArray(
        "      (sd-pam)[1]-900     [000] .....     1.000000: cma_alloc_start: name=reserved count=1 align=0")
                                        << start << QByteArray("(sd-pam)[1]-900") << 0 << 1000000000ull
                                        << QByteArray("reserved") << 0ull << 1ull << 0 << 0 << false << false << false
                                        << kNone << kNone;
    QTest::newRow("area name with spaces")
        << QByteArray(
               "            bash-412     [001] .....     1.000000: cma_alloc_start: name=my area count=4 align=0")
        << start << QByteArray("bash-412") << 1 << 1000000000ull << QByteArray("my area") << 0ull << 4ull << 0 << 0
        << false << false << false << kNone << kNone;
    QTest::newRow("CRLF and ns timestamp")
        << QByteArray(
               "            bash-412     [001] .....   279.814717123: cma_alloc_start: name=reserved count=4 align=0\r")
        << start << QByteArray("bash-412") << 1 << 279814717123ull << QByteArray("reserved") << 0ull << 4ull << 0 << 0
        << false << false << false << kNone << kNone;
    QTest::newRow("counter clock") << QByteArray(
        "            bash-412     [001] ..... 987654321: cma_alloc_start: name=reserved count=4 align=0")
                                   << start << QByteArray("bash-412") << 1 << 987654321ull << QByteArray("reserved")
                                   << 0ull << 4ull << 0 << 0 << false << false << false << kNone << kNone;
    QTest::newRow("early boot ptrval") << QByteArray(
        "         swapper-1       [000] .....     0.100000: cma_alloc_finish: name=reserved pfn=0x7dc00 "
        "page=(____ptrval____) count=32 align=5 errorno=0")
                                       << finish << QByteArray("swapper-1") << 0 << 100000000ull
                                       << QByteArray("reserved") << 0x7dc00ull << 32ull << 5 << 0 << true << false
                                       << false << kNone << kNone;
}

void TstTraceParser::parseLine()
{
    QFETCH(QByteArray, line);
    QFETCH(int, type);
    QFETCH(QByteArray, task);
    QFETCH(int, cpu);
    QFETCH(qulonglong, timestampNs);
    QFETCH(QByteArray, area);
    QFETCH(qulonglong, pfn);
    QFETCH(qulonglong, count);
    QFETCH(int, align);
    QFETCH(int, errorno);
    QFETCH(bool, hasErrno);
    QFETCH(bool, failed);
    QFETCH(bool, nullPage);
    QFETCH(qulonglong, available);
    QFETCH(qulonglong, total);

    // A comment before the line: the event must report line number 2.
    const std::string text = "# a comment\n" + str(line) + "\n";
    const TraceData d = parseTraceText(text);
    QCOMPARE(d.errorCount, 0ull);
    QVERIFY2(d.errors.empty(), d.errors.empty() ? "" : d.errors.front().message.c_str());
    QCOMPARE(d.events.size(), std::size_t(1));
    QCOMPARE(d.lines, 2ull);
    QCOMPARE(d.skippedLines, 1ull);
    const TraceEvent& e = d.events.front();
    QCOMPARE(int(e.type), type);
    QCOMPARE(d.count(EventType(type)), 1ull);
    QCOMPARE(e.line, 2u);
    QCOMPARE(QByteArray::fromStdString(d.taskName(e)), task);
    QCOMPARE(int(e.cpu), cpu);
    QCOMPARE(qulonglong(e.timestampNs), timestampNs);
    QCOMPARE(QByteArray::fromStdString(std::string(d.areaName(e))), area);
    QCOMPARE(qulonglong(e.pfn), pfn);
    QCOMPARE(qulonglong(e.count), count);
    QCOMPARE(e.has(TraceEvent::HasAlign), align >= 0);
    if (align >= 0)
        QCOMPARE(int(e.align), align);
    QCOMPARE(e.hasErrno(), hasErrno);
    QCOMPARE(int(e.errorno), errorno);
    QCOMPARE(e.failed(), failed);
    QCOMPARE(e.has(TraceEvent::NullPage), nullPage);
    QCOMPARE(e.has(TraceEvent::HasAvailable), available != kNone);
    if (available != kNone) {
        QCOMPARE(qulonglong(e.availableCount), available);
        QCOMPARE(qulonglong(e.totalCount), total);
    }
    QCOMPARE(e.markerId, TraceEvent::kNoId);
}

void TstTraceParser::malformed_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("reason");

    const QByteArray p("            bash-412     [001] .....   279.814717: ");
    QTest::newRow("start missing count") << p + "cma_alloc_start: name=reserved align=0" << QByteArray("missing count");
    QTest::newRow("start missing align") << p + "cma_alloc_start: name=reserved count=4" << QByteArray("missing align");
    QTest::newRow("gen6 missing total") << p
            + "cma_alloc_start: name=reserved request_count=4 available_count=8096 align=0"
                                        << QByteArray("missing total_count");
    QTest::newRow("non-numeric pfn") << p
            + "cma_alloc_finish: name=reserved pfn=0xzz page=00000000b1f2a3c4 count=4 align=0"
                                     << QByteArray("invalid pfn");
    QTest::newRow("non-numeric count") << p + "cma_release: name=reserved pfn=0x7dc00 page=00000000b1f2a3c4 count=4x"
                                       << QByteArray("invalid count");
    QTest::newRow("negative count") << p + "cma_release: name=reserved pfn=0x7dc00 page=00000000b1f2a3c4 count=-4"
                                    << QByteArray("invalid count");
    QTest::newRow("align out of range") << p + "cma_alloc_start: name=reserved count=4 align=300"
                                        << QByteArray("invalid align");
    QTest::newRow("bad errorno") << p
            + "cma_alloc_finish: name=reserved pfn=0x7dc00 page=00000000b1f2a3c4 count=4 align=0 errorno=x"
                                 << QByteArray("invalid errorno");
    QTest::newRow("bad page") << p + "cma_alloc_finish: name=reserved pfn=0x7dc00 page=zzzz count=4 align=0"
                              << QByteArray("invalid page pointer");
    QTest::newRow("truncated after page")
        << p + "cma_alloc_finish: name=reserved pfn=0x7dc00 page=00000000" << QByteArray("missing count");
    QTest::newRow("truncated inside key")
        << p + "cma_alloc_finish: name=reserved pfn=0x7dc00 page=00000000b1f2a3c4 count=4 ali"
        << QByteArray("malformed field 'ali'");
    QTest::newRow("truncated event name") << p + "cma_alloc_fin" << QByteArray("truncated line");
    QTest::newRow("no fields") << p + "cma_release:" << QByteArray("no fields");
    QTest::newRow("legacy missing page") << p + "cma_alloc: pfn=47c04 count=4" << QByteArray("missing page");
    QTest::newRow("busy_retry missing pfn")
        << p + "cma_alloc_busy_retry: name=reserved page=00000000b1f2a3c4 count=4 align=0" << QByteArray("missing pfn");
}

void TstTraceParser::malformed()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, reason);
    const std::string good =
        "            bash-412     [001] .....   279.000000: cma_alloc_start: name=reserved count=4 align=0\n";
    const std::string text = good + "#\n" + str(line) + "\n" + good;
    const TraceData d = parseTraceText(text);
    QCOMPARE(d.errorCount, 1ull);
    QCOMPARE(d.errors.size(), std::size_t(1));
    QCOMPARE(d.errors[0].line, 3u);
    QVERIFY2(d.errors[0].message.find(str(reason)) != std::string::npos, d.errors[0].message.c_str());
    // the import goes on
    QCOMPARE(d.events.size(), std::size_t(2));
    QCOMPARE(d.events[1].line, 4u);
    QCOMPARE(d.lines, 4ull);
    QCOMPARE(formatTraceError(d, d.errors[0]), "line 3: " + d.errors[0].message);
}

void TstTraceParser::skipped_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<qulonglong>("lost");
    QTest::newRow("blank") << QByteArray("") << 0ull;
    QTest::newRow("spaces") << QByteArray("   \r") << 0ull;
    QTest::newRow("comment") << QByteArray("#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION") << 0ull;
    QTest::newRow("lost events") << QByteArray("CPU:1 [LOST 42 EVENTS]") << 42ull;
    QTest::newRow("cpus header") << QByteArray("cpus=4") << 0ull;
    QTest::newRow("other event") << QByteArray("          <idle>-0       [000] d..2.   100.000000: sched_switch: "
                                               "prev_comm=swapper/0 prev_pid=0 ==> next_comm=bash next_pid=412")
                                 << 0ull;
    QTest::newRow("unknown cma event") << QByteArray(
        "            bash-412     [001] .....   279.814717: cma_alloc_at_start: name=reserved pfn=7dc00, "
        "request_count=4 available_count=1 total_count=2")
                                       << 0ull;
    QTest::newRow("dmesg line") << QByteArray(
        "[   16.840958] cma: cma_alloc: reserved: alloc failed, req-size: 13 pages, ret: -12")
                                << 0ull;
    QTest::newRow("prose") << QByteArray("hello world: cma_alloc_finish: nothing") << 0ull;
}

void TstTraceParser::skipped()
{
    QFETCH(QByteArray, line);
    QFETCH(qulonglong, lost);
    const TraceData d = parseTraceText(str(line) + "\n");
    QCOMPARE(d.lines, 1ull);
    QCOMPARE(d.skippedLines, 1ull);
    QCOMPARE(d.events.size(), std::size_t(0));
    QCOMPARE(d.errorCount, 0ull);
    QCOMPARE(qulonglong(d.lostEvents), lost);
}

void TstTraceParser::formatDetection_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("format");
    QTest::addColumn<int>("markers");
    const QByteArray ev(
        "            init-1       [000] .....     0.238115: cma_alloc_start: name=reserved count=32 align=5\n");
    QTest::newRow("trace file") << QByteArray("# tracer: nop\n#\n") + ev
            + "            init-1       [001] .....     2.130909: tracing_mark_write: CHECKPOINT boot begin\n"
                                << int(TraceFormat::TraceFile) << 1;
    QTest::newRow("trace_pipe") << ev << int(TraceFormat::TracePipe) << 0;
    QTest::newRow("trace-cmd report") << QByteArray("cpus=2\n")
            + "            init-1     [001]     2.130909: print:                tracing_mark_write: CHECKPOINT boot "
              "begin\n" << int(TraceFormat::TraceCmdReport)
                                      << 1;
    QTest::newRow("empty") << QByteArray() << int(TraceFormat::Unknown) << 0;
}

void TstTraceParser::formatDetection()
{
    QFETCH(QByteArray, text);
    QFETCH(int, format);
    QFETCH(int, markers);
    const TraceData d = parseTraceText(str(text));
    QCOMPARE(int(d.format), format);
    QCOMPARE(int(d.count(EventType::Marker)), markers);
    if (markers) {
        const TraceEvent& m = d.events.back();
        QCOMPARE(m.type, EventType::Marker);
        QCOMPARE(std::string(d.markerText(m)), std::string("CHECKPOINT boot begin"));
        QCOMPARE(d.taskName(m), std::string("init-1"));
        QCOMPARE(m.cpu, std::int16_t(1));
        QCOMPARE(m.timestampNs, 2130909000ull);
        QCOMPARE(m.areaId, TraceEvent::kNoId);
        QVERIFY(d.areaName(m).empty());
    }
}

void TstTraceParser::interning()
{
    const std::string text =
        "            bash-412     [001] .....     1.000000: cma_alloc_start: name=reserved count=4 align=0\n"
        "            bash-413     [001] .....     1.000001: cma_alloc_start: name=linux,cma count=4 align=0\n"
        "            bash-412     [000] .....     1.000002: cma_alloc_start: name=reserved count=4 align=0\n"
        "            bash-412     [000] .....     1.000003: cma_alloc: pfn=10 page=(null) count=4\n";
    const TraceData d = parseTraceText(text);
    QCOMPARE(d.events.size(), std::size_t(4));
    QCOMPARE(d.tasks.size(), std::size_t(2));
    QCOMPARE(d.areas.size(), std::size_t(3));
    QCOMPARE(d.events[0].taskId, d.events[2].taskId);
    QVERIFY(d.events[0].taskId != d.events[1].taskId);
    QCOMPARE(d.events[0].areaId, d.events[2].areaId);
    QVERIFY(d.events[0].areaId != d.events[1].areaId);
    QCOMPARE(d.tasks[d.events[1].taskId], std::string("bash-413"));
    QCOMPARE(d.areas.find("linux,cma"), d.events[1].areaId);
    QCOMPARE(d.areas.find(kUnnamedArea), d.events[3].areaId);
    QCOMPARE(d.areas.find("nope"), TraceEvent::kNoId);
}

void TstTraceParser::errorCap()
{
    std::string text;
    for (int i = 0; i < 10; ++i)
        text += "            bash-412     [001] .....     1.000000: cma_alloc_start: name=reserved align=0\n";
    const TraceData d = parseTraceText(text, 3);
    QCOMPARE(d.errorCount, 10ull);
    QCOMPARE(d.errors.size(), std::size_t(3));
    QCOMPARE(d.errors[2].line, 3u);
    QCOMPARE(d.events.size(), std::size_t(0));
}

void TstTraceParser::eventSize()
{
    QVERIFY(sizeof(TraceEvent) <= 64);
    QCOMPARE(eventTypeName(EventType::AllocFinish), std::string_view("cma_alloc_finish"));
    QCOMPARE(eventTypeName(EventType::LegacyAlloc), std::string_view("cma_alloc"));
}

void TstTraceParser::bitmapText()
{
    // 96 bits with the first 40 allocated (the example of docs/kernel-cma.md#debugfs), built bit by bit.
    std::vector<std::uint32_t> words(3, 0);
    for (int bit = 0; bit < 40; ++bit)
        words[std::size_t(bit / 32)] |= 1u << (bit % 32);
    const std::string text = formatDebugfsBitmap(words);
    QCOMPARE(text, std::string("4294967295 255 0\n"));
    const auto back = parseDebugfsBitmap(text);
    QVERIFY(back.has_value());
    QCOMPARE(*back, words);
    QCOMPARE(bitmapUsedPages(words, 0), 40ull);
    QCOMPARE(bitmapUsedPages(words, 9), 40ull << 9);
    QCOMPARE(formatDebugfsBitmap({}), std::string("\n"));
    const auto empty = parseDebugfsBitmap("\n");
    QVERIFY(empty.has_value() && empty->empty());
}

void TstTraceParser::bitmapParseErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("reason");
    QTest::newRow("not a number") << QByteArray("1 2 x3 4\n") << QByteArray("word 2: 'x3' is not a decimal number");
    QTest::newRow("33 bits") << QByteArray("0 4294967296\n")
                             << QByteArray("word 1: '4294967296' does not fit in 32 bits");
    QTest::newRow("negative") << QByteArray("-1\n") << QByteArray("word 0: '-1' is not a decimal number");
}

void TstTraceParser::bitmapParseErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, reason);
    std::string err;
    QVERIFY(!parseDebugfsBitmap(str(text), &err).has_value());
    QCOMPARE(err, str(reason));
}

void TstTraceParser::debugfsErrors()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const std::filesystem::path dir = std::filesystem::path(tmp.path().toStdString()) / "linux,cma";
    std::filesystem::create_directories(dir);
    writeFile(dir / "base_pfn", "524288\n");
    writeFile(dir / "count", "64\n");
    writeFile(dir / "order_per_bit", "0\n");
    writeFile(dir / "used", "3\n");
    writeFile(dir / "maxchunk", "61\n");
    writeFile(dir / "bitmap", "7 0\n");
    auto r = readDebugfsSnapshot(dir);
    QVERIFY2(r.snapshot.has_value(), r.error.c_str());
    QCOMPARE(r.snapshot->name, std::string("linux,cma"));
    QCOMPARE(r.snapshot->basePfn, 524288ull);
    QCOMPARE(r.snapshot->bitmap, (std::vector<std::uint32_t> { 7, 0 }));

    // wrong number of words for count=64
    writeFile(dir / "bitmap", "7\n");
    r = readDebugfsSnapshot(dir);
    QVERIFY(!r.snapshot);
    QVERIFY2(r.error.find((dir / "bitmap").string() + ": 1 words, expected 2") == 0, r.error.c_str());
    writeFile(dir / "bitmap", "7 0\n");

    writeFile(dir / "used", "three\n");
    r = readDebugfsSnapshot(dir);
    QVERIFY(!r.snapshot);
    QCOMPARE(r.error, (dir / "used").string() + ": expected a decimal number, got 'three'");
    writeFile(dir / "used", "3\n");

    std::filesystem::remove(dir / "maxchunk");
    r = readDebugfsSnapshot(dir);
    QVERIFY(!r.snapshot);
    QCOMPARE(r.error, (dir / "maxchunk").string() + ": cannot open");

    // base_pfn only under ranges/0 (multi-range kernels)
    writeFile(dir / "maxchunk", "61\n");
    std::filesystem::remove(dir / "base_pfn");
    std::filesystem::create_directories(dir / "ranges" / "0");
    writeFile(dir / "ranges" / "0" / "base_pfn", "1000\n");
    r = readDebugfsSnapshot(dir);
    QVERIFY2(r.snapshot.has_value(), r.error.c_str());
    QCOMPARE(r.snapshot->basePfn, 1000ull);

    r = readDebugfsSnapshot(dir / "missing");
    QVERIFY(!r.snapshot);
    QCOMPARE(r.error, (dir / "missing").string() + ": not a directory");
}

void TstTraceParser::bootLog_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<qulonglong>("base"); // kNone: none
    QTest::addColumn<qulonglong>("size");
    QTest::addColumn<int>("node");

    QTest::newRow("cma reserved 6.1") << QByteArray("[    0.000000] cma: Reserved 16 MiB at 0x000000007dc00000")
                                      << int(BootLogKind::CmaReserved) << QByteArray("reserved") << 0x7dc00000ull
                                      << 16ull * 1024 * 1024 << -1;
    QTest::newRow("cma reserved node -1")
        << QByteArray("[    0.000000] cma: Reserved 64 MiB at 0x00000000fb000000 on node -1")
        << int(BootLogKind::CmaReserved) << QByteArray("reserved") << 0xfb000000ull << 64ull * 1024 * 1024 << -1;
    QTest::newRow("cma reserved numa node")
        << QByteArray("cma: Reserved 32 MiB at 0x0000000880000000 on node 1") << int(BootLogKind::CmaReserved)
        << QByteArray() << 0x880000000ull << 32ull * 1024 * 1024 << 1;
    QTest::newRow("cma 32-bit %pa") << QByteArray("[    0.000000] cma: Reserved 8 MiB at 0x2f800000")
                                    << int(BootLogKind::CmaReserved) << QByteArray("reserved") << 0x2f800000ull
                                    << 8ull * 1024 * 1024 << -1;
    QTest::newRow("multi-range") << QByteArray("[    0.000000] cma: Reserved 1024 MiB in 3 ranges")
                                 << int(BootLogKind::CmaReservedRanges) << QByteArray() << kNone
                                 << 1024ull * 1024 * 1024 << -1;
    QTest::newRow("DT range") << QByteArray(
        "[    0.000000] OF: reserved mem: 0x00000000b8000000..0x00000000bfffffff (131072 KiB) map reusable linux,cma")
                              << int(BootLogKind::DtReservedRange) << QByteArray("linux,cma") << 0xb8000000ull
                              << 128ull * 1024 * 1024 << -1;
    QTest::newRow("DT range dash, KB") << QByteArray(
        "OF: reserved mem: 0x00000009f9400000-0x00000009fb3fffff ( 32768 KB ) map reusable test1")
                                       << int(BootLogKind::DtReservedRange) << QByteArray("test1") << 0x9f9400000ull
                                       << 32ull * 1024 * 1024 << -1;
    QTest::newRow("DT node initialized") << QByteArray(
        "[    0.000000] OF: reserved mem: initialized node vcodec_cma@60000000, compatible id shared-dma-pool")
                                         << int(BootLogKind::DtNodeInitialized) << QByteArray("vcodec_cma@60000000")
                                         << kNone << 0ull << -1;
    QTest::newRow("hugetlb") << QByteArray("[    0.000000] hugetlb_cma: reserved 2048 MiB on node 0")
                             << int(BootLogKind::HugetlbCma) << QByteArray("hugetlb0") << kNone << 2048ull * 1024 * 1024
                             << 0;
    QTest::newRow("Memory summary") << QByteArray(
        "[    0.000000] Memory: 98324K/1048576K available (13248K kernel code, 2806K rwdata, 9524K rodata, 6464K init, "
        "627K bss, 57884K reserved, 16384K cma-reserved)")
                                    << int(BootLogKind::MemoryCmaReserved) << QByteArray() << kNone << 16384ull * 1024
                                    << -1;
}

void TstTraceParser::bootLog()
{
    QFETCH(QByteArray, line);
    QFETCH(int, kind);
    QFETCH(QByteArray, name);
    QFETCH(qulonglong, base);
    QFETCH(qulonglong, size);
    QFETCH(int, node);
    const std::string text = "[    0.000000] Booting Linux on physical CPU 0x0\n" + str(line) + "\n";
    const auto areas = parseBootLog(text);
    QCOMPARE(areas.size(), std::size_t(1));
    const BootLogArea& a = areas[0];
    QCOMPARE(int(a.kind), kind);
    QCOMPARE(QByteArray::fromStdString(a.name), name);
    QCOMPARE(a.base.has_value(), base != kNone);
    if (a.base)
        QCOMPARE(qulonglong(*a.base), base);
    QCOMPARE(qulonglong(a.size), size);
    QCOMPARE(a.node, node);
    QCOMPARE(a.line, 2u);
    QVERIFY(!a.text.starts_with("["));
    QVERIFY(str(line).ends_with(a.text));
}

void TstTraceParser::bootLogContextNames()
{
    const std::string text =
        "[    0.000000] Reserved memory: created CMA memory pool at 0x0000000060000000, size 256 MiB\n"
        "[    0.000000] OF: reserved mem: initialized node linux,cma, compatible id shared-dma-pool\n"
        "[    0.000000] OF: reserved mem: Reserved memory: No reserved-memory node in the DT\n"
        "[    0.000000] cma: Reserved 1024 MiB at 0x0000000100000000 on node 0\n"
        "[    0.000000] hugetlb_cma: reserved 1024 MiB on node 0\n"
        "[    0.000000] OF: reserved mem: 0x0000000070000000..0x0000000070ffffff (16384 KiB) nomap non-reusable fw\n";
    const auto areas = parseBootLog(text);
    QCOMPARE(areas.size(), std::size_t(4));
    QCOMPARE(areas[0].kind, BootLogKind::DtPoolCreated);
    QCOMPARE(areas[0].name, std::string("linux,cma"));
    QVERIFY(areas[0].nameInferred);
    QCOMPARE(*areas[0].base, 0x60000000ull);
    QCOMPARE(areas[0].size, 256ull << 20);
    QCOMPARE(areas[1].kind, BootLogKind::DtNodeInitialized);
    QCOMPARE(*areas[1].base, 0x60000000ull);
    QCOMPARE(areas[2].kind, BootLogKind::CmaReserved);
    QCOMPARE(areas[2].name, std::string("hugetlb0"));
    QCOMPARE(areas[2].line, 4u);
    QCOMPARE(areas[3].kind, BootLogKind::HugetlbCma);
}

void TstTraceParser::bootLogSizePast64Bits()
{
    // Sizes that do not fit in 64 bits are not read as wrapped small sizes: the lines are not recognised.
    const std::string text = "[    0.000000] cma: Reserved 17592186044416 MiB at 0x0000000100000000\n"
                             "[    0.000000] hugetlb_cma: reserved 17179869184 GiB on node 0\n"
                             "[    0.000000] Memory: 1K/1K available (18014398509481984K cma-reserved)\n"
                             "[    0.000000] cma: Reserved 17592186044415 MiB at 0x0000000100000000\n";
    const auto areas = parseBootLog(text);
    QCOMPARE(areas.size(), std::size_t(1));
    QCOMPARE(areas[0].kind, BootLogKind::CmaReserved);
    QCOMPARE(areas[0].size, 17592186044415ull << 20);
    QCOMPARE(areas[0].line, 4u);
}

QTEST_GUILESS_MAIN(TstTraceParser)
#include "tst_trace_parser.moc"
