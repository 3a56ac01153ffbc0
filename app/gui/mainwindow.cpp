// SPDX-License-Identifier: GPL-2.0-or-later
#include "mainwindow.h"

#include "charts/chartspanel.h"
#include "common/document.h"
#include "demos.h"
#include "eventlog/steptablemodel.h"
#include "inspector/failureinspector.h"
#include "map/legendwidget.h"
#include "map/memorymapwidget.h"
#include "platform/platformeditor.h"
#include "startpage.h"
#include "timeline/timelinewidget.h"
#include "whatif/whatifpanel.h"

#include <cmascope/config/configio.h>
#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>
#include <cmascope/trace/bootlog.h>
#include <cmascope/util/csv.h>
#include <cmascope/version.h>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScopedValueRollback>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

namespace cmascope::app {

namespace {
constexpr int kMaxRecent = 10;
const QString kRecentKey = QStringLiteral("recentFiles");
const QString kStateKey = QStringLiteral("mainWindow/state");
const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_doc(new views::Document(this))
{
    setObjectName(QStringLiteral("cmascopeMainWindow"));
    setAcceptDrops(true);
    m_map = new views::MemoryMapWidget(this);
    m_map->setDocument(m_doc);
    m_startPage = new StartPage(this);
    m_startPage->setRecentFiles(recentFiles());
    m_central = new QStackedWidget(this);
    m_central->addWidget(m_map);
    m_central->addWidget(m_startPage);
    setCentralWidget(m_central);
    connect(m_startPage, &StartPage::openRequested, this, [this](const QString& path) {
        if (path.startsWith(QLatin1Char(':')))
            openProject(path);
        else
            openAny(path);
    });
    connect(m_startPage, &StartPage::openFileRequested, this, &MainWindow::openFile);
    connect(m_startPage, &StartPage::newRequested, this, &MainWindow::newProject);

    m_summaryLabel = new QLabel(this);
    m_hoverLabel = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(160);
    m_progress->setVisible(false);
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setVisible(false);
    statusBar()->addWidget(m_hoverLabel, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    statusBar()->addPermanentWidget(m_summaryLabel);
    // One progress bar and Cancel button for the run and the window's file jobs (open, save, import, replay,
    // export): both are JobTrackers (views/common/jobtracker.h).
    m_fileJobs = new views::JobTracker(this);
    connect(m_cancel, &QToolButton::clicked, m_doc, &views::Document::cancelRun);
    connect(m_cancel, &QToolButton::clicked, m_fileJobs, &views::JobTracker::cancel);
    connect(m_fileJobs, &views::JobTracker::progressChanged, this, &MainWindow::showProgress);
    connect(m_fileJobs, &views::JobTracker::runningChanged, this, &MainWindow::updateBusy);
    connect(m_map, &views::MemoryMapWidget::hoveredAddressChanged, this, [this](quint64, const QString& description) {
        m_hoverLabel->setText(description.section(QLatin1Char('\n'), 0, 0));
    });
    connect(m_doc, &views::Document::runStarted, this, [this] {
        showProgress(0, 1000);
        updateBusy();
        m_summaryLabel->setText(tr("Running…"));
    });
    connect(m_doc, &views::Document::runProgress, this, &MainWindow::showProgress);
    connect(m_doc, &views::Document::runFinished, this, [this] {
        updateBusy();
        updateSummary();
        rebuildFilterChoices();
        // Only kernel traces carry times: no empty Time column for projects.
        const auto* sim = m_doc->simulation();
        m_log->setColumnHidden(views::StepTableModel::TimeColumn, !sim || sim->scenario().timesNs.empty());
        if (!m_doc->runError().isEmpty())
            statusBar()->showMessage(m_doc->runError(), 15000);
    });
    connect(m_doc, &views::Document::positionChanged, this, &MainWindow::updateSummary);
    connect(m_doc, &views::Document::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_doc, &views::Document::pathChanged, this, &MainWindow::updateTitle);
    connect(m_doc, &views::Document::projectChanged, this, &MainWindow::updateTitle);

    createDocks();
    createActions();
    resize(1280, 800);
    QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    m_layoutRestored = restoreState(settings.value(kStateKey).toByteArray());
    updateTitle();
}

MainWindow::~MainWindow() = default;

const Project& MainWindow::project() const
{
    return m_doc->project();
}

QString MainWindow::projectPath() const
{
    return m_doc->path();
}

void MainWindow::createDocks()
{
    // The right docks (legend, inspector, platform tables) run the full height: beside the bottom docks
    // (timeline, event log, charts) they would share one height with them, too little for both at 768 px.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    m_timeline = new views::TimelineWidget(m_doc, this);
    connect(m_timeline, &views::TimelineWidget::message, this,
        [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    auto* timelineDock = new QDockWidget(tr("Timeline"), this);
    timelineDock->setObjectName(QStringLiteral("timelineDock"));
    timelineDock->setWidget(m_timeline);
    addDockWidget(Qt::BottomDockWidgetArea, timelineDock);

    // Event log with its filter bar.
    auto* logPane = new QWidget(this);
    auto* logLayout = new QVBoxLayout(logPane);
    logLayout->setContentsMargins(2, 2, 2, 2);
    auto* filters = new QHBoxLayout;
    m_filterText = new QLineEdit(logPane);
    m_filterText->setPlaceholderText(tr("Filter text…"));
    m_filterText->setClearButtonEnabled(true);
    m_filterOutcome = new QComboBox(logPane);
    m_filterOutcome->addItem(tr("All steps"), int(views::StepFilterProxy::OutcomeFilter::All));
    m_filterOutcome->addItem(tr("Requests"), int(views::StepFilterProxy::OutcomeFilter::Requests));
    m_filterOutcome->addItem(tr("Failures"), int(views::StepFilterProxy::OutcomeFilter::Failures));
    m_filterOutcome->addItem(tr("Frees"), int(views::StepFilterProxy::OutcomeFilter::Frees));
    m_filterOutcome->addItem(tr("Phase markers"), int(views::StepFilterProxy::OutcomeFilter::Markers));
    m_filterDevice = new QComboBox(logPane);
    m_filterRegion = new QComboBox(logPane);
    filters->addWidget(m_filterText, 2);
    filters->addWidget(m_filterOutcome);
    filters->addWidget(m_filterDevice);
    filters->addWidget(m_filterRegion);
    logLayout->addLayout(filters);
    m_log = new QTableView(logPane);
    m_stepModel = new views::StepTableModel(m_doc, this);
    m_stepProxy = new views::StepFilterProxy(this);
    m_stepProxy->setSourceModel(m_stepModel);
    m_log->setModel(m_stepProxy);
    // Each new run refills the log (the proxy has followed the reset by then): fit the columns to it.
    connect(m_stepModel, &QAbstractItemModel::modelReset, this, &MainWindow::fitEventLogColumns);
    m_log->setSortingEnabled(true);
    m_log->sortByColumn(views::StepTableModel::StepColumn, Qt::AscendingOrder);
    m_log->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_log->setSelectionMode(QAbstractItemView::SingleSelection);
    m_log->verticalHeader()->setVisible(false);
    m_log->verticalHeader()->setDefaultSectionSize(m_log->fontMetrics().height() + 6);
    m_log->horizontalHeader()->setStretchLastSection(true);
    m_log->setAlternatingRowColors(true);
    logLayout->addWidget(m_log);
    auto* logDock = new QDockWidget(tr("Event Log"), this);
    logDock->setObjectName(QStringLiteral("eventLogDock"));
    logDock->setWidget(logPane);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    splitDockWidget(timelineDock, logDock, Qt::Vertical);

    connect(m_filterText, &QLineEdit::textChanged, m_stepProxy, &views::StepFilterProxy::setTextFilter);
    connect(m_filterOutcome, &QComboBox::currentIndexChanged, this, [this] {
        m_stepProxy->setOutcomeFilter(views::StepFilterProxy::OutcomeFilter(m_filterOutcome->currentData().toInt()));
    });
    connect(m_filterDevice, &QComboBox::currentIndexChanged, this,
        [this] { m_stepProxy->setDeviceFilter(m_filterDevice->currentData().toString()); });
    connect(m_filterRegion, &QComboBox::currentIndexChanged, this,
        [this] { m_stepProxy->setRegionFilter(m_filterRegion->currentData().toString()); });
    // The current step is one selection shared by every view: selecting a row makes its step current; the
    // current step selects its row (followCurrentStep()), which does not come back here.
    connect(m_log->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        if (!current.isValid() || m_followingStep)
            return;
        m_doc->setCurrentStep(std::size_t(m_stepProxy->mapToSource(current).row()));
    });
    connect(m_doc, &views::Document::positionChanged, this, &MainWindow::followCurrentStep);
    // A filter or sort change keeps the current row on its step (the proxy moves it, and hides it rather
    // than moving it to another step). When the current step shows again, select it again; nothing moves.
    connect(m_stepProxy, &QAbstractItemModel::layoutChanged, this, [this] {
        const auto step = m_doc->currentStep();
        if (m_log->currentIndex().isValid() || !step)
            return;
        const QModelIndex row = m_stepProxy->mapFromSource(m_stepModel->index(int(*step), 0));
        if (!row.isValid())
            return;
        const QSignalBlocker block(m_log->selectionModel());
        m_log->setCurrentIndex(row);
        m_log->scrollTo(row);
    });

    m_charts = new views::ChartsPanel(m_doc, this);
    auto* chartsDock = new QDockWidget(tr("Charts"), this);
    chartsDock->setObjectName(QStringLiteral("chartsDock"));
    chartsDock->setWidget(m_charts);
    addDockWidget(Qt::BottomDockWidgetArea, chartsDock);
    tabifyDockWidget(logDock, chartsDock);
    m_whatIf = new views::WhatIfPanel(m_doc, this);
    m_whatIfDock = new QDockWidget(tr("What-if"), this);
    m_whatIfDock->setObjectName(QStringLiteral("whatIfDock"));
    m_whatIfDock->setWidget(m_whatIf);
    addDockWidget(Qt::BottomDockWidgetArea, m_whatIfDock);
    tabifyDockWidget(chartsDock, m_whatIfDock);
    logDock->raise();
    connect(m_charts, &views::ChartsPanel::stepRangeSelected, m_timeline, &views::TimelineWidget::setStepRange);

    auto* legendDock = new QDockWidget(tr("Legend"), this);
    legendDock->setObjectName(QStringLiteral("legendDock"));
    legendDock->setWidget(new views::LegendWidget(m_map, legendDock));
    addDockWidget(Qt::RightDockWidgetArea, legendDock);

    m_inspector = new views::FailureInspector(m_doc, this);
    auto* inspectorDock = new QDockWidget(tr("Failure Inspector"), this);
    inspectorDock->setObjectName(QStringLiteral("inspectorDock"));
    inspectorDock->setWidget(m_inspector);
    addDockWidget(Qt::RightDockWidgetArea, inspectorDock);

    m_editor = new views::PlatformEditor(m_doc, this);
    auto* editorDock = new QDockWidget(tr("Platform"), this);
    editorDock->setObjectName(QStringLiteral("platformDock"));
    editorDock->setWidget(m_editor);
    addDockWidget(Qt::RightDockWidgetArea, editorDock);
    tabifyDockWidget(inspectorDock, editorDock);
    inspectorDock->raise();
    // Ctrl+drag on a bank in the map adds a region there (rounded to what the kernel accepts; undoable).
    connect(m_map, &views::MemoryMapWidget::regionDrawn, this, [this, editorDock](quint64 base, quint64 size) {
        if (m_editor->addRegionAt(base, size) >= 0)
            editorDock->raise();
    });
    // Selecting a region in the editor zooms the map to it (the map lists placed regions only).
    connect(m_editor, &views::PlatformEditor::regionSelected, this, [this](int index) {
        const auto& regions = m_doc->project().platform.regions;
        if (index < 0 || index >= int(regions.size()))
            return;
        const QString name = QString::fromStdString(regions[std::size_t(index)].name);
        const auto& shown = m_map->content().regions;
        for (int i = 0; i < shown.size(); ++i)
            if (shown[i].name == name)
                m_map->zoomToRegion(i);
    });
    m_logDock = logDock;
    m_rightDock = inspectorDock;
    m_legendDock = legendDock;
    // The combos show their longest choice; a long one is cut at the combo's width, the tooltip has it whole.
    for (QComboBox* combo : { m_filterOutcome, m_filterDevice, m_filterRegion }) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        combo->setMaximumWidth(combo->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 24);
        connect(
            combo, &QComboBox::currentTextChanged, combo, [combo](const QString& text) { combo->setToolTip(text); });
    }
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (m_layoutRestored || m_defaultDockSizes)
        return;
    m_defaultDockSizes = true;
    applyDefaultDockSizes();
}

void MainWindow::applyDefaultDockSizes()
{
    // Sizes for the window as shown (no saved layout): the bottom docks (event log, charts, what-if) get
    // two fifths of the height, so charts keep their titles and axes; the right docks a good third of the
    // width at most, and the legend only what it needs, so the inspector and the platform tables have room.
    layout()->activate();
    const int h = height();
    const int w = width();
    resizeDocks({ m_logDock }, { std::clamp(h * 2 / 5, 340, std::max(340, h / 2)) }, Qt::Vertical);
    resizeDocks({ m_rightDock }, { std::clamp(w * 3 / 10, 360, std::max(360, w * 2 / 5)) }, Qt::Horizontal);
    layout()->activate();
    const int legend = m_legendDock->widget()->heightForWidth(m_legendDock->widget()->width());
    resizeDocks(
        { m_legendDock }, { std::min(legend + m_legendDock->fontMetrics().height() + 10, h / 4) }, Qt::Vertical);
}

void MainWindow::fitEventLogColumns()
{
    // Every column but the last (Label, which stretches) as wide as its header and its cells: sampled
    // over at most 512 rows spread through the log, so a million-step trace costs no more than a demo.
    const QFontMetrics fm = m_log->fontMetrics();
    const QAbstractItemModel* model = m_log->model();
    const int rows = model->rowCount();
    const int samples = std::min(rows, 512);
    const int padding = m_log->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_log) * 2 + 12;
    for (int c = 0; c + 1 < model->columnCount(); ++c) {
        if (m_log->isColumnHidden(c))
            continue;
        // Room for the sort indicator beside the header's text.
        int width = fm.horizontalAdvance(model->headerData(c, Qt::Horizontal).toString()) + padding + 16;
        for (int i = 0; i < samples; ++i) {
            const int row = int(qint64(i) * rows / samples);
            width = std::max(width, fm.horizontalAdvance(model->index(row, c).data().toString()) + padding);
        }
        m_log->setColumnWidth(c, width);
    }
}

void MainWindow::showProject(Project project, const QString& path, std::shared_ptr<const ReplayResult> replay)
{
    // A trace opens at its first failure (step 0 when none), anything else at step 0.
    const auto start = replay ? views::Document::StartAt::FirstFailure : views::Document::StartAt::FirstStep;
    m_whatIf->setReplay(std::move(replay));
    m_doc->setProject(std::move(project), path, start);
}

void MainWindow::followCurrentStep()
{
    const auto step = m_doc->currentStep();
    const Simulation* sim = m_doc->simulation();
    // The map highlights the current step's chunk (none for markers, frees of unknown chunks, failures).
    m_doc->setSelectedChunk(step && sim ? std::uint32_t(sim->records()[*step].chunk) : kNoChunk);
    // The event log selects and shows the current step's row (none when it is filtered out).
    const QScopedValueRollback guard(m_followingStep, true);
    const QModelIndex proxyIndex = step && int(*step) < m_stepModel->rowCount()
        ? m_stepProxy->mapFromSource(m_stepModel->index(int(*step), views::StepTableModel::StepColumn))
        : QModelIndex();
    if (!proxyIndex.isValid()) {
        m_log->selectionModel()->clear();
        return;
    }
    if (m_log->currentIndex().row() != proxyIndex.row() || !m_log->selectionModel()->isRowSelected(proxyIndex.row()))
        m_log->selectionModel()->setCurrentIndex(
            proxyIndex, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    // A step next to the rows in sight scrolls the log by a row; a jump (F3, a phase, the slider) centres it.
    const QRect row = m_log->visualRect(proxyIndex);
    const QRect shown = m_log->viewport()->rect();
    const bool near = row.bottom() >= -row.height() && row.top() <= shown.bottom() + row.height();
    m_log->scrollTo(proxyIndex, near ? QAbstractItemView::EnsureVisible : QAbstractItemView::PositionAtCenter);
}

void MainWindow::rebuildFilterChoices()
{
    const QSignalBlocker b1(m_filterDevice);
    const QSignalBlocker b2(m_filterRegion);
    const QString device = m_filterDevice->currentData().toString();
    const QString region = m_filterRegion->currentData().toString();
    m_filterDevice->clear();
    m_filterRegion->clear();
    m_filterDevice->addItem(tr("All devices"), QString());
    m_filterRegion->addItem(tr("All regions"), QString());
    for (const auto& d : m_doc->project().platform.devices)
        m_filterDevice->addItem(QString::fromStdString(d.name), QString::fromStdString(d.name));
    for (const auto& r : m_doc->project().platform.regions)
        m_filterRegion->addItem(QString::fromStdString(r.name), QString::fromStdString(r.name));
    m_filterDevice->setCurrentIndex(std::max(0, m_filterDevice->findData(device)));
    m_filterRegion->setCurrentIndex(std::max(0, m_filterRegion->findData(region)));
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newAction = file->addAction(tr("&New Project"), this, &MainWindow::newProject);
    newAction->setShortcut(QKeySequence::New);
    QAction* open = file->addAction(tr("&Open Project…"), this, &MainWindow::openFile);
    open->setShortcut(QKeySequence::Open);
    QAction* openTraceAction = file->addAction(tr("Open &Trace…"), this, &MainWindow::openTraceDialog);
    openTraceAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_demoMenu = file->addMenu(tr("Open &Demo"));
    for (const auto& demo : builtInDemos()) {
        QAction* a = m_demoMenu->addAction(demo.title);
        a->setToolTip(demo.description);
        const QString path = demo.resourcePath;
        connect(a, &QAction::triggered, this, [this, path] {
            if (maybeSave())
                openProject(path);
        });
    }
    file->addAction(tr("Start &Page"), this, &MainWindow::showStartPage);
    file->addSeparator();
    file->addAction(tr("&Import Configuration…"), this, [this] { importDialog(false); })
        ->setToolTip(tr("Read a configuration into a new project, as cmascope-cli import does"));
    file->addAction(tr("Import onto the Current &Board…"), this, [this] { importDialog(true); })
        ->setToolTip(tr("Read a configuration's regions with the open project's banks, devices and kinds as the "
                        "base (cmascope-cli import --base), for formats without a memory layout"));
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    const std::pair<ConfigFormat, QString> formats[] = {
        { ConfigFormat::Cmdline, tr("Kernel &Command Line (cma=)…") },
        { ConfigFormat::Dts, tr("&Device Tree Source (reserved-memory)…") },
        { ConfigFormat::Cma2010, tr("&2010 cma= / cma.map=…") },
        { ConfigFormat::Verkuil, tr("&Verkuil Memory Types…") },
        { ConfigFormat::Json, tr("Project &JSON…") },
    };
    for (const auto& [format, text] : formats) {
        const int f = int(format);
        exportMenu->addAction(text, this, [this, f] { exportConfigurationDialog(f); });
    }
    exportMenu->addSeparator();
    exportMenu->addAction(tr("&Map Image (PNG/SVG)…"), this, &MainWindow::exportMapImage);
    exportMenu->addAction(tr("C&hart Image (PNG/SVG)…"), this, &MainWindow::exportChartImage);
    exportMenu->addAction(tr("&Event Log (CSV)…"), this, &MainWindow::exportEventLogCsv);
    file->addSeparator();
    QAction* saveAction = file->addAction(tr("&Save"), this, &MainWindow::save);
    saveAction->setShortcut(QKeySequence::Save);
    QAction* saveAsAction = file->addAction(tr("Save &As…"), this, &MainWindow::saveAs);
    saveAsAction->setShortcut(QKeySequence::SaveAs);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    rebuildRecentMenu();

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_doc->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_doc->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts({ QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence::Redo });
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* zoomIn = view->addAction(tr("Zoom &In"), m_map, &views::MemoryMapWidget::zoomIn);
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction* zoomOut = view->addAction(tr("Zoom &Out"), m_map, &views::MemoryMapWidget::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction* fit = view->addAction(tr("&Fit All"), m_map, &views::MemoryMapWidget::fitAll);
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction* zoomRegions = view->addAction(tr("Zoom to &Regions"), m_map, &views::MemoryMapWidget::zoomToRegions);
    zoomRegions->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    view->addSeparator();
    auto* layoutGroup = new QActionGroup(this);
    QAction* linear = view->addAction(tr("&Linear Layout"));
    QAction* grid = view->addAction(tr("Block &Grid Layout"));
    for (QAction* a : { linear, grid }) {
        a->setCheckable(true);
        layoutGroup->addAction(a);
    }
    linear->setChecked(true);
    grid->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    connect(
        linear, &QAction::triggered, this, [this] { m_map->setLayoutMode(views::MemoryMapWidget::Layout::Linear); });
    connect(grid, &QAction::triggered, this, [this] { m_map->setLayoutMode(views::MemoryMapWidget::Layout::Grid); });
    auto* colourGroup = new QActionGroup(this);
    QAction* byDevice = view->addAction(tr("Colour by &Device"));
    QAction* byKind = view->addAction(tr("Colour by &Kind"));
    for (QAction* a : { byDevice, byKind }) {
        a->setCheckable(true);
        colourGroup->addAction(a);
    }
    byDevice->setChecked(true);
    connect(
        byDevice, &QAction::triggered, this, [this] { m_map->setColourBy(views::MemoryMapWidget::ColourBy::Device); });
    connect(byKind, &QAction::triggered, this, [this] { m_map->setColourBy(views::MemoryMapWidget::ColourBy::Kind); });
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());

    QMenu* sim = menuBar()->addMenu(tr("&Simulation"));
    QAction* back = sim->addAction(tr("Step &Back"), m_timeline, &views::TimelineWidget::stepBack);
    back->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    QAction* forward = sim->addAction(tr("Step &Forward"), m_timeline, &views::TimelineWidget::stepForward);
    forward->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Right));
    QAction* play = sim->addAction(tr("&Play / Pause"), m_timeline, &views::TimelineWidget::togglePlay);
    play->setShortcut(QKeySequence(Qt::Key_Space));
    QAction* first = sim->addAction(tr("First Step"), m_timeline, &views::TimelineWidget::goFirst);
    first->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Home));
    QAction* last = sim->addAction(tr("Last Step"), m_timeline, &views::TimelineWidget::goLast);
    last->setShortcut(QKeySequence(Qt::ALT | Qt::Key_End));
    sim->addSeparator();
    QAction* nextFail = sim->addAction(tr("&Next Failure"), m_timeline, &views::TimelineWidget::nextFailure);
    nextFail->setShortcut(QKeySequence(Qt::Key_F3));
    QAction* prevFail = sim->addAction(tr("P&revious Failure"), m_timeline, &views::TimelineWidget::previousFailure);
    prevFail->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F3));
    sim->addSeparator();
    sim->addAction(tr("Set Marker &A"), m_timeline, &views::TimelineWidget::setMarkerA);
    sim->addAction(tr("Set Marker &B"), m_timeline, &views::TimelineWidget::setMarkerB);
    sim->addAction(tr("&Clear Markers"), m_timeline, &views::TimelineWidget::clearMarkers);
    sim->addSeparator();
    sim->addAction(tr("&What-if…"), this, [this] {
        m_whatIfDock->show();
        m_whatIfDock->raise();
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About cmascope"), this, &MainWindow::about);
}

template <typename T, typename Work>
bool MainWindow::runJob(const QString& text, Work work, std::optional<T>& result, bool quiet, const QString& title)
{
    if (m_fileJobs->isRunning()) {
        m_lastError = tr("Another file is being opened or saved; wait for it or cancel it.");
        if (!quiet)
            QMessageBox::information(this, title, m_lastError);
        return false;
    }
    m_summaryLabel->setText(text);
    QString error;
    m_fileJobs->start(std::move(work), [&result, &error](views::JobResult<T> r) {
        result = std::move(r.value);
        error = r.error;
    });
    m_fileJobs->waitForIdle(); // the event loop runs meanwhile: the window paints, Cancel works
    updateSummary();
    if (!error.isEmpty()) {
        m_lastError = tr("%1: %2").arg(title, error);
        if (!quiet)
            QMessageBox::critical(this, title, error);
        return false;
    }
    if (!result) {
        m_lastError = tr("Cancelled.");
        statusBar()->showMessage(tr("%1: cancelled").arg(title), 8000);
        return false;
    }
    return true;
}

void MainWindow::showProgress(int done, int total)
{
    m_progress->setRange(0, total);
    m_progress->setValue(done);
}

void MainWindow::updateBusy()
{
    const bool busy = m_doc->isRunning() || m_fileJobs->isRunning();
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
}

bool MainWindow::openProject(const QString& path, bool quiet)
{
    // Reading and parsing run off the GUI thread (a large project takes a while), with progress and Cancel.
    struct Loaded
    {
        QString ioError;
        ProjectLoadResult result;
    };
    std::optional<Loaded> loaded;
    const QString name = QFileInfo(path).fileName();
    if (!runJob<Loaded>(
            tr("Opening %1…").arg(name),
            [path](const Progress& progress) {
                Loaded l;
                QFile f(path);
                QByteArray data;
                if (!f.open(QIODevice::ReadOnly)) {
                    l.ioError = QStringLiteral("%1: %2").arg(path, f.errorString());
                    return l;
                }
                const auto size = std::uint64_t(std::max<qint64>(f.size(), 0));
                while (!f.atEnd()) {
                    data += f.read(1 << 20);
                    if (!progress(std::uint64_t(data.size()), size))
                        return l; // cancelled: the tracker drops it
                }
                if (progress(0, 0)) // parsing: busy
                    l.result = parseProject(std::string_view(data.constData(), std::size_t(data.size())));
                return l;
            },
            loaded, quiet, tr("Cannot open project")))
        return false;
    ProjectLoadResult& result = loaded->result;
    if (!loaded->ioError.isEmpty()) {
        m_lastError = loaded->ioError;
    } else if (!result.ok()) {
        m_lastError = name + QStringLiteral(":\n") + QString::fromStdString(result.errorText());
    }
    if (!loaded->ioError.isEmpty() || !result.ok()) {
        if (!quiet)
            QMessageBox::critical(this, tr("Cannot open project"), m_lastError);
        statusBar()->showMessage(tr("Could not open %1").arg(name), 8000);
        return false;
    }
    m_lastError.clear();
    m_central->setCurrentWidget(m_map);
    // Built-in demos open as untitled copies: saving asks for a file name.
    const bool builtIn = path.startsWith(QLatin1Char(':'));
    const QString viewJson = QString::fromStdString(result.project->viewJson);
    showProject(std::move(*result.project), builtIn ? QString() : path);
    applyViewState(viewJson);
    if (!builtIn)
        rememberRecent(QFileInfo(path).absoluteFilePath());
    for (const auto& m : result.messages)
        statusBar()->showMessage(QString::fromStdString(m.toString()), 8000);
    return true;
}

bool MainWindow::saveProjectAs(const QString& path, bool quiet)
{
    // View state worth keeping with the project: where the user was and how the map looked.
    QJsonObject view;
    view.insert(QStringLiteral("scenario"), m_doc->scenarioIndex());
    view.insert(QStringLiteral("position"), qint64(m_doc->position()));
    view.insert(QStringLiteral("layout"),
        m_map->layoutMode() == views::MemoryMapWidget::Layout::Grid ? QStringLiteral("grid")
                                                                    : QStringLiteral("linear"));
    view.insert(QStringLiteral("colour_by"),
        m_map->colourBy() == views::MemoryMapWidget::ColourBy::Kind ? QStringLiteral("kind")
                                                                    : QStringLiteral("device"));
    view.insert(QStringLiteral("map_view"),
        QJsonArray { QString::number(m_map->axis().viewBegin(), 16), QString::number(m_map->axis().viewEnd(), 16) });
    m_doc->setViewJson(QJsonDocument(view).toJson(QJsonDocument::Compact).toStdString());
    // Serialising and writing run off the GUI thread, on a copy: edits made meanwhile are not saved (and the
    // document stays modified).
    const int savedIndex = m_doc->undoStack()->index();
    std::optional<std::optional<std::string>> error;
    if (!runJob<std::optional<std::string>>(
            tr("Saving %1…").arg(QFileInfo(path).fileName()),
            [file = path.toStdString(), project = m_doc->project()](
                const Progress&) { return saveProjectFile(file, project); },
            error, quiet, tr("Cannot save project")))
        return false;
    if (*error) {
        m_lastError = QString::fromStdString(**error);
        if (!quiet)
            QMessageBox::critical(this, tr("Cannot save project"), m_lastError);
        return false;
    }
    m_doc->setPath(path);
    if (m_doc->undoStack()->index() == savedIndex)
        m_doc->setSaved();
    rememberRecent(QFileInfo(path).absoluteFilePath());
    statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), 5000);
    return true;
}

