// SPDX-License-Identifier: GPL-2.0-or-later
// The open project as the views see it: the project, its regions placed like the kernel does at boot,
// the run of the selected scenario (computed off the GUI thread, with progress and cancel), the
// current step every view follows, the selected chunk, and the undo stack of edits.
#pragma once

#include "common/jobtracker.h"
#include "common/stepaxis.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/replay/replay.h>
#include <cmascope/sim/simulator.h>

#include <QObject>
#include <QString>

#include <memory>
#include <optional>

class QUndoStack;

namespace cmascope::views {

// ---- Step numbering: one for every view --------------------------------------------------------------------
// Steps are numbered from 0, as the event log's rows are. The document's position is the number of steps
// executed (0 = before step 0, stepCount() = after the last step); the *current step* is the last one
// executed, i.e. position - 1. The event log selects it, the inspector explains it, the timeline, the
// status bar and the charts name it, and the map shows the state right after it.

/// The current step at @p position (nullopt before the first step).
constexpr std::optional<std::size_t> stepAtPosition(std::size_t position)
{
    return position > 0 ? std::optional<std::size_t>(position - 1) : std::nullopt;
}
/// The position that makes @p step the current step (the state right after it).
constexpr std::size_t positionAfterStep(std::size_t step)
{
    return step + 1;
}
/// "step 60 of 99" (the current step at @p position of @p count steps), "before step 0 of 99", "no steps".
QString stepPositionText(std::size_t position, std::size_t count);

class Document : public QObject
{
    Q_OBJECT
public:
    explicit Document(QObject* parent = nullptr);
    ~Document() override;

    /// Where a new project's run is shown once it has finished.
    enum class StartAt {
        FirstStep, ///< step 0 is the current step (before step 0 when the run has no steps)
        FirstFailure, ///< the first failed request, else step 0 (kernel traces)
        LastStep, ///< the end state
    };
    /// Replaces the whole project (open, new, import). Clears the undo stack and reruns the scenario; the
    /// finished run is shown at @p start (unless showPositionWhenRun() asks for another position).
    /// @p replay: the kernel trace the project was replayed from (its scenario is the replay's timeline, step i =
    /// ReplayResult::timeline[i]); null for any other project.
    void setProject(Project project, const QString& path = {}, StartAt start = StartAt::FirstStep,
        std::shared_ptr<const ReplayResult> replay = {});
    const Project& project() const { return m_project; }
    /// The replayed trace this project shows (null: not a trace). Read-only and shared with workers.
    const ReplayResult* replay() const { return m_replay.get(); }
    /// Null while following (isLive()): the live replay grows on the GUI thread, so no worker may read it.
    std::shared_ptr<const ReplayResult> sharedReplay() const { return m_live ? nullptr : m_replay; }

    // ---- A followed trace (docs/following.md, "Following in the app"; document_live.cpp) ----
    /// Shows a run that grows: @p project's platform and scenario (the live replay's timeline so far) run at
    /// once on the GUI thread; @p live is the live replay, which grows on the GUI thread.
    /// simulation() and replay() then grow by appendLiveSteps(); sharedSimulation() and sharedReplay() are null
    /// meanwhile (workers never see a run that grows). Shown at @p position (clamped). An edit ends the growth:
    /// the run is rerun as any edit's, on a copy of the replay so far.
    void beginLive(Project project, std::shared_ptr<const ReplayResult> live, std::size_t position);
    /// Appends the steps @p grown (the live replay's scenario) has beyond the run's and records them: work for
    /// the new steps only. With @p toNewest the newest step becomes the current step, else the current step
    /// stays. False (nothing appended) when the document is no longer live or the steps do not fit the run.
    bool appendLiveSteps(const Scenario& grown, bool toNewest);
    bool isLive() const { return m_live; }
    /// The trace request shown at scenario step @p step (null: not a trace, or not a request step).
    const ReplayRequest* replayRequestAtStep(std::size_t step) const
    {
        return m_replay ? m_replay->requestAtStep(step) : nullptr;
    }
    /// The platform with every region placed (Region::placedBase), as simulated and drawn.
    const Platform& placedPlatform() const { return m_placed; }
    const PlacementResult& placement() const { return m_placement; }
    QString path() const { return m_path; }
    void setPath(const QString& path);
    bool isModified() const;
    /// Marks the current state as saved.
    void setSaved();

    /// Replaces the view state kept in the project file (not an edit: nothing to undo, not "modified").
    void setViewJson(std::string json) { m_project.viewJson = std::move(json); }

    /// Replaces the platform as one undoable edit named @p what; reruns the scenario.
    void editPlatform(const Platform& platform, const QString& what);
    QUndoStack* undoStack() const { return m_undo; }

    /// Replaces the scenarios as one undoable edit named @p what, running scenario @p current (clamped);
    /// reruns it.
    void editScenarios(std::vector<Scenario> scenarios, int current, const QString& what);
    /// Like editScenarios(), and the rerun is shown at @p position (showPositionWhenRun()); undoing it shows the
    /// position before the edit again, redoing it @p position (the sandbox's inserted steps, docs/sandbox.md).
    void editScenariosAt(std::vector<Scenario> scenarios, int current, const QString& what, std::size_t position);

