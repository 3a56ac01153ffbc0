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

namespace {

std::uint64_t largestAlignedFreeIn(const KernelBitmapPolicy& st, unsigned align)
{
    const unsigned opb = st.orderPerBit();
    const std::uint64_t basePfn = st.geometry().basePfn;
    const std::uint64_t a = std::uint64_t { 1 } << std::min(align, 63u);
    std::uint64_t best = 0;
    st.forEachFreeRun([&](std::uint64_t b, std::uint64_t e) {
        const std::uint64_t s = basePfn + (b << opb);
        const std::uint64_t end = basePfn + (e << opb);
        const auto aligned = alignUp(s, a);
        if (aligned && *aligned < end)
            best = std::max(best, end - *aligned);
    });
    return best;
}

} // namespace

std::uint64_t largestAlignedFree(RangeStates ranges, unsigned align)
{
    std::uint64_t best = 0;
    for (const KernelBitmapPolicy* r : ranges)
        best = std::max(best, largestAlignedFreeIn(*r, align));
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

FailureCause classifyFailure(RangeStates ranges, const FailureFacts& f)
{
    std::uint64_t pages = 0, available = 0;
    bool admits = false;
    for (const KernelBitmapPolicy* r : ranges) {
        pages += r->geometry().pages;
        available += r->availableCount();
        admits = admits || emptyAreaAdmits(*r, f.count, f.align);
    }
    if (pages == 0)
        return FailureCause::NoArea;
    if (f.busyRetries > 0)
        return FailureCause::Busy;
    if (f.count > pages)
        return FailureCause::TooSmall;
    if (!admits)
        return FailureCause::Alignment;
    if (f.count > available)
        return FailureCause::TooSmall;
    if (!f.modelFits)
        return FailureCause::Fragmented;
    // A free window exists on the replayed state, yet the kernel refused without a busy retry. Every kernel
    // that reports errorno traces a cma_alloc_busy_retry for each window it could not migrate, the last one
    // included, so a -16 without one is no proof of busy pages: on 6.15+ it is the answer for "no room"
    // (docs/kernel-cma.md, "Kernel semantics"). The replayed state is not the kernel's.
    return FailureCause::Unexplained;
}

} // namespace replayinternal
} // namespace cmascope
