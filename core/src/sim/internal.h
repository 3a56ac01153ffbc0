// SPDX-License-Identifier: GPL-2.0-or-later
// The simulator's private parts, shared by simulator.cpp (run, jumps, summary), stepexecutor.cpp (one step)
// and diagnose.cpp (explaining a request). Not installed.
#pragma once

#include <cmascope/sim/simulator.h>

#include <bit>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace cmascope::siminternal {

inline constexpr std::uint32_t kNever = UINT32_MAX;

/// get_order(): the smallest order whose block holds @p pages pages.
inline unsigned orderFor(std::uint64_t pages)
{
    return pages <= 1 ? 0u : static_cast<unsigned>(std::bit_width(pages - 1));
}

/// Pinned pages of one region as a BusyOracle: a window is busy if it overlaps a pinned range.
class PinnedOracle final : public BusyOracle
{
public:
    explicit PinnedOracle(const std::map<std::uint64_t, std::uint64_t>& pinned)
        : m_pinned(pinned)
    { }
    bool isBusy(std::uint64_t offset, std::uint64_t pages) const override
    {
        auto it = m_pinned.lower_bound(offset + pages);
        if (it == m_pinned.begin())
            return false;
        --it; // the last pinned range starting before the window's end
        return it->first + it->second > offset;
    }

private:
    const std::map<std::uint64_t, std::uint64_t>& m_pinned;
};

/// What decides a request's candidate regions: who asks, and (modern map) whether it fits in a page.
struct ResolveKey
{
    std::uint32_t device;
    std::uint32_t kind;
    bool small;
    bool operator==(const ResolveKey&) const = default;
};
struct ResolveKeyHash
{
    std::size_t operator()(const ResolveKey& k) const noexcept
    {
        return std::hash<std::uint64_t>()((std::uint64_t(k.device) << 33) ^ (std::uint64_t(k.kind) << 1) ^ k.small);
    }
};
using ResolveCache = std::unordered_map<ResolveKey, std::vector<std::uint16_t>, ResolveKeyHash>;

/// A policy's refusal of @p pages at @p alignOrder in @p region, made true: when the region could not hold such
/// a window even empty (FreeExtents::admitsAligned(); the kernel bitmap in whole 2^order_per_bit bits), the cause
/// is Refusal::Alignment, whatever the occupancy says.
Refusal trueRefusal(
    Refusal refusal, const Region& region, const FreeExtents& occupancy, std::uint64_t pages, unsigned alignOrder);

/// The checks the 2010 cma_alloc_from_region() makes before the region's allocator runs, for AllocateFromRegion
/// step @p s on its region @p rt: NoSuchCall (v1, modern), ZeroSize and InvalidArgument (-EINVAL: size 0, an
/// alignment that is not a power of two, a region never registered), NotReserved (-EINVAL), NotEnoughFree
/// (-ENOMEM: reg->free_space < size); None when the allocator is to be asked (docs/cma2010.md#private-regions).
Refusal fromRegionRefusal(const Platform& platform, const Step& s, const SimState::RegionRuntime& rt);

/// The sentence for @p refusal of AllocateFromRegion step @p s, "cma_alloc_from_region(): ..." with the reason and
/// the kernel's error code; any refusal fromRegionRefusal() does not give reads as the allocator's failure.
std::string fromRegionText(
    const Platform& platform, const Step& s, const Region& region, const SimState::RegionRuntime& rt, Refusal refusal);

} // namespace cmascope::siminternal

namespace cmascope {

/// Everything a Simulation holds. Only run() (through record()) writes it; every const member reads it
/// and writes nothing but the SimState it was handed, so const members may run on many threads at once.
struct Simulation::Impl
{
    class StepExecutor;

    Platform platform;
    Scenario scenario;
    SimulationOptions options;
    std::vector<StepRecord> records;
    std::vector<ChunkInfo> chunks;
    std::vector<SimState> checkpoints; // checkpoints[0] is the initial state
    SimState initial;
    SimState current;
    /// Candidate regions per request key, filled by record() for every request it executes; const paths
    /// look up only (see candidates()).
    siminternal::ResolveCache resolveCache;
    std::uint32_t interval = 1024;

    SimState makeInitial() const;
    void resetRegion(SimState::RegionRuntime& rt) const;
    /// The regions @p s tries, in order: the cached list, or (a key record() never saw) the list resolved
    /// into @p scratch. Never writes the cache.
    const std::vector<std::uint16_t>& candidates(const Step& s, std::vector<std::uint16_t>& scratch) const;
    unsigned alignOrderFor(const Step& s, const SimState::RegionRuntime& rt, std::uint64_t pages) const;
    /// siminternal::trueRefusal() for region @p ri.
    Refusal trueRefusal(Refusal refusal, std::uint16_t ri, const SimState::RegionRuntime& rt, std::uint64_t pages,
        unsigned alignOrder) const
    {
        return siminternal::trueRefusal(refusal, platform.regions[ri], rt.occupancy, pages, alignOrder);
    }
    std::uint64_t chunkBytes(const ChunkInfo& c) const;
    /// The pages a Place of @p pages at @p offset holds in region @p ri: the kernel bitmap's whole bits at
    /// order_per_bit > 0 (mm/cma.c, docs/map-traces.md), else @p pages. Never beyond the region's end.
    std::uint64_t heldPages(
        std::uint16_t ri, const SimState::RegionRuntime& rt, std::uint64_t offset, std::uint64_t pages) const;
    /// Executes the step at @p st's position on @p st, appending to the chunk table and filling @p rec.
    void record(SimState& st, StepRecord& rec);
    /// Executes the step at @p st's position on @p st again: the same chunk ids, nothing recorded.
    void replay(SimState& st) const;
    void fillMetrics(const SimState& st, StepRecord& rec) const;

private:
    siminternal::ResolveKey keyFor(const Step& s) const;
    std::vector<std::uint16_t> resolveCandidates(const Step& s) const;
};

} // namespace cmascope
