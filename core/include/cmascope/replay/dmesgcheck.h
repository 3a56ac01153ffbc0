// SPDX-License-Identifier: GPL-2.0-or-later
// A replay checked against the kernel's own failure dumps (docs/kernel-cma.md, "Failures in dmesg"): every
// "alloc failed" line of dmesg is joined to the refused request it reports, and the free runs the kernel printed
// are compared with the replayed state at that request, range by range.
// Standard C++20, no Qt, no global state.
#pragma once

#include <cmascope/replay/replay.h>
#include <cmascope/trace/dmesgfailures.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmascope {

/// One dmesg failure and what the replay says about it. A failure is joined to the refused request of the same
/// area and size whose cma_alloc_finish is nearest after its message's time stamp (the rate limit may have dropped
/// other messages), or the next one in order when the log has no time stamps. When the trace is on another clock
/// (Perfetto sets ftrace to the boot clock), the offset between the clocks that joins the most messages is used.
struct DmesgFailureCheck
{
    std::size_t failure = 0; ///< index into the failures given
    std::uint32_t line = 0; ///< its dmesg line
    std::optional<std::size_t>
        request; ///< the replay's refused request (same area and size, in order); none: unmatched
    bool dumpCompared = false; ///< the failure had a dump and the request is on the timeline
    bool dumpEqual = false; ///< every free run (and the totals the kernel printed) equal the replay's
    std::string text; ///< one sentence: the first difference, or why nothing was compared
};

struct DmesgCheckResult
{
    std::vector<DmesgFailureCheck> checks; ///< one per failure, in dmesg order
    std::size_t matched = 0, dumpsCompared = 0, dumpsEqual = 0;
    std::uint64_t suppressed = 0; ///< messages the kernel's rate limit dropped (DmesgFailuresRead::suppressed)
    /// Set when the trace's time stamps are on another clock than the kernel log's: trace time minus dmesg time,
    /// in ns, the offset that joins the most messages (checkDmesgFailures()).
    std::optional<std::int64_t> clockOffsetNs;
    /// "dmesg failures: 7 lines, 7 joined to refused requests, 7 dumps equal the replay" and the differences.
    std::vector<std::string> lines() const;
};

/// Joins the failures of @p dmesg (parseDmesgFailures()) to @p replay's refused requests and compares the dumps; one
/// pass over the timeline (ReplayOptions::buildTimeline must have been on for the dumps to be compared).
DmesgCheckResult checkDmesgFailures(const ReplayResult& replay, const DmesgFailuresRead& dmesg);

} // namespace cmascope
