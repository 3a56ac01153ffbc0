// SPDX-License-Identifier: GPL-2.0-or-later
// The trace reader on the real kernel captures in traces/kernel/ (6.1 and 6.12, see traces/README.md):
// every text form parses without error, counts agree with an independent line count and between
// the forms, markers agree with checkpoints.tsv, gzip/zstd give identical data, debugfs snapshots
// and boot logs read back their files; plus the reader's streaming, cancellation and error paths.
#include "support/captures.h"

#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/debugfs.h>
#include <cmascope/trace/events.h>
#include <cmascope/trace/parser.h>
#include <cmascope/trace/reader.h>

#include <QTemporaryDir>
#include <QTest>

#include <bit>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>
#include <zlib.h>
#include <zstd.h>

using namespace cmascope;
using namespace cmascope::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l))
        out.push_back(l);
    return out;
}

bool contains(const std::string& s, const char* what)
{
    return s.find(what) != std::string::npos;
}

/// Independent count: number of lines holding the substring.
std::uint64_t countLines(const std::vector<std::string>& ls, const char* what)
{
    std::uint64_t n = 0;
    for (const auto& l : ls)
        n += contains(l, what) ? 1 : 0;
    return n;
}

/// Same event, same strings; `withLine` also compares line numbers.
bool sameEvent(const TraceData& a, const TraceEvent& x, const TraceData& b, const TraceEvent& y, bool withLine)
{
    return x.type == y.type && x.timestampNs == y.timestampNs && x.pfn == y.pfn && x.count == y.count
        && x.availableCount == y.availableCount && x.totalCount == y.totalCount && x.errorno == y.errorno
        && x.cpu == y.cpu && x.align == y.align && x.flags == y.flags && (!withLine || x.line == y.line)
        && a.taskName(x) == b.taskName(y) && a.areaName(x) == b.areaName(y) && a.markerText(x) == b.markerText(y);
}

void compareData(const TraceData& a, const TraceData& b)
{
    QCOMPARE(a.events.size(), b.events.size());
    for (std::size_t i = 0; i < a.events.size(); ++i)
        QVERIFY2(sameEvent(a, a.events[i], b, b.events[i], true), qPrintable(QString::number(i)));
    QCOMPARE(a.lines, b.lines);
    QCOMPARE(a.skippedLines, b.skippedLines);
    QCOMPARE(a.errorCount, b.errorCount);
    QCOMPARE(a.perType, b.perType);
    QCOMPARE(a.format, b.format);
    QCOMPARE(a.tasks.strings(), b.tasks.strings());
    QCOMPARE(a.areas.strings(), b.areas.strings());
    QCOMPARE(a.markers.strings(), b.markers.strings());
}

std::uint64_t readNumberFile(const fs::path& p)
{
    return std::stoull(slurp(p));
}

struct Checkpoint
{
    std::string dir, name;
    std::uint32_t beginLine = 0, endLine = 0;
    std::uint64_t eventsBefore = 0;
    std::uint64_t used = 0;
};

std::vector<Checkpoint> readCheckpoints(const fs::path& tsv)
{
    std::vector<Checkpoint> out;
    const auto ls = lines(slurp(tsv));
    for (std::size_t i = 1; i < ls.size(); ++i) {
        std::vector<std::string> cols;
        std::istringstream in(ls[i]);
        std::string c;
        while (std::getline(in, c, '\t'))
            cols.push_back(c);
        if (cols.size() < 7)
            continue;
        Checkpoint cp { cols[0], cols[1], std::uint32_t(std::stoul(cols[2])), std::uint32_t(std::stoul(cols[3])),
            std::stoull(cols[4]), 0 };
        const auto u = cols[6].find("used=");
        if (u != std::string::npos)
            cp.used = std::stoull(cols[6].substr(u + 5));
        out.push_back(cp);
    }
    return out;
}

bool writeGzip(const fs::path& p, const std::string& data)
{
    gzFile f = gzopen(p.string().c_str(), "wb");
    if (!f)
        return false;
    // several writes, as a producer would
    std::size_t pos = 0;
    while (pos < data.size()) {
        const auto n = std::min<std::size_t>(100000, data.size() - pos);
        if (gzwrite(f, data.data() + pos, unsigned(n)) != int(n)) {
            gzclose(f);
            return false;
        }
        pos += n;
    }
    return gzclose(f) == Z_OK;
}

std::string zstdCompress(const std::string& data)
{
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
    if (ZSTD_isError(n))
        return {};
    out.resize(n);
    return out;
}