bool MainWindow::save()
{
    if (m_doc->path().isEmpty())
        return saveAs();
    return saveProjectAs(m_doc->path());
}

bool MainWindow::saveAs()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save Project"),
        m_doc->path().isEmpty() ? QString::fromStdString(m_doc->project().platform.name) + QStringLiteral(".json")
                                : m_doc->path(),
        tr("cmascope projects (*.json *.cmascope)"));
    if (path.isEmpty())
        return false;
    return saveProjectAs(path);
}

bool MainWindow::maybeSave()
{
    if (!m_doc->isModified())
        return true;
    const auto answer =
        QMessageBox::warning(this, tr("Unsaved changes"), tr("The project has unsaved changes. Save them?"),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_fileJobs->isRunning()) { // the window waits for it: stop it first
        m_cancel->click();
        statusBar()->showMessage(tr("Cancelling… close again when it has stopped"), 5000);
        event->ignore();
        return;
    }
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return;
    // Opened after the drop has finished: opening waits for its background job with a nested event loop.
    const QString path = urls.first().toLocalFile();
    QTimer::singleShot(0, this, [this, path] { openAny(path); });
    event->acceptProposedAction();
}

QStringList MainWindow::recentFiles()
{
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::applyViewState(const QString& json)
{
    const QJsonObject view = QJsonDocument::fromJson(json.toUtf8()).object();
    if (view.isEmpty())
        return;
    const QString layout = view.value(QStringLiteral("layout")).toString();
    m_map->setLayoutMode(layout == QLatin1String("grid") ? views::MemoryMapWidget::Layout::Grid
                                                         : views::MemoryMapWidget::Layout::Linear);
    m_map->setColourBy(view.value(QStringLiteral("colour_by")).toString() == QLatin1String("kind")
            ? views::MemoryMapWidget::ColourBy::Kind
            : views::MemoryMapWidget::ColourBy::Device);
    const QJsonArray window = view.value(QStringLiteral("map_view")).toArray();
    if (window.size() == 2) {
        bool ok1 = false, ok2 = false;
        const quint64 begin = window[0].toString().toULongLong(&ok1, 16);
        const quint64 end = window[1].toString().toULongLong(&ok2, 16);
        if (ok1 && ok2 && end > begin)
            m_map->setView(begin, end);
    }
    m_doc->setScenarioIndex(view.value(QStringLiteral("scenario")).toInt());
    // A stored position (steps executed) replaces the project's start at step 0, once the run has finished.
    if (view.contains(QStringLiteral("position")))
        m_doc->showPositionWhenRun(
            std::size_t(std::max<qint64>(0, view.value(QStringLiteral("position")).toInteger())));
}

void MainWindow::openAny(const QString& path, bool wait)
{
    if (!maybeSave())
        return;
    QFile f(path);
    QByteArray head;
    if (f.open(QIODevice::ReadOnly))
        head = f.read(64 * 1024);
    const auto format = guessConfigFormat(
        QFileInfo(path).fileName().toStdString(), std::string_view(head.constData(), std::size_t(head.size())));
    if (format == ConfigFormat::Json)
        openProject(path);
    else if (format)
        importConfiguration(path);
    else
        openTrace(path, wait);
}

void MainWindow::openTraceDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Kernel Trace"), QString(), tr("Kernel traces (*.txt *.trace *.gz *.zst *.dat);;All files (*)"));
    if (!path.isEmpty() && maybeSave())
        openTrace(path);
}

