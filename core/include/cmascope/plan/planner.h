// SPDX-License-Identifier: GPL-2.0-or-later
// The planner: the smallest size of every region such that every chosen scenario runs without a failed
// request, then a placement of the regions in the banks (placeRegions()). How it searches and what the result
// guarantees: docs/planner.md.
// Standard C++20, no Qt, no I/O; cancellable and reporting progress, for a worker thread.
#pragma once

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/util/progress.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

struct PlannerOptions
{
    /// Indexes into Project::scenarios, each a separate use case; empty = every scenario.
    std::vector<std::size_t> scenarios;
    /// Regions whose size the user pinned: they keep it (names; an unknown name is an error).
    std::vector<std::string> keepSizes;
    /// false: fixed regions (Placement::Fixed) keep their size too. A resized fixed region keeps its start.
    bool resizeFixed = true;
    /// How the regions are placed (the same options every candidate is placed with).
    PlacementOptions placement;
    /// Dynamic regions a DMA-limited device can be given are placed below its reach (dmareach.h): their limit
    /// is lowered to it, in the plan and in the platform withPlannedSizes() gives (docs/planner.md#dma-limits).
    bool dmaLimits = true;
    /// (done, total) in simulated steps; total is an estimate that may grow. Return false to cancel
    /// (util/progress.h).
    Progress progress;
    /// At most this many shrink rounds (docs/planner.md); the search stops, without a plan, beyond.
    unsigned maxRounds = 64;
};

/// Whether the planner sized a region, and why not.
enum class PlanRole : std::uint8_t {
    Resized, ///< sized by the planner
    Kept, ///< PlannerOptions::keepSizes, or a fixed region with resizeFixed off
    SizeZero, ///< a size-0 region (the system allocator's fallback): stays 0
    Carveout, ///< RegionType::Carveout: not allocatable, keeps its size
};

std::string_view planRoleName(PlanRole role) noexcept; ///< "resized", "kept", "size-0", "carve-out"

/// One region of the plan.
struct PlannedRegion
{
    std::size_t index = 0; ///< in Platform::regions
    std::string name;
    PlanRole role = PlanRole::Resized;
    std::uint64_t sizeBefore = 0; ///< bytes, as in the project
    std::uint64_t size = 0; ///< bytes, planned (== sizeBefore unless Resized)
    std::optional<std::uint64_t> start; ///< where the plan's placement reserved it (none for size 0)
    /// A multi-range area the plan's placement split (Region::maxRanges): every range in the area's order.
    std::vector<AddressRange> ranges;
    std::uint64_t granuleBytes = 0; ///< sizes the kernel can reserve are multiples of this (Resized)
    /// Resized: one granule less fails this scenario (index into Project::scenarios) ...
    std::optional<std::size_t> bindingScenario;
    /// ... at this step (its first failed request); unset when one granule less cannot be placed instead.
    std::optional<std::uint32_t> bindingStep;
    std::string binding; ///< in words: the binding constraint, or why there is none
    /// PlannerOptions::dmaLimits lowered the region's limit to this address (2^bits of dmaDevice).
    std::optional<std::uint64_t> dmaLimit;
    std::string dmaDevice;
};

struct PlanResult
{
    bool ok = false; ///< a plan exists: every chosen scenario runs without a failed request
    bool cancelled = false;
    bool badInput = false; ///< the options do not fit the project (unknown scenario or region)
    std::string reason; ///< !ok: why there is no plan
    std::vector<std::size_t> scenarios; ///< the scenarios planned for (indexes into Project::scenarios)
    std::vector<PlannedRegion> regions; ///< Platform::regions order
    /// ok: the platform with the planned sizes, placed (Region::placedBase set); dynamic regions stay dynamic.
    Platform platform;
    std::vector<std::string> placementLog; ///< ok: the plan's boot messages (placeRegions())
    unsigned rounds = 0; ///< shrink rounds, the last one (which changed nothing) included
    std::uint64_t runs = 0; ///< simulations run
    std::uint64_t simulatedSteps = 0;
};

/// Plans the regions of @p project for the scenarios of @p options. Every region the planner resizes ends
/// *minimal given the others*: with the sizes of the result, each chosen scenario runs without a failed
/// request, and the same sizes with that one region a granule smaller fail a chosen scenario (or cannot be
/// placed), unless it is one granule already. That is a per-region minimum, not the smallest total
/// (docs/planner.md). Does no I/O; safe to call from any thread with its own copy of the project.
PlanResult planRegions(const Project& project, const PlannerOptions& options = {});

/// @p platform (the project's, unplaced) with the sizes of @p plan, and the limits its DMA reach set
/// (PlannedRegion::dmaLimit): what applying the plan means. Everything else stays as the user wrote it.
Platform withPlannedSizes(Platform platform, const PlanResult& plan);

/// The granule of @p region: the alignment the kernel rounds its size to (placement.h: the page size, the
/// region's alignment and, for modern platforms, the pageblock) and, for the kernel policy, 2^order_per_bit
/// pages.
std::uint64_t planGranule(const Platform& platform, const Region& region) noexcept;

/// The JSON report of a plan (docs/planner.md): per region name, size_bytes, start, granule_bytes,
/// binding_scenario, binding_step, plus the role and the binding in words.
std::string planReportJson(const Project& project, const PlanResult& plan);

} // namespace cmascope
