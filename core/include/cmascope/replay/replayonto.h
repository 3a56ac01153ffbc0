// SPDX-License-Identifier: GPL-2.0-or-later
// A replayed kernel trace's recorded requests as a scenario of another platform (a device tree, a board):
// the demo of a real capture replayed on its board (docs/trace-analysis.md#a-trace-on-its-board).
// Standard C++20, no Qt.
#pragma once

#include <cmascope/model/project.h>

#include <optional>
#include <string>
#include <vector>

namespace cmascope {

struct ReplayResult;

struct ReplayOntoResult
{
    std::optional<Project> project; ///< set when it worked
    std::string error; ///< why not: no area has a region, or a region's size differs from its area
    std::vector<std::string> notes; ///< the areas left out, with how many steps
};

/// Index of the region of @p platform that stands for the trace area @p areaName: the region with that name, else,
/// for a device-tree pool the kernel names "node@unit" (docs/device-tree.md), the region "node" with a fixed start
/// at that unit address. Nothing: the platform has no such region.
std::optional<std::size_t> regionForArea(const Platform& platform, const std::string& areaName);

/// The recorded timeline of @p replay (it needs ReplayOptions::buildTimeline) as a scenario of @p base's
/// platform, appended to @p base's scenarios: the placements (Place), releases (Release), refusals (Refused)
/// and markers (Phase) of the trace, with times, each area's steps moved to its region (regionForArea()).
/// An area without a region is left out with its steps (a note names it); an area whose region has another
/// size or page size is an error, as its offsets would name other pages. The scenario is called @p name.
ReplayOntoResult replayOntoProject(const ReplayResult& replay, const Project& base, const std::string& name);

} // namespace cmascope