void MainWindow::openTrace(const QString& path, bool wait)
{
    if (m_fileJobs->isRunning())
        return;
    ReplayInputs inputs;
    // A boot log beside the trace gives the areas' exact geometry (cma: Reserved ... at ...).
    const QDir dir = QFileInfo(path).dir();
    for (const QString& log :
        dir.entryList({ QStringLiteral("dmesg*.txt"), QStringLiteral("dmesg*.log") }, QDir::Files)) {
        QFile f(dir.filePath(log));
        if (f.open(QIODevice::ReadOnly)) {
            const QByteArray text = f.readAll();
            inputs.bootLog = parseBootLog(std::string_view(text.constData(), std::size_t(text.size())));
            inputs.bootLogOrigin = log.toStdString();
            break;
        }
    }
    auto done = [this, path](views::JobResult<ReplayFileResult> loaded) {
        if (loaded.failed()) {
            m_lastError = loaded.error;
            QMessageBox::critical(this, tr("Cannot replay trace"), loaded.error);
            updateSummary();
            return;
        }
        if (!loaded.ok()) {
            statusBar()->showMessage(tr("Loading %1 was cancelled").arg(QFileInfo(path).fileName()), 8000);
            updateSummary();
            return;
        }
        ReplayFileResult r = std::move(*loaded.value);
        const QString error = QString::fromStdString(r.error.empty() ? r.result.error : r.error);
        if (!r.ok() || !error.isEmpty()) {
            m_lastError = error;
            QMessageBox::critical(this, tr("Cannot replay trace"), error);
            updateSummary();
            return;
        }
        m_lastError.clear();
        rememberRecent(QFileInfo(path).absoluteFilePath());
        Project project = replayProject(r.result, QFileInfo(path).fileName().toStdString());
        // The what-if panel re-runs the recorded requests: it keeps the replay (read-only, shared with its worker).
        const auto replay = std::make_shared<const ReplayResult>(std::move(r.result));
        showProject(std::move(project), {}, replay);
        m_central->setCurrentWidget(m_map);
        QString message = tr("%1: %2 events, %3 requests (%4 failed); kernel placements predicted %5 of %6")
                              .arg(QFileInfo(path).fileName())
                              .arg(replay->events)
                              .arg(replay->requested)
                              .arg(replay->failed)
                              .arg(replay->matched)
                              .arg(replay->compared);
        for (const auto& note : replay->notes)
            message += QStringLiteral("; ") + QString::fromStdString(note);
        statusBar()->showMessage(message, 20000);
    };
    const std::string file = path.toStdString();
    auto work = [file, inputs](
                    const Progress& progress) { return replayTraceFile(file, inputs, ReplayOptions {}, progress); };
    m_summaryLabel->setText(tr("Reading %1…").arg(QFileInfo(path).fileName()));
    m_fileJobs->start(std::move(work), std::move(done));
    if (wait)
        m_fileJobs->waitForIdle();
}

