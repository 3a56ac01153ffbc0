// SPDX-License-Identifier: GPL-2.0-or-later
// Two replayed traces side by side (tracepair.h, docs/time-and-latency.md "Comparing two traces").
#include <cmascope/compare/comparefigures.h>
#include <cmascope/compare/tracepair.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/util/units.h>

#include <map>
#include <tuple>

namespace cmascope {

namespace {

/// The peaks of one replay's timeline run: per area name, and of every area together. Empty when the replay
/// has no timeline or the run was cancelled.
struct Peaks
{
    std::map<std::string, std::uint64_t, std::less<>> byArea;
    std::optional<std::uint64_t> total;
};

Peaks peaksOf(const ReplayResult& r, const Progress& progress, std::uint64_t offset, std::uint64_t all)
{
    Peaks out;
    if (r.scenario.steps.empty())
        return out;
    Project project = replayProject(r, "trace");
    auto created = Simulation::create(project.platform, std::move(project.scenarios.front()));
    auto* sim = std::get_if<Simulation>(&created);
    if (!sim || !sim->run([&](std::uint64_t d, std::uint64_t) { return progress(offset + d, all); }))
        return out;
    const std::uint64_t page = std::max<std::uint64_t>(sim->platform().pageSize, 1);
    const VariantFigures f = figuresOf(*sim);
    for (const RegionFigures& region : f.regions)
        out.byArea[region.name] = region.peakUsedBytes / page;
    out.total = f.peakUsedBytes / page;
    return out;
}

TracePairFigures areaFigures(const ReplayAreaResult& a, const ReplayLatency& latency, const Peaks& peaks)
{
    TracePairFigures f;
    f.requests = a.requested;
    f.succeeded = a.succeeded;
    f.failed = a.failed;
    f.failuresByCause = a.failuresByCause;
    f.busyRetries = a.busyRetries;
    f.busyRequests = a.busyRequests;
    for (const LatencyGroup& g : latency.byArea)
        if (g.name == a.area.name)
            f.latency = g.stats;
    if (auto it = peaks.byArea.find(a.area.name); it != peaks.byArea.end())
        f.peakUsedPages = it->second;
    return f;
}

TracePairFigures totalFigures(const ReplayResult& r, const ReplayLatency& latency, const Peaks& peaks)
{
    TracePairFigures f;
    f.requests = r.requested;
    f.succeeded = r.succeeded;
    f.failed = r.failed;
    f.failuresByCause = r.failuresByCause;
    f.busyRetries = r.busyRetries;
    for (const ReplayAreaResult& a : r.areas)
        f.busyRequests += a.busyRequests;
    f.latency = latency.total;
    f.peakUsedPages = peaks.total;
    return f;
}

/// Rows for every area of @p a, then those only @p b has.
std::vector<TracePairRow> areaRows(const ReplayResult& a, const ReplayResult& b, const Peaks& pa, const Peaks& pb)
{
    const ReplayLatency la = replayLatency(a), lb = replayLatency(b);
    std::vector<TracePairRow> rows;
    for (const ReplayAreaResult& x : a.areas) {
        TracePairRow row { x.area.name, true, false, areaFigures(x, la, pa), {} };
        if (const ReplayAreaResult* y = b.findArea(x.area.name)) {
            row.inB = true;
            row.b = areaFigures(*y, lb, pb);
        }
        rows.push_back(std::move(row));
    }
    for (const ReplayAreaResult& y : b.areas)
        if (!a.findArea(y.area.name))
            rows.push_back({ y.area.name, false, true, {}, areaFigures(y, lb, pb) });
    return rows;
}

using Key = std::tuple<std::string, std::string, std::uint64_t, unsigned>;

Key keyOf(const ReplayResult& r, const ReplayRequest& q)
{
    const std::string task = q.task < r.tasks.size() ? std::string(taskWithoutPid(r.tasks[q.task])) : std::string();
    const std::string area = q.area < r.areas.size() ? r.areas[q.area].area.name : std::string();
    return { task, area, q.count, q.align };
}

/// For every request of @p a, the index of its counterpart in @p b (or SIZE_MAX).
std::vector<std::size_t> matchRequests(const ReplayResult& a, const ReplayResult& b, TracePairMatch match)
{
    std::vector<std::size_t> out(a.requests.size(), SIZE_MAX);
    if (match == TracePairMatch::ByOrder) {
        for (std::size_t i = 0; i < a.requests.size() && i < b.requests.size(); ++i)
            out[i] = i;
        return out;
    }
    std::map<Key, std::vector<std::size_t>> inB;
    for (std::size_t j = 0; j < b.requests.size(); ++j)
        inB[keyOf(b, b.requests[j])].push_back(j);
    std::map<Key, std::size_t> used;
    for (std::size_t i = 0; i < a.requests.size(); ++i) {
        const Key k = keyOf(a, a.requests[i]);
        auto it = inB.find(k);
        std::size_t& n = used[k];
        if (it != inB.end() && n < it->second.size())
            out[i] = it->second[n++];
    }
    return out;
}

/// The timeline step of every request (SIZE_MAX when it has none).
std::vector<std::size_t> stepsOfRequests(const ReplayResult& r)
{
    std::vector<std::size_t> out(r.requests.size(), SIZE_MAX);
    for (std::size_t s = 0; s < r.timeline.size(); ++s)
        if (r.timeline[s].kind == TimelineEntry::Request && r.timeline[s].index < out.size())
            out[r.timeline[s].index] = s;
    return out;
}

std::string outcomeText(const ReplayRequest& q)
{
    if (q.succeeded)
        return "allocated at pfn " + hexText(q.pfn);
    std::string out = "failed";
    if (q.cause != FailureCause::None)
        out += " (" + std::string(failureCauseName(q.cause)) + ")";
    return out;
}

TracePairDifference differenceOf(const ReplayResult& a, const ReplayResult& b, std::size_t i, std::size_t j)
{
    const ReplayRequest& x = a.requests[i];
    const ReplayRequest& y = b.requests[j];
    const auto [task, area, count, align] = keyOf(a, x);
    TracePairDifference d { i, j, {}, {}, {} };
    d.text = task + " asking " + area + " for " + std::to_string(count) + " pages at align " + std::to_string(align)
        + ": " + outcomeText(x) + " in A (line " + std::to_string(x.finishLine) + "), " + outcomeText(y)
        + " in B (line " + std::to_string(y.finishLine) + ")";
    return d;
}

/// Matches the requests and fills matched, onlyInA/B, differingOutcomes and firstDifference.
void compareRequests(const ReplayResult& a, const ReplayResult& b, TracePairResult& out)
{
    const std::vector<std::size_t> match = matchRequests(a, b, out.match);
    std::vector<bool> usedB(b.requests.size(), false);
    for (std::size_t i = 0; i < match.size(); ++i) {
        const std::size_t j = match[i];
        if (j == SIZE_MAX) {
            ++out.onlyInA;
            continue;
        }
        usedB[j] = true;
        ++out.matched;
        if (a.requests[i].succeeded == b.requests[j].succeeded)
            continue;
        ++out.differingOutcomes;
        if (!out.firstDifference)
            out.firstDifference = differenceOf(a, b, i, j);
    }
    for (const bool u : usedB)
        out.onlyInB += !u;
    if (out.firstDifference) {
        const std::size_t sa = stepsOfRequests(a)[out.firstDifference->requestA];
        const std::size_t sb = stepsOfRequests(b)[out.firstDifference->requestB];
        if (sa != SIZE_MAX)
            out.firstDifference->stepA = sa;
        if (sb != SIZE_MAX)
            out.firstDifference->stepB = sb;
    }
}

} // namespace

std::string_view tracePairMatchName(TracePairMatch match) noexcept
{
    return match == TracePairMatch::ByOrder ? "order" : "key";
}

std::string_view taskWithoutPid(std::string_view task) noexcept
{
    const auto dash = task.rfind('-');
    if (dash == std::string_view::npos || dash + 1 == task.size())
        return task;
    for (std::size_t i = dash + 1; i < task.size(); ++i)
        if (task[i] < '0' || task[i] > '9')
            return task;
    return task.substr(0, dash);
}

TracePairResult compareTracePair(
    const ReplayResult& a, const ReplayResult& b, TracePairMatch match, const Progress& progress)
{
    TracePairResult out;
    out.match = match;
    const std::uint64_t na = a.scenario.steps.size(), all = na + b.scenario.steps.size();
    const Peaks pa = peaksOf(a, progress, 0, all);
    const Peaks pb = peaksOf(b, progress, na, all);
    out.areas = areaRows(a, b, pa, pb);
    out.total = { {}, true, true, totalFigures(a, replayLatency(a), pa), totalFigures(b, replayLatency(b), pb) };
    compareRequests(a, b, out);
    return out;
}

} // namespace cmascope
