// SPDX-License-Identifier: GPL-2.0-or-later
// A multi-range CMA area, range by range (docs/kernel-cma.md, "What changed in 6.15 and 6.18").
#include <cmascope/policies/kernelranges.h>

#include <algorithm>

namespace cmascope {

KernelAreaRanges::KernelAreaRanges(unsigned orderPerBit)
{
    m_params.orderPerBit = orderPerBit;
    m_params.maxAlignOrder = std::nullopt; // the caller (dma_alloc_contiguous()) caps the alignment, not cma_alloc()
}

std::optional<std::string> KernelAreaRanges::reset(const std::vector<RegionGeometry>& ranges)
{
    if (ranges.empty())
        return std::string("an area has at least one range");
    if (ranges.size() > kMaxRanges)
        return std::to_string(ranges.size()) + " ranges: an area has at most " + std::to_string(kMaxRanges)
            + " (CMA_MAX_RANGES)";
    std::vector<KernelBitmapPolicy> built;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j)
            if (ranges[i].basePfn < ranges[j].basePfn + ranges[j].pages
                && ranges[j].basePfn < ranges[i].basePfn + ranges[i].pages)
                return "range " + std::to_string(i) + " overlaps range " + std::to_string(j);
        KernelBitmapPolicy p(m_params);
        if (auto err = p.reset(ranges[i]))
            return "range " + std::to_string(i) + ": " + *err;
        built.push_back(std::move(p));
    }
    m_ranges = std::move(built);
    return std::nullopt;
}

namespace {

/// The range's view of a PFN busy oracle: offsets from the range's base PFN.
class RangeBusy final : public BusyOracle
{
public:
    RangeBusy(const PfnBusyOracle& busy, std::uint64_t basePfn)
        : m_busy(busy)
        , m_base(basePfn)
    { }
    bool isBusy(std::uint64_t offset, std::uint64_t pages) const override
    {
        return m_busy.isBusyPfn(m_base + offset, pages);
    }

private:
    const PfnBusyOracle& m_busy;
    std::uint64_t m_base;
};

} // namespace

RangePlacement allocateInRanges(
    std::span<KernelBitmapPolicy* const> ranges, std::uint64_t count, unsigned align, const PfnBusyOracle* busy)
{
    RangePlacement out;
    if (count == 0) {
        out.refusal = Refusal::ZeroSize;
        return out;
    }
    std::uint64_t available = 0;
    for (const KernelBitmapPolicy* r : ranges)
        available += r->availableCount();
    if (count > available) {
        out.refusal = Refusal::NotEnoughFree;
        return out;
    }
    out.refusal = Refusal::TooLarge; // no range is large enough, unless one has room but not in one piece
    for (std::size_t r = 0; r < ranges.size(); ++r) {
        const std::uint64_t base = ranges[r]->geometry().basePfn;
        const std::optional<RangeBusy> rangeBusy =
            busy ? std::optional<RangeBusy>(std::in_place, *busy, base) : std::nullopt;
        const PolicyResult res = ranges[r]->allocate(PolicyRequest { count, align }, rangeBusy ? &*rangeBusy : nullptr);
        if (res.ok) {
            out.ok = true;
            out.range = r;
            out.pfn = base + res.offset;
            out.refusal = Refusal::None;
            return out;
        }
        // -EBUSY from cma_range_alloc(): the next range is tried
        if (res.refusal == Refusal::Busy)
            out.refusal = Refusal::Busy;
        else if (res.refusal != Refusal::TooLarge && out.refusal != Refusal::Busy)
            out.refusal = Refusal::Fragmented;
    }
    return out;
}

std::optional<std::size_t> rangeHolding(std::span<const KernelBitmapPolicy* const> ranges, std::uint64_t pfn)
{
    for (std::size_t r = 0; r < ranges.size(); ++r) {
        const RegionGeometry& g = ranges[r]->geometry();
        if (pfn >= g.basePfn && pfn - g.basePfn < g.pages)
            return r;
    }
    return std::nullopt;
}

RangePlacement KernelAreaRanges::allocate(std::uint64_t count, unsigned align, const PfnBusyOracle* busy)
{
    std::vector<KernelBitmapPolicy*> ptrs;
    for (auto& r : m_ranges)
        ptrs.push_back(&r);
    return allocateInRanges(ptrs, count, align, busy);
}

bool KernelAreaRanges::release(std::uint64_t pfn, std::uint64_t count)
{
    std::vector<const KernelBitmapPolicy*> ptrs;
    for (const auto& r : m_ranges)
        ptrs.push_back(&r);
    const std::optional<std::size_t> r = rangeHolding(ptrs, pfn);
    if (!r)
        return false;
    const RegionGeometry& g = m_ranges[*r].geometry();
    if (count > g.basePfn + g.pages - pfn)
        return false;
    return m_ranges[*r].release(pfn - g.basePfn, count);
}

std::uint64_t KernelAreaRanges::availableCount() const noexcept
{
    std::uint64_t sum = 0;
    for (const auto& r : m_ranges)
        sum += r.availableCount();
    return sum;
}

std::uint64_t KernelAreaRanges::totalPages() const noexcept
{
    std::uint64_t sum = 0;
    for (const auto& r : m_ranges)
        sum += r.geometry().pages;
    return sum;
}

std::uint64_t KernelAreaRanges::maxchunkPages() const noexcept
{
    std::uint64_t best = 0;
    for (const auto& r : m_ranges)
        best = std::max(best, r.maxchunkPages());
    return best;
}

} // namespace cmascope
