// SPDX-License-Identifier: GPL-2.0-or-later
// What the memory map shows: banks, regions, chunks, pinned pages and the ghost of a failed request,
// in physical addresses. A plain value built from the core's platform and simulation state.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/sim/simulator.h>

#include <QString>
#include <QVector>

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>

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
    std::uint64_t pageSize = 4096;
    int bank = -1; ///< index into MapContent::banks, -1 = outside every bank
    bool carveout = false;
    QString policy;
    unsigned orderPerBit = 0; ///< kernel policy: one bitmap bit holds 2^orderPerBit pages
    int firstChunk = 0; ///< this region's chunks are chunks[firstChunk, firstChunk + chunkCount), by address
    int chunkCount = 0;
    /// A later range of a multi-range area (docs/kernel-cma.md): the content index of the area's region, whose
    /// track it follows on the per-area axis; -1 = not a range.
    int rangeOf = -1;
};

/// An allocated chunk. Deliberately small (no strings): a map may hold 100 000 of them.
struct MapChunk
{
    std::uint64_t base = 0;
    std::uint64_t size = 0; ///< what the policy holds (the bitmap's whole bits at order_per_bit > 0)
    int region = -1;
    int owner = 0; ///< device index into MapContent::owners
    int kind = 0; ///< kind index into MapContent::kinds
    quint32 id = 0xFFFFFFFF; ///< the simulator's chunk id
    std::uint64_t requested = 0; ///< what was asked for, <= size (0 = all of size); the rest is drawn hatched
};

/// One window a trace's request found busy (cma_alloc_busy_retry): [base, base + size) could not be
/// migrated at that moment (docs/map-traces.md).
struct MapBusyWindow
{
    std::uint64_t base = 0;
    std::uint64_t size = 0;
    int region = -1;
    std::uint32_t line = 0; ///< trace line of the cma_alloc_busy_retry event
    std::uint64_t timestampNs = 0;
};

/// A physical range inside a region (pinned pages, the ghost, the largest hole).
struct MapRange
{
    std::uint64_t base = 0;
    std::uint64_t size = 0;
    int region = -1;
};

struct MapContent
{
    QVector<MapBank> banks;
    QVector<MapRegion> regions;
    QVector<MapChunk> chunks;
    QVector<QString> owners; ///< device names, for the legend and tooltips
    QVector<QString> kinds; ///< kind names ("" = no kind)
    QVector<QString> unplaced; ///< regions that have no address (size 0, or placement failed)
    QVector<MapRange> pinned;
    /// The busy windows of the trace request at the shown step (addBusyWindows(), views/map/mapbusy.h).
    QVector<MapBusyWindow> busy;
    /// The request that just failed, drawn where it would have needed to go (at the largest hole).
    std::optional<MapRange> ghost;
    std::optional<MapRange> largestHole;
    /// Where a student predicted a request will land (predict, then reveal: docs/teaching.md#predict-then-reveal),
    /// drawn as a marker over one page.
    std::optional<MapRange> pick;
    QString ghostText;
    std::uint64_t pageSize = 4096; ///< the platform's page size (PFNs on the ruler)
    /// Tooltip text for a chunk id (device, kind, label, size, step allocated). May be empty.
    std::function<QString(quint32)> describeChunk;

    /// Lowest bank base and highest bank end (or region extent if there are no banks).
    std::uint64_t lowestAddress() const;
    std::uint64_t highestAddress() const;
    /// The view [begin, end) showing the hull of all regions with a margin of a twentieth of it on
    /// each side (the map's initial view), or nullopt when there is no region with a size.
    std::optional<std::pair<std::uint64_t, std::uint64_t>> regionsView() const;
    /// Chunk @p index holds more pages than were asked for (bitmap bits, buddy orders): "requested N pages,
    /// bitmap holds M pages (order_per_bit K)"; empty when it holds exactly what was asked for.
    QString heldText(int index) const;
    /// True when some chunk holds more than was asked for (the legend explains the hatching then).
    bool hasHeldPages() const;

    /// Builds the content of a platform whose regions have been placed (Region::placedBase), or are
    /// fixed. Regions without an address are listed in `unplaced`.
    static MapContent fromPlatform(const Platform& platform);

    /// The platform of @p sim plus what is live in @p state. The ghost shows when the step just executed
    /// (state.position - 1) is a failed request. @p sim must outlive the content (describeChunk uses it).
    /// Owners and kinds are numbered by first appearance in the scenario (platform devices and kinds first),
    /// so an owner keeps its index, and its colour, at every step of a run.
    static MapContent fromSimulation(const Simulation& sim, const SimState& state);
};

} // namespace cmascope::views
