// SPDX-License-Identifier: GPL-2.0-or-later
// What the memory map shows: banks, regions and chunks, in physical addresses.
// A plain value built from the core's platform and simulation state.
#pragma once

#include <cmascope/platform.h>
#include <cmascope/simulator.h>

#include <QString>
#include <QVector>

#include <cstdint>

namespace cmascope::views {

struct MapBank
{
    QString name;
    std::uint64_t base = 0;
    std::uint64_t size = 0;
};

struct MapRegion
{
    QString name;
    std::uint64_t base = 0;
    std::uint64_t size = 0;
    int bank = -1; ///< index into MapContent::banks, -1 = outside every bank
    bool carveout = false;
    QString policy;
};

struct MapChunk
{
    std::uint64_t base = 0;
    std::uint64_t size = 0;
    int region = -1;
    int owner = 0; ///< colour key: device (or kind) index
    QString label;
    quint32 id = 0xFFFFFFFF; ///< the simulator's chunk id
};

struct MapContent
{
    QVector<MapBank> banks;
    QVector<MapRegion> regions;
    QVector<MapChunk> chunks;
    QVector<QString> owners; ///< names for MapChunk::owner, for the legend and tooltips
    QVector<QString> unplaced; ///< regions that have no address (size 0, or placement failed)

    /// Lowest bank base and highest bank end (or region extent if there are no banks).
    std::uint64_t lowestAddress() const;
    std::uint64_t highestAddress() const;

    /// Builds the content of a platform whose regions have been placed (Region::placedBase), or
    /// are fixed. Regions without an address are listed in `unplaced`.
    static MapContent fromPlatform(const Platform& platform);

    /// The platform of @p sim plus the chunks live in @p state, coloured by device.
    static MapContent fromSimulation(const Simulation& sim, const SimState& state);
};

} // namespace cmascope::views