void MainWindow::importDialog(bool ontoCurrentBoard)
{
    const QString path = QFileDialog::getOpenFileName(this,
        ontoCurrentBoard ? tr("Import onto the Current Board") : tr("Import Configuration"), QString(),
        tr("Configurations (*.dts *.dtb *.txt *.cmdline *.log);;All files (*)"));
    if (!path.isEmpty() && maybeSave())
        importConfiguration(path, false, ontoCurrentBoard);
}

bool MainWindow::importConfiguration(
    const QString& path, bool quiet, bool ontoCurrentBoard, const std::vector<Bank>& memory)
{
    // Reading and importing run off the GUI thread: a DTS goes through dtc (killed after its timeout, or on
    // Cancel), and a large file takes a while to parse.
    struct Imported
    {
        QString error;
        ImportResult result;
    };
    std::optional<Imported> imported;
    // An import is a new project, as with cmascope-cli import; only when the user asked for it, the open
    // project is the base (its banks, devices and kinds; cmascope-cli import --base).
    std::optional<Platform> base;
    if (ontoCurrentBoard)
        base = m_doc->project().platform;
    if (!runJob<Imported>(
            tr("Importing %1…").arg(QFileInfo(path).fileName()),
            [path, base, memory](const Progress& progress) {
                Imported r;
                QFile f(path);
                if (!f.open(QIODevice::ReadOnly)) {
                    r.error = QStringLiteral("%1: %2").arg(path, f.errorString());
                    return r;
                }
                const QByteArray data = f.readAll();
                const std::string_view content(data.constData(), std::size_t(data.size()));
                const auto format = guessConfigFormat(QFileInfo(path).fileName().toStdString(), content);
                if (!format) {
                    r.error = tr("%1: not a configuration cmascope can read").arg(path);
                    return r;
                }
                ImportOptions options;
                options.sourceName = QFileInfo(path).fileName().toStdString();
                if (base)
                    options.base = &*base;
                options.memory = memory;
                options.cancelled = [&progress] { return !progress(0, 0); };
                r.result = importConfig(content, *format, options);
                return r;
            },
            imported, quiet, tr("Cannot import")))
        return false;
    const ImportResult& result = imported->result;
    if (!imported->error.isEmpty() || !result.ok()) {
        m_lastError = !imported->error.isEmpty() ? imported->error : QString::fromStdString(result.errorText());
        if (!quiet)
            QMessageBox::critical(this, tr("Cannot import"), m_lastError);
        return false;
    }
    m_lastError.clear();
    if (result.memoryMissing && !quiet) {
        // The tree says nothing of the board's DRAM: ask for it and import again (import --memory).
        if (const auto banks = askBoardMemory(path))
            return importConfiguration(path, quiet, ontoCurrentBoard, *banks);
    }
    Project project = *result.project;
    if (project.platform.name.empty())
        project.platform.name = QFileInfo(path).completeBaseName().toStdString();
    showProject(std::move(project));
    m_central->setCurrentWidget(m_map);
    if (result.memoryMissing)
        statusBar()->showMessage(
            tr("Imported %1: it describes no memory, so no region can be placed. Import it again and give the "
               "board's DRAM size, or add a bank.")
                .arg(QFileInfo(path).fileName()));
    else
        statusBar()->showMessage(
            tr("Imported %1 (%n message(s))", nullptr, int(result.messages.size())).arg(QFileInfo(path).fileName()),
            10000);
    return true;
}

