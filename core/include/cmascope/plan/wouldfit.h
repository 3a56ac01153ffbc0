// SPDX-License-Identifier: GPL-2.0-or-later
// "What would have fit" for a failed request: the history up to the request re-run with every other
// policy on the regions it tried, and the smallest size of the first region it tried that serves it
// (exponential then binary search over sizes the kernel can reserve, every candidate a full re-run).
// Standard C++20, no Qt, no I/O; cancellable and reporting progress, for a worker thread.
// Not to be confused with whatif.h, which compares a whole run on a changed platform.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/model/scenario.h>
#include <cmascope/plan/placement.h>
#include <cmascope/policies/policy.h>
#include <cmascope/util/progress.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cmascope {

struct WouldFitOptions
{
    bool tryPolicies = true; ///< one re-run per other policy
    bool searchSize = true; ///< the smallest size of the first region tried
    /// (done, total) in simulated steps; total is an estimate that may grow. Also asked between re-runs;
    /// return false to cancel (util/progress.h).
    Progress progress;
    /// How the regions are placed again when the first one is given another size.
    PlacementOptions placement;
    /// At most this many re-runs for the size search (it gives up with ProbeLimit beyond).
    unsigned maxSizeRuns = 64;
    /// When at most this many sizes below the answer were left untested by the binary search, each is
    /// re-run too: the answer is then the smallest size that works, monotonic or not.
    unsigned exhaustiveBelow = 16;
};

/// The request re-run once on a changed platform.
struct WouldFitRun
{
    bool ran = false; ///< false: the platform could not be simulated (see error), or cancelled
    std::string error;
    bool succeeds = false; ///< the request was served
    std::string region; ///< where it was served
    std::uint64_t offset = 0; ///< first page, relative to that region
    bool systemFallback = false; ///< served by the system allocator through a size-0 region
    std::uint32_t earlierChanged = 0; ///< steps before the request whose outcome differs from the original run
    std::uint32_t earlierNowFail = 0; ///< ... of them, requests that succeeded and now fail
    std::uint32_t earlierNowSucceed = 0; ///< ... of them, requests that failed and now succeed
};

struct WouldFitPolicyRow
{
    PolicyKind policy = PolicyKind::Kernel;
    bool current = false; ///< every region tried already uses it: the original run (not re-run)
    WouldFitRun run;
    std::string text; ///< one line: "bf: succeeds (r, page 12); 2 earlier steps play out differently"
};

struct WouldFitSizeProbe
{
    std::uint64_t pages = 0;
    bool placed = false; ///< the platform could be placed with the region at this size
    std::string placement; ///< !placed: the placement failure
    WouldFitRun run; ///< placed: the re-run
};

enum class WouldFitSizeStatus : std::uint8_t {
    NotSearched, ///< not asked for, or cancelled before an answer
    Found, ///< `pages` serves the request
    NoRegion, ///< the request tried no CMA region (no map rule, carve-outs, the system allocator only)
    Unplaceable, ///< the platform cannot be placed as it is (placeRegions fails for the region)
    CannotGrow, ///< placement refuses a larger region (fixed next to another region, bank end, limit, ...)
    ExceedsBanks, ///< it would need more than the largest stretch of memory
    ProbeLimit, ///< WouldFitOptions::maxSizeRuns re-runs were not enough
};

struct WouldFitSize
{
    WouldFitSizeStatus status = WouldFitSizeStatus::NotSearched;
    std::string region; ///< the first region tried, the one grown
    std::uint16_t regionIndex = 0;
    std::uint64_t pageSize = 4096;
    std::uint64_t currentPages = 0;
    /// Sizes tried are multiples of this many pages: the page, 2^order_per_bit pages (kernel policy) and
    /// the alignment the kernel rounds a CMA region's size to (placement.h), whichever is largest.
    std::uint64_t granulePages = 1;
    std::uint64_t pages = 0; ///< Found: the smallest size seen to serve the request
    std::uint64_t limitPages = 0; ///< CannotGrow: the largest size placement accepts; ExceedsBanks: the cap
    /// false: a size above `pages` was seen to fail again, or one below the binary search's answer worked.
    bool monotonic = true;
    bool exhaustive = false; ///< Found: every size between the current one and `pages` was re-run
    std::vector<WouldFitSizeProbe> probes; ///< in the order tried
    std::string reason; ///< not Found: why there is no answer
    std::string text; ///< one or two sentences
};

struct WouldFitResult
{
    std::uint32_t step = 0;
    /// Non-empty: nothing was searched (not a request, the request did not fail, the platform cannot be
    /// simulated, or the model already serves a request the kernel refused).
    std::string error;
    bool cancelled = false;
    std::string request; ///< "video/b asked for 32 KiB"
    std::vector<std::string> triedRegions; ///< the CMA regions the request tried, in order
    std::vector<WouldFitPolicyRow> policies; ///< allPolicies() order; empty when no CMA region was tried
    WouldFitSize size;
    std::string summary; ///< one or two sentences
    std::uint32_t runs = 0; ///< simulations run, the original one included
    std::uint64_t simulatedSteps = 0;
};

/// Answers "what would have fit" for request @p step of @p scenario (an Allocate that failed, or a
/// Refused step of a replayed trace) on @p platform (placed: as Simulation::create wants it).
/// Every answer re-runs steps 0..@p step from the start, because the history plays out differently
/// too. For the size search the platform is placed again with placeRegions() at each size.
/// Does no I/O; safe to call from any thread with its own copies of the inputs.
WouldFitResult whatWouldHaveFit(
    const Platform& platform, const Scenario& scenario, std::size_t step, const WouldFitOptions& options = {});

std::string_view wouldFitSizeStatusName(WouldFitSizeStatus s) noexcept; ///< "found", "cannot-grow", ...

} // namespace cmascope
