// SPDX-License-Identifier: GPL-2.0-or-later
// The validation registry and the shared helpers of the checks.
#include "internal.h"

#include <algorithm>
#include <cstdio>

namespace cmascope {

namespace validationchecks {

/// The address range a region is known to occupy: fixed ones always, dynamic ones once placed.
std::optional<AddressRange> knownRange(const Region& r)
{
    if (r.size == 0) {
        return std::nullopt;
    }
    if (r.placedBase) {
        return AddressRange { *r.placedBase, r.size };
    }
    if (r.placement == Placement::Fixed) {
        return AddressRange { r.start, r.size };
    }
    return std::nullopt;
}

std::string rangeOrigin(const Region& r)
{
    return r.placedBase ? std::string("placed at ") : std::string("fixed at ");
}

/// Merged, sorted intervals of the banks (memblock merges adjacent memory).
std::vector<AddressRange> mergedBanks(const Platform& p)
{
    std::vector<AddressRange> v;
    for (const Bank& b : p.banks) {
        if (b.size && !overflows(b.base, b.size)) {
            v.push_back({ b.base, b.size });
        }
    }
    std::sort(v.begin(), v.end(), [](const AddressRange& a, const AddressRange& b) { return a.base < b.base; });
    std::vector<AddressRange> merged;
    for (const AddressRange& r : v) {
        if (!merged.empty() && r.base <= merged.back().base + merged.back().size) {
            const std::uint64_t end = std::max(merged.back().base + merged.back().size, r.base + r.size);
            merged.back().size = end - merged.back().base;
        } else {
            merged.push_back(r);
        }
    }
    return merged;
}

bool insideBanks(const std::vector<AddressRange>& banks, std::uint64_t base, std::uint64_t size)
{
    return std::any_of(banks.begin(), banks.end(),
        [&](const AddressRange& b) { return base >= b.base && base + size <= b.base + b.size; });
}

bool intersectsBanks(const std::vector<AddressRange>& banks, std::uint64_t base, std::uint64_t size)
{
    return std::any_of(banks.begin(), banks.end(),
        [&](const AddressRange& b) { return base < b.base + b.size && b.base < base + size; });
}

} // namespace validationchecks

namespace {

using namespace validationchecks;

struct Entry
{
    ValidationCheck info;
    void (*run)(const Ctx&, Out&);
};

const std::vector<Entry>& registry()
{
    // Sources of the rules: docs/cma2010.md, docs/kernel-cma.md, docs/device-tree.md.
    static const std::vector<Entry> entries {
        { { "page-size", "page sizes must be 4, 16 or 64 KiB" }, checkPageSize },
        { { "names", "banks, regions, devices and kinds need unique, non-empty names" }, checkNames },
        { { "address-overflow", "base + size must fit in 64 bits" }, checkOverflow },
        { { "no-banks", "regions need memory banks" }, checkNoBanks },
        { { "bank-overlap", "banks must not overlap" }, checkBankOverlap },
        { { "alignment-power-of-two",
              "alignment must be 0 or a power of two (2010 cma=, cma_declare_contiguous_nid())" },
            checkAlignmentPow2 },
        { { "size-multiple",
              "size must be a multiple of the page size and of 2^order_per_bit pages (cma_init_reserved_mem())" },
            checkSizeMultiple },
        { { "fixed-misaligned", "a fixed start must be aligned (the kernel: \"Region at %pa must be aligned\")" },
            checkFixedAlignment },
        { { "alignment-below-minimum",
              "CMA alignment below pageSize << pageblockOrder is raised (CMA_MIN_ALIGNMENT_BYTES)" },
            checkMinimumAlignment },
        { { "region-overlap", "regions must not overlap (fixed, or placed)" }, checkRegionOverlap },
        { { "region-outside-banks", "regions and alloc-ranges must lie in memory banks" }, checkOutsideBanks },
        { { "size-zero-fixed", "a size-0 region reserves nothing; a fixed start is meaningless" }, checkSizeZeroFixed },
        { { "multi-range",
              "an area of several ranges is dynamic CMA with no alloc-ranges, at most 8 ranges "
              "(cma_declare_contiguous_multi())" },
            checkMultiRange },
        { { "default-area", "at most one default area, and it must be CMA" }, checkDefaultAreas },
        { { "private-owner", "a private region must name a declared device" }, checkPrivateOwner },
        { { "private-handle",
              "a 2010 private region (by handle) exists from v2 on, in the 2010 mode, and is never an asterisk "
              "region" },
            checkPrivateHandle },
        { { "memory-region", "memory-region entries must name declared regions (reserved-memory binding)" },
            checkMemoryRegions },
        { { "map-unknown-region", "map rules must name declared regions (2010 map language)" }, checkMapUnknownRegion },
        { { "map-private-region", "map rules never reach a 2010 private region: the kernel knows it by handle only" },
            checkMapPrivateRegion },
        { { "map-dead-pattern", "empty patterns and '*' before the end never match (2010 map language)" },
            checkDeadPatterns },
        { { "map-kind-without-device", "a leading '/kind' pattern has no device match to reuse (2010 map language)" },
            checkKindWithoutDevice },
        { { "map-shadowed",
              "rules whose patterns all match only what earlier rules already match (2010 map language)" },
            checkShadowedRules },
        { { "map-unknown-kind", "kinds in map patterns should be declared kinds" }, checkMapKinds },
        { { "map-empty-region-list", "rules with no region or an empty region name (accepted by the kernel)" },
            checkRuleRegionLists },
        { { "map-v3-unreachable", "v3: rules that no request their patterns name reaches under v3's walk" },
            checkV3Reach },
        { { "missing-allocator", "2010 regions whose allocator does not exist are never used" },
            checkMissingAllocator },
        { { "dma-limit", "devices with a DMA limit must not get regions ending above it" }, checkDmaLimit },
        { { "size-zero-2010",
              "a size-0 region does not exist for the 2010 kernels (cma_region_register()); the system-allocator "
              "fallback is Hans Verkuil's proposal" },
            checkSizeZero2010 },
        { { "verkuil-types",
              "Verkuil memory types: every region has a type, one general region per type, one "
              "region per driver and type" },
            checkVerkuilTypes },
    };
    return entries;
}

} // namespace

std::string_view severityName(Severity s) noexcept
{
    switch (s) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Info:
        return "info";
    }
    return "error";
}

