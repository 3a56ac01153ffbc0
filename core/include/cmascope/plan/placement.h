// SPDX-License-Identifier: GPL-2.0-or-later
// Boot-time placement of the regions, as cma_declare_contiguous_nid() + memblock do it
// (docs/kernel-cma.md#reservation-at-boot, docs/device-tree.md).
#pragma once

#include <cmascope/model/platform.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmascope {

struct PlacementOptions
{
    /// docs/kernel-cma.md#reservation-at-boot: on 64-bit kernels, a region without a fixed base whose limit is at least
    /// 4 GiB + size is first tried bottom-up in [4 GiB, limit) before the memblock top-down search. Only for regions
    /// without alloc-ranges (the cma=/numa path; DT alloc-ranges always use memblock top-down).
    bool bottomUpAbove4G = false;
};

/// What happened to one region.
struct RegionPlacement
{
    std::size_t regionIndex = 0; ///< index in Platform::regions
    std::string name;
    bool ok = false; ///< reserved (size-0 regions count as ok: nothing to reserve)
    std::optional<std::uint64_t> base; ///< reserved start (== Region::placedBase)
    std::uint64_t size = 0; ///< reserved size after rounding (ALIGN(size, alignment) for CMA, docs/kernel-cma.md)
    std::uint64_t alignment = 0; ///< effective alignment used
    /// A multi-range area (Region::maxRanges > 1): every range reserved, in the area's order (one when a single
    /// range held it). Empty for other regions.
    std::vector<AddressRange> ranges;
    std::string rangeOf; ///< the region is a later range of this multi-range area (Region::rangeOf)
    std::string message; ///< "cma: Reserved 64 MiB at 0x..." or the failure and its reason
};

struct PlacementResult
{
    std::vector<RegionPlacement> regions; ///< in Platform::regions order
    std::vector<std::string> log; ///< kernel-style boot messages, in placement order (fixed first)
    bool ok() const noexcept; ///< every region reserved
    const RegionPlacement* find(std::string_view name) const;
};

/// Computes Region::placedBase for every region (cleared first; left empty on failure and for size 0).
/// Pass 1, fixed regions in declaration order: at `start`; fails when misaligned ("Region at %pa must be aligned
/// to %pa bytes"), beyond `limit`, not inside memory, or overlapping an earlier reservation (-EBUSY).
/// Pass 2, dynamic regions in declaration order: alignment = max(alignment, pageSize) and for CMA regions
/// max(that, pageSize << pageblockOrder); CMA sizes rounded up to that alignment; placed top-down at the highest
/// free aligned address inside the first alloc-range with room, or (no alloc-ranges) anywhere in the banks below
/// `limit`. Failures are reported as "cma: Failed to reserve %ld MiB" plus the reason.
/// A region with a NUMA node (numaNode >= 0: the per-node areas) is placed in that node's memory only.
/// A multi-range area (maxRanges > 1) is placed as cma_declare_contiguous_multi() places it: in one range if
/// any holds it, else in up to maxRanges of the largest free stretches above 4 GiB (placementdetail's
/// chooseRanges()); its size becomes range 0's and a region "<name> range <N>" (rangeOf = name) is appended
/// for each later range, as the replay shows them (docs/kernel-cma.md#multi-range-areas-in-plans). A split
/// made by an earlier call is undone first (undoRangeSplits()).
PlacementResult placeRegions(Platform& platform, const PlacementOptions& options = {});

/// The largest stretch of memory the banks give, in bytes (adjacent or overlapping banks merge, as memblock
/// sees them; a bank whose end would pass 2^64 is left out): no region can be larger.
std::uint64_t largestMemorySpan(const std::vector<Bank>& banks);

} // namespace cmascope
