// SPDX-License-Identifier: GPL-2.0-or-later
// The window's strings are translatable (issue 18): the translation template the build extracts
// (app/CMakeLists.txt, lupdate) files every string under the context the code looks it up with. Checked with a
// pseudo-translation of the template (tests/support/pseudotranslate.py: each string "[translated]"): loaded, it
// brackets every menu, every menu action and the Help dialogs' titles of a real main window.
#include "demos.h"
#include "help/shortcutsdialog.h"
#include "mainwindow.h"
#include "sandbox/sandboxinput.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QTest>
#include <QTranslator>

using namespace cmascope;

namespace {
/// The entries whose text is data, not the program's: the demos' titles (from their files) and recent files.
bool isData(const QAction* a)
{
    for (const auto& demo : app::builtInDemos())
        if (a->text() == demo.title)
            return true;
    return a->text().contains(QLatin1Char('/'));
}

/// Every action of @p menu and its submenus, with its menu path, whose text is not bracketed.
void untranslated(const QMenu* menu, const QString& path, QStringList& out, int& total)
{
    for (const QAction* a : menu->actions()) {
        if (a->isSeparator() || a->text().isEmpty() || isData(a))
            continue;
        if (a->menu())
            untranslated(a->menu(), path + QStringLiteral(" > ") + a->text(), out, total);
        ++total;
        if (!a->text().startsWith(QLatin1Char('[')))
            out << path + QStringLiteral(" > ") + a->text();
    }
}
} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void menusAreTranslated();
    void dialogsAreTranslated();
    void freeFunctionsAreTranslated();

private:
    QTranslator m_pseudo;
};

void TestTranslations::initTestCase()
{
    QVERIFY2(m_pseudo.load(QStringLiteral(CMASCOPE_PSEUDO_QM)), CMASCOPE_PSEUDO_QM);
    QVERIFY(QCoreApplication::installTranslator(&m_pseudo));
}

void TestTranslations::menusAreTranslated()
{
    app::MainWindow w;
    QStringList missing;
    int total = 0;
    for (const QAction* top : w.menuBar()->actions()) {
        QVERIFY2(top->text().startsWith(QLatin1Char('[')), qPrintable(top->text()));
        untranslated(top->menu(), top->text(), missing, total);
    }
    QVERIFY(total >= 60);
    QVERIFY2(missing.isEmpty(),
        qPrintable(QStringLiteral("%1 of %2 menu entries not translatable:\n  ").arg(missing.size()).arg(total)
            + missing.join(QStringLiteral("\n  "))));
}

void TestTranslations::dialogsAreTranslated()
{
    app::MainWindow w;
    w.showShortcuts();
    auto* shortcuts = w.findChild<views::ShortcutsDialog*>();
    QVERIFY(shortcuts);
    QCOMPARE(shortcuts->windowTitle(), QStringLiteral("[Keyboard Shortcuts]"));
    w.showManual();
    auto* manual = w.findChild<QDialog*>(QStringLiteral("manualBrowser"));
    QVERIFY(manual);
    QCOMPARE(manual->windowTitle(), QStringLiteral("[cmascope Manual]"));
}

void TestTranslations::freeFunctionsAreTranslated()
{
    // strings of free functions (no QObject of their own) are looked up under the context lupdate gives them
    const views::SizeInput bad = views::parseAlignment(QStringLiteral("zz"));
    QVERIFY(!bad.bytes);
    QVERIFY2(bad.error.startsWith(QLatin1Char('[')), qPrintable(bad.error));
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
