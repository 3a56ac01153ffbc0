// SPDX-License-Identifier: GPL-2.0-or-later
// Per-task figures of a replay: the tasks of a trace are its devices (docs/trace-analysis.md).
#include <cmascope/replay/replay.h>

namespace cmascope {

std::vector<ReplayTaskStats> taskStatistics(const ReplayResult& result)
{
    std::vector<ReplayTaskStats> all(result.tasks.size());
    for (std::uint32_t t = 0; t < all.size(); ++t)
        all[t].task = t;
    for (const ReplayRequest& q : result.requests) {
        if (q.task >= all.size() || !q.complete)
            continue;
        ReplayTaskStats& s = all[q.task];
        ++s.requested;
        s.requestedPages += q.count;
        if (q.succeeded) {
            ++s.succeeded;
        } else {
            ++s.failed;
            ++s.failuresByCause[static_cast<std::size_t>(q.cause)];
        }
        s.busyRetries += q.busyRetries;
        s.busyRequests += q.busyRetries ? 1u : 0u;
    }
    std::erase_if(all, [](const ReplayTaskStats& s) { return s.requested == 0; });
    return all;
}

} // namespace cmascope
