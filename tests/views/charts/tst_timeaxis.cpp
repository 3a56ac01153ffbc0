// SPDX-License-Identifier: GPL-2.0-or-later
// The time axis and the latency chart (docs/time-and-latency.md) on the real capture k612-busy-retry: the axis is
// offered only when every step has a time; on it the timeline's slider and the over-steps charts run over the
// trace's seconds, the cursor follows the current step in both views, a click goes to the nearest step; the
// latency tab has one point per request with a latency, busy-retried and failed requests in their own series,
// a log scale, and a click on a point makes its request the current step.
#include "charts/chartspanel.h"
#include "charts/latencychart.h"
#include "charts/latencytab.h"
#include "common/document.h"
#include "common/stepaxisbox.h"
#include "support/captures.h"
#include "support/platforms.h"
#include "timeline/timelinewidget.h"

#include <cmascope/replay/replay.h>
#include <cmascope/trace/tracetime.h>

#include <QAbstractScrollArea>
#include <QLabel>
#include <QSlider>
#include <QTest>
#include <QtCharts/QChartView>

#include <memory>

using namespace cmascope;
using namespace cmascope::views;

namespace {

/// A trace shown as the app shows it: the replay's project with the replay kept by the document.
struct TraceFixture
{
    Document doc;
    QWidget window;
    TimelineWidget* timeline = nullptr;
    ChartsPanel* charts = nullptr;
    std::shared_ptr<const ReplayResult> replay;

    explicit TraceFixture(const QByteArray& capture = "k612-busy-retry")
    {
        timeline = new TimelineWidget(&doc, &window);
        charts = new ChartsPanel(&doc, &window);
        timeline->setGeometry(0, 0, 1400, 40);
        charts->setGeometry(0, 40, 1400, 560);
        window.resize(1400, 600);
        window.show();
        const auto dir = test::captureDir(capture);
        auto r = replayTraceFile(test::traceFile(dir), test::bootInputs(dir));
        if (!r.ok())
            qFatal("%s", r.error.c_str());
        replay = std::make_shared<const ReplayResult>(std::move(r.result));
        doc.setProject(replayProject(*replay, capture.toStdString()), {}, Document::StartAt::FirstStep, replay);
        doc.waitForRun();
        charts->waitForSeries();
    }
    double secondsOfStep(std::size_t step) const { return double(doc.simulation()->scenario().timesNs[step]) / 1e9; }
};

QWidget* viewport(QWidget* w)
{
    auto* area = qobject_cast<QAbstractScrollArea*>(w);
    return area ? area->viewport() : w;
}

} // namespace

class TestTimeAxis : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void offeredOnlyWithTimes();
    void chartsOnTimeAxis();
    void timelineOnTimeAxis();
    void clickOnTimeAxis();
    void latencyPoints();
    void latencyClickAndLogScale();
};

void TestTimeAxis::offeredOnlyWithTimes()
{
    Document doc;
    QWidget window;
    auto* timeline = new TimelineWidget(&doc, &window);
    auto* charts = new ChartsPanel(&doc, &window);
    window.show();
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    QVERIFY(!doc.hasStepTimes());
    doc.setStepAxisMode(StepAxisMode::Time); // chosen, but there are no times: steps are shown
    QCOMPARE(doc.stepAxisMode(), StepAxisMode::Steps);
    QVERIFY(!doc.stepAxis().isTime());
    auto* demoBox = charts->findChild<StepAxisBox*>();
    QVERIFY(demoBox);
    QVERIFY(!demoBox->isVisibleTo(charts));
    QVERIFY(!timeline->isTimeAxis());
    // A project is not a trace: no latency tab.
    auto* tabs = charts->findChild<QTabWidget*>();
    QVERIFY(tabs && !tabs->isTabVisible(ChartsPanel::Latency));

    TraceFixture t;
    QVERIFY(t.doc.hasStepTimes());
    auto* box = t.charts->findChild<StepAxisBox*>();
    QVERIFY(box->isVisibleTo(t.charts));
    QCOMPARE(box->currentData().toInt(), int(StepAxisMode::Steps));
    // Choosing Time in the box changes the document, so every view follows (the timeline too).
    box->setCurrentIndex(box->findData(int(StepAxisMode::Time)));
    Q_EMIT box->activated(box->currentIndex());
    QCOMPARE(t.doc.stepAxisMode(), StepAxisMode::Time);
    QVERIFY(t.timeline->isTimeAxis());
    t.doc.setStepAxisMode(StepAxisMode::Steps);
    QCOMPARE(box->currentData().toInt(), int(StepAxisMode::Steps));
}

