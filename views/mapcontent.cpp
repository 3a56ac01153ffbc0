// SPDX-License-Identifier: GPL-2.0-or-later
#include "mapcontent.h"

#include <algorithm>
#include <limits>

namespace cmascope::views {

std::uint64_t MapContent::lowestAddress() const
{
    std::uint64_t lo = std::numeric_limits<std::uint64_t>::max();
    for (const auto& b : banks)
        lo = std::min(lo, b.base);
    if (banks.isEmpty())
        for (const auto& r : regions)
            lo = std::min(lo, r.base);
    return lo == std::numeric_limits<std::uint64_t>::max() ? 0 : lo;
}

std::uint64_t MapContent::highestAddress() const
{
    std::uint64_t hi = 0;
    for (const auto& b : banks)
        hi = std::max(hi, b.base + b.size);
    if (banks.isEmpty())
        for (const auto& r : regions)
            hi = std::max(hi, r.base + r.size);
    return hi;
}

MapContent MapContent::fromPlatform(const Platform& platform)
{
    MapContent c;
    for (const auto& b : platform.banks)
        c.banks.push_back({ QString::fromStdString(b.name), b.base, b.size });
    for (const auto& r : platform.regions) {
        std::uint64_t base = 0;
        if (r.placedBase)
            base = *r.placedBase;
        else if (r.placement == Placement::Fixed && r.size)
            base = r.start;
        else {
            c.unplaced.push_back(QString::fromStdString(r.name));
            continue;
        }
        MapRegion mr;
        mr.name = QString::fromStdString(r.name);
        mr.base = base;
        mr.size = r.size;
        mr.carveout = r.type == RegionType::Carveout;
        mr.policy = QString::fromUtf8(policyId(r.policy).data(), qsizetype(policyId(r.policy).size()));
        for (int i = 0; i < c.banks.size(); ++i) {
            const auto& b = c.banks[i];
            if (base >= b.base && base - b.base < b.size) {
                mr.bank = i;
                break;
            }
        }
        c.regions.push_back(mr);
    }
    return c;
}

} // namespace cmascope::views
