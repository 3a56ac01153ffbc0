// SPDX-License-Identifier: GPL-2.0-or-later
// The parts of the step narration (narration.cpp) shared with the per-policy sentences (narratepolicy.cpp).
// Not installed.
#pragma once

#include <cmascope/sim/simulator.h>

#include <cstdint>
#include <string>

namespace cmascope::narration {

/// A placement the simulator made, with the region's state before it.
struct PlacementFacts
{
    const Region& region;
    const SimState::RegionRuntime& before; ///< the region before the step (its occupancy and policy)
    std::uint64_t offset = 0; ///< first page placed, relative to the region
    std::uint64_t pages = 0; ///< pages set aside by the policy
    std::uint64_t requestPages = 0; ///< pages asked for
    unsigned alignOrder = 0; ///< the request's alignment as a page order
    std::uint32_t busyRetries = 0; ///< windows found busy (StepRecord::busyRetries)
};

/// The physical address of page @p offset of @p region.
std::string addressText(const Region& region, std::uint64_t offset);
/// "@p n hole" or "@p n holes".
std::string holesText(std::uint64_t n);
/// The free hole [start, start + pages) of @p before's occupancy that holds page @p offset ({0, 0} if none).
std::pair<std::uint64_t, std::uint64_t> holeAt(const SimState::RegionRuntime& before, std::uint64_t offset);

/// What the region's policy did: which hole it considered and why it picked it (docs/teaching.md#narration).
std::string choiceText(const PlacementFacts& f);
/// Where the chunk landed inside its hole and what stays free around it.
std::string placedText(const PlacementFacts& f);

} // namespace cmascope::narration
