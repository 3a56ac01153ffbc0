// SPDX-License-Identifier: GPL-2.0-or-later
// Validation checks of banks, region sizes, alignment and addresses.
#include "internal.h"

#include <algorithm>
#include <set>

namespace cmascope::validationchecks {

void checkPageSize(const Ctx& c, Out& out)
{
    const auto ok = [](std::uint64_t s) { return s == 4 * KiB || s == 16 * KiB || s == 64 * KiB; };
    if (!ok(c.p.pageSize)) {
        add(out, Severity::Error, "pageSize", c.p.name,
            "platform page size " + std::to_string(c.p.pageSize) + " is not 4, 16 or 64 KiB");
    }
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (!ok(r.pageSize)) {
            add(out, Severity::Error, idx("regions", i) + ".pageSize", r.name,
                "region " + quote(r.name) + ": page size " + std::to_string(r.pageSize) + " is not 4, 16 or 64 KiB");
        }
    }
}

namespace {

template <typename T>
void duplicates(const std::vector<T>& items, std::string_view what, std::string_view label, Out& out)
{
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].name.empty()) {
            add(out, Severity::Error, idx(what, i) + ".name", {},
                std::string(label) + " " + std::to_string(i) + " has no name");
            continue;
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (items[j].name == items[i].name) {
                add(out, Severity::Error, idx(what, i) + ".name", items[i].name,
                    std::string(label) + " name " + quote(items[i].name) + " is used twice (" + idx(what, j) + " and "
                        + idx(what, i) + ")");
                break;
            }
        }
    }
}

} // namespace

void checkNames(const Ctx& c, Out& out)
{
    duplicates(c.p.banks, "banks", "bank", out);
    duplicates(c.p.regions, "regions", "region", out);
    duplicates(c.p.devices, "devices", "device", out);
    duplicates(c.p.kinds, "kinds", "kind", out);
}

void checkOverflow(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.banks.size(); ++i) {
        const Bank& b = c.p.banks[i];
        if (overflows(b.base, b.size)) {
            add(out, Severity::Error, idx("banks", i) + ".size", b.name,
                "bank " + quote(b.name) + ": base " + hexText(b.base) + " + size " + hexText(b.size)
                    + " overflows 64 bits");
        }
    }
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        const std::string p = idx("regions", i);
        if (r.placement == Placement::Fixed && overflows(r.start, r.size)) {
            add(out, Severity::Error, p + ".size", r.name,
                "region " + quote(r.name) + ": start " + hexText(r.start) + " + size " + hexText(r.size)
                    + " overflows 64 bits");
        }
        if (r.placedBase && overflows(*r.placedBase, r.size)) {
            add(out, Severity::Error, p + ".placedBase", r.name,
                "region " + quote(r.name) + ": placed base " + hexText(*r.placedBase) + " + size " + hexText(r.size)
                    + " overflows 64 bits");
        }
        for (std::size_t k = 0; k < r.allocRanges.size(); ++k) {
            const AddressRange& a = r.allocRanges[k];
            if (overflows(a.base, a.size)) {
                add(out, Severity::Error, p + "." + idx("allocRanges", k), r.name,
                    "region " + quote(r.name) + ": alloc-range " + std::to_string(k) + " base " + hexText(a.base)
                        + " + size " + hexText(a.size) + " overflows 64 bits");
            }
        }
    }
}

void checkNoBanks(const Ctx& c, Out& out)
{
    if (c.p.banks.empty() && !c.p.regions.empty()) {
        add(out, Severity::Warning, "banks", c.p.name,
            "platform " + quote(c.p.name) + " has regions but no memory banks: nothing can be placed");
    }
}

void checkBankOverlap(const Ctx& c, Out& out)
{
    const auto& banks = c.p.banks;
    for (std::size_t i = 0; i < banks.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            const Bank& a = banks[j];
            const Bank& b = banks[i];
            if (!a.size || !b.size || overflows(a.base, a.size) || overflows(b.base, b.size)) {
                continue;
            }
            if (a.base < b.base + b.size && b.base < a.base + a.size) {
                add(out, Severity::Error, idx("banks", i), b.name,
                    "bank " + quote(b.name) + " " + range(b.base, b.size) + " overlaps bank " + quote(a.name) + " "
                        + range(a.base, a.size));
            }
        }
    }
}

