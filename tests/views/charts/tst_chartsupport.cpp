// SPDX-License-Identifier: GPL-2.0-or-later
// What the charts share (views/charts/chartsupport.h) and the over-steps charts' drawing of a series
// (overstepschart.h): round ticks, steps to x and back, decimated buckets and the cursor line.
#include "charts/chartsupport.h"
#include "charts/usagechart.h"

#include <QTest>
#include <QtCharts/QValueAxis>

#include <memory>

using namespace cmascope;
using namespace cmascope::views;

class TestChartSupport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void niceCeilRounds();
    void stepsAndXRoundTrip();
    void stepTicksAreRound();
    void bucketsKeepTheirExtremes();
};

void TestChartSupport::niceCeilRounds()
{
    QCOMPARE(niceCeil(0), 1.0);
    QCOMPARE(niceCeil(-3), 1.0);
    QCOMPARE(niceCeil(1), 1.0);
    QCOMPARE(niceCeil(3), 5.0);
    QCOMPARE(niceCeil(12), 20.0);
    QCOMPARE(niceCeil(100), 100.0);
    QCOMPARE(niceCeil(501), 1000.0);
    QCOMPARE(niceCeil(0.07), 0.1);
}

void TestChartSupport::stepsAndXRoundTrip()
{
    // x = N is the state right after step N, the state before step 0 is at -1.
    QCOMPARE(xOfPosition(0), -1.0);
    QCOMPARE(xOfPosition(10), 9.0);
    for (std::size_t p = 0; p <= 20; ++p)
        QCOMPARE(positionOfX(xOfPosition(p), 20), p);
    QCOMPARE(positionOfX(4.4, 20), std::size_t(5)); // nearest
    QCOMPARE(positionOfX(4.6, 20), std::size_t(6));
    QCOMPARE(positionOfX(-7, 20), std::size_t(0)); // clamped
    QCOMPARE(positionOfX(1e9, 20), std::size_t(20));
}

void TestChartSupport::stepTicksAreRound()
{
    QValueAxis axis;
    setStepTicks(&axis, -1, 88);
    QCOMPARE(axis.min(), -1.0);
    QCOMPARE(axis.max(), 88.0);
    QCOMPARE(axis.tickType(), QValueAxis::TicksDynamic);
    QCOMPARE(axis.tickAnchor(), 0.0);
    QCOMPARE(axis.tickInterval(), 20.0); // 89 / 6 rounded up to 20
    setStepTicks(&axis, -1, 3);
    QCOMPARE(axis.tickInterval(), 1.0); // never below one step
}

void TestChartSupport::bucketsKeepTheirExtremes()
{
    MetricSeries ms;
    ms.pageSize = MiB; // one MiB per page: the values are the pages
    ms.regionPages = 10;
    ms.first = 0;
    ms.last = 4;
    const auto bucket = [](std::uint32_t first, std::uint32_t last, double min, double max, double atLast) {
        MetricBucket b;
        b.first = first;
        b.last = last;
        b.stats[std::size_t(Metric::UsedPages)] = { min, max, atLast };
        return b;
    };
    ms.buckets = { bucket(0, 0, 0, 0, 0), bucket(1, 3, 2, 7, 5), bucket(4, 4, 3, 3, 3) };
    const auto chart = std::make_unique<UsageChart>();
    chart->setSeries(&ms, 4);
    // A bucket of several positions adds its minimum and maximum at its first position.
    const QList<QPointF> expected { { -1, 0 }, { 0, 2 }, { 0, 7 }, { 2, 5 }, { 3, 3 } };
    QCOMPARE(chart->points(Metric::UsedPages), expected);
    QVERIFY(chart->points(Metric::ExtfragIndex).isEmpty()); // not a line of this chart

    chart->setCursor(1.0);
    QCOMPARE(chart->cursor().value_or(-9), 1.0);
    chart->setCursor(std::nullopt);
    QVERIFY(!chart->cursor());
    chart->setSeries(nullptr, 0);
    QVERIFY(chart->points(Metric::UsedPages).isEmpty());
}

QTEST_MAIN(TestChartSupport)
#include "tst_chartsupport.moc"
