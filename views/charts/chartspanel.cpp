// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/chartspanel.h"

#include "charts/chartsupport.h"
#include "charts/fragmentationchart.h"
#include "charts/freeextentchart.h"
#include "charts/latencychart.h"
#include "charts/latencytab.h"
#include "charts/livemetricseries.h"
#include "charts/ownerchart.h"
#include "charts/stepchartview.h"
#include "charts/usagechart.h"
#include "common/document.h"
#include "common/jobtracker.h"
#include "common/stepaxisbox.h"
#include "common/textformat.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>

namespace cmascope::views {

namespace {

constexpr std::size_t kMaxPoints = 1500; ///< buckets per over-steps series: about one per pixel column

} // namespace

/// The charts (each a QChart, owned by its view) and their views (owned by the tabs), by Chart.
struct ChartsPanel::Charts
{
    UsageChart* usage = nullptr;
    FragmentationChart* fragmentation = nullptr;
    FreeExtentChart* freeExtents = nullptr;
    OwnerChart* owners = nullptr;
    std::array<ThemedChart*, ChartCount> charts {};
    std::array<QChartView*, ChartCount> views {};

    LiveMetricSeries live; ///< the series of a followed trace's growing run (docs/following.md)

    std::array<OverStepsChart*, 2> overStepsCharts() const { return { usage, fragmentation }; }
    /// The over-steps chart of @p chart (UsageOverSteps or FragmentationOverSteps).
    OverStepsChart* overSteps(Chart chart) const
    {
        return chart == UsageOverSteps ? static_cast<OverStepsChart*>(usage) : fragmentation;
    }
};

ChartsPanel::ChartsPanel(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , d(std::make_unique<Charts>())
    , m_jobs(new JobTracker(this))
{
    QLayout* controls = buildControls();
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(controls);
    layout->addWidget(m_tabs, 1);
    buildTabs();
    connectControls();
    connectDocument();

    applyTheme();
    onTabChanged();
    if (m_doc->simulation())
        onRunFinished();
    else
        onRunStarted();
}

QLayout* ChartsPanel::buildControls()
{
    // Region, order (fragmentation), grouping (usage), whole run, status.
    m_regionBox = new QComboBox(this);
    m_regionBox->setToolTip(tr("Region charted"));
    m_regionBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_orderBox = new QSpinBox(this);
    m_orderBox->setRange(0, 30);
    m_orderBox->setPrefix(tr("order "));
    m_orderBox->setToolTip(tr("Order of the request the kernel extfrag and unusable indices are computed for"));
    m_orderSize = new QLabel(this);
    m_groupBox = new QComboBox(this);
    m_groupBox->addItem(tr("By device"));
    m_groupBox->addItem(tr("By kind"));
    m_groupBox->setToolTip(tr("Group the memory in use by device or by kind"));
    m_wholeRun = new QToolButton(this);
    m_wholeRun->setText(tr("Whole run"));
    m_wholeRun->setToolTip(tr("Show every step again (or double-click a chart)"));
    m_wholeRun->setAutoRaise(true);
    m_status = new QLabel(this);
    m_status->setForegroundRole(QPalette::PlaceholderText);

    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(4, 2, 4, 2);
    controls->addWidget(new QLabel(tr("Region:"), this));
    controls->addWidget(m_regionBox);
    controls->addWidget(m_orderBox);
    controls->addWidget(m_orderSize);
    controls->addWidget(m_groupBox);
    controls->addWidget(m_wholeRun);
    controls->addWidget(new StepAxisBox(m_doc, this));
    controls->addStretch(1);
    controls->addWidget(m_status);
    return controls;
}

void ChartsPanel::buildTabs()
{
    d->usage = new UsageChart;
    d->fragmentation = new FragmentationChart;
    d->freeExtents = new FreeExtentChart;
    d->owners = new OwnerChart;
    m_latency = new LatencyTab(m_doc, m_tabs);
    d->charts = { d->usage, d->fragmentation, d->freeExtents, d->owners, m_latency->chart() };
    // The over-steps charts zoom to the range dragged over and move the document to the step clicked.
    for (OverStepsChart* chart : d->overStepsCharts()) {
        auto* view = new StepChartView(chart, m_tabs);
        view->setToolTip(tr("Drag to zoom to a range of steps; click to go to a step; double-click for the whole run"));
        view->onRange = [this](double a, double b) { onRangeDragged(a, b); };
        view->onClick = [this](double x) { onChartClicked(x); };
        view->onReset = [this] { resetStepRange(); };
        d->views[chart == d->usage ? UsageOverSteps : FragmentationOverSteps] = view;
    }
    d->views[FreeExtentSizes] = new QChartView(d->freeExtents, m_tabs);
    d->views[UsageByOwner] = new QChartView(d->owners, m_tabs);
    d->views[Latency] = m_latency->view();
    for (QChartView* v : d->views)
        v->setRenderHint(QPainter::Antialiasing);

    m_tabs->addTab(d->views[UsageOverSteps], tr("Usage over steps"));
    m_tabs->addTab(d->views[FragmentationOverSteps], tr("Fragmentation"));
    m_tabs->addTab(d->views[FreeExtentSizes], tr("Free extent sizes"));
    m_tabs->addTab(d->views[UsageByOwner], tr("Usage by owner"));
    m_tabs->addTab(m_latency, tr("Latency"));
}

void ChartsPanel::connectControls()
{
    connect(m_jobs, &JobTracker::progressChanged, this, [this](int done, int total) {
        if (total > 0)
            m_status->setText(tr("Computing… %1%").arg(done * 100 / total));
    });
    connect(m_regionBox, &QComboBox::currentIndexChanged, this, &ChartsPanel::onRegionChosen);
    connect(m_orderBox, &QSpinBox::valueChanged, this, [this] { recompute(); });
    connect(m_groupBox, &QComboBox::currentIndexChanged, this,
        [this](int i) { setGrouping(i == 1 ? Grouping::ByKind : Grouping::ByDevice); });
    connect(m_wholeRun, &QToolButton::clicked, this, &ChartsPanel::resetStepRange);
    connect(m_tabs, &QTabWidget::currentChanged, this, &ChartsPanel::onTabChanged);
}

void ChartsPanel::connectDocument()
{
    // The series job keeps the simulation it reads alive (Document::sharedSimulation()); a new run makes
    // its result out of date, so it is cancelled (and its result dropped) when the run starts.
    connect(m_doc, &Document::runStarted, this, &ChartsPanel::onRunStarted);
    connect(m_doc, &Document::runFinished, this, &ChartsPanel::onRunFinished);
    connect(m_doc, &Document::stepAxisModeChanged, this, &ChartsPanel::showSeries);
    connect(m_doc, &Document::stepsAppended, this, [this] {
        if (!m_doc->isLive() || !d->live.valid() || m_zoomed)
            return;
        d->live.extend(*m_doc->simulation()); // the new positions only
        m_series = d->live.series();
        showSeries();
    });
    connect(m_doc, &Document::positionChanged, this, [this] {
        updateCursor();
        m_histogramDirty = m_usageDirty = true;
        updateAtStep();
    });
}

void ChartsPanel::onRegionChosen(int index)
{
    if (index < 0)
        return;
    m_regionName = m_regionBox->itemText(index).toStdString();
    if (const Simulation* sim = m_doc->simulation()) {
        const QSignalBlocker block(m_orderBox);
        m_orderBox->setValue(int(typicalRequestOrder(*sim, region())));
    }
    m_histogramDirty = m_usageDirty = true;
    recompute();
    updateAtStep();
}

ChartsPanel::~ChartsPanel() = default;

ChartsPanel::Chart ChartsPanel::currentChart() const
{
    return Chart(std::max(0, m_tabs->currentIndex()));
}

void ChartsPanel::setCurrentChart(Chart chart)
{
    m_tabs->setCurrentIndex(int(chart));
}

std::uint16_t ChartsPanel::region() const
{
    const QVariant v = m_regionBox->currentData();
    return v.isValid() ? std::uint16_t(v.toUInt()) : kNoRegion;
}

void ChartsPanel::setRegion(std::uint16_t region)
{
    const int i = m_regionBox->findData(uint(region));
    if (i >= 0)
        m_regionBox->setCurrentIndex(i);
}

unsigned ChartsPanel::order() const
{
    return unsigned(m_orderBox->value());
}

void ChartsPanel::setOrder(unsigned order)
{
    m_orderBox->setValue(int(order));
}

void ChartsPanel::setGrouping(Grouping grouping)
{
    if (grouping == m_grouping)
        return;
    m_grouping = grouping;
    {
        const QSignalBlocker block(m_groupBox);
        m_groupBox->setCurrentIndex(grouping == Grouping::ByKind ? 1 : 0);
    }
    m_histogramDirty = m_usageDirty = true;
    updateAtStep();
}

std::size_t ChartsPanel::rangeLast() const
{
    return m_zoomed ? m_rangeLast : m_doc->stepCount();
}

bool ChartsPanel::isComputing() const
{
    return m_jobs->isRunning();
}

void ChartsPanel::waitForSeries()
{
    m_jobs->waitForIdle();
}

void ChartsPanel::onRunStarted()
{
    m_jobs->cancel();
    m_series.reset();
    m_zoomed = false;
    showSeries();
    m_histogramDirty = m_usageDirty = true;
    updateAtStep();
    m_status->setText(m_doc->isRunning() ? tr("Waiting for the run…") : QString());
}

void ChartsPanel::onRunFinished()
{
    m_zoomed = false;
    m_rangeFirst = 0;
    rebuildRegions(); // recomputes through the region box, or below
    if (!m_doc->simulation()) {
        m_series.reset();
        showSeries();
        m_status->setText(m_doc->runError());
    } else {
        recompute();
    }
    m_histogramDirty = m_usageDirty = true;
    updateAtStep();
    m_tabs->setTabVisible(Latency, m_doc->replay() != nullptr);
}

void ChartsPanel::rebuildRegions()
{
    const QSignalBlocker block(m_regionBox);
    const QSignalBlocker blockOrder(m_orderBox);
    m_regionBox->clear();
    const Simulation* sim = m_doc->simulation();
    if (!sim)
        return;
    const auto& regions = sim->platform().regions;
    std::vector<std::size_t> touched(regions.size());
    for (const StepRecord& rec : sim->records())
        if (rec.region < touched.size())
            ++touched[rec.region];
    int chosen = -1, busiest = -1;
    std::size_t most = 0;
    for (std::size_t i = 0; i < regions.size(); ++i) {
        const Region& r = regions[i];
        if (r.size == 0 || r.type == RegionType::Carveout)
            continue;
        m_regionBox->addItem(QString::fromStdString(r.name), uint(i));
        const int row = m_regionBox->count() - 1;
        if (r.name == m_regionName)
            chosen = row;
        if (busiest < 0 || touched[i] > most) {
            busiest = row;
            most = touched[i];
        }
    }
    m_regionBox->setCurrentIndex(chosen >= 0 ? chosen : busiest);
    if (m_regionBox->currentIndex() >= 0) {
        m_regionName = m_regionBox->currentText().toStdString();
        m_orderBox->setValue(int(typicalRequestOrder(*sim, region())));
    }
}

void ChartsPanel::recompute()
{
    std::shared_ptr<const Simulation> sim = m_doc->sharedSimulation();
    const std::uint16_t r = region();
    if (!sim || r == kNoRegion) {
        m_jobs->cancel();
        m_series.reset();
        d->live.clear();
        if (m_doc->isLive() && r != kNoRegion) { // a run that grows is never shared with a worker: the series
            d->live.reset(*m_doc->simulation(), r, order(), kMaxPoints); // grows here (docs/following.md)
            m_series = d->live.series();
            m_status->setText(tr("Following a live trace: the charts grow with it"));
        }
        showSeries();
        return;
    }
    MetricSeriesOptions opt;
    opt.first = m_zoomed ? m_rangeFirst : 0;
    opt.last = m_zoomed ? m_rangeLast : sim->stepCount();
    opt.maxPoints = kMaxPoints;
    opt.order = order();
    m_status->setText(tr("Computing…"));
    // A series still being computed is cancelled and its result dropped (JobTracker).
    m_jobs->start([sim = std::move(sim), r, opt](
                      const Progress& progress) { return computeMetricSeries(*sim, r, opt, progress); },
        [this](JobResult<std::optional<MetricSeries>> result) {
            if (result.ok() && *result.value) {
                m_series = std::move(**result.value);
                m_status->clear();
            } else {
                m_series.reset();
                if (result.failed())
                    m_status->setText(tr("The charts could not be computed: %1").arg(result.error));
            }
            showSeries();
            Q_EMIT seriesUpdated();
        });
}

QList<QPointF> ChartsPanel::plotPoints(Plot plot) const
{
    // The chart and the metric each Plot draws, in Plot order.
    static constexpr std::array<std::pair<Chart, Metric>, PlotCount> kPlots { {
        { UsageOverSteps, Metric::UsedPages },
        { UsageOverSteps, Metric::FreePages },
        { UsageOverSteps, Metric::LargestFree },
        { FragmentationOverSteps, Metric::RelativeFragmentation },
        { FragmentationOverSteps, Metric::ExtfragIndex },
        { FragmentationOverSteps, Metric::UnusableIndex },
    } };
    if (plot < 0 || plot >= PlotCount)
        return {};
    const auto [chart, metric] = kPlots[std::size_t(plot)];
    return d->overSteps(chart)->points(metric);
}

void ChartsPanel::showSeries()
{
    for (OverStepsChart* chart : d->overStepsCharts())
        chart->setSeries(series(), m_doc->stepCount(), m_doc->stepAxis());
    updateCursor();
    updateTitles();
}

std::optional<double> ChartsPanel::cursorPosition() const
{
    return d->usage->cursor();
}

void ChartsPanel::updateCursor()
{
    const std::size_t pos = m_doc->position();
    const bool show = m_series && pos >= m_series->first && pos <= m_series->last;
    for (OverStepsChart* chart : d->overStepsCharts())
        chart->setCursor(show ? std::optional<double>(chart->axis().xOfPosition(pos)) : std::nullopt);
}

void ChartsPanel::onTabChanged()
{
    const Chart c = currentChart();
    m_orderBox->setVisible(c == FragmentationOverSteps);
    m_orderSize->setVisible(c == FragmentationOverSteps);
    m_groupBox->setVisible(c == UsageByOwner);
    m_wholeRun->setVisible(c == UsageOverSteps || c == FragmentationOverSteps);
    updateAtStep();
}

void ChartsPanel::updateAtStep()
{
    // Only the chart in sight follows every step; the other one catches up when its tab is shown.
    if (currentChart() == FreeExtentSizes && m_histogramDirty) {
        updateHistogram();
        m_histogramDirty = false;
    } else if (currentChart() == UsageByOwner && m_usageDirty) {
        updateUsage();
        m_usageDirty = false;
    } else {
        return;
    }
    updateTitles();
}

void ChartsPanel::updateHistogram()
{
    const Simulation* sim = m_doc->simulation();
    const std::uint16_t r = region();
    std::vector<RunSizeBucket> buckets;
    if (sim && r < m_doc->state().regions.size())
        buckets = freeRunHistogram(m_doc->state().regions[r].occupancy);
    d->freeExtents->setBuckets(std::move(buckets), pageBytes(sim, r));
}

QStringList ChartsPanel::histogramCategories() const
{
    return d->freeExtents->categories();
}

QList<qreal> ChartsPanel::histogramValues() const
{
    return d->freeExtents->values();
}

void ChartsPanel::updateUsage()
{
    const Simulation* sim = m_doc->simulation();
    const std::uint16_t r = region();
    std::vector<OwnerUsage> owners;
    double regionMiB = 1.0;
    if (sim && r != kNoRegion) {
        UsageBreakdown u = usageAt(*sim, m_doc->state(), r);
        owners = std::move(m_grouping == Grouping::ByKind ? u.byKind : u.byDevice);
        regionMiB = double(sim->platform().regions[r].size) / double(MiB);
    }
    d->owners->setOwners(std::move(owners), m_grouping, pageBytes(sim, r), regionMiB);
}

QStringList ChartsPanel::usageCategories() const
{
    return d->owners->categories();
}

QList<qreal> ChartsPanel::usageValues() const
{
    return d->owners->values();
}

void ChartsPanel::updateTitles()
{
    const Simulation* sim = m_doc->simulation();
    const std::uint16_t r = region();
    const QString name = sim && r != kNoRegion ? QString::fromStdString(sim->platform().regions[r].name) : QString();
    const QString range = m_series && m_zoomed
        ? tr(" (steps %1 – %2)")
              .arg(m_series->first ? QString::number(m_series->first - 1) : tr("before 0"))
              .arg(m_series->last ? QString::number(m_series->last - 1) : tr("before 0"))
        : QString();
    if (name.isEmpty()) {
        for (ThemedChart* c : d->charts)
            c->setTitle(sim ? tr("No region to chart") : tr("No run"));
        return;
    }
    d->usage->showTitle(name, range);
    d->fragmentation->showTitle(name, order(), range);
    // The step as every view names it: "after step N" is the state the map shows at the current step N.
    const auto step = m_doc->currentStep();
    const QString at = step ? tr("after step %1").arg(*step) : tr("before step 0");
    d->freeExtents->showTitle(name, at);
    d->owners->showTitle(name, m_grouping, at);
    m_orderSize->setText(tr("= %1").arg(approxSizeString(std::ldexp(pageBytes(sim, r), int(order())))));
}

void ChartsPanel::setStepRange(std::size_t first, std::size_t last)
{
    const std::size_t steps = m_doc->stepCount();
    last = std::min(last, steps);
    first = std::min(first, last);
    if (first == 0 && last == steps) {
        resetStepRange();
        return;
    }
    if (m_zoomed && first == m_rangeFirst && last == m_rangeLast)
        return;
    m_zoomed = true;
    m_rangeFirst = first;
    m_rangeLast = last;
    recompute();
}

void ChartsPanel::resetStepRange()
{
    if (!m_zoomed)
        return;
    m_zoomed = false;
    m_rangeFirst = 0;
    recompute();
}

void ChartsPanel::onRangeDragged(double x1, double x2)
{
    if (!m_doc->simulation())
        return;
    const std::size_t steps = m_doc->stepCount();
    const StepAxis axis = m_doc->stepAxis();
    const std::size_t first = axis.positionOfX(std::min(x1, x2), steps);
    const std::size_t last = axis.positionOfX(std::max(x1, x2), steps);
    if (first == last) {
        onChartClicked(x1);
        return;
    }
    Q_EMIT stepRangeSelected(first, last);
    setStepRange(first, last);
    m_doc->setPosition(first);
}

void ChartsPanel::onChartClicked(double x)
{
    if (!m_doc->simulation())
        return;
    m_doc->setPosition(m_doc->stepAxis().positionOfX(x, m_doc->stepCount()));
}

QWidget* ChartsPanel::chartWidget(Chart chart) const
{
    return chart >= 0 && chart < ChartCount ? d->views[std::size_t(chart)] : nullptr;
}

QPoint ChartsPanel::chartPoint(Chart chart, double step) const
{
    if (chart != UsageOverSteps && chart != FragmentationOverSteps)
        return {};
    return d->views[std::size_t(chart)]->mapFromScene(d->overSteps(chart)->scenePoint(step));
}

void ChartsPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        applyTheme();
}

void ChartsPanel::applyTheme()
{
    const QPalette pal = palette();
    for (ThemedChart* chart : d->charts)
        chart->applyPalette(pal);
}

bool ChartsPanel::exportImage(const QString& path)
{
    return exportChartImage(
        *d->views[std::size_t(currentChart())], path, devicePixelRatioF(), palette().color(QPalette::Window));
}

} // namespace cmascope::views
