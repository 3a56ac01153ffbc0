// SPDX-License-Identifier: GPL-2.0-or-later
// Validation checks of default areas and of the regions devices are given (ownership, DMA limits).
#include "internal.h"

#include <cmascope/model/maplang.h>

#include <algorithm>
#include <set>

namespace cmascope::validationchecks {

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
        if (!r.privateTo.empty() && !c.p.findDevice(r.privateTo) && r.privateHandle) {
            add(out, Severity::Warning, idx("regions", i) + ".privateTo", r.name,
                "region " + quote(r.name) + " is registered by driver " + quote(r.privateTo)
                    + ", which is not a declared device");
        } else if (!r.privateTo.empty() && !c.p.findDevice(r.privateTo)) {
            add(out, Severity::Error, idx("regions", i) + ".privateTo", r.name,
                "region " + quote(r.name) + " is private to " + quote(r.privateTo)
                    + ", which is not a declared device; nobody can use it");
        }
    }
}

void checkPrivateHandle(const Ctx& c, Out& out)
{
    // docs/cma2010.md#private-regions: unnamed regions registered by their driver, v2 on.
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (!r.privateHandle) {
            continue;
        }
        const std::string path = idx("regions", i) + ".privateHandle";
        if (c.p.mapMode == MapMode::Modern) {
            add(out, Severity::Warning, path, r.name,
                "region " + quote(r.name)
                    + " is marked a 2010 private region, which a modern platform does not have: the mark is ignored");
        } else if ((c.o.dialect ? c.o.dialect : c.p.mapDialect) == MapDialect::V1) {
            add(out, Severity::Warning, path, r.name,
                "region " + quote(r.name)
                    + " is a 2010 private region, which v1 did not have (private regions and cma_alloc_from_region() "
                      "came with v2): requests by its handle are refused");
        }
        if (r.type == RegionType::Carveout) {
            add(out, Severity::Warning, path, r.name,
                "region " + quote(r.name) + " is a carve-out: its driver cannot register it as a CMA private region");
        }
        if (r.asterisk && c.p.mapMode == MapMode::Map2010) {
            add(out, Severity::Info, idx("regions", i) + ".asterisk", r.name,
                "region " + quote(r.name)
                    + " is a 2010 private region: it is never an asterisk region, the asterisk mark is ignored");
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

namespace {

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
} // namespace

void checkDmaLimit(const Ctx& c, Out& out)
{
    const MapOptions& mo = c.map;
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
        for (const DeviceRegionUse& u : regionsOfDevice(c.p, di, mo)) {
            Binding b { u.region, idx("devices", di) + ".dmaBits", {} };
            if (u.memoryRegionIndex) {
                b.path = idx("devices", di) + "." + idx("memoryRegions", *u.memoryRegionIndex);
                b.how = "memory-region " + std::to_string(*u.memoryRegionIndex);
            } else if (u.ruleIndex) {
                b.path = idx("rules", *u.ruleIndex);
                b.how = "map rule #" + std::to_string(*u.ruleIndex + 1) + " '" + u.ruleText + "'";
            } else {
                b.how = c.p.mapMode == MapMode::Map2010 ? "the asterisk rule"
                    : c.p.mapMode == MapMode::Verkuil   ? "its memory type"
                                                        : "dma_alloc_contiguous";
            }
            if (!u.kind.empty())
                b.how += " (kind " + quote(u.kind) + ")";
            bindings.push_back(std::move(b));
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

} // namespace cmascope::validationchecks
