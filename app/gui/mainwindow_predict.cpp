// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow's teaching: the Predict dock (predict, then reveal: docs/teaching.md#predict-then-reveal), tabbed with
// the Lesson dock, and the top-level Teach menu: lesson, presentation, predict, compare policies, demos.
#include "compare/comparepanel.h"
#include "lesson/predictpanel.h"
#include "mainwindow.h"
#include "map/memorymapwidget.h"

#include <QAction>
#include <QDockWidget>
#include <QKeySequence>
#include <QMenu>
#include <QMenuBar>

namespace cmascope::app {

void MainWindow::createPredictDock()
{
    m_predict = new views::PredictPanel(m_doc, this);
    m_predictDock = new QDockWidget(tr("Predict"), this);
    m_predictDock->setObjectName(QStringLiteral("predictDock"));
    m_predictDock->setWidget(m_predict);
    addDockWidget(Qt::RightDockWidgetArea, m_predictDock);
    tabifyDockWidget(m_lessonDock, m_predictDock);
    m_predictDock->hide();
    // The pane's map is laid out as the main map is (View › Block Grid Layout, or the project's saved view).
    connect(m_map, &views::MemoryMapWidget::contentChanged, m_predict,
        [this] { m_predict->map()->setLayoutMode(m_map->layoutMode()); });
}

QMenu* MainWindow::teachMenu()
{
    if (!m_teachMenu)
        m_teachMenu = menuBar()->addMenu(tr("&Teach"));
    return m_teachMenu;
}

void MainWindow::createTeachActions()
{
    // Everything a teacher needs in one place (docs/teaching.md): the lesson and its narration, presenting,
    // predict-then-reveal, the policies side by side, and the demos.
    QMenu* teach = teachMenu();
    teach->setToolTipsVisible(true);
    QAction* lesson = teach->addAction(tr("&Lesson and Narration"), this, [this] {
        m_lessonDock->show();
        m_lessonDock->raise();
    });
    lesson->setToolTip(tr("The scenario's lesson and what the allocator did at the current step, and why"));
    teach->addAction(m_presentAction); // also in View (mainwindow_present.cpp)
    QAction* predict = teach->addAction(tr("&Predict, Then Reveal"), this, [this] {
        m_predictDock->show();
        m_predictDock->raise();
    });
    predict->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    predict->setToolTip(tr("Guess where each request lands, then see it judged and narrated"));
    QAction* policies = teach->addAction(tr("&Compare Policies"), this, [this] {
        m_compareDock->show();
        m_compareDock->raise();
        m_compare->comparePolicies();
    });
    policies->setToolTip(tr("The scenario under first, next, best and worst fit and buddy, side by side, stepping "
                            "together (docs/compare.md)"));
    teach->addSeparator();
    teach->addMenu(m_demoMenu); // the same demos as File › Open Demo
}

} // namespace cmascope::app
