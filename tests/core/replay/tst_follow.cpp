// SPDX-License-Identifier: GPL-2.0-or-later
// Live replay (docs/following.md): a real capture pushed in pieces of every size gives, at the end of
// input, exactly the JSON report replayTraceFile() gives for the file; the live state grows as the text
// arrives; a late start and an area nothing describes go through the whole-trace pass; input that is no
// text trace is refused from its first bytes.
#include "support/captures.h"

#include <cmascope/replay/follow.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/report.h>

#include <QTest>

#include <algorithm>
#include <string>

using namespace cmascope;
using namespace cmascope::test;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(std::size_t)

namespace {

/// Pushes @p text in pieces of @p piece bytes (the last one shorter); the final result.
ReplayFileResult followText(
    const std::string& text, std::size_t piece, const ReplayInputs& in, std::size_t* grew = nullptr)
{
    FollowReplay follow(in, {}, { "followed", {} });
    std::size_t lastRequests = 0, growths = 0;
    for (std::size_t at = 0; at < text.size(); at += piece) {
        if (!follow.push(std::string_view(text).substr(at, piece)))
            break;
        const std::size_t n = follow.live().requests.size();
        growths += n > lastRequests;
        lastRequests = n;
    }
    if (grew)
        *grew = growths;
    return follow.finish();
}

} // namespace

