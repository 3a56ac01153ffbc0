// SPDX-License-Identifier: GPL-2.0-or-later
// Following a live trace in the real main window (docs/following.md, "Following in the app"): a real capture
// (traces/kernel/k72-busy-areas) written into a FIFO in three parts; after each the event log's rows, the
// timeline's range and the map grow and agree on the current step; Follow the Latest Step works both ways; at the
// end of input the document equals the same trace opened normally.
#include "charts/chartspanel.h"
#include "common/document.h"
#include "eventlog/stepfilterproxy.h"
#include "follow/followdialog.h"
#include "follow/followinputs.h"
#include "follow/followsession.h"
#include "mainwindow.h"
#include "map/memorymapwidget.h"
#include "timeline/timelinewidget.h"

#include <cmascope/replay/replay.h>

#include <QAction>
#include <QFile>
#include <QLineEdit>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace cmascope;

namespace {

const QString kCapture = QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k72-busy-areas");

/// The map draws the document's state: as many chunks as are live at the current step.
int liveChunks(const views::Document& doc)
{
    int n = 0;
    for (const auto& r : doc.state().regions)
        n += int(r.live.size());
    return n;
}

/// Writes all of @p text to @p fd (a FIFO the app's reader thread drains).
bool writeAll(int fd, const QByteArray& text)
{
    qsizetype done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.constData() + done, std::size_t(text.size() - done));
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

/// The lines of @p capture's trace.txt (none when it cannot be read).
QList<QByteArray> traceLines(const QString& capture)
{
    QFile trace(capture + QStringLiteral("/trace.txt"));
    return trace.open(QIODevice::ReadOnly) ? trace.readAll().split('\n') : QList<QByteArray> {};
}

/// A FIFO in @p dir (empty when it cannot be made).
QByteArray makeFifo(const QTemporaryDir& dir)
{
    const QByteArray fifo = dir.filePath(QStringLiteral("trace.fifo")).toLocal8Bit();
    return ::mkfifo(fifo.constData(), 0600) == 0 ? fifo : QByteArray();
}

/// The lines of traces/kernel/k61-nvme/trace.txt as a normal open counts them.
std::uint64_t opened61Lines()
{
    return replayTraceFile(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt", {}).result.lines;
}

} // namespace

class TestMainWindowFollow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void followsAFifoInBatches()
    {
        const QList<QByteArray> lines = traceLines(kCapture);
        QVERIFY(!lines.isEmpty());
        QTemporaryDir dir;
        const QByteArray fifo = makeFifo(dir);
        QVERIFY(!fifo.isEmpty());

        app::MainWindow w;
        w.resize(1366, 768);
        w.show();
        views::Document* doc = w.document();
        views::FollowInputs inputs;
        inputs.dmesg = kCapture + QStringLiteral("/dmesg-cma.txt");
        QVERIFY2(
            w.followTrace({ FollowSourceSpec::Path, fifo.toStdString() }, inputs, true), qPrintable(w.lastError()));
        QVERIFY(w.followSession());
        QSignalSpy batches(w.followSession(), &views::FollowSession::batchPushed);
        const int fd = ::open(fifo.constData(), O_WRONLY);
        QVERIFY(fd >= 0);
        auto part = [&](qsizetype from, qsizetype to) {
            QByteArray text;
            for (qsizetype i = from; i < std::min(to, lines.size()); ++i)
                text += lines[i] + (i + 1 < lines.size() ? "\n" : "");
            return text;
        };
        const qsizetype third = lines.size() / 3;
        auto agree = [&] {
            QCOMPARE(w.eventLog()->model()->rowCount(), int(doc->stepCount()));
            QCOMPARE(w.timeline()->rangeLast(), doc->stepCount());
            QCOMPARE(std::size_t(doc->state().position), doc->position());
            QCOMPARE(int(w.memoryMap()->content().chunks.size()), liveChunks(*doc));
            QVERIFY(w.followStatus().contains(QStringLiteral("events")));
            // The charts over steps grow with the run (their series covers every position).
            QVERIFY(w.charts()->series());
            QCOMPARE(w.charts()->series()->last, doc->stepCount());
            // The event log's current row is the current step (kept while rows are inserted under it).
            const auto* proxy = qobject_cast<const views::StepFilterProxy*>(w.eventLog()->model());
            QVERIFY(proxy && doc->currentStep());
            QCOMPARE(proxy->sourceRowAt(w.eventLog()->currentIndex().row()), int(*doc->currentStep()));
        };

