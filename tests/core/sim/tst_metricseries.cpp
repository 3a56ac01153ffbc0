// SPDX-License-Identifier: GPL-2.0-or-later
#include "support/simulations.h"

#include <cmascope/sim/metricseries.h>

#include <QTest>

#include <random>

using namespace cmascope;

namespace {

Region fixedRegion(const std::string& name, std::uint64_t start, std::uint64_t pages)
{
    Region r;
    r.name = name;
    r.size = pages * 4096;
    r.placement = Placement::Fixed;
    r.start = start;
    r.policy = PolicyKind::Kernel;
    return r;
}

/// One bank; region "r" of @p pages pages at PFN 0x1000 (kernel policy), rule video/* -> r.
Platform onePool(std::uint64_t pages)
{
    Platform pf;
    pf.name = "test";
    pf.banks.push_back({ "ram", 0x1000000, 64 * MiB, 0 });
    pf.regions.push_back(fixedRegion("r", 0x1000000, pages));
    pf.rules.push_back({ { "video/*" }, { "r" } });
    return pf;
}

/// 22 steps in a 64-page pool: phase markers, and at @p spikeStep a 16-page allocation freed by the
/// next step. Position spikeStep + 1 is the only one with pages in use.
Simulation spikeRun(int spikeStep)
{
    Scenario sc;
    for (int i = 0; i < 22; ++i) {
        if (i == spikeStep)
            sc.allocate("video", "a", 64 * KiB, "spike");
        else if (i == spikeStep + 1)
            sc.free("spike");
        else
            sc.phase("p" + std::to_string(i));
    }
    return test::ranSimulation(onePool(64), sc);
}

QStringList names(const std::vector<OwnerUsage>& v)
{
    QStringList out;
    for (const auto& u : v)
        out << QString::fromStdString(u.name);
    return out;
}

QList<int> pages(const std::vector<OwnerUsage>& v)
{
    QList<int> out;
    for (const auto& u : v)
        out << int(u.pages);
    return out;
}

} // namespace

class TestMetricSeries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void handComputedSeries_data();
    void handComputedSeries();
    void decimationKeepsExtremes_data();
    void decimationKeepsExtremes();
    void seriesMatchesRecords();
    void progressAndCancel();
    void unknownRegion();
    void typicalOrder_data();
    void typicalOrder();
    void histogram_data();
    void histogram();
    void usage_data();
    void usage();
};

void TestMetricSeries::handComputedSeries_data()
{
    QTest::addColumn<int>("position");
    QTest::addColumn<int>("used");
    QTest::addColumn<int>("largest");
    QTest::addColumn<int>("free");
    QTest::addColumn<int>("runs");
    QTest::addColumn<double>("relFrag");
    QTest::addColumn<double>("extfrag"); // order 3 (8 pages)
    QTest::addColumn<double>("unusable"); // order 3

    // 16 pages at PFN 0x1000. A, B, C take 4 pages each (order-2 aligned, first fit); then A and C
    // are freed.
    QTest::newRow("empty") << 0 << 0 << 16 << 16 << 1 << 0.0 << -1.0 << 0.0;
    // [4,16): blocks o2@4 and o3@8; the 4 pages of the o2 block are unusable for order 3.
    QTest::newRow("A") << 1 << 4 << 12 << 12 << 1 << 0.0 << -1.0 << 0.333;
    QTest::newRow("A B") << 2 << 8 << 8 << 8 << 1 << 0.0 << -1.0 << 0.0; // [8,16): one o3 block
    // [12,16): one o2 block; 1000 - (1000 + 4000/8) / 1 = -500; no free page in an order-3 block.
    QTest::newRow("A B C") << 3 << 12 << 4 << 4 << 1 << 0.0 << -0.5 << 1.0;
    // [0,4) and [12,16): two o2 blocks; 1000 - (1000 + 8000/8) / 2 = 0.
    QTest::newRow("B C") << 4 << 8 << 4 << 8 << 2 << 0.5 << 0.0 << 1.0;
    // [0,4) and [8,16): an o3 block exists; 4 of 12 free pages are not in it.
    QTest::newRow("B") << 5 << 4 << 8 << 12 << 2 << 1.0 / 3.0 << -1.0 << 0.333;
}

