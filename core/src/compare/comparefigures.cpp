// SPDX-License-Identifier: GPL-2.0-or-later
// The figures of one run for the comparison, from its step records (docs/compare.md).
#include <cmascope/compare/comparefigures.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <limits>

namespace cmascope {

namespace {

/// An allocatable region as the records follow it.
struct Slot
{
    std::uint64_t pageSize = 4096;
    std::uint64_t pages = 0;
    std::uint64_t used0 = 0, largest0 = 0; ///< before the first step (and after a reset)
    std::uint64_t used = 0, largest = 0;
};

std::uint64_t bytesOf(std::uint64_t pages, std::uint64_t pageSize)
{
    return checkedMul(pages, pageSize).value_or(kU64Max); // placed regions fit in 64 bits: never reached
}

/// 1 - largest free / free: the charts' relative fragmentation (FreeExtents::relativeFragmentation).
double fragmentation(const Slot& s)
{
    const std::uint64_t free = s.pages - std::min(s.used, s.pages);
    return free == 0 ? 0.0 : 1.0 - static_cast<double>(s.largest) / static_cast<double>(free);
}

/// Folds the state of every slot at one position into the peaks and minimums of @p f.
void observe(const std::vector<Slot>& slots, VariantFigures& f)
{
    std::uint64_t used = 0, largest = 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const Slot& s = slots[i];
        RegionFigures& r = f.regions[i];
        const std::uint64_t usedBytes = bytesOf(s.used, s.pageSize);
        const std::uint64_t largestBytes = bytesOf(s.largest, s.pageSize);
        r.peakUsedBytes = std::max(r.peakUsedBytes, usedBytes);
        r.largestFreeMinBytes = std::min(r.largestFreeMinBytes, largestBytes);
        r.fragmentationPeak = std::max(r.fragmentationPeak, fragmentation(s));
        f.fragmentationPeak = std::max(f.fragmentationPeak, r.fragmentationPeak);
        used = checkedAdd(used, usedBytes).value_or(kU64Max);
        largest = std::max(largest, largestBytes);
    }
    f.peakUsedBytes = std::max(f.peakUsedBytes, used);
    f.largestFreeMinBytes = std::min(f.largestFreeMinBytes, largest);
}

std::vector<Slot> slotsOf(const Simulation& sim, std::vector<int>& slotOf, VariantFigures& f)
{
    const SimState start = sim.stateAt(0);
    std::vector<Slot> slots;
    slotOf.assign(start.regions.size(), -1);
    for (const auto& rt : start.regions) {
        if (!rt.allocatable())
            continue;
        const auto& occ = rt.occupancy;
        slotOf[rt.index] = static_cast<int>(slots.size());
        slots.push_back(
            { rt.pageSize, occ.pages(), occ.usedPages(), occ.largestRun(), occ.usedPages(), occ.largestRun() });
        RegionFigures r;
        r.name = sim.platform().regions[rt.index].name;
        r.sizeBytes = bytesOf(occ.pages(), rt.pageSize);
        r.largestFreeMinBytes = kU64Max;
        f.regions.push_back(r);
    }
    return slots;
}

} // namespace

VariantFigures figuresOf(const Simulation& sim)
{
    VariantFigures f;
    f.largestFreeMinBytes = kU64Max;
    std::vector<int> slotOf;
    std::vector<Slot> slots = slotsOf(sim, slotOf, f);
    observe(slots, f);
    for (const StepRecord& rec : sim.records()) {
        if (isServed(rec.outcome) || rec.outcome == Outcome::Failed) {
            ++f.requests;
            f.failures += rec.outcome == Outcome::Failed;
        }
        if (rec.outcome == Outcome::Reset) {
            for (Slot& s : slots) {
                s.used = s.used0;
                s.largest = s.largest0;
            }
        } else if (rec.region < slotOf.size() && slotOf[rec.region] >= 0) {
            Slot& s = slots[static_cast<std::size_t>(slotOf[rec.region])];
            s.used = rec.usedPages;
            s.largest = rec.largestFree;
        }
        observe(slots, f);
    }
    f.largestFreeEndBytes = 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        f.regions[i].largestFreeEndBytes = bytesOf(slots[i].largest, slots[i].pageSize);
        f.regions[i].fragmentationEnd = fragmentation(slots[i]);
        f.largestFreeEndBytes = std::max(f.largestFreeEndBytes, f.regions[i].largestFreeEndBytes);
        f.fragmentationEnd = std::max(f.fragmentationEnd, f.regions[i].fragmentationEnd);
    }
    if (slots.empty())
        f.largestFreeMinBytes = 0;
    return f;
}

std::string outcomeText(const Simulation& sim, std::size_t step)
{
    if (step >= sim.records().size())
        return "not run";
    const StepRecord& rec = sim.records()[step];
    const auto& regions = sim.platform().regions;
    const std::string region = rec.region < regions.size() ? regions[rec.region].name : std::string("?");
    switch (rec.outcome) {
    case Outcome::Allocated:
        return "placed in " + region + " at page " + std::to_string(rec.offset) + " (" + std::to_string(rec.pages)
            + " pages)";
    case Outcome::AllocatedFallback:
        return "served by the system allocator";
    case Outcome::Failed:
        return "failed (" + std::string(refusalVerdict(rec.refusal)) + ")";
    case Outcome::Freed:
        return "freed " + std::to_string(rec.pages) + " pages in " + region + " at page " + std::to_string(rec.offset);
    default:
        return std::string(outcomeName(rec.outcome));
    }
}

void findDifferences(const Simulation& base, const Simulation& variant, VariantFigures& out)
{
    const auto& a = base.records();
    const auto& b = variant.records();
    out.firstDifference.reset();
    out.difference.clear();
    out.differingSteps = 0;
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const StepRecord& x = a[i];
        const StepRecord& y = b[i];
        const bool same = x.outcome == y.outcome && x.region == y.region && x.offset == y.offset && x.pages == y.pages;
        if (same)
            continue;
        ++out.differingSteps;
        if (out.firstDifference)
            continue;
        out.firstDifference = static_cast<std::uint32_t>(i);
        out.difference =
            "step " + std::to_string(i) + ": base " + outcomeText(base, i) + "; here " + outcomeText(variant, i);
    }
}

} // namespace cmascope