void writeFile(const fs::path& p, const std::string& text)
{
    std::ofstream out(p, std::ios::binary);
    out << text;
}

} // namespace

class TstTraceCaptures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textForms_data();
    void textForms();
    void traceVsReport_data();
    void traceVsReport();
    void markersMatchCheckpoints_data();
    void markersMatchCheckpoints();
    void compressed_data();
    void compressed();
    void binaryTraceDat_data();
    void binaryTraceDat();
    void debugfsSnapshots_data();
    void debugfsSnapshots();
    void bootLog_data();
    void bootLog();
    void cancellation();
    void blockBoundaries();
    void overlongLine();
    void readErrors();
};

void TstTraceCaptures::textForms_data()
{
    QTest::addColumn<QByteArray>("capture");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<int>("format");
    for (const char* c : { "k61-nvme", "k612-reserved-mixed" }) {
        QTest::addRow("%s trace.txt", c) << QByteArray(c) << QByteArray("trace.txt") << int(TraceFormat::TraceFile);
        QTest::addRow("%s trace_pipe.txt", c)
            << QByteArray(c) << QByteArray("trace_pipe.txt") << int(TraceFormat::TracePipe);
        QTest::addRow("%s trace-cmd-report.txt", c)
            << QByteArray(c) << QByteArray("trace-cmd-report.txt") << int(TraceFormat::TraceCmdReport);
    }
}

void TstTraceCaptures::textForms()
{
    QFETCH(QByteArray, capture);
    QFETCH(QByteArray, file);
    QFETCH(int, format);
    const fs::path path = captureDir(capture) / file.toStdString();
    QVERIFY2(fs::exists(path), path.c_str());

    std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
    const TraceReadResult r = readTrace(path, {}, [&](std::uint64_t done, std::uint64_t total) {
        calls.emplace_back(done, total);
        return true;
    });
    QVERIFY2(r.ok(), r.error.c_str());
    const TraceData& d = r.data;
    QVERIFY2(d.errors.empty(), d.errors.empty() ? "" : d.errors.front().message.c_str());
    QCOMPARE(d.errorCount, 0ull);
    QCOMPARE(int(d.format), format);

    // progress: monotonic, ends at the file size
    QVERIFY(!calls.empty());
    for (std::size_t i = 1; i < calls.size(); ++i)
        QVERIFY(calls[i].first >= calls[i - 1].first);
    QCOMPARE(calls.back().first, std::uint64_t(fs::file_size(path)));
    QCOMPARE(calls.back().second, std::uint64_t(fs::file_size(path)));

    // independent counts, line by line
    const auto ls = lines(slurp(path));
    QCOMPARE(d.lines, std::uint64_t(ls.size()));
    QCOMPARE(d.count(EventType::AllocStart), countLines(ls, ": cma_alloc_start:"));
    QCOMPARE(d.count(EventType::AllocFinish), countLines(ls, ": cma_alloc_finish:"));
    QCOMPARE(d.count(EventType::Release), countLines(ls, ": cma_release:"));
    QCOMPARE(d.count(EventType::BusyRetry), countLines(ls, ": cma_alloc_busy_retry:"));
    QCOMPARE(d.count(EventType::LegacyAlloc), 0ull);
    QCOMPARE(d.count(EventType::Marker), countLines(ls, "tracing_mark_write: "));
    QCOMPARE(d.events.size() + d.skippedLines, std::size_t(d.lines));
    QVERIFY(d.count(EventType::AllocStart) > 0);

    std::uint64_t failedLines = 0, failedEvents = 0, errnoLines = 0, errnoEvents = 0;
    for (const auto& l : ls) {
        if (contains(l, ": cma_alloc_finish:")) {
            failedLines += (contains(l, "pfn=0xffffffffffffffff") || contains(l, "errorno=-")) ? 1 : 0;
            errnoLines += contains(l, "errorno=") ? 1 : 0;
        }
    }
    for (const auto& e : d.events) {
        failedEvents += e.failed() ? 1 : 0;
        errnoEvents += e.hasErrno() ? 1 : 0;
        if (e.type != EventType::Marker) {
            QCOMPARE(std::string(d.areaName(e)), std::string("reserved"));
            // every event line is in the file at its line number
            QVERIFY(e.line >= 1 && e.line <= ls.size());
            QVERIFY(contains(ls[e.line - 1], std::string(eventTypeName(e.type)).append(":").c_str()));
        }
    }
    QCOMPARE(failedEvents, failedLines);
    QCOMPARE(errnoEvents, errnoLines);
    QVERIFY(failedEvents > 0); // both captures have failed requests
    // 6.1 has no errorno, 6.12 always has it
    QCOMPARE(errnoEvents > 0, capture == "k612-reserved-mixed");
    // memory: at most 64 bytes per event in the vector
    QVERIFY(sizeof(TraceEvent) * d.events.size() <= 64 * d.events.size());
}