        // The first part: the live run appears and, following the latest step, shows its newest step.
        QVERIFY(writeAll(fd, part(0, third)));
        QTRY_VERIFY_WITH_TIMEOUT(doc->isLive() && doc->stepCount() > 0, 10000);
        QTest::qWait(300);
        const std::size_t first = doc->stepCount();
        QVERIFY(w.followLatestAction()->isChecked());
        QCOMPARE(doc->position(), first);
        agree();
        QVERIFY2(!w.followStatus().contains(QStringLiteral(": 0 events")), qPrintable(w.followStatus()));

        // The toggle off: the user's step stays while the run grows.
        w.followLatestAction()->setChecked(false);
        doc->setPosition(2);
        QVERIFY(writeAll(fd, part(third, 2 * third)));
        QTRY_VERIFY_WITH_TIMEOUT(doc->stepCount() > first, 10000);
        QTest::qWait(300);
        QCOMPARE(doc->position(), std::size_t(2));
        agree();

        // The toggle on again: the newest step at once, and with every batch after.
        w.followLatestAction()->setChecked(true);
        QCOMPARE(doc->position(), doc->stepCount());
        agree();
        const std::size_t second = doc->stepCount();
        QVERIFY(writeAll(fd, part(2 * third, lines.size())));
        ::close(fd); // the end of input
        QTRY_VERIFY_WITH_TIMEOUT(!w.followSession(), 10000);
        QVERIFY(batches.count() >= 3); // batched, not one update per event
        doc->waitForRun();
        QTest::qWait(50);
        QVERIFY2(std::size_t(batches.count()) < doc->stepCount(),
            qPrintable(QStringLiteral("%1 batches, %2 steps").arg(batches.count()).arg(doc->stepCount())));
        QVERIFY(!doc->isLive());
        QVERIFY(doc->stepCount() > second);
        QCOMPARE(doc->position(), doc->stepCount());
        QVERIFY(w.followStatus().contains(QStringLiteral("ended: end of input")));

        // The same trace opened normally (its dmesg-cma.txt beside it gives the same areas).
        app::MainWindow opened;
        opened.openTrace(kCapture + QStringLiteral("/trace.txt"), true);
        opened.document()->waitForRun();
        const Simulation* a = doc->simulation();
        const Simulation* b = opened.document()->simulation();
        QVERIFY(a && b);
        QCOMPARE(a->stepCount(), b->stepCount());
        for (std::size_t i = 0; i < a->stepCount(); ++i) {
            QCOMPARE(a->records()[i].outcome, b->records()[i].outcome);
            QCOMPARE(a->records()[i].usedPages, b->records()[i].usedPages);
            QCOMPARE(a->records()[i].region, b->records()[i].region);
        }
        QCOMPARE(doc->replay()->requested, opened.document()->replay()->requested);
        QCOMPARE(doc->replay()->failed, opened.document()->replay()->failed);
        QCOMPARE(doc->replay()->matched, opened.document()->replay()->matched);
        opened.document()->setPosition(b->stepCount());
        QCOMPARE(liveChunks(*doc), liveChunks(*opened.document()));
        QCOMPARE(w.eventLog()->model()->rowCount(), int(b->stepCount()));
    }

