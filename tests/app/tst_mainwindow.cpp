// SPDX-License-Identifier: GPL-2.0-or-later
#include <QMenuBar>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <app/demos.h>
#include <app/mainwindow.h>
#include <views/memorymapwidget.h>

using namespace cmascope;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void demosAreBuiltIn();
    void opensDefaultDemo();
    void badProjectKeepsCurrent();
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
    QCOMPARE(menus, (QStringList { QStringLiteral("File"), QStringLiteral("View"), QStringLiteral("Help") }));
    QVERIFY(w.statusBar()->isVisible());
    QCOMPARE(w.memoryMap()->content().banks.size(), 2);
    QVERIFY(!w.memoryMap()->content().regions.isEmpty());
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
    QCOMPARE(w.projectPath(), app::defaultDemoPath());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