std::optional<std::vector<Bank>> MainWindow::askBoardMemory(const QString& path)
{
    QString text = QStringLiteral("4G");
    QString problem;
    while (true) {
        bool ok = false;
        text = QInputDialog::getText(this, tr("The Board's Memory"),
            (problem.isEmpty() ? QString() : problem + QStringLiteral("\n\n"))
                + tr("%1 describes no memory: its /memory node is empty or missing,\nas when the bootloader "
                     "fills it in at boot (the Raspberry Pi 4 firmware does).\n\nThe board's DRAM, as SIZE[@BASE] "
                     "(several banks separated by commas),\ne.g. 4G or 2G@0x80000000:")
                      .arg(QFileInfo(path).fileName()),
            QLineEdit::Normal, text, &ok);
        if (!ok)
            return std::nullopt;
        auto banks = parseMemorySpec(text.trimmed().toStdString());
        if (auto* banksOk = std::get_if<std::vector<Bank>>(&banks))
            return std::move(*banksOk);
        problem = QString::fromStdString(std::get<std::string>(banks));
    }
}

void MainWindow::exportConfigurationDialog(int formatValue)
{
    const auto format = ConfigFormat(formatValue);
    const ExportResult r = exportConfig(m_doc->project(), format);
    if (!r.ok()) {
        QMessageBox::warning(this, tr("Cannot export"), QString::fromStdString(r.error));
        return;
    }
    const QString suffix = format == ConfigFormat::Dts ? QStringLiteral(".dts")
        : format == ConfigFormat::Json                 ? QStringLiteral(".json")
                                                       : QStringLiteral(".txt");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export"),
        QString::fromStdString(m_doc->project().platform.name).replace(QLatin1Char(' '), QLatin1Char('-')) + suffix);
    if (path.isEmpty())
        return;
    if (const auto err = writeFileAtomically(path.toStdString(), r.text)) {
        QMessageBox::critical(this, tr("Cannot export"), QString::fromStdString(*err));
        return;
    }
    QString message = tr("Exported %1").arg(QFileInfo(path).fileName());
    if (!r.notes.empty()) {
        QStringList notes;
        for (const auto& n : r.notes)
            notes << QString::fromStdString(n);
        QMessageBox::information(this, tr("Exported with notes"), notes.join(QLatin1Char('\n')));
    }
    statusBar()->showMessage(message, 8000);
}

