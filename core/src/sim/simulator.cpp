// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/model/maplang.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <bit>
#include <cinttypes>
#include <cstdio>
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

namespace {

constexpr std::uint32_t kNever = UINT32_MAX;

/// get_order(): the smallest order whose block holds @p pages pages.
unsigned orderFor(std::uint64_t pages)
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

std::uint64_t pinnedPagesIn(const std::map<std::uint64_t, std::uint64_t>& pinned)
{
    std::uint64_t n = 0;
    for (const auto& [o, p] : pinned) {
        (void)o;
        n += p;
    }
    return n;
}

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

} // namespace

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

struct Simulation::Impl
{
    Platform platform;
    Scenario scenario;
    SimulationOptions options;
    std::vector<StepRecord> records;
    std::vector<ChunkInfo> chunks;
    std::vector<SimState> checkpoints; // checkpoints[0] is the initial state
    SimState initial;
    SimState current;
    mutable std::unordered_map<ResolveKey, std::vector<std::uint16_t>, ResolveKeyHash> resolveCache;
    std::uint32_t interval = 1024;

    SimState makeInitial() const;
    void resetRegion(SimState::RegionRuntime& rt) const;
    const std::vector<std::uint16_t>& candidates(const Step& s) const;
    unsigned alignOrderFor(const Step& s, const SimState::RegionRuntime& rt, std::uint64_t pages) const;
    std::uint64_t chunkBytes(const ChunkInfo& c) const;
    /// Executes one step on @p st. Recording mode appends chunks and fills @p rec; replay mode
    /// (rec == nullptr) reproduces the same chunk ids.
    void execute(SimState& st, StepRecord* rec);
    void executeReplay(SimState& st) const { const_cast<Impl*>(this)->execute(st, nullptr); }
    void freeChunk(SimState& st, std::uint32_t id, std::uint32_t stepIndex, bool recording);
    void fillMetrics(const SimState& st, StepRecord& rec) const;
};

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
        rt.fallback = r.size == 0;
        rt.carveout = r.type == RegionType::Carveout;
        rt.unreserved = r.size != 0 && !r.placementFailure.empty();
        const std::uint64_t base = r.placedBase ? *r.placedBase : rt.unreserved ? 0 : r.start;
        rt.basePfn = base / rt.pageSize;
        resetRegion(rt);
        st.regions.push_back(std::move(rt));
    }
    return st;
}

const std::vector<std::uint16_t>& Simulation::Impl::candidates(const Step& s) const
{
    const bool small = s.size <= platform.pageSize;
    const ResolveKey key { s.device, s.kind, platform.mapMode == MapMode::Modern && small };
    if (auto it = resolveCache.find(key); it != resolveCache.end())
        return it->second;
    const auto res = resolveRegions(platform, scenario.symbols.name(s.device), scenario.symbols.name(s.kind), s.size);
    std::vector<std::uint16_t> list;
    for (const auto& name : res.regions) {
        for (std::size_t i = 0; i < platform.regions.size(); ++i)
            if (platform.regions[i].name == name)
                list.push_back(static_cast<std::uint16_t>(i));
    }
    return resolveCache.emplace(key, std::move(list)).first->second;
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
        if (s.type == StepType::Allocate)
            return s.size;
    }
    const auto& r = platform.regions[c.region];
    return std::uint64_t(c.requestPages) * (r.pageSize ? r.pageSize : platform.pageSize);
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

void Simulation::Impl::freeChunk(SimState& st, std::uint32_t id, std::uint32_t stepIndex, bool recording)
{
    ChunkInfo& c = chunks[id];
    auto& rt = st.regions[c.region];
    if (!rt.fallback) {
        if (!rt.policy->release(c.offset, c.requestPages))
            throw std::logic_error("policy refused to release a chunk it placed");
        if (!rt.occupancy.give(c.offset, c.pages))
            throw std::logic_error("released pages were not in use");
    }
    rt.live.erase(c.offset);
    rt.liveBytes -= chunkBytes(c);
    rt.livePages -= c.pages;
    if (recording)
        c.diedStep = stepIndex;
}

