// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow's time and two traces (docs/time-and-latency.md): View > Time Axis, the timeline's and the charts'
// axis; File > Compare with Another Trace…, the trace shown (A) beside another one (B) in the trace-pair dialog,
// computed as a job of its own.
#include "common/document.h"
#include "compare/tracepairdialog.h"
#include "mainwindow.h"

#include <QAction>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>

namespace cmascope::app {

void MainWindow::addTimeAxisAction(QMenu* menu)
{
    // The same choice as the Steps / Time box in the charts' row: the document's, so both stay in step.
    QAction* time = menu->addAction(tr("&Time Axis"));
    time->setObjectName(QStringLiteral("timeAxisAction"));
    time->setCheckable(true);
    time->setToolTip(tr("Draw the timeline and the charts over the trace's real time instead of its steps"));
    auto sync = [this, time] {
        time->setEnabled(m_doc->hasStepTimes());
        time->setChecked(m_doc->chosenStepAxisMode() == views::StepAxisMode::Time);
    };
    connect(time, &QAction::triggered, this,
        [this](bool on) { m_doc->setStepAxisMode(on ? views::StepAxisMode::Time : views::StepAxisMode::Steps); });
    connect(m_doc, &views::Document::stepAxisModeChanged, time, sync);
    connect(m_doc, &views::Document::runFinished, time, sync);
    sync();
}

void MainWindow::compareTraceDialog()
{
    if (!m_doc->replay()) {
        QMessageBox::information(this, tr("Compare with Another Trace"),
            tr("Open a kernel trace first (File > Open Trace): it is compared with the one you pick next."));
        return;
    }
    const QString path = QFileDialog::getOpenFileName(this, tr("Compare with Another Trace"), QString(),
        tr("Kernel traces (*.txt *.trace *.gz *.zst *.dat *.perfetto-trace *.pftrace);;All files (*)"));
    if (!path.isEmpty())
        compareWithTrace(path);
}

views::TracePairDialog* MainWindow::compareWithTrace(const QString& path)
{
    if (!m_doc->replay())
        return nullptr;
    if (!m_tracePair)
        m_tracePair = new views::TracePairDialog(m_doc, this);
    m_tracePair->compareWith(path);
    m_tracePair->show();
    m_tracePair->raise();
    return m_tracePair;
}

} // namespace cmascope::app
