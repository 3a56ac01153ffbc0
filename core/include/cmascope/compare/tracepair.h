// SPDX-License-Identifier: GPL-2.0-or-later
// Two replayed traces side by side (docs/time-and-latency.md, "Comparing two traces"): a trace taken before and
// one taken after a kernel or configuration change. Per area and in total: requests, failures (by cause), busy
// retries, allocation latency (median, p99, max) and peak used pages; and the first request whose outcome
// differs. Standard C++20, no Qt.
#pragma once

#include <cmascope/replay/latency.h>
#include <cmascope/replay/replay.h>
#include <cmascope/util/progress.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// How a request of trace A finds its counterpart in trace B.
enum class TracePairMatch : std::uint8_t {
    /// The k-th request of A with a given (task name without its pid, area, count, align) matches the k-th
    /// request of B with the same four: the same driver asking for the same buffer, whatever else ran between.
    ByKey,
    /// The i-th request of A matches the i-th request of B (both in timeline order).
    ByOrder,
};
/// "key" or "order".
std::string_view tracePairMatchName(TracePairMatch match) noexcept;

/// The figures of one trace, for one area or in total.
struct TracePairFigures
{
    std::uint64_t requests = 0, succeeded = 0, failed = 0;
    std::array<std::uint64_t, kFailureCauseCount> failuresByCause {}; ///< by FailureCause
    std::uint64_t busyRetries = 0; ///< cma_alloc_busy_retry events
    std::uint64_t busyRequests = 0; ///< requests with at least one busy retry
    LatencyStats latency;
    /// The most pages in use at any step (in total: of every area together); nullopt when the replay has no
    /// timeline to run.
    std::optional<std::uint64_t> peakUsedPages;
};

/// One area (or the total, `area` empty) in both traces; an area only one trace has is zero in the other.
struct TracePairRow
{
    std::string area;
    bool inA = false, inB = false;
    TracePairFigures a, b;
};

/// The first matched pair of requests whose outcomes (allocated or failed) differ.
struct TracePairDifference
{
    std::size_t requestA = 0, requestB = 0; ///< ReplayResult::requests indices
    std::optional<std::size_t> stepA, stepB; ///< their timeline steps, when the replays have timelines
    std::string text; ///< one sentence naming both lines
};

struct TracePairResult
{
    TracePairMatch match = TracePairMatch::ByKey;
    std::vector<TracePairRow> areas; ///< A's areas in order, then those only B has
    TracePairRow total;
    std::uint64_t matched = 0; ///< pairs of requests
    std::uint64_t onlyInA = 0, onlyInB = 0; ///< requests without a counterpart
    std::uint64_t differingOutcomes = 0; ///< matched pairs with different outcomes
    std::optional<TracePairDifference> firstDifference;

    /// True when B has more failed requests than A (the CLI's --fail-on-regression).
    bool failuresIncreased() const { return total.b.failed > total.a.failed; }
};

/// Compares replays @p a and @p b (both with requests kept; their timelines, when built, give the peaks and the
/// steps). @p progress gets (done, total) over both timeline runs; false cancels (the result then has no peaks).
TracePairResult compareTracePair(const ReplayResult& a, const ReplayResult& b,
    TracePairMatch match = TracePairMatch::ByKey, const Progress& progress = {});

/// The task name of a trace's "comm-pid" without the pid ("kworker/u4:2-57" -> "kworker/u4:2").
std::string_view taskWithoutPid(std::string_view task) noexcept;

} // namespace cmascope
