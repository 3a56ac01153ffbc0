// SPDX-License-Identifier: GPL-2.0-or-later
// The sandbox in the real main window (docs/sandbox.md): shown above the map for a project, toggled by the
// checkable Sandbox action (remembered), hidden for a replayed kernel trace whose steps it does not edit; an
// allocation from the bar moves every view (event log included) to the inserted step.
#include "common/document.h"
#include "demos.h"
#include "mainwindow.h"
#include "map/memorymapwidget.h"
#include "sandbox/sandboxbar.h"

#include <QAbstractItemModel>
#include <QAction>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QToolBar>
#include <QUndoStack>

using namespace cmascope;

class TestMainWindowSandbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // keep the user's settings untouched
    void shownForProjectsHiddenForTraces();
    void allocationMovesEveryView();
};

void TestMainWindowSandbox::shownForProjectsHiddenForTraces()
{
    app::MainWindow w;
    w.show(); // the toolbar's toggle action follows its shown state
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    w.document()->waitForRun();
    QToolBar* bar = w.sandboxToolBar();
    QAction* toggle = bar->toggleViewAction();
    QCOMPARE(toggle->text(), QStringLiteral("&Sandbox"));
    QVERIFY(toggle->isCheckable());
    QVERIFY(!bar->isHidden());
    QVERIFY(toggle->isChecked());
    QVERIFY(w.sandboxBar()->isActive());
    QVERIFY(w.memoryMap()->regionDragEnabled());
    QVERIFY(!w.memoryMap()->interactionHint().isEmpty()); // tooltips say what the mouse can do
    toggle->trigger(); // off, and remembered for the next project
    QVERIFY(bar->isHidden());
    QVERIFY(!w.sandboxBar()->isActive());
    QVERIFY(!w.memoryMap()->regionDragEnabled());
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    QVERIFY(bar->isHidden());
    toggle->trigger();
    QVERIFY(!bar->isHidden());

    w.openTrace(QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt"), true);
    w.document()->waitForRun();
    QVERIFY(bar->isHidden()); // off for a trace, and that is not remembered
    toggle->trigger();
    QVERIFY(w.sandboxBar()->unavailableReason().contains(QStringLiteral("replayed kernel trace")));
    QVERIFY(!w.sandboxBar()->allocateButton()->isEnabled());
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    QVERIFY(!bar->isHidden());
}

void TestMainWindowSandbox::allocationMovesEveryView()
{
    app::MainWindow w;
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    w.document()->waitForRun();
    views::Document* doc = w.document();
    doc->setCurrentStep(1);
    const std::size_t steps = doc->stepCount();
    w.sandboxBar()->sizeEdit()->setText(QStringLiteral("1M"));
    QVERIFY(w.sandboxBar()->allocate());
    doc->waitForRun();
    QCoreApplication::processEvents();
    QCOMPARE(doc->stepCount(), steps + 1);
    QCOMPARE(doc->currentStep(), std::optional<std::size_t>(2));
    QCOMPARE(w.eventLog()->currentIndex().row(), 2); // the event log selects the new step
    QVERIFY(w.isWindowModified() || doc->isModified());
    doc->undoStack()->undo();
    doc->waitForRun();
    QCOMPARE(doc->stepCount(), steps);
    QCOMPARE(doc->currentStep(), std::optional<std::size_t>(1));
}

QTEST_MAIN(TestMainWindowSandbox)
#include "tst_mainwindow_sandbox.moc"
