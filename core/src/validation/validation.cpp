// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/util/units.h>
#include <cmascope/validation/validation.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>

namespace cmascope {

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::string range(std::uint64_t base, std::uint64_t size)
{
    return "[" + hexText(base) + ", " + hexText(base + size) + ")";
}

bool isPow2(std::uint64_t v) noexcept
{
    return v != 0 && (v & (v - 1)) == 0;
}
bool overflows(std::uint64_t base, std::uint64_t size) noexcept
{
    return size > kMax - base;
}
std::string idx(std::string_view what, std::size_t i)
{
    return std::string(what) + "[" + std::to_string(i) + "]";
}
std::string quote(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

struct Ctx
{
    const Platform& p;
    const ValidationOptions& o;
};

using Out = std::vector<Diagnostic>;

void add(Out& out, Severity s, std::string path, std::string item, std::string message)
{
    out.push_back(Diagnostic { s, std::move(path), std::move(item), std::move(message), {} });
}

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

// ---- checks ------------------------------------------------------------------------------------------------

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

void checkDefaultAreas(const Ctx& c, Out& out)
{
    std::optional<std::size_t> first;
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (!r.isDefault) {
            continue;
        }
        if (r.type == RegionType::Carveout) {
            add(out, Severity::Error, idx("regions", i) + ".isDefault", r.name,
                "region " + quote(r.name) + " is a carve-out and cannot be the default CMA area");
        }
        if (first) {
            add(out, Severity::Warning, idx("regions", i) + ".isDefault", r.name,
                "region " + quote(r.name) + " is a second default area; only " + quote(c.p.regions[*first].name)
                    + " (the first) is used");
        } else {
            first = i;
        }
    }
}

void checkPrivateOwner(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (!r.privateTo.empty() && !c.p.findDevice(r.privateTo)) {
            add(out, Severity::Error, idx("regions", i) + ".privateTo", r.name,
                "region " + quote(r.name) + " is private to " + quote(r.privateTo)
                    + ", which is not a declared device; nobody can use it");
        }
    }
}

void checkMemoryRegions(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.devices.size(); ++i) {
        const Device& d = c.p.devices[i];
        for (std::size_t j = 0; j < d.memoryRegions.size(); ++j) {
            if (!c.p.findRegion(d.memoryRegions[j])) {
                add(out, Severity::Error, idx("devices", i) + "." + idx("memoryRegions", j), d.name,
                    "device " + quote(d.name) + ": memory-region " + std::to_string(j) + " names unknown region "
                        + quote(d.memoryRegions[j]));
            }
        }
        if (!d.memoryRegionNames.empty() && d.memoryRegionNames.size() != d.memoryRegions.size()) {
            add(out, Severity::Warning, idx("devices", i) + ".memoryRegionNames", d.name,
                "device " + quote(d.name) + ": " + std::to_string(d.memoryRegionNames.size())
                    + " memory-region-names for " + std::to_string(d.memoryRegions.size()) + " memory-region entries");
        }
    }
}

void checkMapUnknownRegion(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.rules.size(); ++i) {
        const MapRule& rule = c.p.rules[i];
        for (std::size_t j = 0; j < rule.regions.size(); ++j) {
            const std::string& name = rule.regions[j];
            if (name != "*" && !c.p.findRegion(name)) {
                add(out, Severity::Error, idx("rules", i) + "." + idx("regions", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "' names unknown region "
                        + quote(name) + " (the kernel skips it at allocation time)");
            } else if (name == "*" && c.o.dialect == MapDialect::V4) {
                add(out, Severity::Warning, idx("rules", i) + "." + idx("regions", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule)
                        + "': '*' as a region list is a v3 feature; v4 looks up a region named '*'");
            }
        }
    }
}

// -- map pattern analysis (shadowing) --

/// One wildcard part ("vid*", "baz?", "a") as the set of strings it matches.
struct Wild
{
    std::string prefix; ///< characters before the trailing '*' ('?' = any character)
    bool star = false; ///< ends with '*': matches any continuation
    bool dead = false; ///< a '*' before the end: matches nothing (the kernel walk stops at '*')
};

Wild wild(std::string_view s)
{
    Wild w;
    const auto star = s.find('*');
    if (star == std::string_view::npos) {
        w.prefix = std::string(s);
    } else {
        w.prefix = std::string(s.substr(0, star));
        w.star = true;
        w.dead = star + 1 != s.size();
    }
    return w;
}

