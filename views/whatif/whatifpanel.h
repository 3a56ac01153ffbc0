// SPDX-License-Identifier: GPL-2.0-or-later
// What-if: run the open project's scenario (or a kernel trace's recorded requests) again with one
// region or area given another policy, size or order_per_bit, off the GUI thread, and list the
// requests whose outcome changes. Activating a row moves every view to that step; for projects the
// variant can be applied as an undoable edit (region planning).
#pragma once

#include "common/jobtracker.h"

#include <cmascope/plan/whatif.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/tracewhatif.h>

#include <QAbstractTableModel>
#include <QVector>
#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;

namespace cmascope::views {

class Document;

/// One request whose outcome differs.
struct WhatIfRow
{
    quint32 step = 0; ///< timeline step (the Document's step index)
    std::optional<quint64> timeNs;
    QString who; ///< device (projects) or comm-pid (traces)
    QString region;
    quint64 bytes = 0;
    QString before, after, detail;
    bool nowFails = false;
};

class WhatIfModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        StepColumn,
        TimeColumn,
        WhoColumn,
        RegionColumn,
        SizeColumn,
        BeforeColumn,
        AfterColumn,
        DetailColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole + 1, StepRole };
    explicit WhatIfModel(QObject* parent = nullptr);
    void setRows(QVector<WhatIfRow> rows);
    const QVector<WhatIfRow>& rows() const { return m_rows; }
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<WhatIfRow> m_rows;
};

/// What a finished what-if run found.
struct WhatIfOutcome
{
    QString error; ///< non-empty: nothing was compared
    QString summary;
    QVector<WhatIfRow> rows;
};

class WhatIfPanel : public QWidget
{
    Q_OBJECT
public:
    explicit WhatIfPanel(Document* doc, QWidget* parent = nullptr);
    ~WhatIfPanel() override;

    /// The replay the open document came from (trace mode), or null for a project.
    void setReplay(std::shared_ptr<const ReplayResult> replay);
    bool isTraceMode() const { return m_replay != nullptr; }

    /// The controls, for tests and for the main window: target region/area (-1 = every one), a policy
    /// (unset = unchanged), a size text ("" = unchanged; memparse syntax) and order_per_bit (-1 = unchanged).
    void setVariant(int target, std::optional<PolicyKind> policy, const QString& size, int orderPerBit);
    /// Starts a run with the current controls. Returns false (and shows why) if the inputs are unusable.
    bool run();
    void cancel();
    bool isRunning() const;
    /// Blocks until a running what-if has finished and its result is shown (tests).
    void waitForRun();
    /// Applies the last compared variant to the project as one undoable edit (projects only).
    bool applyToProject();

    WhatIfModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QString summaryText() const;
    QString errorText() const { return m_error; }

Q_SIGNALS:
    /// A run finished and its rows are shown.
    void finished();

private:
    // The panel's parts, top to bottom: the change to make, Compare/Cancel/Apply, the differing requests.
    QHBoxLayout* createVariantControls();
    QHBoxLayout* createRunControls();
    QTableView* createTable();
    void connectControls();
    void rebuildTargets();
    void invalidate();
    void onFinished(JobResult<WhatIfOutcome> result);
    void showError(const QString& error);
    void updateButtons();
    std::optional<PlatformVariant> projectVariant(QString* error) const;
    std::optional<WhatIfSpec> traceSpec(QString* error) const;

    Document* m_doc;
    std::shared_ptr<const ReplayResult> m_replay;
    QComboBox* m_target = nullptr;
    QComboBox* m_policy = nullptr;
    QLineEdit* m_size = nullptr;
    QSpinBox* m_orderPerBit = nullptr;
    QPushButton* m_runButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_applyButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_summary = nullptr;
    QTableView* m_table = nullptr;
    WhatIfModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QString m_error;
    JobTracker* m_jobs = nullptr; ///< the comparison
    std::optional<PlatformVariant> m_lastVariant; ///< the variant whose result is shown (projects)
    quint64 m_generation = 0; ///< bumped when the document changes: older results are dropped
    quint64 m_runGeneration = 0;
};

} // namespace cmascope::views
