// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/chartspanel.h"

#include "common/document.h"
#include "common/jobtracker.h"
#include "common/textformat.h"

#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QRubberBand>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSvgGenerator>
#include <QTabWidget>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>
#include <cmath>
#include <functional>

namespace cmascope::views {

namespace {

constexpr std::size_t kMaxPoints = 1500; ///< buckets per over-steps series: about one per pixel column

/// Bytes per page of region @p r of @p sim (4096 if there is no such region).
double pageBytes(const Simulation* sim, std::uint16_t r)
{
    if (!sim || r >= sim->platform().regions.size())
        return 4096.0;
    const std::uint32_t ps = sim->platform().regions[r].pageSize;
    return double(ps ? ps : sim->platform().pageSize);
}

/// The smallest 1, 2 or 5 times a power of ten that is >= @p v.
double niceCeil(double v)
{
    if (v <= 0)
        return 1;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : { 1.0, 2.0, 5.0, 10.0 })
        if (m * p >= v)
            return m * p;
    return 10 * p;
}

/// Axis colours and series colours that read on the window colour of the palette.
struct Colours
{
    QColor text, grid, line, used, free, largest, relFrag, extfrag, unusable, cursor, bars, usage;
};

Colours coloursFor(const QPalette& pal)
{
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    Colours c;
    c.text = pal.color(QPalette::WindowText);
    c.grid = pal.color(QPalette::WindowText);
    c.grid.setAlpha(dark ? 45 : 35);
    c.line = pal.color(QPalette::WindowText);
    c.line.setAlpha(120);
    c.used = dark ? QColor(0x6a, 0xa8, 0xff) : QColor(0x1f, 0x5f, 0xbf);
    c.free = dark ? QColor(0xa8, 0xa8, 0xa8) : QColor(0x70, 0x70, 0x70);
    c.largest = dark ? QColor(0x5f, 0xd3, 0x8a) : QColor(0x1e, 0x8e, 0x48);
    c.relFrag = dark ? QColor(0xf0, 0xa0, 0x50) : QColor(0xd0, 0x70, 0x10);
    c.extfrag = dark ? QColor(0xc8, 0x96, 0xf5) : QColor(0x80, 0x3c, 0xa8);
    c.unusable = dark ? QColor(0x4f, 0xd0, 0xd0) : QColor(0x10, 0x90, 0x90);
    c.cursor = dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xd0, 0x30, 0x30);
    c.bars = c.used;
    c.usage = c.largest;
    return c;
}

/// A chart view whose left-button drag selects a range of x values (shown as a rubber band over the
/// plot area) and whose click reports an x value; double-click asks to show everything again.
class StepChartView : public QChartView
{
public:
    explicit StepChartView(QChart* chart, QWidget* parent = nullptr)
        : QChartView(chart, parent)
    {
        setRenderHint(QPainter::Antialiasing);
        setMouseTracking(true);
    }

    std::function<void(double, double)> onRange;
    std::function<void(double)> onClick;
    std::function<void()> onReset;

