// SPDX-License-Identifier: GPL-2.0-or-later
// The platform model: memory banks, CMA regions, devices, kinds and map rules.
// Plain value types; no behaviour beyond small helpers. Validation, map matching and boot-time
// placement live in validation.h, maplang.h and placement.h.
#pragma once

#include <cmascope/policies/policy.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmascope {

inline constexpr std::uint64_t KiB = 1024;
inline constexpr std::uint64_t MiB = 1024 * KiB;
inline constexpr std::uint64_t GiB = 1024 * MiB;
/// CMA_MAX_RANGES of 6.15 and later kernels: the most physical ranges one area can have.
inline constexpr unsigned kCmaMaxRanges = 8;

/// A half-open physical address range [base, base + size), in bytes.
struct AddressRange
{
    std::uint64_t base = 0;
    std::uint64_t size = 0;
    bool operator==(const AddressRange&) const = default;
};

/// A bank of physical memory (a DT `memory` node, a `System RAM` line of /proc/iomem).
struct Bank
{
    std::string name;
    std::uint64_t base = 0; ///< bytes
    std::uint64_t size = 0; ///< bytes
    int numaNode = 0;
    bool operator==(const Bank&) const = default;
};

/// How a region gets its physical place at boot.
enum class Placement : std::uint8_t {
    Fixed, ///< at `start` exactly (cma=size@base, DT `reg`, 2010 `@start` with memblock)
    Dynamic, ///< anywhere inside `allocRanges` (or below `limit`), placed like memblock does (top-down)
};

/// What kind of reserved memory a region is.
enum class RegionType : std::uint8_t {
    Cma, ///< allocatable contiguous region (modern CMA area; 2010 region)
    Carveout, ///< reserved and not allocatable (DT `no-map`, firmware): shown as occupied
};

/// Properties of a device-tree reserved-memory node that the model does not derive from a region's type,
/// kept from an import so that an export writes the node back as it was read (docs/project-format.md).
struct DeviceTreeNode
{
    std::vector<std::string> compatible; ///< empty: from the type ("shared-dma-pool" for CMA, none otherwise)
    std::optional<bool> noMap; ///< carve-outs: `no-map` present; unset: from the type (carve-outs are no-map)
    std::optional<bool> reusable; ///< carve-outs: `reusable` present; unset: from the type (CMA is reusable)
    std::vector<AddressRange> moreReg; ///< `reg` entries after the first (all reserved; the region is the first)
    bool empty() const noexcept { return compatible.empty() && !noMap && !reusable && moreReg.empty(); }
    bool operator==(const DeviceTreeNode&) const = default;
};

/// A region of reserved memory with its own allocator.
struct Region
{
    std::string name;
    RegionType type = RegionType::Cma;
    /// bytes; 0 = no memory reserved. What a request then meets depends on the map mode
    /// (systemFallbackOf() in verkuilmap.h, docs/cma2010.md#hans-verkuils-memory-types).
    std::uint64_t size = 0;
    Placement placement = Placement::Dynamic;
    std::uint64_t start = 0; ///< bytes; the requested start for Fixed placement
    std::uint64_t alignment = 0; ///< bytes; 0 = default (page size, raised to the CMA minimum)
    std::vector<AddressRange> allocRanges; ///< Dynamic: ranges tried in order; empty = any bank
    std::uint64_t limit = 0; ///< Dynamic: highest end address (cma=...@base-limit); 0 = none
    std::uint32_t pageSize = 4096; ///< 4, 16 or 64 KiB
    PolicyKind policy = PolicyKind::Kernel;
    PolicyParams params;
    /// 2010: the allocator the region asked for (`:name` in cma=) when no such allocator exists. The kernel
    /// reserves the region but attaches no allocator ("init: r: na: no such allocator"), so every request skips it
    /// (docs/cma2010.md#parsing-as-the-kernel-did). Empty: the region has its allocator (`policy`).
    std::string missingAllocator;
    bool isDefault = false; ///< the global default area (linux,cma-default; the `cma=` area)
    bool asterisk = false; ///< 2010 v3: used by devices no rule matches (the "*" region list)
    std::string privateTo; ///< non-empty: only this device may allocate here (a named region only its owner reaches)
    /// The 2010 private region (v2 on): its driver registers it with cma_region_register() and no name, so the
    /// map never finds it; it is reached only by handle (StepType::AllocateFromRegion). cmascope keeps the name
    /// for display; privateTo, if set, names that driver (docs/cma2010.md#private-regions).
    bool privateHandle = false;
    int numaNode = -1; ///< numa_cma / cma_pernuma area of this node; -1 = none
    /// Largest contiguous allocation the system allocator makes when a request falls back to it: kmalloc's
    /// KMALLOC_MAX_SIZE of 2010 kernels, 1 << (MAX_ORDER + PAGE_SHIFT - 1) = 4 MiB for MAX_ORDER 11 and 4 KiB
    /// pages (kmallocMaxSize(), docs/cma2010.md#the-system-allocator-fallback).
    std::uint64_t fallbackMaxContiguous = 4 * MiB;
    /// MapMode::Verkuil: the memory type of this region ("banka", "dma", "common", ...).
    std::string memoryType;
    /// MapMode::Verkuil: the drivers this region of its type serves; empty = the general region of the type.
    std::vector<std::string> drivers;
    /// How many physical ranges boot-time placement may split this area into: 1 = one range
    /// (cma_declare_contiguous_nid()); 2 to kCmaMaxRanges = cma_declare_contiguous_multi(), which tries one range
    /// first and otherwise takes the largest free stretches above 4 GiB, as hugetlb_cma does on 6.15 and later
    /// kernels (docs/kernel-cma.md#multi-range-areas-in-plans).
    unsigned maxRanges = 1;
    /// Result of placement (placement.h): the physical start actually reserved, when known.
    std::optional<std::uint64_t> placedBase;
    /// Result of placement of an area split over several ranges: `size` is then range 0's and the later ranges are
    /// the regions whose `rangeOf` names this one. `declared` is the size asked for, `first` range 0's; placement
    /// undoes the split before it runs again (the declared size comes back unless `size` was changed meanwhile).
    struct RangeSplit
    {
        std::uint64_t declared = 0;
        std::uint64_t first = 0;
        bool operator==(const RangeSplit&) const = default;
    };
    std::optional<RangeSplit> split;
    /// Made by placement: this region is a later range of the multi-range area named here (named
    /// "<area> range <N>", as the replay names them). Not saved; placement makes it again.
    std::string rangeOf;
    /// Result of placement: why the boot-time reservation failed ("cma: Failed to reserve 16 MiB (...)");
    /// empty when it succeeded or placement has not run. Like the kernel, a region that failed to reserve
    /// does not exist at run time: requests mapped to it go on to the next region of their list.
    std::string placementFailure;
    std::string label; ///< DT label (e.g. "vcodec_cma"); empty = derived from the name
    DeviceTreeNode dt; ///< DT properties kept from an import
    bool operator==(const Region&) const = default;
};