void TestTimeAxis::chartsOnTimeAxis()
{
    TraceFixture t;
    const Simulation& sim = *t.doc.simulation();
    const std::size_t steps = sim.stepCount();
    QVERIFY(steps > 40);
    t.doc.setCurrentStep(steps / 2);
    QCOMPARE(*t.charts->cursorPosition(), double(steps / 2)); // the step axis: x = step
    t.doc.setStepAxisMode(StepAxisMode::Time);
    // Every plotted x is a step's time in seconds (or the first step's, for the state before step 0), in order.
    const QList<QPointF> used = t.charts->plotPoints(ChartsPanel::UsedPlot);
    QVERIFY(!used.isEmpty());
    const double first = t.secondsOfStep(0), last = t.secondsOfStep(steps - 1);
    for (qsizetype i = 0; i < used.size(); ++i) {
        QVERIFY(used[i].x() >= first - 1e-9 && used[i].x() <= last + 1e-9);
        if (i > 0)
            QVERIFY(used[i].x() >= used[i - 1].x());
    }
    // The stairs: a new value starts at its step's time, so a rise is vertical.
    bool vertical = false;
    for (qsizetype i = 1; i < used.size() && !vertical; ++i)
        vertical = used[i].x() == used[i - 1].x() && used[i].y() != used[i - 1].y();
    QVERIFY(vertical);
    // The cursor is at the current step's time, and follows it.
    QCOMPARE(*t.charts->cursorPosition(), t.secondsOfStep(steps / 2));
    t.doc.setCurrentStep(10);
    QCOMPARE(*t.charts->cursorPosition(), t.secondsOfStep(10));
    QCOMPARE(*t.charts->latencyTab()->chart()->cursor(), t.secondsOfStep(10));
    // Back to steps: everything as before.
    t.doc.setStepAxisMode(StepAxisMode::Steps);
    QCOMPARE(*t.charts->cursorPosition(), 10.0);
    QCOMPARE(*t.charts->latencyTab()->chart()->cursor(), 10.0);
}

void TestTimeAxis::timelineOnTimeAxis()
{
    TraceFixture t;
    const std::size_t steps = t.doc.stepCount();
    auto* slider = t.timeline->findChild<QSlider*>();
    auto* label = t.timeline->findChild<QLabel*>(QStringLiteral("timelineStep"));
    QCOMPARE(slider->maximum(), int(steps));
    t.doc.setStepAxisMode(StepAxisMode::Time);
    // Microseconds from the first step's time to the last's.
    const auto& times = t.doc.simulation()->scenario().timesNs;
    QCOMPARE(slider->minimum(), 0);
    QCOMPARE(slider->maximum(), int((times.back() - times.front()) / 1000));
    for (std::size_t step : { std::size_t(0), steps / 3, steps - 1 }) {
        t.doc.setCurrentStep(step);
        QCOMPARE(slider->value(), int((times[step] - times.front()) / 1000));
        QVERIFY2(label->text().contains(QString::fromStdString(traceTimeText(times[step]))), qPrintable(label->text()));
        // The slider's value names a step with the same time (steps in one microsecond share a value; the left
        // end is before step 0).
        const std::size_t p = t.timeline->positionOfSliderValue(slider->value());
        if (slider->value() > 0)
            QCOMPARE(times[p - 1], times[step]);
    }
    // Moving the slider moves the document to the step nearest that time; the left end is before step 0.
    slider->setValue(slider->maximum());
    QCOMPARE(times[t.doc.position() - 1], times.back());
    slider->setValue(0);
    QCOMPARE(t.doc.position(), std::size_t(0));
    // A gap: the longest stretch between two steps takes that share of the slider.
    std::size_t gapStep = 1;
    for (std::size_t i = 1; i < steps; ++i)
        if (times[i] - times[i - 1] > times[gapStep] - times[gapStep - 1])
            gapStep = i;
    const int mid = int((times[gapStep - 1] + (times[gapStep] - times[gapStep - 1]) / 4 - times.front()) / 1000);
    slider->setValue(mid);
    QCOMPARE(t.doc.currentStep(), std::optional<std::size_t>(gapStep - 1)); // still the step before the gap
}

