// SPDX-License-Identifier: GPL-2.0-or-later
#include "../common/platforms.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QListWidget>
#include <QMenuBar>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>

#include <app/demos.h>
#include <app/mainwindow.h>
#include <app/startpage.h>
#include <views/document.h>
#include <views/failureinspector.h>
#include <views/memorymapwidget.h>
#include <views/steptablemodel.h>
#include <views/timelinewidget.h>
#include <views/whatifpanel.h>

using namespace cmascope;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // keep the user's settings untouched
    void demosAreBuiltIn();
    void opensDefaultDemo();
    void badProjectKeepsCurrent();
    void eventLogDrivesStepAndInspector();
    void saveAndReopen();
    void opensKernelTrace();
    void traceNotesInStatusBar();
    void importsDeviceTree();
    void eventLogCsv();
    void startPage();
    void viewStateIsSaved();
    void drawRegionOnMap();
    void eventLogFilterKeepsStep();
    void importRunsOffTheGuiThread();
    void importCanBeCancelled();
    void openAndSaveRunOffTheGuiThread();
};

void TestMainWindow::demosAreBuiltIn()
{
    const auto demos = app::builtInDemos();
    QVERIFY(!demos.isEmpty());
    bool found = false;
    for (const auto& d : demos) {
        QVERIFY2(!d.title.endsWith(QStringLiteral(".json")), qPrintable(d.resourcePath)); // every demo parses
        found = found || d.resourcePath == app::defaultDemoPath();
    }
    QVERIFY(found);
}

void TestMainWindow::opensDefaultDemo()
{
    app::MainWindow w;
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.windowTitle().contains(QString::fromStdString(w.project().platform.name)));
    QStringList menus;
    for (QAction* a : w.menuBar()->actions())
        menus << a->text().remove(QLatin1Char('&'));
    QCOMPARE(menus,
        (QStringList { QStringLiteral("File"), QStringLiteral("Edit"), QStringLiteral("View"),
            QStringLiteral("Simulation"), QStringLiteral("Help") }));
    QVERIFY(w.statusBar()->isVisible());
    w.document()->waitForRun();
    QVERIFY(w.document()->simulation());
    QCOMPARE(w.memoryMap()->content().banks.size(), 2);
    QCOMPARE(w.memoryMap()->content().regions.size(), 3); // every region placed
    QVERIFY(!w.memoryMap()->content().chunks.isEmpty()); // the end state of the scenario
    QCOMPARE(w.eventLog()->model()->rowCount(), int(w.project().scenarios[0].steps.size()));
    QVERIFY(w.projectPath().isEmpty()); // a demo opens as an untitled copy
}

void TestMainWindow::badProjectKeepsCurrent()
{
    app::MainWindow w;
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    const std::string name = w.project().platform.name;
    QTemporaryDir dir;
    const QString bad = dir.filePath(QStringLiteral("bad.json"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"format":"cmascope-project","version":1,"platform":{"regions":[{"name":"r","size":"x"}]}})");
    f.close();
    QVERIFY(!w.openProject(bad, true));
    QVERIFY(w.lastError().contains(QStringLiteral("platform.regions[0].size")));
    QCOMPARE(w.project().platform.name, name);
    QVERIFY(w.projectPath().isEmpty());
}

void TestMainWindow::eventLogDrivesStepAndInspector()
{
    app::MainWindow w;
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    w.document()->waitForRun();
    // Selecting row 4 (the first HD frame) shows the state right after it and explains it.
    QTableView* log = w.eventLog();
    log->setCurrentIndex(log->model()->index(4, 0));
    QCOMPARE(w.document()->position(), std::size_t(5));
    QVERIFY(w.document()->selectedChunk() != kNoChunk);
    QCOMPARE(w.memoryMap()->selectedChunk(), w.document()->selectedChunk());
    QCOMPARE(w.inspector()->inspectedStep(), std::optional<std::size_t>(4));
    QVERIFY2(
        w.inspector()->plainText().contains(QStringLiteral("placed in b2")), qPrintable(w.inspector()->plainText()));
    // The timeline follows.
    w.timeline()->stepBack();
    QCOMPARE(w.document()->position(), std::size_t(4));
    w.timeline()->goFirst();
    QCOMPARE(w.document()->position(), std::size_t(0));
    QVERIFY(w.memoryMap()->content().chunks.isEmpty());
}