void TestMetricSeries::handComputedSeries()
{
    QFETCH(int, position);
    Scenario sc;
    sc.allocate("video", "a", 16 * KiB, "A");
    sc.allocate("video", "a", 16 * KiB, "B");
    sc.allocate("video", "a", 16 * KiB, "C");
    sc.free("A");
    sc.free("C");
    const Simulation sim = test::ranSimulation(onePool(16), sc);
    MetricSeriesOptions opt;
    opt.order = 3;
    const auto series = computeMetricSeries(sim, 0, opt);
    QVERIFY(series);
    QCOMPARE(series->buckets.size(), std::size_t(6)); // positions 0..5, one bucket each
    QCOMPARE(series->positionsPerBucket, std::size_t(1));
    QCOMPARE(series->regionPages, std::uint64_t(16));
    const MetricBucket* b = series->bucketAt(std::size_t(position));
    QVERIFY(b);
    QCOMPARE(int(b->first), position);
    QCOMPARE(int(b->last), position);
    for (std::size_t m = 0; m < kMetricCount; ++m) {
        QCOMPARE(b->stats[m].min, b->stats[m].last);
        QCOMPARE(b->stats[m].max, b->stats[m].last);
    }
    QTEST(int((*b)[Metric::UsedPages].last), "used");
    QTEST(int((*b)[Metric::LargestFree].last), "largest");
    QTEST(int((*b)[Metric::FreePages].last), "free");
    QTEST(int((*b)[Metric::FreeRuns].last), "runs");
    QTEST((*b)[Metric::RelativeFragmentation].last, "relFrag");
    QTEST((*b)[Metric::ExtfragIndex].last, "extfrag");
    QTEST((*b)[Metric::UnusableIndex].last, "unusable");
}

void TestMetricSeries::decimationKeepsExtremes_data()
{
    QTest::addColumn<int>("spikeStep");
    QTest::addColumn<int>("maxPoints");
    QTest::addColumn<int>("first");
    QTest::addColumn<int>("last"); // -1 = to the end
    QTest::addColumn<int>("buckets");
    QTest::addColumn<int>("bucket"); // the bucket holding the spike
    QTest::addColumn<int>("bucketFirst");
    QTest::addColumn<int>("bucketLast");
    QTest::addColumn<int>("usedMin");
    QTest::addColumn<int>("usedMax");
    QTest::addColumn<int>("usedLast");
    QTest::addColumn<int>("largestMin");

    // 22 steps = positions 0..22. The spike (16 of 64 pages used) is at position spikeStep + 1.
    QTest::newRow("one bucket") << 7 << 1 << 0 << -1 << 1 << 0 << 0 << 22 << 0 << 16 << 0 << 48;
    // 23 positions in at most 4 buckets: 6 per bucket, [0,5] [6,11] [12,17] [18,22].
    QTest::newRow("spike inside a bucket") << 7 << 4 << 0 << -1 << 4 << 1 << 6 << 11 << 0 << 16 << 0 << 48;
    QTest::newRow("spike at a bucket's end") << 10 << 4 << 0 << -1 << 4 << 1 << 6 << 11 << 0 << 16 << 16 << 48;
    QTest::newRow("spike at a bucket's start") << 11 << 4 << 0 << -1 << 4 << 2 << 12 << 17 << 0 << 16 << 0 << 48;
    QTest::newRow("no decimation") << 7 << 100 << 0 << -1 << 23 << 8 << 8 << 8 << 16 << 16 << 16 << 48;
    // Positions 6..14 in at most 2 buckets: 5 per bucket, [6,10] [11,14].
    QTest::newRow("range") << 7 << 2 << 6 << 14 << 2 << 0 << 6 << 10 << 0 << 16 << 0 << 48;
    QTest::newRow("range, last bucket shorter") << 11 << 2 << 6 << 14 << 2 << 1 << 11 << 14 << 0 << 16 << 0 << 48;
}

void TestMetricSeries::decimationKeepsExtremes()
{
    QFETCH(int, spikeStep);
    QFETCH(int, maxPoints);
    QFETCH(int, first);
    QFETCH(int, last);
    QFETCH(int, buckets);
    QFETCH(int, bucket);
    const Simulation sim = spikeRun(spikeStep);
    MetricSeriesOptions opt;
    opt.maxPoints = std::size_t(maxPoints);
    opt.first = std::size_t(first);
    if (last >= 0)
        opt.last = std::size_t(last);
    const auto series = computeMetricSeries(sim, 0, opt);
    QVERIFY(series);
    QCOMPARE(int(series->buckets.size()), buckets);
    // The buckets cover the range without gaps or overlaps.
    QCOMPARE(int(series->buckets.front().first), first);
    QCOMPARE(int(series->buckets.back().last), last >= 0 ? last : 22);
    for (std::size_t i = 1; i < series->buckets.size(); ++i)
        QCOMPARE(series->buckets[i].first, series->buckets[i - 1].last + 1);

    const MetricBucket& b = series->buckets[std::size_t(bucket)];
    QCOMPARE(series->bucketAt(std::size_t(spikeStep + 1)), &b);
    QTEST(int(b.first), "bucketFirst");
    QTEST(int(b.last), "bucketLast");
    QTEST(int(b[Metric::UsedPages].min), "usedMin");
    QTEST(int(b[Metric::UsedPages].max), "usedMax");
    QTEST(int(b[Metric::UsedPages].last), "usedLast");
    QTEST(int(b[Metric::LargestFree].min), "largestMin");
    QCOMPARE(b[Metric::LargestFree].max, b.first == b.last ? 48.0 : 64.0);
    // Every other bucket saw nothing in use.
    for (std::size_t i = 0; i < series->buckets.size(); ++i)
        if (i != std::size_t(bucket))
            QCOMPARE(series->buckets[i][Metric::UsedPages].max, 0.0);
}