void MainWindow::exportMapImage()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Map Image"), QStringLiteral("memory-map.png"), tr("Images (*.png *.svg)"));
    if (!path.isEmpty() && !m_map->exportImage(path))
        QMessageBox::critical(this, tr("Cannot export"), tr("%1 could not be written.").arg(path));
}

void MainWindow::exportChartImage()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Chart Image"), QStringLiteral("chart.png"), tr("Images (*.png *.svg)"));
    if (!path.isEmpty() && !m_charts->exportImage(path))
        QMessageBox::critical(this, tr("Cannot export"), tr("%1 could not be written.").arg(path));
}

void MainWindow::exportEventLogCsv()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Event Log"), QStringLiteral("event-log.csv"), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    if (const QString err = writeEventLogCsv(path); !err.isEmpty())
        QMessageBox::critical(this, tr("Cannot export"), err);
    else
        statusBar()->showMessage(tr("Exported the event log to %1").arg(QFileInfo(path).fileName()), 8000);
}

QString MainWindow::writeEventLogCsv(const QString& path)
{
    // The rows as shown: filtered and sorted; UTF-8 with RFC 4180 quoting (csv.h), built as the bytes written.
    auto appendRecord = [](std::string& csv, const QStringList& cells) {
        for (qsizetype c = 0; c < cells.size(); ++c) {
            if (c)
                csv += ',';
            csv += csvField(cells[c].toStdString());
        }
        csv += '\n';
    };
    std::string csv;
    const QAbstractItemModel* m = m_log->model();
    QStringList header;
    for (int c = 0; c < m->columnCount(); ++c)
        header << m->headerData(c, Qt::Horizontal).toString();
    appendRecord(csv, header);
    // The cells are formatted and written off the GUI thread (a million steps take seconds), never through
    // the item model (GUI thread only): the rows in view order and the columns are taken here, and the worker
    // formats them with StepTableModel::cellText() from the run itself, which it shares (a run is immutable:
    // a new run replaces it in the document and leaves this one alone).
    std::vector<std::size_t> rows(std::size_t(m_stepProxy->rowCount()));
    for (int r = 0; r < m_stepProxy->rowCount(); ++r)
        rows[std::size_t(r)] = std::size_t(m_stepProxy->mapToSource(m_stepProxy->index(r, 0)).row());
    std::vector<int> columns;
    for (int c = 0; c < m_stepModel->columnCount(); ++c)
        columns.push_back(c);
    std::optional<QString> error;
    const bool done = runJob<QString>(
        tr("Exporting the event log…"),
        [csv = std::move(csv), rows = std::move(rows), columns = std::move(columns), sim = m_doc->sharedSimulation(),
            appendRecord, file = path.toStdString()](const Progress& progress) mutable {
            for (std::size_t i = 0; i < rows.size(); ++i) {
                if (i % 4096 == 0 && !progress(i, rows.size()))
                    return QString();
                QStringList row;
                for (const int c : columns)
                    row << views::StepTableModel::cellText(*sim, rows[i], c);
                appendRecord(csv, row);
            }
            const auto err = writeFileAtomically(file, csv);
            return err ? QString::fromStdString(*err) : QString();
        },
        error, true, tr("Cannot export"));
    return done ? *error : m_lastError;
}

