// SPDX-License-Identifier: GPL-2.0-or-later
// A trace's request sizes as a workload size distribution (docs/workload.md, "Sizes from a trace").
#include <cmascope/replay/workloadhistogram.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <map>

namespace cmascope {

namespace {

/// "comm-pid" without "-pid" (a command may hold dashes itself: only the last one goes).
std::string_view command(std::string_view task)
{
    const auto dash = task.rfind('-');
    return dash == std::string_view::npos ? task : task.substr(0, dash);
}

std::uint64_t areaPageSize(const ReplayResult& replay, std::uint32_t area)
{
    if (area < replay.platform.regions.size())
        return replay.platform.regions[area].pageSize;
    return replay.platform.pageSize ? replay.platform.pageSize : 4096;
}

} // namespace

std::vector<WeightedSize> workloadHistogram(const ReplayResult& replay, std::string_view task)
{
    std::map<std::uint64_t, std::uint64_t> counts;
    for (const ReplayRequest& q : replay.requests) {
        const std::string_view name = q.task < replay.tasks.size() ? replay.tasks[q.task] : std::string_view();
        const std::string_view area =
            q.area < replay.areas.size() ? replay.areas[q.area].area.name : std::string_view();
        if (!task.empty() && name != task && command(name) != task && area != task)
            continue;
        // A page count times a page size can pass 2^64 only in a broken trace: such a request is left out.
        if (const auto bytes = checkedMul(q.count, areaPageSize(replay, q.area)); bytes && *bytes > 0)
            ++counts[*bytes];
    }
    std::vector<WeightedSize> out;
    for (const auto& [bytes, n] : counts)
        out.push_back({ bytes, n });
    return out;
}

std::vector<std::string> replayTaskCommands(const ReplayResult& replay)
{
    std::vector<std::string> out;
    for (const ReplayRequest& q : replay.requests) {
        if (q.task >= replay.tasks.size())
            continue;
        const std::string c(command(replay.tasks[q.task]));
        if (std::find(out.begin(), out.end(), c) == out.end())
            out.push_back(c);
    }
    return out;
}

} // namespace cmascope
