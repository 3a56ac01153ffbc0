// SPDX-License-Identifier: GPL-2.0-or-later
// The planner pane: choose the use cases (scenarios), let the planner find the smallest size of every
// region that makes them all succeed and where the regions go (plan/planner.h, docs/planner.md), see each
// region before and after with its binding constraint and on the map (PlanLayoutView), apply the plan as one
// undoable edit, or export it straight to a kernel configuration.
#pragma once

#include <cmascope/plan/planner.h>

#include <QWidget>

#include <optional>

class QLabel;
class QMenu;
class QToolButton;
class QListWidget;
class QProgressBar;
class QSplitter;
class QPushButton;
class QTableWidget;

namespace cmascope::views {

class Document;
class JobTracker;
class PlanLayoutView;

class PlannerPanel : public QWidget
{
    Q_OBJECT
public:
    enum Column {
        RegionColumn,
        RoleColumn,
        BeforeColumn,
        PlannedColumn,
        StartColumn,
        LimitColumn,
        BindingColumn,
        ColumnCount
    };

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
    /// The project as the plan would make it (withPlannedSizes()); nullopt without a current plan.
    std::optional<Project> plannedProject() const;
    PlanLayoutView* layoutView() const { return m_layout; }
    /// The Export plan menu: one action per configuration format (exportformats.h), data() = the ConfigFormat.
    QMenu* exportMenu() const { return m_exportMenu; }

Q_SIGNALS:
    void planFinished();
    /// The user asked to export the plan in this ConfigFormat (the main window asks where to write it).
    void exportRequested(int format);

private:
    void createWidgets();
    void createExportMenu();
    /// Fills row @p row of the table with region @p p of the plan.
    void fillRow(int row, const PlannedRegion& p);
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
    QToolButton* m_export = nullptr;
    QMenu* m_exportMenu = nullptr;
    PlanLayoutView* m_layout = nullptr;
    QSplitter* m_split = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
    std::optional<PlanResult> m_result;
};

} // namespace cmascope::views