    /// Plot area in viewport coordinates.
    QRect plotRect() const { return mapFromScene(chart()->mapToScene(chart()->plotArea())).boundingRect(); }
    double valueAt(const QPoint& viewportPos) const
    {
        return chart()->mapToValue(chart()->mapFromScene(mapToScene(viewportPos))).x();
    }

protected:
    void mousePressEvent(QMouseEvent* e) override
    {
        const QPoint p = e->position().toPoint();
        if (e->button() != Qt::LeftButton || !plotRect().contains(p)) {
            QChartView::mousePressEvent(e);
            return;
        }
        m_origin = p;
        m_dragging = true;
        if (!m_band)
            m_band = new QRubberBand(QRubberBand::Rectangle, viewport());
        m_band->setGeometry(bandRect(p));
        e->accept();
    }
    void mouseMoveEvent(QMouseEvent* e) override
    {
        if (m_dragging) {
            const QPoint p = e->position().toPoint();
            m_band->setGeometry(bandRect(p));
            if (std::abs(p.x() - m_origin.x()) >= QApplication::startDragDistance())
                m_band->show();
        }
        QChartView::mouseMoveEvent(e); // hover tooltips of the series
    }
    void mouseReleaseEvent(QMouseEvent* e) override
    {
        if (!m_dragging || e->button() != Qt::LeftButton) {
            QChartView::mouseReleaseEvent(e);
            return;
        }
        m_dragging = false;
        m_band->hide();
        const QRect plot = plotRect();
        const int x1 = std::clamp(m_origin.x(), plot.left(), plot.right());
        const int x2 = std::clamp(e->position().toPoint().x(), plot.left(), plot.right());
        const int y = plot.center().y();
        if (std::abs(x2 - x1) >= QApplication::startDragDistance()) {
            if (onRange)
                onRange(valueAt(QPoint(std::min(x1, x2), y)), valueAt(QPoint(std::max(x1, x2), y)));
        } else if (onClick) {
            onClick(valueAt(QPoint(x2, y)));
        }
        e->accept();
    }
    void mouseDoubleClickEvent(QMouseEvent* e) override
    {
        if (e->button() == Qt::LeftButton && onReset) {
            onReset();
            e->accept();
            return;
        }
        QChartView::mouseDoubleClickEvent(e);
    }

private:
    QRect bandRect(const QPoint& p) const
    {
        const QRect plot = plotRect();
        const int x1 = std::clamp(m_origin.x(), plot.left(), plot.right());
        const int x2 = std::clamp(p.x(), plot.left(), plot.right());
        return QRect(QPoint(std::min(x1, x2), plot.top()), QPoint(std::max(x1, x2), plot.bottom()));
    }

    QRubberBand* m_band = nullptr;
    QPoint m_origin;
    bool m_dragging = false;
};

QChart* newChart()
{
    auto* chart = new QChart;
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

QValueAxis* valueAxis(const QString& title, const QString& format)
{
    auto* axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setLabelFormat(format);
    return axis;
}

/// Integer ticks at a round interval over [lo, hi].
/// The over-steps charts' x axis names steps as every view does (document.h): the value drawn at x = N is the
/// state right after step N, so the cursor of the current step N sits at N; the state before step 0 is at -1.
double xOfPosition(std::size_t position)
{
    return double(position) - 1.0;
}

/// The position whose state is drawn nearest to @p x, clamped to [0, @p steps].
std::size_t positionOfX(double x, std::size_t steps)
{
    return std::size_t(std::clamp(std::floor(x + 0.5) + 1.0, 0.0, double(steps)));
}

void setStepTicks(QValueAxis* axis, double lo, double hi)
{
    axis->setRange(lo, hi);
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(std::max(1.0, niceCeil((hi - lo) / 6.0)));
}

} // namespace

/// The Qt Charts objects: everything the rest of the code must not see.
struct ChartsPanel::Charts
{
    std::array<QChartView*, ChartCount> views {};
    std::array<QChart*, ChartCount> charts {};
    std::array<QLineSeries*, PlotCount> lines {};
    std::array<QLineSeries*, 2> cursors {}; ///< on UsageOverSteps and FragmentationOverSteps
    std::array<QValueAxis*, 2> stepAxes {};
    std::array<QValueAxis*, 2> valueAxes {};
    QBarSeries* histogram = nullptr;
    QBarSet* histogramSet = nullptr;
    QBarCategoryAxis* histogramCategories = nullptr;
    QValueAxis* histogramValues = nullptr;
    std::vector<RunSizeBucket> histogramBuckets; ///< as shown, for the tooltips
    QHorizontalBarSeries* usage = nullptr;
    QBarSet* usageSet = nullptr;
    QBarCategoryAxis* usageCategories = nullptr;
    QValueAxis* usageValues = nullptr;
    std::vector<OwnerUsage> usageShown; ///< bottom to top, as the bars, for the tooltips
};

