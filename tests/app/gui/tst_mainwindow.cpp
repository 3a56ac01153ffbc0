// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/document.h"
#include "demos.h"
#include "eventlog/steptablemodel.h"
#include "inspector/failureinspector.h"
#include "mainwindow.h"
#include "map/mapoverview.h"
#include "map/memorymapwidget.h"
#include "platform/platformeditor.h"
#include "platform/platformmodels.h"
#include "scenario/scenariopanel.h"
#include "startpage.h"
#include "support/platforms.h"
#include "timeline/timelinewidget.h"
#include "whatif/whatifpanel.h"

#include <cmascope/model/project.h>
#include <cmascope/sim/simulator.h>

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
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

using namespace cmascope;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // keep the user's settings untouched
    void demosAreBuiltIn();
    void opensDefaultDemo();
    void scenarioChooserChoosesTheRun();
    void badProjectKeepsCurrent();
    void eventLogDrivesStepAndInspector();
    void saveAndReopen();
    void opensKernelTrace();
    void traceNotesInStatusBar();
    void traceParseErrorsShown();
    void importsDeviceTree();
    void eventLogCsv();
    void startPage();
    void viewStateIsSaved();
    void drawRegionOnMap();
    // Issue 10, the desktop app.
    void mapFitsEveryNewProject();
    void mapAxisKeptWithTheProject();
    void oneStepNumbering();
    void steppingMovesEveryView();
    void editKeepsCurrentStep();
    void opensAtStartAndF3Wraps();
    void importIsANewProject();
    void defaultLayout_data();
    void defaultLayout();
    void eventLogFilterKeepsStep();
    void importRunsOffTheGuiThread();
    void importCanBeCancelled();
    void openAndSaveRunOffTheGuiThread();
    void importOfABoardWithoutMemory();
};

namespace {
/// The project JSON of one bank at @p base with a 64 MiB region at its start (and no scenario).
QByteArray farBoard(quint64 base)
{
    return QStringLiteral(R"({"format":"cmascope-project","version":1,"platform":{"name":"far","map_mode":"modern",
        "banks":[{"name":"hi","base":"0x%1","size":"1G"}],
        "regions":[{"name":"far","size":"64M","start":"0x%1","default":true}]}})")
        .arg(base, 0, 16)
        .toUtf8();
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& data)
{
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
        return {};
    return f.fileName();
}

const QString kGfxDemo = QStringLiteral(":/demos/gfx-fragmentation.json");

/// A board DTS: one 512 MiB bank at 0x40000000, a fixed 64 MiB CMA pool at 0x50000000 used by "codec".
const QByteArray kVcodecBoard = QByteArrayLiteral(R"(/dts-v1/;
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

std::vector<std::size_t> failedSteps(const Simulation& sim)
{
    std::vector<std::size_t> steps;
    for (std::size_t i = 0; i < sim.stepCount(); ++i)
        if (sim.records()[i].outcome == Outcome::Failed)
            steps.push_back(i);
    return steps;
}

/// The step number shown in the event log's current row (-1 when none).
int loggedStep(app::MainWindow& w)
{
    const QModelIndex current = w.eventLog()->currentIndex();
    if (!current.isValid() || !w.eventLog()->selectionModel()->isRowSelected(current.row()))
        return -1;
    return current.siblingAtColumn(views::StepTableModel::StepColumn).data().toInt();
}

/// The timeline's text naming the current step.
QString timelineText(app::MainWindow& w)
{
    for (QLabel* l : w.timeline()->findChildren<QLabel*>())
        if (l->text().contains(QStringLiteral("tep "), Qt::CaseInsensitive))
            return l->text();
    return {};
}
} // namespace

