// SPDX-License-Identifier: GPL-2.0-or-later
// Running a simulation: creating it, recording every step with checkpoints, jumping to any step, the run
// summary. One step is in stepexecutor.cpp, explaining a request in diagnose.cpp.
#include "internal.h"

#include <cmascope/model/maplang.h>
#include <cmascope/model/verkuilmap.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace cmascope {

std::string_view outcomeName(Outcome o) noexcept
{
    switch (o) {
    case Outcome::Allocated:
        return "allocated";
    case Outcome::AllocatedFallback:
        return "allocated (system fallback)";
    case Outcome::Failed:
        return "failed";
    case Outcome::Freed:
        return "freed";
    case Outcome::FreeUnknown:
        return "free of unknown memory";
    case Outcome::Phase:
        return "phase";
    case Outcome::Pinned:
        return "pinned";
    case Outcome::Unpinned:
        return "unpinned";
    case Outcome::Reset:
        return "reset";
    }
    return "?";
}

using siminternal::kNever;
using siminternal::orderFor;

SimState::SimState(const SimState& other)
    : liveByLabel(other.liveByLabel)
    , position(other.position)
    , chunksCreated(other.chunksCreated)
{
    regions.reserve(other.regions.size());
    for (const auto& r : other.regions) {
        RegionRuntime c;
        c.index = r.index;
        c.basePfn = r.basePfn;
        c.pageSize = r.pageSize;
        c.fallback = r.fallback;
        c.poolFallback = r.poolFallback;
        c.carveout = r.carveout;
        c.unreserved = r.unreserved;
        c.policy = r.policy ? r.policy->clone() : nullptr;
        c.occupancy = r.occupancy;
        c.pinned = r.pinned;
        c.live = r.live;
        c.liveBytes = r.liveBytes;
        c.livePages = r.livePages;
        regions.push_back(std::move(c));
    }
}

SimState& SimState::operator=(const SimState& other)
{
    if (this != &other) {
        SimState copy(other);
        *this = std::move(copy);
    }
    return *this;
}

std::size_t SimState::approximateBytes() const
{
    // Tree nodes cost ~48 bytes plus the payload; a bitmap policy costs about pages/8.
    std::size_t bytes = sizeof(*this) + liveByLabel.size() * 64;
    for (const auto& r : regions) {
        bytes += sizeof(r) + (r.occupancy.runCount() * 2 + r.pinned.size() + r.live.size()) * 64;
        bytes += static_cast<std::size_t>(r.occupancy.pages() / 8) + r.occupancy.runCount() * 64;
    }
    return bytes;
}

void Simulation::Impl::resetRegion(SimState::RegionRuntime& rt) const
{
    const Region& r = platform.regions[rt.index];
    rt.pinned.clear();
    rt.live.clear();
    rt.liveBytes = 0;
    rt.livePages = 0;
    if (rt.unreserved) {
        rt.occupancy = FreeExtents(rt.basePfn, 0);
        return;
    }
    if (rt.fallback || rt.carveout) {
        rt.occupancy = FreeExtents(rt.basePfn, rt.fallback ? 0 : r.size / rt.pageSize);
        if (rt.carveout)
            rt.occupancy.take(0, r.size / rt.pageSize);
        return;
    }
    const std::uint64_t pages = r.size / rt.pageSize;
    rt.occupancy = FreeExtents(rt.basePfn, pages);
    rt.policy = makePolicy(r.policy, r.params);
    if (auto err = rt.policy->reset(RegionGeometry { rt.basePfn, pages }))
        throw std::runtime_error("region " + r.name + ": " + *err);
}

SimState Simulation::Impl::makeInitial() const
{
    SimState st;
    for (std::size_t i = 0; i < platform.regions.size(); ++i) {
        const Region& r = platform.regions[i];
        SimState::RegionRuntime rt;
        rt.index = static_cast<std::uint16_t>(i);
        rt.pageSize = r.pageSize ? r.pageSize : platform.pageSize;
        const SystemFallback fb = systemFallbackOf(platform, r); // docs/cma2010.md#size-0-regions
        rt.fallback = fb == SystemFallback::SizeZero;
        rt.poolFallback = fb == SystemFallback::PoolFull;
        rt.carveout = r.type == RegionType::Carveout;
        rt.unreserved = fb == SystemFallback::Absent || (r.size != 0 && !r.placementFailure.empty());
        const std::uint64_t base = r.placedBase ? *r.placedBase : rt.unreserved ? 0 : r.start;
        rt.basePfn = base / rt.pageSize;
        resetRegion(rt);
        st.regions.push_back(std::move(rt));
    }
    return st;
}