ChartsPanel::ChartsPanel(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , d(std::make_unique<Charts>())
    , m_jobs(new JobTracker(this))
{
    // Controls: region, order (fragmentation), grouping (usage), whole run, status.
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
    controls->addStretch(1);
    controls->addWidget(m_status);

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(controls);
    layout->addWidget(m_tabs, 1);

    // (a) used / free / largest free over steps and (b) fragmentation over steps.
    const std::array<std::pair<Plot, QString>, PlotCount> plotNames { {
        { UsedPlot, tr("used") },
        { FreePlot, tr("free") },
        { LargestFreePlot, tr("largest free extent") },
        { RelativeFragmentationPlot, tr("1 − largest / free") },
        { ExtfragPlot, tr("extfrag index") },
        { UnusablePlot, tr("unusable index") },
    } };
    for (int c : { UsageOverSteps, FragmentationOverSteps }) {
        QChart* chart = newChart();
        // x names the step (xOfPosition()): the value at x = N is the state right after step N.
        auto* x = valueAxis(tr("step"), QStringLiteral("%d"));
        auto* y = c == UsageOverSteps ? valueAxis(tr("MiB"), QStringLiteral("%.4g"))
                                      : valueAxis(tr("index"), QStringLiteral("%.2f"));
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        d->stepAxes[std::size_t(c)] = x;
        d->valueAxes[std::size_t(c)] = y;
        const int firstPlot = c == UsageOverSteps ? UsedPlot : RelativeFragmentationPlot;
        for (int p = firstPlot; p < firstPlot + 3; ++p) {
            auto* s = new QLineSeries;
            s->setName(plotNames[std::size_t(p)].second);
            chart->addSeries(s);
            s->attachAxis(x);
            s->attachAxis(y);
            d->lines[std::size_t(p)] = s;
            connect(s, &QLineSeries::hovered, this, [this, s](const QPointF& point, bool state) {
                if (!state) {
                    QToolTip::hideText();
                    return;
                }
                const QString value =
                    s == d->lines[UsedPlot] || s == d->lines[FreePlot] || s == d->lines[LargestFreePlot]
                    ? approxSizeString(point.y() * double(MiB))
                    : QString::number(point.y(), 'f', 3);
                const auto step = stepAtPosition(positionOfX(point.x(), m_doc->stepCount()));
                QToolTip::showText(QCursor::pos(),
                    (step ? tr("After step %1").arg(*step) : tr("Before step 0"))
                        + QStringLiteral(": %1 %2").arg(s->name(), value));
            });
        }
        auto* cursor = new QLineSeries;
        cursor->setName(tr("current step"));
        chart->addSeries(cursor);
        cursor->attachAxis(x);
        cursor->attachAxis(y);
        d->cursors[std::size_t(c)] = cursor;
        y->setRange(c == UsageOverSteps ? 0.0 : -1.05, c == UsageOverSteps ? 1.0 : 1.05);

        auto* view = new StepChartView(chart, m_tabs);
        view->setToolTip(tr("Drag to zoom to a range of steps; click to go to a step; double-click for the whole run"));
        view->onRange = [this](double a, double b) { onRangeDragged(a, b); };
        view->onClick = [this](double x) { onChartClicked(x); };
        view->onReset = [this] { resetStepRange(); };
        d->views[std::size_t(c)] = view;
        d->charts[std::size_t(c)] = chart;
    }

    // (c) histogram of free extent sizes at the current step.
    {
        QChart* chart = newChart();
        d->histogram = new QBarSeries;
        d->histogramSet = new QBarSet(tr("free extents"));
        d->histogram->append(d->histogramSet);
        d->histogram->setBarWidth(0.8);
        chart->addSeries(d->histogram);
        d->histogramCategories = new QBarCategoryAxis;
        d->histogramCategories->setTitleText(tr("extent size (log2 buckets, from)"));
        d->histogramValues = valueAxis(tr("extents"), QStringLiteral("%d"));
        chart->addAxis(d->histogramCategories, Qt::AlignBottom);
        chart->addAxis(d->histogramValues, Qt::AlignLeft);
        d->histogram->attachAxis(d->histogramCategories);
        d->histogram->attachAxis(d->histogramValues);
        chart->legend()->hide();
        connect(d->histogramSet, &QBarSet::hovered, this, [this](bool status, int index) {
            if (!status || index < 0 || std::size_t(index) >= d->histogramBuckets.size()) {
                QToolTip::hideText();
                return;
            }
            const RunSizeBucket& b = d->histogramBuckets[std::size_t(index)];
            const double ps = pageBytes(m_doc->simulation(), region());
            QToolTip::showText(QCursor::pos(),
                tr("%1 free extents of %2 – %3 pages (%4 – %5), %6 free in all")
                    .arg(b.runs)
                    .arg(b.minPages)
                    .arg(b.maxPages)
                    .arg(approxSizeString(double(b.minPages) * ps), approxSizeString(double(b.maxPages) * ps),
                        approxSizeString(double(b.pages) * ps)));
        });
        d->views[FreeExtentSizes] = new QChartView(chart, m_tabs);
        d->charts[FreeExtentSizes] = chart;
    }

    // (d) usage per device or kind at the current step.
    {
        QChart* chart = newChart();
        d->usage = new QHorizontalBarSeries;
        d->usageSet = new QBarSet(tr("in use"));
        d->usage->append(d->usageSet);
        d->usage->setLabelsVisible(true);
        d->usage->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
        d->usage->setLabelsFormat(QStringLiteral("@value MiB"));
        d->usage->setLabelsPrecision(3);
        chart->addSeries(d->usage);
        d->usageCategories = new QBarCategoryAxis;
        d->usageValues = valueAxis(tr("MiB"), QStringLiteral("%.4g"));
        chart->addAxis(d->usageCategories, Qt::AlignLeft);
        chart->addAxis(d->usageValues, Qt::AlignBottom);
        d->usage->attachAxis(d->usageCategories);
        d->usage->attachAxis(d->usageValues);
        chart->legend()->hide();
        connect(d->usageSet, &QBarSet::hovered, this, [this](bool status, int index) {
            if (!status || index < 0 || std::size_t(index) >= d->usageShown.size()) {
                QToolTip::hideText();
                return;
            }
            const OwnerUsage& u = d->usageShown[std::size_t(index)];
            QToolTip::showText(QCursor::pos(),
                tr("%1: %2 in %3 chunks")
                    .arg(d->usageCategories->at(index), approxSizeString(d->usageSet->at(index) * double(MiB)))
                    .arg(u.chunks));
        });
        d->views[UsageByOwner] = new QChartView(chart, m_tabs);
        d->charts[UsageByOwner] = chart;
    }
    for (QChartView* v : d->views)
        v->setRenderHint(QPainter::Antialiasing);

    m_tabs->addTab(d->views[UsageOverSteps], tr("Usage over steps"));
    m_tabs->addTab(d->views[FragmentationOverSteps], tr("Fragmentation"));
    m_tabs->addTab(d->views[FreeExtentSizes], tr("Free extent sizes"));
    m_tabs->addTab(d->views[UsageByOwner], tr("Usage by owner"));

    connect(m_jobs, &JobTracker::progressChanged, this, [this](int done, int total) {
        if (total > 0)
            m_status->setText(tr("Computing… %1%").arg(done * 100 / total));
    });
    connect(m_regionBox, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i < 0)
            return;
        m_regionName = m_regionBox->itemText(i).toStdString();
        if (const Simulation* sim = m_doc->simulation()) {
            const QSignalBlocker block(m_orderBox);
            m_orderBox->setValue(int(typicalRequestOrder(*sim, region())));
        }
        m_histogramDirty = m_usageDirty = true;
        recompute();
        updateAtStep();
    });
    connect(m_orderBox, &QSpinBox::valueChanged, this, [this] { recompute(); });
    connect(m_groupBox, &QComboBox::currentIndexChanged, this,
        [this](int i) { setGrouping(i == 1 ? Grouping::ByKind : Grouping::ByDevice); });
    connect(m_wholeRun, &QToolButton::clicked, this, &ChartsPanel::resetStepRange);
    connect(m_tabs, &QTabWidget::currentChanged, this, &ChartsPanel::onTabChanged);
    // The series job keeps the simulation it reads alive (Document::sharedSimulation()); a new run makes
    // its result out of date, so it is cancelled (and its result dropped) when the run starts.
    connect(m_doc, &Document::runStarted, this, &ChartsPanel::onRunStarted);
    connect(m_doc, &Document::runFinished, this, &ChartsPanel::onRunFinished);
    connect(m_doc, &Document::positionChanged, this, [this] {
        updateCursor();
        m_histogramDirty = m_usageDirty = true;
        updateAtStep();
    });

    applyTheme();
    onTabChanged();
    if (m_doc->simulation())
        onRunFinished();
    else
        onRunStarted();
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
    return plot >= 0 && plot < PlotCount ? d->lines[std::size_t(plot)]->points() : QList<QPointF> {};
}

