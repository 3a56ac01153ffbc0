// SPDX-License-Identifier: GPL-2.0-or-later
// Hans Verkuil's memory types as a 2010 map (docs/cma2010.md#hans-verkuils-memory-types): the translation
// that lets both proposals run on the same workload.
#include <cmascope/config/configio.h>

namespace cmascope {

Platform toMap2010(const Platform& verkuil, std::optional<MapDialect> dialect)
{
    Platform pf = verkuil;
    if (verkuil.mapMode != MapMode::Verkuil)
        return pf;
    pf.mapMode = MapMode::Map2010;
    pf.mapDialect = dialect;
    pf.rules.clear();
    std::vector<MapRule> general;
    for (Region& r : pf.regions) {
        if (r.type != RegionType::Cma || r.memoryType.empty())
            continue;
        MapRule rule;
        rule.regions = { r.name };
        if (r.drivers.empty()) {
            rule.patterns = { "*/" + r.memoryType };
            general.push_back(std::move(rule));
        } else {
            for (const auto& d : r.drivers)
                rule.patterns.push_back(d + "/" + r.memoryType);
            pf.rules.push_back(std::move(rule)); // a driver's own region before the general one
        }
        r.memoryType.clear();
        r.drivers.clear();
    }
    pf.rules.insert(pf.rules.end(), general.begin(), general.end());
    return pf;
}

} // namespace cmascope
