// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow: construction, the window's own events, the title, the status bar's summary and progress.
// The rest of the class is split by concern: mainwindow_docks.cpp, mainwindow_eventlog.cpp (the event log
// dock and its CSV export), mainwindow_actions.cpp (menus, recent files), mainwindow_files.cpp (open, save,
// import, replay) and mainwindow_export.cpp.
#include "mainwindow.h"

#include "common/document.h"
#include "common/jobtracker.h"
#include "eventlog/steptablemodel.h"
#include "map/mapoverview.h"
#include "map/memorymapwidget.h"
#include "startpage.h"

#include <cmascope/version.h>

#include <QCloseEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace cmascope::app {

namespace {
const QString kStateKey = QStringLiteral("mainWindow/state");
const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_doc(new views::Document(this))
{
    setObjectName(QStringLiteral("cmascopeMainWindow"));
    setAcceptDrops(true);
    createCentralPages();
    createStatusBar();
    connectDocument();
    createDocks();
    createSandbox();
    createActions();
    resize(1280, 800);
    QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    m_layoutRestored = restoreState(settings.value(kStateKey).toByteArray());
    updateTitle();
}

MainWindow::~MainWindow() = default;

void MainWindow::createCentralPages()
{
    m_map = new views::MemoryMapWidget(this);
    m_map->setDocument(m_doc);
    m_startPage = new StartPage(this);
    m_startPage->setRecentFiles(recentFiles());
    m_central = new QStackedWidget(this);
    // The overview strip above the map, aligned with it (docs/memory-map.md).
    m_mapPage = new QWidget(this);
    m_overview = new views::MapOverview(m_map, m_mapPage);
    auto* mapLayout = new QVBoxLayout(m_mapPage);
    mapLayout->setContentsMargins(0, 0, 0, 0);
    mapLayout->setSpacing(0);
    mapLayout->addWidget(m_overview);
    mapLayout->addWidget(m_map, 1);
    connect(m_map, &views::MemoryMapWidget::contentChanged, m_overview,
        [this] { m_overview->setVisible(m_map->layoutMode() == views::MemoryMapWidget::Layout::Linear); });
    m_central->addWidget(m_mapPage);
    m_central->addWidget(m_startPage);
    setCentralWidget(wrapWithTraceBanner(m_central)); // mainwindow_trace.cpp
    connect(m_startPage, &StartPage::openRequested, this, [this](const QString& path) {
        if (path.startsWith(QLatin1Char(':')))
            openProject(path);
        else
            openAny(path);
    });
    connect(m_startPage, &StartPage::openFileRequested, this, &MainWindow::openFile);
    connect(m_startPage, &StartPage::newRequested, this, &MainWindow::newProject);
}

void MainWindow::createStatusBar()
{
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
    m_messagesButton = new QToolButton(this);
    m_messagesButton->setObjectName(QStringLiteral("fileMessagesButton"));
    m_messagesButton->setAutoRaise(true);
    m_messagesButton->setVisible(false);
    connect(m_messagesButton, &QToolButton::clicked, this, &MainWindow::showFileMessages);
    statusBar()->addPermanentWidget(m_messagesButton);
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
}

void MainWindow::connectDocument()
{
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
}

const Project& MainWindow::project() const
{
    return m_doc->project();
}

QString MainWindow::projectPath() const
{
    return m_doc->path();
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (m_layoutRestored || m_defaultDockSizes)
        return;
    m_defaultDockSizes = true;
    applyDefaultDockSizes();
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

void MainWindow::showStartPage()
{
    m_startPage->setRecentFiles(recentFiles());
    m_central->setCurrentWidget(m_startPage);
}

bool MainWindow::isStartPageShown() const
{
    return m_central->currentWidget() == m_startPage;
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
        + (m_doc->replay() ? tr("%n task(s)", nullptr, int(m_doc->replay()->tasks.size()))
                           : tr("%n device(s)", nullptr, int(pf.devices.size())));
    if (m_doc->simulation())
        text += QStringLiteral(" · ") + tr("%1, %2 failed").arg(m_doc->stepText()).arg(m_doc->failureCount());
    m_summaryLabel->setText(text);
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About cmascope"),
        tr("<h3>cmascope %1</h3><p>Plan, replay and explain Linux contiguous memory (CMA) regions.</p>")
            .arg(QString::fromLatin1(kVersion)));
}

} // namespace cmascope::app
