// SPDX-License-Identifier: GPL-2.0-or-later
// Area resolution for the replay (internal to src/replay, not installed): each area of the trace gets its
// geometry from the first source that describes it, in AreaSource order (areas.h).
#pragma once

#include <cmascope/replay/areas.h>
#include <cmascope/trace/events.h>

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cmascope {

/// Areas inferred from a whole trace, by name.
using InferredAreas = std::unordered_map<std::string, AreaSpec>;

/// The smallest pageblock-aligned range holding every PFN recorded for each area.
InferredAreas inferAreas(const TraceData& data);

/// Trace area @p name from the project, debugfs, the boot log or --area of @p inputs (the first that
/// describes it), else from @p inferred; with the debugfs bitmap as its initial state when that snapshot's
/// geometry agrees. Notes for the report are appended to @p notes. nullopt: nothing describes it.
std::optional<ReplayArea> resolveArea(const ReplayInputs& inputs, const InferredAreas& inferred,
    const std::string& name, std::vector<std::string>& notes);

/// The area debugfs snapshot @p index of @p inputs describes, named @p name, its bitmap the initial state.
ReplayArea debugfsArea(const ReplayInputs& inputs, std::size_t index, std::string name);
/// The area an --area spec describes.
ReplayArea specArea(const AreaSpec& spec);

} // namespace cmascope