/// A device that asks for memory (a driver instance; a task in a kernel trace).
struct Device
{
    std::string name;
    int numaNode = 0;
    unsigned dmaBits = 64; ///< addressing limit: 32 = can reach only below 4 GiB
    std::vector<std::string> memoryRegions; ///< DT memory-region, in order (first = the device's cma_area)
    std::vector<std::string> memoryRegionNames; ///< DT memory-region-names, parallel to memoryRegions
    bool operator==(const Device&) const = default;
};

/// A kind ("type" from v4 on) of memory a device asks for, e.g. "a", "b", "fw", "bulk".
struct Kind
{
    std::string name;
    std::string description;
    bool operator==(const Kind&) const = default;
};

/// One rule of the 2010 map: `patterns = regions`.
struct MapRule
{
    std::vector<std::string> patterns; ///< "dev", "dev/kind", "/kind", with '?' and trailing '*'
    std::vector<std::string> regions; ///< regions to try, in order; {"*"} = the asterisk regions
    bool operator==(const MapRule&) const = default;
};

/// Which posting of the 2010 framework's map code a Map2010 platform follows (docs/cma2010.md#dialects).
enum class MapDialect : std::uint8_t {
    /// v1 (`cma_map=`): a pattern without a kind part matches only an empty/NULL kind; the kind part takes '?'
    /// and a trailing '*' like the device part; no asterisk regions (no rule matches: -ENOENT).
    V1,
    /// v3 (`cma.map=`): v1's language read by v3's own walk of the map text (a ',' met inside a name is
    /// skipped, a kind-less pattern that meets a request with a kind skips the next pattern); asterisk regions
    /// only without a map, newest-registered first; '*' only as the first entry of a region list.
    V3,
    /// v4/v5: a pattern without a type part matches any type; a NULL/empty type is "common"; the type part is
    /// compared literally (no wildcards: "foo/*" matches only the type "*"); no asterisk regions. Its region-list
    /// walk stalls on the ',' after the first name (a fallback list never reaches its second region).
    V4,
    /// v6 (Nov 2010): v4's matcher with the region-list walk fixed, so fallback lists work; no command line
    /// (board code with CMA_REGION() and cma_set_defaults() only).
    V6,
};

/// v4 and v6: the "type" semantics (a pattern without a type matches any type, types compared literally).
constexpr bool hasTypeSemantics(MapDialect d) noexcept
{
    return d == MapDialect::V4 || d == MapDialect::V6;
}

/// How requests find their regions.
enum class MapMode : std::uint8_t {
    Map2010, ///< the 2010 cma_map language: first matching rule, ordered fallback list, asterisk rule
    Modern, ///< mainline: the device's own area (memory-region), else per-NUMA areas, else the default area
    /// Hans Verkuil's proposal from the 2010 review: a request's kind is a memory type; the driver's region of
    /// that type, else the type's general region; dma/common fall back to the system allocator
    /// (docs/cma2010.md#hans-verkuils-memory-types). Platform::rules are not used.
    Verkuil,
};

struct Platform
{
    std::string name;
    std::string description;
    std::vector<Bank> banks;
    std::vector<Region> regions;
    std::vector<Device> devices;
    std::vector<Kind> kinds;
    std::vector<MapRule> rules;
    MapMode mapMode = MapMode::Map2010;
    /// Map2010: the posting whose map code requests follow; unset = cmascope's historical rules (v1 matching
    /// with the v3 documentation's asterisk fallback, docs/cma2010.md#dialects).
    std::optional<MapDialect> mapDialect;
    std::uint32_t pageSize = 4096; ///< PAGE_SIZE of the platform
    unsigned pageblockOrder = 9; ///< CMA_MIN_ALIGNMENT_BYTES = pageSize << pageblockOrder
    unsigned cmaAlignmentOrder = 8; ///< CONFIG_CMA_ALIGNMENT
    bool operator==(const Platform&) const = default;

    const Region* findRegion(std::string_view regionName) const;
    const Device* findDevice(std::string_view deviceName) const;
    const Bank* findBank(std::string_view bankName) const;
};

/// Undoes what placement did to multi-range areas (Region::split, Region::rangeOf): the later ranges' regions
/// go, each split area gets its declared size back (unless its size was changed since). What is saved, exported
/// or placed again is the platform as declared.
void undoRangeSplits(Platform& platform);

} // namespace cmascope
