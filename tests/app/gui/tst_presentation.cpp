// SPDX-License-Identifier: GPL-2.0-or-later
// Presentation mode in the real main window (docs/teaching.md#presenting): the map and the timeline alone, the
// caption under the map in large type, Page Down / Page Up step, Esc gives the window its docks back.
#include "common/document.h"
#include "demos.h"
#include "lesson/captionband.h"
#include "mainwindow.h"
#include "map/memorymapwidget.h"
#include "timeline/timelinewidget.h"

#include <cmascope/sim/narration.h>

#include <QDockWidget>
#include <QStandardPaths>
#include <QTest>
#include <QToolBar>

using namespace cmascope;

class TestPresentation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // keep the user's settings untouched
    void presentsAndGivesTheWindowBack();
};

namespace {
QStringList visibleDocks(const app::MainWindow& w)
{
    QStringList names;
    for (QDockWidget* dock : w.findChildren<QDockWidget*>())
        if (dock->isVisible())
            names << dock->objectName();
    names.sort();
    return names;
}
} // namespace

void TestPresentation::presentsAndGivesTheWindowBack()
{
    app::MainWindow w;
    w.resize(1366, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    w.document()->waitForRun();
    w.document()->setCurrentStep(8);
    const QStringList docksBefore = visibleDocks(w);
    QVERIFY(docksBefore.contains(QStringLiteral("lessonDock")));
    const qreal mapPoints = w.memoryMap()->font().pointSizeF();

    w.setPresenting(true);
    QVERIFY(w.isPresenting());
    QCOMPARE(visibleDocks(w), QStringList { QStringLiteral("timelineDock") });
    QVERIFY(w.sandboxToolBar()->isHidden());
    QVERIFY(w.caption()->isVisible());
    QVERIFY(w.memoryMap()->font().pointSizeF() > mapPoints * 1.3);
    QTRY_VERIFY(
        w.caption()->plainText().contains(QString::fromStdString(narrate(*w.document()->simulation(), 8).headline)));
    // A presenter's remote: Page Down steps on, Page Up back; the caption follows.
    QTest::keyClick(&w, Qt::Key_PageDown);
    QCOMPARE(w.document()->currentStep(), std::optional<std::size_t>(9));
    QTRY_VERIFY(w.caption()->plainText().contains(QStringLiteral("Step 9 of")));
    QVERIFY(
        w.caption()->plainText().contains(QString::fromStdString(narrate(*w.document()->simulation(), 9).headline)));
    QTest::keyClick(&w, Qt::Key_PageUp);
    QTest::keyClick(&w, Qt::Key_PageUp);
    QCOMPARE(w.document()->currentStep(), std::optional<std::size_t>(7));

    QTest::keyClick(&w, Qt::Key_Escape);
    QVERIFY(!w.isPresenting());
    QVERIFY(!w.caption()->isVisible());
    QTRY_COMPARE(visibleDocks(w), docksBefore);
    QVERIFY(!w.sandboxToolBar()->isHidden());
    QCOMPARE(w.memoryMap()->font().pointSizeF(), mapPoints);
    // Off the presentation the keys are the views' own again: Page Down does not step.
    QTest::keyClick(&w, Qt::Key_PageDown);
    QCOMPARE(w.document()->currentStep(), std::optional<std::size_t>(7));
}

QTEST_MAIN(TestPresentation)
#include "tst_presentation.moc"
