// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow's Help menu: the user manual and troubleshooting pages (docs/manual.md), the keyboard shortcuts,
// About.
#include "help/manualbrowser.h"
#include "help/shortcutsdialog.h"
#include "mainwindow.h"

#include <QAction>
#include <QKeySequence>
#include <QMenuBar>
#include <QMessageBox>

namespace cmascope::app {

void MainWindow::createHelpMenu()
{
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* manual = help->addAction(tr("&User Manual"), this, [this] { showManual(); });
    manual->setShortcut(QKeySequence::HelpContents);
    manual->setObjectName(QStringLiteral("manualAction"));
    manual->setStatusTip(tr("The four uses walked through, every view, the file formats and the shortcuts"));
    help->addAction(tr("&Troubleshooting"), this, [this] { showManual(QStringLiteral("troubleshooting.md")); })
        ->setStatusTip(tr("What each failure cause and error means, and what to change"));
    help->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts)
        ->setObjectName(QStringLiteral("shortcutsAction"));
    help->addSeparator();
    help->addAction(tr("&About cmascope"), this, &MainWindow::about);
}

void MainWindow::showManual(const QString& page)
{
    const QString folder = views::ManualBrowser::documentationFolder(QStringLiteral(CMASCOPE_SOURCE_DOCS));
    if (folder.isEmpty()) {
        QMessageBox::information(this, tr("User Manual"),
            tr("The manual is not installed with this copy of cmascope. It is online at "
               "<a href=\"https://github.com/cmascope/cmascope/blob/main/docs/manual.md\">"
               "github.com/cmascope/cmascope/docs/manual.md</a>."));
        return;
    }
    auto* browser = findChild<views::ManualBrowser*>();
    if (!browser) {
        browser = new views::ManualBrowser(folder, page, this);
        browser->setAttribute(Qt::WA_DeleteOnClose);
    } else {
        browser->showPage(page);
    }
    browser->show();
    browser->raise();
    browser->activateWindow();
}

void MainWindow::showShortcuts()
{
    auto* dialog = findChild<views::ShortcutsDialog*>();
    if (!dialog) {
        dialog = new views::ShortcutsDialog(menuBar(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    dialog->show();
    dialog->raise();
}

} // namespace cmascope::app