void TestMainWindow::demosAreBuiltIn()
{
    const auto demos = app::builtInDemos();
    QVERIFY(!demos.isEmpty());
    bool found = false;
    for (const auto& d : demos) {
        QVERIFY2(!d.title.endsWith(QStringLiteral(".json")), qPrintable(d.resourcePath)); // every demo parses
        QVERIFY2(d.title != d.board, qPrintable(d.resourcePath)); // titled by what it teaches (its lesson)
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
            QStringLiteral("Simulation"), QStringLiteral("Go"), QStringLiteral("Teach"), QStringLiteral("Help") }));
    QVERIFY(w.statusBar()->isVisible());
    w.document()->waitForRun();
    QVERIFY(w.document()->simulation());
    QCOMPARE(w.memoryMap()->content().banks.size(), 2);
    QCOMPARE(w.memoryMap()->content().regions.size(), 3); // every region placed
    QCOMPARE(w.document()->position(), std::size_t(1)); // at step 0, the opening phase marker
    w.timeline()->goLast();
    QVERIFY(!w.memoryMap()->content().chunks.isEmpty()); // the end state of the scenario
    QCOMPARE(w.eventLog()->model()->rowCount(), int(w.project().scenarios[0].steps.size()));
    QVERIFY(w.projectPath().isEmpty()); // a demo opens as an untitled copy
}

void TestMainWindow::scenarioChooserChoosesTheRun()
{
    app::MainWindow w;
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    auto* chooser = w.findChild<QComboBox*>(QStringLiteral("scenarioChooser"));
    QVERIFY(chooser);
    QVERIFY(chooser->isHidden()); // one scenario: nothing to choose
    // A second scenario (the Scenarios pane's Duplicate): the chooser offers both and runs the one chosen.
    w.scenarioPanel()->duplicateScenario();
    QCOMPARE(chooser->count(), 2);
    QVERIFY(!chooser->isHidden());
    QCOMPARE(chooser->currentIndex(), 1);
    chooser->setCurrentIndex(0);
    Q_EMIT chooser->activated(0);
    QCOMPARE(w.document()->scenarioIndex(), 0);
    w.document()->waitForRun();
    QCOMPARE(w.eventLog()->model()->rowCount(), int(w.project().scenarios[0].steps.size()));
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

void TestMainWindow::traceParseErrorsShown()
{
    // A truncated line in the middle of a real capture: the CLI lists it, so must the app (issue 13).
    QTemporaryDir dir;
    const QString trace = dir.filePath(QStringLiteral("trace.txt"));
    QFile in(QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt"));
    QVERIFY(in.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = in.readAll().split('\n');
    int broken = -1;
    for (int i = 40; i < lines.size(); ++i)
        if (lines[i].contains("cma_alloc_finish")) {
            lines[i] = lines[i].left(lines[i].indexOf("pfn=") + 6);
            broken = i + 1;
            break;
        }
    QVERIFY(broken > 0);
    QFile out(trace);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(lines.join('\n'));
    out.close();
    app::MainWindow w;
    w.openTrace(trace, true);
    QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));
    QCOMPARE(w.traceProblems().size(), 1);
    QVERIFY2(w.traceProblems().at(0).startsWith(QStringLiteral("trace.txt:%1: ").arg(broken)),
        qPrintable(w.traceProblems().at(0)));
    auto* box = w.findChild<QMessageBox*>(QStringLiteral("traceProblems"));
    QVERIFY(box);
    QVERIFY(box->detailedText().contains(QStringLiteral(":%1:").arg(broken)));
    // A file with no CMA event is refused with the reason, never shown as an empty run.
    const QString empty = writeFile(dir, QStringLiteral("empty.txt"), "# tracer: nop\n#\n");
    QTimer closer; // the error is a modal message box: close it once it is up
    QString shown;
    connect(&closer, &QTimer::timeout, &closer, [&] {
        if (auto* m = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            shown = m->text();
            m->close();
        }
    });
    closer.start(20);
    w.openTrace(empty, true);
    QTRY_VERIFY(!shown.isEmpty());
    closer.stop();
    QVERIFY2(w.lastError().contains(QStringLiteral("empty.txt")), qPrintable(w.lastError()));
}

void TestMainWindow::importsDeviceTree()
{
    QTemporaryDir dir;
    const QString dts = writeFile(dir, QStringLiteral("board.dts"), kVcodecBoard);
    QVERIFY(!dts.isEmpty());
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

void TestMainWindow::mapFitsEveryNewProject()
{
    QTemporaryDir dir;
    const QString far = writeFile(dir, QStringLiteral("far.json"), farBoard(0x800000000));
    app::MainWindow w;
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openProject(app::defaultDemoPath(), true)); // banks at 0x30000000..0x50000000
    w.document()->waitForRun();
    QVERIFY(w.memoryMap()->axis().boundsEnd() <= 0x50000000);
    // Another project: Fit All and Zoom to Regions reach its extent, not the old one's.
    QVERIFY(w.openProject(far, true));
    w.document()->waitForRun();
    const views::AddressAxis& axis = w.memoryMap()->axis();
    QCOMPARE(axis.boundsBegin(), quint64(0x800000000));
    QCOMPARE(axis.boundsEnd(), quint64(0x800000000) + GiB);
    QVERIFY2(axis.viewBegin() >= 0x800000000 && axis.viewEnd() <= 0x800000000 + GiB,
        qPrintable(QString::number(axis.viewBegin(), 16)));
    QVERIFY(axis.viewBegin() <= 0x800000000 && axis.viewEnd() >= 0x800000000 + 64 * MiB); // the region in view
    w.memoryMap()->fitAll();
    QCOMPARE(axis.viewBegin(), quint64(0x800000000));
    QCOMPARE(axis.viewEnd(), quint64(0x800000000) + GiB);
    // New Project: its one bank at 0x40000000.
    w.newProject();
    QCOMPARE(axis.boundsBegin(), quint64(0x40000000));
    QCOMPARE(axis.boundsEnd(), quint64(0x40000000) + GiB);
    // A demo again, then an imported board: the imported region can be reached.
    QVERIFY(w.openProject(kGfxDemo, true));
    QVERIFY(w.memoryMap()->axis().boundsEnd() <= 0x60000000);
    const QString dts = writeFile(dir, QStringLiteral("far.dts"), QByteArray(R"(/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	memory@800000000 { device_type = "memory"; reg = <0x8 0x0 0x0 0x40000000>; };
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
		pool@810000000 { compatible = "shared-dma-pool"; reusable; reg = <0x8 0x10000000 0x0 0x4000000>; };
	};
};
)"));
    QVERIFY2(w.importConfiguration(dts, true), qPrintable(w.lastError()));
    w.memoryMap()->zoomToRegions();
    QVERIFY2(axis.viewBegin() <= 0x810000000 && axis.viewEnd() >= 0x814000000,
        qPrintable(QString::number(axis.viewBegin(), 16) + QLatin1Char('-') + QString::number(axis.viewEnd(), 16)));
    // A project that stores its own window gets it back.
    w.memoryMap()->setView(0x808000000, 0x820000000);
    const QString saved = dir.filePath(QStringLiteral("saved.json"));
    QVERIFY(w.saveProjectAs(saved, true));
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    QVERIFY(w.openProject(saved, true));
    w.document()->waitForRun();
    QCOMPARE(axis.viewBegin(), quint64(0x808000000));
    QCOMPARE(axis.viewEnd(), quint64(0x820000000));
}