void TstTraceCaptures::traceVsReport_data()
{
    QTest::addColumn<QByteArray>("capture");
    QTest::newRow("k61-nvme") << QByteArray("k61-nvme");
    QTest::newRow("k612-reserved-mixed") << QByteArray("k612-reserved-mixed");
}

void TstTraceCaptures::traceVsReport()
{
    QFETCH(QByteArray, capture);
    const auto t = readTrace(captureDir(capture) / "trace.txt");
    const auto r = readTrace(captureDir(capture) / "trace-cmd-report.txt");
    const auto p = readTrace(captureDir(capture) / "trace_pipe.txt");
    QVERIFY(t.ok() && r.ok() && p.ok());
    for (EventType type : { EventType::AllocStart, EventType::AllocFinish, EventType::Release, EventType::Marker })
        QCOMPARE(t.data.count(type), r.data.count(type));
    // Same run, same order: every event equal but for its line number.
    QCOMPARE(t.data.events.size(), r.data.events.size());
    for (std::size_t i = 0; i < t.data.events.size(); ++i) {
        const TraceEvent& a = t.data.events[i];
        const TraceEvent& b = r.data.events[i];
        QVERIFY2(sameEvent(t.data, a, r.data, b, false),
            qPrintable(QStringLiteral("event %1: trace.txt line %2 vs report line %3").arg(i).arg(a.line).arg(b.line)));
    }
    // trace_pipe came from a second instance started later: no boot-time events, no markers,
    // and fewer allocations, but the same releases.
    QCOMPARE(p.data.count(EventType::Marker), 0ull);
    QVERIFY(p.data.count(EventType::AllocStart) < t.data.count(EventType::AllocStart));
    QCOMPARE(p.data.count(EventType::Release), t.data.count(EventType::Release));
}

void TstTraceCaptures::markersMatchCheckpoints_data()
{
    traceVsReport_data();
}

void TstTraceCaptures::markersMatchCheckpoints()
{
    QFETCH(QByteArray, capture);
    const auto r = readTrace(captureDir(capture) / "trace.txt");
    QVERIFY(r.ok());
    const TraceData& d = r.data;
    const auto cps = readCheckpoints(captureDir(capture) / "checkpoints.tsv");
    QVERIFY(cps.size() >= 7);

    std::map<std::string, std::uint32_t> markerLine;
    for (const auto& e : d.events)
        if (e.type == EventType::Marker)
            markerLine.emplace(std::string(d.markerText(e)), e.line);
    for (const auto& cp : cps) {
        const auto b = markerLine.find("CHECKPOINT " + cp.name + " begin");
        const auto e = markerLine.find("CHECKPOINT " + cp.name + " end");
        QVERIFY2(b != markerLine.end() && e != markerLine.end(), cp.name.c_str());
        QCOMPARE(b->second, cp.beginLine);
        QCOMPARE(e->second, cp.endLine);
        // cma events before the begin marker, none inside the window
        std::uint64_t before = 0, inside = 0;
        for (const auto& ev : d.events) {
            if (ev.type == EventType::Marker)
                continue;
            before += ev.line < cp.beginLine ? 1 : 0;
            inside += (ev.line > cp.beginLine && ev.line < cp.endLine) ? 1 : 0;
        }
        QCOMPARE(before, cp.eventsBefore);
        QCOMPARE(inside, 0ull);
    }
    // trace-cmd shows the same markers as "print: tracing_mark_write: ..."
    const auto rep = readTrace(captureDir(capture) / "trace-cmd-report.txt");
    QVERIFY(rep.ok());
    QCOMPARE(rep.data.markers.strings(), d.markers.strings());
}

void TstTraceCaptures::compressed_data()
{
    traceVsReport_data();
}

