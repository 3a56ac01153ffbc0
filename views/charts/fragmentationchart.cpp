// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/fragmentationchart.h"

#include <QtCharts/QLineSeries>

namespace cmascope::views {

FragmentationChart::FragmentationChart()
    : OverStepsChart(
        {
            { Metric::RelativeFragmentation, tr("1 − largest / free") },
            { Metric::ExtfragIndex, tr("extfrag index") },
            { Metric::UnusableIndex, tr("unusable index") },
        },
        tr("index"), QStringLiteral("%.2f"), -1.05, 1.05)
{ }

void FragmentationChart::showTitle(const QString& region, unsigned order, const QString& range)
{
    setTitle(tr("Region %1: fragmentation, indices for order %2%3").arg(region).arg(order).arg(range));
    line(Metric::ExtfragIndex)->setName(tr("extfrag index (−1: a free block of order %1 exists)").arg(order));
    line(Metric::UnusableIndex)->setName(tr("unusable index"));
}

double FragmentationChart::valueScale(const MetricSeries&) const
{
    return 1.0; // the indices are fractions already
}

void FragmentationChart::setValueRange(const MetricSeries&)
{
    // A little room beyond [-1, 1]: the extfrag index sits at -1 whenever a request would succeed.
    setAnchoredTicks(valueAxis(), -1.05, 1.05, 0.5);
}

QString FragmentationChart::valueText(double y) const
{
    return QString::number(y, 'f', 3);
}

void FragmentationChart::applySeriesColours(const ChartColours& colours)
{
    line(Metric::RelativeFragmentation)->setPen(cosmeticPen(colours.relFrag, 2));
    line(Metric::ExtfragIndex)->setPen(cosmeticPen(colours.extfrag, 2));
    line(Metric::UnusableIndex)->setPen(cosmeticPen(colours.unusable, 1.5, Qt::DashLine));
    OverStepsChart::applySeriesColours(colours);
}

} // namespace cmascope::views
