// SPDX-License-Identifier: GPL-2.0-or-later
// Chart data computed from a finished run, independent of any chart library:
// - the metrics of one region over the positions of a run (0 = before the first step), decimated into
//   at most N buckets that keep each bucket's minimum, maximum and last value, computed by replaying
//   the run once from the start (O(steps · log n), with progress and cancel);
// - the histogram of free run sizes of a region at one state (log2 buckets, as /proc/buddyinfo);
// - the pages used per device and per kind at one state, from the live chunks' origin steps.
#pragma once

#include <cmascope/sim/simulator.h>
#include <cmascope/util/progress.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cmascope {

/// The metrics a series carries for every position.
enum class Metric : std::uint8_t {
    UsedPages, ///< occupied pages
    LargestFree, ///< largest free run, pages
    FreePages,
    FreeRuns, ///< number of free runs
    RelativeFragmentation, ///< 1 - largest free / free, in [0, 1]
    ExtfragIndex, ///< kernel extfrag_index for the series' order, in [-1, 1] (-1 = a suitable block exists)
    UnusableIndex, ///< kernel unusable_index for the series' order, in [0, 1]
};
inline constexpr std::size_t kMetricCount = 7;

/// The value of every metric in one state of @p occupancy (indices as fractions, not thousandths).
std::array<double, kMetricCount> metricsOf(const FreeExtents& occupancy, unsigned order);

struct MetricStat
{
    double min = 0.0;
    double max = 0.0;
    double last = 0.0; ///< the value at the bucket's last position
};

/// Consecutive positions [first, last] and the statistics of each metric over them.
struct MetricBucket
{
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    std::array<MetricStat, kMetricCount> stats {};
    const MetricStat& operator[](Metric m) const { return stats[static_cast<std::size_t>(m)]; }
};

struct MetricSeriesOptions
{
    /// First and last position covered (inclusive); the last is clamped to the run's step count.
    /// The default covers the whole run.
    std::size_t first = 0;
    std::size_t last = SIZE_MAX;
    /// At most this many buckets (>= 1). With fewer positions, one bucket per position.
    std::size_t maxPoints = 2000;
    /// Order of the request the extfrag and unusable indices are computed for.
    unsigned order = 0;
};

struct MetricSeries
{
    std::uint16_t region = kNoRegion;
    unsigned order = 0;
    std::uint64_t regionPages = 0;
    std::uint64_t pageSize = 4096;
    std::size_t first = 0; ///< first position covered
    std::size_t last = 0; ///< last position covered (inclusive)
    std::size_t positionsPerBucket = 1; ///< every bucket but the last holds exactly this many
    std::vector<MetricBucket> buckets; ///< in position order, covering [first, last] without gaps

    /// The bucket holding @p position, or null if it is outside [first, last].
    const MetricBucket* bucketAt(std::size_t position) const;
};

/// Progress: (positions done, positions total); return false to cancel.
using MetricProgress = Progress; ///< (positions done, positions total); progress.h

/// Replays @p sim over the positions of @p options and decimates the metrics of region @p region.
/// Returns nullopt if the region does not exist or @p progress cancelled.
std::optional<MetricSeries> computeMetricSeries(const Simulation& sim, std::uint16_t region,
    const MetricSeriesOptions& options = {}, const MetricProgress& progress = {});

/// The median order (get_order of the pages) of the requests the run placed in @p region; 0 if none.
/// A sensible default for the order of the extfrag index.
unsigned typicalRequestOrder(const Simulation& sim, std::uint16_t region);

/// Free runs of lengths [minPages, maxPages] (maxPages = 2^(order+1) - 1).
struct RunSizeBucket
{
    unsigned order = 0;
    std::uint64_t minPages = 1;
    std::uint64_t maxPages = 1;
    std::uint64_t runs = 0; ///< free runs of a length in [minPages, maxPages]
    std::uint64_t pages = 0; ///< free pages in those runs
};

/// Histogram of the free run lengths of @p occupancy: one bucket per order from 0 up to the order of
/// the region size (so the buckets of one region do not change from state to state); empty for a
/// region of no pages.
std::vector<RunSizeBucket> freeRunHistogram(const FreeExtents& occupancy);

struct OwnerUsage
{
    std::uint32_t symbol = 0; ///< scenario symbol id of the device or kind (0 = none)
    std::string name; ///< the symbol's text (empty = no kind / no device)
    std::uint64_t pages = 0; ///< pages set aside for the owner's live chunks
    std::uint64_t chunks = 0; ///< live chunks
};

struct UsageBreakdown
{
    std::vector<OwnerUsage> byDevice; ///< by pages, largest first; ties by name
    std::vector<OwnerUsage> byKind;
    std::uint64_t pages = 0; ///< pages of all the live chunks counted
    std::uint64_t chunks = 0;
};

/// Pages used per device and per kind in @p state (a state of @p sim), counting the live chunks of
/// region @p region, or of every region with kNoRegion. Chunks served by the system fallback have
/// no pages and are not counted.
UsageBreakdown usageAt(const Simulation& sim, const SimState& state, std::uint16_t region = kNoRegion);

} // namespace cmascope
