// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/usagechart.h"

#include "common/textformat.h"

#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

namespace cmascope::views {

UsageChart::UsageChart()
    : OverStepsChart(
        {
            { Metric::UsedPages, tr("used") },
            { Metric::FreePages, tr("free") },
            { Metric::LargestFree, tr("largest free extent") },
        },
        tr("MiB"), QStringLiteral("%.4g"), 0.0, 1.0)
{ }

void UsageChart::showTitle(const QString& region, const QString& range)
{
    setTitle(tr("Region %1: used and largest free extent%2").arg(region, range));
}

double UsageChart::valueScale(const MetricSeries& series) const
{
    return double(series.pageSize) / double(MiB);
}

void UsageChart::setValueRange(const MetricSeries& series)
{
    const double regionMiB = double(series.regionPages) * valueScale(series);
    valueAxis()->setRange(0.0, regionMiB > 0 ? regionMiB : 1.0);
    valueAxis()->setTickCount(5);
}

QString UsageChart::valueText(double y) const
{
    return approxSizeString(y * double(MiB));
}

void UsageChart::applySeriesColours(const ChartColours& colours)
{
    line(Metric::UsedPages)->setPen(cosmeticPen(colours.used, 2));
    line(Metric::FreePages)->setPen(cosmeticPen(colours.free, 1.5, Qt::DashLine));
    line(Metric::LargestFree)->setPen(cosmeticPen(colours.largest, 2));
    OverStepsChart::applySeriesColours(colours);
}

} // namespace cmascope::views
