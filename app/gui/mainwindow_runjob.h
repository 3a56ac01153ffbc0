// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow::runJob(), the template behind the window's file jobs: for the mainwindow_*.cpp files that run
// one (it is instantiated with each job's own work).
#pragma once

#include "common/jobtracker.h"
#include "mainwindow.h"

#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>

namespace cmascope::app {

template <typename T, typename Work>
bool MainWindow::runJob(const QString& text, Work work, std::optional<T>& result, bool quiet, const QString& title)
{
    if (m_fileJobs->isRunning()) {
        m_lastError = tr("Another file is being opened or saved; wait for it or cancel it.");
        if (!quiet)
            QMessageBox::information(this, title, m_lastError);
        return false;
    }
    m_summaryLabel->setText(text);
    QString error;
    m_fileJobs->start(std::move(work), [&result, &error](views::JobResult<T> r) {
        result = std::move(r.value);
        error = r.error;
    });
    m_fileJobs->waitForIdle(); // the event loop runs meanwhile: the window paints, Cancel works
    updateSummary();
    if (!error.isEmpty()) {
        m_lastError = tr("%1: %2").arg(title, error);
        if (!quiet)
            QMessageBox::critical(this, title, error);
        return false;
    }
    if (!result) {
        m_lastError = tr("Cancelled.");
        statusBar()->showMessage(tr("%1: cancelled").arg(title), 8000);
        return false;
    }
    return true;
}

} // namespace cmascope::app
