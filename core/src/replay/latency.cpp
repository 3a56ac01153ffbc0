// SPDX-License-Identifier: GPL-2.0-or-later
// Allocation latency of a replayed trace (latency.h, docs/time-and-latency.md).
#include <cmascope/replay/latency.h>
#include <cmascope/replay/replay.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace cmascope {

namespace {

/// The nearest-rank @p percent percentile of sorted, non-empty @p v: the ceil(percent/100 * n)-th sample.
std::uint64_t nearestRank(std::span<const std::uint64_t> v, unsigned percent)
{
    const std::size_t n = v.size();
    const std::size_t rank = (n * percent + 99) / 100; // ceil, n is far below 2^64 / 100
    return v[std::max<std::size_t>(rank, 1) - 1];
}

/// Latencies gathered per group index, then turned into groups with names.
std::vector<LatencyGroup> groups(
    std::vector<std::vector<std::uint64_t>>& samples, const std::vector<std::string>& names)
{
    std::vector<LatencyGroup> out;
    for (std::size_t i = 0; i < samples.size(); ++i)
        if (!samples[i].empty())
            out.push_back({ i < names.size() ? names[i] : std::to_string(i), latencyStats(samples[i]) });
    return out;
}

nlohmann::json statsJson(const LatencyStats& s)
{
    return { { "requests", s.requests }, { "median_s", double(s.medianNs) / 1e9 }, { "p99_s", double(s.p99Ns) / 1e9 },
        { "max_s", double(s.maxNs) / 1e9 } };
}

std::string statsText(const LatencyStats& s)
{
    return std::to_string(s.requests) + (s.requests == 1 ? " request" : " requests") + ", median "
        + latencyText(s.medianNs) + ", p99 " + latencyText(s.p99Ns) + ", max " + latencyText(s.maxNs);
}

} // namespace

LatencyStats latencyStats(std::span<std::uint64_t> samples)
{
    LatencyStats s;
    if (samples.empty())
        return s;
    std::sort(samples.begin(), samples.end());
    s.requests = samples.size();
    s.medianNs = nearestRank(samples, 50);
    s.p99Ns = nearestRank(samples, 99);
    s.maxNs = samples.back();
    for (const std::uint64_t v : samples)
        s.totalNs = v > UINT64_MAX - s.totalNs ? UINT64_MAX : s.totalNs + v;
    return s;
}

ReplayLatency replayLatency(const ReplayResult& result)
{
    ReplayLatency out;
    std::vector<std::uint64_t> all;
    std::vector<std::vector<std::uint64_t>> byTask(result.tasks.size()), byArea(result.areas.size());
    for (const ReplayRequest& q : result.requests) {
        if (!q.hasLatency()) {
            ++out.withoutLatency;
            continue;
        }
        all.push_back(q.latencyNs());
        if (q.task < byTask.size())
            byTask[q.task].push_back(q.latencyNs());
        if (q.area < byArea.size())
            byArea[q.area].push_back(q.latencyNs());
    }
    out.total = latencyStats(all);
    out.byTask = groups(byTask, result.tasks);
    std::vector<std::string> areaNames;
    for (const auto& a : result.areas)
        areaNames.push_back(a.area.name);
    out.byArea = groups(byArea, areaNames);
    return out;
}

std::string latencyText(std::uint64_t ns)
{
    char buf[48];
    if (ns < 1000)
        std::snprintf(buf, sizeof buf, "%llu ns", static_cast<unsigned long long>(ns));
    else if (ns < 1000000)
        std::snprintf(buf, sizeof buf, "%.4g us", double(ns) / 1e3);
    else if (ns < 1000000000)
        std::snprintf(buf, sizeof buf, "%.4g ms", double(ns) / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.4g s", double(ns) / 1e9);
    return buf;
}

std::string latencySummaryText(const ReplayLatency& latency)
{
    if (latency.total.requests == 0)
        return {};
    std::string out = "latency (start to finish): " + statsText(latency.total);
    if (latency.withoutLatency)
        out += " (" + std::to_string(latency.withoutLatency) + " without a start or finish)";
    out += '\n';
    for (const auto& g : latency.byArea)
        out += "  area " + g.name + ": " + statsText(g.stats) + '\n';
    for (const auto& g : latency.byTask)
        out += "  task " + g.name + ": " + statsText(g.stats) + '\n';
    return out;
}

nlohmann::json latencyJson(const ReplayLatency& latency)
{
    nlohmann::json j = statsJson(latency.total);
    j["without_latency"] = latency.withoutLatency;
    nlohmann::json areas = nlohmann::json::array(), tasks = nlohmann::json::array();
    for (const auto& g : latency.byArea) {
        nlohmann::json a = statsJson(g.stats);
        a["area"] = g.name;
        areas.push_back(std::move(a));
    }
    for (const auto& g : latency.byTask) {
        nlohmann::json t = statsJson(g.stats);
        t["task"] = g.name;
        tasks.push_back(std::move(t));
    }
    j["by_area"] = std::move(areas);
    j["by_task"] = std::move(tasks);
    return j;
}

} // namespace cmascope
