// SPDX-License-Identifier: GPL-2.0-or-later
// The late-start bar in the real main window (docs/late-start.md): shown above the map for a trace whose
// recording began after boot, with what was detected, the inferred pages and the predicted placements;
// gone once the trace is replayed from the debugfs snapshot taken when tracing began; absent for traces
// recorded from boot and for projects. Checking against the snapshots reports in the same bar.
#include "common/document.h"
#include "demos.h"
#include "inspector/failureinspector.h"
#include "lesson/lessonpanel.h"
#include "mainwindow.h"
#include "trace/tracebanner.h"

#include <cmascope/replay/replay.h>

#include <QDockWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace cmascope;

namespace {
const QString kLate = QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k612-nvme-late");
}

class TestMainWindowTrace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // keep the user's settings untouched

    void lateStartBar()
    {
        app::MainWindow w;
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        views::TraceBanner* bar = w.traceBanner();
        QVERIFY(bar);
        QVERIFY(bar->isHidden());

        w.openTrace(kLate + QStringLiteral("/trace.txt"), true);
        w.document()->waitForRun();
        const ReplayResult* replay = w.document()->replay();
        QVERIFY(replay);
        QVERIFY(replay->lateStart.detected);
        QVERIFY(replay->lateStart.inferred);
        QVERIFY(bar->isVisible());
        const QString text = bar->text();
        QVERIFY2(
            text.contains(QStringLiteral("Tracing began after the kernel had made allocations")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Inferred <b>%1 pages</b>").arg(replay->lateStart.inferredPages)),
            qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("<b>53 of 53</b> (without inference: 1 of 53)")), qPrintable(text));
        QVERIFY(bar->seedButton()->isVisible());
        QVERIFY(bar->checkButton()->isVisible());
        QSignalSpy seed(bar, &views::TraceBanner::seedRequested);
        QSignalSpy check(bar, &views::TraceBanner::checkRequested);
        // the buttons ask the window (file dialogs are not opened here: the window's slots are driven directly)
        QObject::disconnect(bar, &views::TraceBanner::seedRequested, &w, nullptr);
        QObject::disconnect(bar, &views::TraceBanner::checkRequested, &w, nullptr);
        bar->seedButton()->click();
        bar->checkButton()->click();
        QCOMPARE(seed.count(), 1);
        QCOMPARE(check.count(), 1);

        // inferred: the snapshots differ only where nothing in the trace tells (docs/late-start.md)
        w.checkTraceSnapshots(kLate + QStringLiteral("/snapshots"), true);
        QVERIFY2(bar->text().contains(QStringLiteral("differs from the board")), qPrintable(bar->text()));

        // seeded from the snapshot taken when tracing began: exact, nothing late, the bar goes
        w.reopenTraceSeeded(kLate + QStringLiteral("/snapshots/00-start"), true);
        w.document()->waitForRun();
        QVERIFY(w.document()->replay());
        QVERIFY(!w.document()->replay()->lateStart.detected);
        QCOMPARE(w.document()->replay()->divergenceCount, std::uint64_t(0));
        QVERIFY(bar->isHidden());
        // ... and checking against every snapshot now finds no difference, in the same bar
        w.checkTraceSnapshots(kLate + QStringLiteral("/snapshots"), true);
        QVERIFY(bar->isVisible());
        QVERIFY2(bar->text().contains(QStringLiteral("Snapshots match the replay")), qPrintable(bar->text()));
        QVERIFY2(bar->text().contains(QStringLiteral("7 checkpoints, 7 area states compared, 0 differences")),
            qPrintable(bar->text()));
    }

    void noBarForCleanTracesAndProjects()
    {
        app::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openTrace(kLate + QStringLiteral("/trace.txt"), true);
        QVERIFY(w.traceBanner()->isVisible());
        w.openTrace(QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt"), true);
        w.document()->waitForRun();
        QVERIFY(w.traceBanner()->isHidden());
        w.openTrace(kLate + QStringLiteral("/trace.txt"), true);
        QVERIFY(w.traceBanner()->isVisible());
        QVERIFY(w.openProject(app::defaultDemoPath(), true));
        QVERIFY(w.traceBanner()->isHidden());
    }

    /// A demo with a lesson opens with the Lesson pane in front; a replayed trace (its scenario has a generated
    /// description) with the failure inspector in front, the Lesson pane's narration one tab away.
    void inspectorInFrontForTraces()
    {
        app::MainWindow w;
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openProject(app::defaultDemoPath(), true));
        w.document()->waitForRun();
        // Tabbed docks all say isVisible(); the one in front is the one with something on screen.
        QTRY_VERIFY(!w.lessonPanel()->visibleRegion().isEmpty());
        QVERIFY(w.inspector()->visibleRegion().isEmpty());
        w.openTrace(QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k612-busy-retry/trace.txt"), true);
        w.document()->waitForRun();
        QTRY_VERIFY(!w.inspector()->visibleRegion().isEmpty());
        QVERIFY(w.lessonPanel()->visibleRegion().isEmpty());
        QVERIFY(!w.lessonDock()->isHidden()); // still there, behind
    }
};

QTEST_MAIN(TestMainWindowTrace)
#include "tst_mainwindow_trace.moc"
