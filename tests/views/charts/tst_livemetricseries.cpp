// SPDX-License-Identifier: GPL-2.0-or-later
// The charts' series of a run that grows (docs/following.md): extended batch by batch it equals the series
// computed once over the whole run at full resolution, and past its maximum it merges buckets pairwise, covering
// every position with the same minima and maxima.
#include "charts/livemetricseries.h"
#include "support/platforms.h"
#include "support/simulations.h"

#include <QTest>

using namespace cmascope;

namespace {

/// 40 trace-like steps over a 64-page pool: places, a refusal, releases.
Scenario traceScenario()
{
    Scenario sc;
    for (std::uint64_t i = 0; i < 16; ++i)
        sc.place(0, i * 4, 2 + i % 3, "init-1");
    sc.refused(0, 32, 5, "init-1");
    for (std::uint64_t i = 0; i < 16; i += 2)
        sc.release(0, i * 4, 2 + i % 3, "init-1");
    for (std::uint64_t i = 0; i < 15; ++i)
        sc.place(0, 64 - 1 - i, 1, "kworker-2");
    return sc;
}

void compareBuckets(const MetricBucket& a, const MetricBucket& b)
{
    QCOMPARE(a.first, b.first);
    QCOMPARE(a.last, b.last);
    for (std::size_t m = 0; m < kMetricCount; ++m) {
        QCOMPARE(a.stats[m].min, b.stats[m].min);
        QCOMPARE(a.stats[m].max, b.stats[m].max);
        QCOMPARE(a.stats[m].last, b.stats[m].last);
    }
}

} // namespace

class TestLiveMetricSeries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void grownEqualsComputedOnce()
    {
        const Scenario whole = traceScenario();
        const Simulation full = test::ranSimulation(test::onePool(64), whole);
        MetricSeriesOptions opt;
        opt.maxPoints = 1000;
        opt.order = 1;
        const auto once = computeMetricSeries(full, 0, opt);
        QVERIFY(once);

        Scenario prefix = whole;
        prefix.steps.resize(5);
        Simulation grown = test::ranSimulation(test::onePool(64), prefix);
        views::LiveMetricSeries live;
        live.reset(grown, 0, 1, 1000);
        QCOMPARE(live.series().last, std::size_t(5));
        for (std::size_t upTo : { 12u, 13u, 30u, unsigned(whole.steps.size()) }) {
            Scenario more = whole;
            more.steps.resize(upTo);
            QVERIFY(!grown.appendSteps(more));
            QVERIFY(grown.run());
            live.extend(grown);
            QCOMPARE(live.series().last, upTo);
        }
        const MetricSeries& s = live.series();
        QCOMPARE(s.buckets.size(), once->buckets.size());
        QCOMPARE(s.positionsPerBucket, std::size_t(1));
        QCOMPARE(s.regionPages, once->regionPages);
        for (std::size_t i = 0; i < s.buckets.size(); ++i)
            compareBuckets(s.buckets[i], once->buckets[i]);
    }

    void mergesPairsPastTheMaximum()
    {
        const Simulation sim = test::ranSimulation(test::onePool(64), traceScenario());
        MetricSeriesOptions opt;
        opt.maxPoints = 1000;
        const auto fine = computeMetricSeries(sim, 0, opt);
        QVERIFY(fine);
        views::LiveMetricSeries live;
        live.reset(sim, 0, 0, 6);
        const MetricSeries& s = live.series();
        QVERIFY(s.buckets.size() <= 6);
        QCOMPARE(s.positionsPerBucket, std::size_t(8)); // 41 positions: 1, 2, 4, 8 per bucket
        QCOMPARE(std::size_t(s.buckets.front().first), std::size_t(0));
        QCOMPARE(std::size_t(s.buckets.back().last), sim.stepCount());
        for (std::size_t i = 0; i < s.buckets.size(); ++i) {
            const MetricBucket& b = s.buckets[i];
            if (i + 1 < s.buckets.size())
                QCOMPARE(std::size_t(b.last - b.first + 1), s.positionsPerBucket);
            const auto used = std::size_t(Metric::UsedPages);
            double lo = 1e300, hi = -1e300;
            for (std::size_t p = b.first; p <= b.last; ++p) {
                lo = std::min(lo, fine->buckets[p].stats[used].min);
                hi = std::max(hi, fine->buckets[p].stats[used].max);
            }
            QCOMPARE(b.stats[used].min, lo);
            QCOMPARE(b.stats[used].max, hi);
            QCOMPARE(b.stats[used].last, fine->buckets[b.last].stats[used].last);
        }
    }
};

QTEST_MAIN(TestLiveMetricSeries)
#include "tst_livemetricseries.moc"