void TestMainWindow::mapAxisKeptWithTheProject()
{
    // A chosen axis and its view are saved with the project; a project without one gets the automatic axis.
    QTemporaryDir dir;
    app::MainWindow w;
    w.resize(1200, 800);
    QVERIFY(w.openProject(kGfxDemo, true));
    w.document()->waitForRun();
    QVERIFY(w.memoryMap()->automaticAxis());
    QVERIFY(w.mapOverview()->isVisibleTo(&w));
    w.memoryMap()->setAxisMode(views::AxisMode::PerArea);
    w.memoryMap()->zoomIn();
    const quint64 begin = w.memoryMap()->axis().viewBegin(), end = w.memoryMap()->axis().viewEnd();
    const QString saved = dir.filePath(QStringLiteral("axis.json"));
    QVERIFY(w.saveProjectAs(saved, true));
    QVERIFY(w.openProject(kGfxDemo, true));
    QVERIFY(w.memoryMap()->automaticAxis());
    QVERIFY(w.openProject(saved, true));
    w.document()->waitForRun();
    QVERIFY(!w.memoryMap()->automaticAxis());
    QCOMPARE(w.memoryMap()->axisMode(), views::AxisMode::PerArea);
    QCOMPARE(w.memoryMap()->axis().viewBegin(), begin);
    QCOMPARE(w.memoryMap()->axis().viewEnd(), end);
    // The overview goes with the linear layout.
    w.memoryMap()->setLayoutMode(views::MemoryMapWidget::Layout::Grid);
    QVERIFY(!w.mapOverview()->isVisibleTo(&w));
}