void MainWindow::showStartPage()
{
    m_startPage->setRecentFiles(recentFiles());
    m_central->setCurrentWidget(m_startPage);
}

bool MainWindow::isStartPageShown() const
{
    return m_central->currentWidget() == m_startPage;
}

void MainWindow::newProject()
{
    if (!maybeSave())
        return;
    Project p;
    p.platform.name = tr("New board").toStdString();
    p.platform.mapMode = MapMode::Modern;
    p.platform.banks.push_back({ "dram", 0x40000000, 1 * GiB, 0 });
    Region cma;
    cma.name = "reserved";
    cma.size = 64 * MiB;
    cma.isDefault = true;
    cma.allocRanges.push_back({ 0x40000000, 1 * GiB });
    p.platform.regions.push_back(cma);
    showProject(std::move(p));
    m_central->setCurrentWidget(m_map);
}

void MainWindow::rememberRecent(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecent)
        files.removeLast();
    QSettings().setValue(kRecentKey, files);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (const QString& f : files) {
        QAction* a = m_recentMenu->addAction(QFileInfo(f).fileName());
        a->setToolTip(f);
        connect(a, &QAction::triggered, this, [this, f] { openAny(f); }); // a project, a trace or a configuration
    }
    m_recentMenu->setEnabled(!files.isEmpty());
}

