// SPDX-License-Identifier: GPL-2.0-or-later
// Shared bookkeeping of the hole-based policies (sequential fits, the 2010 best fit, TLSF).
#pragma once

#include <cmascope/policies/policy.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cmascope {

/// Base of the policies that keep their free space as a set of maximal holes (free extents) with
/// immediate coalescing: an address-ordered map of holes (the `by_start` tree of the 2010 code,
/// the physical neighbour links of TLSF) plus whatever index the derived policy adds through the
/// holeInserted()/holeErased() hooks.
///
/// The base does the policy-independent parts: request checks (ZeroSize, TooLarge, NotEnoughFree),
/// splitting the chosen hole around the placement (the tail piece is inserted before the leading
/// piece, as in the 2010 __cma_bf_hole_take()), and merging on release. Every insertion gets a fresh
/// sequence number so derived indexes can order equal keys by recency.
///
/// Any sub-range of allocated pages may be released (partial frees); reserve() carves a range out
/// of a single hole.
class HoleListPolicy : public AllocationPolicy
{
public:
    struct Hole
    {
        std::uint64_t size = 0; ///< pages
        std::uint64_t seq = 0; ///< insertion sequence number, larger = more recently (re)inserted
    };

    std::optional<std::string> reset(const RegionGeometry& g) final;
    PolicyResult allocate(const PolicyRequest& req, const BusyOracle* busy) final;
    bool release(std::uint64_t offset, std::uint64_t pages) final;
    bool reserve(std::uint64_t offset, std::uint64_t pages) final;

    const RegionGeometry& geometry() const noexcept { return m_geometry; }
    std::uint64_t freePages() const noexcept { return m_free; }
    /// The holes, keyed by their first page (relative to the region start).
    const std::map<std::uint64_t, Hole>& holes() const noexcept { return m_holes; }
    std::uint64_t largestHole() const noexcept;

protected:
    HoleListPolicy() = default;
    HoleListPolicy(const HoleListPolicy&) = default;
    HoleListPolicy& operator=(const HoleListPolicy&) = default;

    /// Picks the first page of the placement of @p pages pages whose absolute PFN is a multiple of
    /// @p alignPages, inside one hole; nullopt if there is none. Busy windows tried are appended to
    /// @p busyOffsets. Called only when pages <= freePages().
    virtual std::optional<std::uint64_t> choose(std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy,
        std::vector<std::uint64_t>& busyOffsets) = 0;
    virtual void holeInserted(std::uint64_t /*start*/, const Hole& /*hole*/) { }
    virtual void holeErased(std::uint64_t /*start*/, const Hole& /*hole*/) { }
    /// A hole was resized or moved in place (and got a fresh sequence number). The default calls
    /// holeErased() then holeInserted(); indexes may override it to reuse their nodes.
    virtual void holeChanged(std::uint64_t oldStart, const Hole& oldHole, std::uint64_t newStart, const Hole& newHole)
    {
        holeErased(oldStart, oldHole);
        holeInserted(newStart, newHole);
    }
    /// Called by reset() before the initial hole is inserted; derived indexes clear themselves here.
    virtual void cleared() { }
    /// Called after a placement was carved out (next fit moves its rover here).
    virtual void placed(std::uint64_t /*start*/, std::uint64_t /*pages*/) { }

    /// First page >= @p offset whose absolute PFN (basePfn + page) is a multiple of @p alignPages.
    std::uint64_t alignUp(std::uint64_t offset, std::uint64_t alignPages) const noexcept;
    /// Lowest aligned window of @p pages pages inside the hole [start, start + size) that the oracle
    /// does not report busy; busy windows tried go to @p busyOffsets.
    std::optional<std::uint64_t> fitInHole(std::uint64_t start, std::uint64_t size, std::uint64_t pages,
        std::uint64_t alignPages, const BusyOracle* busy, std::vector<std::uint64_t>& busyOffsets) const;

private:
    void insertHole(std::uint64_t start, std::uint64_t size);
    void eraseHole(std::map<std::uint64_t, Hole>::iterator it);
    /// Gives the hole at @p it the extent [newStart, newStart + newSize); no other hole may lie between.
    void changeHole(std::map<std::uint64_t, Hole>::iterator it, std::uint64_t newStart, std::uint64_t newSize);
    /// Removes [chunk, chunk + pages) from the hole at @p it.
    void carve(std::map<std::uint64_t, Hole>::iterator it, std::uint64_t chunk, std::uint64_t pages);
    std::map<std::uint64_t, Hole>::iterator holeContaining(std::uint64_t page);

    RegionGeometry m_geometry;
    std::map<std::uint64_t, Hole> m_holes;
    std::uint64_t m_free = 0;
    std::uint64_t m_seq = 0;
};

} // namespace cmascope