void ChartsPanel::showSeries()
{
    if (!m_series) {
        for (QLineSeries* s : d->lines)
            s->clear();
        for (QLineSeries* s : d->cursors)
            s->clear();
        updateTitles();
        return;
    }
    const MetricSeries& ms = *m_series;
    const double mib = double(ms.pageSize) / double(MiB);
    struct Mapping
    {
        Plot plot;
        Metric metric;
        double scale;
    };
    const Mapping mappings[] = {
        { UsedPlot, Metric::UsedPages, mib },
        { FreePlot, Metric::FreePages, mib },
        { LargestFreePlot, Metric::LargestFree, mib },
        { RelativeFragmentationPlot, Metric::RelativeFragmentation, 1.0 },
        { ExtfragPlot, Metric::ExtfragIndex, 1.0 },
        { UnusablePlot, Metric::UnusableIndex, 1.0 },
    };
    for (const Mapping& m : mappings) {
        QList<QPointF> pts;
        pts.reserve(qsizetype(ms.buckets.size() * 3));
        for (const MetricBucket& b : ms.buckets) {
            const MetricStat& s = b[m.metric];
            if (b.first != b.last) {
                // The extremes at the bucket's start, so a one-step spike stays visible.
                pts.append(QPointF(xOfPosition(b.first), s.min * m.scale));
                if (s.max != s.min)
                    pts.append(QPointF(xOfPosition(b.first), s.max * m.scale));
            }
            pts.append(QPointF(xOfPosition(b.last), s.last * m.scale));
        }
        d->lines[std::size_t(m.plot)]->replace(pts);
    }
    const double lo = xOfPosition(ms.first);
    const double hi = xOfPosition(std::max(ms.last, ms.first + 1));
    for (QValueAxis* x : d->stepAxes)
        setStepTicks(x, lo, hi);
    const double regionMiB = double(ms.regionPages) * mib;
    d->valueAxes[UsageOverSteps]->setRange(0.0, regionMiB > 0 ? regionMiB : 1.0);
    d->valueAxes[UsageOverSteps]->setTickCount(5);
    // A little room beyond [-1, 1]: the extfrag index sits at -1 whenever a request would succeed.
    QValueAxis* frag = d->valueAxes[FragmentationOverSteps];
    frag->setRange(-1.05, 1.05);
    frag->setTickType(QValueAxis::TicksDynamic);
    frag->setTickAnchor(0);
    frag->setTickInterval(0.5);
    updateCursor();
    updateTitles();
}