    int scenarioIndex() const { return m_scenarioIndex; }
    void setScenarioIndex(int index);

    /// The finished run, or null while it runs (or if it could not start; see runError()).
    const Simulation* simulation() const { return m_sim.get(); }
    /// The same, shared: a worker keeps it alive and reads it (a run simulation is immutable; simulator.h).
    std::shared_ptr<const Simulation> sharedSimulation() const { return m_live ? nullptr : m_sim; }
    QString runError() const { return m_runError; }
    /// Failed requests in the finished run (counted once when it finishes).
    std::size_t failureCount() const { return m_failures; }
    bool isRunning() const;
    void cancelRun();
    /// Blocks until the current run has finished (tests, headless rendering).
    void waitForRun();

    /// Number of steps executed in the state shown (0 = before the first step).
    std::size_t position() const { return m_position; }
    std::size_t stepCount() const { return m_sim ? m_sim->stepCount() : 0; }
    void setPosition(std::size_t position);
    /// Like setPosition(), but when a run is under way, the position its result is shown at (clamped).
    void showPositionWhenRun(std::size_t position);
    /// The last step executed (stepAtPosition(position())), nullopt before step 0 or without a run.
    std::optional<std::size_t> currentStep() const { return m_sim ? stepAtPosition(m_position) : std::nullopt; }
    /// Makes @p step the current step (clamped to the run).
    void setCurrentStep(std::size_t step) { setPosition(positionAfterStep(step)); }
    /// stepPositionText() of the position shown.
    QString stepText() const { return stepPositionText(m_position, stepCount()); }
    /// The state at position(); valid while simulation() is not null.
    const SimState& state() const { return m_state; }

    /// The selected chunk id, or kNoChunk.
    std::uint32_t selectedChunk() const { return m_selectedChunk; }
    void setSelectedChunk(std::uint32_t chunk);

    /// The axis the timeline and the charts use (stepaxis.h, docs/time-and-latency.md): the one chosen, or Steps
    /// while the run's scenario has no times. The choice survives a new project; it is view state, not an edit.
    StepAxisMode stepAxisMode() const;
    StepAxisMode chosenStepAxisMode() const { return m_axisMode; }
    void setStepAxisMode(StepAxisMode mode);
    /// The axis of the finished run in the mode shown (the step axis without a run).
    StepAxis stepAxis() const { return StepAxis(stepAxisMode(), m_sim); }
    /// True when the run's scenario has a time for every step (only then is the time axis offered).
    bool hasStepTimes() const;

Q_SIGNALS:
    void projectChanged();
    /// The scenarios were edited or another one was chosen to run (scenarioIndex()).
    void scenariosChanged();
    /// A whole new project replaced the old one (setProject(); after projectChanged() and runStarted()):
    /// views reset what belonged to the old one, e.g. the map's address window.
    void projectReplaced();
    void pathChanged();
    void modifiedChanged(bool modified);
    /// The current simulation is about to be replaced (a new run starts, or the document goes away): work
    /// computed from it is out of date. Workers keep their sharedSimulation() alive, so nothing has to wait
    /// for them. Emitted before runStarted().
    void runAboutToStart();
    void runStarted();
    void runProgress(int done, int total);
    /// A run finished (simulation() set) or failed (runError() set) or was cancelled.
    void runFinished();
    void positionChanged(std::size_t position);
    /// A live run grew (appendLiveSteps()): steps [first, first + count) were added at its end.
    void stepsAppended(std::size_t first, std::size_t count);
    void selectionChanged(std::uint32_t chunk);
    /// The chosen axis changed (setStepAxisMode()); runFinished() may change stepAxisMode() too.
    void stepAxisModeChanged();

private:
    friend class PlatformEditCommand;
    friend class ScenarioEditCommand;
    void applyScenarios(const std::vector<Scenario>& scenarios, int current, std::optional<std::size_t> position);
    void applyPlatform(const Platform& platform);
    void startRun();
    void onRunFinished(JobResult<std::shared_ptr<const Simulation>> result);
    /// Where a finished run is shown first (m_next).
    std::size_t firstPosition() const;

    Project m_project;
    std::shared_ptr<const ReplayResult> m_replay;
    Platform m_placed;
    PlacementResult m_placement;
    QString m_path;
    QUndoStack* m_undo = nullptr;
    int m_scenarioIndex = 0;
    std::shared_ptr<const Simulation> m_sim;
    std::shared_ptr<Simulation> m_liveSim; ///< the same run while live: the GUI thread appends to it
    bool m_live = false;
    QString m_runError;
    JobTracker* m_jobs = nullptr; ///< the run
    std::size_t m_position = 0;
    /// Where the next finished run is shown: a project's start, or the position (Position) kept across a
    /// rerun after an edit (clamped to the new step count).
    enum class NextPosition { FirstStep, FirstFailure, LastStep, Position } m_next = NextPosition::FirstStep;
    std::size_t m_nextPosition = 0;
    SimState m_state;
    std::uint32_t m_selectedChunk = kNoChunk;
    std::size_t m_failures = 0;
    StepAxisMode m_axisMode = StepAxisMode::Steps;
};

} // namespace cmascope::views