void TestMainWindow::saveAndReopen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("saved.json"));
    app::MainWindow w;
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    Platform edited = w.project().platform;
    edited.name = "edited board";
    w.document()->editPlatform(edited, QStringLiteral("Rename"));
    QVERIFY(w.isWindowModified() || w.document()->isModified());
    QVERIFY(w.saveProjectAs(path, true));
    QVERIFY(!w.document()->isModified());
    QCOMPARE(w.projectPath(), path);
    QVERIFY(app::MainWindow::recentFiles().contains(QFileInfo(path).absoluteFilePath()));
    app::MainWindow other;
    QVERIFY(other.openProject(path, true));
    QCOMPARE(other.project().platform.name, std::string("edited board"));
    QVERIFY(other.windowTitle().startsWith(QStringLiteral("saved.json")));
}

void TestMainWindow::opensKernelTrace()
{
    app::MainWindow w;
    w.openTrace(QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt"), true);
    QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));
    w.document()->waitForRun();
    QVERIFY(w.document()->simulation());
    // The area comes from the dmesg-cma.txt beside the trace: 16 MiB at 0x7dc00000.
    const auto& regions = w.document()->placedPlatform().regions;
    QCOMPARE(regions.size(), std::size_t(1));
    QCOMPARE(*regions[0].placedBase, std::uint64_t(0x7dc00000));
    QCOMPARE(regions[0].size, 16 * MiB);
    QVERIFY(w.document()->stepCount() > 100);
    QVERIFY(w.eventLog()->model()->rowCount() > 100);
    QVERIFY(!w.isStartPageShown());
    QVERIFY(!w.eventLog()->isColumnHidden(views::StepTableModel::TimeColumn)); // traces have times

    // What-if re-runs the recorded requests: a 4 MiB area makes some of them fail.
    views::WhatIfPanel* whatIf = w.whatIfPanel();
    QVERIFY(whatIf->isTraceMode());
    whatIf->setVariant(0, std::nullopt, QStringLiteral("4M"), -1);
    QVERIFY(whatIf->run());
    whatIf->waitForRun();
    QVERIFY2(whatIf->model()->rowCount() > 0, qPrintable(whatIf->summaryText()));
    // A project afterwards: what-if is about its scenario again.
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    QVERIFY(!whatIf->isTraceMode());
    QCOMPARE(whatIf->model()->rowCount(), 0);
    w.document()->waitForRun();
    QCoreApplication::processEvents();
    QVERIFY(w.eventLog()->isColumnHidden(views::StepTableModel::TimeColumn)); // projects do not
}

void TestMainWindow::traceNotesInStatusBar()
{
    // No boot log beside the trace: the area is inferred, and the status bar says so.
    QTemporaryDir dir;
    const QString trace = dir.filePath(QStringLiteral("trace.txt"));
    QVERIFY(QFile::copy(QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt"), trace));
    app::MainWindow w;
    w.openTrace(trace, true);
    QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));
    const QString message = w.statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("area reserved inferred from the trace")), qPrintable(message));
}

void TestMainWindow::importsDeviceTree()
{
    QTemporaryDir dir;
    const QString dts = dir.filePath(QStringLiteral("board.dts"));
    QFile f(dts);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"(/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	memory@40000000 { device_type = "memory"; reg = <0x40000000 0x20000000>; };
	reserved-memory {
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		vcodec: vcodec@50000000 { compatible = "shared-dma-pool"; reusable; reg = <0x50000000 0x4000000>; };
	};
	codec { memory-region = <&vcodec>; };
};
)");
    f.close();
    app::MainWindow w;
    QVERIFY2(w.importConfiguration(dts, true), qPrintable(w.lastError()));
    const auto& pf = w.project().platform;
    QCOMPARE(pf.banks.size(), std::size_t(1));
    QCOMPARE(pf.regions.size(), std::size_t(1));
    QCOMPARE(pf.regions[0].start, std::uint64_t(0x50000000));
    QCOMPARE(pf.regions[0].size, 64 * MiB);
    // A broken file is refused with the reason, and the project stays.
    QFile bad(dir.filePath(QStringLiteral("bad.dts")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("/dts-v1/;\n/ { reserved-memory { x { reg = <1 2 3>; }; }; \n");
    bad.close();
    QVERIFY(!w.importConfiguration(bad.fileName(), true));
    QVERIFY(!w.lastError().isEmpty());
    QCOMPARE(w.project().platform.regions.size(), std::size_t(1));
}

void TestMainWindow::eventLogCsv()
{
    QTemporaryDir dir;
    app::MainWindow w;
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    w.document()->waitForRun();
    const QString path = dir.filePath(QStringLiteral("log.csv"));
    QVERIFY(w.writeEventLogCsv(path).isEmpty());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), int(w.project().scenarios[0].steps.size()) + 1);
    QVERIFY(lines[0].startsWith(QStringLiteral("Step,Time (s),Device,Kind,Size")));
    QVERIFY(lines[2].startsWith(QStringLiteral("1,,s3c-mfc5,f,1 MiB,128 KiB,fw,"))); // a scenario has no times
    QVERIFY(!w.writeEventLogCsv(QStringLiteral("/nonexistent/dir/log.csv")).isEmpty());
}

