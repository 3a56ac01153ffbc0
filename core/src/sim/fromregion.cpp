// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 cma_alloc_from_region(): the checks it makes before its region's allocator runs, and their words
// (docs/cma2010.md#private-regions).
#include "internal.h"

#include <cmascope/util/units.h>

#include <bit>

namespace cmascope::siminternal {

namespace {

constexpr const char* kCall = "cma_alloc_from_region(): ";

/// The call exists only in the 2010 framework from v2 on.
bool hasCall(const Platform& platform) noexcept
{
    return platform.mapMode == MapMode::Map2010 && platform.mapDialect != MapDialect::V1;
}

} // namespace

Refusal fromRegionRefusal(const Platform& platform, const Step& s, const SimState::RegionRuntime& rt)
{
    if (!hasCall(platform))
        return Refusal::NoSuchCall;
    if (s.size == 0)
        return Refusal::ZeroSize; // -EINVAL
    if (s.offset != 0 && !std::has_single_bit(s.offset))
        return Refusal::InvalidArgument;
    // A size-0 region is never registered (cma_region_register(): -EINVAL), whatever the map mode does with it.
    const bool sizeZero = rt.index < platform.regions.size() && platform.regions[rt.index].size == 0;
    if (rt.carveout || rt.fallback || sizeZero)
        return Refusal::InvalidArgument;
    if (rt.unreserved)
        return Refusal::NotReserved; // never registered: -EINVAL
    if (rt.occupancy.freePages() < pagesFor(s.size, rt.pageSize))
        return Refusal::NotEnoughFree; // reg->free_space < size: -ENOMEM
    return Refusal::None;
}

std::string fromRegionText(
    const Platform& platform, const Step& s, const Region& region, const SimState::RegionRuntime& rt, Refusal refusal)
{
    const std::string name = "region '" + region.name + "'";
    switch (refusal) {
    case Refusal::NoSuchCall:
        return kCall
            + std::string(platform.mapMode == MapMode::Modern
                    ? "a modern platform has no such call (it belongs to the 2010 framework)"
                    : "not in v1; private regions and cma_alloc_from_region() came with v2");
    case Refusal::ZeroSize:
        return kCall + std::string("size 0: -EINVAL");
    case Refusal::InvalidArgument:
        if (s.offset != 0 && !std::has_single_bit(s.offset))
            return kCall + std::string("alignment ") + sizeText(s.offset) + " is not a power of two: -EINVAL";
        return kCall + name + (rt.carveout ? " is a carve-out" : " reserves no memory (size 0)")
            + ", never registered as a CMA region: -EINVAL";
    case Refusal::NotReserved:
        return kCall + name + " was not reserved at boot, so it was never registered: -EINVAL ("
            + region.placementFailure + ")";
    case Refusal::NotEnoughFree:
        return kCall + name + " has " + sizeText(rt.occupancy.freePages() * rt.pageSize) + " free, "
            + sizeText(pagesFor(s.size, rt.pageSize) * rt.pageSize) + " asked (reg->free_space < size): -ENOMEM";
    default:
        return kCall + std::string("the allocator failed: -ENOMEM");
    }
}

} // namespace cmascope::siminternal
