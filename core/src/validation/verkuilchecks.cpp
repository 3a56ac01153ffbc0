// SPDX-License-Identifier: GPL-2.0-or-later
// Checks of size-0 regions and of Hans Verkuil's memory types (docs/cma2010.md#size-0-regions,
// docs/cma2010.md#hans-verkuils-memory-types).
#include "internal.h"

#include <cmascope/model/verkuilmap.h>

#include <map>
#include <set>

namespace cmascope::validationchecks {

void checkSizeZero2010(const Ctx& c, Out& out)
{
    if (c.p.mapMode != MapMode::Map2010)
        return;
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (r.size != 0 || r.type != RegionType::Cma)
            continue;
        if (c.o.dialect || c.p.mapDialect) { // a dialect the check is asked to read with counts as the project's
            add(out, Severity::Warning, idx("regions", i) + ".size", r.name,
                "region " + quote(r.name)
                    + " has size 0: every 2010 version refuses it (cma_region_register() returns -EINVAL for "
                      "!reg->size), so requests go on to the next region; a fallback to the system allocator is "
                      "Hans Verkuil's proposal (map_mode \"verkuil\", type dma or common)");
        } else {
            add(out, Severity::Info, idx("regions", i) + ".size", r.name,
                "region " + quote(r.name)
                    + " has size 0 and falls back to the system allocator: cmascope's historical rule, which is "
                      "Hans Verkuil's proposal (map_mode \"verkuil\"), not any CMA version's; with a map_dialect "
                      "the region does not exist, as cma_region_register() refused it");
        }
    }
}

namespace {

/// Regions of @p c's Verkuil platform that no request can reach: no type, a second general region of a type,
/// a driver listed twice for one type.
void checkVerkuilReach(const Ctx& c, Out& out)
{
    std::map<std::string, std::string> generalOf; // type -> its first general region
    std::map<std::string, std::set<std::string>> driversOf; // type -> drivers with a region of that type
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (r.type != RegionType::Cma)
            continue;
        if (r.memoryType.empty()) {
            add(out, Severity::Warning, idx("regions", i) + ".memoryType", r.name,
                "region " + quote(r.name) + " has no memory type: no request reaches it");
            continue;
        }
        if (r.drivers.empty()) {
            const auto [it, fresh] = generalOf.emplace(r.memoryType, r.name);
            if (!fresh)
                add(out, Severity::Warning, idx("regions", i) + ".drivers", r.name,
                    "region " + quote(r.name) + " is a second general region of type " + quote(r.memoryType) + " after "
                        + quote(it->second) + ": never chosen");
        }
        for (const std::string& d : r.drivers)
            if (!driversOf[r.memoryType].insert(d).second)
                add(out, Severity::Warning, idx("regions", i) + ".drivers", r.name,
                    quote(d) + " already has a region of type " + quote(r.memoryType) + ": " + quote(r.name)
                        + " is never chosen for it");
        if (r.size == 0 && !verkuilStandardType(r.memoryType))
            add(out, Severity::Warning, idx("regions", i) + ".size", r.name,
                "region " + quote(r.name) + " of type " + quote(r.memoryType)
                    + " has size 0: only dma and common fall back to the system allocator (kmalloc cannot pick a "
                      "bank), so its requests fail");
    }
}

} // namespace

void checkVerkuilTypes(const Ctx& c, Out& out)
{
    if (c.p.mapMode == MapMode::Verkuil) {
        checkVerkuilReach(c, out);
        if (!c.p.rules.empty())
            add(out, Severity::Info, "rules", "",
                "map_mode \"verkuil\" does not use the map rules: a request finds its region by memory type");
        return;
    }
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (!r.memoryType.empty() || !r.drivers.empty())
            add(out, Severity::Info, idx("regions", i) + ".memoryType", r.name,
                "region " + quote(r.name) + " has a memory type or drivers, which only map_mode \"verkuil\" reads");
    }
}

} // namespace cmascope::validationchecks
