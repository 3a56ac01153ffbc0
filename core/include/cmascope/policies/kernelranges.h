// SPDX-License-Identifier: GPL-2.0-or-later
// A 6.15+ CMA area of several physical ranges (struct cma_memrange), each with its own bitmap, served range by
// range like __cma_alloc() (docs/kernel-cma.md, "What changed in 6.15 and 6.18"). Standard C++20, no Qt.
#pragma once

#include <cmascope/policies/kernelbitmap.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cmascope {

/// Where a multi-range area placed a request, or why it did not.
struct RangePlacement
{
    bool ok = false;
    std::size_t range = 0; ///< the range that served it (ok only)
    std::uint64_t pfn = 0; ///< absolute (ok only)
    Refusal refusal = Refusal::None; ///< NotEnoughFree: larger than available_count, nothing searched
};

/// Busy windows by absolute PFN (alloc_contig_range() returning -EBUSY) for a search over several ranges.
class PfnBusyOracle
{
public:
    virtual ~PfnBusyOracle() = default;
    /// Whether the window of @p pages pages starting at absolute PFN @p pfn cannot be migrated.
    virtual bool isBusyPfn(std::uint64_t pfn, std::uint64_t pages) const = 0;
};

/// __cma_alloc() over ranges the caller holds, in the area's order: gives up before searching when @p count
/// exceeds available_count (the sum of the ranges'); else each range in turn (cma_range_alloc()), the first that
/// finds a window wins; an allocation never spans two ranges. @p busy is asked with absolute PFNs.
RangePlacement allocateInRanges(std::span<KernelBitmapPolicy* const> ranges, std::uint64_t count, unsigned align,
    const PfnBusyOracle* busy = nullptr);
/// The range (index into @p ranges) that holds absolute PFN @p pfn, or nullopt.
std::optional<std::size_t> rangeHolding(std::span<const KernelBitmapPolicy* const> ranges, std::uint64_t pfn);

/// An area of up to CMA_MAX_RANGES ranges in the area's own order (not necessarily ascending). Each range is a
/// KernelBitmapPolicy (its own bitmap; the alignment offset from its own base PFN); available_count is the
/// area's, the sum of the ranges' (each changes by the exact page count).
class KernelAreaRanges
{
public:
    static constexpr std::size_t kMaxRanges = 8; ///< CMA_MAX_RANGES

    explicit KernelAreaRanges(unsigned orderPerBit = 0);
    /// The ranges, in the area's order; an error (and nothing changed) when there are none, too many, they
    /// overlap, or one is not a valid kernel bitmap geometry (KernelBitmapPolicy::reset()).
    std::optional<std::string> reset(const std::vector<RegionGeometry>& ranges);
    /// __cma_alloc(): gives up before searching when @p count exceeds available_count; else each range in turn
    /// (cma_range_alloc()), the first that finds a window wins: an allocation never spans two ranges.
    RangePlacement allocate(std::uint64_t count, unsigned align, const PfnBusyOracle* busy = nullptr);
    /// cma_release(): the range holding @p pfn clears the bits of [pfn, pfn + count). False (nothing changed)
    /// when no range holds pfn, the pages run past the range's end, or a bit is not set.
    bool release(std::uint64_t pfn, std::uint64_t count);

    std::size_t rangeCount() const noexcept { return m_ranges.size(); }
    const KernelBitmapPolicy& range(std::size_t r) const { return m_ranges.at(r); }
    /// cma->available_count, in pages.
    std::uint64_t availableCount() const noexcept;
    /// cma->count: the pages of every range.
    std::uint64_t totalPages() const noexcept;
    /// debugfs `maxchunk` on 6.15+: the longest free run in any single range, in pages.
    std::uint64_t maxchunkPages() const noexcept;

private:
    PolicyParams m_params;
    std::vector<KernelBitmapPolicy> m_ranges;
};

} // namespace cmascope
