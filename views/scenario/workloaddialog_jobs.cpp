// SPDX-License-Identifier: GPL-2.0-or-later
// The "Generate workload…" dialog's work (docs/workload.md, "The dialog"): the preview and the generation
// off the GUI thread, adding the scenario as one undoable edit, spec files, a trace's sizes as a histogram.
#include "common/document.h"
#include "common/jobtracker.h"
#include "scenario/workloadcells.h"
#include "scenario/workloaddialog.h"
#include "scenario/workloadpreview.h"

#include <cmascope/model/project.h>
#include <cmascope/replay/workloadhistogram.h>

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>

#include <stdexcept>

namespace cmascope::views {

void WorkloadDialog::scheduleRefresh()
{
    if (m_filling)
        return;
    m_previewSpec.reset();
    m_previewSteps.reset();
    m_refresh->start();
}

void WorkloadDialog::refreshPreview()
{
    m_refresh->stop();
    QString error;
    const auto spec = readSpec(&error);
    if (!spec) {
        m_jobs->discard();
        m_preview->showMessage(error, true);
        m_acceptWhenReady = false;
        Q_EMIT previewReady();
        return;
    }
    m_preview->showMessage(tr("Generating…"), false);
    // The job owns copies: the dialog may change or close while it runs.
    m_jobs->start([spec = *spec, platform = m_doc->project().platform](
                      const Progress& progress) { return generateWorkload(spec, platform, progress); },
        [this, spec = *spec](JobResult<WorkloadResult> result) {
            m_ok->setEnabled(true);
            if (result.failed() || (result.ok() && !result.value->errors.empty())) {
                const QString text = result.failed() ? result.error : QString::fromStdString(result.value->errorText());
                m_preview->showMessage(text.trimmed(), true);
                m_acceptWhenReady = false;
            } else if (result.ok() && result.value->ok()) {
                m_preview->showStats(result.value->scenario->steps.size(), result.value->stats);
                m_previewSpec = spec;
                m_previewSteps = std::move(*result.value->scenario);
                if (m_acceptWhenReady)
                    addToProject(*m_previewSteps);
            }
            Q_EMIT previewReady();
        });
}

void WorkloadDialog::waitForPreview()
{
    m_traceJobs->waitForIdle();
    if (m_refresh->isActive())
        refreshPreview();
    m_jobs->waitForIdle();
}

const Scenario* WorkloadDialog::previewScenario() const
{
    const auto spec = readSpec();
    return m_previewSteps && spec && m_previewSpec == spec ? &*m_previewSteps : nullptr;
}

QString WorkloadDialog::previewText() const
{
    return m_preview->text();
}

void WorkloadDialog::accept()
{
    if (const Scenario* ready = previewScenario()) {
        addToProject(*ready);
        return;
    }
    // Generate first (a big spec takes a while: the dialog stays responsive and Cancel stops it).
    m_acceptWhenReady = true;
    m_ok->setEnabled(false);
    refreshPreview();
    if (!m_jobs->isRunning())
        m_ok->setEnabled(true);
}

void WorkloadDialog::reject()
{
    m_acceptWhenReady = false;
    m_jobs->discard();
    m_traceJobs->discard();
    QDialog::reject();
}

void WorkloadDialog::addToProject(Scenario scenario)
{
    m_acceptWhenReady = false;
    m_ok->setEnabled(true);
    std::vector<Scenario> scenarios = m_doc->project().scenarios;
    const QString name = QString::fromStdString(scenario.name);
    scenarios.push_back(std::move(scenario));
    const int index = int(scenarios.size()) - 1;
    m_doc->editScenarios(std::move(scenarios), index, tr("Generate workload '%1'").arg(name));
    QDialog::accept();
}

void WorkloadDialog::useTraceHistogram(int row, const QString& trace, const QString& task)
{
    if (row < 0 || row >= m_streams->rowCount())
        return;
    m_preview->showMessage(tr("Reading %1…").arg(QFileInfo(trace).fileName()), false);
    m_traceJobs->start(
        [path = trace.toStdString(), filter = task.toStdString()](const Progress& progress) {
            ReplayOptions options;
            options.fidelity = false; // only the requests' sizes are needed
            auto replayed = replayTraceFile(path, {}, options, progress);
            if (!replayed.ok())
                throw std::runtime_error(replayed.error);
            return workloadHistogram(replayed.result, filter);
        },
        [this, row,
            source = QString(
                QFileInfo(trace).fileName() + (task.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(task)))](
            JobResult<std::vector<WeightedSize>> result) {
            if (!result.ok() || result.value->empty()) {
                m_preview->showMessage(
                    result.failed() ? result.error : tr("The trace has no request of that task."), true);
                return;
            }
            SizeDistribution sizes;
            sizes.kind = SizeDistributionKind::Histogram;
            sizes.choices = std::move(*result.value);
            sizes.source = source.toStdString();
            qobject_cast<QComboBox*>(m_streams->cellWidget(row, StreamSizeType))
                ->setCurrentText(QStringLiteral("histogram"));
            auto* item = m_streams->item(row, StreamSizes);
            item->setToolTip(source);
            item->setText(sizesCellText(sizes));
        });
}

void WorkloadDialog::chooseTrace()
{
    const int row = std::max(0, m_streams->currentRow());
    if (m_streams->rowCount() == 0)
        return;
    const QString trace = QFileDialog::getOpenFileName(this, tr("Sizes from a Kernel Trace"), {},
        tr("Kernel traces (*.txt *.gz *.zst *.dat *.perfetto-trace *.pftrace);;All files (*)"));
    if (trace.isEmpty())
        return;
    bool ok = false;
    const QString task = QInputDialog::getText(this, tr("Sizes from a Kernel Trace"),
        tr("Only the requests of this task (a command such as \"kworker/0:1\", or an area); empty: all:"),
        QLineEdit::Normal, QString(), &ok);
    if (ok)
        useTraceHistogram(row, trace, task.trimmed());
}

void WorkloadDialog::openSpec()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open Workload Spec"), {}, tr("Workload specs (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    const auto loaded = loadWorkloadFile(path.toStdString());
    if (!loaded.ok()) {
        QMessageBox::warning(this, tr("Open Workload Spec"), QString::fromStdString(loaded.errorText()));
        return;
    }
    setSpec(*loaded.spec);
}

void WorkloadDialog::saveSpec()
{
    QString error;
    const auto spec = readSpec(&error);
    if (!spec) {
        QMessageBox::warning(this, tr("Save Workload Spec"), error);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Workload Spec"), QStringLiteral("workload.json"), tr("Workload specs (*.json)"));
    if (path.isEmpty())
        return;
    if (const auto failed = writeFileAtomically(path.toStdString(), serializeWorkloadSpec(*spec)))
        QMessageBox::warning(this, tr("Save Workload Spec"), QString::fromStdString(*failed));
}

} // namespace cmascope::views
