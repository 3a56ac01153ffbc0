// SPDX-License-Identifier: GPL-2.0-or-later
// The sizes a kernel trace asked for, as a workload's empirical size distribution (docs/workload.md, "Sizes
// from a trace"): every recorded request (served or refused) of the chosen tasks, counted by size in bytes.
#pragma once

#include <cmascope/model/workload.h>
#include <cmascope/replay/replay.h>

#include <string_view>
#include <vector>

namespace cmascope {

/// The requests of @p replay counted by size (pages × the area's page size), smallest size first. @p task
/// chooses whose: a task's full name ("kworker/0:1-42"), its command without the pid ("kworker/0:1") or an
/// area's name; empty = every request. Needs ReplayOptions::keepRequests. Empty when nothing matches.
std::vector<WeightedSize> workloadHistogram(const ReplayResult& replay, std::string_view task = {});

/// The task commands of @p replay's requests (without pids), each once, in order of first request: what
/// workloadHistogram() can be filtered by.
std::vector<std::string> replayTaskCommands(const ReplayResult& replay);

} // namespace cmascope
