// SPDX-License-Identifier: GPL-2.0-or-later
// Failure causes of a replayed request (docs/trace-analysis.md, "Causes").
#include "failurecause.h"

#include <cmascope/util/units.h>

#include <algorithm>
#include <array>

namespace cmascope {

std::string_view failureCauseName(FailureCause cause) noexcept
{
    static constexpr std::array<std::string_view, kFailureCauseCount> names { "", "too-small", "alignment",
        "fragmented", "busy", "no-area", "unexplained" };
    const auto i = static_cast<std::size_t>(cause);
    return i < names.size() ? names[i] : std::string_view {};
}

namespace replayinternal {

std::uint64_t largestAlignedFree(const KernelBitmapPolicy& st, std::uint64_t basePfn, unsigned align)
{
    const unsigned opb = st.orderPerBit();
    const std::uint64_t a = std::uint64_t { 1 } << std::min(align, 63u);
    std::uint64_t best = 0;
    for (std::uint64_t b = 0; b < st.maxno();) {
        if (st.testBit(b)) {
            ++b;
            continue;
        }
        std::uint64_t e = b;
        while (e < st.maxno() && !st.testBit(e))
            ++e;
        const std::uint64_t s = basePfn + (b << opb);
        const std::uint64_t end = basePfn + (e << opb);
        const auto aligned = alignUp(s, a);
        if (aligned && *aligned < end)
            best = std::max(best, end - *aligned);
        b = e;
    }
    return best;
}

bool emptyAreaAdmits(const KernelBitmapPolicy& state, std::uint64_t count, unsigned align)
{
    const auto sp = state.searchParams(PolicyRequest { count, align });
    if (sp.nbits == 0 || sp.nbits > sp.maxno)
        return false;
    // bitmap_find_next_zero_area_off() from bit 0 on an empty bitmap: the first index i with
    // (i + offset) & mask == 0.
    const std::uint64_t first = ((sp.offset + sp.mask) & ~sp.mask) - sp.offset;
    return first <= sp.maxno - sp.nbits;
}

FailureCause classifyFailure(const KernelBitmapPolicy& state, const FailureFacts& f)
{
    const std::uint64_t pages = state.geometry().pages;
    if (pages == 0)
        return FailureCause::NoArea;
    if (f.busyRetries > 0)
        return FailureCause::Busy;
    if (f.count > pages)
        return FailureCause::TooSmall;
    if (!emptyAreaAdmits(state, f.count, f.align))
        return FailureCause::Alignment;
    if (f.count > state.availableCount())
        return FailureCause::TooSmall;
    if (!f.modelFits)
        return FailureCause::Fragmented;
    // A free window exists on the replayed state, yet the kernel refused without a busy retry. -EBUSY
    // without retries happens when alloc_contig_range() fails on the last window (6.1..6.14) or
    // the area is full (6.15+); anything else means the replayed state is not the kernel's.
    return f.errorno == -16 ? FailureCause::Busy : FailureCause::Unexplained;
}

std::string causeEvidence(
    FailureCause cause, const KernelBitmapPolicy& state, const ReplayArea& area, const FailureFacts& f)
{
    const std::string need = std::to_string(f.count) + " pages";
    const std::string size = std::to_string(area.pages) + " pages";
    switch (cause) {
    case FailureCause::None:
        return {};
    case FailureCause::NoArea:
        return "area " + area.name + " has no pages";
    case FailureCause::Busy:
        return f.busyRetries ? std::to_string(f.busyRetries)
                + " free windows were tried and none could be migrated (cma_alloc_busy_retry): pages in them were "
                  "pinned or in use"
                             : "a free window exists but the kernel returned -EBUSY: its pages could not be migrated";
    case FailureCause::TooSmall:
        if (f.count > area.pages)
            return "the request (" + need + ") is larger than the whole area (" + size + ")";
        return "the area has " + std::to_string(state.availableCount()) + " free pages of " + size
            + ", the request needs " + need;
    case FailureCause::Alignment: {
        const std::uint64_t a = std::uint64_t { 1 } << std::min(f.align, 63u);
        return "no window of " + need + " aligned to 2^" + std::to_string(f.align) + " pages (PFN multiple of "
            + hexText(a) + ") fits in the area " + hexText(area.basePfn) + "+" + size + ", even empty";
    }
    case FailureCause::Fragmented:
        return std::to_string(state.availableCount()) + " pages are free but the largest free run is "
            + std::to_string(state.maxchunkPages()) + " pages and the largest free window aligned to 2^"
            + std::to_string(f.align) + " is " + std::to_string(largestAlignedFree(state, area.basePfn, f.align))
            + " pages: no window of " + need;
    case FailureCause::Unexplained:
        return "the replayed state has a free window for it and the trace shows no busy retry: the replay's "
               "state differs from the kernel's (tracing started late, or lost events?)";
    }
    return {};
}

} // namespace replayinternal
} // namespace cmascope
