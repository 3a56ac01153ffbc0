// SPDX-License-Identifier: GPL-2.0-or-later
// Step narration (docs/teaching.md#narration): a headline and a few plain sentences per step. Requests reuse
// Simulation::diagnose() for the map rule and every region's verdict; the hole chosen, what a free merged with and
// the change in free space come from the region's occupancy before and after the step.
#include "narrationparts.h"

#include <cmascope/sim/narration.h>
#include <cmascope/util/units.h>

#include <iterator>

namespace cmascope {

namespace narration {

std::string addressText(const Region& region, std::uint64_t offset)
{
    return hexText(region.placedBase.value_or(region.start) + offset * region.pageSize);
}

std::string holesText(std::uint64_t n)
{
    return std::to_string(n) + (n == 1 ? " hole" : " holes");
}

std::pair<std::uint64_t, std::uint64_t> holeAt(const SimState::RegionRuntime& before, std::uint64_t offset)
{
    const auto& runs = before.occupancy.runs();
    auto it = runs.upper_bound(offset);
    if (it == runs.begin())
        return { 0, 0 };
    --it;
    if (it->first + it->second <= offset)
        return { 0, 0 };
    return { it->first, it->second };
}

} // namespace narration

namespace {

using namespace narration;

/// Everything one narration reads: the run, the step, its record and the states around it.
struct Context
{
    const Simulation& sim;
    std::size_t index;
    const Step& step;
    const StepRecord& rec;
    SimState before;
    SimState after;

