// SPDX-License-Identifier: GPL-2.0-or-later
// Late starts (docs/late-start.md): a trace whose recording began after the kernel had already made
// allocations, how the replay tells, and the smallest initial occupancy it infers to explain it.
// Standard C++20, no Qt, no global state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cmascope {

/// Whether the replay infers the pages allocated before the trace (ReplayOptions::lateStart).
enum class LateStartInference : std::uint8_t {
    Off, ///< detect only
    Auto, ///< infer when a late start is detected (areas seeded from a debugfs snapshot are left alone)
    Always, ///< infer even when nothing was detected (tests: a clean capture must come out unchanged)
};

/// One inferred run of pages allocated before the trace.
struct LateStartSeed
{
    std::string area;
    std::uint64_t pfn = 0;
    std::uint64_t pages = 0;
};

/// The verdict on a replay (ReplayResult::lateStart).
struct LateStart
{
    bool detected = false;
    std::vector<std::string> evidence; ///< one sentence each, with the first trace line that shows it
    bool inferred = false; ///< the result was replayed again from the inferred seeds
    std::vector<LateStartSeed> seeds; ///< the inferred occupancy (empty unless inferred)
    std::uint64_t inferredPages = 0;
    /// Successful requests whose recorded placement the kernel policy predicted, of those checked:
    /// without the inference ("before") and in the result ("after"; equal to before when not inferred).
    std::uint64_t predictedBefore = 0, placementsBefore = 0;
    std::uint64_t predictedAfter = 0, placementsAfter = 0;
    std::uint32_t passes = 1; ///< replays run in all
    std::string note; ///< why nothing was inferred (e.g. every area seeded from debugfs), or ""
};

/// The verdict in a few lines for people ("late start detected: ...", evidence, inferred pages,
/// placements predicted before/after); empty when no late start was detected.
std::vector<std::string> lateStartLines(const LateStart& late);

} // namespace cmascope
