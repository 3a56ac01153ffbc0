// SPDX-License-Identifier: GPL-2.0-or-later
// Binary buddy allocator over one region.
#pragma once

#include <cmascope/policies/policy.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace cmascope {

/// Binary buddy system (Knowlton 1965; Peterson & Norman 1977; the Linux page allocator's scheme),
/// applied to one region. Blocks of order k are 2^k pages at offsets that are multiples of 2^k
/// relative to the region start; a region whose size is not a power of two starts as the maximal
/// such blocks. A request of n pages takes a block of order ceil(log2 n) (reservedPages reports
/// 2^order), split from the smallest free order that can serve it (lowest address first); freeing
/// coalesces with the buddy as long as it is free.
///
/// Alignment on the absolute PFN: a block of order k is aligned to 2^k relative to the region start,
/// so an alignment order a is served by choosing the sub-block at the right position while splitting.
/// If basePfn is not a multiple of 2^min(a, order) no block can ever be aligned: Refusal::Unsupported
/// (lastRefusalDetail() says why). Rounded sizes beyond the largest block are Unsupported too.
///
/// release() accepts a whole block (pages rounding to its order) or a range covered exactly by
/// consecutive allocated blocks (e.g. one created by reserve()); any other partial release returns false.
class BuddyPolicy final : public AllocationPolicy
{
public:
    BuddyPolicy() = default;

    std::string_view id() const noexcept override { return "buddy"; }
    std::optional<std::string> reset(const RegionGeometry& g) override;
    PolicyResult allocate(const PolicyRequest& req, const BusyOracle* busy) override;
    bool release(std::uint64_t offset, std::uint64_t pages) override;
    bool reserve(std::uint64_t offset, std::uint64_t pages) override;
    std::unique_ptr<AllocationPolicy> clone() const override;

    const RegionGeometry& geometry() const noexcept { return m_geometry; }
    std::uint64_t freePages() const noexcept { return m_free; }
    /// Largest block order the region holds (floor(log2 pages)).
    unsigned maxOrder() const noexcept { return m_maxOrder; }
    /// Free block offsets of order @p order, ascending.
    const std::set<std::uint64_t>& freeBlocks(unsigned order) const;
    /// Allocated blocks: offset -> order.
    const std::map<std::uint64_t, unsigned>& usedBlocks() const noexcept { return m_used; }
    /// Human-readable reason of the last Unsupported refusal, empty otherwise.
    const std::string& lastRefusalDetail() const noexcept { return m_detail; }

    /// ceil(log2(pages)), pages >= 1.
    static unsigned orderFor(std::uint64_t pages) noexcept;

private:
    /// Free block of order >= @p order containing @p page, as (offset, order); order > maxOrder if none.
    std::pair<std::uint64_t, unsigned> freeBlockContaining(std::uint64_t page, unsigned order) const;
    /// Takes the free block (offset, order) and splits it down to the block of @p target order at @p at.
    void splitTo(std::uint64_t block, unsigned order, std::uint64_t at, unsigned target);
    void freeBlock(std::uint64_t block, unsigned order);

    RegionGeometry m_geometry;
    std::vector<std::set<std::uint64_t>> m_freeLists; ///< per order, ascending offsets
    std::map<std::uint64_t, unsigned> m_used;
    std::uint64_t m_free = 0;
    unsigned m_maxOrder = 0;
    std::string m_detail;
};

} // namespace cmascope
