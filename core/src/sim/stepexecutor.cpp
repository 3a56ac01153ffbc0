// SPDX-License-Identifier: GPL-2.0-or-later
// One step of a simulation: what each step type does to the state. Recording (run()) appends chunks to the
// table; replay (stateAt(), advance(), summary()) reads the table and writes only the state it was handed.
#include "internal.h"

#include <cmascope/util/units.h>

#include <algorithm>
#include <stdexcept>

namespace cmascope {

using siminternal::kNever;
using siminternal::PinnedOracle;

namespace {

void addPinned(std::map<std::uint64_t, std::uint64_t>& pinned, std::uint64_t offset, std::uint64_t pages)
{
    std::uint64_t start = offset;
    std::uint64_t end = offset + pages;
    auto it = pinned.upper_bound(start);
    if (it != pinned.begin() && std::prev(it)->first + std::prev(it)->second >= start)
        --it;
    while (it != pinned.end() && it->first <= end) {
        start = std::min(start, it->first);
        end = std::max(end, it->first + it->second);
        it = pinned.erase(it);
    }
    pinned.emplace(start, end - start);
}

void removePinned(std::map<std::uint64_t, std::uint64_t>& pinned, std::uint64_t offset, std::uint64_t pages)
{
    const std::uint64_t end = offset + pages;
    auto it = pinned.upper_bound(offset);
    if (it != pinned.begin())
        --it;
    while (it != pinned.end() && it->first < end) {
        const std::uint64_t s = it->first;
        const std::uint64_t e = s + it->second;
        if (e <= offset) {
            ++it;
            continue;
        }
        it = pinned.erase(it);
        if (s < offset)
            pinned.emplace(s, offset - s);
        if (e > end)
            it = pinned.emplace(end, e - end).first;
    }
}

} // namespace

/// Executes the step at the state's position. @p recorded is the chunk table to append to (recording) or
/// null (replay: the chunk ids handed out match the recorded ones, read from Impl::chunks).
class Simulation::Impl::StepExecutor
{
public:
    StepExecutor(const Impl& model, SimState& state, std::vector<ChunkInfo>* recordTo)
        : m(model)
        , st(state)
        , recorded(recordTo)
        , index(state.position)
        , s(model.scenario.steps[index])
    { }

    StepRecord execute();

private:
    void allocate();
    /// Tries region @p ri for the Allocate step; true once the request is served.
    bool tryAllocate(std::uint16_t ri);
    void allocateFromRegion();
    /// Serves the Allocate step from the system allocator on behalf of region @p ri (a size-0 region or a full
    /// Verkuil pool), up to Region::fallbackMaxContiguous; true once served.
    bool systemAllocate(std::uint16_t ri);
    void place();
    void freeLabel();
    void release();
    void releaseChunk(SimState::RegionRuntime& rt, std::uint32_t id);
    void refused();
    void pinOrUnpin();
    void reset();
    std::uint32_t newChunk(std::uint16_t region, std::uint64_t offset, std::uint64_t pages, std::uint64_t requestPages,
        std::uint32_t origin);
    /// Takes chunk @p id out of its region's live set (the pages themselves are the caller's business).
    void forgetChunk(SimState::RegionRuntime& rt, const ChunkInfo& c, std::uint32_t id);
    void freeChunk(std::uint32_t id);

