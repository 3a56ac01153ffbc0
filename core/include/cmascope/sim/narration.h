// SPDX-License-Identifier: GPL-2.0-or-later
// Step narration (issue 16, docs/teaching.md#narration): what one step of a simulation did, in a few short plain
// sentences, from the facts the simulator records: the request, the map rule that sent it, the hole the region's
// policy chose and why, what a free merged with, and how the region's free space changed.
#pragma once

#include <cmascope/sim/simulator.h>

#include <cstddef>
#include <string>
#include <vector>

namespace cmascope {

/// The narration of one step: a headline (what was asked or done) and the sentences that explain it.
struct StepNarration
{
    std::size_t step = 0;
    std::string headline;
    std::vector<std::string> lines;
    /// How the step came out under its region's policy, from @ref lines, for views with room for a line or two per
    /// run (the compare pane's maps): for a placed request where it went, then the policy's choice (the "Placed at"
    /// sentence, then the choice sentence); the refusal for a failed one; what a free merged with. Empty when the
    /// headline says it all (phases, pins, ...).
    std::string outcome;
};

/// Narrates step @p step of a run @p sim (which must have recorded it). Reads the state before and after the step
/// (Simulation::stateAt()) and, for a request, Simulation::diagnose(); changes nothing. Thread safety as for the
/// const members of Simulation.
StepNarration narrate(const Simulation& sim, std::size_t step);
/// The same, from @p before, the state before the step (Simulation::stateAt(step)): a caller narrating every step
/// walks one state forward with Simulation::advance() instead of rebuilding it each time.
StepNarration narrate(const Simulation& sim, std::size_t step, const SimState& before);

} // namespace cmascope
