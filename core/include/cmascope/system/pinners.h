// SPDX-License-Identifier: GPL-2.0-or-later
// Who holds the pages a CMA allocation could not migrate: the busy windows of a replay (cma_alloc_busy_retry, or
// dmesg "PFNs busy" lines when the trace has no busy retry) joined to a page_owner dump
// (docs/evidence-imports.md, "Who pins the page"). Standard C++20, no Qt, no global state.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace cmascope {

struct ReplayResult;
struct BusyLogLine;
struct PageOwnerDump;

/// A PFN range that was busy for one request.
struct BusyEvidence
{
    std::uint32_t request = 0; ///< ReplayResult::requests index
    std::uint64_t firstPfn = 0, endPfn = 0; ///< [firstPfn, endPfn)
    bool fromDmesg = false; ///< a "PFNs busy" line, not a cma_alloc_busy_retry
    std::uint32_t line = 0; ///< of the trace event or the dmesg line
};

/// The busy_retry windows of every request, then each dmesg line joined to the failed request without busy
/// retry that it fits: its end is the end of a window of that request's size and alignment inside the request's
/// area, and (when both have times) it was printed between the request's start and finish. Sorted by request.
std::vector<BusyEvidence> busyEvidence(const ReplayResult& result, std::span<const BusyLogLine> dmesg);

/// One owner of pages in a request's busy windows.
struct PagePinner
{
    std::string comm;
    std::int64_t pid = 0, tgid = 0;
    std::string pageType, blockType;
    std::vector<std::string> frames; ///< the first callers after the page allocator
    std::uint64_t pages = 0; ///< of this owner in the windows
    std::uint64_t firstPfn = 0;
    std::uint32_t line = 0; ///< of its first page_owner record
};

/// The owners of the allocated pages in request @p request's busy windows, the ones that cannot be moved
/// (not Movable) first, then by pages. At most @p limit.
std::vector<PagePinner> pinnersOf(
    std::size_t request, std::span<const BusyEvidence> evidence, const PageOwnerDump& dump, std::size_t limit = 8);

/// "dd (pid 212, tgid 212): 3 pages from 0x5a000, Movable in a CMA block, via shmem_alloc_folio < ...".
std::string pinnerText(const PagePinner& pinner);

} // namespace cmascope
