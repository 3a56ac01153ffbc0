// SPDX-License-Identifier: GPL-2.0-or-later
// Hans Verkuil's memory-type model from the 2010 CMA review (MapMode::Verkuil) and the system-allocator
// fallback: which region a typed request finds, which regions fall back to kmalloc, and how far kmalloc goes.
//
// Sources: docs/cma2010.md#hans-verkuils-memory-types, docs/cma2010.md#the-system-allocator-fallback,
// docs/cma2010.md#size-0-regions.
#pragma once

#include <cmascope/model/maplang.h>
#include <cmascope/model/platform.h>

#include <cstdint>
#include <string_view>

namespace cmascope {

/// kmalloc's largest object in 2010 kernels (v2.6.35 include/linux/slab.h): KMALLOC_MAX_SIZE =
/// 1 << KMALLOC_SHIFT_HIGH, KMALLOC_SHIFT_HIGH = min(MAX_ORDER + PAGE_SHIFT - 1, 25), MAX_ORDER 11
/// (include/linux/mmzone.h without CONFIG_FORCE_MAX_ZONEORDER). 4 MiB for 4 KiB pages, 16 MiB for 16 KiB,
/// 32 MiB for 64 KiB (the 2^25 cap). @p pageSize must be a power of two.
std::uint64_t kmallocMaxSize(std::uint32_t pageSize) noexcept;

/// Hans's two standard types, whose regions may fall back to the system allocator: "dma" and "common".
bool verkuilStandardType(std::string_view memoryType) noexcept;

/// What a region does when it cannot serve a request itself.
enum class SystemFallback : std::uint8_t {
    None, ///< its own pages or nothing
    SizeZero, ///< size 0: every request goes to the system allocator
    PoolFull, ///< its own pages first; when they cannot serve the request, the system allocator
    Absent, ///< size 0 without a fallback: the region does not exist, requests go on to the next region
};

/// The fallback of @p region on @p platform:
/// - Verkuil mode: a `dma` or `common` region falls back (SizeZero or PoolFull); any other type has none (a
///   size-0 bank region is Absent).
/// - Map2010 with a dialect: a size-0 region is Absent (every 2010 version refused size 0 in
///   cma_region_register()); otherwise None.
/// - Map2010 without a dialect and Modern: cmascope's historical rule, size 0 is SizeZero; otherwise None.
SystemFallback systemFallbackOf(const Platform& platform, const Region& region) noexcept;

/// "kmalloc(..., GFP_KERNEL | __GFP_DMA)" for a `dma` region, "kmalloc(..., GFP_KERNEL)" otherwise.
std::string systemAllocatorCall(const Region& region);

/// The Verkuil resolution (MapMode::Verkuil, called by resolveRegions()): the request's kind is its memory type;
/// the region of that type whose `drivers` lists @p device, else the general region of the type (no drivers),
/// else none. A request without a type fails: Hans made the type compulsory
/// (<201008281437.11830.hverkuil@xs4all.nl>).
void resolveVerkuil(const Platform& platform, std::string_view device, std::string_view kind, MapResolution& res);

} // namespace cmascope
