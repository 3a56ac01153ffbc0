// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow, evidence added to a replayed trace (docs/evidence-imports.md): a page_owner dump, so the failure
// inspector says who holds the pages of a request's busy windows.
#include "inspector/failureinspector.h"
#include "mainwindow.h"

#include <cmascope/system/pageowner.h>

#include <QFile>
#include <QFileDialog>
#include <QMessageBox>
#include <QStatusBar>

namespace cmascope::app {

bool MainWindow::addPageOwnerDump(const QString& path, bool quiet)
{
    QFile file(path);
    PageOwnerParse parsed;
    if (!file.open(QIODevice::ReadOnly))
        parsed.error = path.toStdString() + ": cannot open";
    else
        parsed = parsePageOwner(file.readAll().toStdString(), path.toStdString());
    if (!parsed.dump) {
        m_lastError = QString::fromStdString(parsed.error);
        if (!quiet)
            QMessageBox::critical(this, tr("Cannot read the page_owner dump"), m_lastError);
        return false;
    }
    const auto records = parsed.dump->records.size();
    m_inspector->setPageOwner(std::make_shared<const PageOwnerDump>(std::move(*parsed.dump)), path);
    statusBar()->showMessage(
        tr("page_owner dump: %1 records; the failure inspector shows who holds busy pages").arg(records), 8000);
    return true;
}

void MainWindow::addPageOwnerDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Add page_owner Dump"), QString(), tr("page_owner dumps (*.txt);;All files (*)"));
    if (!path.isEmpty())
        addPageOwnerDump(path);
}

} // namespace cmascope::app