void TestMetricSeries::seriesMatchesRecords()
{
    // A random allocate/free mix in two regions: the replayed series must agree with the metrics the
    // run recorded for the region each step touched.
    Platform pf = onePool(256);
    pf.regions.push_back(fixedRegion("s", 0x1100000, 128));
    pf.rules.push_back({ { "camera/*" }, { "s" } });
    Scenario sc;
    std::mt19937 rng(7);
    std::vector<std::string> live;
    for (int i = 0; i < 600; ++i) {
        if (!live.empty() && rng() % 3 == 0) {
            const std::size_t k = rng() % live.size();
            sc.free(live[k]);
            live.erase(live.begin() + std::ptrdiff_t(k));
        } else {
            const std::string label = "c" + std::to_string(i);
            sc.allocate(rng() % 2 ? "video" : "camera", "a", (1 + rng() % 12) * 4 * KiB, label);
            live.push_back(label);
        }
    }
    const Simulation sim = test::ranSimulation(pf, sc);
    for (std::uint16_t region : { std::uint16_t(0), std::uint16_t(1) }) {
        const auto series = computeMetricSeries(sim, region);
        QVERIFY(series);
        QCOMPARE(series->buckets.size(), sim.stepCount() + 1);
        int checked = 0;
        for (std::size_t i = 0; i < sim.stepCount(); ++i) {
            const StepRecord& rec = sim.records()[i];
            if (rec.region != region)
                continue;
            const MetricBucket* b = series->bucketAt(i + 1);
            QVERIFY(b);
            QCOMPARE((*b)[Metric::UsedPages].last, double(rec.usedPages));
            QCOMPARE((*b)[Metric::LargestFree].last, double(rec.largestFree));
            QCOMPARE((*b)[Metric::FreeRuns].last, double(rec.freeRuns));
            QCOMPARE((*b)[Metric::FreePages].last, double(series->regionPages - rec.usedPages));
            ++checked;
        }
        QVERIFY(checked > 100);
        // Decimated to 50 points, the envelope still holds every recorded value.
        MetricSeriesOptions opt;
        opt.maxPoints = 50;
        const auto coarse = computeMetricSeries(sim, region, opt);
        QVERIFY(coarse);
        QVERIFY(coarse->buckets.size() <= 50);
        for (std::size_t i = 0; i < sim.stepCount(); ++i) {
            const StepRecord& rec = sim.records()[i];
            if (rec.region != region)
                continue;
            const MetricBucket* b = coarse->bucketAt(i + 1);
            QVERIFY(b);
            QVERIFY((*b)[Metric::UsedPages].min <= rec.usedPages);
            QVERIFY((*b)[Metric::UsedPages].max >= rec.usedPages);
            QVERIFY((*b)[Metric::LargestFree].min <= rec.largestFree);
            QVERIFY((*b)[Metric::LargestFree].max >= rec.largestFree);
        }
    }
}

void TestMetricSeries::progressAndCancel()
{
    Scenario sc;
    for (int i = 0; i < 5000; ++i) {
        if (i % 2 == 0)
            sc.allocate("video", "a", 4 * KiB, "x");
        else
            sc.free("x");
    }
    const Simulation sim = test::ranSimulation(onePool(16), sc);
    std::vector<std::pair<std::size_t, std::size_t>> calls;
    const auto full = computeMetricSeries(sim, 0, {}, [&](std::size_t done, std::size_t total) {
        calls.emplace_back(done, total);
        return true;
    });
    QVERIFY(full);
    QVERIFY(calls.size() >= 3);
    for (std::size_t i = 0; i < calls.size(); ++i) {
        QCOMPARE(calls[i].second, std::size_t(5001));
        if (i)
            QVERIFY(calls[i].first > calls[i - 1].first);
    }
    QCOMPARE(calls.back().first, std::size_t(5001));
    // 5001 positions in at most 2000 buckets: 3 per bucket, alternating 0/1 used pages.
    QCOMPARE(full->positionsPerBucket, std::size_t(3));
    QCOMPARE(full->buckets.size(), std::size_t(1667));
    QCOMPARE(full->buckets[1][Metric::UsedPages].min, 0.0);
    QCOMPARE(full->buckets[1][Metric::UsedPages].max, 1.0);

    int calledBeforeCancel = 0;
    const auto cancelled = computeMetricSeries(sim, 0, {}, [&](std::size_t, std::size_t) {
        ++calledBeforeCancel;
        return false;
    });
    QVERIFY(!cancelled);
    QCOMPARE(calledBeforeCancel, 1);
}