std::optional<double> ChartsPanel::cursorPosition() const
{
    const QLineSeries* s = d->cursors[UsageOverSteps];
    if (s->count() == 0)
        return std::nullopt;
    return s->at(0).x();
}

void ChartsPanel::updateCursor()
{
    const std::size_t pos = m_doc->position();
    const bool show = m_series && pos >= m_series->first && pos <= m_series->last;
    for (std::size_t c = 0; c < d->cursors.size(); ++c) {
        if (!show) {
            d->cursors[c]->clear();
            continue;
        }
        const QValueAxis* y = d->valueAxes[c];
        d->cursors[c]->replace({ QPointF(xOfPosition(pos), y->min()), QPointF(xOfPosition(pos), y->max()) });
    }
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
    d->histogramBuckets.clear();
    if (sim && r < m_doc->state().regions.size())
        d->histogramBuckets = freeRunHistogram(m_doc->state().regions[r].occupancy);
    const double ps = pageBytes(sim, r);
    QStringList categories;
    QList<qreal> values;
    double top = 0;
    for (const RunSizeBucket& b : d->histogramBuckets) {
        categories << approxSizeString(double(b.minPages) * ps);
        values << qreal(b.runs);
        top = std::max(top, double(b.runs));
    }
    if (categories != d->histogramCategories->categories()) {
        d->histogramCategories->clear();
        d->histogramCategories->append(categories);
    }
    d->histogramSet->remove(0, d->histogramSet->count());
    d->histogramSet->append(values);
    const double hi = std::max(niceCeil(top), 1.0);
    d->histogramValues->setRange(0, hi);
    d->histogramValues->setTickType(QValueAxis::TicksDynamic);
    d->histogramValues->setTickAnchor(0);
    d->histogramValues->setTickInterval(std::max(1.0, niceCeil(hi / 5.0)));
}