void TestMainWindow::oneStepNumbering()
{
    // The graphics demo's first failure: every view names the same step, the event log's row number.
    app::MainWindow w;
    QVERIFY(w.openProject(kGfxDemo, true));
    w.document()->waitForRun();
    const Simulation& sim = *w.document()->simulation();
    const auto failures = failedSteps(sim);
    QVERIFY(!failures.empty());
    const std::size_t first = failures.front();
    w.document()->setPosition(0);
    w.timeline()->nextFailure();
    QCOMPARE(w.document()->position(), first + 1); // the state right after the failed request
    const QString n = QString::number(first);
    QCOMPARE(timelineText(w), QStringLiteral("Step %1 of %2").arg(n).arg(sim.stepCount()));
    QCOMPARE(loggedStep(w), int(first));
    QCOMPARE(w.inspector()->inspectedStep(), std::optional<std::size_t>(first));
    QVERIFY2(w.inspector()->plainText().contains(QStringLiteral("Failed request at step ") + n),
        qPrintable(w.inspector()->plainText()));
    bool summary = false;
    for (QLabel* l : w.statusBar()->findChildren<QLabel*>())
        summary = summary || l->text().contains(QStringLiteral("step %1 of %2,").arg(n).arg(sim.stepCount()));
    QVERIFY(summary);
    // Before any step: no step is current.
    w.timeline()->goFirst();
    QCOMPARE(timelineText(w), QStringLiteral("Before step 0 of %1").arg(sim.stepCount()));
    QCOMPARE(loggedStep(w), -1);
}

void TestMainWindow::steppingMovesEveryView()
{
    app::MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openProject(kGfxDemo, true));
    w.document()->waitForRun();
    const Simulation& sim = *w.document()->simulation();
    // Stepping with the timeline: the event log selects and shows the step, the inspector explains it, the map
    // highlights its chunk.
    w.document()->setPosition(0);
    for (std::size_t step = 0; step < 70; ++step) {
        w.timeline()->stepForward();
        QCOMPARE(w.document()->position(), step + 1);
        QCOMPARE(loggedStep(w), int(step));
        QCOMPARE(w.inspector()->inspectedStep(), std::optional<std::size_t>(step));
        QCOMPARE(w.memoryMap()->selectedChunk(), quint32(sim.records()[step].chunk));
    }
    const QRect shown = w.eventLog()->viewport()->rect();
    QVERIFY(shown.contains(w.eventLog()->visualRect(w.eventLog()->currentIndex()).center()));
    // Selecting a row makes it the current step, once (no feedback through the views).
    QSignalSpy moved(w.document(), &views::Document::positionChanged);
    w.eventLog()->setCurrentIndex(w.eventLog()->model()->index(12, 0));
    QCOMPARE(moved.count(), 1);
    QCOMPARE(w.document()->position(), std::size_t(13));
    QCOMPARE(loggedStep(w), 12);
    QCOMPARE(w.inspector()->inspectedStep(), std::optional<std::size_t>(12));
    // Backwards, and the failure browser, too.
    w.timeline()->stepBack();
    QCOMPARE(loggedStep(w), 11);
    QCOMPARE(w.inspector()->inspectedStep(), std::optional<std::size_t>(11));
    // Sorted by another column, the log still selects the current step's row.
    w.eventLog()->sortByColumn(views::StepTableModel::SizeColumn, Qt::DescendingOrder);
    w.timeline()->stepForward();
    QCOMPARE(loggedStep(w), 12);
}

void TestMainWindow::editKeepsCurrentStep()
{
    app::MainWindow w;
    QVERIFY(w.openProject(kGfxDemo, true));
    w.document()->waitForRun();
    w.document()->setPosition(30);
    Platform edited = w.project().platform;
    edited.regions[0].size += 8 * MiB;
    w.document()->editPlatform(edited, QStringLiteral("Grow"));
    w.document()->waitForRun();
    QCOMPARE(w.document()->position(), std::size_t(30));
    QCOMPARE(loggedStep(w), 29);
    w.document()->undoStack()->undo();
    w.document()->waitForRun();
    QCOMPARE(w.document()->position(), std::size_t(30));
    // Two edits in a row, the first run not finished: still the same step.
    edited.regions[0].size += 8 * MiB;
    w.document()->editPlatform(edited, QStringLiteral("Grow more"));
    w.document()->undoStack()->undo();
    w.document()->waitForRun();
    QCOMPARE(w.document()->position(), std::size_t(30));
}