void checkAlignmentPow2(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (r.alignment != 0 && !isPow2(r.alignment)) {
            add(out, Severity::Error, idx("regions", i) + ".alignment", r.name,
                "region " + quote(r.name) + ": alignment " + hexText(r.alignment) + " is not a power of two");
        }
    }
}

void checkSizeMultiple(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (r.size == 0 || r.pageSize == 0) {
            continue;
        }
        const std::string p = idx("regions", i) + ".size";
        const auto pageRounded = alignUp(r.size, r.pageSize);
        const std::uint64_t align = isPow2(r.alignment) || r.alignment == 0 ? effectiveAlignment(c.p, r) : r.pageSize;
        const auto kernelRounded = alignUp(r.size, align);
        if (!pageRounded || !kernelRounded) {
            add(out, Severity::Error, p, r.name,
                "region " + quote(r.name) + ": size " + hexText(r.size) + " passes 2^64 when rounded up to "
                    + sizeText(pageRounded ? align : r.pageSize));
            continue;
        }
        if (r.size % r.pageSize != 0) {
            add(out, Severity::Warning, p, r.name,
                "region " + quote(r.name) + ": size " + hexText(r.size) + " is not a multiple of the page size "
                    + hexText(r.pageSize) + "; the kernel rounds it up to " + hexText(*pageRounded));
        }
        const unsigned opb = r.params.orderPerBit;
        if (r.type != RegionType::Cma || opb == 0 || opb >= 63) {
            continue;
        }
        const std::uint64_t unitPages = std::uint64_t { 1 } << opb;
        const std::uint64_t pages = *pageRounded / r.pageSize;
        const std::uint64_t kernelPages = *kernelRounded / r.pageSize;
        if (kernelPages % unitPages != 0) {
            add(out, Severity::Error, p, r.name,
                "region " + quote(r.name) + ": " + std::to_string(kernelPages) + " pages is not a multiple of 2^"
                    + std::to_string(opb) + " = " + std::to_string(unitPages)
                    + " pages (order_per_bit); cma_init_reserved_mem returns -EINVAL");
        } else if (pages % unitPages != 0) {
            add(out, Severity::Warning, p, r.name,
                "region " + quote(r.name) + ": " + std::to_string(pages) + " pages is not a multiple of 2^"
                    + std::to_string(opb) + " = " + std::to_string(unitPages)
                    + " pages (order_per_bit); it only works because the kernel rounds the size up to "
                    + hexText(*kernelRounded));
        }
    }
}

void checkFixedAlignment(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (r.placement != Placement::Fixed || r.size == 0 || (r.alignment != 0 && !isPow2(r.alignment))) {
            continue;
        }
        const std::uint64_t a = effectiveAlignment(c.p, r);
        if (a != 0 && r.start % a != 0) {
            add(out, Severity::Error, idx("regions", i) + ".start", r.name,
                "region " + quote(r.name) + ": Region at " + hexAddress(r.start) + " must be aligned to "
                    + hexAddress(a) + " bytes"
                    + (r.type == RegionType::Cma && a > std::max<std::uint64_t>(r.alignment, r.pageSize)
                            ? " (the kernel minimum CMA alignment, pageSize << pageblockOrder)"
                            : ""));
        }
    }
}

void checkMinimumAlignment(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (r.type != RegionType::Cma || r.alignment == 0 || !isPow2(r.alignment)) {
            continue;
        }
        const std::uint64_t min = cmaMinAlignment(c.p, r);
        if (r.alignment < min) {
            add(out, Severity::Warning, idx("regions", i) + ".alignment", r.name,
                "region " + quote(r.name) + ": alignment " + hexText(r.alignment) + " (" + sizeText(r.alignment)
                    + ") is below the kernel minimum CMA alignment " + hexText(min) + " (" + sizeText(min)
                    + ", pageSize << pageblockOrder); the kernel raises it");
        }
    }
}

