// SPDX-License-Identifier: GPL-2.0-or-later
// What the app replays a trace file with when nothing else is said: the boot log beside it.
#pragma once

#include <cmascope/replay/areas.h>

#include <QString>

namespace cmascope::views {

/// Adds the first dmesg*.txt or dmesg*.log in the trace's folder (its "cma: Reserved ... at ..." lines give the
/// areas' exact geometry) to @p inputs; nothing when there is none or it cannot be read.
void addBootLogBeside(ReplayInputs& inputs, const QString& tracePath);

} // namespace cmascope::views
