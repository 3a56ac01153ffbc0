// SPDX-License-Identifier: GPL-2.0-or-later
// The Help menu (app/gui/mainwindow_help.cpp): the user manual opens on its first page with its screenshots, its
// links lead to the other pages; Troubleshooting opens that page; Keyboard Shortcuts lists the menus' keys as the
// actions have them, and the pane keys, and filters them.
#include "help/manualbrowser.h"
#include "help/shortcutsdialog.h"
#include "mainwindow.h"

#include <QAction>
#include <QMenuBar>
#include <QTableWidget>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>

using namespace cmascope;

namespace {
QAction* menuAction(app::MainWindow& w, const char* objectName)
{
    return w.findChild<QAction*>(QLatin1String(objectName));
}

/// The row of @p table whose action column is @p action; -1 when none.
int rowOf(const QTableWidget* table, const QString& action)
{
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 1)->text() == action)
            return r;
    return -1;
}
} // namespace

class TestHelp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void manualOpensWithItsPictures();
    void manualLinksLeadToOtherPages();
    void troubleshooting();
    void shortcutsListTheMenusKeys();
    void shortcutsFilter();
};

void TestHelp::manualOpensWithItsPictures()
{
    app::MainWindow w;
    QAction* manual = menuAction(w, "manualAction");
    QVERIFY(manual);
    QCOMPARE(manual->shortcut(), QKeySequence(QKeySequence::HelpContents));
    manual->trigger();
    auto* browser = w.findChild<views::ManualBrowser*>();
    QVERIFY(browser);
    QVERIFY(browser->isVisible());
    QCOMPARE(browser->currentPage(), QStringLiteral("manual.md"));
    const QString text = browser->browser()->toPlainText();
    QVERIFY(text.startsWith(QLatin1String("cmascope user manual")));
    QVERIFY(text.contains(QLatin1String("Keyboard shortcuts")));
    // the start page's screenshot is there, loaded from the documentation folder
    const QVariant image = browser->browser()->document()->resource(
        QTextDocument::ImageResource, QUrl(QStringLiteral("screenshots/manual/start-page.png")));
    QVERIFY(image.isValid());
    QVERIFY(!image.value<QImage>().isNull() || !image.value<QPixmap>().isNull() || !image.toByteArray().isEmpty());
    // every picture is drawn at most as wide as the page (a 1366 px screenshot in a 980 px window)
    QVERIFY(QTest::qWaitForWindowExposed(browser));
    int images = 0;
    const QTextDocument* doc = browser->browser()->document();
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next())
        for (auto it = b.begin(); !it.atEnd(); ++it)
            if (const QTextImageFormat f = it.fragment().charFormat().toImageFormat(); f.isValid()) {
                ++images;
                QVERIFY2(f.width() > 0 && f.width() <= browser->browser()->viewport()->width(), qPrintable(f.name()));
            }
    QVERIFY(images >= 10);
    // opening it again shows the same window, not a second one
    manual->trigger();
    QCOMPARE(w.findChildren<views::ManualBrowser*>().size(), 1);
}

void TestHelp::manualLinksLeadToOtherPages()
{
    app::MainWindow w;
    w.showManual();
    auto* browser = w.findChild<views::ManualBrowser*>();
    QVERIFY(browser);
    QTextBrowser* text = browser->browser();
    // a link of the manual, followed as QTextBrowser follows a click: relative to the page shown
    QVERIFY(text->toHtml().contains(QLatin1String("href=\"lessons.md")));
    text->setSource(text->source().resolved(QUrl(QStringLiteral("lessons.md"))));
    QCOMPARE(browser->currentPage(), QStringLiteral("lessons.md"));
    QVERIFY(text->isBackwardAvailable());
    text->backward();
    QCOMPARE(browser->currentPage(), QStringLiteral("manual.md"));
}

void TestHelp::troubleshooting()
{
    app::MainWindow w;
    w.showManual(QStringLiteral("troubleshooting.md"));
    auto* browser = w.findChild<views::ManualBrowser*>();
    QVERIFY(browser);
    QCOMPARE(browser->currentPage(), QStringLiteral("troubleshooting.md"));
    QVERIFY(browser->browser()->toPlainText().contains(QLatin1String("fragmented")));
}

void TestHelp::shortcutsListTheMenusKeys()
{
    app::MainWindow w;
    QAction* shortcuts = menuAction(w, "shortcutsAction");
    QVERIFY(shortcuts);
    shortcuts->trigger();
    auto* dialog = w.findChild<views::ShortcutsDialog*>();
    QVERIFY(dialog);
    const QTableWidget* table = dialog->table();
    QVERIFY(table->rowCount() >= 30);
    const int open = rowOf(table, QStringLiteral("Open Project…"));
    QVERIFY(open >= 0);
    QCOMPARE(table->item(open, 0)->text(), QStringLiteral("File"));
    QCOMPARE(table->item(open, 2)->text(), QKeySequence(QKeySequence::Open).toString(QKeySequence::NativeText));
    // every menu action that has a key is listed with it: F1 for the manual itself
    const int manual = rowOf(table, QStringLiteral("User Manual"));
    QVERIFY(manual >= 0);
    QCOMPARE(
        table->item(manual, 2)->text(), QKeySequence(QKeySequence::HelpContents).toString(QKeySequence::NativeText));
    // and the keys of the panes
    const int pan = rowOf(table, QStringLiteral("Pan left / right"));
    QVERIFY(pan >= 0);
    QCOMPARE(table->item(pan, 0)->text(), QStringLiteral("Memory map"));
    // a key the menus give twice would be a conflict: every menu key is unique
    QStringList keys;
    for (const auto& e : views::ShortcutsDialog::menuShortcuts(w.menuBar()))
        for (const QString& k : e.keys.split(QStringLiteral(", ")))
            keys << k;
    QStringList unique = keys;
    unique.removeDuplicates();
    QVERIFY2(unique.size() == keys.size(), qPrintable(keys.join(QLatin1Char(' '))));
}

void TestHelp::shortcutsFilter()
{
    app::MainWindow w;
    w.showShortcuts();
    auto* dialog = w.findChild<views::ShortcutsDialog*>();
    QVERIFY(dialog);
    dialog->filter(QStringLiteral("bookmark"));
    int shown = 0;
    for (int r = 0; r < dialog->table()->rowCount(); ++r)
        if (!dialog->table()->isRowHidden(r)) {
            ++shown;
            QVERIFY(dialog->table()->item(r, 1)->text().contains(QLatin1String("ookmark")));
        }
    QVERIFY(shown >= 3);
    dialog->filter(QString());
    for (int r = 0; r < dialog->table()->rowCount(); ++r)
        QVERIFY(!dialog->table()->isRowHidden(r));
}

QTEST_MAIN(TestHelp)
#include "tst_help.moc"
