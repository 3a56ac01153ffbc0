// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow's docks: the timeline above the event log (mainwindow_eventlog.cpp), charts and what-if tabbed
// with it, and the legend, failure inspector, platform editor and scenarios on the right; their sizes on
// first show.
#include "charts/chartspanel.h"
#include "common/document.h"
#include "compare/comparepanel.h"
#include "inspector/failureinspector.h"
#include "lesson/lessonpanel.h"
#include "mainwindow.h"
#include "map/legendwidget.h"
#include "map/memorymapwidget.h"
#include "plan/plannerpanel.h"
#include "platform/platformeditor.h"
#include "scenario/scenariopanel.h"
#include "timeline/timelinewidget.h"
#include "whatif/whatifpanel.h"

#include <QComboBox>
#include <QDockWidget>
#include <QLayout>
#include <QStatusBar>

namespace cmascope::app {

void MainWindow::createDocks()
{
    // The right docks (legend, inspector, platform tables) run the full height: beside the bottom docks
    // (timeline, event log, charts) they would share one height with them, too little for both at 768 px.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    QDockWidget* timelineDock = createTimelineDock();
    m_logDock = createEventLogDock();
    splitDockWidget(timelineDock, m_logDock, Qt::Vertical);
    connectEventLog();
    createAnalysisDocks();
    createSideDocks();
}

QDockWidget* MainWindow::createTimelineDock()
{
    m_timeline = new views::TimelineWidget(m_doc, this);
    connect(m_timeline, &views::TimelineWidget::message, this,
        [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    auto* timelineDock = new QDockWidget(tr("Timeline"), this);
    timelineDock->setObjectName(QStringLiteral("timelineDock"));
    timelineDock->setWidget(m_timeline);
    addDockWidget(Qt::BottomDockWidgetArea, timelineDock);
    return timelineDock;
}

void MainWindow::createAnalysisDocks()
{
    m_charts = new views::ChartsPanel(m_doc, this);
    auto* chartsDock = new QDockWidget(tr("Charts"), this);
    chartsDock->setObjectName(QStringLiteral("chartsDock"));
    chartsDock->setWidget(m_charts);
    addDockWidget(Qt::BottomDockWidgetArea, chartsDock);
    tabifyDockWidget(m_logDock, chartsDock);
    m_whatIf = new views::WhatIfPanel(m_doc, this);
    m_whatIfDock = new QDockWidget(tr("What-if"), this);
    m_whatIfDock->setObjectName(QStringLiteral("whatIfDock"));
    m_whatIfDock->setWidget(m_whatIf);
    addDockWidget(Qt::BottomDockWidgetArea, m_whatIfDock);
    tabifyDockWidget(chartsDock, m_whatIfDock);
    m_planner = new views::PlannerPanel(m_doc, this);
    connect(m_planner, &views::PlannerPanel::exportRequested, this, [this](int format) {
        if (const auto planned = m_planner->plannedProject())
            exportProjectDialog(*planned, format, tr("Export the plan"));
    });
    auto* plannerDock = new QDockWidget(tr("Planner"), this);
    plannerDock->setObjectName(QStringLiteral("plannerDock"));
    plannerDock->setWidget(m_planner);
    addDockWidget(Qt::BottomDockWidgetArea, plannerDock);
    tabifyDockWidget(m_whatIfDock, plannerDock);
    m_compare = new views::ComparePanel(m_doc, this);
    m_compareDock = new QDockWidget(tr("Compare"), this);
    m_compareDock->setObjectName(QStringLiteral("compareDock"));
    m_compareDock->setWidget(m_compare);
    addDockWidget(Qt::BottomDockWidgetArea, m_compareDock);
    tabifyDockWidget(plannerDock, m_compareDock);
    m_logDock->raise();
    connect(m_charts, &views::ChartsPanel::stepRangeSelected, m_timeline, &views::TimelineWidget::setStepRange);
}

void MainWindow::createSideDocks()
{
    m_legendDock = new QDockWidget(tr("Legend"), this);
    m_legendDock->setObjectName(QStringLiteral("legendDock"));
    m_legendDock->setWidget(new views::LegendWidget(m_map, m_legendDock));
    addDockWidget(Qt::RightDockWidgetArea, m_legendDock);

    m_inspector = new views::FailureInspector(m_doc, this);
    m_rightDock = new QDockWidget(tr("Failure Inspector"), this);
    m_rightDock->setObjectName(QStringLiteral("inspectorDock"));
    m_rightDock->setWidget(m_inspector);
    addDockWidget(Qt::RightDockWidgetArea, m_rightDock);

    m_editor = new views::PlatformEditor(m_doc, this);
    auto* editorDock = new QDockWidget(tr("Platform"), this);
    editorDock->setObjectName(QStringLiteral("platformDock"));
    editorDock->setWidget(m_editor);
    addDockWidget(Qt::RightDockWidgetArea, editorDock);
    tabifyDockWidget(m_rightDock, editorDock);

    m_scenarios = new views::ScenarioPanel(m_doc, this);
    auto* scenarioDock = new QDockWidget(tr("Scenarios"), this);
    scenarioDock->setObjectName(QStringLiteral("scenarioDock"));
    scenarioDock->setWidget(m_scenarios);
    addDockWidget(Qt::RightDockWidgetArea, scenarioDock);
    tabifyDockWidget(editorDock, scenarioDock);
    m_rightDock->raise();
    createLessonDock();
    createPredictDock();
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
}

void MainWindow::createLessonDock()
{
    m_lesson = new views::LessonPanel(m_doc, this);
    m_lessonDock = new QDockWidget(tr("Lesson"), this);
    m_lessonDock->setObjectName(QStringLiteral("lessonDock"));
    m_lessonDock->setWidget(m_lesson);
    addDockWidget(Qt::RightDockWidgetArea, m_lessonDock);
    tabifyDockWidget(m_rightDock, m_lessonDock);
    m_rightDock->raise();
    m_lessonDock->hide();
    // A project whose scenario has a lesson (or a description) opens with it in front (docs/lessons.md); the
    // panel has reloaded by now (it follows projectChanged, emitted first). A replayed trace keeps the failure
    // inspector in front (it opens at its first failure), with the pane's narration one tab away.
    connect(m_doc, &views::Document::projectReplaced, this, [this] {
        const bool trace = m_doc->replay() != nullptr;
        m_lessonDock->setVisible(m_lesson->hasLesson() || trace);
        if (m_lesson->hasLesson() && !trace)
            m_lessonDock->raise();
        else if (trace)
            m_rightDock->raise();
    });
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

} // namespace cmascope::app
