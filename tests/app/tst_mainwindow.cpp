// SPDX-License-Identifier: GPL-2.0-or-later
#include <QFileInfo>
#include <QMenuBar>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <app/demos.h>
#include <app/mainwindow.h>
#include <views/document.h>
#include <views/failureinspector.h>
#include <views/memorymapwidget.h>
#include <views/timelinewidget.h>

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

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