siminternal::ResolveKey Simulation::Impl::keyFor(const Step& s) const
{
    const bool small = s.size <= platform.pageSize;
    return { s.device, s.kind, platform.mapMode == MapMode::Modern && small };
}

std::vector<std::uint16_t> Simulation::Impl::resolveCandidates(const Step& s) const
{
    const auto res = resolveRegions(platform, scenario.symbols.name(s.device), scenario.symbols.name(s.kind), s.size);
    std::vector<std::uint16_t> list;
    for (const auto& name : res.regions) {
        for (std::size_t i = 0; i < platform.regions.size(); ++i)
            if (platform.regions[i].name == name)
                list.push_back(static_cast<std::uint16_t>(i));
    }
    return list;
}

const std::vector<std::uint16_t>& Simulation::Impl::candidates(const Step& s, std::vector<std::uint16_t>& scratch) const
{
    if (auto it = resolveCache.find(keyFor(s)); it != resolveCache.end())
        return it->second;
    scratch = resolveCandidates(s); // record() saw every executed request: not reached after run()
    return scratch;
}

Refusal siminternal::trueRefusal(
    Refusal refusal, const Region& region, const FreeExtents& occupancy, std::uint64_t pages, unsigned alignOrder)
{
    if (refusal != Refusal::Fragmented && refusal != Refusal::NotEnoughFree)
        return refusal;
    // The kernel bitmap caps the alignment at CONFIG_CMA_ALIGNMENT (when asked to) and holds whole bits:
    // 2^order_per_bit pages, aligned to a bit at least.
    if (region.policy == PolicyKind::Kernel && region.params.maxAlignOrder)
        alignOrder = std::min(alignOrder, *region.params.maxAlignOrder);
    if (region.policy == PolicyKind::Kernel && region.params.orderPerBit < 32) {
        const std::uint64_t bit = std::uint64_t(1) << region.params.orderPerBit;
        pages = pages > UINT64_MAX - (bit - 1) ? UINT64_MAX : (pages + bit - 1) & ~(bit - 1);
        alignOrder = std::max(alignOrder, unsigned(region.params.orderPerBit));
    }
    return occupancy.admitsAligned(pages, alignOrder) ? refusal : Refusal::Alignment;
}

unsigned Simulation::Impl::alignOrderFor(const Step& s, const SimState::RegionRuntime& rt, std::uint64_t pages) const
{
    if (s.alignLog2 != kDefaultAlign) {
        const unsigned pageShift = static_cast<unsigned>(std::countr_zero(rt.pageSize));
        return s.alignLog2 > pageShift ? s.alignLog2 - pageShift : 0u;
    }
    // No explicit alignment: the DMA API aligns to the size's order, capped by CONFIG_CMA_ALIGNMENT
    // (cma_alloc_aligned); the 2010 API aligns to a page.
    if (platform.mapMode == MapMode::Modern)
        return std::min(orderFor(pages), platform.cmaAlignmentOrder);
    return 0;
}

std::uint64_t Simulation::Impl::chunkBytes(const ChunkInfo& c) const
{
    if (c.originStep < scenario.steps.size() && c.bornStep == c.originStep) {
        const Step& s = scenario.steps[c.originStep];
        if (s.type == StepType::Allocate || s.type == StepType::AllocateFromRegion)
            return s.size;
    }
    const auto& r = platform.regions[c.region];
    return std::uint64_t(c.requestPages) * (r.pageSize ? r.pageSize : platform.pageSize);
}

std::uint64_t Simulation::Impl::heldPages(
    std::uint16_t ri, const SimState::RegionRuntime& rt, std::uint64_t offset, std::uint64_t pages) const
{
    const Region& r = platform.regions[ri];
    if (r.policy != PolicyKind::Kernel || r.params.orderPerBit == 0 || r.params.orderPerBit >= 48)
        return pages;
    const std::uint64_t regionPages = rt.occupancy.pages();
    const std::uint64_t room = offset < regionPages ? regionPages - offset : 0;
    const std::uint64_t held = alignUp(pages, std::uint64_t { 1 } << r.params.orderPerBit).value_or(pages);
    return std::max(pages, std::min(held, room));
}

