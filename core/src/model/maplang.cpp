// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 map matching (v1 and v4/v6: matchPattern(), matchMap()), the asterisk regions and resolveRegions() for the
// 2010, modern and Verkuil modes (docs/cma2010.md#dialects, docs/kernel-cma.md); parsing is in mapparse.cpp.
#include "mapresolve.h"

#include <cmascope/model/verkuilmap.h>

#include <algorithm>

namespace cmascope {

namespace {

std::string showKind(std::string_view kind)
{
    return detail::showKindName(kind);
}

char at(std::string_view s, std::size_t i) noexcept
{
    return i < s.size() ? s[i] : '\0';
}

/// The TRY_MATCH walk of __cma_where_from(): compares @p subject with the pattern from @p s until the pattern
/// shows '*' or the subject is exhausted; '?' matches any character; a trailing '*' is consumed.
/// Returns false on a mismatch or when the pattern ends first. @p s is advanced.
bool walkWildcard(std::string_view p, std::size_t& s, std::string_view subject) noexcept
{
    std::size_t c = 0;
    for (; at(p, s) != '*' && c < subject.size(); ++c, ++s) {
        const char pc = at(p, s);
        if (pc == '\0') {
            return false; // the pattern ended (',' / '=' / NUL in the kernel)
        }
        if (pc != '?' && pc != subject[c]) {
            return false;
        }
    }
    if (at(p, s) == '*') {
        ++s;
    }
    return true;
}

std::string_view devicePart(std::string_view p)
{
    const auto slash = p.find('/');
    return slash == std::string_view::npos ? p : p.substr(0, slash);
}

} // namespace

// ---- matching --------------------------------------------------------------------------------------------

PatternVerdict matchPattern(
    std::string_view p, std::string_view device, std::string_view kind, MapDialect dialect, bool& nameMatched)
{
    const auto fail = [](std::string why) { return PatternVerdict { false, std::move(why) }; };
    std::size_t s = 0;
    const bool reuse = at(p, 0) == '/';
    if (reuse) {
        if (!nameMatched) {
            return fail("'/kind' pattern: the previous pattern's device part did not match");
        }
    } else {
        nameMatched = false;
        if (!walkWildcard(p, s, device)) {
            if (p.empty()) {
                return fail("empty pattern never matches");
            }
            return fail("device '" + std::string(device) + "' does not match '" + std::string(devicePart(p)) + "'");
        }
        nameMatched = true; // kernel: set once the device part is consumed, even if the rest then fails
        if (at(p, s) != '/' && s < p.size()) {
            if (s > 0 && p[s - 1] == '*') {
                return fail(
                    "'*' before the end of the device pattern '" + std::string(devicePart(p)) + "' never matches");
            }
            return fail("device '" + std::string(device) + "' does not match '" + std::string(devicePart(p)) + "'");
        }
    }

    if (dialect == MapDialect::V1) {
        if (at(p, s) != '/') {
            if (!kind.empty()) {
                return fail("no kind part: matches only requests without a kind, got kind " + showKind(kind));
            }
        } else {
            ++s;
            const std::size_t kindStart = s;
            if (!walkWildcard(p, s, kind) || s < p.size()) {
                return fail("kind " + showKind(kind) + " does not match '" + std::string(p.substr(kindStart)) + "'");
            }
        }
    } else {
        if (at(p, s) == '/') {
            ++s;
            const std::string_view type = kind.empty() ? std::string_view("common") : kind;
            const std::string_view want = p.substr(s);
            if (want != type) {
                return fail("type '" + std::string(type) + "' is not '" + std::string(want)
                    + "' (v4 compares types literally)");
            }
        }
    }
    return { true, reuse ? "matches (device matched in the previous pattern)" : "matches" };
}

MapMatch matchMap(const std::vector<MapRule>& rules, std::string_view device, std::string_view kind, MapDialect dialect)
{
    if (dialect == MapDialect::V3)
        return matchMapV3(rules, device, kind);
    MapMatch m;
    bool nameMatched = false;
    for (std::size_t r = 0; r < rules.size(); ++r) {
        const MapRule& rule = rules[r];
        std::string line = "rule #" + std::to_string(r + 1) + " '" + formatRule(rule) + "': ";
        for (std::size_t p = 0; p < rule.patterns.size(); ++p) {
            const PatternVerdict v = matchPattern(rule.patterns[p], device, kind, dialect, nameMatched);
            if (p > 0) {
                line += "; ";
            }
            line += "'" + rule.patterns[p] + "' " + (v.matched ? v.why : "no: " + v.why);
            if (v.matched) {
                m.ruleIndex = r;
                m.patternIndex = p;
                m.trail.push_back(std::move(line));
                return m;
            }
        }
        m.trail.push_back(std::move(line));
    }
    return m;
}

std::vector<std::string> asteriskRegions(const Platform& platform)
{
    std::vector<std::string> out;
    for (const Region& r : platform.regions) {
        // A 2010 private region has no name for the kernel: only its driver's handle reaches it.
        if (r.asterisk && !(r.privateHandle && platform.mapMode == MapMode::Map2010)) {
            out.push_back(r.name);
        }
    }
    return out;
}

namespace detail {

std::string showKindName(std::string_view kind)
{
    return kind.empty() ? std::string("(none)") : "'" + std::string(kind) + "'";
}

std::string joinRegionNames(const std::vector<std::string>& names)
{
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += (i ? ", " : "") + names[i];
    }
    return out;
}

void offerRegion(const Platform& platform, std::string_view device, const std::string& name, MapResolution& res)
{
    const Region* region = platform.findRegion(name);
    if (!region) {
        res.trail.push_back("region '" + name + "' does not exist: skipped (as __cma_alloc_do does)");
        return;
    }
    if (region->type == RegionType::Carveout) {
        res.trail.push_back("region '" + name + "' is a carve-out, not allocatable: skipped");
        return;
    }
    if (region->privateHandle && platform.mapMode == MapMode::Map2010) {
        // cma_region_register() keeps unnamed regions at the end of its list and __cma_region_find() stops at
        // the first of them (docs/cma2010.md#private-regions).
        res.trail.push_back("region '" + name
            + "': private region: registered without a name, reachable only with cma_alloc_from_region(): skipped");
        return;
    }
    if (!region->missingAllocator.empty()) {
        res.trail.push_back("region '" + name + "' has no allocator (it asked for '" + region->missingAllocator
            + "', which does not exist): skipped, as __cma_alloc_do() skips a region without one");
        return;
    }
    if (!region->privateTo.empty() && region->privateTo != device) {
        res.trail.push_back("region '" + name + "' is private to '" + region->privateTo + "': skipped for '"
            + std::string(device) + "'");
        return;
    }
    if (std::find(res.regions.begin(), res.regions.end(), name) != res.regions.end()) {
        res.trail.push_back("region '" + name + "' already listed: tried once");
        return;
    }
    res.regions.push_back(name);
    // A multi-range area placed in several ranges: __cma_alloc() tries them in the area's order, moving on
    // only when one has no room (docs/kernel-cma.md#multi-range-areas-in-plans).
    std::size_t later = 0;
    for (const Region& r : platform.regions) {
        if (r.rangeOf == name && std::find(res.regions.begin(), res.regions.end(), r.name) == res.regions.end()) {
            res.regions.push_back(r.name);
            ++later;
        }
    }
    if (later)
        res.trail.push_back("area '" + name + "' was placed in " + std::to_string(later + 1)
            + " ranges: each is tried in the area's order, an allocation never spans two");
}

} // namespace detail