void TestMetricSeries::unknownRegion()
{
    Scenario sc;
    sc.allocate("video", "a", 4 * KiB, "x");
    const Simulation sim = test::ranSimulation(onePool(16), sc);
    QVERIFY(!computeMetricSeries(sim, 1));
    QVERIFY(!computeMetricSeries(sim, kNoRegion));
    QVERIFY(freeRunHistogram(FreeExtents()).empty());
}

void TestMetricSeries::typicalOrder_data()
{
    QTest::addColumn<QList<int>>("requestPages");
    QTest::addColumn<int>("order");
    QTest::newRow("none") << QList<int> {} << 0;
    QTest::newRow("one page") << QList<int> { 1 } << 0;
    QTest::newRow("three pages round up") << QList<int> { 3 } << 2;
    QTest::newRow("median of three") << QList<int> { 1, 4, 16 } << 2;
    QTest::newRow("lower median of four") << QList<int> { 1, 4, 4, 16 } << 2;
    QTest::newRow("mostly large") << QList<int> { 16, 16, 1 } << 4;
}

void TestMetricSeries::typicalOrder()
{
    QFETCH(QList<int>, requestPages);
    Scenario sc;
    sc.phase("start");
    int i = 0;
    for (int p : requestPages)
        sc.allocate("video", "a", std::uint64_t(p) * 4 * KiB, "c" + std::to_string(i++));
    sc.allocate("camera", "a", 64 * KiB, "nowhere"); // no rule: fails, not counted
    const Simulation sim = test::ranSimulation(onePool(256), sc);
    QTEST(int(typicalRequestOrder(sim, 0)), "order");
}

void TestMetricSeries::histogram_data()
{
    QTest::addColumn<int>("regionPages");
    QTest::addColumn<QList<int>>("taken"); // offset, pages, offset, pages, ...
    QTest::addColumn<QList<int>>("runs"); // per order 0..
    QTest::addColumn<QList<int>>("freePages");

    QTest::newRow("all free") << 16 << QList<int> {} << QList<int> { 0, 0, 0, 0, 1 } << QList<int> { 0, 0, 0, 0, 16 };
    // Runs [0,4) [8,9) [10,16): lengths 4, 1, 6 -> orders 2, 0, 2.
    QTest::newRow("three runs") << 16 << QList<int> { 4, 4, 9, 1 } << QList<int> { 1, 0, 2, 0, 0 }
                                << QList<int> { 1, 0, 10, 0, 0 };
    // 10 pages: buckets up to order 3 (8..15).
    QTest::newRow("not a power of two") << 10 << QList<int> {} << QList<int> { 0, 0, 0, 1 }
                                        << QList<int> { 0, 0, 0, 10 };
    QTest::newRow("full") << 8 << QList<int> { 0, 8 } << QList<int> { 0, 0, 0, 0 } << QList<int> { 0, 0, 0, 0 };
    // Runs [1,2) [3,4) [5,8): 1, 1, 3 pages.
    QTest::newRow("ones and a three") << 8 << QList<int> { 0, 1, 2, 1, 4, 1 } << QList<int> { 2, 1, 0, 0 }
                                      << QList<int> { 2, 3, 0, 0 };
}

void TestMetricSeries::histogram()
{
    QFETCH(int, regionPages);
    QFETCH(QList<int>, taken);
    QFETCH(QList<int>, runs);
    QFETCH(QList<int>, freePages);
    FreeExtents fe(0x1000, std::uint64_t(regionPages));
    for (qsizetype i = 0; i + 1 < taken.size(); i += 2)
        QVERIFY(fe.take(std::uint64_t(taken[i]), std::uint64_t(taken[i + 1])));
    const auto h = freeRunHistogram(fe);
    QCOMPARE(h.size(), std::size_t(runs.size()));
    for (std::size_t o = 0; o < h.size(); ++o) {
        QCOMPARE(h[o].order, unsigned(o));
        QCOMPARE(h[o].minPages, std::uint64_t(1) << o);
        QCOMPARE(h[o].maxPages, (std::uint64_t(2) << o) - 1);
        QCOMPARE(int(h[o].runs), runs[qsizetype(o)]);
        QCOMPARE(int(h[o].pages), freePages[qsizetype(o)]);
    }
}

