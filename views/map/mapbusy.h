// SPDX-License-Identifier: GPL-2.0-or-later
// Busy windows on the memory map (docs/map-traces.md): the windows a kernel trace's request found busy
// (cma_alloc_busy_retry: alloc_contig_range() could not migrate their pages), added to a MapContent at
// the step of that request, and the tooltip text that names them.
#pragma once

#include "map/mapcontent.h"

#include <cmascope/replay/replay.h>

#include <QString>

#include <cstddef>
#include <cstdint>

namespace cmascope::views {

/// Adds to @p content (built for the same replay's project) the busy windows of the request at scenario
/// step @p step of @p replay (none when that step is no request or its request had no busy retry), and, for a
/// failed request, names the cause the replay proved in the ghost's caption ("failed (busy): ...").
void addBusyWindows(MapContent& content, const ReplayResult& replay, std::size_t step);

/// "busy: pages 0x…–0x… could not be migrated (line N, t=S.UUUUUU)" for each busy window of region
/// @p region that covers @p address, one per line (at most a few, then "and N more"); empty when none does.
QString busyWindowText(const MapContent& content, int region, std::uint64_t address);

} // namespace cmascope::views
