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

std::uint16_t numberedRegion(const std::vector<ReplayAreaResult>& areas, std::uint16_t region) noexcept
{
    if (region < kLiveRangeRegion || region == 0xFFFF)
        return region;
    const std::size_t live = std::size_t { region } - kLiveRangeRegion;
    const std::size_t area = live / 8, range = live % 8;
    if (area >= areas.size() || range == 0 || range >= areas[area].rangeCount())
        return 0xFFFF;
    std::size_t id = areas.size();
    for (std::size_t a = 0; a < area; ++a)
        id += areas[a].rangeCount() - 1;
    return static_cast<std::uint16_t>(id + range - 1);
}

Platform areasPlatform(const std::vector<ReplayAreaResult>& areas, std::uint32_t pageSize)
{
    Platform pf;
    pf.mapMode = MapMode::Modern;
    pf.pageSize = pageSize;
    auto addRegion = [&](const ReplayArea& a, std::size_t range) {
        Region r;
        const AreaRange g = a.range(range);
        r.name = range == 0 ? a.name : a.name + " range " + std::to_string(range);
        r.size = g.pages * pageSize;
        r.placement = Placement::Fixed;
        r.start = g.basePfn * pageSize;
        r.placedBase = r.start;
        r.pageSize = pageSize;
        r.policy = PolicyKind::Kernel;
        r.params.orderPerBit = a.orderPerBit;
        r.params.maxAlignOrder = std::nullopt;
        pf.regions.push_back(std::move(r));
    };
    for (const auto& ar : areas)
        addRegion(ar.area, 0);
    for (const auto& ar : areas)
        for (std::size_t range = 1; range < ar.rangeCount(); ++range)
            addRegion(ar.area, range);
    return pf;
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

TimelineRanges::TimelineRanges(const ReplayResult& result, std::size_t area)
    : m_result(result)
    , m_area(result.areas.at(area))
{
    PolicyParams params;
    params.orderPerBit = m_area.area.orderPerBit;
    params.maxAlignOrder = std::nullopt;
    for (std::size_t r = 0; r < m_area.area.rangeCount() && m_error.empty(); ++r) {
        KernelBitmapPolicy st(params);
        if (auto err = st.reset(RegionGeometry { m_area.area.range(r).basePfn, m_area.area.range(r).pages }))
            m_error = *err;
        m_ranges.push_back(std::move(st));
    }
}

void TimelineRanges::apply(std::size_t step)
{
    if (!m_error.empty() || step >= m_result.scenario.steps.size() || step >= m_result.timeline.size()
        || m_result.timeline[step].kind == TimelineEntry::Marker)
        return;
    const Step& s = m_result.scenario.steps[step];
    const auto it = std::find(m_area.regions.begin(), m_area.regions.end(), s.region);
    if (it == m_area.regions.end())
        return;
    KernelBitmapPolicy& range = m_ranges[static_cast<std::size_t>(it - m_area.regions.begin())];
    if (s.type == StepType::Place)
        range.reserve(s.offset, s.size);
    else if (s.type == StepType::Release)
        range.release(s.offset, s.size);
}

namespace {

template <class T, class Area> RangeRefs<T> refsOf(Area& area)
{
    RangeRefs<T> out;
    out.items[out.count++] = &area.state;
    for (auto& s : area.moreStates) // at most CMA_MAX_RANGES - 1 (Replayer::loadRanges())
        if (out.count < out.items.size())
            out.items[out.count++] = &s;
    return out;
}

} // namespace

RangeRefs<KernelBitmapPolicy> rangePointers(ReplayAreaResult& area)
{
    return refsOf<KernelBitmapPolicy>(area);
}

RangeRefs<const KernelBitmapPolicy> rangePointers(const ReplayAreaResult& area)
{
    return refsOf<const KernelBitmapPolicy>(area);
}

} // namespace replayinternal
} // namespace cmascope
