// SPDX-License-Identifier: GPL-2.0-or-later
// Allocation latency (replay/latency.h, docs/time-and-latency.md): nearest-rank statistics, and on the real
// captures in traces/kernel/ the figures in total, per task and per area recomputed from the requests, the JSON
// report's `latency` object and the CLI text.
#include "support/captures.h"

#include <cmascope/replay/latency.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/report.h>

#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <vector>

using namespace cmascope;
using namespace cmascope::test;

namespace {

ReplayResult replayCapture(const QByteArray& capture)
{
    const auto dir = captureDir(capture);
    auto r = replayTraceFile(traceFile(dir), bootInputs(dir));
    if (!r.ok())
        qFatal("%s", r.error.c_str());
    return std::move(r.result);
}

/// Nearest rank, written out independently of the code under test: sorted[ceil(p * n / 100) - 1].
std::uint64_t rank(std::vector<std::uint64_t> v, double p)
{
    std::sort(v.begin(), v.end());
    std::size_t k = std::size_t(std::ceil(p / 100.0 * double(v.size())));
    return v[std::max<std::size_t>(k, 1) - 1];
}

} // namespace

class TstLatency : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nearestRank_data();
    void nearestRank();
    void text_data();
    void text();
    void captures_data();
    void captures();
    void report();
};

void TstLatency::nearestRank_data()
{
    QTest::addColumn<QList<quint64>>("samples");
    QTest::addColumn<quint64>("median");
    QTest::addColumn<quint64>("p99");
    QTest::addColumn<quint64>("max");
    QTest::newRow("none") << QList<quint64> {} << quint64(0) << quint64(0) << quint64(0);
    QTest::newRow("one") << QList<quint64> { 7 } << quint64(7) << quint64(7) << quint64(7);
    QTest::newRow("even count: lower middle")
        << QList<quint64> { 40, 10, 30, 20 } << quint64(20) << quint64(40) << quint64(40);
    QTest::newRow("odd count") << QList<quint64> { 5, 1, 3 } << quint64(3) << quint64(5) << quint64(5);
    QList<quint64> hundred;
    for (quint64 i = 1; i <= 100; ++i)
        hundred.append(i * 1000);
    QTest::newRow("1..100: p99 is the 99th") << hundred << quint64(50000) << quint64(99000) << quint64(100000);
    QList<quint64> twoHundred = hundred;
    for (quint64 i = 101; i <= 200; ++i)
        twoHundred.append(i * 1000);
    QTest::newRow("1..200: p99 is the 198th") << twoHundred << quint64(100000) << quint64(198000) << quint64(200000);
}

void TstLatency::nearestRank()
{
    QFETCH(QList<quint64>, samples);
    QFETCH(quint64, median);
    QFETCH(quint64, p99);
    QFETCH(quint64, max);
    std::vector<std::uint64_t> v(samples.begin(), samples.end());
    const LatencyStats s = latencyStats(v);
    QCOMPARE(s.requests, std::uint64_t(samples.size()));
    QCOMPARE(quint64(s.medianNs), median);
    QCOMPARE(quint64(s.p99Ns), p99);
    QCOMPARE(quint64(s.maxNs), max);
}

void TstLatency::text_data()
{
    QTest::addColumn<quint64>("ns");
    QTest::addColumn<QString>("text");
    QTest::newRow("ns") << quint64(850) << "850 ns";
    QTest::newRow("us") << quint64(12000) << "12 us";
    QTest::newRow("ms") << quint64(1234000) << "1.234 ms";
    QTest::newRow("s") << quint64(631000000) << "631 ms";
    QTest::newRow("over a second") << quint64(2500000000) << "2.5 s";
}

void TstLatency::text()
{
    QFETCH(quint64, ns);
    QFETCH(QString, text);
    QCOMPARE(QString::fromStdString(latencyText(ns)), text);
}

void TstLatency::captures_data()
{
    QTest::addColumn<QByteArray>("capture");
    for (const char* c : { "k61-nvme", "k612-reserved-mixed", "k612-busy-retry", "k612-hugetlb-opb9" })
        QTest::newRow(c) << QByteArray(c);
}