/// Every string matched by @p b is matched by @p a.
bool covers(const Wild& a, const Wild& b)
{
    if (b.dead) {
        return true;
    }
    if (a.dead) {
        return false;
    }
    if (a.star ? b.prefix.size() < a.prefix.size() : (b.star || b.prefix.size() != a.prefix.size())) {
        return false;
    }
    for (std::size_t i = 0; i < a.prefix.size(); ++i) {
        if (a.prefix[i] != '?' && (a.prefix[i] != b.prefix[i])) {
            return false;
        }
    }
    return true;
}

bool matchesOnlyEmpty(const Wild& w)
{
    return !w.dead && !w.star && w.prefix.empty();
}
bool matchesEmpty(const Wild& w)
{
    return !w.dead && w.prefix.empty();
}
bool matchesAll(const Wild& w)
{
    return !w.dead && w.star && w.prefix.empty();
}

struct Shape
{
    bool reuse = false; ///< "/kind": the device part is the previous pattern's
    Wild dev;
    bool hasKind = false;
    std::string kind; ///< raw kind part
    bool empty = false;
};

Shape shape(std::string_view p)
{
    Shape s;
    s.empty = p.empty();
    s.reuse = !p.empty() && p[0] == '/';
    const auto slash = p.find('/');
    s.dev = wild(slash == std::string_view::npos ? p : p.substr(0, slash));
    if (slash != std::string_view::npos) {
        s.hasKind = true;
        s.kind = std::string(p.substr(slash + 1));
    }
    return s;
}

/// Every request matched by pattern @p b (wherever it is) is matched by the independent pattern @p a.
bool shadows(const Shape& a, const Shape& b, MapDialect d)
{
    if (a.reuse || a.empty || a.dev.dead) {
        return false;
    }
    if (b.reuse ? !matchesAll(a.dev) : !covers(a.dev, b.dev)) {
        return false;
    }
    if (d == MapDialect::V4) {
        if (!a.hasKind) {
            return true;
        }
        return b.hasKind && b.kind == a.kind;
    }
    if (!b.hasKind) { // b matches only the empty kind
        return !a.hasKind || matchesEmpty(wild(a.kind));
    }
    const Wild bk = wild(b.kind);
    if (!a.hasKind) {
        return matchesOnlyEmpty(bk) || bk.dead;
    }
    return covers(wild(a.kind), bk);
}

/// Why a pattern can never match on its own, or empty.
std::string deadReason(const Shape& s, MapDialect d)
{
    if (s.empty) {
        return "is empty and never matches";
    }
    if (!s.reuse && s.dev.dead) {
        return "has '*' before the end of its device part and never matches (the kernel walk stops at '*')";
    }
    if (d == MapDialect::V1 && s.hasKind && wild(s.kind).dead) {
        return "has '*' before the end of its kind part and never matches";
    }
    return {};
}

void checkDeadPatterns(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.rules.size(); ++i) {
        const MapRule& rule = c.p.rules[i];
        for (std::size_t j = 0; j < rule.patterns.size(); ++j) {
            const std::string why = deadReason(shape(rule.patterns[j]), c.o.dialect);
            if (!why.empty()) {
                add(out, Severity::Warning, idx("rules", i) + "." + idx("patterns", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "': pattern '" + rule.patterns[j]
                        + "' " + why);
            }
        }
    }
}

