// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's CMA counters against the replay (docs/evidence-imports.md, "Checked against the replay").
#include <cmascope/replay/replay.h>
#include <cmascope/system/cmasysfs.h>
#include <cmascope/system/countercheck.h>
#include <cmascope/system/pagetypeinfo.h>
#include <cmascope/system/vmstat.h>

#include <algorithm>

namespace cmascope {

bool CounterCheckResult::ok() const
{
    return failures() == 0;
}

std::size_t CounterCheckResult::failures() const
{
    return std::size_t(std::count_if(checks.begin(), checks.end(), [](const CounterCheck& c) { return !c.ok; }));
}

ReplayCmaCounters replayCmaCounters(
    const ReplayResult& r, std::size_t area, const ReplayAreaResult& state, std::uint32_t uptoLine)
{
    ReplayCmaCounters c;
    for (const auto& q : r.requests) {
        if (q.area != area || !q.complete || (uptoLine && q.finishLine >= uptoLine))
            continue;
        (q.succeeded ? c.successPages : c.failPages) += q.count;
        ++(q.succeeded ? c.successCalls : c.failCalls);
    }
    // The kernel counts every released page (docs/evidence-imports.md), the replay also those it did not know as
    // allocated.
    c.releasedPages = state.releasedPages + state.unknownReleasePages;
    c.totalPages = state.area.totalPages();
    c.availablePages = state.availablePages(); // every range's (docs/kernel-cma.md, multi-range areas)
    return c;
}

namespace {

CounterCheck makeCheck(
    std::string area, std::string counter, std::uint64_t kernel, std::uint64_t replay, CounterCheck::Relation relation)
{
    const bool ok = relation == CounterCheck::Equal ? kernel == replay
        : relation == CounterCheck::KernelAtLeast   ? kernel >= replay
                                                    : kernel <= replay;
    return CounterCheck { std::move(area), std::move(counter), kernel, replay, relation, ok };
}

/// Counters since boot can only equal the trace's when the trace saw every allocation since boot.
CounterCheck::Relation sinceBoot(const ReplayResult& r)
{
    return r.lateStart.detected ? CounterCheck::KernelAtLeast : CounterCheck::Equal;
}

void noteLateStart(const ReplayResult& r, CounterCheckResult& out)
{
    if (r.lateStart.detected)
        out.notes.push_back("the trace began after boot: the kernel's counts since boot can only be at least "
                            "the replay's");
}

} // namespace

CounterCheckResult checkCmaSysfs(const CmaSysfsSnapshot& sysfs, const ReplayResult& r,
    std::span<const ReplayAreaResult> areas, std::uint32_t uptoLine)
{
    CounterCheckResult out;
    const auto since = sinceBoot(r);
    for (std::size_t i = 0; i < areas.size() && i < r.areas.size(); ++i) {
        const std::string& name = areas[i].area.name;
        const CmaSysfsArea* k = sysfs.find(name);
        if (!k) {
            out.notes.push_back("area " + name + ": not in the sysfs counters");
            continue;
        }
        const ReplayCmaCounters c = replayCmaCounters(r, i, areas[i], uptoLine);
        const auto add = [&](const std::optional<std::uint64_t>& v, const char* counter, std::uint64_t replay,
                             CounterCheck::Relation rel) {
            if (v)
                out.checks.push_back(makeCheck(name, counter, *v, replay, rel));
        };
        add(k->allocPagesSuccess, "alloc_pages_success", c.successPages, since);
        add(k->allocPagesFail, "alloc_pages_fail", c.failPages, since);
        add(k->releasePagesSuccess, "release_pages_success", c.releasedPages, since);
        add(k->totalPages, "total_pages", c.totalPages, CounterCheck::Equal);
        add(k->availablePages, "available_pages", c.availablePages, CounterCheck::Equal);
    }
    for (const auto& a : sysfs.areas)
        if (std::none_of(areas.begin(), areas.end(), [&](const ReplayAreaResult& x) { return x.area.name == a.name; }))
            out.notes.push_back("area " + a.name + ": in the sysfs counters, not in the replay (yet)");
    for (const auto& a : areas)
        if (a.area.source == AreaSource::Inferred && sysfs.find(a.area.name))
            out.notes.push_back("area " + a.area.name + ": its geometry is inferred from the trace (" + a.area.origin
                + "): total_pages and available_pages tell whether the inference is right");
    noteLateStart(r, out);
    return out;
}

CounterCheckResult checkVmstat(
    const VmstatCma& v, const ReplayResult& r, std::span<const ReplayAreaResult> areas, std::uint32_t uptoLine)
{
    CounterCheckResult out;
    ReplayCmaCounters all;
    for (std::size_t i = 0; i < areas.size() && i < r.areas.size(); ++i) {
        const auto c = replayCmaCounters(r, i, areas[i], uptoLine);
        all.successCalls += c.successCalls;
        all.failCalls += c.failCalls;
        all.availablePages += c.availablePages;
    }
    // Requests to areas the replay has no geometry for are failures the kernel counted too.
    for (const auto& u : r.unplaced)
        if (!uptoLine || u.line < uptoLine)
            ++all.failCalls;
    const auto since = sinceBoot(r);
    if (v.allocSuccess)
        out.checks.push_back(makeCheck("", "cma_alloc_success", *v.allocSuccess, all.successCalls, since));
    if (v.allocFail)
        out.checks.push_back(makeCheck("", "cma_alloc_fail", *v.allocFail, all.failCalls, since));
    if (v.freeCma) {
        out.checks.push_back(makeCheck("", "nr_free_cma", *v.freeCma, all.availablePages, CounterCheck::KernelAtMost));
        out.notes.push_back("nr_free_cma counts free pages in CMA pageblocks; pages lent to movable allocations are "
                            "not free, so it is at most the pages cma_alloc() has not taken");
    }
    noteLateStart(r, out);
    return out;
}

CounterCheckResult checkPagetypeinfo(
    const Pagetypeinfo& info, const ReplayResult& r, std::span<const ReplayAreaResult> areas)
{
    CounterCheckResult out;
    std::uint64_t available = 0;
    for (std::size_t i = 0; i < areas.size() && i < r.areas.size(); ++i)
        available += areas[i].availablePages();
    out.checks.push_back(
        makeCheck("", "pagetypeinfo CMA free pages", info.cmaFreePages(), available, CounterCheck::KernelAtMost));
    if (info.capped())
        out.notes.push_back("some order had more than 100000 free blocks (\">100000\"): the free pages are a lower "
                            "bound");
    return out;
}

std::string counterCheckText(const CounterCheck& c)
{
    static constexpr const char* relation[] = { "=", ">=", "<=" };
    std::string text = c.area.empty() ? std::string() : "area " + c.area + ": ";
    text += c.counter + " kernel " + std::to_string(c.kernel) + ' ' + relation[c.relation] + " replay "
        + std::to_string(c.replay);
    return c.ok ? text : text + " — DIFFERS";
}

} // namespace cmascope