void TstTraceCaptures::compressed()
{
    QFETCH(QByteArray, capture);
    const fs::path src = captureDir(capture) / "trace.txt";
    const std::string text = slurp(src);
    const auto plain = readTrace(src);
    QVERIFY(plain.ok());

    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path dir(tmp.path().toStdString());
    // file names without the usual suffixes: detection is by magic bytes
    const fs::path gz = dir / "trace-gzip";
    const fs::path zst = dir / "trace-zstd";
    QVERIFY(writeGzip(gz, text));
    const std::string z = zstdCompress(text);
    QVERIFY(!z.empty());
    writeFile(zst, z);

    for (const fs::path& p : { gz, zst }) {
        std::uint64_t last = 0;
        const auto r = readTrace(p, {}, [&](std::uint64_t done, std::uint64_t) {
            last = done;
            return true;
        });
        QVERIFY2(r.ok(), r.error.c_str());
        compareData(plain.data, r.data);
        QCOMPARE(last, std::uint64_t(fs::file_size(p))); // progress counts compressed bytes
    }

    // two gzip members back to back (cat a.gz b.gz) = the text twice
    const fs::path gz2 = dir / "twice.gz";
    writeFile(gz2, slurp(gz) + slurp(gz));
    const auto twice = readTrace(gz2);
    QVERIFY2(twice.ok(), twice.error.c_str());
    QCOMPARE(twice.data.events.size(), 2 * plain.data.events.size());
    QCOMPARE(twice.data.events.back().line, plain.data.events.back().line + std::uint32_t(plain.data.lines));

    // truncated and corrupt streams are errors naming the file
    const std::string gzBytes = slurp(gz);
    const fs::path cut = dir / "cut.gz";
    writeFile(cut, gzBytes.substr(0, gzBytes.size() / 2));
    auto bad = readTrace(cut);
    QCOMPARE(bad.status, ReadStatus::Failed);
    QVERIFY2(bad.error.starts_with(cut.string() + ": truncated gzip"), bad.error.c_str());

    std::string corrupt = z;
    for (std::size_t i = 20; i < corrupt.size() && i < 400; ++i)
        corrupt[i] = char(corrupt[i] ^ 0x5a);
    const fs::path corruptPath = dir / "corrupt.zst";
    writeFile(corruptPath, corrupt);
    bad = readTrace(corruptPath);
    QCOMPARE(bad.status, ReadStatus::Failed);
    QVERIFY2(bad.error.starts_with(corruptPath.string() + ": corrupt zstd data"), bad.error.c_str());

    const fs::path cutZst = dir / "cut.zst";
    writeFile(cutZst, z.substr(0, z.size() - 10));
    bad = readTrace(cutZst);
    QCOMPARE(bad.status, ReadStatus::Failed);
    QVERIFY2(bad.error.starts_with(cutZst.string() + ": truncated zstd"), bad.error.c_str());
}

void TstTraceCaptures::binaryTraceDat_data()
{
    traceVsReport_data();
}

void TstTraceCaptures::binaryTraceDat()
{
    QFETCH(QByteArray, capture);
    const fs::path p = captureDir(capture) / "trace.dat.gz";
    const auto r = readTrace(p); // through libtracecmd (tracedat.h; compared event by event in tst_tracedat)
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(r.data.format, TraceFormat::TraceCmdReport);
    QVERIFY(!r.data.events.empty());
    std::ifstream in(p, std::ios::binary); // a stream cannot go to libtracecmd: still refused
    const auto s = readTrace(in, p.string());
    QCOMPARE(s.status, ReadStatus::Failed);
    QVERIFY2(s.error.starts_with(p.string() + ": binary trace-cmd data"), s.error.c_str());
}

void TstTraceCaptures::debugfsSnapshots_data()
{
    QTest::addColumn<QByteArray>("capture");
    QTest::addColumn<QByteArray>("snapshot");
    QTest::addColumn<qulonglong>("expectedUsed"); // from checkpoints.tsv
    for (const char* c : { "k61-nvme", "k612-reserved-mixed" }) {
        for (const auto& cp : readCheckpoints(captureDir(c) / "checkpoints.tsv"))
            QTest::addRow("%s %s", c, cp.dir.c_str())
                << QByteArray(c) << QByteArray::fromStdString(cp.dir) << qulonglong(cp.used);
    }
}

