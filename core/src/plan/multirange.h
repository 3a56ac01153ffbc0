// SPDX-License-Identifier: GPL-2.0-or-later
// The slow path of cma_declare_contiguous_multi() (mm/cma.c, 6.15 and later): when no single range holds an area,
// the largest free stretches above 4 GiB make it up (docs/kernel-cma.md#multi-range-areas-in-plans). Not installed.
#pragma once

#include "memblockmap.h"

#include <cmascope/model/platform.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cmascope::placementdetail {

struct MultiRangeChoice
{
    /// The ranges, in the area's order (the order the kernel reserves them), each [base, base + size).
    std::vector<AddressRange> ranges;
    /// Empty on success; else why no set of ranges was found.
    std::string failure;
    /// The kernel counted more candidate bytes than it kept (see chooseRanges()): the ranges hold less than the
    /// area's size.
    bool shortOfSize = false;
};

/// Chooses the ranges as the kernel's code does, its list handling included:
/// - every free stretch (on @p node when it is not negative) that *starts* at or above 4 GiB, its start aligned up
///   and its end aligned down to @p align, its size rounded down to @p bitBytes (PAGE_SIZE << order_per_bit);
/// - at most @p maxRanges of them kept (CMA_MAX_RANGES): once the list is full, a stretch not smaller than the
///   list's last entry replaces it. Entries go in with the kernel's list_insert_sorted(), which places a new entry
///   before the first that is larger (before the last one when none is): the list is not always sorted;
/// - the sum of the sizes seen, less those replaced, must reach @p total; then entries are taken in list order,
///   each inserted into the final list the same way by base (before the first with a lower base), until they hold
///   @p total; the final list is reserved in order, each from its start, the last one possibly in part.
MultiRangeChoice chooseRanges(const MemblockMap& memory, std::uint64_t total, std::uint64_t align,
    std::uint64_t bitBytes, int node, unsigned maxRanges);

} // namespace cmascope::placementdetail
