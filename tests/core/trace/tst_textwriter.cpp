// SPDX-License-Identifier: GPL-2.0-or-later
// A read trace written back out (textwriter.h, `cmascope-cli convert`): on the real kernel captures in every form
// the reader takes (text, trace.dat, Perfetto), the trace_pipe text read back gives the same events, field for
// field; every JSON line is one object with the event's fields.
#include "support/captures.h"

#include <cmascope/trace/parser.h>
#include <cmascope/trace/reader.h>
#include <cmascope/trace/textwriter.h>

#include <QTest>

#include <nlohmann/json.hpp>

using namespace cmascope;
using cmascope::test::captureDir;

class TestTextWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void jsonLines();
    void failedAndNullPage();
};

void TestTextWriter::roundTrip_data()
{
    QTest::addColumn<QByteArray>("capture");
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("minEvents");
    QTest::newRow("6.1 trace.dat") << QByteArray("k61-nvme") << QStringLiteral("trace.dat.gz") << 100;
    QTest::newRow("6.12 trace.dat") << QByteArray("k612-reserved-mixed") << QStringLiteral("trace.dat.gz") << 100;
    QTest::newRow("6.12 busy retries") << QByteArray("k612-busy-retry") << QStringLiteral("trace.txt") << 1000;
    QTest::newRow("7.2 text, 2025 counts") << QByteArray("k72-busy-areas") << QStringLiteral("trace.txt") << 300;
    QTest::newRow("7.2 Perfetto") << QByteArray("k72-perfetto") << QStringLiteral("trace.perfetto-trace") << 100;
}

void TestTextWriter::roundTrip()
{
    QFETCH(QByteArray, capture);
    QFETCH(QString, file);
    QFETCH(int, minEvents);
    const TraceReadResult original = readTrace(captureDir(capture) / file.toStdString());
    QVERIFY2(original.ok(), original.error.c_str());
    const TraceData& a = original.data;
    QVERIFY(a.events.size() >= std::size_t(minEvents));
    std::string text;
    for (const TraceEvent& e : a.events)
        text += traceEventText(a, e) + '\n';
    const TraceData b = parseTraceText(text);
    QCOMPARE(b.errorCount, 0u);
    QCOMPARE(b.events.size(), a.events.size());
    for (std::size_t i = 0; i < a.events.size(); ++i) {
        const TraceEvent& x = a.events[i];
        const TraceEvent& y = b.events[i];
        const QByteArray where = QByteArray::number(qulonglong(i)) + ": " + traceEventText(a, x).c_str();
        QVERIFY2(x.type == y.type, where.constData());
        QVERIFY2(x.timestampNs == y.timestampNs, where.constData());
        QVERIFY2(a.taskName(x) == b.taskName(y), where.constData());
        QVERIFY2(x.cpu == y.cpu || x.cpu < 0, where.constData());
        QVERIFY2(a.areaName(x) == b.areaName(y), where.constData());
        QVERIFY2(a.markerText(x) == b.markerText(y), where.constData());
        QVERIFY2(x.pfn == y.pfn && x.count == y.count && x.align == y.align, where.constData());
        QVERIFY2(x.errorno == y.errorno && x.failed() == y.failed(), where.constData());
        QVERIFY2(x.availableCount == y.availableCount && x.totalCount == y.totalCount, where.constData());
        // every flag survives but NoCount, which text cannot say (a count of 0 instead)
        const auto flags = std::uint8_t(x.flags & ~TraceEvent::NoCount);
        QVERIFY2(flags == y.flags, where.constData());
    }
}

void TestTextWriter::jsonLines()
{
    const TraceReadResult read = readTrace(captureDir("k72-busy-areas") / "trace.txt");
    QVERIFY(read.ok());
    std::size_t finishes = 0, markers = 0;
    for (const TraceEvent& e : read.data.events) {
        const std::string line = traceEventJson(read.data, e);
        QVERIFY(line.find('\n') == std::string::npos);
        const auto j = nlohmann::json::parse(line);
        QCOMPARE(j.at("line").get<std::uint32_t>(), e.line);
        QCOMPARE(j.at("time_ns").get<std::uint64_t>(), e.timestampNs);
        QCOMPARE(j.at("event").get<std::string>(), std::string(eventTypeName(e.type)));
        if (e.type == EventType::Marker) {
            ++markers;
            QCOMPARE(j.at("text").get<std::string>(), std::string(read.data.markerText(e)));
            QVERIFY(!j.contains("pfn"));
        } else if (e.type == EventType::AllocFinish) {
            ++finishes;
            QCOMPARE(j.at("pfn").get<std::uint64_t>(), e.pfn);
            QCOMPARE(j.at("failed").get<bool>(), e.failed());
            QCOMPARE(j.at("errorno").get<int>(), e.errorno);
        }
    }
    QVERIFY(finishes > 20);
    QVERIFY(markers > 5);
}

void TestTextWriter::failedAndNullPage()
{
    // a failed 6.1 finish (NULL page, pfn ~0) and a 2025 start, written and read back
    const TraceData a = parseTraceText(
        "  cam-7 [002] 1.000001: cma_alloc_start: name=video request_count=64 available_count=10 total_count=4096 "
        "align=6\n"
        "  cam-7 [002] 1.000200: cma_alloc_finish: name=video pfn=0xffffffffffffffff page=0000000000000000 count=64 "
        "align=6 errorno=-12\n");
    QCOMPARE(a.events.size(), 2u);
    const std::string finish = traceEventText(a, a.events[1]);
    QCOMPARE(finish,
        std::string("           cam-7 [002]      1.000200000: cma_alloc_finish: name=video pfn=0xffffffffffffffff "
                    "page=(null) count=64 align=6 errorno=-12"));
    const TraceData b = parseTraceText(traceEventText(a, a.events[0]) + '\n' + finish + '\n');
    QCOMPARE(b.errorCount, 0u);
    QVERIFY(b.events[1].failed());
    QVERIFY(b.events[1].has(TraceEvent::NullPage));
    QCOMPARE(b.events[0].availableCount, 10u);
    QCOMPARE(b.events[0].totalCount, 4096u);
}

QTEST_GUILESS_MAIN(TestTextWriter)
#include "tst_textwriter.moc"
