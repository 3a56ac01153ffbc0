// SPDX-License-Identifier: GPL-2.0-or-later
// The fragmentation of a region over the steps of a run: 1 - largest free / free, and the kernel's extfrag
// and unusable indices for a request of one order, on [-1.05, 1.05].
#pragma once

#include "charts/overstepschart.h"

namespace cmascope::views {

class FragmentationChart : public OverStepsChart
{
    Q_OBJECT
public:
    FragmentationChart();
    /// Titles the chart and its index lines for region @p region and requests of @p order; @p range names the
    /// steps shown when zoomed (else empty).
    void showTitle(const QString& region, unsigned order, const QString& range);

protected:
    double valueScale(const MetricSeries& series) const override;
    void setValueRange(const MetricSeries& series) override;
    QString valueText(double y) const override;
    void applySeriesColours(const ChartColours& colours) override;
};

} // namespace cmascope::views
