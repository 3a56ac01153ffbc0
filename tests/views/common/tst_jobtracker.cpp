// SPDX-License-Identifier: GPL-2.0-or-later
// The GUI's one job model (views/common/jobtracker.h): results on the GUI thread, stale results dropped,
// cancellation through the core's Progress, a worker's exception delivered with its text.
#include "common/jobtracker.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <stdexcept>
#include <string>

using namespace cmascope;
using namespace cmascope::views;

class TestJobTracker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resultArrivesOnTheGuiThread();
    void newerJobDropsTheOlderResult();
    void cancelStopsTheWorkThroughProgress();
    void exceptionTextReachesTheHandler();
    void discardNeverRunsTheHandler();
    void progressIsReportedInThousandths();
    void destructionWaitsForTheWork();
};

void TestJobTracker::resultArrivesOnTheGuiThread()
{
    QObject context;
    auto* jobs = new JobTracker(&context);
    QThread* worker = nullptr;
    QThread* handler = nullptr;
    std::optional<int> value;
    const quint64 id = jobs->start(
        [&worker](const Progress&) {
            worker = QThread::currentThread();
            return 42;
        },
        [&](JobResult<int> r) {
            handler = QThread::currentThread();
            value = r.value;
            QVERIFY(r.ok());
        });
    QVERIFY(jobs->isRunning());
    QCOMPARE(jobs->currentId(), id);
    jobs->waitForIdle();
    QVERIFY(!jobs->isRunning());
    QCOMPARE(value, 42);
    QCOMPARE(handler, QThread::currentThread());
    QVERIFY(worker != QThread::currentThread());
}

void TestJobTracker::newerJobDropsTheOlderResult()
{
    QObject context;
    auto* jobs = new JobTracker(&context);
    QSignalSpy finished(jobs, &JobTracker::finished);
    std::atomic<bool> release = false;
    std::vector<int> seen;
    const quint64 first = jobs->start(
        [&release](const Progress& progress) {
            while (!release.load() && progress(0, 1)) // stops when cancelled by the newer job
                QThread::msleep(1);
            return 1;
        },
        [&seen](JobResult<int> r) { seen.push_back(r.value.value_or(-1)); });
    const quint64 second = jobs->start(
        [](const Progress&) { return 2; }, [&seen](JobResult<int> r) { seen.push_back(r.value.value_or(-1)); });
    QVERIFY(second > first);
    jobs->waitForIdle();
    QTest::qWait(50); // the first job's end is delivered too, and dropped
    QCOMPARE(seen, std::vector<int> { 2 });
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toULongLong(), second);
}

void TestJobTracker::cancelStopsTheWorkThroughProgress()
{
    QObject context;
    auto* jobs = new JobTracker(&context);
    std::atomic<int> loops = 0;
    std::optional<JobResult<int>> result;
    jobs->start(
        [&loops](const Progress& progress) {
            while (progress(std::uint64_t(loops.load()), 1000000)) {
                ++loops;
                QThread::msleep(1);
            }
            return loops.load();
        },
        [&result](JobResult<int> r) { result = std::move(r); });
    QTRY_VERIFY(loops.load() > 0);
    jobs->cancel();
    jobs->waitForIdle();
    QVERIFY(result);
    QVERIFY(result->cancelled());
    QVERIFY(!result->failed());
}

void TestJobTracker::exceptionTextReachesTheHandler()
{
    QObject context;
    auto* jobs = new JobTracker(&context);
    std::optional<JobResult<int>> result;
    jobs->start([](const Progress&) -> int { throw std::runtime_error("trace.txt line 7: bad pfn"); },
        [&result](JobResult<int> r) { result = std::move(r); });
    jobs->waitForIdle();
    QVERIFY(result);
    QVERIFY(result->failed());
    QVERIFY(!result->cancelled());
    QCOMPARE(result->error, QStringLiteral("trace.txt line 7: bad pfn"));

    result.reset();
    jobs->start(
        [](const Progress&) -> int { throw std::bad_alloc(); }, [&result](JobResult<int> r) { result = std::move(r); });
    jobs->waitForIdle();
    QVERIFY(result && result->failed());
    QCOMPARE(result->error, QStringLiteral("out of memory"));
}

void TestJobTracker::discardNeverRunsTheHandler()
{
    QObject context;
    auto* jobs = new JobTracker(&context);
    QSignalSpy running(jobs, &JobTracker::runningChanged);
    bool ran = false;
    std::atomic<bool> started = false, returned = false;
    jobs->start(
        [&started, &returned](const Progress& progress) {
            started = true;
            while (progress(0, 1))
                QThread::msleep(1);
            returned = true;
            return 0;
        },
        [&ran](JobResult<int>) { ran = true; });
    QTRY_VERIFY(started.load()); // a job cancelled before it starts never runs its work at all
    jobs->discard();
    QVERIFY(!jobs->isRunning());
    QTRY_VERIFY(returned.load());
    QTest::qWait(50);
    QVERIFY(!ran);
    QCOMPARE(running.count(), 2); // started, then idle
    QCOMPARE(running.at(1).at(0).toBool(), false);
}

void TestJobTracker::progressIsReportedInThousandths()
{
    // Qt emits at most a few progress values a second (the first always): one value per job.
    auto reported = [](std::uint64_t done, std::uint64_t total) {
        QObject context;
        auto* jobs = new JobTracker(&context);
        QSignalSpy progress(jobs, &JobTracker::progressChanged);
        jobs->start(
            [done, total](const Progress& p) {
                p(done, total);
                return 0;
            },
            [](JobResult<int>) {});
        jobs->waitForIdle();
        return progress.isEmpty() ? QList<QVariant> {} : progress.last();
    };
    QCOMPARE(reported(1, 4), (QList<QVariant> { 250, 1000 }));
    QCOMPARE(reported(std::uint64_t(1) << 62, std::uint64_t(1) << 63), (QList<QVariant> { 500, 1000 })); // no overflow
    QCOMPARE(reported(0, 0).value(1), QVariant(0)); // busy, no measure
}

void TestJobTracker::destructionWaitsForTheWork()
{
    std::atomic<bool> returned = false;
    {
        QObject context;
        auto* jobs = new JobTracker(&context);
        jobs->start(
            [&returned](const Progress& progress) {
                while (progress(0, 1))
                    QThread::msleep(1);
                QThread::msleep(20);
                returned = true;
                return 0;
            },
            [](JobResult<int>) { QFAIL("a destroyed context's handler must not run"); });
        QTest::qWait(10);
    }
    QVERIFY(returned.load()); // the work had returned before the tracker was gone
    QTest::qWait(20);
}

QTEST_MAIN(TestJobTracker)
#include "tst_jobtracker.moc"
