// SPDX-License-Identifier: GPL-2.0-or-later
// The summary charts of a run, in tabs: used / free / largest free extent over steps for one region
// with a cursor at the current step; fragmentation over steps (1 - largest/free, kernel extfrag and
// unusable index for a chosen order); the histogram of free extent sizes at the current step; the
// usage per device or kind at the current step; for a replayed trace, the latency of every request. The
// over-steps charts draw on the document's step or time axis (common/stepaxis.h, docs/time-and-latency.md).
//
// Qt Charts is deprecated from Qt 6.10 (Qt 6.10 release notes): it is used only in views/charts/, and this
// header shows none of it, so the panel can move to another chart library without touching its users.
// Each chart has its class (usagechart.h, fragmentationchart.h, freeextentchart.h, ownerchart.h; what they
// share is in chartsupport.h); the panel keeps the controls and computes the over-steps series from the core
// (metricseries.h) off the GUI thread.
#pragma once

#include <cmascope/sim/metricseries.h>

#include <QList>
#include <QPointF>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLayout;
class QSpinBox;
class QTabWidget;
class QToolButton;

namespace cmascope::views {

class Document;
class JobTracker;
class LatencyTab;

class ChartsPanel : public QWidget
{
    Q_OBJECT
public:
    /// The tabs, in order.
    /// Latency: the allocation latency of a replayed trace's requests (latencytab.h; hidden for other projects).
    enum Chart { UsageOverSteps, FragmentationOverSteps, FreeExtentSizes, UsageByOwner, Latency, ChartCount };
    Q_ENUM(Chart)
    /// The lines of the over-steps charts (UsageOverSteps: sizes in MiB; FragmentationOverSteps: ratios).
    enum Plot { UsedPlot, FreePlot, LargestFreePlot, RelativeFragmentationPlot, ExtfragPlot, UnusablePlot, PlotCount };
    Q_ENUM(Plot)
    enum class Grouping { ByDevice, ByKind };

    explicit ChartsPanel(Document* document, QWidget* parent = nullptr);
    ~ChartsPanel() override;

    Chart currentChart() const;
    void setCurrentChart(Chart chart);

    /// The region charted (an index into the platform's regions), or kNoRegion when there is none.
    std::uint16_t region() const;
    void setRegion(std::uint16_t region);
    /// Order of the request the extfrag and unusable indices are computed for.
    unsigned order() const;
    void setOrder(unsigned order);
    Grouping grouping() const { return m_grouping; }
    void setGrouping(Grouping grouping);

    /// The positions the over-steps charts cover (the whole run unless zoomed in).
    std::size_t rangeFirst() const { return m_rangeFirst; }
    std::size_t rangeLast() const;
    bool isZoomed() const { return m_zoomed; }

    /// True while the over-steps series are computed in the background.
    bool isComputing() const;
    /// Blocks until the background computation (and any restart) has finished (tests, headless use).
    void waitForSeries();
    /// The over-steps data shown, or null (no run, no region, or still computing).
    const MetricSeries* series() const { return m_series ? &*m_series : nullptr; }

    /// The points plotted for @p plot: x = the step after which the state is shown (position - 1; -1 is the
    /// state before step 0), y in the chart's unit. Decimated buckets add their minimum and maximum.
    QList<QPointF> plotPoints(Plot plot) const;
    /// The x of the cursor line (the current step, position - 1), or nullopt when it is not shown.
    std::optional<double> cursorPosition() const;
    /// The bars of the at-step charts: category labels and values (runs; MiB). An at-step chart follows
    /// the document while its tab is current and catches up when it is shown.
    QStringList histogramCategories() const;
    QList<qreal> histogramValues() const;
    QStringList usageCategories() const;
    QList<qreal> usageValues() const;
    /// The Latency tab (its chart, log scale and statistics).
    LatencyTab* latencyTab() const { return m_latency; }
    /// The widget showing @p chart (a QChartView today; mouse input goes to its viewport).
    QWidget* chartWidget(Chart chart) const;
    /// Where step @p step is drawn on an over-steps chart, halfway up the plot area, in the coordinates
    /// of the widget that receives the mouse (tests, tooltips of other views).
    QPoint chartPoint(Chart chart, double step) const;

    /// Writes the current chart to @p path: SVG for a ".svg" suffix, otherwise a raster image in the
    /// format of the suffix (PNG when there is none). Returns false if it could not be written.
    bool exportImage(const QString& path);

public Q_SLOTS:
    /// Shows positions [first, last] on the over-steps charts (recomputed at full resolution there).
    /// Does not emit stepRangeSelected(); connect the timeline's zoom here to keep both in step.
    void setStepRange(std::size_t first, std::size_t last);
    /// Shows the whole run again.
    void resetStepRange();

Q_SIGNALS:
    /// The user selected positions [first, last] on an over-steps chart (rubber band). The panel has
    /// zoomed to them and moved the document to @p first; connect the timeline's zoom here.
    void stepRangeSelected(std::size_t first, std::size_t last);
    /// New over-steps series are shown (after a run, a region, order or range change).
    void seriesUpdated();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Charts;
    /// The row of controls above the tabs.
    QLayout* buildControls();
    /// The charts, each in its tab.
    void buildTabs();
    void connectControls();
    void connectDocument();
    void onRegionChosen(int index);
    void onRunStarted();
    void onRunFinished();
    void rebuildRegions();
    void recompute();
    void showSeries();
    void updateCursor();
    void onTabChanged();
    void updateAtStep();
    void updateHistogram();
    void updateUsage();
    void updateTitles();
    void applyTheme();
    void onRangeDragged(double x1, double x2);
    void onChartClicked(double x);

    Document* m_doc;
    std::unique_ptr<Charts> d;
    JobTracker* m_jobs = nullptr; ///< the metric series of the charted region
    QComboBox* m_regionBox = nullptr;
    QSpinBox* m_orderBox = nullptr;
    QLabel* m_orderSize = nullptr;
    QComboBox* m_groupBox = nullptr;
    QToolButton* m_wholeRun = nullptr;
    QLabel* m_status = nullptr;
    QTabWidget* m_tabs = nullptr;
    LatencyTab* m_latency = nullptr;

    Grouping m_grouping = Grouping::ByDevice;
    std::size_t m_rangeFirst = 0;
    std::size_t m_rangeLast = 0;
    bool m_zoomed = false;
    std::optional<MetricSeries> m_series;
    bool m_histogramDirty = true; ///< the at-step charts are brought up to date when shown
    bool m_usageDirty = true;
    std::string m_regionName; ///< kept across runs: the user's choice survives an edit
};

} // namespace cmascope::views