QStringList ChartsPanel::histogramCategories() const
{
    return d->histogramCategories->categories();
}

QList<qreal> ChartsPanel::histogramValues() const
{
    QList<qreal> v;
    for (int i = 0; i < d->histogramSet->count(); ++i)
        v << d->histogramSet->at(i);
    return v;
}

void ChartsPanel::updateUsage()
{
    const Simulation* sim = m_doc->simulation();
    const std::uint16_t r = region();
    d->usageShown.clear();
    double regionMiB = 1.0;
    if (sim && r != kNoRegion) {
        const UsageBreakdown u = usageAt(*sim, m_doc->state(), r);
        d->usageShown = m_grouping == Grouping::ByKind ? u.byKind : u.byDevice;
        std::reverse(d->usageShown.begin(), d->usageShown.end()); // horizontal bars go bottom to top
        regionMiB = double(sim->platform().regions[r].size) / double(MiB);
    }
    QStringList categories;
    QList<qreal> values;
    for (const OwnerUsage& o : d->usageShown) {
        QString name = QString::fromStdString(o.name);
        if (name.isEmpty())
            name = m_grouping == Grouping::ByKind ? tr("(no kind)") : tr("(no device)");
        categories << name;
        values << qreal(o.pages) * pageBytes(sim, r) / qreal(MiB);
    }
    d->usageSet->remove(0, d->usageSet->count());
    d->usageCategories->clear();
    d->usageCategories->append(categories);
    d->usageSet->append(values);
    d->usage->setBarWidth(std::min(0.7, 0.25 * double(std::max<qsizetype>(values.size(), 1)))); // no slabs
    d->usageValues->setRange(0, regionMiB > 0 ? regionMiB : 1.0);
    d->usageValues->setTickCount(5);
}

QStringList ChartsPanel::usageCategories() const
{
    QStringList c = d->usageCategories->categories();
    std::reverse(c.begin(), c.end());
    return c;
}

QList<qreal> ChartsPanel::usageValues() const
{
    QList<qreal> v;
    for (int i = d->usageSet->count(); i-- > 0;)
        v << d->usageSet->at(i);
    return v;
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
        for (QChart* c : d->charts)
            c->setTitle(sim ? tr("No region to chart") : tr("No run"));
        return;
    }
    d->charts[UsageOverSteps]->setTitle(tr("Region %1: used and largest free extent%2").arg(name, range));
    d->charts[FragmentationOverSteps]->setTitle(
        tr("Region %1: fragmentation, indices for order %2%3").arg(name).arg(order()).arg(range));
    // The step as every view names it: "after step N" is the state the map shows at the current step N.
    const auto step = m_doc->currentStep();
    const QString at = step ? tr("after step %1").arg(*step) : tr("before step 0");
    d->charts[FreeExtentSizes]->setTitle(tr("Region %1: free extents %2").arg(name, at));
    d->charts[UsageByOwner]->setTitle(
        tr("Region %1: in use by %2 %3").arg(name, m_grouping == Grouping::ByKind ? tr("kind") : tr("device"), at));
    m_orderSize->setText(tr("= %1").arg(approxSizeString(std::ldexp(pageBytes(sim, r), int(order())))));
    d->lines[ExtfragPlot]->setName(tr("extfrag index (−1: a free block of order %1 exists)").arg(order()));
    d->lines[UnusablePlot]->setName(tr("unusable index"));
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
    const std::size_t first = positionOfX(std::min(x1, x2), steps);
    const std::size_t last = positionOfX(std::max(x1, x2), steps);
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
    m_doc->setPosition(positionOfX(x, m_doc->stepCount()));
}

QWidget* ChartsPanel::chartWidget(Chart chart) const
{
    return chart >= 0 && chart < ChartCount ? d->views[std::size_t(chart)] : nullptr;
}

