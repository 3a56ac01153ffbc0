// SPDX-License-Identifier: GPL-2.0-or-later
// Hans Verkuil's memory-type resolution and the system-allocator fallback
// (docs/cma2010.md#hans-verkuils-memory-types, docs/cma2010.md#the-system-allocator-fallback).
#include "mapresolve.h"

#include <cmascope/model/verkuilmap.h>

#include <algorithm>
#include <bit>

namespace cmascope {

std::uint64_t kmallocMaxSize(std::uint32_t pageSize) noexcept
{
    constexpr unsigned maxOrder = 11; // MAX_ORDER without CONFIG_FORCE_MAX_ZONEORDER
    const unsigned pageShift = pageSize ? static_cast<unsigned>(std::countr_zero(pageSize)) : 12u;
    const unsigned shiftHigh = std::min(maxOrder + pageShift - 1, 25u); // KMALLOC_SHIFT_HIGH
    return std::uint64_t { 1 } << shiftHigh;
}

bool verkuilStandardType(std::string_view memoryType) noexcept
{
    return memoryType == "dma" || memoryType == "common";
}

SystemFallback systemFallbackOf(const Platform& platform, const Region& region) noexcept
{
    if (region.type != RegionType::Cma)
        return SystemFallback::None;
    if (platform.mapMode == MapMode::Verkuil) {
        if (verkuilStandardType(region.memoryType))
            return region.size == 0 ? SystemFallback::SizeZero : SystemFallback::PoolFull;
        return region.size == 0 ? SystemFallback::Absent : SystemFallback::None;
    }
    if (region.size != 0)
        return SystemFallback::None;
    if (platform.mapMode == MapMode::Map2010 && platform.mapDialect)
        return SystemFallback::Absent;
    return SystemFallback::SizeZero;
}

std::string systemAllocatorCall(const Region& region)
{
    return region.memoryType == "dma" ? "kmalloc(..., GFP_KERNEL | __GFP_DMA)" : "kmalloc(..., GFP_KERNEL)";
}

namespace {

std::string fallbackNote(const Platform& platform, const Region& region)
{
    switch (systemFallbackOf(platform, region)) {
    case SystemFallback::SizeZero:
        return "; size 0: every request goes to the system allocator, " + systemAllocatorCall(region);
    case SystemFallback::PoolFull:
        return "; when it cannot serve the request, the system allocator, " + systemAllocatorCall(region);
    case SystemFallback::Absent:
        return "; size 0 and type '" + region.memoryType
            + "' has no system fallback (kmalloc cannot pick a bank): the request fails";
    case SystemFallback::None:
        break;
    }
    return "; no system fallback for type '" + region.memoryType + "' (kmalloc cannot pick a bank)";
}

} // namespace

void resolveVerkuil(const Platform& platform, std::string_view device, std::string_view kind, MapResolution& res)
{
    const std::string dev(device), type(kind);
    if (kind.empty()) {
        res.summary = "device '" + dev
            + "' asked without a memory type: in Hans Verkuil's proposal the type is compulsory "
              "(<201008281437.11830.hverkuil@xs4all.nl>), so no region is chosen";
        return;
    }
    const Region* own = nullptr;
    const Region* general = nullptr;
    for (const Region& r : platform.regions) {
        if (r.memoryType != type)
            continue;
        if (!own && std::find(r.drivers.begin(), r.drivers.end(), dev) != r.drivers.end())
            own = &r;
        if (!general && r.drivers.empty())
            general = &r;
    }
    const Region* chosen = own ? own : general;
    if (!chosen) {
        res.trail.push_back("no region of type '" + type + "' lists '" + dev + "' and there is no general one");
        res.summary =
            "device '" + dev + "' type '" + type + "': no region of type '" + type + "'; the allocation fails";
        return;
    }
    if (own)
        res.trail.push_back("region '" + own->name + "' of type '" + type + "' lists '" + dev + "': its own region");
    else
        res.trail.push_back("no region of type '" + type + "' lists '" + dev + "': the general region '" + general->name
            + "' of the type");
    if (own && general)
        res.trail.push_back("the general region '" + general->name
            + "' is not tried after it: Hans's mails give a driver its own region or the general one, not both");
    detail::offerRegion(platform, device, chosen->name, res);
    res.summary = "device '" + dev + "' type '" + type + "': " + (own ? "its own region '" : "the general region '")
        + chosen->name + "'" + fallbackNote(platform, *chosen);
}

} // namespace cmascope
