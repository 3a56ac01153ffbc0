// SPDX-License-Identifier: GPL-2.0-or-later
// Why the kernel refused a request, from what the replay knows at that moment (internal to src/replay).
// The rules and their evidence are in docs/trace-analysis.md ("Causes").
#pragma once

#include <cmascope/policies/kernelbitmap.h>
#include <cmascope/replay/replay.h>

#include <cstdint>
#include <span>
#include <string>

namespace cmascope::replayinternal {

/// What the replay knows about one failed request.
struct FailureFacts
{
    std::uint64_t count = 0; ///< pages asked
    unsigned align = 0; ///< page order
    std::uint32_t busyRetries = 0;
    std::int32_t errorno = 0; ///< 0 when the line had none
    bool modelFits = false; ///< the kernel policy finds a window on the replayed state (no busy windows)
};

/// The ranges of an area in its order (one for areas of one range).
using RangeStates = std::span<const KernelBitmapPolicy* const>;

/// True when an empty range of this geometry has a window of @p count pages aligned to 2^align on the
/// absolute PFN, in whole 2^order_per_bit bits (the first candidate of bitmap_find_next_zero_area_off()).
bool emptyAreaAdmits(const KernelBitmapPolicy& state, std::uint64_t count, unsigned align);

/// Largest free window starting at a PFN aligned to 2^align (absolute), in pages, in any one range.
std::uint64_t largestAlignedFree(RangeStates ranges, unsigned align);

/// The cause, in the order of docs/trace-analysis.md: busy retries first, then the area's size, the
/// alignment (no empty range admits the request), the free pages, the free windows.
FailureCause classifyFailure(RangeStates ranges, const FailureFacts& facts);

} // namespace cmascope::replayinternal
