// SPDX-License-Identifier: GPL-2.0-or-later
// The mainline CMA allocator (mm/cma.c + lib/bitmap.c), bit for bit.
#pragma once

#include <cmascope/policies/policy.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// Mainline CMA as in mm/cma.c (cma_alloc / cma_range_alloc / cma_release) on top of
/// lib/bitmap.c's bitmap_find_next_zero_area_off(); see docs/kernel-cma.md (the allocation algorithm, debugfs).
///
/// One bitmap bit covers 2^orderPerBit pages. A request of `count` pages sets
/// nbits = ALIGN(count, 2^opb) >> opb bits at the lowest position the kernel's search returns;
/// `available_count` is kept in pages and changes by `count` (not by nbits << opb), exactly like the
/// kernel. A busy window (BusyOracle, i.e. alloc_contig_range() returning -EBUSY) makes the search
/// continue at bit + mask + 1. The bitmap is scanned a 64-bit word at a time.
///
/// Requirements checked by reset(): pages > 0, pages and basePfn multiples of 2^orderPerBit (the
/// kernel guarantees both through CMA_MIN_ALIGNMENT), pages < 2^48.
class KernelBitmapPolicy final : public AllocationPolicy
{
public:
    /// The per-request quantities of cma_range_alloc(), in bitmap bits.
    struct SearchParams
    {
        unsigned alignOrder = 0; ///< the request's alignment after the CONFIG_CMA_ALIGNMENT cap
        std::uint64_t nbits = 0; ///< cma_bitmap_pages_to_bits(count)
        std::uint64_t mask = 0; ///< cma_bitmap_aligned_mask(align)
        std::uint64_t offset = 0; ///< cma_bitmap_aligned_offset(align)
        std::uint64_t maxno = 0; ///< cma_bitmap_maxno()
    };

    explicit KernelBitmapPolicy(const PolicyParams& params = {});

    std::string_view id() const noexcept override { return "kernel"; }
    std::optional<std::string> reset(const RegionGeometry& g) override;
    PolicyResult allocate(const PolicyRequest& req, const BusyOracle* busy) override;
    /// cma_release(): clears pages_to_bits(pages) bits from bit offset >> opb and adds @p pages to
    /// available_count. Returns false (and changes nothing) if any of those bits is clear.
    bool release(std::uint64_t offset, std::uint64_t pages) override;
    /// Sets the bits of [offset, offset + pages) (offset must be a multiple of 2^opb); false if any is set.
    bool reserve(std::uint64_t offset, std::uint64_t pages) override;
    std::unique_ptr<AllocationPolicy> clone() const override;

    const PolicyParams& params() const noexcept { return m_params; }
    const RegionGeometry& geometry() const noexcept { return m_geometry; }
    unsigned orderPerBit() const noexcept { return m_params.orderPerBit; }
    /// Number of bitmap bits (cma_bitmap_maxno).
    std::uint64_t maxno() const noexcept { return m_maxno; }
    /// cma->available_count, in pages.
    std::uint64_t availableCount() const noexcept { return m_available; }
    /// Like the newer debugfs `used`: count - available_count (saturating at 0).
    std::uint64_t usedPages() const noexcept;
    /// Like the older debugfs `used`: set bits << order_per_bit.
    std::uint64_t usedBitPages() const noexcept;
    /// Like debugfs `maxchunk`: the longest run of clear bits << order_per_bit.
    std::uint64_t maxchunkPages() const noexcept;
    bool testBit(std::uint64_t bit) const noexcept;
    /// The bitmap, bit i of word j = bitmap bit 64j + i; bits at and beyond maxno() are zero.
    const std::vector<std::uint64_t>& bitmapWords() const noexcept { return m_words; }
    /// The debugfs `bitmap` file: DIV_ROUND_UP(maxno, 32) u32 words in decimal, single spaces, final '\n'.
    std::string debugfsBitmapText() const;
    /// Replaces the bitmap by the contents of a debugfs `bitmap` file. available_count becomes
    /// count - (set bits << opb), since the file does not carry the kernel's exact page count.
    /// Returns an error message (and changes nothing) on malformed text or a word count mismatch.
    std::optional<std::string> loadDebugfsBitmap(std::string_view text);
    /// The failed-allocation dump of single-range kernels (cma_debug_show_areas), without the
    /// "cma: " prefix: "number of available pages: 4@572+7@585=> 11 free of 2048 total pages".
    std::string showAreasText() const;
    /// The free runs as the 6.15+ cma_debug_show_areas() prints them on a range's line: "+4@40+4@140" (pages @ bit).
    std::string freeRunsText() const;
    /// Calls @p f(firstBit, endBit) for every run of clear bits [firstBit, endBit), lowest first.
    template <class F> void forEachFreeRun(F&& f) const
    {
        for (std::uint64_t start = 0;;) {
            const std::uint64_t zero = findNextZeroBit(start, m_maxno);
            if (zero >= m_maxno)
                return;
            const std::uint64_t set = findNextBit(zero, m_maxno);
            f(zero, set);
            start = set;
        }
    }

