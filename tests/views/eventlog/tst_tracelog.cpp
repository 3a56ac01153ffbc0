// SPDX-License-Identifier: GPL-2.0-or-later
// The event log of a replayed kernel trace (issue 13, docs/event-log.md): every row names its task, requests
// show CPU, errno, page order, busy retries, latency and an outcome with its cause; times print as the trace
// does; tasks, busy requests and causes filter; find next / previous wraps; bookmarks.
#include "common/document.h"
#include "eventlog/logfinder.h"
#include "eventlog/stepbookmarks.h"
#include "eventlog/steptablemodel.h"
#include "eventlog/tracecells.h"
#include "support/captures.h"
#include "support/platforms.h"

#include <cmascope/replay/replay.h>

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <sstream>

using namespace cmascope;
using namespace cmascope::views;
using Filter = StepFilterProxy::OutcomeFilter;

namespace {

/// A capture replayed with its boot log and shown the way the app shows a trace (with its replay).
struct TraceLog
{
    Document doc;
    StepTableModel model { &doc };
    StepFilterProxy proxy;
    std::shared_ptr<const ReplayResult> replay;
    std::vector<std::string> lines; ///< the trace's text, line 1 at index 1

    explicit TraceLog(const QByteArray& capture, const char* file = nullptr)
    {
        const auto dir = test::captureDir(capture);
        const auto path = file ? dir / file : test::traceFile(dir);
        ReplayFileResult r = replayTraceFile(path, test::bootInputs(dir));
        if (!r.ok())
            qFatal("%s", r.error.c_str());
        replay = std::make_shared<const ReplayResult>(std::move(r.result));
        proxy.setSourceModel(&model);
        doc.setProject(replayProject(*replay, capture.toStdString()), {}, Document::StartAt::FirstStep, replay);
        doc.waitForRun();
        std::istringstream in(test::slurp(file ? dir / "trace-cmd-report.txt" : test::traceFile(dir)));
        lines.emplace_back();
        for (std::string line; std::getline(in, line);)
            lines.push_back(line);
    }
    QString cell(int step, int column) const { return model.index(step, column).data().toString(); }
    /// The timeline step of request @p index.
    int stepOfRequest(std::size_t index) const
    {
        for (std::size_t s = 0; s < replay->timeline.size(); ++s)
            if (replay->timeline[s].kind == TimelineEntry::Request && replay->timeline[s].index == index)
                return int(s);
        return -1;
    }
    QList<int> shownSteps() const
    {
        QList<int> steps;
        for (int r = 0; r < proxy.rowCount(); ++r)
            steps << proxy.sourceRowAt(r);
        return steps;
    }
};

} // namespace

class TestTraceLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void timeIsPrintedLikeTrace_data();
    void timeIsPrintedLikeTrace();
    void datTimesAreTraceCmds();
    void everyRowHasItsTask_data();
    void everyRowHasItsTask();
    void busyFailureShowsCauseAndRetries();
    void successAfterRetries();
    void traceColumnsEmptyForProjects();
    void pidOfTask_data();
    void pidOfTask();
    void outcomeFilters_data();
    void outcomeFilters();
    void taskFilterKeepsReleases();
    void findWrapsAround();
    void findOnlyInShownRows();
    void findOverAMillionRows();
    void bookmarks();
    void bookmarkMarksRowWithoutResorting();
};

void TestTraceLog::timeIsPrintedLikeTrace_data()
{
    QTest::addColumn<qulonglong>("ns");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0ull << QStringLiteral("0.000000");
    QTest::newRow("exact") << 5641592000ull << QStringLiteral("5.641592");
    QTest::newRow("rounds up") << 2435777500ull << QStringLiteral("2.435778");
    QTest::newRow("rounds down") << 2435777499ull << QStringLiteral("2.435777");
    QTest::newRow("carries into seconds") << 1999999500ull << QStringLiteral("2.000000");
    QTest::newRow("large") << 123456789012345678ull << QStringLiteral("123456789.012346");
}

void TestTraceLog::timeIsPrintedLikeTrace()
{
    QFETCH(qulonglong, ns);
    QFETCH(QString, text);
    tracecells::Buffer buf;
    QCOMPARE(QString::fromStdString(std::string(tracecells::time(buf, ns))), text);
}