void TstLatency::captures()
{
    QFETCH(QByteArray, capture);
    const ReplayResult r = replayCapture(capture);
    const ReplayLatency lat = replayLatency(r);
    std::vector<std::uint64_t> all;
    std::map<std::string, std::vector<std::uint64_t>> byTask, byArea;
    std::uint64_t without = 0;
    for (const ReplayRequest& q : r.requests) {
        if (!q.hasLatency()) {
            ++without;
            continue;
        }
        QVERIFY(q.timestampNs >= q.startNs); // a finish never precedes its start
        QCOMPARE(q.latencyNs(), q.timestampNs - q.startNs);
        all.push_back(q.latencyNs());
        byTask[r.tasks[q.task]].push_back(q.latencyNs());
        byArea[r.areas[q.area].area.name].push_back(q.latencyNs());
    }
    QVERIFY(!all.empty());
    QCOMPARE(lat.total.requests, std::uint64_t(all.size()));
    QCOMPARE(lat.withoutLatency, without);
    QCOMPARE(lat.total.medianNs, rank(all, 50));
    QCOMPARE(lat.total.p99Ns, rank(all, 99));
    QCOMPARE(lat.total.maxNs, *std::max_element(all.begin(), all.end()));
    QVERIFY(lat.total.medianNs <= lat.total.p99Ns && lat.total.p99Ns <= lat.total.maxNs);
    QCOMPARE(lat.byTask.size(), byTask.size());
    for (const LatencyGroup& g : lat.byTask) {
        QVERIFY2(byTask.count(g.name), g.name.c_str());
        QCOMPARE(g.stats.requests, std::uint64_t(byTask[g.name].size()));
        QCOMPARE(g.stats.maxNs, *std::max_element(byTask[g.name].begin(), byTask[g.name].end()));
        QCOMPARE(g.stats.medianNs, rank(byTask[g.name], 50));
    }
    QCOMPARE(lat.byArea.size(), byArea.size());
    for (const LatencyGroup& g : lat.byArea)
        QCOMPARE(g.stats.p99Ns, rank(byArea[g.name], 99));
    // The CLI lines: the total first, then one per area and one per task.
    const std::string text = latencySummaryText(lat);
    QVERIFY(text.rfind("latency (start to finish): " + std::to_string(all.size()) + " requests, median "
                    + latencyText(lat.total.medianNs),
                0)
        == 0);
    QCOMPARE(std::count(text.begin(), text.end(), '\n'), std::ptrdiff_t(1 + byArea.size() + byTask.size()));
}

void TstLatency::report()
{
    // k612-busy-retry: the slowest request was retried over busy pages for more than half a second before it
    // failed with -EBUSY; the median is far below.
    const ReplayResult r = replayCapture("k612-busy-retry");
    const ReplayLatency lat = replayLatency(r);
    const auto slowest = std::max_element(r.requests.begin(), r.requests.end(),
        [](const ReplayRequest& x, const ReplayRequest& y) { return x.latencyNs() < y.latencyNs(); });
    QCOMPARE(slowest->latencyNs(), lat.total.maxNs);
    QVERIFY(lat.total.maxNs > 600'000'000);
    QVERIFY(!slowest->succeeded && slowest->busyRetries > 0 && slowest->cause == FailureCause::Busy);
    QVERIFY(lat.total.maxNs > 50 * lat.total.medianNs);
    const auto j = nlohmann::json::parse(replayReportJson(r, "trace.txt"));
    QVERIFY(j.contains("latency"));
    const auto& l = j["latency"];
    QCOMPARE(l["requests"].get<std::uint64_t>(), lat.total.requests);
    QCOMPARE(l["max_s"].get<double>(), double(lat.total.maxNs) / 1e9);
    QCOMPARE(l["median_s"].get<double>(), double(lat.total.medianNs) / 1e9);
    QCOMPARE(l["by_task"].size(), lat.byTask.size());
    QCOMPARE(l["by_area"].size(), lat.byArea.size());
    QCOMPARE(l["by_area"][0]["area"].get<std::string>(), lat.byArea[0].name);
    QCOMPARE(l["by_task"][0]["task"].get<std::string>(), lat.byTask[0].name);
}

QTEST_GUILESS_MAIN(TstLatency)
#include "tst_latency.moc"
