// SPDX-License-Identifier: GPL-2.0-or-later
// trace.dat through libtracecmd (tracedat.h), on the real kernel captures in traces/kernel/: readTrace() of the
// gunzipped trace.dat (and of trace.dat.gz itself) gives the same events as readTrace() of trace-cmd-report.txt,
// the report of the same file. Plus streaming, cancellation and a truncated file.
#include "support/captures.h"

#include <cmascope/trace/events.h>
#include <cmascope/trace/reader.h>
#include <cmascope/trace/tracedat.h>

#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <string>
#include <vector>
#include <zlib.h>

using namespace cmascope;
using namespace cmascope::test;
namespace fs = std::filesystem;

namespace {

/// Gunzips @p src into @p dst with zlib. Empty on success, else a message.
std::string gunzipFile(const fs::path& src, const fs::path& dst)
{
    gzFile gz = gzopen(src.c_str(), "rb");
    if (!gz)
        return "cannot open " + src.string();
    std::ofstream out(dst, std::ios::binary);
    std::vector<char> buf(1 << 16);
    int n = 0;
    while ((n = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()))) > 0)
        out.write(buf.data(), n);
    int code = Z_OK;
    gzerror(gz, &code);
    gzclose(gz);
    out.close();
    if (n < 0 || code != Z_OK)
        return "cannot gunzip " + src.string();
    return out ? std::string() : "cannot write " + dst.string();
}

/// The report prints the timestamp as "%llu.%06llu": trace-cmd rounds the nanoseconds to microseconds.
std::uint64_t asReported(std::uint64_t ns)
{
    return (ns + 500) / 1000 * 1000;
}

} // namespace

class TstTraceDat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameAsReport_data();
    void sameAsReport();
    void streamingAndCancel();
    void truncatedFile();
    void notTraceDat();
};

void TstTraceDat::sameAsReport_data()
{
    QTest::addColumn<QByteArray>("capture");
    QTest::addColumn<bool>("gzipped");
    for (const char* c : { "k61-nvme", "k612-reserved-mixed" }) {
        QTest::addRow("%s trace.dat", c) << QByteArray(c) << false;
        QTest::addRow("%s trace.dat.gz", c) << QByteArray(c) << true;
    }
}

void TstTraceDat::sameAsReport()
{
    QFETCH(QByteArray, capture);
    QFETCH(bool, gzipped);
    const fs::path dir = captureDir(capture);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    fs::path dat = dir / "trace.dat.gz";
    if (!gzipped) {
        dat = fs::path(tmp.path().toStdString()) / "trace.dat";
        const std::string err = gunzipFile(dir / "trace.dat.gz", dat);
        QVERIFY2(err.empty(), err.c_str());
    }
    QVERIFY(isTraceDatFile(dat));

    QElapsedTimer timer;
    timer.start();
    std::uint64_t lastDone = 0, calls = 0;
    bool monotonic = true;
    const auto fromDat = readTrace(dat, {}, [&](std::uint64_t done, std::uint64_t total) {
        monotonic = monotonic && done >= lastDone && done <= total;
        lastDone = done;
        ++calls;
        return true;
    });
    const qint64 datMs = timer.elapsed();
    QVERIFY2(fromDat.ok(), fromDat.error.c_str());
    QVERIFY(monotonic);
    QVERIFY(calls >= 2);
    QCOMPARE(lastDone, static_cast<std::uint64_t>(fs::file_size(dat)));
    const auto fromReport = readTrace(dir / "trace-cmd-report.txt");
    QVERIFY2(fromReport.ok(), fromReport.error.c_str());

    const TraceData& a = fromDat.data;
    const TraceData& b = fromReport.data;
    QCOMPARE(a.source, dat.string());
    QCOMPARE(a.format, TraceFormat::TraceCmdReport);
    QCOMPARE(a.errorCount, 0u);
    QCOMPARE(b.errorCount, 0u);
    QVERIFY(!b.events.empty());
    QCOMPARE(a.events.size(), b.events.size());
    for (std::size_t i = 0; i < a.events.size(); ++i) {
        const TraceEvent& x = a.events[i];
        const TraceEvent& y = b.events[i];
        const QByteArray where = QByteArray("event ") + QByteArray::number(qulonglong(i)) + " (report line "
            + QByteArray::number(y.line) + ")";
        QVERIFY2(x.type == y.type, where.constData());
        QVERIFY2(a.taskName(x) == b.taskName(y), QByteArray(where + ": " + a.taskName(x).c_str()).constData());
        QVERIFY2(x.cpu == y.cpu, where.constData());
        QVERIFY2(asReported(x.timestampNs) == y.timestampNs, where.constData());
        QVERIFY2(a.areaName(x) == b.areaName(y), where.constData());
        QVERIFY2(x.pfn == y.pfn, where.constData());
        QVERIFY2(x.count == y.count, where.constData());
        QVERIFY2(x.align == y.align, where.constData());
        QVERIFY2(x.errorno == y.errorno, where.constData());
        QVERIFY2(x.flags == y.flags, where.constData()); // HasAlign, HasErrno, Failed, NullPage, ...
        QVERIFY2(a.markerText(x) == b.markerText(y),
            QByteArray(where + ": '" + QByteArray::fromStdString(std::string(a.markerText(x))) + "'").constData());
        QVERIFY2(x.line == y.line, where.constData()); // one report line per record
    }
    QCOMPARE(a.perType, b.perType);
    QCOMPARE(a.markers.strings(), b.markers.strings());
    QCOMPARE(a.tasks.strings(), b.tasks.strings());
    QCOMPARE(a.areas.strings(), b.areas.strings());
    QCOMPARE(a.lines, b.lines);
    QCOMPARE(a.skippedLines, b.skippedLines);
    QCOMPARE(a.lostEvents, b.lostEvents);
    QVERIFY(a.count(EventType::Marker) > 0);

    // Only for information: how long `trace-cmd report` takes on the same file, if installed.
    const QString traceCmd = QStandardPaths::findExecutable(QStringLiteral("trace-cmd"));
    if (!gzipped && !traceCmd.isEmpty()) {
        QProcess p;
        p.setStandardOutputFile(QProcess::nullDevice());
        timer.restart();
        p.start(traceCmd, { QStringLiteral("report"), QStringLiteral("-i"), QString::fromStdString(dat.string()) });
        p.waitForFinished(120000);
        qInfo("%s: readTrace(trace.dat) %lld ms, trace-cmd report %lld ms", capture.constData(), datMs,
            static_cast<long long>(timer.elapsed()));
    } else {
        qInfo("%s: readTrace(%s) %lld ms", capture.constData(), gzipped ? "trace.dat.gz" : "trace.dat", datMs);
    }
}

