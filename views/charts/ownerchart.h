// SPDX-License-Identifier: GPL-2.0-or-later
// The memory of a region in use at one step by device or by kind (usageAt()): one horizontal bar per owner,
// largest on top, in MiB from 0 to the region's size; hovering a bar tells its size and chunks.
#pragma once

#include "charts/chartspanel.h"
#include "charts/chartsupport.h"

#include <cmascope/sim/metricseries.h>

#include <QList>
#include <QStringList>

#include <vector>

class QBarCategoryAxis;
class QBarSet;
class QHorizontalBarSeries;
class QValueAxis;

namespace cmascope::views {

class OwnerChart : public ThemedChart
{
    Q_OBJECT
public:
    OwnerChart();
    /// Shows @p owners (largest first) grouped by @p grouping, of a region of @p regionMiB MiB whose pages have
    /// @p pageBytes bytes.
    void setOwners(std::vector<OwnerUsage> owners, ChartsPanel::Grouping grouping, double pageBytes, double regionMiB);
    /// Titles the chart for region @p region, owners grouped by @p grouping, at the step named @p at.
    void showTitle(const QString& region, ChartsPanel::Grouping grouping, const QString& at);

    /// The bars, largest first: the owners' names and their MiB.
    QStringList categories() const;
    QList<qreal> values() const;

protected:
    void applySeriesColours(const ChartColours& colours) override;

private:
    /// Shows what bar @p index holds as a tooltip (or hides it when @p status is false).
    void showHover(bool status, int index) const;

    QHorizontalBarSeries* m_bars = nullptr;
    QBarSet* m_set = nullptr;
    QBarCategoryAxis* m_ownerAxis = nullptr;
    QValueAxis* m_sizeAxis = nullptr;
    std::vector<OwnerUsage> m_shown; ///< bottom to top, as the bars, for the tooltips
};

} // namespace cmascope::views