void Simulation::Impl::fillMetrics(const SimState& st, StepRecord& rec) const
{
    if (rec.region == kNoRegion || rec.region >= st.regions.size())
        return;
    const auto& occ = st.regions[rec.region].occupancy;
    rec.usedPages = static_cast<std::uint32_t>(occ.usedPages());
    rec.largestFree = static_cast<std::uint32_t>(occ.largestRun());
    rec.freeRuns = static_cast<std::uint32_t>(occ.runCount());
}

Simulation::Simulation(std::unique_ptr<Impl> impl)
    : d(std::move(impl))
{ }
Simulation::Simulation(Simulation&&) noexcept = default;
Simulation& Simulation::operator=(Simulation&&) noexcept = default;
Simulation::~Simulation() = default;

std::variant<Simulation, std::string> Simulation::create(
    const Platform& platform, Scenario scenario, SimulationOptions options)
{
    auto impl = std::make_unique<Impl>();
    impl->platform = platform;
    impl->scenario = std::move(scenario);
    impl->options = options;
    if (platform.regions.size() >= kNoRegion)
        return std::string("too many regions");
    for (const auto& r : platform.regions) {
        const std::uint64_t pageSize = r.pageSize ? r.pageSize : platform.pageSize;
        if (pageSize == 0 || !std::has_single_bit(pageSize))
            return "region " + r.name + ": page size must be a power of two";
        if (r.size && !r.placedBase && r.placement != Placement::Fixed && r.placementFailure.empty())
            return "region " + r.name + " has no address: place the platform's regions first";
        if (r.size % pageSize)
            return "region " + r.name + ": size is not a multiple of the page size";
        if (r.size / pageSize > UINT32_MAX)
            return "region " + r.name + ": more than 2^32 pages";
    }
    for (std::size_t i = 0; i < impl->scenario.steps.size(); ++i) {
        const Step& s = impl->scenario.steps[i];
        const bool regionStep = s.type == StepType::Pin || s.type == StepType::Unpin || s.type == StepType::Place
            || s.type == StepType::Release || s.type == StepType::AllocateFromRegion;
        if (regionStep && s.region >= platform.regions.size())
            return "step " + std::to_string(i) + ": no region number " + std::to_string(s.region);
    }
    if (impl->scenario.steps.size() >= kNever)
        return std::string("too many steps");
    try {
        impl->initial = impl->makeInitial();
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
    impl->current = impl->initial;
    impl->checkpoints.push_back(impl->initial);
    impl->interval = options.minCheckpointInterval;
    return Simulation(std::move(impl));
}

bool Simulation::run(const Progress& progress)
{
    Impl& m = *d;
    const std::size_t total = m.scenario.steps.size();
    m.records.reserve(total);
    if (m.chunks.empty()) {
        // Exactly one chunk per placement, plus pieces of partial releases (rare): reserve what is known.
        std::size_t placements = 0;
        for (const Step& s : m.scenario.steps)
            placements +=
                s.type == StepType::Allocate || s.type == StepType::Place || s.type == StepType::AllocateFromRegion;
        m.chunks.reserve(placements);
    }
    std::uint32_t sinceCheckpoint = 0;
    while (m.current.position < total) {
        if (progress && (m.current.position & 0xFFFF) == 0 && !progress(m.current.position, total))
            return false;
        StepRecord rec;
        m.record(m.current, rec);
        m.records.push_back(rec);
        if (++sinceCheckpoint >= m.interval) {
            m.checkpoints.push_back(m.current);
            sinceCheckpoint = 0;
            const std::size_t bytes = m.checkpoints.back().approximateBytes();
            const std::size_t wanted = bytes / std::max<std::size_t>(1, m.options.checkpointBytesPerStep);
            m.interval = static_cast<std::uint32_t>(
                std::clamp<std::size_t>(wanted, m.options.minCheckpointInterval, m.options.maxCheckpointInterval));
        }
    }
    if (progress)
        progress(total, total);
    return true;
}

std::optional<std::string> Simulation::appendSteps(const Scenario& source)
{
    Impl& m = *d;
    const std::size_t first = m.scenario.steps.size();
    if (source.steps.size() < first || source.symbols.size() < m.scenario.symbols.size())
        return std::string("the grown scenario is shorter than the run");
    if (source.steps.size() >= kNever)
        return std::string("too many steps");
    for (std::size_t i = first; i < source.steps.size(); ++i) {
        const Step& s = source.steps[i];
        const bool regionStep = s.type == StepType::Pin || s.type == StepType::Unpin || s.type == StepType::Place
            || s.type == StepType::Release || s.type == StepType::AllocateFromRegion;
        if (regionStep && s.region >= m.platform.regions.size())
            return "step " + std::to_string(i) + ": no region number " + std::to_string(s.region);
    }
    // Interned in the source's order, the new names get the source's ids.
    for (std::size_t id = m.scenario.symbols.size(); id < source.symbols.size(); ++id)
        m.scenario.symbols.intern(source.symbols.name(std::uint32_t(id)));
    m.scenario.steps.insert(m.scenario.steps.end(), source.steps.begin() + std::ptrdiff_t(first), source.steps.end());
    if (source.timesNs.size() == source.steps.size() && m.scenario.timesNs.size() == first)
        m.scenario.timesNs.insert(
            m.scenario.timesNs.end(), source.timesNs.begin() + std::ptrdiff_t(first), source.timesNs.end());
    else
        m.scenario.timesNs.clear(); // times for some steps only: none (scenario.h)
    return std::nullopt;
}

const Platform& Simulation::platform() const
{
    return d->platform;
}
const Scenario& Simulation::scenario() const
{
    return d->scenario;
}
std::size_t Simulation::stepCount() const
{
    return d->records.size();
}
const std::vector<StepRecord>& Simulation::records() const
{
    return d->records;
}
const std::vector<ChunkInfo>& Simulation::chunks() const
{
    return d->chunks;
}
std::size_t Simulation::checkpointCount() const
{
    return d->checkpoints.size();
}

SimState Simulation::stateAt(std::size_t position) const
{
    position = std::min(position, d->records.size());
    const auto it = std::upper_bound(d->checkpoints.begin(), d->checkpoints.end(), position,
        [](std::size_t pos, const SimState& cp) { return pos < cp.position; });
    SimState st = *std::prev(it);
    advance(st, position);
    return st;
}

void Simulation::advance(SimState& state, std::size_t position) const
{
    position = std::min(position, d->records.size());
    while (state.position < position)
        d->replay(state);
}

std::size_t Simulation::memoryBytes() const
{
    std::size_t bytes = d->records.capacity() * sizeof(StepRecord) + d->chunks.capacity() * sizeof(ChunkInfo);
    for (const auto& cp : d->checkpoints)
        bytes += cp.approximateBytes();
    return bytes;
}

RunSummary Simulation::summary() const
{
    const Impl& m = *d;
    RunSummary out;
    out.steps = m.records.size();
    out.regions.resize(m.platform.regions.size());
    // Peak live bytes and waste need the live totals after each step: replay once from the start.
    SimState st = m.checkpoints.front();
    for (std::size_t i = 0; i < m.records.size(); ++i) {
        const StepRecord& r = m.records[i];
        const Step& s = m.scenario.steps[i];
        m.replay(st);
        switch (r.outcome) {
        case Outcome::Allocated:
        case Outcome::AllocatedFallback:
        case Outcome::Failed: {
            ++out.allocations;
            out.failures += r.outcome == Outcome::Failed;
            out.fallbacks += r.outcome == Outcome::AllocatedFallback;
            auto& po = out.byDeviceKind[{ s.device, s.kind }];
            ++po.requests;
            po.failures += r.outcome == Outcome::Failed;
            break;
        }
        case Outcome::Freed:
            ++out.frees;
            break;
        default:
            break;
        }
        out.busyRetries += r.busyRetries;
        if (r.region == kNoRegion)
            continue;
        auto& pr = out.regions[r.region];
        const auto& rt = st.regions[r.region];
        pr.peakFootprintPages = std::max<std::uint64_t>(pr.peakFootprintPages, rt.occupancy.footprint());
        pr.peakLiveBytes = std::max(pr.peakLiveBytes, rt.liveBytes);
        if (rt.occupancy.usedPages() >= pr.peakUsedPages) {
            pr.peakUsedPages = rt.occupancy.usedPages();
            const std::uint64_t setAside = rt.livePages * rt.pageSize;
            pr.internalWasteBytesAtPeak = setAside > rt.liveBytes ? setAside - rt.liveBytes : 0;
        }
    }
    for (std::size_t i = 0; i < out.regions.size(); ++i) {
        auto& pr = out.regions[i];
        const std::uint64_t ps = st.regions[i].pageSize;
        if (pr.peakLiveBytes)
            pr.jwFragmentation4 =
                (double(pr.peakFootprintPages * ps) - double(pr.peakLiveBytes)) / double(pr.peakLiveBytes);
    }
    return out;
}

} // namespace cmascope