    const Region* region() const
    {
        return rec.region < sim.platform().regions.size() ? &sim.platform().regions[rec.region] : nullptr;
    }
    std::string symbol(std::uint32_t id) const { return std::string(sim.scenario().symbols.name(id)); }
    std::string who() const { return symbol(step.device) + (step.kind ? "/" + symbol(step.kind) : std::string()); }
};

/// "Free space in a: 14 MiB in 2 holes, largest 8 MiB (was 20 MiB in 1, largest 20 MiB)."
std::string fragmentationText(const Context& c)
{
    const Region* region = c.region();
    if (!region || c.rec.region >= c.before.regions.size())
        return {};
    const auto& was = c.before.regions[c.rec.region].occupancy;
    const auto& now = c.after.regions[c.rec.region].occupancy;
    const auto bytes = [&](std::uint64_t pages) { return sizeText(pages * region->pageSize); };
    const auto state = [&](const FreeExtents& e) {
        return e.freePages() == 0
            ? std::string("nothing free")
            : bytes(e.freePages()) + " in " + holesText(e.runCount()) + ", largest " + bytes(e.largestRun());
    };
    return "Free space in " + region->name + ": " + state(now) + " (was " + state(was) + ").";
}

std::string requestHeadline(const Context& c)
{
    const Step& s = c.step;
    if (s.type == StepType::Refused)
        return c.who() + " asked for " + std::to_string(s.size) + " pages at order " + std::to_string(s.alignLog2)
            + " in a kernel trace, and the kernel refused.";
    std::string align;
    if (s.type == StepType::AllocateFromRegion && s.offset)
        align = " aligned to " + sizeText(s.offset);
    else if (s.type == StepType::Allocate && s.alignLog2 != kDefaultAlign && s.alignLog2 < 64)
        align = " aligned to " + sizeText(std::uint64_t { 1 } << s.alignLog2);
    if (s.type == StepType::AllocateFromRegion) {
        const auto& regions = c.sim.platform().regions;
        const std::string name = s.region < regions.size() ? regions[s.region].name : std::string("?");
        return c.who() + " asks region " + name + " by its handle for " + sizeText(s.size) + align + ".";
    }
    return c.who() + " asks for " + sizeText(s.size) + align + ".";
}

/// A request a kernel trace recorded as refused (cma_alloc failed): nothing changes. The diagnosis probes the
/// area's bitmap as it was; when it had room, the refusal was not for lack of free pages but for pages the kernel
/// could not take (docs/teaching.md#narration).
void narrateKernelRefusal(const Context& c, const Diagnosis& dg, StepNarration& out)
{
    for (const auto& a : dg.attempts) {
        if (!a.result.ok) {
            out.lines.push_back(a.region + ": no room by its bitmap either: " + a.verdict + ".");
            continue;
        }
        out.lines.push_back(a.region + ": by its bitmap the request had room at page offset "
            + std::to_string(a.result.offset) + ", so the kernel's refusal was not a lack of free pages: the pages "
            + "it tried could not be isolated or migrated (-EBUSY: pinned or in-flight pages).");
    }
    if (!out.lines.empty())
        out.outcome = out.lines.back();
    if (c.rec.busyRetries)
        out.lines.push_back("The kernel found " + std::to_string(c.rec.busyRetries)
            + " busy windows and retried at bit + mask + 1 after each before it gave up.");
    if (const std::string free = fragmentationText(c); !free.empty())
        out.lines.push_back(free);
}

/// A request: the map, every region refusing before the one that served it, the policy's choice and the result.
void narrateRequest(const Context& c, StepNarration& out)
{
    out.headline = requestHeadline(c);
    const Diagnosis dg = c.sim.diagnose(c.index);
    if (!dg.mapSummary.empty())
        out.lines.push_back("Map: " + dg.mapSummary + ".");
    if (c.step.type == StepType::Refused) {
        narrateKernelRefusal(c, dg, out);
        return;
    }
    const bool placed = c.rec.outcome == Outcome::Allocated;
    for (std::size_t i = 0; i < dg.attempts.size(); ++i) {
        const bool last = i + 1 == dg.attempts.size();
        if (!(placed && last))
            out.lines.push_back(dg.attempts[i].region + ": " + dg.attempts[i].verdict + ".");
    }
    if (c.rec.outcome == Outcome::Failed) {
        out.lines.push_back("Refused: " + dg.summary + ".");
        out.outcome = out.lines.back();
        return;
    }
    if (c.rec.outcome == Outcome::AllocatedFallback || !placed || !c.region()) {
        out.lines.push_back(dg.summary + ".");
        out.outcome = out.lines.back();
        return;
    }
    const Diagnosis::RegionAttempt* used = dg.attempts.empty() ? nullptr : &dg.attempts.back();
    const PlacementFacts facts { *c.region(), c.before.regions[c.rec.region], c.rec.offset, c.rec.pages,
        used ? used->neededPages : c.rec.pages, used ? used->alignOrder : 0u, c.rec.busyRetries };
    out.lines.push_back(choiceText(facts));
    out.lines.push_back(placedText(facts));
    out.outcome = out.lines.back() + " " + out.lines[out.lines.size() - 2]; // where first, then why
    out.lines.push_back(fragmentationText(c));
}

/// A free or release: the chunk and its free neighbours before the step.
void narrateFree(const Context& c, StepNarration& out)
{
    const Region* region = c.region();
    const std::string what =
        c.step.type == StepType::Free ? "'" + c.symbol(c.step.label) + "'" : std::to_string(c.step.size) + " pages";
    if (c.rec.outcome != Outcome::Freed || !region) {
        out.headline = "Free of " + what + ": "
            + (c.step.type == StepType::Free ? "nothing by that label is allocated" : "those pages are not allocated")
            + "; nothing changes.";
        return;
    }
    const auto bytes = [&](std::uint64_t pages) { return sizeText(pages * region->pageSize); };
    out.headline = what + " (" + bytes(c.rec.pages) + " at " + addressText(*region, c.rec.offset) + " in "
        + region->name + ") is freed.";
    const auto& runs = c.before.regions[c.rec.region].occupancy.runs();
    const std::uint64_t end = std::uint64_t(c.rec.offset) + c.rec.pages;
    const auto next = runs.find(end);
    auto prev = runs.lower_bound(c.rec.offset);
    const bool hasPrev = prev != runs.begin() && std::prev(prev)->first + std::prev(prev)->second == c.rec.offset;
    const std::uint64_t prevPages = hasPrev ? std::prev(prev)->second : 0;
    const std::uint64_t nextPages = next != runs.end() ? next->second : 0;
    const std::uint64_t merged = prevPages + c.rec.pages + nextPages;
    if (!prevPages && !nextPages)
        out.lines.push_back("No free neighbour: it becomes a hole of its own.");
    else if (prevPages && nextPages)
        out.lines.push_back("It merges with the free hole before it (" + bytes(prevPages) + ") and after it ("
            + bytes(nextPages) + ") into one " + bytes(merged) + " hole.");
    else
        out.lines.push_back("It merges with the free hole " + std::string(prevPages ? "before" : "after") + " it ("
            + bytes(prevPages + nextPages) + ") into one " + bytes(merged) + " hole.");
    out.outcome = out.lines.back();
    out.lines.push_back(fragmentationText(c));
}

/// "16 pages at 0x40010000 in a"
std::string rangeText(const Context& c)
{
    const Region* region = c.region();
    const auto& regions = c.sim.platform().regions;
    const Region* r = region ? region : (c.step.region < regions.size() ? &regions[c.step.region] : nullptr);
    if (!r)
        return std::to_string(c.step.size) + " pages";
    return std::to_string(c.step.size) + " pages at " + addressText(*r, c.step.offset) + " in " + r->name;
}

void narrateOther(const Context& c, StepNarration& out)
{
    switch (c.step.type) {
    case StepType::Phase:
        out.headline = "Phase: " + c.symbol(c.step.label) + ".";
        return;
    case StepType::Pin:
        out.headline = rangeText(c) + " become pinned: a window over them cannot be migrated (-EBUSY).";
        return;
    case StepType::Unpin:
        out.headline = rangeText(c) + " become movable again.";
        return;
    case StepType::Reset:
        out.headline = "Everything is freed and unpinned: every region is empty again.";
        return;
    case StepType::Place:
        out.headline = c.who() + " holds " + rangeText(c) + ", as a kernel trace recorded it ("
            + std::string(outcomeName(c.rec.outcome)) + ").";
        if (c.rec.outcome == Outcome::Allocated)
            out.lines.push_back(fragmentationText(c));
        return;
    default:
        out.headline = std::string(stepTypeName(c.step.type)) + ": " + std::string(outcomeName(c.rec.outcome)) + ".";
        return;
    }
}

} // namespace

StepNarration narrate(const Simulation& sim, std::size_t step)
{
    if (step >= sim.stepCount())
        return StepNarration { step, {}, {}, {} };
    return narrate(sim, step, sim.stateAt(step));
}

StepNarration narrate(const Simulation& sim, std::size_t step, const SimState& before)
{
    StepNarration out;
    out.step = step;
    if (step >= sim.stepCount() || before.position != step)
        return out;
    Context c { sim, step, sim.scenario().steps[step], sim.records()[step], before, {} };
    c.after = c.before;
    sim.advance(c.after, step + 1);
    switch (c.step.type) {
    case StepType::Allocate:
    case StepType::AllocateFromRegion:
    case StepType::Refused:
        narrateRequest(c, out);
        break;
    case StepType::Free:
    case StepType::Release:
        narrateFree(c, out);
        break;
    default:
        narrateOther(c, out);
        break;
    }
    return out;
}

} // namespace cmascope