void TestTraceLog::datTimesAreTraceCmds()
{
    // trace.dat has nanoseconds: every request's time prints as `trace-cmd report` prints its finish.
    TraceLog log("k61-nvme", "trace.dat.gz");
    std::string report;
    for (const std::string& line : log.lines)
        report += line + '\n';
    int checked = 0;
    for (std::size_t s = 0; s < log.replay->timeline.size(); ++s) {
        const ReplayRequest* q = log.replay->requestAtStep(s);
        if (!q || !q->finishLine)
            continue;
        const std::string time = log.cell(int(s), StepTableModel::TimeColumn).toStdString();
        QVERIFY2(report.find(" " + time + ": cma_alloc_finish") != std::string::npos, time.c_str());
        ++checked;
    }
    QVERIFY(checked > 100);
}

void TestTraceLog::everyRowHasItsTask_data()
{
    QTest::addColumn<QByteArray>("capture");
    for (const char* c : { "k612-busy-retry", "k61-nvme", "k612-reserved-mixed", "k612-hugetlb-opb9", "k612-dt-numa" })
        QTest::newRow(c) << QByteArray(c);
}

void TestTraceLog::everyRowHasItsTask()
{
    QFETCH(QByteArray, capture);
    TraceLog log(capture);
    QAbstractItemModelTester tester(&log.model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&log.proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(log.model.trace());
    QCOMPARE(log.model.headerData(StepTableModel::DeviceColumn, Qt::Horizontal).toString(), QStringLiteral("Task"));
    const auto& steps = log.doc.simulation()->scenario().steps;
    int releases = 0, requests = 0;
    for (std::size_t s = 0; s < steps.size(); ++s) {
        const int row = int(s);
        if (steps[s].type == StepType::Release) {
            ++releases;
            QVERIFY2(!log.cell(row, StepTableModel::DeviceColumn).isEmpty(), qPrintable(QString::number(row)));
        }
        // The PID column is the task's pid, releases included ("comm-pid" as the trace names it).
        if (StepTableModel::showsDevice(steps[s].type)) {
            const QString task = log.cell(row, StepTableModel::DeviceColumn);
            QCOMPARE(log.cell(row, StepTableModel::PidColumn), task.mid(task.lastIndexOf(QLatin1Char('-')) + 1));
        } else {
            QVERIFY(log.cell(row, StepTableModel::PidColumn).isEmpty());
        }
        const ReplayRequest* q = log.replay->requestAtStep(s);
        if (!q)
            continue;
        ++requests;
        // The task, the page order (successes too) and the time printed exactly as the trace line has it.
        QCOMPARE(log.cell(row, StepTableModel::DeviceColumn), QString::fromStdString(log.replay->tasks[q->task]));
        QVERIFY(log.cell(row, StepTableModel::AlignColumn).startsWith(QStringLiteral("order %1").arg(q->align)));
        if (q->finishLine) {
            const std::string& line = log.lines.at(q->finishLine);
            QVERIFY2(line.find(" " + log.cell(row, StepTableModel::TimeColumn).toStdString() + ": cma_alloc_finish")
                    != std::string::npos,
                line.c_str());
            QCOMPARE(log.cell(row, StepTableModel::CpuColumn).toInt(), q->cpu);
        }
        const QString outcome = log.cell(row, StepTableModel::OutcomeColumn);
        QVERIFY(outcome.startsWith(q->succeeded ? QStringLiteral("allocated") : QStringLiteral("failed")));
        if (q->hasLatency())
            QVERIFY(log.cell(row, StepTableModel::LatencyColumn).endsWith(QStringLiteral(" ms")));
    }
    QVERIFY(requests > 0);
    QVERIFY(releases > 0);
    // sorted by PID, numerically (9 before 145), rows without a task first
    log.proxy.sort(StepTableModel::PidColumn, Qt::AscendingOrder);
    qlonglong previous = -1;
    for (int r = 0; r < log.proxy.rowCount(); ++r) {
        const QString text = log.proxy.index(r, StepTableModel::PidColumn).data().toString();
        const qlonglong pid = text.isEmpty() ? -1 : text.toLongLong();
        QVERIFY2(pid >= previous, qPrintable(QStringLiteral("row %1: %2 after %3").arg(r).arg(pid).arg(previous)));
        previous = pid;
    }
}

void TestTraceLog::pidOfTask_data()
{
    QTest::addColumn<QString>("task");
    QTest::addColumn<qlonglong>("pid"); // -1: none
    QTest::newRow("plain") << QStringLiteral("init-145") << 145ll;
    QTest::newRow("dash in comm") << QStringLiteral("kworker/u4:0-9") << 9ll;
    QTest::newRow("swapper") << QStringLiteral("swapper/0-1") << 1ll;
    QTest::newRow("no pid") << QStringLiteral("init") << -1ll;
    QTest::newRow("empty pid") << QStringLiteral("init-") << -1ll;
    QTest::newRow("not a number") << QStringLiteral("a-b") << -1ll;
    QTest::newRow("too long") << QStringLiteral("x-123456789012345678901") << -1ll;
}

void TestTraceLog::pidOfTask()
{
    QFETCH(QString, task);
    QFETCH(qlonglong, pid);
    const auto got = StepTableModel::pidOfTask(task.toStdString());
    QCOMPARE(got.has_value(), pid >= 0);
    if (got)
        QCOMPARE(qlonglong(*got), pid);
}

void TestTraceLog::busyFailureShowsCauseAndRetries()
{
    TraceLog log("k612-busy-retry");
    // The 2 MiB request that failed with -16 after 77 busy retries (traces/README.md).
    int found = -1;
    for (std::size_t i = 0; i < log.replay->requests.size(); ++i) {
        const ReplayRequest& q = log.replay->requests[i];
        if (!q.succeeded && q.busyRetries == 77 && q.errorno == -16)
            found = log.stepOfRequest(i);
    }
    QVERIFY(found >= 0);
    QCOMPARE(log.cell(found, StepTableModel::OutcomeColumn), QStringLiteral("failed: busy"));
    QCOMPARE(log.cell(found, StepTableModel::RetriesColumn), QStringLiteral("77"));
    QCOMPARE(log.cell(found, StepTableModel::ErrnoColumn), QStringLiteral("-16 EBUSY"));
    QCOMPARE(log.cell(found, StepTableModel::AlignColumn), QStringLiteral("order 9 (2 MiB)"));
    QCOMPARE(log.cell(found, StepTableModel::DeviceColumn), QStringLiteral("init-145"));
    QCOMPARE(log.model.index(found, StepTableModel::RetriesColumn).data(StepTableModel::SortRole).toULongLong(), 77u);
    // Found by what the cells say: the errno's name, the cause.
    LogFinder finder(&log.model, &log.proxy);
    QVERIFY(finder.find(QStringLiteral("ebusy"), -1, true) >= 0);
    log.proxy.setTextFilter(QStringLiteral("failed: busy"));
    QVERIFY(log.shownSteps().contains(found));
}

void TestTraceLog::successAfterRetries()
{
    TraceLog log("k612-busy-retry");
    int checked = 0;
    for (std::size_t i = 0; i < log.replay->requests.size(); ++i) {
        const ReplayRequest& q = log.replay->requests[i];
        if (!q.succeeded || !q.busyRetries)
            continue;
        const QString expected = q.busyRetries == 1
            ? QStringLiteral("allocated after 1 busy retry")
            : QStringLiteral("allocated after %1 busy retries").arg(q.busyRetries);
        QCOMPARE(log.cell(log.stepOfRequest(i), StepTableModel::OutcomeColumn), expected);
        ++checked;
    }
    QVERIFY(checked > 0); // "small ones succeeding after one retry"
}

void TestTraceLog::traceColumnsEmptyForProjects()
{
    Document doc;
    StepTableModel model(&doc);
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    QVERIFY(!model.trace());
    QCOMPARE(model.headerData(StepTableModel::DeviceColumn, Qt::Horizontal).toString(), QStringLiteral("Device"));
    for (int r = 0; r < model.rowCount(); ++r)
        for (int c = 0; c < StepTableModel::ColumnCount; ++c)
            if (StepTableModel::isTraceColumn(c))
                QVERIFY(model.index(r, c).data().toString().isEmpty());
}

void TestTraceLog::outcomeFilters_data()
{
    QTest::addColumn<QByteArray>("capture");
    QTest::addColumn<int>("filter");
    for (const char* c : { "k612-busy-retry", "k612-hugetlb-opb9", "k61-nvme" })
        for (int f = int(Filter::Busy); f <= int(Filter::CauseUnexplained); ++f)
            QTest::addRow("%s filter %d", c, f) << QByteArray(c) << f;
}

void TestTraceLog::outcomeFilters()
{
    QFETCH(QByteArray, capture);
    QFETCH(int, filter);
    TraceLog log(capture);
    QList<int> expected;
    for (std::size_t s = 0; s < log.replay->timeline.size(); ++s) {
        const ReplayRequest* q = log.replay->requestAtStep(s);
        if (!q)
            continue;
        const bool in = filter == int(Filter::Busy) ? q->busyRetries > 0
                                                    : q->complete && !q->succeeded
                && int(q->cause) == filter - int(Filter::CauseTooSmall) + int(FailureCause::TooSmall);
        if (in)
            expected << int(s);
    }
    log.proxy.setOutcomeFilter(Filter(filter));
    QCOMPARE(log.shownSteps(), expected);
    if (capture == "k612-busy-retry" && (filter == int(Filter::Busy) || filter == int(Filter::CauseBusy)))
        QVERIFY(!expected.isEmpty());
}

void TestTraceLog::taskFilterKeepsReleases()
{
    TraceLog log("k612-busy-retry");
    const QString task = QStringLiteral("init-145");
    log.proxy.setDeviceFilter(task);
    const auto& steps = log.doc.simulation()->scenario().steps;
    int releases = 0;
    for (const int s : log.shownSteps()) {
        QCOMPARE(log.cell(s, StepTableModel::DeviceColumn), task);
        releases += steps[std::size_t(s)].type == StepType::Release;
    }
    QVERIFY(releases > 0);
    int all = 0;
    for (int r = 0; r < log.model.rowCount(); ++r)
        all += log.cell(r, StepTableModel::DeviceColumn) == task;
    QCOMPARE(log.proxy.rowCount(), all);
}

void TestTraceLog::findWrapsAround()
{
    TraceLog log("k612-busy-retry");
    LogFinder finder(&log.model, &log.proxy);
    QList<int> matches; // every shown row with a cell containing "-16"
    for (int r = 0; r < log.proxy.rowCount(); ++r)
        for (int c = 0; c < StepTableModel::ColumnCount; ++c)
            if (log.proxy.index(r, c).data().toString().contains(QStringLiteral("-16"))) {
                matches << r;
                break;
            }
    QVERIFY(matches.size() > 2);
    int row = -1;
    for (int i = 0; i < matches.size(); ++i) {
        row = finder.find(QStringLiteral("-16"), row, true);
        QCOMPARE(row, matches[i]);
        QVERIFY(!finder.wrapped());
    }
    QCOMPARE(finder.find(QStringLiteral("-16"), row, true), matches.front()); // past the end: the first again
    QVERIFY(finder.wrapped());
    QCOMPARE(finder.find(QStringLiteral("-16"), matches.front(), false), matches.back()); // and backwards
    QVERIFY(finder.wrapped());
    QCOMPARE(finder.find(QStringLiteral("-16"), matches.back(), false), matches[matches.size() - 2]);
    QCOMPARE(finder.find(QStringLiteral("-16"), -1, false), matches.back());
    QCOMPARE(finder.find(QStringLiteral("no such text"), -1, true), -1);
    QCOMPARE(finder.find(QString(), -1, true), -1);
}

void TestTraceLog::findOnlyInShownRows()
{
    TraceLog log("k612-busy-retry");
    LogFinder finder(&log.model, &log.proxy);
    log.proxy.setOutcomeFilter(Filter::Frees); // releases: no "-16" in them
    QCOMPARE(finder.find(QStringLiteral("-16"), -1, true), -1);
    log.proxy.setOutcomeFilter(Filter::All);
    log.proxy.sort(StepTableModel::StepColumn, Qt::DescendingOrder); // the order shown: the last failure first
    const int row = finder.find(QStringLiteral("-16"), -1, true);
    QVERIFY(row >= 0);
    int last = -1;
    for (int s = 0; s < log.model.rowCount(); ++s)
        if (log.cell(s, StepTableModel::ErrnoColumn).startsWith(QStringLiteral("-16")))
            last = s;
    QCOMPARE(log.proxy.sourceRowAt(row), last);
}

void TestTraceLog::findOverAMillionRows()
{
    // A million steps: allocations and frees in one pool. Find matches once per text, then walks the rows.
    Project p;
    p.platform = test::onePool(1024);
    Scenario& sc = p.scenarios.emplace_back();
    for (int i = 0; i < 500000; ++i) {
        const std::string label = "c" + std::to_string(i % 1000);
        sc.allocate("video", "a", 4096 * (1 + i % 7), label);
        sc.free(label);
    }
    Document doc;
    StepTableModel model(&doc);
    StepFilterProxy proxy;
    proxy.setSourceModel(&model);
    doc.setProject(std::move(p));
    doc.waitForRun();
    QCOMPARE(model.rowCount(), 1000000);
    // The best of three fresh finders (the machine may be busy with other work).
    qint64 miss = -1, last = -1;
    for (int i = 0; i < 3; ++i) {
        LogFinder finder(&model, &proxy);
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(finder.find(QStringLiteral("no such text"), -1, true), -1); // every row looked at
        const qint64 m = timer.restart();
        LogFinder digits(&model, &proxy);
        timer.restart();
        QCOMPARE(digits.find(QStringLiteral("999999"), -1, true), 999999); // the step number, in the last row
        const qint64 l = timer.elapsed();
        miss = miss < 0 ? m : std::min(miss, m);
        last = last < 0 ? l : std::min(last, l);
    }
    qInfo("find over 1M rows: %lld ms (no match), %lld ms (match in the last row)", miss, last);
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
    // 15-55 ms on an idle machine; the bound (as the other timing checks here) only catches a find that formats
    // every cell (seconds), not a busy machine.
    QVERIFY2(miss < 1000 && last < 1000, "find over 1M rows must not format every cell");
#endif
}

void TestTraceLog::bookmarks()
{
    StepBookmarks marks;
    QSignalSpy toggled(&marks, &StepBookmarks::toggled);
    QVERIFY(marks.next(std::nullopt) == std::nullopt);
    marks.toggle(40);
    marks.toggle(12);
    marks.toggle(977);
    QCOMPARE(toggled.count(), 3);
    QCOMPARE(marks.steps(), (std::vector<std::size_t> { 12, 40, 977 }));
    QVERIFY(marks.next(std::nullopt) == 12u);
    QVERIFY(marks.next(12) == 40u);
    QVERIFY(marks.next(500) == 977u);
    QVERIFY(marks.next(977) == 12u); // wraps
    QVERIFY(marks.previous(12) == 977u); // wraps
    QVERIFY(marks.previous(41) == 40u);
    marks.toggle(40); // off again
    QVERIFY(!marks.contains(40));
    QVERIFY(marks.next(12) == 977u);
    // Through the view state's JSON; junk entries are skipped.
    StepBookmarks copy;
    QJsonArray json = marks.toJson();
    json.append(QStringLiteral("x"));
    json.append(-3);
    json.append(2.5);
    copy.setJson(json);
    QCOMPARE(copy.steps(), marks.steps());
}

void TestTraceLog::bookmarkMarksRowWithoutResorting()
{
    TraceLog log("k612-busy-retry");
    StepBookmarks marks;
    log.model.setBookmarks(&marks);
    log.proxy.sort(StepTableModel::LatencyColumn, Qt::DescendingOrder);
    QAbstractItemModelTester tester(&log.proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QList<int> before = log.shownSteps();
    QSignalSpy layout(&log.proxy, &QAbstractItemModel::layoutChanged);
    QSignalSpy changed(&log.proxy, &QAbstractItemModel::dataChanged);
    marks.toggle(std::size_t(before[3]));
    QCOMPARE(layout.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed[0][0].value<QModelIndex>().row(), 3);
    QVERIFY(log.proxy.index(3, 0).data(StepTableModel::BookmarkRole).toBool());
    QVERIFY(log.proxy.index(3, 0).data(Qt::DecorationRole).isValid());
    QVERIFY(!log.proxy.index(4, 0).data(StepTableModel::BookmarkRole).toBool());
    QCOMPARE(log.shownSteps(), before);
}

QTEST_MAIN(TestTraceLog)
#include "tst_tracelog.moc"