void TestMainWindow::opensAtStartAndF3Wraps()
{
    app::MainWindow w;
    // A demo opens at step 0.
    QVERIFY(w.openProject(kGfxDemo, true));
    w.document()->waitForRun();
    QCOMPARE(w.document()->position(), std::size_t(1));
    QCOMPARE(loggedStep(w), 0);
    const auto failures = failedSteps(*w.document()->simulation());
    QVERIFY(failures.size() >= 2);
    // F3 from the last failure wraps around to the first and says so; Shift+F3 wraps the other way.
    w.document()->setPosition(failures.back() + 1);
    w.timeline()->nextFailure();
    QCOMPARE(w.document()->position(), failures.front() + 1);
    QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("Wrapped")),
        qPrintable(w.statusBar()->currentMessage()));
    w.statusBar()->clearMessage();
    w.timeline()->previousFailure();
    QCOMPARE(w.document()->position(), failures.back() + 1);
    QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("Wrapped")));
    w.timeline()->previousFailure();
    QCOMPARE(w.document()->position(), failures[failures.size() - 2] + 1);
    // Also after the last step.
    w.timeline()->goLast();
    w.timeline()->nextFailure();
    QCOMPARE(w.document()->position(), failures.front() + 1);
    // A run without failure says so.
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    w.document()->waitForRun();
    QCOMPARE(w.document()->position(), std::size_t(1));
    w.timeline()->nextFailure();
    QCOMPARE(w.document()->position(), std::size_t(1));
    QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("No failed request")));
    // A trace opens at its first failure (step 0 when it has none).
    w.openTrace(QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt"), true);
    w.document()->waitForRun();
    const auto traceFailures = failedSteps(*w.document()->simulation());
    QCOMPARE(w.document()->position(), (traceFailures.empty() ? 0 : traceFailures.front()) + 1);
    QCOMPARE(loggedStep(w), int(w.document()->position() - 1));
}

void TestMainWindow::importIsANewProject()
{
    // The same DTS through the CLI and the GUI, the GUI having a project with kinds open: the same platform.
    QTemporaryDir dir;
    const QString dts = writeFile(dir, QStringLiteral("board.dts"), kVcodecBoard);
    QVERIFY(!dts.isEmpty());
    const QString cliOut = dir.filePath(QStringLiteral("cli.json"));
    QProcess cli;
    cli.start(QStringLiteral(CMASCOPE_CLI), { QStringLiteral("import"), dts, QStringLiteral("-o"), cliOut });
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitCode(), 0);
    const auto fromCli = loadProjectFile(cliOut.toStdString());
    QVERIFY(fromCli.project);

    app::MainWindow w;
    QVERIFY(w.openProject(app::defaultDemoPath(), true));
    QVERIFY(!w.project().platform.kinds.empty());
    QVERIFY(w.importConfiguration(dts, true));
    QVERIFY(w.project().platform.kinds.empty());
    QCOMPARE(w.project().platform.kinds.size(), fromCli.project->platform.kinds.size());
    QCOMPARE(w.project().platform.devices.size(), fromCli.project->platform.devices.size());
    QVERIFY(w.project().platform.banks == fromCli.project->platform.banks);
}

void TestMainWindow::defaultLayout_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<int>("minChartsHeight");
    QTest::newRow("1920x1080") << QSize(1920, 1080) << 380;
    QTest::newRow("1366x768") << QSize(1366, 768) << 300;
}