void MainWindow::updateTitle()
{
    const auto& name = m_doc->project().platform.name;
    const QString title = !m_doc->path().isEmpty() ? QFileInfo(m_doc->path()).fileName()
        : name.empty()                             ? tr("Untitled")
                                                   : QString::fromStdString(name);
    setWindowTitle(QStringLiteral("%1[*] — cmascope").arg(title));
    setWindowModified(m_doc->isModified());
}

void MainWindow::updateSummary()
{
    const auto& pf = m_doc->project().platform;
    QString text = tr("%n bank(s)", nullptr, int(pf.banks.size())) + QStringLiteral(" · ")
        + tr("%n region(s)", nullptr, int(pf.regions.size())) + QStringLiteral(" · ")
        + tr("%n device(s)", nullptr, int(pf.devices.size()));
    if (m_doc->simulation())
        text += QStringLiteral(" · ") + tr("%1, %2 failed").arg(m_doc->stepText()).arg(m_doc->failureCount());
    m_summaryLabel->setText(text);
}

void MainWindow::openFile()
{
    if (!maybeSave())
        return;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Project"), QString(), tr("cmascope projects (*.json *.cmascope);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About cmascope"),
        tr("<h3>cmascope %1</h3><p>Plan, replay and explain Linux contiguous memory (CMA) regions.</p>")
            .arg(QString::fromLatin1(kVersion)));
}

} // namespace cmascope::app