void TstTraceCaptures::debugfsSnapshots()
{
    QFETCH(QByteArray, capture);
    QFETCH(QByteArray, snapshot);
    QFETCH(qulonglong, expectedUsed);
    const fs::path dir = captureDir(capture) / "snapshots" / snapshot.toStdString() / "reserved";
    const auto r = readDebugfsSnapshot(dir);
    QVERIFY2(r.snapshot.has_value(), r.error.c_str());
    const DebugfsSnapshot& s = *r.snapshot;
    QCOMPARE(s.name, std::string("reserved"));
    QCOMPARE(s.basePfn, readNumberFile(dir / "base_pfn"));
    QCOMPARE(s.count, readNumberFile(dir / "count"));
    QCOMPARE(std::uint64_t(s.orderPerBit), readNumberFile(dir / "order_per_bit"));
    QCOMPARE(s.used, readNumberFile(dir / "used"));
    QCOMPARE(s.maxchunk, readNumberFile(dir / "maxchunk"));
    QCOMPARE(s.basePfn, 0x7dc00ull); // traces/README.md
    QCOMPARE(s.used, std::uint64_t(expectedUsed));

    // bitmap: words of the file, popcount = used, longest clear run = maxchunk
    std::vector<std::uint32_t> words;
    {
        std::istringstream in(slurp(dir / "bitmap"));
        unsigned long w = 0;
        while (in >> w)
            words.push_back(std::uint32_t(w));
    }
    QCOMPARE(s.bitmap, words);
    QCOMPARE(s.bitmap.size(), std::size_t(((s.count >> s.orderPerBit) + 31) / 32));
    std::uint64_t pop = 0;
    for (auto w : words)
        pop += std::uint64_t(std::popcount(w));
    QCOMPARE(s.used, pop << s.orderPerBit);
    QCOMPARE(bitmapUsedPages(s.bitmap, s.orderPerBit), s.used);
    std::uint64_t run = 0, best = 0;
    for (std::uint64_t bit = 0; bit < (s.count >> s.orderPerBit); ++bit) {
        const bool set = (words[bit / 32] >> (bit % 32)) & 1u;
        run = set ? 0 : run + 1;
        best = std::max(best, run);
    }
    QCOMPARE(s.maxchunk, best << s.orderPerBit);
    // the text form round-trips to the file's bytes
    QCOMPARE(formatDebugfsBitmap(s.bitmap), slurp(dir / "bitmap"));
}

void TstTraceCaptures::bootLog_data()
{
    QTest::addColumn<QByteArray>("capture");
    QTest::addColumn<int>("node");
    QTest::newRow("k61-nvme") << QByteArray("k61-nvme") << -1;
    QTest::newRow("k612-reserved-mixed") << QByteArray("k612-reserved-mixed") << -1;
}

void TstTraceCaptures::bootLog()
{
    QFETCH(QByteArray, capture);
    QFETCH(int, node);
    const std::string text = slurp(captureDir(capture) / "dmesg-cma.txt");
    const auto areas = parseBootLog(text);
    const auto ls = lines(text);
    int reserved = 0, memory = 0;
    for (const auto& a : areas) {
        QVERIFY(a.line >= 1 && a.line <= ls.size());
        QVERIFY(ls[a.line - 1].ends_with(a.text));
        if (a.kind == BootLogKind::CmaReserved) {
            ++reserved;
            QCOMPARE(a.name, std::string("reserved"));
            QVERIFY(a.nameInferred);
            QVERIFY(a.base.has_value());
            QCOMPARE(*a.base, 0x7dc00000ull);
            QCOMPARE(a.size, 16ull << 20);
            QCOMPARE(a.node, node);
            QVERIFY(contains(ls[a.line - 1], "cma: Reserved 16 MiB at 0x000000007dc00000"));
        } else if (a.kind == BootLogKind::MemoryCmaReserved) {
            ++memory;
            QCOMPARE(a.size, 16384ull * 1024);
        } else {
            QFAIL(qPrintable(QString::fromStdString("unexpected area from: " + a.text)));
        }
    }
    QCOMPARE(reserved, 1);
    QCOMPARE(memory, 1);
}

void TstTraceCaptures::cancellation()
{
    const fs::path path = captureDir("k612-reserved-mixed") / "trace.txt";
    const auto full = readTrace(path);
    QVERIFY(full.ok());

    TraceReadOptions opt;
    opt.blockSize = 16 * 1024;
    int calls = 0;
    std::uint64_t lastDone = 0;
    const auto r = readTrace(path, opt, [&](std::uint64_t done, std::uint64_t) {
        lastDone = done;
        return ++calls < 3; // the initial call, one block, then stop
    });
    QCOMPARE(r.status, ReadStatus::Cancelled);
    QCOMPARE(calls, 3); // no callback after the refusal
    QVERIFY(lastDone <= 2 * opt.blockSize);
    QVERIFY(!r.data.events.empty());
    QVERIFY(r.data.events.size() < full.data.events.size() / 4);
    // what was read is a prefix of the full read
    for (std::size_t i = 0; i < r.data.events.size(); ++i)
        QVERIFY(sameEvent(r.data, r.data.events[i], full.data, full.data.events[i], true));

    // cancelling before anything is read
    const auto r0 = readTrace(path, opt, [](std::uint64_t, std::uint64_t) { return false; });
    QCOMPARE(r0.status, ReadStatus::Cancelled);
    QVERIFY(r0.data.events.empty());
}

