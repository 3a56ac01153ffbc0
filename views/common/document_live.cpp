// SPDX-License-Identifier: GPL-2.0-or-later
// Document, a followed trace (docs/following.md, "Following in the app"): a GUI-owned run that grows by the
// steps each batch of text adds; the views are told "steps appended", not "run finished".
#include "common/document.h"

#include <QUndoStack>

#include <algorithm>

namespace cmascope::views {

namespace {

/// Copies the steps, times and names @p from has beyond @p to's (its prefix): work for the new ones only.
void appendTail(Scenario& to, const Scenario& from)
{
    for (std::size_t id = to.symbols.size(); id < from.symbols.size(); ++id)
        to.symbols.intern(from.symbols.name(std::uint32_t(id)));
    const auto first = std::ptrdiff_t(std::min(to.steps.size(), from.steps.size()));
    to.steps.insert(to.steps.end(), from.steps.begin() + first, from.steps.end());
    to.timesNs = from.timesNs.size() == from.steps.size() ? to.timesNs : std::vector<std::uint64_t> {};
    if (from.timesNs.size() == from.steps.size())
        to.timesNs.insert(
            to.timesNs.end(), from.timesNs.begin() + std::ptrdiff_t(to.timesNs.size()), from.timesNs.end());
}

} // namespace

void Document::beginLive(Project project, std::shared_ptr<const ReplayResult> live, std::size_t position)
{
    m_undo->clear();
    Q_EMIT runAboutToStart();
    m_jobs->cancel();
    m_project = std::move(project);
    m_replay = std::move(live);
    m_scenarioIndex = 0;
    m_selectedChunk = kNoChunk;
    setPath({});
    m_placed = m_project.platform;
    m_placement = placeRegions(m_placed);
    Q_EMIT scenariosChanged();
    Q_EMIT projectChanged();
    m_sim.reset();
    m_liveSim.reset();
    m_live = false;
    m_runError.clear();
    m_failures = 0;
    auto created =
        Simulation::create(m_placed, m_project.scenarios.empty() ? Scenario {} : m_project.scenarios.front());
    if (auto* err = std::get_if<std::string>(&created)) {
        m_runError = QString::fromStdString(*err);
        Q_EMIT runStarted();
        Q_EMIT runFinished();
        return;
    }
    m_liveSim = std::make_shared<Simulation>(std::move(std::get<Simulation>(created)));
    m_liveSim->run(); // the steps so far: at most once per area met (MainWindow), then only appended ones
    m_sim = m_liveSim;
    m_live = true;
    for (const auto& r : m_sim->records())
        m_failures += r.outcome == Outcome::Failed;
    m_position = std::min(position, m_sim->stepCount());
    m_next = NextPosition::Position;
    m_nextPosition = m_position;
    m_state = m_sim->stateAt(m_position);
    Q_EMIT runStarted();
    Q_EMIT runFinished();
    Q_EMIT positionChanged(m_position);
    Q_EMIT modifiedChanged(false);
    Q_EMIT projectReplaced();
}

bool Document::appendLiveSteps(const Scenario& grown, bool toNewest)
{
    if (!m_live || !m_liveSim)
        return false;
    const std::size_t first = m_liveSim->stepCount();
    if (m_liveSim->appendSteps(grown))
        return false;
    m_liveSim->run();
    const std::size_t count = m_liveSim->stepCount() - first;
    if (count == 0)
        return true;
    const auto& records = m_liveSim->records();
    for (std::size_t i = first; i < records.size(); ++i)
        m_failures += records[i].outcome == Outcome::Failed;
    appendTail(m_project.scenarios.front(), m_liveSim->scenario()); // the project shown is the run shown
    Q_EMIT stepsAppended(first, count);
    if (toNewest)
        setPosition(m_liveSim->stepCount());
    return true;
}

} // namespace cmascope::views
