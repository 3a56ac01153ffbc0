// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow's Go menu over the event log (docs/event-log.md): find next / previous across every column's
// text (F3 / Shift+F3; with no text, the next / previous failure), and bookmarks (Ctrl+M, F2 / Shift+F2, a
// list of them), kept in the project's view state.
#include "common/document.h"
#include "eventlog/logfinder.h"
#include "eventlog/stepbookmarks.h"
#include "eventlog/steptablemodel.h"
#include "mainwindow.h"
#include "timeline/timelinewidget.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTableView>

namespace cmascope::app {

void MainWindow::createLogSearch()
{
    m_bookmarks = new views::StepBookmarks(this);
    m_stepModel->setBookmarks(m_bookmarks);
    m_finder = new views::LogFinder(m_stepModel, m_stepProxy, this);
    // A new project starts without bookmarks; its saved view state (applyViewState()) brings its own back.
    connect(m_doc, &views::Document::projectReplaced, m_bookmarks, &views::StepBookmarks::clear);
    connect(m_findText, &QLineEdit::returnPressed, this, [this] { findInLog(true); });
    applyTraceColumns(); // the outcome choices of a project, until a run says otherwise
}

void MainWindow::createGoMenu()
{
    QMenu* go = menuBar()->addMenu(tr("&Go"));
    QAction* find = go->addAction(tr("&Find in Event Log"), this, [this] {
        m_logDock->show();
        m_logDock->raise();
        m_findText->setFocus(Qt::ShortcutFocusReason);
        m_findText->selectAll();
    });
    find->setShortcut(QKeySequence::Find);
    QAction* next = go->addAction(tr("Find &Next"), this, [this] { findInLog(true); });
    next->setShortcut(QKeySequence(Qt::Key_F3));
    next->setToolTip(tr("The next row containing the search text; without one, the next failure"));
    QAction* previous = go->addAction(tr("Find &Previous"), this, [this] { findInLog(false); });
    previous->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F3));
    go->addSeparator();
    QAction* toggle = go->addAction(tr("&Toggle Bookmark"), this, [this] {
        if (const auto step = m_doc->currentStep())
            m_bookmarks->toggle(*step);
    });
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    QAction* nextMark = go->addAction(tr("Next &Bookmark"), this, [this] { goToBookmark(true); });
    nextMark->setShortcut(QKeySequence(Qt::Key_F2));
    QAction* prevMark = go->addAction(tr("Previous B&ookmark"), this, [this] { goToBookmark(false); });
    prevMark->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F2));
    QMenu* list = go->addMenu(tr("Boo&kmarks"));
    connect(list, &QMenu::aboutToShow, this, [this, list] { rebuildBookmarkMenu(list); });
    go->addAction(tr("&Clear Bookmarks"), m_bookmarks, &views::StepBookmarks::clear);
}

int MainWindow::findInLog(bool forward)
{
    const QString text = m_findText->text();
    if (text.isEmpty()) { // F3 as it always was: the next (previous) failure
        if (forward)
            m_timeline->nextFailure();
        else
            m_timeline->previousFailure();
        return -1;
    }
    QElapsedTimer timer;
    timer.start();
    const int row = m_finder->find(text, m_log->currentIndex().row(), forward);
    if (row < 0) {
        statusBar()->showMessage(tr("“%1” is not in the event log as shown").arg(text), 8000);
        return -1;
    }
    const int step = m_stepProxy->sourceRowAt(row);
    m_doc->setCurrentStep(std::size_t(step));
    QString message = tr("Found “%1” at step %2").arg(text).arg(step);
    if (m_finder->wrapped())
        message += forward ? tr(" (from the top)") : tr(" (from the bottom)");
    statusBar()->showMessage(message + tr(" · %1 ms").arg(timer.elapsed()), 8000);
    return step;
}

void MainWindow::goToBookmark(bool forward)
{
    // F2 still edits the current cell of an editable table that has the focus (the platform tables, the steps).
    auto* table = qobject_cast<QAbstractItemView*>(QApplication::focusWidget());
    if (forward && table && table != m_log && (table->editTriggers() & QAbstractItemView::EditKeyPressed)
        && table->currentIndex().isValid() && (table->currentIndex().flags() & Qt::ItemIsEditable)) {
        table->edit(table->currentIndex());
        return;
    }
    const auto from = m_doc->currentStep();
    const auto step = forward ? m_bookmarks->next(from) : m_bookmarks->previous(from);
    if (!step) {
        statusBar()->showMessage(tr("No bookmarks: Ctrl+M bookmarks the current step"), 8000);
        return;
    }
    if (*step < m_doc->stepCount())
        m_doc->setCurrentStep(*step);
}

void MainWindow::rebuildBookmarkMenu(QMenu* menu)
{
    menu->clear();
    const Simulation* sim = m_doc->simulation();
    const ReplayResult* trace = m_stepModel->trace();
    using Model = views::StepTableModel;
    for (const std::size_t step : m_bookmarks->steps()) {
        if (!sim || step >= sim->stepCount())
            continue;
        QStringList parts { tr("Step %1").arg(step) };
        for (const int column : { int(Model::TimeColumn), int(Model::DeviceColumn), int(Model::SizeColumn),
                 int(Model::OutcomeColumn), int(Model::LabelColumn) })
            if (const QString cell = Model::cellText(*sim, trace, step, column); !cell.isEmpty())
                parts << cell;
        menu->addAction(parts.join(QStringLiteral(" · ")), this, [this, step] { m_doc->setCurrentStep(step); });
        if (menu->actions().size() >= 200) {
            menu->addAction(tr("… %n more (F2 steps through them)", nullptr, int(m_bookmarks->steps().size()) - 200))
                ->setEnabled(false);
            break;
        }
    }
    if (menu->isEmpty())
        menu->addAction(tr("No bookmarks (Ctrl+M)"))->setEnabled(false);
}

} // namespace cmascope::app
