// SPDX-License-Identifier: GPL-2.0-or-later
// The ranges of an area and of a replayed area (docs/kernel-cma.md, "Multi-range areas in cmascope").
#include "arearanges.h"

#include <algorithm>

namespace cmascope {

std::uint64_t ReplayArea::totalPages() const noexcept
{
    std::uint64_t sum = pages;
    for (const AreaRange& r : moreRanges)
        sum += r.pages;
    return sum;
}

std::optional<std::size_t> ReplayArea::rangeOf(std::uint64_t pfn) const noexcept
{
    for (std::size_t r = 0; r < rangeCount(); ++r) {
        const AreaRange g = r == 0 ? AreaRange { basePfn, pages } : moreRanges[r - 1];
        if (pfn >= g.basePfn && pfn - g.basePfn < g.pages)
            return r;
    }
    return std::nullopt;
}

std::uint64_t ReplayAreaResult::availablePages() const noexcept
{
    std::uint64_t sum = state.availableCount();
    for (const auto& s : moreStates)
        sum += s.availableCount();
    return sum;
}

std::uint64_t ReplayAreaResult::usedPages() const noexcept
{
    std::uint64_t sum = state.usedPages();
    for (const auto& s : moreStates)
        sum += s.usedPages();
    return sum;
}

std::uint64_t ReplayAreaResult::usedBitPages() const noexcept
{
    std::uint64_t sum = state.usedBitPages();
    for (const auto& s : moreStates)
        sum += s.usedBitPages();
    return sum;
}

std::uint64_t ReplayAreaResult::maxchunkPages() const noexcept
{
    std::uint64_t best = state.maxchunkPages();
    for (const auto& s : moreStates)
        best = std::max(best, s.maxchunkPages());
    return best;
}

namespace replayinternal {

std::vector<KernelBitmapPolicy*> rangePointers(ReplayAreaResult& area)
{
    std::vector<KernelBitmapPolicy*> out { &area.state };
    for (auto& s : area.moreStates)
        out.push_back(&s);
    return out;
}

std::vector<const KernelBitmapPolicy*> rangePointers(const ReplayAreaResult& area)
{
    std::vector<const KernelBitmapPolicy*> out { &area.state };
    for (const auto& s : area.moreStates)
        out.push_back(&s);
    return out;
}

} // namespace replayinternal
} // namespace cmascope