std::uint64_t cmaMinAlignment(const Platform& platform, const Region& region) noexcept
{
    if (platform.mapMode != MapMode::Modern || platform.pageblockOrder >= 64) {
        return region.pageSize;
    }
    return std::uint64_t { region.pageSize } << platform.pageblockOrder;
}

std::uint64_t effectiveAlignment(const Platform& platform, const Region& region) noexcept
{
    const std::uint64_t requested = std::max<std::uint64_t>(region.alignment, region.pageSize);
    return region.type == RegionType::Cma ? std::max(requested, cmaMinAlignment(platform, region)) : requested;
}

const std::vector<ValidationCheck>& validationChecks()
{
    static const std::vector<ValidationCheck> checks = [] {
        std::vector<ValidationCheck> v;
        for (const Entry& e : registry()) {
            v.push_back(e.info);
        }
        return v;
    }();
    return checks;
}

std::vector<Diagnostic> validate(const Platform& platform, const ValidationOptions& options)
{
    std::vector<Diagnostic> out;
    const Ctx ctx { platform, options,
        options.dialect ? MapOptions::forDialect(*options.dialect) : MapOptions::of(platform) };
    for (const Entry& e : registry()) {
        const std::size_t before = out.size();
        e.run(ctx, out);
        for (std::size_t i = before; i < out.size(); ++i) {
            out[i].check = std::string(e.info.id);
        }
    }
    return out;
}

} // namespace cmascope