    /// traces/kernel/k72-hugetlb-multirange: hugetlb0 has two ranges. The live run shows range 1 as its own region,
    /// numbered as the end of input numbers it, while the trace is still being written.
    void followsAMultiRangeArea()
    {
        const QString capture = QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k72-hugetlb-multirange");
        const QList<QByteArray> lines = traceLines(capture);
        QVERIFY(!lines.isEmpty());
        QVERIFY(lines.size() > 70 && lines[62].contains("name=hugetlb0 pfn=0x180000"));
        QTemporaryDir dir;
        const QByteArray fifo = makeFifo(dir);
        QVERIFY(!fifo.isEmpty());
        app::MainWindow w;
        w.resize(1366, 768);
        w.show();
        views::Document* doc = w.document();
        views::FollowInputs inputs;
        inputs.dmesg = capture + QStringLiteral("/dmesg-cma.txt");
        inputs.areas = QStringList { QStringLiteral("hugetlb0=0x100000+262144,0x180000+262144/9") };
        QVERIFY2(
            w.followTrace({ FollowSourceSpec::Path, fifo.toStdString() }, inputs, true), qPrintable(w.lastError()));
        const int fd = ::open(fifo.constData(), O_WRONLY);
        QVERIFY(fd >= 0);
        // Up to the 1 GiB page the kernel put in range 1, and a few lines on.
        QVERIFY(writeAll(fd, lines.mid(0, 70).join('\n') + '\n'));
        QTRY_VERIFY_WITH_TIMEOUT(doc->isLive() && doc->stepCount() > 0, 10000);
        QTest::qWait(300);
        const Platform& live = doc->placedPlatform();
        QStringList names;
        for (const Region& r : live.regions)
            names << QString::fromStdString(r.name);
        QCOMPARE(names,
            (QStringList {
                QStringLiteral("reserved"), QStringLiteral("hugetlb0"), QStringLiteral("hugetlb0 range 1") }));
        QCOMPARE(*live.regions[2].placedBase, std::uint64_t { 0x180000000 });
        const auto* sim = doc->simulation();
        QVERIFY(sim);
        const std::size_t liveSteps = sim->stepCount();
        std::vector<StepRecord> liveRecords(sim->records().begin(), sim->records().end());
        const bool inRange1 = std::any_of(liveRecords.begin(), liveRecords.end(),
            [](const StepRecord& r) { return r.outcome == Outcome::Allocated && r.region == 2; });
        QVERIFY(inRange1);
        QCOMPARE(int(w.memoryMap()->content().chunks.size()), liveChunks(*doc));
        QVERIFY2(w.followStatus().contains(QStringLiteral("live")), qPrintable(w.followStatus()));

        QVERIFY(writeAll(fd, lines.mid(70).join('\n')));
        ::close(fd);
        QTRY_VERIFY_WITH_TIMEOUT(!w.followSession(), 10000);
        doc->waitForRun();
        QVERIFY(!doc->isLive());
        // The end numbers the regions as the live run did, and the steps seen live are the same steps.
        QCOMPARE(doc->placedPlatform().regions.size(), std::size_t(3));
        QCOMPARE(doc->placedPlatform().regions[2].name, std::string("hugetlb0 range 1"));
        const auto& done = doc->simulation()->records();
        QVERIFY(done.size() > liveSteps);
        for (std::size_t i = 0; i < liveSteps; ++i) {
            QCOMPARE(done[i].region, liveRecords[i].region);
            QCOMPARE(done[i].outcome, liveRecords[i].outcome);
            QCOMPARE(done[i].offset, liveRecords[i].offset);
        }
    }