    const Impl& m;
    SimState& st;
    std::vector<ChunkInfo>* recorded;
    const std::uint32_t index;
    const Step& s;
    StepRecord rec;
};

StepRecord Simulation::Impl::StepExecutor::execute()
{
    switch (s.type) {
    case StepType::Allocate:
        allocate();
        break;
    case StepType::AllocateFromRegion:
        allocateFromRegion();
        break;
    case StepType::Place:
        place();
        break;
    case StepType::Free:
        freeLabel();
        break;
    case StepType::Release:
        release();
        break;
    case StepType::Refused:
        refused();
        break;
    case StepType::Phase:
        rec.outcome = Outcome::Phase;
        break;
    case StepType::Pin:
    case StepType::Unpin:
        pinOrUnpin();
        break;
    case StepType::Reset:
        reset();
        break;
    }
    ++st.position;
    return rec;
}

std::uint32_t Simulation::Impl::StepExecutor::newChunk(
    std::uint16_t region, std::uint64_t offset, std::uint64_t pages, std::uint64_t requestPages, std::uint32_t origin)
{
    const std::uint32_t id = st.chunksCreated++;
    if (recorded) {
        ChunkInfo c;
        c.offset = static_cast<std::uint32_t>(offset);
        c.pages = static_cast<std::uint32_t>(pages);
        c.requestPages = static_cast<std::uint32_t>(requestPages);
        c.originStep = origin;
        c.bornStep = index;
        c.region = region;
        recorded->push_back(c);
    }
    auto& rt = st.regions[region];
    if (pages != 0) // a chunk of the system allocator has no place in the region
        rt.live[offset] = id;
    if (pages != 0 || rt.fallback)
        rt.liveBytes += m.chunkBytes(m.chunks[id]);
    rt.livePages += pages;
    return id;
}

void Simulation::Impl::StepExecutor::forgetChunk(SimState::RegionRuntime& rt, const ChunkInfo& c, std::uint32_t id)
{
    if (c.pages != 0)
        rt.live.erase(c.offset);
    if (c.pages != 0 || rt.fallback)
        rt.liveBytes -= m.chunkBytes(c);
    rt.livePages -= c.pages;
    if (recorded)
        (*recorded)[id].diedStep = index;
}

void Simulation::Impl::StepExecutor::freeChunk(std::uint32_t id)
{
    const ChunkInfo& c = m.chunks[id];
    auto& rt = st.regions[c.region];
    if (c.pages != 0) { // not a chunk of the system allocator
        if (!rt.policy->release(c.offset, c.requestPages))
            throw std::logic_error("policy refused to release a chunk it placed");
        if (!rt.occupancy.give(c.offset, c.pages))
            throw std::logic_error("released pages were not in use");
    }
    forgetChunk(rt, c, id);
}

void Simulation::Impl::StepExecutor::allocate()
{
    rec.outcome = Outcome::Failed;
    std::vector<std::uint16_t> scratch;
    for (const std::uint16_t ri : m.candidates(s, scratch))
        if (tryAllocate(ri))
            break;
    if (rec.outcome != Outcome::Failed && s.label)
        st.liveByLabel[s.label].push_back(rec.chunk);
}

bool Simulation::Impl::StepExecutor::tryAllocate(std::uint16_t ri)
{
    auto& rt = st.regions[ri];
    if (rt.carveout)
        return false;
    rec.region = ri;
    if (rt.unreserved) {
        rec.refusal = Refusal::NotReserved; // the kernel never created it: on to the next region
        return rt.poolFallback && systemAllocate(ri);
    }
    const std::uint64_t pages = pagesFor(s.size, rt.pageSize);
    if (rt.fallback)
        return systemAllocate(ri);
    const PinnedOracle busy(rt.pinned);
    const unsigned alignOrder = m.alignOrderFor(s, rt, pages);
    PolicyResult r = rt.policy->allocate(PolicyRequest { pages, alignOrder }, rt.pinned.empty() ? nullptr : &busy);
    rec.busyRetries += static_cast<std::uint32_t>(r.busyOffsets.size());
    if (!r.ok) {
        rec.refusal = m.trueRefusal(r.refusal, ri, rt, pages, alignOrder);
        return rt.poolFallback && systemAllocate(ri); // Verkuil: "if the dma pool is full ... kmalloc"
    }
    if (!rt.occupancy.take(r.offset, r.reservedPages))
        throw std::logic_error("policy " + std::string(rt.policy->id()) + " placed a chunk over used pages");
    rec.outcome = Outcome::Allocated;
    rec.refusal = Refusal::None;
    rec.offset = static_cast<std::uint32_t>(r.offset);
    rec.pages = static_cast<std::uint32_t>(r.reservedPages);
    rec.chunk = newChunk(ri, r.offset, r.reservedPages, pages, index);
    return true;
}

/// cma_alloc_from_region(): the region named by handle, its own allocator, no map (docs/cma2010.md#private-regions).
void Simulation::Impl::StepExecutor::allocateFromRegion()
{
    rec.outcome = Outcome::Failed;
    rec.region = s.region;
    rec.refusal = siminternal::fromRegionRefusal(m.platform, s, st.regions[s.region]);
    if (rec.refusal == Refusal::None && tryAllocate(s.region) && s.label)
        st.liveByLabel[s.label].push_back(rec.chunk);
}

bool Simulation::Impl::StepExecutor::systemAllocate(std::uint16_t ri)
{
    // The system allocator's largest object (docs/cma2010.md#the-system-allocator-fallback).
    if (s.size > m.platform.regions[ri].fallbackMaxContiguous) {
        rec.refusal = Refusal::TooLarge;
        return false;
    }
    const std::uint64_t pages = pagesFor(s.size, st.regions[ri].pageSize);
    rec.outcome = Outcome::AllocatedFallback;
    rec.region = ri;
    rec.pages = static_cast<std::uint32_t>(pages);
    rec.chunk = newChunk(ri, 0, 0, pages, index);
    rec.refusal = Refusal::None;
    return true;
}

void Simulation::Impl::StepExecutor::place()
{
    rec.region = s.region;
    rec.outcome = Outcome::Failed;
    if (s.region >= st.regions.size())
        return;
    auto& rt = st.regions[s.region];
    // The kernel's bitmap holds whole bits: at order_per_bit > 0 a placement holds its pages rounded up
    // to 2^order_per_bit (docs/map-traces.md), as an Allocate step's chunk does.
    const std::uint64_t held = m.heldPages(s.region, rt, s.offset, s.size);
    if (!rt.allocatable() || !rt.occupancy.isFree(s.offset, held) || !rt.policy->reserve(s.offset, s.size)) {
        rec.refusal = Refusal::Fragmented;
        return;
    }
    rt.occupancy.take(s.offset, held);
    rec.outcome = Outcome::Allocated;
    rec.offset = static_cast<std::uint32_t>(s.offset);
    rec.pages = static_cast<std::uint32_t>(held);
    rec.chunk = newChunk(s.region, s.offset, held, s.size, index);
    if (s.label)
        st.liveByLabel[s.label].push_back(rec.chunk);
}

void Simulation::Impl::StepExecutor::freeLabel()
{
    rec.outcome = Outcome::FreeUnknown;
    auto it = st.liveByLabel.find(s.label);
    if (it == st.liveByLabel.end() || it->second.empty())
        return;
    const std::uint32_t id = it->second.back();
    it->second.pop_back();
    if (it->second.empty())
        st.liveByLabel.erase(it);
    const ChunkInfo& c = m.chunks[id];
    rec.region = c.region;
    rec.offset = c.offset;
    rec.pages = c.pages;
    rec.chunk = id;
    rec.outcome = Outcome::Freed;
    freeChunk(id);
}

void Simulation::Impl::StepExecutor::release()
{
    rec.outcome = Outcome::FreeUnknown;
    rec.region = s.region;
    rec.offset = static_cast<std::uint32_t>(s.offset);
    rec.pages = static_cast<std::uint32_t>(s.size);
    if (s.region >= st.regions.size() || s.size == 0)
        return;
    auto& rt = st.regions[s.region];
    if (!rt.allocatable())
        return;
    // The kernel's cma_release() clears whatever bits the range covers, and one release may span
    // several adjacent allocations: each chunk it touches is freed whole or in part.
    const std::uint64_t end = s.offset + s.size;
    std::vector<std::uint32_t> touched;
    auto it = rt.live.upper_bound(s.offset);
    if (it != rt.live.begin()) {
        auto prev = std::prev(it);
        if (std::uint64_t(m.chunks[prev->second].offset) + m.chunks[prev->second].pages > s.offset)
            it = prev;
    }
    for (; it != rt.live.end() && it->first < end; ++it)
        touched.push_back(it->second);
    if (touched.empty())
        return; // nothing known there: tracing started late, or the trace lost the allocation
    rec.chunk = touched.front();
    rec.outcome = Outcome::Freed;
    for (const std::uint32_t id : touched)
        releaseChunk(rt, id);
}

/// The Release step's range over chunk @p id: frees it whole, or gives back the covered part while the
/// chunk's remaining pieces live on as new chunks of the same origin.
void Simulation::Impl::StepExecutor::releaseChunk(SimState::RegionRuntime& rt, std::uint32_t id)
{
    const std::uint64_t end = s.offset + s.size;
    const ChunkInfo c = m.chunks[id]; // a copy: newChunk() may grow the table
    if (s.offset <= c.offset && end >= std::uint64_t(c.offset) + c.requestPages) {
        freeChunk(id);
        return;
    }
    const std::uint64_t lo = std::max<std::uint64_t>(s.offset, c.offset);
    const std::uint64_t hi = std::min<std::uint64_t>(end, std::uint64_t(c.offset) + c.pages);
    if (!rt.policy->release(lo, hi - lo) || !rt.occupancy.give(lo, hi - lo))
        throw std::logic_error("partial release refused");
    forgetChunk(rt, c, id);
    if (lo > c.offset)
        newChunk(s.region, c.offset, lo - c.offset, lo - c.offset, c.originStep);
    const std::uint64_t tail = std::uint64_t(c.offset) + c.pages - hi;
    if (tail)
        newChunk(s.region, hi, tail, tail, c.originStep);
}

void Simulation::Impl::StepExecutor::refused()
{
    // The kernel refused it: nothing changes. Classify the refusal from the state, cheaply; diagnose()
    // probes the region's policy for the full story.
    rec.outcome = Outcome::Failed;
    rec.region = s.region;
    rec.pages = static_cast<std::uint32_t>(s.size);
    if (s.region >= st.regions.size()) {
        rec.refusal = Refusal::Unsupported;
        return;
    }
    const auto& occ = st.regions[s.region].occupancy;
    if (s.size == 0)
        rec.refusal = Refusal::ZeroSize;
    else if (s.size > occ.pages())
        rec.refusal = Refusal::TooLarge;
    else if (occ.freePages() < s.size)
        rec.refusal = Refusal::NotEnoughFree;
    else if (occ.firstFit(s.size, s.alignLog2))
        rec.refusal = Refusal::Busy; // a window existed: the kernel found it busy
    else
        rec.refusal = Refusal::Fragmented;
    rec.refusal = m.trueRefusal(rec.refusal, s.region, st.regions[s.region], s.size, s.alignLog2);
}

void Simulation::Impl::StepExecutor::pinOrUnpin()
{
    rec.outcome = s.type == StepType::Pin ? Outcome::Pinned : Outcome::Unpinned;
    rec.region = s.region;
    rec.offset = static_cast<std::uint32_t>(s.offset);
    rec.pages = static_cast<std::uint32_t>(s.size);
    if (s.region >= st.regions.size())
        return;
    auto& pinned = st.regions[s.region].pinned;
    if (s.type == StepType::Pin)
        addPinned(pinned, s.offset, s.size);
    else
        removePinned(pinned, s.offset, s.size);
}

void Simulation::Impl::StepExecutor::reset()
{
    rec.outcome = Outcome::Reset;
    for (auto& rt : st.regions) {
        if (recorded)
            for (const auto& [offset, id] : rt.live) {
                (void)offset;
                (*recorded)[id].diedStep = index;
            }
        m.resetRegion(rt);
    }
    if (recorded)
        for (const auto& [label, ids] : st.liveByLabel) {
            (void)label;
            for (const auto id : ids)
                if ((*recorded)[id].diedStep == kNever)
                    (*recorded)[id].diedStep = index; // fallback chunks
        }
    st.liveByLabel.clear();
}

void Simulation::Impl::record(SimState& st, StepRecord& rec)
{
    const Step& s = scenario.steps[st.position];
    if (s.type == StepType::Allocate && !resolveCache.contains(keyFor(s)))
        resolveCache.emplace(keyFor(s), resolveCandidates(s));
    rec = StepExecutor(*this, st, &chunks).execute();
    fillMetrics(st, rec);
}

void Simulation::Impl::replay(SimState& st) const
{
    StepExecutor(*this, st, nullptr).execute();
}

} // namespace cmascope