void TstTraceDat::streamingAndCancel()
{
    const fs::path gz = captureDir("k612-reserved-mixed") / "trace.dat.gz";
    const auto whole = readTraceDat(gz);
    QVERIFY2(whole.ok(), whole.error.c_str());

    // a consumer that drains the events sees all of them, in order
    std::vector<TraceEvent> seen;
    int consumerCalls = 0;
    TraceReadOptions opts;
    opts.consumer = [&](TraceData& d) {
        ++consumerCalls;
        seen.insert(seen.end(), d.events.begin(), d.events.end());
        d.events.clear();
        return true;
    };
    const auto streamed = readTrace(gz, opts);
    QVERIFY2(streamed.ok(), streamed.error.c_str());
    QVERIFY(streamed.data.events.empty());
    QVERIFY(consumerCalls >= 1);
    QCOMPARE(seen.size(), whole.data.events.size());
    for (std::size_t i = 0; i < seen.size(); ++i)
        QVERIFY(seen[i].timestampNs == whole.data.events[i].timestampNs && seen[i].line == whole.data.events[i].line);

    // the consumer cancels
    opts.consumer = [](TraceData&) { return false; };
    QCOMPARE(readTrace(gz, opts).status, ReadStatus::Cancelled);
    // the progress callback cancels, in the gunzip and right at the start
    int calls = 0;
    const auto cancelled = readTrace(gz, {}, [&](std::uint64_t, std::uint64_t) { return ++calls < 2; });
    QCOMPARE(cancelled.status, ReadStatus::Cancelled);
    QCOMPARE(readTrace(gz, {}, [](std::uint64_t, std::uint64_t) { return false; }).status, ReadStatus::Cancelled);
}

void TstTraceDat::truncatedFile()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path full = fs::path(tmp.path().toStdString()) / "full.dat";
    const std::string err = gunzipFile(captureDir("k61-nvme") / "trace.dat.gz", full);
    QVERIFY2(err.empty(), err.c_str());
    std::string bytes;
    {
        std::ifstream in(full, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    QVERIFY(bytes.size() > 4096);
    const auto whole = readTrace(full);
    QVERIFY2(whole.ok(), whole.error.c_str());
    // cut in the headers and in the data: an error naming the file (or no more than the whole file), never a crash
    for (std::size_t cut :
        { std::size_t(12), std::size_t(200), bytes.size() / 3, bytes.size() / 2, bytes.size() - 100 }) {
        const fs::path p = fs::path(tmp.path().toStdString()) / ("cut-" + std::to_string(cut) + ".dat");
        std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(cut));
        const auto r = readTrace(p);
        // libtracecmd 1.3.1 refuses a version 7 file cut anywhere (here: every cut), but it reads short buffers
        // without checking them while opening (valgrind: uninitialised reads in tracecmd_compress_buffer_read),
        // so accept a read that gets no further than the whole file.
        if (r.status == ReadStatus::Failed) {
            QVERIFY2(r.error.starts_with(p.string() + ": "), r.error.c_str());
            QVERIFY(r.data.events.empty());
        } else {
            QVERIFY(r.data.events.size() <= whole.data.events.size());
        }
    }
    // a truncated gzip of it
    const fs::path gz = captureDir("k61-nvme") / "trace.dat.gz";
    std::string gzBytes;
    {
        std::ifstream in(gz, std::ios::binary);
        gzBytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    const fs::path cutGz = fs::path(tmp.path().toStdString()) / "cut.dat.gz";
    std::ofstream(cutGz, std::ios::binary).write(gzBytes.data(), static_cast<std::streamsize>(gzBytes.size() / 2));
    const auto r = readTrace(cutGz);
    QCOMPARE(r.status, ReadStatus::Failed);
    QVERIFY2(r.error.starts_with(cutGz.string() + ": corrupt gzip"), r.error.c_str());
}

void TstTraceDat::notTraceDat()
{
    const fs::path report = captureDir("k61-nvme") / "trace-cmd-report.txt";
    QVERIFY(!isTraceDatFile(report));
    QVERIFY(!isTraceDatFile(captureDir("k61-nvme") / "no-such-file"));
    const auto r = readTraceDat(report);
    QCOMPARE(r.status, ReadStatus::Failed);
    QVERIFY2(r.error.starts_with(report.string() + ": not a trace-cmd trace.dat"), r.error.c_str());
    const fs::path missingFile = captureDir("k61-nvme") / "no-such-trace.dat";
    const auto m = readTraceDat(missingFile);
    QCOMPARE(m.status, ReadStatus::Failed);
    QVERIFY2(m.error.starts_with(missingFile.string() + ": cannot open"), m.error.c_str());
}

QTEST_GUILESS_MAIN(TstTraceDat)
#include "tst_tracedat.moc"