namespace {

using detail::joinRegionNames;
using detail::offerRegion;

void resolve2010(const Platform& platform, std::string_view device, std::string_view kind, const MapOptions& options,
    MapResolution& res)
{
    if (device.empty()) {
        res.summary = "device has no name: __cma_where_from returns -EINVAL";
        return;
    }
    if (options.dialect == MapDialect::V3) {
        detail::resolve2010V3(platform, device, kind, res);
        return;
    }
    MapMatch m = matchMap(platform.rules, device, kind, options.dialect);
    res.trail = std::move(m.trail);
    std::vector<std::string> raw;
    if (m.ruleIndex) {
        const MapRule& rule = platform.rules[*m.ruleIndex];
        res.ruleIndex = m.ruleIndex;
        res.patternIndex = m.patternIndex;
        res.ruleText = formatRule(rule);
        res.patternText = rule.patterns[*m.patternIndex];
        raw = rule.regions;
    } else if (options.asteriskRule) {
        res.asteriskFallback = true;
        res.trail.push_back("no rule matched: the asterisk rule (implicit '*/*=*') applies");
        raw = { "*" };
    } else {
        res.summary = "no rule matches device '" + std::string(device) + "' kind " + showKind(kind)
            + ": cma_alloc fails with -ENOENT"
            + (hasTypeSemantics(options.dialect) ? " (" + std::string(mapDialectId(options.dialect))
                        + " has no asterisk regions: a last rule '*=...' gives a fallback)"
                                                 : std::string());
        return;
    }
    for (const std::string& name : raw) {
        if (name == "*" && options.asteriskRule) {
            const std::vector<std::string> stars = asteriskRegions(platform);
            res.trail.push_back(stars.empty() ? std::string("'*' expands to no region: no asterisk regions declared")
                                              : "'*' expands to the asterisk regions: " + joinRegionNames(stars));
            for (const std::string& star : stars) {
                offerRegion(platform, device, star, res);
            }
        } else {
            offerRegion(platform, device, name, res);
        }
    }
    const std::string who = "device '" + std::string(device) + "' kind " + showKind(kind);
    if (res.regions.empty()) {
        res.summary = who + ": no usable region; cma_alloc fails with -ENOMEM";
    } else if (res.asteriskFallback) {
        res.summary = who + ": no rule matched, asterisk regions " + joinRegionNames(res.regions);
    } else {
        res.summary = who + ": rule #" + std::to_string(*res.ruleIndex + 1) + " '" + res.ruleText + "' (pattern '"
            + res.patternText + "') -> " + joinRegionNames(res.regions);
    }
}

/// v3/v4 __cma_region_find() leaves its cursor on the ',' after a name, so the second region of a rule's list is
/// never reached: the next lookup finds an empty name and __cma_alloc() loops (docs/cma2010.md#v3-as-its-code-behaved).
/// v6 fixed it. cmascope tries the whole list; the trail says what the posted code did.
void noteStalledList(const Platform& platform, MapDialect dialect, MapResolution& res)
{
    if ((dialect != MapDialect::V3 && dialect != MapDialect::V4) || !res.ruleIndex || res.regions.size() < 2
        || res.asteriskFallback)
        return;
    const MapRule& rule = platform.rules[*res.ruleIndex];
    if (!rule.regions.empty() && rule.regions.front() == "*")
        return; // v3: the asterisk regions are walked from the region list, not from the rule's text
    res.trail.push_back(std::string(mapDialectId(dialect)) + " code: if '" + res.regions.front()
        + "' cannot serve the request, __cma_region_find() is left on the ',' after it, looks up an empty name and "
          "__cma_alloc() loops forever with cma_mutex held, never reaching '"
        + res.regions[1] + "'; cmascope goes on down the list as the documentation describes (v6 fixed the walk)");
}

void resolveModern(const Platform& platform, std::string_view device, std::uint64_t sizeBytes, MapResolution& res)
{
    const Device* dev = platform.findDevice(device);
    int node = 0;
    unsigned dmaBits = 64;
    if (!dev) {
        res.trail.push_back(
            "device '" + std::string(device) + "' is not declared: no memory-region, NUMA node 0, 64-bit DMA assumed");
    } else {
        node = dev->numaNode;
        dmaBits = dev->dmaBits;
    }

    if (dev && !dev->memoryRegions.empty()) {
        const std::string& name = dev->memoryRegions.front();
        const Region* region = platform.findRegion(name);
        if (!region) {
            res.trail.push_back("memory-region[0] '" + name
                + "' does not exist: of_reserved_mem_device_init fails, dev->cma_area stays NULL");
        } else if (region->type == RegionType::Carveout) {
            res.trail.push_back(
                "memory-region[0] '" + name + "' is a carve-out (no-map), not a CMA area: dev->cma_area stays NULL");
        } else {
            res.trail.push_back("dev->cma_area = memory-region[0] '" + name + "': used alone, no fallback");
            offerRegion(platform, device, name, res);
            res.summary = res.regions.empty()
                ? "device area '" + name + "' cannot be used by '" + std::string(device) + "' and there is no fallback"
                : "device area '" + name + "' (memory-region[0]), no fallback";
            return;
        }
    }

    if (sizeBytes <= platform.pageSize) {
        res.trail.push_back("size " + std::to_string(sizeBytes) + " <= PAGE_SIZE " + std::to_string(platform.pageSize)
            + ": single pages never come from CMA");
        res.summary = "single pages never come from CMA (size <= PAGE_SIZE): the page allocator serves it";
        return;
    }

    if (dmaBits <= 32) {
        res.trail.push_back(
            "device limited to " + std::to_string(dmaBits) + "-bit DMA (GFP_DMA/GFP_DMA32): per-NUMA areas skipped");
    } else {
        bool any = false;
        for (const Region& r : platform.regions) {
            if (r.numaNode == node && r.name.starts_with("hugetlb") && r.rangeOf.empty()) {
                // hugetlb_cma= areas serve gigantic huge pages only (mm/hugetlb_cma.c): the DMA API never asks them.
                res.trail.push_back("hugetlb area '" + r.name + "' of node " + std::to_string(node)
                    + ": gigantic huge pages only, not the DMA API's");
                continue;
            }
            if (r.numaNode >= 0 && r.numaNode == node && !r.isDefault && r.rangeOf.empty()) {
                res.trail.push_back("per-NUMA area '" + r.name + "' of node " + std::to_string(node));
                offerRegion(platform, device, r.name, res);
                any = true;
            }
        }
        if (!any) {
            res.trail.push_back("no per-NUMA area on node " + std::to_string(node));
        }
    }

    const auto def =
        std::find_if(platform.regions.begin(), platform.regions.end(), [](const Region& r) { return r.isDefault; });
    if (def == platform.regions.end()) {
        res.trail.push_back("no default area (dma_contiguous_default_area is NULL)");
    } else {
        res.trail.push_back("default area '" + def->name + "'");
        offerRegion(platform, device, def->name, res);
    }
    res.summary = res.regions.empty() ? std::string("no CMA area available: the page allocator serves it")
                                      : "CMA areas " + joinRegionNames(res.regions);
}

} // namespace

