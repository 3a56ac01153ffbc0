// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/document.h"

#include <QCoreApplication>
#include <QUndoCommand>
#include <QUndoStack>

#include <algorithm>

namespace cmascope::views {

/// One platform edit: the platform before and after. Platforms are small, so whole copies keep every
/// edit (add, remove, change a cell, reorder rules) trivially undoable.
class PlatformEditCommand : public QUndoCommand
{
public:
    PlatformEditCommand(Document* doc, Platform before, Platform after, const QString& text)
        : QUndoCommand(text)
        , m_doc(doc)
        , m_before(std::move(before))
        , m_after(std::move(after))
    { }
    void undo() override { m_doc->applyPlatform(m_before); }
    void redo() override { m_doc->applyPlatform(m_after); }

private:
    Document* m_doc;
    Platform m_before;
    Platform m_after;
};

/// One edit of the scenarios (steps, names, order, additions, removals): the whole list before and after, and
/// which scenario runs. A million-step trace scenario costs its steps twice; projects are small.
class ScenarioEditCommand : public QUndoCommand
{
public:
    struct Side
    {
        std::vector<Scenario> scenarios;
        int index = 0;
        std::optional<std::size_t> position; ///< where the rerun is shown; unset: the current step is kept
    };
    ScenarioEditCommand(Document* doc, Side before, Side after, const QString& text)
        : QUndoCommand(text)
        , m_doc(doc)
        , m_before(std::move(before))
        , m_after(std::move(after))
    { }
    void undo() override { m_doc->applyScenarios(m_before.scenarios, m_before.index, m_before.position); }
    void redo() override { m_doc->applyScenarios(m_after.scenarios, m_after.index, m_after.position); }

private:
    Document* m_doc;
    Side m_before;
    Side m_after;
};

Document::Document(QObject* parent)
    : QObject(parent)
    , m_undo(new QUndoStack(this))
    , m_jobs(new JobTracker(this))
{
    connect(m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) { Q_EMIT modifiedChanged(!clean); });
    connect(m_jobs, &JobTracker::progressChanged, this, &Document::runProgress);
}

Document::~Document()
{
    Q_EMIT runAboutToStart();
}

QString stepPositionText(std::size_t position, std::size_t count)
{
    if (count == 0)
        return QCoreApplication::translate("cmascope::views::Document", "no steps");
    if (const auto step = stepAtPosition(position))
        return QCoreApplication::translate("cmascope::views::Document", "step %1 of %2").arg(*step).arg(count);
    return QCoreApplication::translate("cmascope::views::Document", "before step 0 of %1").arg(count);
}

void Document::setProject(
    Project project, const QString& path, StartAt start, std::shared_ptr<const ReplayResult> replay)
{
    m_undo->clear();
    m_live = false;
    m_liveSim.reset();
    m_project = std::move(project);
    m_replay = std::move(replay);
    m_scenarioIndex = 0;
    m_selectedChunk = kNoChunk;
    setPath(path);
    Q_EMIT scenariosChanged();
    applyPlatform(m_project.platform);
    // Not an edit: the old run's position means nothing here (set after startRun(), which keeps it for edits).
    m_next = start == StartAt::FirstFailure ? NextPosition::FirstFailure
        : start == StartAt::LastStep        ? NextPosition::LastStep
                                            : NextPosition::FirstStep;
    Q_EMIT modifiedChanged(false);
    Q_EMIT projectReplaced();
}

void Document::setPath(const QString& path)
{
    if (path == m_path)
        return;
    m_path = path;
    Q_EMIT pathChanged();
}

bool Document::isModified() const
{
    return !m_undo->isClean();
}

void Document::setSaved()
{
    m_undo->setClean();
}

void Document::editPlatform(const Platform& platform, const QString& what)
{
    if (platform == m_project.platform)
        return;
    m_undo->push(new PlatformEditCommand(this, m_project.platform, platform, what));
}

void Document::editScenarios(std::vector<Scenario> scenarios, int current, const QString& what)
{
    m_undo->push(new ScenarioEditCommand(
        this, { m_project.scenarios, m_scenarioIndex, {} }, { std::move(scenarios), current, {} }, what));
}

void Document::editScenariosAt(std::vector<Scenario> scenarios, int current, const QString& what, std::size_t position)
{
    // While a run is under way, the position it is to be shown at is the one before the edit.
    const std::size_t before = m_sim ? m_position : m_nextPosition;
    m_undo->push(new ScenarioEditCommand(
        this, { m_project.scenarios, m_scenarioIndex, before }, { std::move(scenarios), current, position }, what));
}

void Document::applyScenarios(const std::vector<Scenario>& scenarios, int current, std::optional<std::size_t> position)
{
    m_project.scenarios = scenarios;
    m_scenarioIndex = std::clamp(current, 0, std::max(0, int(m_project.scenarios.size()) - 1));
    Q_EMIT scenariosChanged();
    startRun();
    if (position)
        showPositionWhenRun(*position);
}

void Document::applyPlatform(const Platform& platform)
{
    m_project.platform = platform;
    m_placed = platform;
    m_placement = placeRegions(m_placed);
    Q_EMIT projectChanged();
    startRun();
}

