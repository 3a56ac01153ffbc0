// SPDX-License-Identifier: GPL-2.0-or-later
// The usage of a region over the steps of a run: used, free and largest free extent, in MiB, from 0 to the
// region's size.
#pragma once

#include "charts/overstepschart.h"

namespace cmascope::views {

class UsageChart : public OverStepsChart
{
    Q_OBJECT
public:
    UsageChart();
    /// Titles the chart for region @p region; @p range names the steps shown when zoomed (else empty).
    void showTitle(const QString& region, const QString& range);

protected:
    double valueScale(const MetricSeries& series) const override;
    void setValueRange(const MetricSeries& series) override;
    QString valueText(double y) const override;
    void applySeriesColours(const ChartColours& colours) override;
};

} // namespace cmascope::views
