// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's own CMA counters (/sys/kernel/mm/cma, /proc/vmstat, /proc/pagetypeinfo) checked against what a
// replay counted up to the same moment (docs/evidence-imports.md, "Checked against the replay").
// Standard C++20, no Qt, no global state.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace cmascope {

struct ReplayResult;
struct ReplayAreaResult;
struct CmaSysfsSnapshot;
struct VmstatCma;
struct Pagetypeinfo;

/// What a replay counted for one area, in the kernel's units.
struct ReplayCmaCounters
{
    std::uint64_t successPages = 0, failPages = 0, releasedPages = 0; ///< pages, like the sysfs files
    std::uint64_t successCalls = 0, failCalls = 0; ///< requests, like /proc/vmstat
    std::uint64_t totalPages = 0, availablePages = 0;
};

/// Area @p area (ReplayResult::areas index) of @p result: requests that finished before trace line @p uptoLine
/// (0: all of them); releases and available pages from @p state (the area at that moment, e.g. from
/// ReplayOptions::onMarker).
ReplayCmaCounters replayCmaCounters(
    const ReplayResult& result, std::size_t area, const ReplayAreaResult& state, std::uint32_t uptoLine);

struct CounterCheck
{
    enum Relation : std::uint8_t {
        Equal, ///< the kernel's value must equal the replay's
        KernelAtLeast, ///< the kernel counted since boot, the trace began later
        KernelAtMost, ///< e.g. free CMA pages in the buddy allocator <= pages not taken by cma_alloc()
    };
    std::string area; ///< "" for a counter of all areas
    std::string counter; ///< the kernel's name: "alloc_pages_success", "cma_alloc_fail", ...
    std::uint64_t kernel = 0, replay = 0;
    Relation relation = Equal;
    bool ok = false;
};

struct CounterCheckResult
{
    std::vector<CounterCheck> checks;
    std::vector<std::string> notes; ///< areas only one side knows, what a relation means
    bool ok() const;
    std::size_t failures() const;
};

/// Every sysfs counter of every area the replay knows. @p areas: the replay's areas at that moment (same order
/// as result.areas); @p uptoLine as in replayCmaCounters().
CounterCheckResult checkCmaSysfs(const CmaSysfsSnapshot& sysfs, const ReplayResult& result,
    std::span<const ReplayAreaResult> areas, std::uint32_t uptoLine);
/// cma_alloc_success / cma_alloc_fail (calls, all areas) and nr_free_cma (at most the available pages).
CounterCheckResult checkVmstat(const VmstatCma& vmstat, const ReplayResult& result,
    std::span<const ReplayAreaResult> areas, std::uint32_t uptoLine);
/// The free CMA pages of every zone: at most the pages cma_alloc() has not taken.
CounterCheckResult checkPagetypeinfo(
    const Pagetypeinfo& info, const ReplayResult& result, std::span<const ReplayAreaResult> areas);

/// "area reserved: alloc_pages_success kernel 32 = replay 32" (with "DIFFERS" when not ok).
std::string counterCheckText(const CounterCheck& check);

} // namespace cmascope
