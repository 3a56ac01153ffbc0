// SPDX-License-Identifier: GPL-2.0-or-later
// The planner pane: choose the use cases (scenarios), let the planner find the smallest size of every
// region that makes them all succeed and where the regions go (plan/planner.h, docs/planner.md), see each
// region before and after with its binding constraint, and apply the plan as one undoable edit.
#pragma once

#include <cmascope/plan/planner.h>

#include <QWidget>

#include <optional>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace cmascope::views {

class Document;
class JobTracker;

class PlannerPanel : public QWidget
{
    Q_OBJECT
public:
    enum Column { RegionColumn, RoleColumn, BeforeColumn, PlannedColumn, StartColumn, BindingColumn, ColumnCount };

    explicit PlannerPanel(Document* document, QWidget* parent = nullptr);

    /// Starts planning for the checked scenarios (off the GUI thread). False when none is checked.
    bool plan();
    void cancel();
    /// Replaces the project's region sizes (and, for dynamic regions, nothing else) with the plan's, as one
    /// undoable edit. False without a current plan.
    bool applyPlan();
    bool isPlanning() const;
    void waitForPlan();
    /// The last plan, while it still belongs to the project.
    const PlanResult* result() const { return m_result ? &*m_result : nullptr; }
    /// Checks or unchecks scenario @p index.
    void setScenarioChecked(int index, bool checked);
    QString summaryText() const;

Q_SIGNALS:
    void planFinished();

private:
    void createWidgets();
    void rebuildScenarios();
    void invalidate();
    void showResult();
    void updateButtons();

    Document* m_doc;
    JobTracker* m_jobs = nullptr;
    QListWidget* m_scenarios = nullptr;
    QPushButton* m_plan = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_apply = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
    std::optional<PlanResult> m_result;
};

} // namespace cmascope::views
