// SPDX-License-Identifier: GPL-2.0-or-later
// Allocation latency of a replayed trace (docs/time-and-latency.md): per request the time from its
// cma_alloc_start to its cma_alloc_finish (ReplayRequest::latencyNs), and the median, 99th percentile and
// maximum in total, per task and per area, for the CLI's `replay` text, the JSON report's `latency` object,
// the latency chart and compare-traces. Standard C++20, no Qt.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace cmascope {

struct ReplayResult;

/// The statistics of a set of latencies. Percentiles are nearest-rank: the p-th percentile of n sorted
/// samples is the ceil(p/100 * n)-th (so the median of an even count is the lower middle sample); every
/// value is a measured latency, never an interpolation. All 0 when there is no sample.
struct LatencyStats
{
    std::uint64_t requests = 0; ///< requests with a latency (start and finish seen)
    std::uint64_t medianNs = 0;
    std::uint64_t p99Ns = 0;
    std::uint64_t maxNs = 0;
    std::uint64_t totalNs = 0; ///< sum (saturates at 2^64 - 1)
};

/// The statistics of @p samples (in any order; sorted in place).
LatencyStats latencyStats(std::span<std::uint64_t> samples);

struct LatencyGroup
{
    std::string name; ///< task ("comm-pid", as the trace names it) or area
    LatencyStats stats;
};

/// A replay's latencies. Requests without a latency (legacy one-line events, tracing started after their
/// start, incomplete at the end) are counted in `withoutLatency` only.
struct ReplayLatency
{
    LatencyStats total;
    std::vector<LatencyGroup> byTask; ///< tasks with at least one latency, in ReplayResult::tasks order
    std::vector<LatencyGroup> byArea; ///< areas with at least one latency, in ReplayResult::areas order
    std::uint64_t withoutLatency = 0;
};

ReplayLatency replayLatency(const ReplayResult& result);

/// A latency in the unit that fits it: "850 ns", "12 us", "1.234 ms", "0.631 s" (3 significant digits at most
/// after the point; "us" is ASCII for the terminal and the report).
std::string latencyText(std::uint64_t ns);

/// The CLI's lines: "latency: N requests, median 12 us, p99 1.2 ms, max 0.631 s", then one indented line per
/// area and per task. Empty when no request has a latency.
std::string latencySummaryText(const ReplayLatency& latency);

/// The report's `latency` object: {"requests", "median_s", "p99_s", "max_s", "without_latency",
/// "by_area": [{"area", ...}], "by_task": [{"task", ...}]}; seconds as numbers (microsecond resolution).
nlohmann::json latencyJson(const ReplayLatency& latency);

} // namespace cmascope
