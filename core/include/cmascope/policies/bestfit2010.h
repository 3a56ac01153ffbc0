// SPDX-License-Identifier: GPL-2.0-or-later
// The "bf" best-fit allocator of the 2010 CMA proposal (mm/cma-best-fit.c, v1-v6).
#pragma once

#include <cmascope/policies/holelist.h>

#include <array>
#include <map>
#include <set>

namespace cmascope {

/// The 2010 CMA "bf" allocator (Michal Nazarewicz, mm/cma-best-fit.c), docs/cma2010.md#the-bf-best-fit-allocator, in
/// pages with the v3+ semantics (sizes in whole pages, alignment >= 1 page, alignment on the absolute PFN).
///
/// Holes are indexed by size; among equal sizes the most recently (re)inserted hole comes first (the
/// rb-tree insert goes left when value <= node). alloc() takes the smallest hole that can hold the
/// request and walks its in-order successors until the aligned chunk fits. __cma_bf_hole_take():
/// (1) a request equal to the hole takes it whole; (3) a chunk strictly inside the hole slides to the
/// hole's end when (hole.end - chunk.end) % alignment == 0, otherwise the tail becomes a new hole;
/// (2) the remaining hole is shrunk and re-inserted. Freed chunks merge with both neighbours.
///
/// Busy windows (not part of the 2010 code, which had no migration): if the chunk __cma_bf_hole_take()
/// would choose is busy, the other aligned windows of the same hole are tried in address order, then
/// the next hole in size order.
class BestFit2010Policy final : public HoleListPolicy
{
public:
    BestFit2010Policy() = default;

    std::string_view id() const noexcept override { return "bf"; }
    std::unique_ptr<AllocationPolicy> clone() const override;

    /// Holes in the by_size order the allocator walks them: (start, size) pairs.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> holesBySize() const;

protected:
    std::optional<std::uint64_t> choose(std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy,
        std::vector<std::uint64_t>& busyOffsets) override;
    void holeInserted(std::uint64_t start, const Hole& hole) override;
    void holeErased(std::uint64_t start, const Hole& hole) override;
    void holeChanged(std::uint64_t oldStart, const Hole& oldHole, std::uint64_t newStart, const Hole& newHole) override;
    void cleared() override { m_bySize.clear(); }

private:
    /// All holes of one size, newest first, with a census of their first PFNs modulo 64 so the
    /// alignment walk can skip a whole size class that cannot hold an aligned chunk (same result
    /// as visiting its holes one by one, as the 2010 code does).
    struct Bucket
    {
        std::set<std::pair<std::uint64_t, std::uint64_t>> holes; ///< (~seq, start): newest first
        std::array<std::uint32_t, 64> residueCount {};
        std::uint64_t residueMask = 0; ///< bit r set if some hole has (basePfn + start) % 64 == r
    };
    void addToBucket(Bucket& b, std::uint64_t start) noexcept;
    void removeFromBucket(Bucket& b, std::uint64_t start) noexcept;
    /// Takes a chunk from the hole (start, size) if it can hold one; see __cma_bf_hole_take().
    std::optional<std::uint64_t> tryHole(std::uint64_t start, std::uint64_t size, std::uint64_t pages,
        std::uint64_t alignPages, const BusyOracle* busy, std::vector<std::uint64_t>& busyOffsets) const;

    std::map<std::uint64_t, Bucket> m_bySize; ///< size -> holes of that size
};

} // namespace cmascope