void TestTimeAxis::clickOnTimeAxis()
{
    TraceFixture t;
    t.doc.setStepAxisMode(StepAxisMode::Time);
    t.charts->waitForSeries();
    const std::size_t target = t.doc.stepCount() * 3 / 4;
    const double x = t.secondsOfStep(target);
    QWidget* vp = viewport(t.charts->chartWidget(ChartsPanel::UsageOverSteps));
    QTest::mouseClick(vp, Qt::LeftButton, {}, t.charts->chartPoint(ChartsPanel::UsageOverSteps, x));
    // One pixel spans some microseconds: the step reached has the time nearest the click's.
    QVERIFY(t.doc.currentStep());
    const double reached = t.secondsOfStep(*t.doc.currentStep());
    const double span = t.secondsOfStep(t.doc.stepCount() - 1) - t.secondsOfStep(0);
    QVERIFY2(std::abs(reached - x) <= span / 500, qPrintable(QStringLiteral("%1 vs %2").arg(reached).arg(x)));
}

void TestTimeAxis::latencyPoints()
{
    TraceFixture t;
    LatencyChart* chart = t.charts->latencyTab()->chart();
    std::size_t allocated = 0, busy = 0, failed = 0;
    for (const ReplayRequest& q : t.replay->requests) {
        if (!q.hasLatency())
            continue;
        (!q.succeeded ? failed : q.busyRetries ? busy : allocated) += 1;
    }
    QVERIFY(busy > 0 && failed > 0 && allocated > 0);
    QCOMPARE(std::size_t(chart->points(LatencyChart::Allocated).size()), allocated);
    QCOMPARE(std::size_t(chart->points(LatencyChart::BusyRetried).size()), busy);
    QCOMPARE(std::size_t(chart->points(LatencyChart::Failed).size()), failed);
    QCOMPARE(chart->stats().requests, std::uint64_t(allocated + busy + failed));
    // Each point is its request's step and latency in ms.
    for (int k = 0; k < LatencyChart::KindCount; ++k) {
        const auto pts = chart->points(LatencyChart::Kind(k));
        for (qsizetype i = 0; i < pts.size(); ++i) {
            const std::size_t step = chart->stepOfPoint(LatencyChart::Kind(k), std::size_t(i));
            const ReplayRequest* q = t.replay->requestAtStep(step);
            QVERIFY(q);
            QCOMPARE(pts[i].x(), double(step));
            QCOMPARE(pts[i].y(), double(q->latencyNs()) / 1e6);
        }
    }
    QVERIFY(t.charts->latencyTab()->statsText().contains(QString::fromStdString(latencyText(chart->stats().maxNs))));
    // On the time axis the points move to their requests' times.
    t.doc.setStepAxisMode(StepAxisMode::Time);
    const auto failedPts = chart->points(LatencyChart::Failed);
    QCOMPARE(failedPts[0].x(), t.secondsOfStep(chart->stepOfPoint(LatencyChart::Failed, 0)));
}

void TestTimeAxis::latencyClickAndLogScale()
{
    TraceFixture t;
    t.charts->setCurrentChart(ChartsPanel::Latency);
    QTest::qWait(50);
    LatencyChart* chart = t.charts->latencyTab()->chart();
    // The slowest busy-retried request: click it.
    const auto pts = chart->points(LatencyChart::BusyRetried);
    qsizetype slowest = 0;
    for (qsizetype i = 1; i < pts.size(); ++i)
        if (pts[i].y() > pts[slowest].y())
            slowest = i;
    const std::size_t step = chart->stepOfPoint(LatencyChart::BusyRetried, std::size_t(slowest));
    QVERIFY(t.doc.currentStep() != step);
    auto* view = t.charts->latencyTab()->view();
    const QPoint at = view->mapFromScene(chart->scenePoint(LatencyChart::BusyRetried, std::size_t(slowest)));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(t.doc.currentStep(), std::optional<std::size_t>(step));
    // Log scale: the same points; latencies under 1 us at 1 us.
    t.charts->latencyTab()->setLogScale(true);
    QVERIFY(chart->isLogScale());
    const auto logPts = chart->points(LatencyChart::BusyRetried);
    QCOMPARE(logPts.size(), pts.size());
    for (qsizetype i = 0; i < pts.size(); ++i)
        QCOMPARE(logPts[i].y(), std::max(pts[i].y(), 0.001));
    QVERIFY(chart->axes(Qt::Vertical).size() == 1);
    t.charts->latencyTab()->setLogScale(false);
    QVERIFY(!chart->isLogScale());
}

QTEST_MAIN(TestTimeAxis)
#include "tst_timeaxis.moc"