class TestFollow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void equalsFileReplay_data()
    {
        QTest::addColumn<QByteArray>("capture");
        QTest::addColumn<std::size_t>("piece");
        QTest::addColumn<bool>("describeAreas");
        for (const char* c : { "k612-busy-retry", "k72-busy-areas", "k61-nvme", "k612-nvme-late" })
            for (std::size_t piece :
                { std::size_t { 1 }, std::size_t { 61 }, std::size_t { 4096 }, std::size_t { 1 } << 24 })
                for (bool describe : { true, false })
                    QTest::addRow("%s/%zu/%s", c, piece, describe ? "bootlog" : "inferred")
                        << QByteArray(c) << piece << describe;
    }
    // The end of input gives replayTraceFile()'s result: the JSON report (every request, area, note) byte for byte.
    void equalsFileReplay()
    {
        QFETCH(QByteArray, capture);
        QFETCH(std::size_t, piece);
        QFETCH(bool, describeAreas);
        const fs::path dir = captureDir(capture);
        const ReplayInputs in = describeAreas ? bootInputs(dir) : ReplayInputs {};
        const ReplayFileResult file = replayTraceFile(traceFile(dir), in);
        QVERIFY2(file.ok(), file.error.c_str());
        std::size_t grew = 0;
        const ReplayFileResult live = followText(slurp(traceFile(dir)), piece, in, &grew);
        QVERIFY2(live.ok(), live.error.c_str());
        QCOMPARE(live.format, file.format);
        QCOMPARE(replayReportJson(live.result, "t"), replayReportJson(file.result, "t"));
        QVERIFY(file.result.requested > 10);
        if (describeAreas && piece < 4096) // areas known up front: requests show while the text arrives
            QVERIFY2(grew > 10, std::to_string(grew).c_str());
    }

    // A line cut anywhere (even inside "\r\n") is read once, whole; a last line without '\n' counts.
    void partialLines()
    {
        const std::string text =
            "# tracer: nop\r\n"
            "  kworker/0:1-12 [000] .....  10.000100: cma_alloc_start: name=cma count=4 align=2\r\n"
            "  kworker/0:1-12 [000] .....  10.000200: cma_alloc_finish: name=cma pfn=0x40000 "
            "page=000000008b5ec43b count=4 align=2 errorno=0";
        ReplayInputs in;
        in.areaSpecs.push_back({ "cma", 0x40000, 1024, 0 });
        for (std::size_t piece = 1; piece <= text.size(); ++piece) {
            const ReplayFileResult r = followText(text, piece, in);
            QVERIFY2(r.ok(), r.error.c_str());
            QCOMPARE(r.result.lines, std::uint64_t { 3 });
            QCOMPARE(r.result.requested, std::uint64_t { 1 });
            QCOMPARE(r.result.errorCount, std::uint64_t { 0 });
            QCOMPARE(r.result.requests.at(0).pfn, std::uint64_t { 0x40000 });
        }
    }

    // A line that never ends is an error once longer than maxLineLength (only that much is kept meanwhile);
    // the lines after it are read.
    void overlongLine()
    {
        ReplayInputs in;
        in.areaSpecs.push_back({ "cma", 0x40000, 1024, 0 });
        FollowReplay follow(in, {}, { "t", {}, 100, 1024 });
        QVERIFY(follow.push("# tracer: nop\n"));
        const std::string junk(4000, 'x');
        for (int i = 0; i < 100; ++i)
            QVERIFY(follow.push(junk));
        QVERIFY(follow.push("\n  kworker/0:1-12 [000] .....  10.000100: cma_alloc_start: name=cma count=4 align=2\n"
                            "  kworker/0:1-12 [000] .....  10.000200: cma_alloc_finish: name=cma pfn=0x40000 "
                            "page=000000008b5ec43b count=4 align=2 errorno=0\n"));
        const ReplayFileResult r = follow.finish();
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.result.lines, std::uint64_t { 4 });
        QCOMPARE(r.result.errorCount, std::uint64_t { 1 });
        QCOMPARE(r.result.errors.at(0).line, std::uint32_t { 2 });
        QCOMPARE(QString::fromStdString(r.result.errors.at(0).message),
            QStringLiteral("line longer than 1024 bytes (not a trace line)"));
        QCOMPARE(r.result.succeeded, std::uint64_t { 1 });
    }

    // progress(): each call names the requests settled since the previous one, once.
    void progressIsIncremental()
    {
        const fs::path dir = captureDir("k612-busy-retry");
        FollowReplay follow(bootInputs(dir), {}, { "t", {} });
        const std::string text = slurp(traceFile(dir));
        std::size_t seen = 0;
        for (std::size_t at = 0; at < text.size(); at += 997) {
            QVERIFY(follow.push(std::string_view(text).substr(at, 997)));
            const FollowProgress p = follow.progress();
            QCOMPARE(p.firstNewRequest, seen);
            QVERIFY(p.requests >= seen);
            seen = p.requests;
        }
        QCOMPARE(follow.progress().firstNewRequest, seen);
        const ReplayFileResult r = follow.finish();
        QCOMPARE(r.result.requests.size(), seen); // nothing was in flight at the end of this capture
    }

    // The kernel rules are known as soon as the evidence is (here the boot log's release and the first
    // errorno field), not only at the end: a live request is explained with them.
    void kernelRulesWhileLive()
    {
        const fs::path dir = captureDir("k72-busy-areas");
        FollowReplay follow(bootInputs(dir), {}, { "t", {} });
        const std::string text = slurp(traceFile(dir));
        QVERIFY(follow.push(std::string_view(text).substr(0, text.size() / 3)));
        QCOMPARE(follow.live().kernel.semantics, KernelSemantics::K6_18);
        QVERIFY(follow.push(std::string_view(text).substr(text.size() / 3)));
        const ReplayFileResult r = follow.finish();
        QCOMPARE(r.result.kernel.semantics, KernelSemantics::K6_18);
        QCOMPARE(r.result.kernel.reason, replayTraceFile(traceFile(dir), bootInputs(dir)).result.kernel.reason);
    }

    void refusesNonText_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        QTest::newRow("gzip") << QByteArray("\x1f\x8b\x08\x00", 4)
                              << QStringLiteral("compressed data cannot be followed");
        QTest::newRow("zstd") << QByteArray("\x28\xb5\x2f\xfd", 4)
                              << QStringLiteral("compressed data cannot be followed");
        QTest::newRow("trace.dat") << QByteArray("\x17\x08\x44tracing6", 11) << QStringLiteral("trace.dat");
        QTest::newRow("binary") << QByteArray("abc\0def", 7) << QStringLiteral("not a text trace (binary data)");
    }
    void refusesNonText()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        FollowReplay follow({}, {}, { "src", {} });
        QVERIFY(!follow.push(std::string_view(bytes.constData(), std::size_t(bytes.size()))));
        const ReplayFileResult r = follow.finish();
        QCOMPARE(r.status, ReadStatus::Failed);
        QVERIFY2(r.error.starts_with("src: ") && QString::fromStdString(r.error).contains(message), r.error.c_str());
    }

    // Nothing at all: the file reader's own error, naming the followed source.
    void emptyInput()
    {
        FollowReplay follow({}, {}, { "src", {} });
        const ReplayFileResult r = follow.finish();
        QCOMPARE(r.status, ReadStatus::Failed);
        QCOMPARE(QString::fromStdString(r.error), QStringLiteral("src: empty: no trace lines"));
    }

    // --until-marker stops the follow at the marker; the counts are those of the text up to it.
    void stopMarker()
    {
        const fs::path dir = captureDir("k612-busy-retry");
        ReplayOptions opt;
        opt.untilMarker = "CHECKPOINT pinned";
        const ReplayInputs in = bootInputs(dir);
        const ReplayFileResult file = replayTraceFile(traceFile(dir), in, opt);
        FollowReplay follow(in, opt, { "t", {} });
        const std::string text = slurp(traceFile(dir));
        std::size_t at = 0;
        for (; at < text.size() && follow.push(std::string_view(text).substr(at, 512)); at += 512) { }
        QVERIFY(follow.stopped());
        QVERIFY(at < text.size());
        const ReplayFileResult live = follow.finish();
        QVERIFY(file.result.stoppedAtMarker);
        QCOMPARE(replayReportJson(live.result, "t"), replayReportJson(file.result, "t"));
    }
};

QTEST_GUILESS_MAIN(TestFollow)
#include "tst_follow.moc"