void TestMetricSeries::usage_data()
{
    QTest::addColumn<int>("position");
    QTest::addColumn<int>("region"); // -1 = all
    QTest::addColumn<QStringList>("devices");
    QTest::addColumn<QList<int>>("devicePages");
    QTest::addColumn<QStringList>("kinds");
    QTest::addColumn<QList<int>>("kindPages");
    QTest::addColumn<int>("chunks");

    // See usage(): video -> r, camera -> s, isp places 8 pages in s of which 2 are released later.
    QTest::newRow("start") << 0 << -1 << QStringList {} << QList<int> {} << QStringList {} << QList<int> {} << 0;
    QTest::newRow("after three") << 3 << -1 << QStringList { QStringLiteral("video"), QStringLiteral("camera") }
                                 << QList<int> { 12, 1 } << QStringList { QStringLiteral("b"), QStringLiteral("a") }
                                 << QList<int> { 8, 5 } << 3;
    QTest::newRow("end, all") << 7 << -1
                              << QStringList { QStringLiteral("video"), QStringLiteral("isp"),
                                     QStringLiteral("camera") }
                              << QList<int> { 8, 6, 3 }
                              << QStringList { QStringLiteral("b"), QString(), QStringLiteral("a") }
                              << QList<int> { 8, 6, 3 } << 5;
    QTest::newRow("end, r") << 7 << 0 << QStringList { QStringLiteral("video") } << QList<int> { 8 }
                            << QStringList { QStringLiteral("b") } << QList<int> { 8 } << 1;
    QTest::newRow("end, s") << 7 << 1 << QStringList { QStringLiteral("isp"), QStringLiteral("camera") }
                            << QList<int> { 6, 3 } << QStringList { QString(), QStringLiteral("a") }
                            << QList<int> { 6, 3 } << 4;
}

void TestMetricSeries::usage()
{
    QFETCH(int, position);
    QFETCH(int, region);
    Platform pf = onePool(64);
    pf.regions.push_back(fixedRegion("s", 0x1100000, 64));
    pf.rules.push_back({ { "camera/*" }, { "s" } });
    Scenario sc;
    sc.allocate("video", "a", 16 * KiB, "v1"); // r: 4 pages
    sc.allocate("video", "b", 32 * KiB, "v2"); // r: 8 pages
    sc.allocate("camera", "a", 4 * KiB, "c1"); // s: 1 page
    sc.free("v1");
    sc.allocate("camera", "a", 8 * KiB, "c2"); // s: 2 pages
    sc.place(1, 32, 8, "isp", "p"); // s: [32, 40)
    sc.release(1, 34, 2); // leaves [32, 34) and [36, 40), both still the isp's
    const Simulation sim = test::ranSimulation(pf, sc);
    QCOMPARE(sim.records()[6].outcome, Outcome::Freed);

    const SimState st = sim.stateAt(std::size_t(position));
    const auto u = usageAt(sim, st, region < 0 ? kNoRegion : std::uint16_t(region));
    QTEST(names(u.byDevice), "devices");
    QTEST(pages(u.byDevice), "devicePages");
    QTEST(names(u.byKind), "kinds");
    QTEST(pages(u.byKind), "kindPages");
    QTEST(int(u.chunks), "chunks");
    std::uint64_t sumDevices = 0, sumKinds = 0, chunkSum = 0;
    for (const auto& d : u.byDevice) {
        sumDevices += d.pages;
        chunkSum += d.chunks;
        QCOMPARE(
            QString::fromStdString(d.name), QString::fromStdString(std::string(sim.scenario().symbols.name(d.symbol))));
    }
    for (const auto& k : u.byKind)
        sumKinds += k.pages;
    QCOMPARE(sumDevices, u.pages);
    QCOMPARE(sumKinds, u.pages);
    QCOMPARE(chunkSum, u.chunks);
    // With every region counted, the pages are those the regions have in use.
    if (region < 0) {
        std::uint64_t used = 0;
        for (const auto& rt : st.regions)
            used += rt.occupancy.usedPages();
        QCOMPARE(u.pages, used);
    }
}

QTEST_GUILESS_MAIN(TestMetricSeries)
#include "tst_metricseries.moc"
