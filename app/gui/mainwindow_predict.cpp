// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow's teaching: the Predict dock (predict, then reveal: docs/teaching.md#predict-then-reveal), tabbed with
// the Lesson dock, and the top-level Teach menu that shows it.
#include "lesson/predictpanel.h"
#include "mainwindow.h"

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
}

QMenu* MainWindow::teachMenu()
{
    if (!m_teachMenu)
        m_teachMenu = menuBar()->addMenu(tr("&Teach"));
    return m_teachMenu;
}

void MainWindow::createTeachActions()
{
    QAction* predict = teachMenu()->addAction(tr("&Predict, Then Reveal"), this, [this] {
        m_predictDock->show();
        m_predictDock->raise();
    });
    predict->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    predict->setToolTip(tr("Guess where each request lands, then see it judged and narrated"));
}

} // namespace cmascope::app
