// SPDX-License-Identifier: GPL-2.0-or-later
// The start page lists every built-in demo (resources/demos, docs/lessons.md#the-built-in-demos) where it can be
// seen: no demo below the list's visible area or cut at its side, in the main window at 1366x768 and 1920x1080.
#include "demos.h"
#include "mainwindow.h"
#include "startpage.h"

#include <QListWidget>
#include <QTest>

using namespace cmascope;

class TestStartPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyDemoIsVisible_data();
    void everyDemoIsVisible();
};

void TestStartPage::everyDemoIsVisible_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1366x768") << QSize(1366, 768);
    QTest::newRow("1920x1080") << QSize(1920, 1080);
}

void TestStartPage::everyDemoIsVisible()
{
    QFETCH(QSize, size);
    app::MainWindow w;
    w.resize(size);
    w.showStartPage();
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QListWidget* list = w.startPage()->demoList();
    QCOMPARE(list->count(), int(app::builtInDemos().size()));
    QVERIFY(list->count() >= 9);
    const QRect viewport = list->viewport()->rect();
    for (int i = 0; i < list->count(); ++i) {
        const QRect item = list->visualItemRect(list->item(i));
        QVERIFY2(viewport.contains(item), qPrintable(list->item(i)->text()));
        QVERIFY(!list->item(i)->toolTip().isEmpty()); // the demo's story
    }
}

QTEST_MAIN(TestStartPage)
#include "tst_startpage.moc"