MapResolution resolveRegions(
    const Platform& platform, std::string_view device, std::string_view kind, std::uint64_t sizeBytes)
{
    return resolveRegions(platform, device, kind, sizeBytes, MapOptions::of(platform));
}

std::vector<DeviceRegionUse> regionsOfDevice(const Platform& platform, std::size_t deviceIndex)
{
    return regionsOfDevice(platform, deviceIndex, MapOptions::of(platform));
}

MapResolution resolveRegions(const Platform& platform, std::string_view device, std::string_view kind,
    std::uint64_t sizeBytes, const MapOptions& options)
{
    MapResolution res;
    if (platform.mapMode == MapMode::Modern) {
        resolveModern(platform, device, sizeBytes, res);
    } else if (platform.mapMode == MapMode::Verkuil) {
        resolveVerkuil(platform, device, kind, res); // docs/cma2010.md#hans-verkuils-memory-types
    } else {
        resolve2010(platform, device, kind, options, res);
        noteStalledList(platform, options.dialect, res);
    }
    return res;
}

std::vector<DeviceRegionUse> regionsOfDevice(
    const Platform& platform, std::size_t deviceIndex, const MapOptions& options)
{
    std::vector<DeviceRegionUse> uses;
    if (deviceIndex >= platform.devices.size())
        return uses;
    const Device& d = platform.devices[deviceIndex];
    for (std::size_t j = 0; j < d.memoryRegions.size(); ++j) {
        DeviceRegionUse u;
        u.region = d.memoryRegions[j];
        u.memoryRegionIndex = j;
        uses.push_back(std::move(u));
    }
    std::vector<std::string> kinds { std::string() };
    for (const Kind& k : platform.kinds)
        kinds.push_back(k.name);
    if (platform.mapMode == MapMode::Verkuil) // the memory types are the kinds (docs/cma2010.md)
        for (const Region& r : platform.regions)
            if (!r.memoryType.empty() && std::find(kinds.begin(), kinds.end(), r.memoryType) == kinds.end())
                kinds.push_back(r.memoryType);
    for (const std::string& kind : kinds) {
        const MapResolution res =
            resolveRegions(platform, d.name, kind, 2 * std::uint64_t { platform.pageSize }, options);
        for (const std::string& name : res.regions) {
            DeviceRegionUse u;
            u.region = name;
            u.kind = kind;
            if (platform.mapMode == MapMode::Map2010 && res.ruleIndex) {
                u.ruleIndex = res.ruleIndex;
                u.ruleText = res.ruleText;
            }
            uses.push_back(std::move(u));
        }
    }
    return uses;
}

} // namespace cmascope