void TestMainWindow::defaultLayout()
{
    QFETCH(QSize, size);
    QFETCH(int, minChartsHeight);
    app::MainWindow w; // no saved layout (test mode): the default dock sizes
    w.resize(size);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.openProject(kGfxDemo, true));
    w.document()->waitForRun();
    QCoreApplication::processEvents();

    // The charts have room for their titles and axes.
    auto* chartsDock = w.findChild<QDockWidget*>(QStringLiteral("chartsDock"));
    QVERIFY(chartsDock);
    chartsDock->raise();
    QCoreApplication::processEvents();
    QVERIFY2(chartsDock->height() >= minChartsHeight, qPrintable(QString::number(chartsDock->height())));

    // Every event-log column but Label shows its header and its cells whole.
    auto* logDock = w.findChild<QDockWidget*>(QStringLiteral("eventLogDock"));
    logDock->raise();
    QCoreApplication::processEvents();
    QTableView* log = w.eventLog();
    const QFontMetrics fm = log->fontMetrics();
    const QAbstractItemModel* m = log->model();
    for (int c = 0; c < views::StepTableModel::LabelColumn; ++c) {
        if (log->isColumnHidden(c))
            continue;
        int needed = fm.horizontalAdvance(m->headerData(c, Qt::Horizontal).toString());
        for (int r = 0; r < m->rowCount(); ++r)
            needed = std::max(needed, fm.horizontalAdvance(m->index(r, c).data().toString()));
        QVERIFY2(log->columnWidth(c) > needed, qPrintable(m->headerData(c, Qt::Horizontal).toString()));
    }
    // The filter combos show their choices whole.
    for (QComboBox* combo : logDock->findChildren<QComboBox*>())
        for (int i = 0; i < combo->count(); ++i)
            QVERIFY2(combo->width() > combo->fontMetrics().horizontalAdvance(combo->itemText(i)) + 16,
                qPrintable(combo->itemText(i)));

    // The legend shows every entry.
    auto* legendDock = w.findChild<QDockWidget*>(QStringLiteral("legendDock"));
    QWidget* legend = legendDock->widget();
    QVERIFY(legend->height() >= legend->heightForWidth(legend->width()));
    // Where its height counts on more than one column, entries are drawn in the right half too (a single
    // painted column is cut off below that height).
    QVERIFY(legend->heightForWidth(legend->width()) < legend->heightForWidth(1)); // room for two columns
    const QImage image = legend->grab().toImage();
    const QRgb background = image.pixel(image.width() - 1, image.height() - 1);
    bool rightHalfPainted = false;
    for (int y = 0; y < image.height() && !rightHalfPainted; ++y)
        for (int x = image.width() / 2; x < image.width() && !rightHalfPainted; ++x)
            rightHalfPainted = image.pixel(x, y) != background;
    QVERIFY(rightHalfPainted);

    // A validation message does not collapse the Regions table: its header and three rows stay.
    auto* platformDock = w.findChild<QDockWidget*>(QStringLiteral("platformDock"));
    platformDock->raise();
    auto* regionsModel = w.platformEditor()->model(views::PlatformEditor::Tab::Regions);
    QVERIFY(!regionsModel->setData(regionsModel->index(0, views::RegionTableModel::Size),
        QStringLiteral("a size that is not a size, and a long reason why follows it")));
    QVERIFY(!w.platformEditor()->message().isEmpty());
    QCoreApplication::processEvents();
    QTableView* regions = w.platformEditor()->view(views::PlatformEditor::Tab::Regions);
    QVERIFY2(regions->height()
            >= regions->horizontalHeader()->height() + 3 * regions->verticalHeader()->defaultSectionSize(),
        qPrintable(QString::number(regions->height())));
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

void TestMainWindow::importOfABoardWithoutMemory()
{
    // A Raspberry Pi 4 style tree: /memory is filled in by the firmware. The map said nothing and its ruler
    // read pfn 0x0 everywhere; now it says the memory is missing and what to do, and the DRAM can be given.
    const QString dts = QStringLiteral(CMASCOPE_SOURCE_DIR "/tests/data/rpi4-firmware-memory.dts");
    app::MainWindow w;
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY2(w.importConfiguration(dts, true), qPrintable(w.lastError()));
    QVERIFY(w.project().platform.banks.empty());
    QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("describes no memory")),
        qPrintable(w.statusBar()->currentMessage()));
    const QString empty = w.memoryMap()->emptyMessage();
    QVERIFY2(
        empty.contains(QStringLiteral("no memory banks")) && empty.contains(QStringLiteral("DRAM")), qPrintable(empty));

    std::vector<Bank> dram { Bank { "memory@0", 0, 4 * GiB, 0 } };
    QVERIFY2(w.importConfiguration(dts, true, false, dram), qPrintable(w.lastError()));
    QCOMPARE(w.project().platform.banks.size(), std::size_t(1));
    QCOMPARE(w.project().platform.banks[0].size, 4 * GiB);
    QVERIFY(w.memoryMap()->emptyMessage().isEmpty());
    w.document()->waitForRun();
    QVERIFY(w.document()->placement().ok());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
