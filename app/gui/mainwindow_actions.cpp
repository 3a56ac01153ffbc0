// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow's menus (File, Edit, View, Simulation, Help) and the recently opened files.
#include "common/document.h"
#include "common/exportformats.h"
#include "demos.h"
#include "mainwindow.h"
#include "map/memorymapwidget.h"
#include "startpage.h"
#include "timeline/timelinewidget.h"

#include <cmascope/config/configio.h>

#include <QAction>
#include <QActionGroup>
#include <QDockWidget>
#include <QFileInfo>
#include <QKeySequence>
#include <QMenuBar>
#include <QSettings>
#include <QToolBar>
#include <QUndoStack>

namespace cmascope::app {

namespace {
constexpr int kMaxRecent = 10;
const QString kRecentKey = QStringLiteral("recentFiles");
} // namespace

void MainWindow::createActions()
{
    createFileMenu();
    createEditMenu();
    createViewMenu();
    createSimulationMenu();
    createGoMenu();
    createTeachActions();
    createHelpMenu();
}

void MainWindow::createFileMenu()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newAction = file->addAction(tr("&New Project"), this, &MainWindow::newProject);
    newAction->setShortcut(QKeySequence::New);
    QAction* open = file->addAction(tr("&Open Project…"), this, &MainWindow::openFile);
    open->setShortcut(QKeySequence::Open);
    QAction* openTraceAction = file->addAction(tr("Open &Trace…"), this, &MainWindow::openTraceDialog);
    openTraceAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    addFollowActions(file); // mainwindow_follow.cpp
    QAction* compareTraces = file->addAction(tr("Compare with Another Trace…"), this, &MainWindow::compareTraceDialog);
    compareTraces->setObjectName(QStringLiteral("compareTracesAction"));
    connect(m_doc, &views::Document::projectReplaced, compareTraces,
        [this, compareTraces] { compareTraces->setEnabled(m_doc->replay() != nullptr); });
    compareTraces->setEnabled(m_doc->replay() != nullptr);
    file->addAction(tr("Replay Trace with debugfs Snapshot…"), this, &MainWindow::replayTraceWithSnapshotDialog)
        ->setToolTip(tr("Replay a trace whose recording began late from the debugfs cma state taken when it "
                        "began (docs/late-start.md)"));
    file->addAction(tr("Check Trace against debugfs Snapshots…"), this, &MainWindow::checkSnapshotsDialog)
        ->setToolTip(tr("Compare the shown trace's replay with debugfs snapshots taken at CHECKPOINT markers"));
    file->addAction(tr("Add page_owner Dump…"), this, &MainWindow::addPageOwnerDialog)
        ->setToolTip(tr("A /sys/kernel/debug/page_owner dump: the failure inspector then says who holds the pages "
                        "of a request's busy windows (docs/evidence-imports.md)"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    addDemoMenu(file);
    file->addAction(tr("Start &Page"), this, &MainWindow::showStartPage);
    file->addSeparator();
    file->addAction(tr("&Import Configuration…"), this, [this] { importDialog(false); })
        ->setToolTip(tr("Read a configuration into a new project, as cmascope-cli import does"));
    file->addAction(tr("Import onto the Current &Board…"), this, [this] { importDialog(true); })
        ->setToolTip(tr("Read a configuration's regions with the open project's banks, devices and kinds as the "
                        "base (cmascope-cli import --base), for formats without a memory layout"));
    addExportMenu(file);
    file->addSeparator();
    QAction* saveAction = file->addAction(tr("&Save"), this, &MainWindow::save);
    saveAction->setShortcut(QKeySequence::Save);
    QAction* saveAsAction = file->addAction(tr("Save &As…"), this, &MainWindow::saveAs);
    saveAsAction->setShortcut(QKeySequence::SaveAs);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    rebuildRecentMenu();
}

void MainWindow::addDemoMenu(QMenu* file)
{
    m_demoMenu = file->addMenu(tr("Open &Demo"));
    for (const auto& demo : builtInDemos()) {
        QAction* a = m_demoMenu->addAction(demo.title);
        a->setToolTip(demo.board + QStringLiteral(": ") + demo.description);
        const QString path = demo.resourcePath;
        connect(a, &QAction::triggered, this, [this, path] {
            if (maybeSave())
                openProject(path);
        });
    }
}

void MainWindow::addExportMenu(QMenu* file)
{
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    for (const auto& [format, text] : views::configExportFormats()) {
        const int f = int(format);
        exportMenu->addAction(text, this, [this, f] { exportConfigurationDialog(f); });
    }
    exportMenu->addSeparator();
    exportMenu->addAction(tr("&Map Image (PNG/SVG)…"), this, &MainWindow::exportMapImage);
    exportMenu->addAction(tr("C&hart Image (PNG/SVG)…"), this, &MainWindow::exportChartImage);
    exportMenu->addAction(tr("&Event Log (CSV)…"), this, &MainWindow::exportEventLogCsv);
}

void MainWindow::createEditMenu()
{
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_doc->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_doc->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts({ QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence::Redo });
    edit->addAction(undo);
    edit->addAction(redo);
}

void MainWindow::createViewMenu()
{
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
    addAxisModeMenu(view);
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
    addTimeAxisAction(view);
    createPresentation(view); // mainwindow_present.cpp
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());
    view->addAction(m_sandboxToolBar->toggleViewAction());
}

void MainWindow::createSimulationMenu()
{
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
    // F3 / Shift+F3 are Go › Find Next / Previous, which step to a failure when there is no text to find.
    sim->addAction(tr("&Next Failure"), m_timeline, &views::TimelineWidget::nextFailure);
    sim->addAction(tr("P&revious Failure"), m_timeline, &views::TimelineWidget::previousFailure);
    sim->addSeparator();
    sim->addAction(tr("Set Marker &A"), m_timeline, &views::TimelineWidget::setMarkerA);
    sim->addAction(tr("Set Marker &B"), m_timeline, &views::TimelineWidget::setMarkerB);
    sim->addAction(tr("&Clear Markers"), m_timeline, &views::TimelineWidget::clearMarkers);
    sim->addSeparator();
    sim->addAction(tr("&What-if…"), this, [this] {
        m_whatIfDock->show();
        m_whatIfDock->raise();
    });
    sim->addAction(m_sandboxToolBar->toggleViewAction());
    sim->addAction(tr("&Compare Variants…"), this, [this] {
        m_compareDock->show();
        m_compareDock->raise();
    });
}

QStringList MainWindow::recentFiles()
{
    return QSettings().value(kRecentKey).toStringList();
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

// The map's axis (docs/memory-map.md): automatic (every area readable) or one of the three modes. The checks
// follow the map, which may change its mode by itself for a new project.
void MainWindow::addAxisModeMenu(QMenu* view)
{
    QMenu* menu = view->addMenu(tr("Map &Axis"));
    auto* group = new QActionGroup(this);
    QAction* automatic = menu->addAction(tr("&Automatic (every area readable)"));
    automatic->setCheckable(true);
    group->addAction(automatic);
    connect(automatic, &QAction::triggered, this, [this] { m_map->setAutomaticAxis(true); });
    menu->addSeparator();
    QVector<QPair<QAction*, views::AxisMode>> modes;
    const QKeySequence keys[] = { QKeySequence(Qt::ALT | Qt::Key_1), QKeySequence(Qt::ALT | Qt::Key_2),
        QKeySequence(Qt::ALT | Qt::Key_3) };
    int i = 0;
    for (const views::AxisMode mode :
        { views::AxisMode::Physical, views::AxisMode::Compact, views::AxisMode::PerArea }) {
        QAction* a = menu->addAction(views::MapAxis::modeTitle(mode));
        a->setCheckable(true);
        a->setShortcut(keys[i++]);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, mode] { m_map->setAxisMode(mode); });
        modes.push_back({ a, mode });
    }
    const auto sync = [this, automatic, modes] {
        automatic->setChecked(m_map->automaticAxis());
        for (const auto& [action, mode] : modes) {
            action->setChecked(!m_map->automaticAxis() && m_map->axisMode() == mode);
            // Automatic names the mode it chose.
            action->setText(views::MapAxis::modeTitle(mode)
                + (m_map->automaticAxis() && m_map->axisMode() == mode ? tr(" (chosen)") : QString()));
        }
    };
    connect(m_map, &views::MemoryMapWidget::axisModeChanged, this, sync);
    connect(menu, &QMenu::aboutToShow, this, sync);
    sync();
}

} // namespace cmascope::app