void Document::setScenarioIndex(int index)
{
    if (index == m_scenarioIndex || index < 0 || index >= int(m_project.scenarios.size()))
        return;
    m_scenarioIndex = index;
    Q_EMIT scenariosChanged();
    startRun();
    m_next = NextPosition::FirstStep; // other steps: start over
}

void Document::startRun()
{
    // A run still under way is cancelled and its result dropped (JobTracker): the new one replaces it.
    Q_EMIT runAboutToStart();
    if (m_live && m_replay) // an edit of a followed trace stops its growth: the run becomes an ordinary one,
        m_replay = std::make_shared<const ReplayResult>(*m_replay); // on the replay so far (once)
    m_live = false;
    m_liveSim.reset();
    // A rerun of the same project (an edit, undo/redo) stays at the current step; where a run was pending
    // or failed, the position it should have shown is kept.
    if (m_sim) {
        m_next = NextPosition::Position;
        m_nextPosition = m_position;
    }
    m_sim.reset();
    m_failures = 0;
    m_runError.clear();
    m_state = SimState();
    m_position = 0;
    Scenario scenario = m_scenarioIndex < int(m_project.scenarios.size())
        ? m_project.scenarios[std::size_t(m_scenarioIndex)]
        : Scenario {};
    auto created = Simulation::create(m_placed, std::move(scenario));
    if (auto* err = std::get_if<std::string>(&created)) {
        m_jobs->cancel();
        m_runError = QString::fromStdString(*err);
        Q_EMIT runFinished();
        return;
    }
    // The worker owns the simulation until it has run; then it is shared, read-only, with every view and
    // worker that asks (sharedSimulation()).
    auto sim = std::make_shared<Simulation>(std::move(std::get<Simulation>(created)));
    m_jobs->start(
        [sim](const Progress& progress) {
            sim->run(progress);
            return std::shared_ptr<const Simulation>(sim);
        },
        [this](JobResult<std::shared_ptr<const Simulation>> result) { onRunFinished(std::move(result)); });
    Q_EMIT runStarted();
}

void Document::onRunFinished(JobResult<std::shared_ptr<const Simulation>> result)
{
    if (!result.ok()) {
        m_runError = result.failed() ? tr("The run failed: %1").arg(result.error) : tr("The run was cancelled.");
        Q_EMIT runFinished();
        return;
    }
    m_sim = std::move(*result.value);
    m_failures = 0;
    for (const auto& r : m_sim->records())
        m_failures += r.outcome == Outcome::Failed;
    m_position = firstPosition();
    m_next = NextPosition::Position;
    m_nextPosition = m_position;
    m_state = m_sim->stateAt(m_position);
    Q_EMIT runFinished();
    Q_EMIT positionChanged(m_position);
}

std::size_t Document::firstPosition() const
{
    const std::size_t steps = m_sim->stepCount();
    switch (m_next) {
    case NextPosition::FirstStep:
        return std::min<std::size_t>(positionAfterStep(0), steps);
    case NextPosition::FirstFailure: {
        const auto& records = m_sim->records();
        const auto failed = std::find_if(
            records.begin(), records.end(), [](const StepRecord& r) { return r.outcome == Outcome::Failed; });
        return std::min<std::size_t>(
            positionAfterStep(failed == records.end() ? 0 : std::size_t(failed - records.begin())), steps);
    }
    case NextPosition::LastStep:
        return steps;
    case NextPosition::Position:
        break;
    }
    return std::min(m_nextPosition, steps);
}

bool Document::isRunning() const
{
    return m_jobs->isRunning();
}

void Document::cancelRun()
{
    m_jobs->cancel();
}

void Document::waitForRun()
{
    m_jobs->waitForIdle();
}

void Document::setPosition(std::size_t position)
{
    if (!m_sim)
        return;
    position = std::min(position, m_sim->stepCount());
    if (position == m_position)
        return;
    if (position > m_position && position - m_position < 4096)
        m_sim->advance(m_state, position); // short step forward: cheaper than a checkpoint jump
    else
        m_state = m_sim->stateAt(position);
    m_position = position;
    Q_EMIT positionChanged(m_position);
}

void Document::showPositionWhenRun(std::size_t position)
{
    if (isRunning() || !m_sim) {
        m_next = NextPosition::Position;
        m_nextPosition = position;
        return;
    }
    setPosition(position);
}

void Document::setSelectedChunk(std::uint32_t chunk)
{
    if (chunk == m_selectedChunk)
        return;
    m_selectedChunk = chunk;
    Q_EMIT selectionChanged(chunk);
}

StepAxisMode Document::stepAxisMode() const
{
    return m_axisMode == StepAxisMode::Time && hasStepTimes() ? StepAxisMode::Time : StepAxisMode::Steps;
}

void Document::setStepAxisMode(StepAxisMode mode)
{
    if (mode == m_axisMode)
        return;
    m_axisMode = mode;
    Q_EMIT stepAxisModeChanged();
}

bool Document::hasStepTimes() const
{
    return m_sim && scenarioHasTimes(m_sim->scenario());
}

} // namespace cmascope::views
