// SPDX-License-Identifier: GPL-2.0-or-later
// The ranges of a replayed area as the 6.15+ allocator sees them (internal to src/replay; docs/kernel-cma.md,
// "Multi-range areas in cmascope").
#pragma once

#include <cmascope/policies/kernelranges.h>
#include <cmascope/replay/replay.h>

#include <vector>

namespace cmascope::replayinternal {

/// The area's range states in the area's order, for allocateInRanges() and rangeHolding().
std::vector<KernelBitmapPolicy*> rangePointers(ReplayAreaResult& area);
std::vector<const KernelBitmapPolicy*> rangePointers(const ReplayAreaResult& area);

} // namespace cmascope::replayinternal
