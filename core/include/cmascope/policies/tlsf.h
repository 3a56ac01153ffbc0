// SPDX-License-Identifier: GPL-2.0-or-later
// TLSF: two-level segregated fit (Masmano, Ripoll, Crespo, Real, ECRTS 2004).
#pragma once

#include <cmascope/policies/holelist.h>

#include <array>
#include <set>

namespace cmascope {

/// Two-level segregated fit (Masmano et al., ECRTS 2004; SPE 38(10) 2008), in pages.
///
/// Free blocks sit in lists indexed by (fl, sl): sizes below 2^SLI pages have one exact list each
/// (fl = 0, sl = size); larger sizes use fl = floor(log2 size) - SLI + 1 and sl = the next SLI bits
/// below the leading one, SLI = PolicyParams::tlsfSecondLevelLog2 (0..6). A first-level bitmap and
/// one second-level bitmap per fl find a non-empty list with find-first-set in O(1).
///
/// Allocation is "good fit": the request (plus alignment - 1 pages of slack when aligned) is rounded
/// up to the start of the next list class so that every block found fits, and the head of the first
/// non-empty list at or above that class is taken (lists are LIFO). A leading fragment left by the
/// alignment and the unused tail return to the free lists; freed blocks coalesce immediately with
/// free physical neighbours. Like the original, the search is incomplete: a block in the request's
/// own class that would fit is not considered (Refusal::Fragmented).
///
/// With a BusyOracle, busy windows are skipped: the other aligned windows of the block, then the
/// other blocks of the list, then higher lists.
class TlsfPolicy final : public HoleListPolicy
{
public:
    explicit TlsfPolicy(const PolicyParams& params = {});

    std::string_view id() const noexcept override { return "tlsf"; }
    std::unique_ptr<AllocationPolicy> clone() const override;

    unsigned secondLevelLog2() const noexcept { return m_sli; }
    /// The (fl, sl) list a free block of @p size pages belongs to (TLSF mapping_insert).
    std::pair<unsigned, unsigned> listFor(std::uint64_t size) const noexcept;
    /// Size rounded up to the start of the next list class (TLSF mapping_search rounding).
    std::uint64_t roundUpToClass(std::uint64_t size) const noexcept;
    std::uint64_t firstLevelBitmap() const noexcept { return m_flBitmap; }
    std::uint64_t secondLevelBitmap(unsigned fl) const noexcept { return fl < 64 ? m_slBitmap[fl] : 0; }

protected:
    std::optional<std::uint64_t> choose(std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy,
        std::vector<std::uint64_t>& busyOffsets) override;
    void holeInserted(std::uint64_t start, const Hole& hole) override;
    void holeErased(std::uint64_t start, const Hole& hole) override;
    void holeChanged(std::uint64_t oldStart, const Hole& oldHole, std::uint64_t newStart, const Hole& newHole) override;
    void cleared() override;

private:
    using List = std::set<std::pair<std::uint64_t, std::uint64_t>>; ///< (~seq, start): newest first (LIFO)
    /// First non-empty list at or above (fl, sl) by the bitmaps; false if none.
    bool findSuitable(unsigned& fl, unsigned& sl) const noexcept;
    void markNonEmpty(unsigned fl, unsigned sl) noexcept;
    void markIfEmpty(unsigned fl, unsigned sl) noexcept;
    List& list(unsigned fl, unsigned sl) { return m_lists[static_cast<std::size_t>(fl) * m_slCount + sl]; }

    unsigned m_sli = 4;
    unsigned m_slCount = 16;
    std::uint64_t m_flBitmap = 0;
    std::array<std::uint64_t, 64> m_slBitmap {};
    std::vector<List> m_lists;
};

} // namespace cmascope
