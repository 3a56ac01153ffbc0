// SPDX-License-Identifier: GPL-2.0-or-later
// "alloc_contig_range: [start, end) PFNs busy" lines of a boot log / dmesg: the range alloc_contig_range()
// could not isolate, printed by kernels up to 5.12 (docs/evidence-imports.md, "PFNs busy").
// Standard C++20, no Qt, no global state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

struct BusyLogLine
{
    std::uint64_t startPfn = 0; ///< outer_start: may lie below the CMA window (buddy alignment)
    std::uint64_t endPfn = 0; ///< exclusive: the CMA window's end
    std::optional<std::uint64_t> timestampNs; ///< the "[   12.345678]" prefix, when present
    std::string function; ///< "alloc_contig_range" (the name before the colon)
    std::uint32_t line = 0; ///< 1-based
};

struct BusyLogParse
{
    std::vector<BusyLogLine> lines;
    std::string error; ///< "FILE:LINE: ..." for a "PFNs busy" line that cannot be read
};

/// Finds the "PFNs busy" lines in dmesg text; every other line is ignored.
BusyLogParse parseBusyLog(std::string_view text, std::string_view fileName);

} // namespace cmascope
