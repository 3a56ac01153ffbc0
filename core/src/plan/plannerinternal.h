// SPDX-License-Identifier: GPL-2.0-or-later
// The planner's parts: the demand bound its search starts from (plannerdemand.cpp) and the search itself
// (planner.cpp), docs/planner.md. Not installed.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/model/scenario.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cmascope::planner {

/// a + b, or the largest value instead of wrapping.
std::uint64_t saturatingAdd(std::uint64_t a, std::uint64_t b) noexcept;

/// Per region of @p platform, in bytes: the most any one of @p scenarios could ask of it at once. Every live
/// request counts, padded (its pages rounded up to a power of two, plus its alignment), in every region of its
/// map list, as if each of them served it (an AllocateFromRegion step in its one region); Place, Pin, Unpin, Release
/// and Refused steps count the end of their page range. Saturates instead of wrapping. Fragmentation can need more
/// (docs/planner.md#where-it-starts).
std::vector<std::uint64_t> peakDemand(const Platform& platform, const std::vector<const Scenario*>& scenarios);

/// "video/a 6 MiB" for an Allocate step; the step type and its page range otherwise.
std::string stepText(const Scenario& scenario, std::size_t step);
/// Why AllocateFromRegion step @p s fails whatever the region sizes (no such call, -EINVAL), or empty.
std::string fromRegionWhatever(const Platform& platform, const Step& s);

} // namespace cmascope::planner
