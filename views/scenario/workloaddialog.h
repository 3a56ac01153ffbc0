// SPDX-License-Identifier: GPL-2.0-or-later
// "Generate workload…" (docs/workload.md, "The dialog"): phases, streams per device and kind with their size
// and lifetime distributions, a seed and a live preview; OK adds the generated scenario to the project as one
// undoable edit. Generation runs off the GUI thread through a JobTracker (a spec can ask for millions of steps);
// the steps are exactly those generateWorkload() (model/workload.h) gives for the same spec.
#pragma once

#include <cmascope/model/workload.h>

#include <QDialog>

#include <optional>

class QComboBox;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTimer;

namespace cmascope::views {

class Document;
class JobTracker;
class WorkloadPreview;

class WorkloadDialog : public QDialog
{
    Q_OBJECT
public:
    enum PhaseColumn { PhaseName, PhaseKindColumn, PhaseTicks, PhaseConcurrency, PhaseColumnCount };
    enum StreamColumn {
        StreamDevice,
        StreamKind,
        StreamWeight,
        StreamSizeType,
        StreamSizes,
        StreamRoundTo,
        StreamAlign,
        StreamLifetime,
        StreamColumnCount
    };

    explicit WorkloadDialog(Document* document, QWidget* parent = nullptr);

    /// The spec the widgets describe; nullopt with @p error set ("streams[0].sizes: ...") when a cell cannot
    /// be read. Checks beyond the cells' syntax are generateWorkload()'s.
    std::optional<WorkloadSpec> readSpec(QString* error = nullptr) const;
    void setSpec(const WorkloadSpec& spec);
    /// A starting spec for @p platform: every phase kind, a stream for each of its first devices.
    static WorkloadSpec defaultSpec(const Platform& platform);

    /// Regenerates the preview now (off the GUI thread); waitForPreview() waits for it.
    void refreshPreview();
    void waitForPreview();
    /// The last preview's scenario, when it is the widgets' spec's.
    const Scenario* previewScenario() const;
    QString previewText() const;

    /// Replaces stream @p row's sizes with the histogram of @p trace's requests (those of @p task; empty: all),
    /// read and replayed off the GUI thread.
    void useTraceHistogram(int row, const QString& trace, const QString& task);

    /// Adds the generated scenario (generating it first if the preview is stale) and closes.
    void accept() override;
    void reject() override;

Q_SIGNALS:
    void previewReady();

private:
    void createWidgets();
    QWidget* createPhaseBox();
    QWidget* createStreamBox();
    void addPhaseRow(const WorkloadPhase& phase);
    void addStreamRow(const WorkloadStream& stream);
    QComboBox* comboAt(QTableWidget* table, int row, int column) const;
    std::optional<QString> readPhases(WorkloadSpec& spec) const;
    std::optional<QString> readStreams(WorkloadSpec& spec) const;
    void scheduleRefresh();
    void addToProject(Scenario scenario);
    void chooseTrace();
    void openSpec();
    void saveSpec();

    Document* m_doc;
    JobTracker* m_jobs = nullptr; ///< generation (preview and OK)
    JobTracker* m_traceJobs = nullptr; ///< reading a trace for a histogram
    QTimer* m_refresh = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_seed = nullptr;
    QTableWidget* m_phases = nullptr;
    QTableWidget* m_streams = nullptr;
    WorkloadPreview* m_preview = nullptr;
    QPushButton* m_ok = nullptr;
    std::optional<WorkloadSpec> m_previewSpec; ///< the spec m_previewSteps was generated from
    std::optional<Scenario> m_previewSteps;
    bool m_acceptWhenReady = false;
    bool m_filling = false;
};

} // namespace cmascope::views