QPoint ChartsPanel::chartPoint(Chart chart, double step) const
{
    if (chart != UsageOverSteps && chart != FragmentationOverSteps)
        return {};
    const QChartView* view = d->views[std::size_t(chart)];
    const QValueAxis* y = d->valueAxes[std::size_t(chart)];
    const QPointF inChart =
        view->chart()->mapToPosition(QPointF(step, (y->min() + y->max()) / 2), d->cursors[std::size_t(chart)]);
    return view->mapFromScene(view->chart()->mapToScene(inChart));
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
    const Colours c = coloursFor(pal);
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    for (QChart* chart : d->charts) {
        chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        chart->setBackgroundBrush(pal.color(QPalette::Window));
        chart->setBackgroundPen(Qt::NoPen);
        chart->setBackgroundRoundness(0);
        chart->setTitleBrush(c.text);
        chart->legend()->setLabelColor(c.text);
        for (QAbstractAxis* axis : chart->axes()) {
            axis->setLabelsColor(c.text);
            axis->setTitleBrush(c.text);
            axis->setLinePenColor(c.line);
            axis->setGridLineColor(c.grid);
            axis->setMinorGridLineColor(c.grid);
        }
    }
    auto pen = [](const QColor& colour, qreal width, Qt::PenStyle style = Qt::SolidLine) {
        QPen p(colour, width, style);
        p.setCosmetic(true);
        return p;
    };
    d->lines[UsedPlot]->setPen(pen(c.used, 2));
    d->lines[FreePlot]->setPen(pen(c.free, 1.5, Qt::DashLine));
    d->lines[LargestFreePlot]->setPen(pen(c.largest, 2));
    d->lines[RelativeFragmentationPlot]->setPen(pen(c.relFrag, 2));
    d->lines[ExtfragPlot]->setPen(pen(c.extfrag, 2));
    d->lines[UnusablePlot]->setPen(pen(c.unusable, 1.5, Qt::DashLine));
    for (std::size_t i = 0; i < d->cursors.size(); ++i) {
        d->cursors[i]->setPen(pen(c.cursor, 1.5));
        for (QLegendMarker* m : d->charts[i]->legend()->markers(d->cursors[i]))
            m->setVisible(false);
    }
    d->histogramSet->setColor(c.bars);
    d->histogramSet->setBorderColor(c.bars.darker(130));
    d->usageSet->setColor(c.usage);
    d->usageSet->setBorderColor(c.usage.darker(130));
    d->usageSet->setLabelColor(c.text);
}

bool ChartsPanel::exportImage(const QString& path)
{
    QChartView* view = d->views[std::size_t(currentChart())];
    QChart* chart = view->chart();
    // The size on screen when the chart is shown, else a 16:9 image at a readable size.
    QSize size = view->viewport()->size();
    if (!view->isVisible() || size.width() < 200 || size.height() < 150)
        size = QSize(960, 540);
    const QSizeF oldSize = chart->size();
    if (QSizeF(size) != oldSize) {
        chart->resize(size);
        if (chart->layout())
            chart->layout()->activate();
    }
    const QRectF source(chart->scenePos(), QSizeF(size));
    bool ok = false;
    if (QFileInfo(path).suffix().compare(QLatin1String("svg"), Qt::CaseInsensitive) == 0) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(chart->title());
        svg.setDescription(tr("Chart exported by cmascope"));
        QPainter p;
        if (p.begin(&svg)) {
            p.setRenderHint(QPainter::Antialiasing);
            chart->scene()->render(&p, QRectF(QPointF(0, 0), QSizeF(size)), source);
            ok = p.end();
        }
        ok = ok && QFileInfo(path).size() > 0;
    } else {
        const qreal dpr = std::max<qreal>(1.0, devicePixelRatioF());
        QImage image(size * dpr, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(dpr);
        image.fill(palette().color(QPalette::Window));
        {
            QPainter p(&image);
            p.setRenderHint(QPainter::Antialiasing);
            chart->scene()->render(&p, QRectF(QPointF(0, 0), QSizeF(size)), source);
        }
        const QByteArray format = QFileInfo(path).suffix().isEmpty() ? QByteArrayLiteral("PNG") : QByteArray();
        ok = image.save(path, format.isEmpty() ? nullptr : format.constData());
    }
    if (QSizeF(size) != oldSize) {
        chart->resize(oldSize);
        if (chart->layout())
            chart->layout()->activate();
    }
    return ok;
}

} // namespace cmascope::views