void TestMainWindow::startPage()
{
    app::MainWindow w;
    w.showStartPage();
    QVERIFY(w.isStartPageShown());
    QVERIFY(w.startPage()->demoList()->count() >= 3);
    // Activating the first demo opens it and shows the map.
    QSignalSpy opened(w.document(), &views::Document::projectChanged);
    Q_EMIT w.startPage()->demoList()->itemActivated(w.startPage()->demoList()->item(0));
    QCOMPARE(opened.count(), 1);
    QVERIFY(!w.isStartPageShown());
}

void TestMainWindow::viewStateIsSaved()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("view.json"));
    {
        app::MainWindow w;
        QVERIFY(w.openProject(app::defaultDemoPath(), true));
        w.document()->waitForRun();
        w.document()->setPosition(5);
        w.memoryMap()->setLayoutMode(views::MemoryMapWidget::Layout::Grid);
        w.memoryMap()->setColourBy(views::MemoryMapWidget::ColourBy::Kind);
        QVERIFY(w.saveProjectAs(path, true));
    }
    app::MainWindow w;
    QVERIFY(w.openProject(path, true));
    w.document()->waitForRun();
    QCOMPARE(w.document()->position(), std::size_t(5));
    QCOMPARE(w.memoryMap()->layoutMode(), views::MemoryMapWidget::Layout::Grid);
    QCOMPARE(w.memoryMap()->colourBy(), views::MemoryMapWidget::ColourBy::Kind);
    QVERIFY(!w.document()->isModified());
}

void TestMainWindow::drawRegionOnMap()
{
    app::MainWindow w;
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    const std::size_t before = w.project().platform.regions.size();
    // Ctrl+drag on the free dmc0 bank (0x30000000..0x40000000): 8 MiB at 0x31000000.
    Q_EMIT w.memoryMap()->regionDrawn(0x31000000, 8 * MiB);
    QCOMPARE(w.project().platform.regions.size(), before + 1);
    const Region& added = w.project().platform.regions.back();
    QCOMPARE(added.placement, Placement::Fixed);
    QCOMPARE(added.start, std::uint64_t(0x31000000));
    QCOMPARE(added.size, 8 * MiB);
    QVERIFY(w.document()->isModified());
    w.document()->undoStack()->undo();
    QCOMPARE(w.project().platform.regions.size(), before);
}

void TestMainWindow::eventLogFilterKeepsStep()
{
    // Issue 10: filtering the event log moved the current step when it hid the current row.
    app::MainWindow w;
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    w.document()->waitForRun();
    QTableView* log = w.eventLog();
    auto* proxy = qobject_cast<views::StepFilterProxy*>(log->model());
    QVERIFY(proxy);
    log->setCurrentIndex(proxy->index(4, 0));
    QCOMPARE(w.document()->position(), std::size_t(5));
    auto currentStep = [&] { return proxy->mapToSource(log->currentIndex()).row(); };
    using Filter = views::StepFilterProxy::OutcomeFilter;
    proxy->setOutcomeFilter(Filter::Requests); // step 4 passes: it stays current
    QCOMPARE(currentStep(), 4);
    QCOMPARE(w.document()->position(), std::size_t(5));
    proxy->setOutcomeFilter(Filter::Markers); // hides step 4: nothing moves
    QCOMPARE(w.document()->position(), std::size_t(5));
    QCOMPARE(w.inspector()->inspectedStep(), std::optional<std::size_t>(4));
    proxy->setOutcomeFilter(Filter::All); // shown again: current again
    QCOMPARE(currentStep(), 4);
    QCOMPARE(w.document()->position(), std::size_t(5));
    log->sortByColumn(views::StepTableModel::SizeColumn, Qt::DescendingOrder);
    QCOMPARE(currentStep(), 4);
    proxy->setTextFilter(QStringLiteral("b2")); // step 4 was placed in b2
    QCOMPARE(currentStep(), 4);
    QCOMPARE(w.document()->position(), std::size_t(5));
}

