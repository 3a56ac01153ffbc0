// SPDX-License-Identifier: GPL-2.0-or-later
// The event log of a trace in the app (docs/event-log.md): task filter and count, busy and cause outcomes,
// find next / previous from the Go menu (F3 without text: the next failure), bookmarks through save and open.
#include "common/document.h"
#include "eventlog/stepbookmarks.h"
#include "eventlog/steptablemodel.h"
#include "mainwindow.h"

#include <cmascope/sim/simulator.h>

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace cmascope;

namespace {

const QString kBusyTrace = QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k612-busy-retry/trace.txt");

/// The Go menu's action whose text (without '&') is @p text.
QAction* goAction(app::MainWindow& w, const QString& text)
{
    for (QAction* menu : w.menuBar()->actions())
        if (menu->text().remove(QLatin1Char('&')) == QLatin1String("Go"))
            for (QAction* a : menu->menu()->actions())
                if (a->text().remove(QLatin1Char('&')) == text)
                    return a;
    return nullptr;
}

QStringList comboTexts(const QComboBox* combo)
{
    QStringList texts;
    for (int i = 0; combo && i < combo->count(); ++i)
        texts << combo->itemText(i);
    return texts;
}

/// The event log's cell of the current step.
QString currentCell(app::MainWindow& w, int column)
{
    const auto step = w.document()->currentStep();
    return step ? views::StepTableModel::cellText(*w.document()->simulation(), w.document()->replay(), *step, column)
                : QString();
}

} // namespace

class TestEventLogSearch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void traceHasTasks();
    void findNextAndPrevious();
    void bookmarksSurviveSaveAndOpen();
};

void TestEventLogSearch::traceHasTasks()
{
    app::MainWindow w;
    w.openTrace(kBusyTrace, true);
    QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));
    w.document()->waitForRun();
    QVERIFY(w.document()->replay());
    bool counted = false;
    for (const QLabel* label : w.findChildren<QLabel*>())
        counted |= label->text().contains(QStringLiteral("task(s)"));
    QVERIFY(counted);
    const QStringList tasks = comboTexts(w.findChild<QComboBox*>(QStringLiteral("deviceFilter")));
    QCOMPARE(tasks.value(0), QStringLiteral("All tasks"));
    QVERIFY(tasks.contains(QStringLiteral("init-145")));
    const QStringList outcomes = comboTexts(w.findChild<QComboBox*>(QStringLiteral("outcomeFilter")));
    QVERIFY(outcomes.contains(QStringLiteral("Busy retries")));
    QVERIFY(outcomes.contains(QStringLiteral("Failed: busy")));
    // The trace's own columns show; a project hides them again.
    QVERIFY(!w.eventLog()->isColumnHidden(views::StepTableModel::RetriesColumn));
    QVERIFY(w.eventLog()->isColumnHidden(views::StepTableModel::KindColumn));
    w.newProject();
    w.document()->waitForRun();
    QVERIFY(w.eventLog()->isColumnHidden(views::StepTableModel::RetriesColumn));
    QCOMPARE(comboTexts(w.findChild<QComboBox*>(QStringLiteral("outcomeFilter"))).size(), 5);
}

void TestEventLogSearch::findNextAndPrevious()
{
    app::MainWindow w;
    w.openTrace(kBusyTrace, true);
    w.document()->waitForRun();
    QAction* next = goAction(w, QStringLiteral("Find Next"));
    QAction* previous = goAction(w, QStringLiteral("Find Previous"));
    QVERIFY(next && previous);
    QCOMPARE(next->shortcut(), QKeySequence(Qt::Key_F3));
    // Without text, F3 is the next failure, as it was.
    w.document()->setPosition(0);
    next->trigger();
    const auto firstFailure = w.document()->currentStep();
    QVERIFY(firstFailure);
    QCOMPARE(w.document()->simulation()->records()[*firstFailure].outcome, Outcome::Failed);
    // With text: the rows whose cells contain it, in the order shown, every view following.
    w.findField()->setText(QStringLiteral("EBUSY"));
    w.document()->setPosition(0);
    next->trigger();
    const auto a = w.document()->currentStep();
    QVERIFY(a);
    QVERIFY(currentCell(w, views::StepTableModel::ErrnoColumn).contains(QStringLiteral("EBUSY")));
    QCOMPARE(w.eventLog()->currentIndex().row(), int(*a));
    next->trigger();
    const auto b = w.document()->currentStep();
    QVERIFY(b && *b > *a);
    previous->trigger();
    QCOMPARE(w.document()->currentStep(), a);
    previous->trigger(); // before the first: wraps to the last
    QVERIFY(*w.document()->currentStep() > *b);
    QVERIFY(currentCell(w, views::StepTableModel::ErrnoColumn).contains(QStringLiteral("EBUSY")));
}

void TestEventLogSearch::bookmarksSurviveSaveAndOpen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("busy.json"));
    {
        app::MainWindow w;
        w.openTrace(kBusyTrace, true);
        w.document()->waitForRun();
        QAction* toggle = goAction(w, QStringLiteral("Toggle Bookmark"));
        QVERIFY(toggle);
        QCOMPARE(toggle->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_M));
        for (const std::size_t step : { 30u, 7u, 100u }) {
            w.document()->setCurrentStep(step);
            toggle->trigger();
        }
        w.document()->setCurrentStep(100);
        toggle->trigger(); // off again
        QCOMPARE(w.bookmarks()->steps(), (std::vector<std::size_t> { 7, 30 }));
        QVERIFY(w.eventLog()->model()->index(w.eventLog()->currentIndex().row(), 0).data().isValid());
        QVERIFY(w.saveProjectAs(path, true));
    }
    app::MainWindow w;
    QVERIFY(w.openProject(path, true));
    w.document()->waitForRun();
    QCOMPARE(w.bookmarks()->steps(), (std::vector<std::size_t> { 7, 30 }));
    QAction* nextMark = goAction(w, QStringLiteral("Next Bookmark"));
    QAction* prevMark = goAction(w, QStringLiteral("Previous Bookmark"));
    QVERIFY(nextMark && prevMark);
    QCOMPARE(nextMark->shortcut(), QKeySequence(Qt::Key_F2));
    w.document()->setCurrentStep(0);
    nextMark->trigger();
    QCOMPARE(w.document()->currentStep(), std::optional<std::size_t>(7));
    nextMark->trigger();
    QCOMPARE(w.document()->currentStep(), std::optional<std::size_t>(30));
    nextMark->trigger(); // wraps
    QCOMPARE(w.document()->currentStep(), std::optional<std::size_t>(7));
    prevMark->trigger();
    QCOMPARE(w.document()->currentStep(), std::optional<std::size_t>(30));
    // The bookmarked row carries the mark.
    const QModelIndex row = w.eventLog()->currentIndex();
    QVERIFY(row.siblingAtColumn(0).data(views::StepTableModel::BookmarkRole).toBool());
    // A new project starts without them.
    w.newProject();
    QVERIFY(w.bookmarks()->isEmpty());
}

QTEST_MAIN(TestEventLogSearch)
#include "tst_eventlogsearch.moc"
