// SPDX-License-Identifier: GPL-2.0-or-later
// An index of the free page runs of one region, independent of the allocation policy.
// It gives every per-step metric in O(log n): used and free pages, the largest free run, the number of
// runs, the footprint (highest page in use), and the buddy-style block counts per order from which the
// kernel's unusable_index and extfrag_index are computed (mm/vmstat.c).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace cmascope {

class FreeExtents
{
public:
    /// Highest block order counted. Unlike the buddy allocator (MAX_PAGE_ORDER = 10 on 4 KiB pages) runs
    /// are not split at order 10: CMA requests go far beyond it. For orders <= 10 the indices equal the
    /// kernel's (a block above order 10 exists only if a suitable one does), above they stay meaningful.
    static constexpr unsigned kMaxOrder = 63;

    FreeExtents() = default;
    /// An all-free region of @p pages pages whose first page is absolute PFN @p basePfn.
    FreeExtents(std::uint64_t basePfn, std::uint64_t pages);

    std::uint64_t basePfn() const { return m_basePfn; }
    std::uint64_t pages() const { return m_pages; }
    std::uint64_t freePages() const { return m_free; }
    std::uint64_t usedPages() const { return m_pages - m_free; }
    std::size_t runCount() const { return m_runs.size(); }
    std::uint64_t largestRun() const { return m_bySize.empty() ? 0 : m_bySize.rbegin()->first; }
    /// One past the highest page in use (0 if nothing is used): the region's footprint.
    std::uint64_t footprint() const;

    /// True if every page of [offset, offset + pages) is free.
    bool isFree(std::uint64_t offset, std::uint64_t pages) const;
    /// True if every page of [offset, offset + pages) is in use.
    bool isUsed(std::uint64_t offset, std::uint64_t pages) const;
    /// Marks a free range used. Returns false (and changes nothing) if any page of it is not free.
    bool take(std::uint64_t offset, std::uint64_t pages);
    /// Marks a used range free, merging with neighbours. False (no change) if any page is already free.
    bool give(std::uint64_t offset, std::uint64_t pages);

    /// The free runs in address order: (offset, length).
    const std::map<std::uint64_t, std::uint64_t>& runs() const { return m_runs; }

    /// Largest free window whose absolute start PFN is a multiple of 2^order.
    std::uint64_t largestAligned(unsigned order) const;
    /// Whether the region, were it all free, would hold a window of @p pages pages whose absolute start PFN is a
    /// multiple of 2^order: false means the alignment, not the occupancy, refuses such a request.
    bool admitsAligned(std::uint64_t pages, unsigned order) const;
    /// The first window of @p pages free pages aligned to 2^order on the absolute PFN (first fit), if any.
    std::optional<std::uint64_t> firstFit(std::uint64_t pages, unsigned order) const;

    /// Free blocks of each order when every free run is split into maximal naturally aligned blocks.
    const std::array<std::uint64_t, kMaxOrder + 1>& blocksPerOrder() const { return m_blocks; }
    /// unusable_index for @p order, in thousandths (0 = all free memory usable, 1000 = none usable).
    int unusableIndex(unsigned order) const;
    /// extfrag_index for @p order, in thousandths; -1000 when a suitable block exists (the request would
    /// succeed); towards 0 = failure for lack of memory, towards 1000 = failure from fragmentation.
    int extfragIndex(unsigned order) const;
    /// 1 - largest / total free, in [0, 1]; 0 when nothing is free.
    double relativeFragmentation() const;

    bool operator==(const FreeExtents& o) const { return m_runs == o.m_runs && m_basePfn == o.m_basePfn; }

private:
    void addRun(std::uint64_t offset, std::uint64_t length);
    void removeRun(std::map<std::uint64_t, std::uint64_t>::iterator it);
    void countBlocks(std::uint64_t offset, std::uint64_t length, int sign);

    std::uint64_t m_basePfn = 0;
    std::uint64_t m_pages = 0;
    std::uint64_t m_free = 0;
    std::map<std::uint64_t, std::uint64_t> m_runs; ///< offset -> length
    std::map<std::uint64_t, std::uint32_t> m_bySize; ///< length -> number of runs of that length
    std::array<std::uint64_t, kMaxOrder + 1> m_blocks {};
};

} // namespace cmascope