namespace {
/// Puts a fake `dtc` first in PATH for its lifetime: it sleeps @p seconds, then fails with a message.
class FakeDtc
{
public:
    explicit FakeDtc(int seconds)
        : m_path(qgetenv("PATH"))
    {
        QFile f(m_dir.filePath(QStringLiteral("dtc")));
        if (f.open(QIODevice::WriteOnly))
            f.write(
                QStringLiteral("#!/bin/sh\nsleep %1\necho 'fake dtc: gave up' >&2\nexit 1\n").arg(seconds).toUtf8());
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("PATH", m_dir.path().toUtf8() + ':' + m_path);
    }
    ~FakeDtc() { qputenv("PATH", m_path); }
    QString writeDts() const
    {
        const QString path = m_dir.filePath(QStringLiteral("board.dts"));
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write("/dts-v1/;\n/ { };\n");
        return path;
    }

private:
    QTemporaryDir m_dir;
    QByteArray m_path;
};

/// Counts how often the GUI thread's event loop runs a 10 ms timer, and whether the status bar's progress bar
/// was shown then (the window itself need not be).
struct GuiTicks
{
    explicit GuiTicks(app::MainWindow& w)
    {
        timer.setInterval(10);
        QObject::connect(&timer, &QTimer::timeout, [this, &w] {
            ++ticks;
            progressSeen = progressSeen || !w.statusBar()->findChild<QProgressBar*>()->isHidden();
        });
        timer.start();
    }
    QTimer timer;
    int ticks = 0;
    bool progressSeen = false;
};
} // namespace

void TestMainWindow::importRunsOffTheGuiThread()
{
    // Issue 10: importing a DTS ran dtc on the GUI thread: the window froze until dtc returned.
    FakeDtc dtc(1);
    app::MainWindow w;
    GuiTicks gui(w);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!w.importConfiguration(dtc.writeDts(), true));
    QVERIFY(timer.elapsed() >= 900);
    QVERIFY2(w.lastError().contains(QStringLiteral("fake dtc: gave up")), qPrintable(w.lastError()));
    QVERIFY2(gui.ticks >= 20, qPrintable(QString::number(gui.ticks))); // the event loop ran meanwhile
    QVERIFY(gui.progressSeen);
    QVERIFY(w.statusBar()->findChild<QProgressBar*>()->isHidden());
}

void TestMainWindow::importCanBeCancelled()
{
    FakeDtc dtc(30);
    app::MainWindow w;
    QElapsedTimer timer;
    timer.start();
    QTimer::singleShot(300, &w, [&w] {
        for (auto* button : w.statusBar()->findChildren<QToolButton*>())
            if (!button->isHidden() && button->text() == QStringLiteral("Cancel"))
                button->click();
    });
    QVERIFY(!w.importConfiguration(dtc.writeDts(), true));
    QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed()))); // dtc was stopped
    QVERIFY2(w.lastError().contains(QStringLiteral("Cancelled")), qPrintable(w.lastError()));
}

void TestMainWindow::openAndSaveRunOffTheGuiThread()
{
    // A project with a long scenario takes a while to read and to write: the event loop keeps running.
    Project p = test::fragmentedProject();
    for (int i = 0; i < 200000; ++i) {
        p.scenarios[0].allocate("video", "a", 4096, "x" + std::to_string(i % 64));
        p.scenarios[0].free("x" + std::to_string(i % 64));
    }
    QTemporaryDir dir;
    const QString big = dir.filePath(QStringLiteral("big.json"));
    QVERIFY(!saveProjectFile(big.toStdString(), p));
    app::MainWindow w;
    {
        GuiTicks gui(w);
        QVERIFY2(w.openProject(big, true), qPrintable(w.lastError()));
        QVERIFY2(gui.ticks >= 1, qPrintable(QString::number(gui.ticks)));
        QVERIFY(gui.progressSeen);
    }
    QCOMPARE(w.project().scenarios[0].steps.size(), p.scenarios[0].steps.size());
    {
        GuiTicks gui(w);
        QVERIFY2(w.saveProjectAs(dir.filePath(QStringLiteral("again.json")), true), qPrintable(w.lastError()));
        QVERIFY2(gui.ticks >= 1, qPrintable(QString::number(gui.ticks)));
    }
    QVERIFY(!w.document()->isModified());
    QVERIFY(QFileInfo(dir.filePath(QStringLiteral("again.json"))).size() > 1000000);
    // Exporting its event log (400,008 rows) formats every cell: off the GUI thread too.
    w.document()->waitForRun();
    QCOMPARE(w.eventLog()->model()->rowCount(), int(p.scenarios[0].steps.size()));
    {
        GuiTicks gui(w);
        const QString csv = dir.filePath(QStringLiteral("log.csv"));
        QVERIFY2(w.writeEventLogCsv(csv).isEmpty(), qPrintable(w.lastError()));
        QVERIFY2(gui.ticks >= 1, qPrintable(QString::number(gui.ticks)));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().count('\n'), qsizetype(p.scenarios[0].steps.size() + 1));
    }
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
