// SPDX-License-Identifier: GPL-2.0-or-later
// Compare: one scenario of a project, or one replayed trace, run under several variants at once (policies,
// sizes, order_per_bit, the alignment cap), with the figures of every run side by side (docs/compare.md).
// Standard C++20, no Qt, no global state; deterministic.
#pragma once

#include <cmascope/compare/comparefigures.h>
#include <cmascope/model/project.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/util/progress.h>

#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace cmascope {

struct ReplayResult;

struct Comparison
{
    std::string subject; ///< "scenario NAME" or "trace"
    std::uint64_t steps = 0; ///< steps of the scenario (or of the trace's timeline)
    std::vector<VariantFigures> variants; ///< [0] is the base, then one per spec in the order given
    /// The finished runs, parallel to variants, for views that show a state (the maps). A trace's base is the
    /// replayed timeline, its variants their what-if record (replay/tracewhatif.h, WhatIfRecord).
    std::vector<std::shared_ptr<const Simulation>> simulations;
    /// Parallel to simulations: positionOf[p] is the run's position that matches position p of the base (a
    /// trace variant's record has its own steps); empty = the same position.
    std::vector<std::vector<std::uint32_t>> positions;
    bool cancelled = false; ///< the Progress asked to stop: nothing else is meaningful
};

/// Runs scenario @p scenario of @p project unchanged and under every spec of @p specs (variantspec.h).
/// The error names the spec and field when a spec cannot be parsed, applied or placed.
/// @p progress gets (steps done, steps of every run) and may cancel.
std::variant<Comparison, std::string> compareProject(
    const Project& project, std::size_t scenario, const std::vector<std::string>& specs, const Progress& progress = {});

/// Runs the recorded requests of @p replay (with its timeline) under every spec of @p specs (the what-if
/// syntax, replay/tracewhatif.h). The base is the recording, with the figures of its timeline.
std::variant<Comparison, std::string> compareTrace(
    const ReplayResult& replay, const std::vector<std::string>& specs, const Progress& progress = {});

} // namespace cmascope
