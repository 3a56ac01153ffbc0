// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow, traces that began late (docs/late-start.md): the message bar above the map, seeding a
// replay from a debugfs snapshot, and checking a replay against the board's snapshots.
#include "common/document.h"
#include "common/jobtracker.h"
#include "common/traceinputs.h"
#include "mainwindow.h"
#include "trace/tracebanner.h"

#include <cmascope/replay/areas.h>
#include <cmascope/replay/snapshotcheck.h>
#include <cmascope/trace/bootlog.h>

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>
#include <QVBoxLayout>

namespace cmascope::app {

QWidget* MainWindow::wrapWithTraceBanner(QWidget* central)
{
    auto* page = new QWidget(this);
    auto* column = new QVBoxLayout(page);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    m_traceBanner = new views::TraceBanner(page);
    m_traceBanner->setDocument(m_doc);
    column->addWidget(m_traceBanner);
    column->addWidget(central, 1);
    connect(m_traceBanner, &views::TraceBanner::seedRequested, this, &MainWindow::seedTraceDialog);
    connect(m_traceBanner, &views::TraceBanner::checkRequested, this, &MainWindow::checkSnapshotsDialog);
    return page;
}

bool MainWindow::addDebugfsInputs(ReplayInputs& inputs, const QString& dir)
{
    auto read = readDebugfsAreas(dir.toStdString());
    if (!read.error.empty()) {
        m_lastError = QString::fromStdString(read.error);
        QMessageBox::critical(this, tr("Cannot read the debugfs snapshot"), m_lastError);
        return false;
    }
    inputs.debugfs = std::move(read.snapshots);
    inputs.debugfsOrigins = std::move(read.origins);
    return true;
}

void MainWindow::replayTraceWithSnapshotDialog()
{
    const QString trace = QFileDialog::getOpenFileName(this, tr("Replay Trace with debugfs Snapshot"), QString(),
        tr("Kernel traces (*.txt *.trace *.gz *.zst *.dat *.perfetto-trace *.pftrace);;All files (*)"));
    if (trace.isEmpty() || !maybeSave())
        return;
    const QString dir = QFileDialog::getExistingDirectory(this,
        tr("debugfs cma Area Directory When Tracing Began (e.g. snapshots/00-start)"), QFileInfo(trace).absolutePath());
    if (!dir.isEmpty())
        openTrace(trace, false, dir);
}

void MainWindow::seedTraceDialog()
{
    if (m_tracePath.isEmpty())
        return;
    const QString dir = QFileDialog::getExistingDirectory(this,
        tr("debugfs cma Area Directory When Tracing Began (e.g. snapshots/00-start)"),
        QFileInfo(m_tracePath).absolutePath());
    if (!dir.isEmpty())
        reopenTraceSeeded(dir);
}

void MainWindow::reopenTraceSeeded(const QString& debugfsDir, bool wait)
{
    if (!m_tracePath.isEmpty())
        openTrace(m_tracePath, wait, debugfsDir);
}

void MainWindow::checkSnapshotsDialog()
{
    if (m_tracePath.isEmpty() || !m_doc->replay()) {
        QMessageBox::information(this, tr("Check Snapshots"), tr("Open a kernel trace first (File ▸ Open Trace…)."));
        return;
    }
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Snapshots Taken at CHECKPOINT Markers (e.g. snapshots/)"), QFileInfo(m_tracePath).absolutePath());
    if (!dir.isEmpty())
        checkTraceSnapshots(dir);
}

void MainWindow::checkTraceSnapshots(const QString& dir, bool wait)
{
    if (m_tracePath.isEmpty() || !m_doc->replay() || m_fileJobs->isRunning())
        return;
    // The same inputs as the shown replay: the boot log beside the trace and the debugfs seed, if any.
    ReplayInputs inputs;
    views::addBootLogBeside(inputs, m_tracePath);
    if (!m_traceDebugfs.isEmpty() && !addDebugfsInputs(inputs, m_traceDebugfs))
        return;
    auto work = [trace = m_tracePath.toStdString(), inputs, snapshots = dir.toStdString()](const Progress& progress) {
        return cmascope::checkTraceSnapshots(trace, inputs, snapshots, progress);
    };
    statusBar()->showMessage(
        tr("Checking %1 against the snapshots in %2…").arg(QFileInfo(m_tracePath).fileName(), dir));
    m_fileJobs->start(std::move(work), [this](views::JobResult<TraceSnapshotCheck> done) {
        if (!done.ok() || !done.value->error.empty()) {
            m_lastError = done.failed()
                ? done.error
                : QString::fromStdString(done.ok() ? done.value->error : std::string("cancelled"));
            QMessageBox::critical(this, tr("Cannot check snapshots"), m_lastError);
            return;
        }
        m_traceBanner->showSnapshotCheck(done.value->result);
        statusBar()->clearMessage();
    });
    if (wait)
        m_fileJobs->waitForIdle();
}

} // namespace cmascope::app
