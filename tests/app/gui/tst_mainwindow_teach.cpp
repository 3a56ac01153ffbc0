// SPDX-License-Identifier: GPL-2.0-or-later
// The Teach menu (created on first use, before Help) and its "Predict, Then Reveal" action: a shortcut no other
// action has, and the Predict dock shown, raised and tabbed with the Lesson dock
// (docs/teaching.md#predict-then-reveal).
#include "common/document.h"
#include "compare/comparemaps.h"
#include "compare/comparepanel.h"
#include "demos.h"
#include "lesson/predictpanel.h"
#include "mainwindow.h"
#include "map/memorymapwidget.h"

#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTest>

using namespace cmascope;

class TestMainWindowTeach : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // keep the user's settings untouched
    void teachMenuShowsPredict();
};

void TestMainWindowTeach::teachMenuShowsPredict()
{
    app::MainWindow w;
    w.resize(1366, 768);
    w.show();
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    w.document()->waitForRun();
    // One Teach menu, after Go and before Help; asking again gives the same one.
    QMenu* teach = w.teachMenu();
    QCOMPARE(w.teachMenu(), teach);
    QStringList titles;
    for (QAction* a : w.menuBar()->actions())
        titles << a->text();
    QCOMPARE(titles.count(QStringLiteral("&Teach")), 1);
    QVERIFY2(titles.indexOf(QStringLiteral("&Teach")) + 1 == titles.indexOf(QStringLiteral("&Help")),
        qPrintable(titles.join(QLatin1Char(' '))));
    QAction* predict = nullptr;
    for (QAction* a : teach->actions())
        if (a->text() == QStringLiteral("&Predict, Then Reveal"))
            predict = a;
    QVERIFY(predict);
    QCOMPARE(predict->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    for (QAction* a : w.findChildren<QAction*>())
        QVERIFY2(a == predict || !a->shortcuts().contains(predict->shortcut()), qPrintable(a->text()));
    // Hidden until asked for; then in front, tabbed with the Lesson dock, with its first question.
    QVERIFY(!w.predictDock()->isVisible());
    predict->trigger();
    QVERIFY(w.predictDock()->isVisible());
    QVERIFY(w.tabifiedDockWidgets(w.lessonDock()).contains(w.predictDock()));
    QVERIFY(w.predictPanel()->questionStep().has_value());
    // The rest of the teacher's tools are there too, in this order.
    QStringList items;
    for (QAction* a : teach->actions())
        items << a->text();
    QCOMPARE(items,
        QStringList({ QStringLiteral("&Lesson and Narration"), QStringLiteral("&Presentation Mode"),
            QStringLiteral("&Predict, Then Reveal"), QStringLiteral("&Compare Policies"), QString(),
            QStringLiteral("Open &Demo") }));
    teach->actions().at(3)->trigger(); // Compare Policies: the textbook policies run
    w.comparePanel()->waitForRun();
    QCOMPARE(w.comparePanel()->variants(), views::ComparePanel::policyVariants());
    QCOMPARE(w.comparePanel()->maps()->count(), 6);
    // The Predict pane's map follows the main map's layout (the textbook demo opens as a block grid).
    QCOMPARE(w.predictPanel()->map()->layoutMode(), views::MemoryMapWidget::Layout::Linear);
    QVERIFY(w.openProject(QStringLiteral(":/demos/textbook-fits.json"), true));
    w.document()->waitForRun();
    QCOMPARE(w.memoryMap()->layoutMode(), views::MemoryMapWidget::Layout::Grid);
    QCOMPARE(w.predictPanel()->map()->layoutMode(), views::MemoryMapWidget::Layout::Grid);
}

QTEST_MAIN(TestMainWindowTeach)
#include "tst_mainwindow_teach.moc"
