// SPDX-License-Identifier: GPL-2.0-or-later
// Explaining one allocation request: which map rule sent it where, and why each region tried refused.
#include "internal.h"

#include <cmascope/model/maplang.h>
#include <cmascope/model/verkuilmap.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <cstdio>

namespace cmascope {

using siminternal::orderFor;
using siminternal::PinnedOracle;

namespace {

using Attempt = Diagnosis::RegionAttempt;

std::uint64_t pinnedPagesIn(const std::map<std::uint64_t, std::uint64_t>& pinned)
{
    std::uint64_t n = 0;
    for (const auto& [o, p] : pinned) {
        (void)o;
        n += p;
    }
    return n;
}

/// Where request @p s goes and how many bytes it asks for (set in @p dg). A request the kernel refused (from a
/// trace, @p recorded) names its area and counts pages; no map is involved.
MapResolution requestMap(const Platform& platform, const Step& s, bool recorded, Diagnosis& dg)
{
    MapResolution res;
    if (s.type == StepType::AllocateFromRegion) {
        dg.bytes = s.size;
        if (s.region < platform.regions.size()) {
            res.regions.push_back(platform.regions[s.region].name);
            res.summary = "cma_alloc_from_region() on region '" + platform.regions[s.region].name
                + "', by its handle: the map is not read";
        }
        return res;
    }
    if (!recorded) {
        dg.bytes = s.size;
        return resolveRegions(platform, dg.device, dg.kind, s.size);
    }
    const Region* area = s.region < platform.regions.size() ? &platform.regions[s.region] : nullptr;
    const std::uint64_t ps = area && area->pageSize ? area->pageSize : platform.pageSize;
    dg.bytes = s.size * ps;
    if (area) {
        res.regions.push_back(area->name);
        res.summary = "recorded in a kernel trace: cma_alloc on area '" + area->name + "' of " + std::to_string(s.size)
            + " pages at order " + std::to_string(s.alignLog2) + ", refused by the kernel";
    }
    return res;
}

/// Why a region that does not exist at run time was skipped: a failed boot-time reservation, or size 0 where
/// nothing falls back (docs/cma2010.md#size-0-regions).
std::string absentVerdict(const Platform& platform, const Region& region)
{
    if (region.size != 0)
        return "not reserved at boot, so it does not exist at run time: skipped (" + region.placementFailure + ")";
    if (platform.mapMode == MapMode::Verkuil)
        return "size 0 and type '" + region.memoryType
            + "' has no system fallback (only dma and common have one: kmalloc cannot pick a bank): skipped";
    return "size 0: cma_region_register() refuses it (-EINVAL), so it does not exist: skipped (the fallback to the "
           "system allocator is Hans Verkuil's proposal, map_mode \"verkuil\")";
}

/// Asks the system allocator on behalf of @p region; @p why says why it is asked.
void systemAttempt(Attempt& a, const Step& s, const Region& region, const std::string& why)
{
    a.fallbackRegion = true;
    a.result.ok = s.size <= region.fallbackMaxContiguous;
    a.result.refusal = a.result.ok ? Refusal::None : Refusal::TooLarge;
    const std::string call = region.memoryType.empty() ? std::string("the system allocator")
                                                       : "the system allocator, " + systemAllocatorCall(region);
    a.verdict = why
        + (a.result.ok ? ": served by " + call
                       : ": " + call + " gives at most " + sizeText(region.fallbackMaxContiguous)
                    + " contiguous (KMALLOC_MAX_SIZE), " + sizeText(s.size) + " asked");
}

/// The attempt at a region whose pages no policy hands out (not reserved, a carve-out, a size-0 region);
/// false if @p rt is an ordinary region whose policy must be asked.
bool tryUnallocatable(
    Attempt& a, const Step& s, const Platform& platform, const Region& region, const SimState::RegionRuntime& rt)
{
    if (rt.unreserved) {
        a.result.refusal = Refusal::NotReserved;
        a.verdict = absentVerdict(platform, region);
        if (rt.poolFallback)
            systemAttempt(a, s, region, a.verdict + "; the pool's fallback (Hans Verkuil)");
        return true;
    }
    if (rt.carveout) {
        a.verdict = "a carve-out: not allocatable, skipped";
        return true;
    }
    if (!rt.fallback)
        return false;
    systemAttempt(a, s, region,
        platform.mapMode == MapMode::Verkuil
            ? "size-0 region of type '" + region.memoryType + "': Hans Verkuil's fallback"
            : std::string("size-0 region: cmascope's historical fallback (Hans Verkuil's proposal, no CMA version's)"));
    return true;
}

/// The verdict on a policy's answer @p a.result; @p need describes the request ("64 KiB (16 pages, ...)").
std::string policyVerdict(const Attempt& a, const Region& region, const SimState::RegionRuntime& rt,
    std::string_view policyId, const std::string& need)
{
    const std::uint64_t ps = rt.pageSize;
    switch (a.result.refusal) {
    case Refusal::None:
        return "fits at page offset " + std::to_string(a.result.offset);
    case Refusal::ZeroSize:
        return "a request of zero bytes is refused";
    case Refusal::TooLarge:
        return "needs " + need + ", but the whole region is " + sizeText(region.size);
    case Refusal::NotEnoughFree:
        return "needs " + need + ", only " + sizeText(a.freePages * ps) + " free: not enough memory";
    case Refusal::Fragmented:
        return "needs " + need + "; " + sizeText(a.freePages * ps) + " free in "
            + std::to_string(rt.occupancy.runCount()) + " runs, but the largest free run at that alignment is "
            + sizeText(a.largestAligned * ps) + ": fragmented";
    case Refusal::Busy:
        return "needs " + need + "; " + std::to_string(a.result.busyOffsets.size())
            + " fitting windows held pinned pages (" + std::to_string(a.pinnedPages)
            + " pinned in the region): migration would fail (-EBUSY)";
    case Refusal::Unsupported:
        return "policy " + std::string(policyId) + " cannot serve " + need;
    case Refusal::Alignment: {
        const std::uint64_t align = std::uint64_t(1) << std::min(a.alignOrder, 63u);
        const std::uint64_t first = rt.occupancy.basePfn() % align == 0
            ? rt.occupancy.basePfn()
            : rt.occupancy.basePfn() + (align - rt.occupancy.basePfn() % align);
        return "needs " + need + "; the region (PFN " + hexText(rt.occupancy.basePfn()) + ", "
            + std::to_string(rt.occupancy.pages()) + " pages) has no such window even when empty: its first PFN "
            + "aligned to " + std::to_string(align) + " pages is " + hexText(first)
            + ": the alignment, not fragmentation, refuses it";
    }
    case Refusal::NotReserved: // not from a policy
    case Refusal::InvalidArgument:
    case Refusal::NoSuchCall:
        break;
    }
    return {};
}

/// Asks a copy of the region's policy for the request (a.neededPages at a.alignOrder) and fills in the
/// region's free-space figures and the verdict.
void probePolicy(Attempt& a, const Step& s, bool recorded, const Region& region, const SimState::RegionRuntime& rt)
{
    a.freePages = rt.occupancy.freePages();
    a.largestFree = rt.occupancy.largestRun();
    a.largestAligned = rt.occupancy.largestAligned(a.alignOrder);
    a.pinnedPages = pinnedPagesIn(rt.pinned);
    a.extfragIndex = rt.occupancy.extfragIndex(orderFor(a.neededPages));
    auto probe = rt.policy->clone();
    const PinnedOracle busy(rt.pinned);
    a.result = probe->allocate(PolicyRequest { a.neededPages, a.alignOrder }, rt.pinned.empty() ? nullptr : &busy);
    if (!a.result.ok)
        a.result.refusal =
            siminternal::trueRefusal(a.result.refusal, region, rt.occupancy, a.neededPages, a.alignOrder);
    const std::uint64_t ps = rt.pageSize;
    // Pages * page size passes 2^64 only for requests within a page of 2^64: show the bytes asked then.
    const std::uint64_t needBytes = checkedMul(a.neededPages, ps).value_or(recorded ? kU64Max : s.size);
    const std::string need = sizeText(needBytes) + " (" + std::to_string(a.neededPages) + " pages"
        + (a.alignOrder ? ", aligned to " + sizeText((std::uint64_t(1) << a.alignOrder) * ps) : std::string()) + ")";
    a.verdict = policyVerdict(a, region, rt, probe->id(), need);
    a.extfragNote = a.result.ok ? std::string() : extfragText(a.extfragIndex, a.result.refusal);
    if (!a.extfragNote.empty())
        a.verdict += " (" + a.extfragNote + ")";
}

/// The attempt of AllocateFromRegion step @p s: cma_alloc_from_region()'s own checks, then the region's allocator.
void tryFromRegion(Attempt& a, const Platform& platform, const Step& s, const Region& region,
    const SimState::RegionRuntime& rt, unsigned alignOrder)
{
    a.result.refusal = siminternal::fromRegionRefusal(platform, s, rt);
    if (a.result.refusal != Refusal::None) {
        a.freePages = rt.occupancy.freePages();
        a.verdict = siminternal::fromRegionText(platform, s, region, rt, a.result.refusal);
        return;
    }
    a.alignOrder = alignOrder;
    probePolicy(a, s, false, region, rt);
    if (!a.result.ok)
        a.verdict = siminternal::fromRegionText(platform, s, region, rt, a.result.refusal) + ": " + a.verdict;
}

/// The one-line summary of a diagnosis whose attempts are filled in.
std::string summaryText(const Diagnosis& dg, const MapResolution& res, bool byHandle)
{
    const std::string who = dg.device + (dg.kind.empty() ? std::string() : "/" + dg.kind);
    if (res.regions.empty())
        return who + " asked for " + sizeText(dg.bytes) + ": no region to try. " + res.summary;
    if (byHandle)
        return who + " asked region " + dg.attempts.back().region + " by its handle for " + sizeText(dg.bytes) + ": "
            + (dg.succeeded ? "placed" : dg.attempts.back().verdict);
    if (dg.succeeded && dg.attempts.back().fallbackRegion)
        return who + " asked for " + sizeText(dg.bytes) + ": served by the system allocator through "
            + dg.attempts.back().region;
    if (dg.succeeded)
        return who + " asked for " + sizeText(dg.bytes) + ": placed in " + dg.attempts.back().region;
    return who + " asked for " + sizeText(dg.bytes) + ": every region refused (" + std::to_string(dg.attempts.size())
        + " tried)";
}

} // namespace

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

Diagnosis Simulation::diagnose(std::size_t step) const
{
    const Impl& m = *d;
    Diagnosis dg;
    dg.step = static_cast<std::uint32_t>(step);
    const StepType type = step < m.scenario.steps.size() ? m.scenario.steps[step].type : StepType::Phase;
    const bool isRequest =
        type == StepType::Allocate || type == StepType::Refused || type == StepType::AllocateFromRegion;
    if (!isRequest) {
        dg.summary = "step " + std::to_string(step) + " is not an allocation request";
        return dg;
    }
    const Step& s = m.scenario.steps[step];
    const bool recorded = s.type == StepType::Refused;
    dg.device = m.scenario.symbols.name(s.device);
    dg.kind = m.scenario.symbols.name(s.kind);
    const MapResolution res = requestMap(m.platform, s, recorded, dg);
    dg.mapSummary = res.summary;
    dg.mapTrail = res.trail;
    const SimState st = stateAt(step);
    for (const auto& name : res.regions) {
        Attempt& a = dg.attempts.emplace_back();
        a.region = name;
        const auto idx = static_cast<std::size_t>(std::find_if(m.platform.regions.begin(), m.platform.regions.end(),
                                                      [&](const Region& r) { return r.name == name; })
            - m.platform.regions.begin());
        if (idx >= m.platform.regions.size()) {
            a.exists = false;
            a.verdict = "no region of that name: skipped";
            continue;
        }
        const auto& rt = st.regions[idx];
        const Region& region = m.platform.regions[idx];
        a.neededPages = recorded ? s.size : pagesFor(s.size, rt.pageSize);
        if (type == StepType::AllocateFromRegion) {
            tryFromRegion(a, m.platform, s, region, rt, m.alignOrderFor(s, rt, a.neededPages));
        } else if (!tryUnallocatable(a, s, m.platform, region, rt)) {
            a.alignOrder = recorded ? s.alignLog2 : m.alignOrderFor(s, rt, a.neededPages);
            probePolicy(a, s, recorded, region, rt);
            if (!a.result.ok && rt.poolFallback && !recorded)
                systemAttempt(a, s, region, a.verdict + "; the pool is full, Hans Verkuil's fallback");
        }
        if (a.result.ok)
            break;
    }
    dg.succeeded = !dg.attempts.empty() && dg.attempts.back().result.ok;
    dg.summary = summaryText(dg, res, type == StepType::AllocateFromRegion);
    return dg;
}

} // namespace cmascope