void TstTraceCaptures::blockBoundaries()
{
    // Small blocks: lines split across blocks must come out the same as parsing the whole text.
    const std::string text = slurp(captureDir("k61-nvme") / "trace-cmd-report.txt");
    const TraceData whole = parseTraceText(text);
    for (std::size_t block : { std::size_t(4096), std::size_t(4099), std::size_t(65536) }) {
        TraceReadOptions opt;
        opt.blockSize = block;
        std::istringstream in(text);
        const auto r = readTrace(in, "memory", opt, {}, text.size());
        QVERIFY2(r.ok(), r.error.c_str());
        compareData(whole, r.data);
    }
    // no final newline: the last line still counts
    std::string cut = text;
    while (!cut.empty() && cut.back() == '\n')
        cut.pop_back();
    std::istringstream in(cut);
    const auto r = readTrace(in, "memory");
    QVERIFY(r.ok());
    compareData(whole, r.data);
}

void TstTraceCaptures::overlongLine()
{
    const std::string ev =
        "            bash-412     [001] .....     1.000000: cma_alloc_start: name=reserved count=4 align=0\n";
    const std::string text = ev + std::string(300000, 'x') + "\n" + ev;
    TraceReadOptions opt;
    opt.blockSize = 4096;
    std::istringstream in(text);
    const auto r = readTrace(in, "memory", opt);
    QVERIFY(r.ok());
    QCOMPARE(r.data.events.size(), std::size_t(2));
    QCOMPARE(r.data.errorCount, 1ull);
    QCOMPARE(r.data.errors[0].line, 2u);
    QVERIFY(contains(r.data.errors[0].message, "line longer than"));
    QCOMPARE(r.data.events[1].line, 3u);
    QCOMPARE(r.data.lines, 3ull);
    QCOMPARE(r.data.source, std::string("memory"));
    QVERIFY(formatTraceError(r.data, r.data.errors[0]).starts_with("memory:2: line longer than"));
}

void TstTraceCaptures::readErrors()
{
    const fs::path missing = captureDir("k61-nvme") / "no-such-trace.txt";
    auto r = readTrace(missing);
    QCOMPARE(r.status, ReadStatus::Failed);
    QVERIFY2(r.error.starts_with(missing.string() + ": cannot open"), r.error.c_str());

    r = readTrace(captureDir("k61-nvme"));
    QCOMPARE(r.status, ReadStatus::Failed);
    QVERIFY2(contains(r.error, "is a directory"), r.error.c_str());

    std::istringstream bin(std::string("abc\0def\n", 8));
    r = readTrace(bin, "blob");
    QCOMPARE(r.status, ReadStatus::Failed);
    QCOMPARE(r.error, std::string("blob: not a text trace (binary data)"));

    // An empty file and text that is no trace are refused, naming the input; a file of garbage is not read
    // whole. A trace without a CMA event is still a trace.
    std::istringstream empty;
    r = readTrace(empty, "empty");
    QCOMPARE(r.status, ReadStatus::Failed);
    QCOMPARE(r.error, std::string("empty: empty: no trace lines"));

    std::string garbage;
    for (int i = 0; i < 50000; ++i)
        garbage += "lorem ipsum dolor sit amet " + std::to_string(i) + "\n";
    std::istringstream text(garbage);
    TraceReadOptions small;
    small.blockSize = 64 * 1024;
    r = readTrace(text, "notes.txt", small);
    QCOMPARE(r.status, ReadStatus::Failed);
    QVERIFY2(r.error.starts_with("notes.txt: not a kernel trace: none of its first "), r.error.c_str());
    QVERIFY(r.data.lines >= 10000 && r.data.lines < 50000); // gave up early

    std::istringstream quiet("# tracer: nop\n#\n# entries-in-buffer/entries-written: 0/0   #P:2\n");
    r = readTrace(quiet, "quiet");
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(r.data.format, TraceFormat::TraceFile);
    QVERIFY(r.data.events.empty());
}

QTEST_GUILESS_MAIN(TstTraceCaptures)
#include "tst_trace_captures.moc"
