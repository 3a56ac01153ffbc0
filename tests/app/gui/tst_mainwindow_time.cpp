// SPDX-License-Identifier: GPL-2.0-or-later
// The main window's time axis and trace comparison (docs/time-and-latency.md): View > Time Axis is offered only
// for a run with times and moves the timeline and the charts together; the choice is saved in the project's view
// state and restored; File > Compare with Another Trace… is enabled only while a trace is shown and its dialog
// moves the window to the first differing request.
#include "charts/chartspanel.h"
#include "common/document.h"
#include "common/stepaxisbox.h"
#include "compare/tracepairdialog.h"
#include "demos.h"
#include "mainwindow.h"
#include "timeline/timelinewidget.h"

#include <cmascope/sim/simulator.h>

#include <QAction>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace cmascope;

namespace {
const QString kBusy = QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k612-busy-retry/trace.txt");
const QString kMixed = QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k612-reserved-mixed/trace.txt");
} // namespace

class TestMainWindowTime : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void timeAxisAction();
    void timeAxisIsSaved();
    void compareWithAnotherTrace();
};

void TestMainWindowTime::timeAxisAction()
{
    app::MainWindow w;
    auto* time = w.findChild<QAction*>(QStringLiteral("timeAxisAction"));
    QVERIFY(time);
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    w.document()->waitForRun();
    QVERIFY(!time->isEnabled()); // the demo has no times
    w.openTrace(kBusy, true);
    w.document()->waitForRun();
    QVERIFY(time->isEnabled());
    QVERIFY(!time->isChecked());
    time->trigger();
    QCOMPARE(w.document()->stepAxisMode(), views::StepAxisMode::Time);
    QVERIFY(w.timeline()->isTimeAxis());
    auto* box = w.charts()->findChild<views::StepAxisBox*>();
    QCOMPARE(box->currentData().toInt(), int(views::StepAxisMode::Time));
    // The charts' box sets the same choice back: the menu follows.
    box->setCurrentIndex(box->findData(int(views::StepAxisMode::Steps)));
    Q_EMIT box->activated(box->currentIndex());
    QVERIFY(!time->isChecked());
    QVERIFY(!w.timeline()->isTimeAxis());
}

void TestMainWindowTime::timeAxisIsSaved()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("trace-project.json"));
    {
        app::MainWindow w;
        w.openTrace(kBusy, true);
        w.document()->waitForRun();
        w.document()->setStepAxisMode(views::StepAxisMode::Time);
        QVERIFY(w.saveProjectAs(path, true));
    }
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject view = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("view")).toObject();
    QCOMPARE(view.value(QStringLiteral("axis")).toString(), QStringLiteral("time"));
    // The saved project keeps the trace's times: it opens on the time axis.
    app::MainWindow w;
    QVERIFY(w.openProject(path, true));
    w.document()->waitForRun();
    QVERIFY(w.document()->hasStepTimes());
    QCOMPARE(w.document()->stepAxisMode(), views::StepAxisMode::Time);
    QVERIFY(w.timeline()->isTimeAxis());
    w.charts()->waitForSeries();
    const auto step = w.document()->currentStep();
    QVERIFY(step && w.charts()->cursorPosition());
    QCOMPARE(*w.charts()->cursorPosition(), double(w.document()->simulation()->scenario().timesNs[*step]) / 1e9);
}

void TestMainWindowTime::compareWithAnotherTrace()
{
    app::MainWindow w;
    auto* action = w.findChild<QAction*>(QStringLiteral("compareTracesAction"));
    QVERIFY(action);
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    QVERIFY(!action->isEnabled());
    QVERIFY(!w.compareWithTrace(kMixed));
    w.openTrace(kBusy, true);
    w.document()->waitForRun();
    QVERIFY(action->isEnabled());
    views::TracePairDialog* dialog = w.compareWithTrace(kMixed);
    QVERIFY(dialog && dialog->isVisible());
    dialog->waitForResult();
    QVERIFY2(dialog->result(), qPrintable(dialog->statusText()));
    QVERIFY(dialog->result()->failuresIncreased());
    QVERIFY(dialog->result()->firstDifference);
    QTest::mouseClick(dialog->goButton(), Qt::LeftButton);
    QCOMPARE(w.document()->currentStep(), dialog->result()->firstDifference->stepA);
}

QTEST_MAIN(TestMainWindowTime)
#include "tst_mainwindow_time.moc"