    /// The quantities cma_range_alloc() computes for @p req.
    SearchParams searchParams(const PolicyRequest& req) const noexcept;
    /// bitmap_find_next_zero_area_off(bitmap, maxno, start, nr, mask, offset) as in lib/bitmap.c:
    /// returns the found bit index, or a value >= maxno() when there is none.
    std::uint64_t findNextZeroArea(
        std::uint64_t start, std::uint64_t nr, std::uint64_t mask, std::uint64_t offset) const noexcept;
    /// Same answer as findNextZeroArea() when an area exists (maxno() when none), found through a
    /// segment tree of zero runs over the bitmap words in O(log words) per skipped run. allocate()
    /// uses this; findNextZeroArea() is the literal lib/bitmap.c loop kept as the reference.
    std::uint64_t findArea(
        std::uint64_t start, std::uint64_t nr, std::uint64_t mask, std::uint64_t offset) const noexcept;

private:
    std::uint64_t findNextZeroBit(std::uint64_t start, std::uint64_t size) const noexcept;
    std::uint64_t findNextBit(std::uint64_t start, std::uint64_t size) const noexcept;
    void setBits(std::uint64_t start, std::uint64_t n) noexcept { assignBits(start, n, true); }
    void clearBits(std::uint64_t start, std::uint64_t n) noexcept { assignBits(start, n, false); }
    /// bitmap_set()/bitmap_clear(): bits [start, start + n) a word at a time, then the run index.
    void assignBits(std::uint64_t start, std::uint64_t n, bool value) noexcept;
    bool allClear(std::uint64_t start, std::uint64_t n) const noexcept;
    bool allSet(std::uint64_t start, std::uint64_t n) const noexcept;
    std::uint64_t pagesToBits(std::uint64_t pages) const noexcept;

    /// Zero-run summary of a span of bits: leading zeros, trailing zeros, longest zero run, length.
    struct RunNode
    {
        std::uint64_t pre = 0;
        std::uint64_t suf = 0;
        std::uint64_t best = 0;
        std::uint64_t len = 0;
    };
    /// Word @p i with the bits beyond maxno (and whole padding words) reading as set.
    std::uint64_t effectiveWord(std::uint64_t i) const noexcept;
    void rebuildIndex();
    /// Recomputes the leaves of words [first, last] and their ancestors.
    void updateIndex(std::uint64_t firstWord, std::uint64_t lastWord) noexcept;
    /// Lowest p >= start with bits [p, p + n) clear, or maxno() if none.
    std::uint64_t firstFreeWindow(std::uint64_t start, std::uint64_t n) const noexcept;

    PolicyParams m_params;
    RegionGeometry m_geometry;
    std::vector<std::uint64_t> m_words;
    std::uint64_t m_maxno = 0;
    std::uint64_t m_available = 0;
    std::uint64_t m_leaves = 0; ///< power of two >= m_words.size()
    std::vector<RunNode> m_index; ///< implicit binary tree, root at 1, leaf i at m_leaves + i
};

} // namespace cmascope
