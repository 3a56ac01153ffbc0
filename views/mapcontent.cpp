// SPDX-License-Identifier: GPL-2.0-or-later
#include "mapcontent.h"

#include <QHash>

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

MapContent MapContent::fromSimulation(const Simulation& sim, const SimState& state)
{
    const Platform& pf = sim.platform();
    MapContent c = fromPlatform(pf);
    // Map platform region index -> content region index (unplaced regions are not in the content).
    QVector<int> regionIndex(int(pf.regions.size()), -1);
    for (int i = 0, ci = 0; i < int(pf.regions.size()); ++i) {
        if (ci < c.regions.size() && c.regions[ci].name == QString::fromStdString(pf.regions[std::size_t(i)].name))
            regionIndex[i] = ci++;
    }
    const Scenario& sc = sim.scenario();
    QHash<std::uint32_t, int> ownerOfDevice;
    for (const auto& d : pf.devices) {
        const std::uint32_t sym = sc.symbols.find(d.name);
        ownerOfDevice.insert(sym, int(c.owners.size()));
        c.owners.push_back(QString::fromStdString(d.name));
    }
    for (const auto& rt : state.regions) {
        const int ci = regionIndex.value(rt.index, -1);
        if (ci < 0)
            continue;
        for (const auto& [offset, id] : rt.live) {
            const ChunkInfo& chunk = sim.chunks()[id];
            const Step& origin = sc.steps[chunk.originStep];
            auto it = ownerOfDevice.find(origin.device);
            if (it == ownerOfDevice.end()) {
                it = ownerOfDevice.insert(origin.device, int(c.owners.size()));
                c.owners.push_back(QString::fromUtf8(
                    sc.symbols.name(origin.device).data(), qsizetype(sc.symbols.name(origin.device).size())));
            }
            MapChunk mc;
            mc.base = (rt.basePfn + offset) * rt.pageSize;
            mc.size = std::uint64_t(chunk.pages) * rt.pageSize;
            mc.region = ci;
            mc.owner = *it;
            const auto label = sc.symbols.name(origin.label);
            mc.label = QString::fromUtf8(label.data(), qsizetype(label.size()));
            mc.id = id;
            c.chunks.push_back(mc);
        }
    }
    return c;
}

} // namespace cmascope::views