    /// Opening another trace while following ends the follow; the trace opened stays shown.
    void openingAnotherTraceEndsTheFollow()
    {
        QTemporaryDir dir;
        const QByteArray fifo = makeFifo(dir);
        QVERIFY(!fifo.isEmpty());
        app::MainWindow w;
        views::FollowInputs inputs;
        inputs.dmesg = kCapture + QStringLiteral("/dmesg-cma.txt");
        QVERIFY(w.followTrace({ FollowSourceSpec::Path, fifo.toStdString() }, inputs, true));
        const int fd = ::open(fifo.constData(), O_WRONLY);
        QVERIFY(fd >= 0);
        QFile trace(kCapture + QStringLiteral("/trace.txt"));
        QVERIFY(trace.open(QIODevice::ReadOnly));
        QVERIFY(writeAll(fd, trace.read(8000)));
        QTRY_VERIFY_WITH_TIMEOUT(w.document()->isLive() && w.document()->stepCount() > 0, 10000);
        w.openTrace(QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt"), true);
        w.document()->waitForRun();
        const std::size_t steps = w.document()->stepCount();
        QVERIFY(!w.document()->isLive());
        QVERIFY(writeAll(fd, trace.read(8000))); // the next batch sees the live run replaced
        QTRY_VERIFY_WITH_TIMEOUT(!w.followSession(), 10000);
        ::close(fd);
        QTest::qWait(100);
        QCOMPARE(w.document()->stepCount(), steps);
        QVERIFY(w.document()->replay());
        QCOMPARE(w.document()->replay()->lines, opened61Lines());
    }

    /// --follow-cmd: the command's output is followed until it exits; the end equals the trace opened normally.
    void followsACommand()
    {
        app::MainWindow w;
        views::FollowInputs inputs;
        inputs.dmesg = kCapture + QStringLiteral("/dmesg-cma.txt");
        const std::string command = "cat '" + QString(kCapture + QStringLiteral("/trace.txt")).toStdString() + "'";
        QVERIFY2(w.followTrace({ FollowSourceSpec::Command, command }, inputs, true), qPrintable(w.lastError()));
        QTRY_VERIFY_WITH_TIMEOUT(!w.followSession(), 10000);
        w.document()->waitForRun();
        QVERIFY2(w.followStatus().contains(QStringLiteral("exited with status 0")), qPrintable(w.followStatus()));
        app::MainWindow opened;
        opened.openTrace(kCapture + QStringLiteral("/trace.txt"), true);
        opened.document()->waitForRun();
        QCOMPARE(w.document()->stepCount(), opened.document()->stepCount());
        QCOMPARE(w.document()->replay()->requested, opened.document()->replay()->requested);
        QCOMPARE(w.document()->replay()->matched, opened.document()->replay()->matched);
    }

    /// File › Follow Live Trace…: the dialog gives the path or the command, and the areas up front.
    void dialogGivesSpecAndInputs()
    {
        views::FollowDialog dialog;
        dialog.pathField()->setText(QStringLiteral(" /tmp/trace.fifo "));
        QCOMPARE(dialog.spec().kind, FollowSourceSpec::Path);
        QCOMPARE(dialog.spec().text, std::string("/tmp/trace.fifo"));
        QTest::keyClicks(dialog.commandField(), QStringLiteral("ssh board cat /sys/kernel/tracing/trace_pipe"));
        QVERIFY(dialog.commandChoice()->isChecked()); // typing a command chooses it
        QCOMPARE(dialog.spec().kind, FollowSourceSpec::Command);
        QCOMPARE(dialog.spec().text, std::string("ssh board cat /sys/kernel/tracing/trace_pipe"));
        auto* areas = dialog.findChild<QLineEdit*>(QStringLiteral("followAreas"));
        QVERIFY(areas);
        areas->setText(QStringLiteral("reserved=0x7dc00+4096  video=0x5f800+2048"));
        QCOMPARE(dialog.inputs().areas,
            QStringList({ QStringLiteral("reserved=0x7dc00+4096"), QStringLiteral("video=0x5f800+2048") }));
    }

    void badSourceIsRefused()
    {
        app::MainWindow w;
        QVERIFY(!w.followTrace({ FollowSourceSpec::Path, "/nonexistent/trace.fifo" }, {}, true));
        QVERIFY2(w.lastError().contains(QStringLiteral("/nonexistent/trace.fifo")), qPrintable(w.lastError()));
        views::FollowInputs bad;
        bad.areas << QStringLiteral("reserved=zz");
        QVERIFY(!w.followTrace({ FollowSourceSpec::Command, "cat /dev/null" }, bad, true));
        QVERIFY2(w.lastError().contains(QStringLiteral("--area reserved=zz")), qPrintable(w.lastError()));
        QVERIFY(!w.followSession());
    }
};

QTEST_MAIN(TestMainWindowFollow)
#include "tst_mainwindow_follow.moc"