void checkRegionOverlap(const Ctx& c, Out& out)
{
    const auto& regs = c.p.regions;
    for (std::size_t i = 0; i < regs.size(); ++i) {
        const auto b = knownRange(regs[i]);
        if (!b || overflows(b->base, b->size)) {
            continue;
        }
        for (std::size_t j = 0; j < i; ++j) {
            const auto a = knownRange(regs[j]);
            if (!a || overflows(a->base, a->size)) {
                continue;
            }
            if (a->base < b->base + b->size && b->base < a->base + a->size) {
                add(out, Severity::Error, idx("regions", i), regs[i].name,
                    "region " + quote(regs[i].name) + " " + rangeOrigin(regs[i]) + range(b->base, b->size)
                        + " overlaps region " + quote(regs[j].name) + " " + rangeOrigin(regs[j])
                        + range(a->base, a->size));
            }
        }
    }
}

void checkOutsideBanks(const Ctx& c, Out& out)
{
    if (c.p.banks.empty()) {
        return; // reported once by no-banks
    }
    const auto banks = mergedBanks(c.p);
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        const auto k = knownRange(r);
        if (k && !overflows(k->base, k->size) && !insideBanks(banks, k->base, k->size)) {
            add(out, Severity::Error, idx("regions", i) + (r.placedBase ? ".placedBase" : ".start"), r.name,
                "region " + quote(r.name) + " " + rangeOrigin(r) + range(k->base, k->size)
                    + " is not inside any memory bank");
        }
        if (r.placement == Placement::Dynamic) {
            for (std::size_t a = 0; a < r.allocRanges.size(); ++a) {
                const AddressRange& ar = r.allocRanges[a];
                if (ar.size && !overflows(ar.base, ar.size) && !intersectsBanks(banks, ar.base, ar.size)) {
                    add(out, Severity::Warning, idx("regions", i) + "." + idx("allocRanges", a), r.name,
                        "region " + quote(r.name) + ": alloc-range " + range(ar.base, ar.size)
                            + " contains no memory bank; it can never be used");
                }
            }
        }
    }
}

void checkSizeZeroFixed(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (r.size == 0 && r.placement == Placement::Fixed) {
            add(out, Severity::Warning, idx("regions", i) + ".start", r.name,
                "region " + quote(r.name) + " has size 0 and a fixed start " + hexText(r.start)
                    + ": nothing is reserved, the start is meaningless");
        }
    }
}

/// docs/kernel-cma.md#multi-range-areas-in-plans: cma_declare_contiguous_multi() takes a size, an alignment and a
/// node; no start, no alloc-ranges, no limit.
void checkMultiRange(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        const std::string p = idx("regions", i) + ".maxRanges";
        if (r.maxRanges == 0 || r.maxRanges > kCmaMaxRanges) {
            add(out, Severity::Error, p, r.name,
                "region " + quote(r.name) + ": " + std::to_string(r.maxRanges) + " ranges; an area has 1 to "
                    + std::to_string(kCmaMaxRanges) + " (CMA_MAX_RANGES)");
            continue;
        }
        if (r.maxRanges == 1)
            continue;
        std::string why;
        if (r.type != RegionType::Cma)
            why = "a carve-out is reserved in one piece";
        else if (r.placement == Placement::Fixed)
            why = "a fixed region has one start";
        else if (!r.allocRanges.empty())
            why = "an area with alloc-ranges is placed in one of them";
        if (!why.empty()) {
            add(out, Severity::Error, p, r.name,
                "region " + quote(r.name) + " may not be split over " + std::to_string(r.maxRanges) + " ranges: " + why
                    + " (only cma_declare_contiguous_multi() makes several ranges)");
        } else if (r.limit != 0) {
            add(out, Severity::Warning, idx("regions", i) + ".limit", r.name,
                "region " + quote(r.name) + ": an area of up to " + std::to_string(r.maxRanges)
                    + " ranges is placed anywhere (cma_declare_contiguous_multi() takes no limit): the limit "
                    + hexText(r.limit) + " is not used");
        }
    }
}

} // namespace cmascope::validationchecks
