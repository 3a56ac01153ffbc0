// SPDX-License-Identifier: GPL-2.0-or-later
// The histogram of the free extent sizes of a region at one step (log2 buckets, freeRunHistogram()): one
// bar per bucket, the number of extents in it; hovering a bar tells its pages and sizes.
#pragma once

#include "charts/chartsupport.h"

#include <cmascope/sim/metricseries.h>

#include <QList>
#include <QStringList>

#include <vector>

class QBarCategoryAxis;
class QBarSeries;
class QBarSet;
class QValueAxis;

namespace cmascope::views {

class FreeExtentChart : public ThemedChart
{
    Q_OBJECT
public:
    FreeExtentChart();
    /// Shows @p buckets of a region whose pages have @p pageBytes bytes.
    void setBuckets(std::vector<RunSizeBucket> buckets, double pageBytes);
    /// Titles the chart for region @p region at the step named @p at ("after step 7").
    void showTitle(const QString& region, const QString& at);

    /// The bars: the smallest size of each bucket, and its number of extents.
    QStringList categories() const;
    QList<qreal> values() const;

protected:
    void applySeriesColours(const ChartColours& colours) override;

private:
    /// Shows what bar @p index holds as a tooltip (or hides it when @p status is false).
    void showHover(bool status, int index) const;

    QBarSeries* m_bars = nullptr;
    QBarSet* m_set = nullptr;
    QBarCategoryAxis* m_sizeAxis = nullptr;
    QValueAxis* m_countAxis = nullptr;
    std::vector<RunSizeBucket> m_buckets; ///< as shown, for the tooltips
    double m_pageBytes = 4096.0;
};

} // namespace cmascope::views