void Simulation::Impl::execute(SimState& st, StepRecord* out)
{
    const std::uint32_t index = st.position;
    const Step& s = scenario.steps[index];
    const bool recording = out != nullptr;
    StepRecord rec;
    auto newChunk = [&](std::uint16_t region, std::uint64_t offset, std::uint64_t pages, std::uint64_t requestPages,
                        std::uint32_t origin) -> std::uint32_t {
        const std::uint32_t id = st.chunksCreated++;
        if (recording) {
            ChunkInfo c;
            c.offset = static_cast<std::uint32_t>(offset);
            c.pages = static_cast<std::uint32_t>(pages);
            c.requestPages = static_cast<std::uint32_t>(requestPages);
            c.originStep = origin;
            c.bornStep = index;
            c.region = region;
            chunks.push_back(c);
        }
        auto& rt = st.regions[region];
        rt.live[offset] = id;
        rt.liveBytes += chunkBytes(chunks[id]);
        rt.livePages += pages;
        return id;
    };

    switch (s.type) {
    case StepType::Allocate: {
        rec.outcome = Outcome::Failed;
        const auto& list = candidates(s);
        for (const std::uint16_t ri : list) {
            auto& rt = st.regions[ri];
            if (rt.carveout)
                continue;
            rec.region = ri;
            if (rt.unreserved) {
                rec.refusal = Refusal::NotReserved; // the kernel never created it: on to the next region
                continue;
            }
            const std::uint64_t pages = pagesFor(s.size, rt.pageSize);
            if (rt.fallback) {
                if (s.size <= platform.regions[ri].fallbackMaxContiguous) {
                    rec.outcome = Outcome::AllocatedFallback;
                    rec.pages = static_cast<std::uint32_t>(pages);
                    rec.chunk = newChunk(ri, 0, 0, pages, index);
                    rt.live.erase(0); // fallback chunks have no place in the region
                    rec.refusal = Refusal::None;
                    break;
                }
                rec.refusal = Refusal::TooLarge;
                continue;
            }
            const PinnedOracle busy(rt.pinned);
            PolicyResult r = rt.policy->allocate(
                PolicyRequest { pages, alignOrderFor(s, rt, pages) }, rt.pinned.empty() ? nullptr : &busy);
            rec.busyRetries += static_cast<std::uint32_t>(r.busyOffsets.size());
            if (!r.ok) {
                rec.refusal = r.refusal;
                continue;
            }
            if (!rt.occupancy.take(r.offset, r.reservedPages))
                throw std::logic_error("policy " + std::string(rt.policy->id()) + " placed a chunk over used pages");
            rec.outcome = Outcome::Allocated;
            rec.refusal = Refusal::None;
            rec.offset = static_cast<std::uint32_t>(r.offset);
            rec.pages = static_cast<std::uint32_t>(r.reservedPages);
            rec.chunk = newChunk(ri, r.offset, r.reservedPages, pages, index);
            break;
        }
        if (rec.outcome != Outcome::Failed && s.label)
            st.liveByLabel[s.label].push_back(rec.chunk);
        break;
    }
    case StepType::Place: {
        rec.region = s.region;
        rec.outcome = Outcome::Failed;
        if (s.region < st.regions.size()) {
            auto& rt = st.regions[s.region];
            if (rt.allocatable() && rt.occupancy.isFree(s.offset, s.size) && rt.policy->reserve(s.offset, s.size)) {
                rt.occupancy.take(s.offset, s.size);
                rec.outcome = Outcome::Allocated;
                rec.offset = static_cast<std::uint32_t>(s.offset);
                rec.pages = static_cast<std::uint32_t>(s.size);
                rec.chunk = newChunk(s.region, s.offset, s.size, s.size, index);
                if (s.label)
                    st.liveByLabel[s.label].push_back(rec.chunk);
            } else {
                rec.refusal = Refusal::Fragmented;
            }
        }
        break;
    }
    case StepType::Free: {
        rec.outcome = Outcome::FreeUnknown;
        auto it = st.liveByLabel.find(s.label);
        if (it != st.liveByLabel.end() && !it->second.empty()) {
            const std::uint32_t id = it->second.back();
            it->second.pop_back();
            if (it->second.empty())
                st.liveByLabel.erase(it);
            const ChunkInfo& c = chunks[id];
            rec.region = c.region;
            rec.offset = c.offset;
            rec.pages = c.pages;
            rec.chunk = id;
            rec.outcome = Outcome::Freed;
            freeChunk(st, id, index, recording);
        }
        break;
    }
    case StepType::Release: {
        rec.outcome = Outcome::FreeUnknown;
        rec.region = s.region;
        rec.offset = static_cast<std::uint32_t>(s.offset);
        rec.pages = static_cast<std::uint32_t>(s.size);
        if (s.region >= st.regions.size() || s.size == 0)
            break;
        auto& rt = st.regions[s.region];
        if (!rt.allocatable())
            break;
        // The kernel's cma_release() clears whatever bits the range covers, and one release may span
        // several adjacent allocations: each chunk it touches is freed whole or in part.
        const std::uint64_t end = s.offset + s.size;
        std::vector<std::uint32_t> touched;
        auto it = rt.live.upper_bound(s.offset);
        if (it != rt.live.begin()) {
            auto prev = std::prev(it);
            if (std::uint64_t(chunks[prev->second].offset) + chunks[prev->second].pages > s.offset)
                it = prev;
        }
        for (; it != rt.live.end() && it->first < end; ++it)
            touched.push_back(it->second);
        if (touched.empty())
            break; // nothing known there: tracing started late, or the trace lost the allocation
        rec.chunk = touched.front();
        rec.outcome = Outcome::Freed;
        for (const std::uint32_t id : touched) {
            const ChunkInfo c = chunks[id];
            if (s.offset <= c.offset && end >= std::uint64_t(c.offset) + c.requestPages) {
                freeChunk(st, id, index, recording);
                continue;
            }
            // Partial release: the policy gives back the range, the chunk's remaining pieces live on.
            const std::uint64_t lo = std::max<std::uint64_t>(s.offset, c.offset);
            const std::uint64_t hi = std::min<std::uint64_t>(end, std::uint64_t(c.offset) + c.pages);
            if (!rt.policy->release(lo, hi - lo) || !rt.occupancy.give(lo, hi - lo))
                throw std::logic_error("partial release refused");
            rt.live.erase(c.offset);
            rt.liveBytes -= chunkBytes(c);
            rt.livePages -= c.pages;
            if (recording)
                chunks[id].diedStep = index;
            if (lo > c.offset)
                newChunk(s.region, c.offset, lo - c.offset, lo - c.offset, c.originStep);
            const std::uint64_t tail = std::uint64_t(c.offset) + c.pages - hi;
            if (tail)
                newChunk(s.region, hi, tail, tail, c.originStep);
        }
        break;
    }
    case StepType::Refused: {
        // The kernel refused it: nothing changes. Classify the refusal from the state, cheaply; diagnose()
        // probes the region's policy for the full story.
        rec.outcome = Outcome::Failed;
        rec.region = s.region;
        rec.pages = static_cast<std::uint32_t>(s.size);
        if (s.region >= st.regions.size()) {
            rec.refusal = Refusal::Unsupported;
            break;
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
        break;
    }
    case StepType::Phase:
        rec.outcome = Outcome::Phase;
        break;
    case StepType::Pin:
    case StepType::Unpin:
        rec.outcome = s.type == StepType::Pin ? Outcome::Pinned : Outcome::Unpinned;
        rec.region = s.region;
        rec.offset = static_cast<std::uint32_t>(s.offset);
        rec.pages = static_cast<std::uint32_t>(s.size);
        if (s.region < st.regions.size()) {
            auto& pinned = st.regions[s.region].pinned;
            if (s.type == StepType::Pin)
                addPinned(pinned, s.offset, s.size);
            else
                removePinned(pinned, s.offset, s.size);
        }
        break;
    case StepType::Reset:
        rec.outcome = Outcome::Reset;
        for (auto& rt : st.regions) {
            if (recording)
                for (const auto& [offset, id] : rt.live) {
                    (void)offset;
                    chunks[id].diedStep = index;
                }
            resetRegion(rt);
        }
        if (recording)
            for (const auto& [label, ids] : st.liveByLabel) {
                (void)label;
                for (const auto id : ids)
                    if (chunks[id].diedStep == kNever)
                        chunks[id].diedStep = index; // fallback chunks
            }
        st.liveByLabel.clear();
        break;
    }
    ++st.position;
    if (recording) {
        fillMetrics(st, rec);
        *out = rec;
    }
}

std::string extfragText(int extfragIndex, Refusal refusal)
{
    if (extfragIndex < 0)
        return {};
    char index[16];
    std::snprintf(index, sizeof index, "%.3f", extfragIndex / 1000.0);
    const std::string head = std::string("kernel extfrag index ") + index;
    switch (refusal) {
    case Refusal::Fragmented:
        return head
            + (extfragIndex > 500 ? ", which the kernel too reads as fragmentation"
                                  : ", which the kernel reads as lack of memory; yet enough pages are free, only not "
                                    "in one run at that alignment");
    case Refusal::NotEnoughFree:
        return head + ", not the cause: fewer pages are free than asked";
    default:
        return {};
    }
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
            || s.type == StepType::Release;
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
            placements += s.type == StepType::Allocate || s.type == StepType::Place;
        m.chunks.reserve(placements);
    }
    std::uint32_t sinceCheckpoint = 0;
    while (m.current.position < total) {
        if (progress && (m.current.position & 0xFFFF) == 0 && !progress(m.current.position, total))
            return false;
        StepRecord rec;
        m.execute(m.current, &rec);
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
        d->executeReplay(state);
}

std::size_t Simulation::memoryBytes() const
{
    std::size_t bytes = d->records.capacity() * sizeof(StepRecord) + d->chunks.capacity() * sizeof(ChunkInfo);
    for (const auto& cp : d->checkpoints)
        bytes += cp.approximateBytes();
    return bytes;
}

Diagnosis Simulation::diagnose(std::size_t step) const
{
    const Impl& m = *d;
    Diagnosis dg;
    dg.step = static_cast<std::uint32_t>(step);
    const bool isRequest = step < m.scenario.steps.size()
        && (m.scenario.steps[step].type == StepType::Allocate || m.scenario.steps[step].type == StepType::Refused);
    if (!isRequest) {
        dg.summary = "step " + std::to_string(step) + " is not an allocation request";
        return dg;
    }
    const Step& s = m.scenario.steps[step];
    // A request the kernel refused (from a trace) names its area and counts pages; no map is involved.
    const bool recorded = s.type == StepType::Refused;
    dg.device = m.scenario.symbols.name(s.device);
    dg.kind = m.scenario.symbols.name(s.kind);
    MapResolution res;
    if (recorded) {
        const Region* area = s.region < m.platform.regions.size() ? &m.platform.regions[s.region] : nullptr;
        const std::uint64_t ps = area && area->pageSize ? area->pageSize : m.platform.pageSize;
        dg.bytes = s.size * ps;
        if (area) {
            res.regions.push_back(area->name);
            res.summary = "recorded in a kernel trace: cma_alloc on area '" + area->name + "' of "
                + std::to_string(s.size) + " pages at order " + std::to_string(s.alignLog2) + ", refused by the kernel";
        }
    } else {
        dg.bytes = s.size;
        res = resolveRegions(m.platform, dg.device, dg.kind, s.size);
    }
    dg.mapSummary = res.summary;
    dg.mapTrail = res.trail;
    const SimState st = stateAt(step);
    for (const auto& name : res.regions) {
        Diagnosis::RegionAttempt a;
        a.region = name;
        const auto idx = std::find_if(m.platform.regions.begin(), m.platform.regions.end(), [&](const Region& r) {
            return r.name == name;
        }) - m.platform.regions.begin();
        if (idx >= static_cast<std::ptrdiff_t>(m.platform.regions.size())) {
            a.exists = false;
            a.verdict = "no region of that name: skipped";
            dg.attempts.push_back(std::move(a));
            continue;
        }
        const auto& rt = st.regions[static_cast<std::size_t>(idx)];
        const Region& region = m.platform.regions[static_cast<std::size_t>(idx)];
        a.neededPages = recorded ? s.size : pagesFor(s.size, rt.pageSize);
        if (rt.unreserved) {
            a.result.refusal = Refusal::NotReserved;
            a.verdict =
                "not reserved at boot, so it does not exist at run time: skipped (" + region.placementFailure + ")";
            dg.attempts.push_back(std::move(a));
            continue;
        }
        if (rt.carveout) {
            a.verdict = "a carve-out: not allocatable, skipped";
            dg.attempts.push_back(std::move(a));
            continue;
        }
        if (rt.fallback) {
            a.fallbackRegion = true;
            a.result.ok = s.size <= region.fallbackMaxContiguous;
            a.result.refusal = a.result.ok ? Refusal::None : Refusal::TooLarge;
            a.verdict = a.result.ok ? "size-0 region: served by the system allocator"
                                    : "size-0 region: the system allocator gives at most "
                    + sizeText(region.fallbackMaxContiguous) + " contiguous, " + sizeText(s.size) + " asked";
            const bool served = a.result.ok;
            dg.attempts.push_back(std::move(a));
            if (served)
                break;
            continue;
        }
        a.alignOrder = recorded ? s.alignLog2 : m.alignOrderFor(s, rt, a.neededPages);
        a.freePages = rt.occupancy.freePages();
        a.largestFree = rt.occupancy.largestRun();
        a.largestAligned = rt.occupancy.largestAligned(a.alignOrder);
        a.pinnedPages = pinnedPagesIn(rt.pinned);
        a.extfragIndex = rt.occupancy.extfragIndex(orderFor(a.neededPages));
        auto probe = rt.policy->clone();
        const PinnedOracle busy(rt.pinned);
        a.result = probe->allocate(PolicyRequest { a.neededPages, a.alignOrder }, rt.pinned.empty() ? nullptr : &busy);
        const std::uint64_t ps = rt.pageSize;
        // Pages * page size passes 2^64 only for requests within a page of 2^64: show the bytes asked then.
        const std::uint64_t needBytes = checkedMul(a.neededPages, ps).value_or(recorded ? kU64Max : s.size);
        const std::string need = sizeText(needBytes) + " (" + std::to_string(a.neededPages) + " pages"
            + (a.alignOrder ? ", aligned to " + sizeText((std::uint64_t(1) << a.alignOrder) * ps) : std::string())
            + ")";
        switch (a.result.refusal) {
        case Refusal::None:
            a.verdict = "fits at page offset " + std::to_string(a.result.offset);
            break;
        case Refusal::ZeroSize:
            a.verdict = "a request of zero bytes is refused";
            break;
        case Refusal::TooLarge:
            a.verdict = "needs " + need + ", but the whole region is " + sizeText(region.size);
            break;
        case Refusal::NotEnoughFree:
            a.verdict = "needs " + need + ", only " + sizeText(a.freePages * ps) + " free: not enough memory";
            break;
        case Refusal::Fragmented: {
            a.verdict = "needs " + need + "; " + sizeText(a.freePages * ps) + " free in "
                + std::to_string(rt.occupancy.runCount()) + " runs, but the largest free run at that alignment is "
                + sizeText(a.largestAligned * ps) + ": fragmented";
            break;
        }
        case Refusal::Busy:
            a.verdict = "needs " + need + "; " + std::to_string(a.result.busyOffsets.size())
                + " fitting windows held pinned pages (" + std::to_string(a.pinnedPages)
                + " pinned in the region): migration would fail (-EBUSY)";
            break;
        case Refusal::Unsupported:
            a.verdict = "policy " + std::string(probe->id()) + " cannot serve " + need;
            break;
        case Refusal::NotReserved: // not from a policy
            break;
        }
        a.extfragNote = a.result.ok ? std::string() : extfragText(a.extfragIndex, a.result.refusal);
        if (!a.extfragNote.empty())
            a.verdict += " (" + a.extfragNote + ")";
        const bool ok = a.result.ok;
        dg.attempts.push_back(std::move(a));
        if (ok)
            break;
    }
    dg.succeeded = !dg.attempts.empty() && dg.attempts.back().result.ok;
    const std::string who = dg.device + (dg.kind.empty() ? std::string() : "/" + dg.kind);
    if (res.regions.empty())
        dg.summary = who + " asked for " + sizeText(dg.bytes) + ": no region to try. " + res.summary;
    else if (dg.succeeded)
        dg.summary = who + " asked for " + sizeText(dg.bytes) + ": placed in " + dg.attempts.back().region;
    else
        dg.summary = who + " asked for " + sizeText(dg.bytes) + ": every region refused ("
            + std::to_string(dg.attempts.size()) + " tried)";
    return dg;
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
        m.executeReplay(st);
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