void checkKindWithoutDevice(const Ctx& c, Out& out)
{
    // name_matched starts at 0: a leading "/kind" can only match after some pattern with a device part.
    bool seenDevicePattern = false;
    for (std::size_t i = 0; i < c.p.rules.size(); ++i) {
        const MapRule& rule = c.p.rules[i];
        for (std::size_t j = 0; j < rule.patterns.size(); ++j) {
            const std::string& pat = rule.patterns[j];
            const bool reuse = !pat.empty() && pat[0] == '/';
            if (reuse && !seenDevicePattern) {
                add(out, Severity::Warning, idx("rules", i) + "." + idx("patterns", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "': pattern '" + pat
                        + "' has no device part and no device pattern precedes it; it can never match");
            } else if (reuse && j == 0) {
                const MapRule& prev = c.p.rules[i - 1];
                add(out, Severity::Info, idx("rules", i) + "." + idx("patterns", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "': pattern '" + pat
                        + "' reuses the device match of pattern '" + prev.patterns.back() + "' of rule #"
                        + std::to_string(i));
            }
            if (!reuse) {
                seenDevicePattern = true;
            }
        }
    }
}

void checkShadowedRules(const Ctx& c, Out& out)
{
    const auto& rules = c.p.rules;
    for (std::size_t j = 1; j < rules.size(); ++j) {
        std::vector<std::string> reasons;
        std::size_t live = 0;
        for (std::size_t k = 0; k < rules[j].patterns.size(); ++k) {
            const Shape b = shape(rules[j].patterns[k]);
            if (!deadReason(b, c.o.dialect).empty()) {
                continue;
            }
            std::string by;
            for (std::size_t i = 0; i < j && by.empty(); ++i) {
                for (const std::string& pa : rules[i].patterns) {
                    if (shadows(shape(pa), b, c.o.dialect)) {
                        by = "rule #" + std::to_string(i + 1) + " pattern '" + pa + "'";
                        break;
                    }
                }
            }
            if (by.empty()) {
                ++live;
            } else {
                reasons.push_back("'" + rules[j].patterns[k] + "' is shadowed by " + by);
                if (rules[j].patterns.size() > 1) {
                    add(out, Severity::Info, idx("rules", j) + "." + idx("patterns", k), formatRule(rules[j]),
                        "map rule #" + std::to_string(j + 1) + " '" + formatRule(rules[j]) + "': pattern '"
                            + rules[j].patterns[k] + "' is shadowed by " + by
                            + ", which matches every request it matches first");
                }
            }
        }
        if (live == 0 && !reasons.empty()) {
            std::string msg =
                "map rule #" + std::to_string(j + 1) + " '" + formatRule(rules[j]) + "' can never match: ";
            for (std::size_t r = 0; r < reasons.size(); ++r) {
                msg += (r ? "; " : "") + reasons[r];
            }
            add(out, Severity::Warning, idx("rules", j), formatRule(rules[j]), msg);
        }
    }
}

void checkMapKinds(const Ctx& c, Out& out)
{
    if (c.p.kinds.empty()) {
        return;
    }
    for (std::size_t i = 0; i < c.p.rules.size(); ++i) {
        const MapRule& rule = c.p.rules[i];
        for (std::size_t j = 0; j < rule.patterns.size(); ++j) {
            const Shape s = shape(rule.patterns[j]);
            const bool literal = c.o.dialect == MapDialect::V4 || s.kind.find_first_of("*?") == std::string::npos;
            if (!s.hasKind || s.kind.empty() || !literal) {
                continue;
            }
            const bool known =
                std::any_of(c.p.kinds.begin(), c.p.kinds.end(), [&](const Kind& k) { return k.name == s.kind; })
                || (c.o.dialect == MapDialect::V4 && s.kind == "common");
            if (!known) {
                add(out, Severity::Info, idx("rules", i) + "." + idx("patterns", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "': kind " + quote(s.kind)
                        + " of pattern '" + rule.patterns[j] + "' is not a declared kind"
                        + (c.o.dialect == MapDialect::V4 && s.kind.find_first_of("*?") != std::string::npos
                                ? " (v4 compares types literally)"
                                : ""));
            }
        }
    }
}

/// Highest address a dynamic, not yet placed region could end at, if bounded.
std::optional<std::uint64_t> highestPossibleEnd(const Platform& p, const Region& r)
{
    std::uint64_t end = 0;
    if (!r.allocRanges.empty()) {
        for (const AddressRange& a : r.allocRanges) {
            if (overflows(a.base, a.size)) {
                return std::nullopt;
            }
            end = std::max(end, a.base + a.size);
        }
    } else {
        for (const Bank& b : p.banks) {
            if (!overflows(b.base, b.size)) {
                end = std::max(end, b.base + b.size);
            }
        }
        if (p.banks.empty()) {
            return std::nullopt;
        }
    }
    if (r.limit) {
        end = std::min(end, r.limit);
    }
    return end;
}

void checkDmaLimit(const Ctx& c, Out& out)
{
    const MapOptions mo = MapOptions::forDialect(c.o.dialect);
    for (std::size_t di = 0; di < c.p.devices.size(); ++di) {
        const Device& d = c.p.devices[di];
        if (d.dmaBits >= 64 || d.dmaBits == 0) {
            continue;
        }
        const std::uint64_t limit = std::uint64_t { 1 } << d.dmaBits;
        struct Binding
        {
            std::string region, path, how;
        };
        std::vector<Binding> bindings;
        for (std::size_t j = 0; j < d.memoryRegions.size(); ++j) {
            bindings.push_back({ d.memoryRegions[j], idx("devices", di) + "." + idx("memoryRegions", j),
                "memory-region " + std::to_string(j) });
        }
        std::vector<std::string> kinds { std::string() };
        for (const Kind& k : c.p.kinds) {
            kinds.push_back(k.name);
        }
        for (const std::string& kind : kinds) {
            const MapResolution res = resolveRegions(c.p, d.name, kind, 2 * std::uint64_t { c.p.pageSize }, mo);
            for (const std::string& name : res.regions) {
                std::string path;
                std::string how;
                if (c.p.mapMode == MapMode::Map2010 && res.ruleIndex) {
                    path = idx("rules", *res.ruleIndex);
                    how = "map rule #" + std::to_string(*res.ruleIndex + 1) + " '" + res.ruleText + "'";
                } else if (c.p.mapMode == MapMode::Map2010) {
                    path = idx("devices", di) + ".dmaBits";
                    how = "the asterisk rule";
                } else {
                    path = idx("devices", di) + ".dmaBits";
                    how = "dma_alloc_contiguous";
                }
                if (!kind.empty()) {
                    how += " (kind " + quote(kind) + ")";
                }
                bindings.push_back({ name, path, how });
            }
        }
        std::set<std::string> reported;
        for (const Binding& b : bindings) {
            const Region* r = c.p.findRegion(b.region);
            if (!r || r->size == 0 || !reported.insert(b.region).second) {
                continue;
            }
            const auto k = knownRange(*r);
            const std::string intro = "device " + quote(d.name) + " (" + std::to_string(d.dmaBits) + "-bit DMA, limit "
                + hexText(limit) + " = " + sizeText(limit) + ") uses region " + quote(r->name) + " via " + b.how;
            if (k) {
                if (overflows(k->base, k->size) || k->base + k->size > limit) {
                    add(out, Severity::Error, b.path, d.name,
                        intro + ", which ends at " + hexText(k->base + k->size) + ", above the limit");
                }
            } else if (const auto end = highestPossibleEnd(c.p, *r); end && *end > limit) {
                add(out, Severity::Warning, b.path, d.name,
                    intro + ", which is not placed yet and may end as high as " + hexText(*end)
                        + "; restrict it with a limit or alloc-ranges");
            }
        }
    }
}

struct Entry
{
    ValidationCheck info;
    void (*run)(const Ctx&, Out&);
};

const std::vector<Entry>& registry()
{
    // Sources of the rules: docs/cma-2010.md, docs/kernel-cma.md, docs/device-tree.md.
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
        { { "default-area", "at most one default area, and it must be CMA" }, checkDefaultAreas },
        { { "private-owner", "a private region must name a declared device" }, checkPrivateOwner },
        { { "memory-region", "memory-region entries must name declared regions (reserved-memory binding)" },
            checkMemoryRegions },
        { { "map-unknown-region", "map rules must name declared regions (2010 map language)" }, checkMapUnknownRegion },
        { { "map-dead-pattern", "empty patterns and '*' before the end never match (2010 map language)" },
            checkDeadPatterns },
        { { "map-kind-without-device", "a leading '/kind' pattern has no device match to reuse (2010 map language)" },
            checkKindWithoutDevice },
        { { "map-shadowed",
              "rules whose patterns all match only what earlier rules already match (2010 map language)" },
            checkShadowedRules },
        { { "map-unknown-kind", "kinds in map patterns should be declared kinds" }, checkMapKinds },
        { { "dma-limit", "devices with a DMA limit must not get regions ending above it" }, checkDmaLimit },
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
    if (platform.mapMode == MapMode::Map2010 || platform.pageblockOrder >= 64) {
        return region.pageSize;
    }
    return std::uint64_t { region.pageSize } << platform.pageblockOrder;
}

std::uint64_t effectiveAlignment(const Platform& platform, const Region& region) noexcept
{
    const std::uint64_t requested = std::max<std::uint64_t>(region.alignment, region.pageSize);
    return region.type == RegionType::Cma ? std::max(requested, cmaMinAlignment(platform, region)) : requested;
}

std::string hexAddress(std::uint64_t value)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(value));
    return buf;
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
    const Ctx ctx { platform, options };
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
