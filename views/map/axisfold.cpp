// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/axisfold.h"

#include <algorithm>
#include <cmath>

namespace cmascope::views {

AxisFold AxisFold::identity(std::uint64_t begin, std::uint64_t end)
{
    AxisFold fold;
    end = std::max(end, begin + 1);
    fold.m_segments = { FoldSegment { begin, end, begin, end, false } };
    return fold;
}

AxisFold AxisFold::scaled(std::uint64_t begin, std::uint64_t end, std::uint64_t units)
{
    AxisFold fold;
    fold.m_segments = { FoldSegment { begin, std::max(end, begin + 1), 0, std::max<std::uint64_t>(units, 1), false } };
    return fold;
}

namespace {
using Range = std::pair<std::uint64_t, std::uint64_t>;

/// @p kept clamped to [begin, end), sorted and merged.
std::vector<Range> mergedRanges(std::uint64_t begin, std::uint64_t end, std::vector<Range> kept)
{
    std::vector<Range> out;
    for (auto& [b, e] : kept) {
        b = std::max(b, begin);
        e = std::min(e, end);
    }
    std::sort(kept.begin(), kept.end());
    for (const auto& [b, e] : kept) {
        if (e <= b)
            continue;
        if (!out.empty() && b <= out.back().second)
            out.back().second = std::max(out.back().second, e);
        else
            out.emplace_back(b, e);
    }
    return out;
}
} // namespace

AxisFold AxisFold::compact(std::uint64_t begin, std::uint64_t end, std::vector<Range> kept)
{
    end = std::max(end, begin + 1);
    const std::vector<Range> ranges = mergedRanges(begin, end, std::move(kept));
    if (ranges.empty())
        return identity(begin, end);
    std::uint64_t keptBytes = 0;
    for (const auto& [b, e] : ranges)
        keptBytes += e - b; // merged and inside [begin, end): never more than end - begin
    // The gaps, in order: before the first range, between ranges, after the last.
    std::vector<Range> gaps;
    std::uint64_t at = begin;
    for (const auto& [b, e] : ranges) {
        if (b > at)
            gaps.emplace_back(at, b);
        at = e;
    }
    if (end > at)
        gaps.emplace_back(at, end);
    const std::uint64_t wanted = std::max<std::uint64_t>(1, keptBytes / 40);
    const auto isBreak = [&](const Range& g) { return g.second - g.first > 2 * wanted; };
    const auto breaks = std::uint64_t(std::count_if(gaps.begin(), gaps.end(), isBreak));
    const std::uint64_t unit = breaks ? std::max<std::uint64_t>(1, std::min(wanted, keptBytes / 4 / breaks)) : wanted;
    AxisFold fold;
    fold.m_segments.clear();
    std::uint64_t v = begin;
    at = begin;
    auto addLinear = [&](std::uint64_t b, std::uint64_t e) {
        if (e > b)
            fold.m_segments.push_back({ b, e, v, v + (e - b), false });
        v += e - b;
    };
    for (const Range& g : gaps) {
        addLinear(at, g.first);
        if (isBreak(g)) {
            fold.m_segments.push_back({ g.first, g.second, v, v + unit, true });
            v += unit;
        } else {
            addLinear(g.first, g.second);
        }
        at = g.second;
    }
    addLinear(at, end);
    return fold;
}

std::vector<FoldSegment> AxisFold::breaks() const
{
    std::vector<FoldSegment> out;
    std::copy_if(m_segments.begin(), m_segments.end(), std::back_inserter(out),
        [](const FoldSegment& s) { return s.collapsed; });
    return out;
}

const FoldSegment& AxisFold::segmentOf(std::uint64_t address) const
{
    // The first segment ending after the address; addresses past the end belong to the last one.
    const auto it = std::upper_bound(m_segments.begin(), m_segments.end(), address,
        [](std::uint64_t a, const FoldSegment& s) { return a < s.physEnd; });
    return it == m_segments.end() ? m_segments.back() : *it;
}

long double AxisFold::toVirtual(std::uint64_t address) const
{
    const FoldSegment& s = segmentOf(address);
    const long double offset = static_cast<long double>(address) - static_cast<long double>(s.physBegin);
    if (s.virtEnd - s.virtBegin == s.physEnd - s.physBegin)
        return static_cast<long double>(s.virtBegin) + offset;
    return static_cast<long double>(s.virtBegin)
        + offset * static_cast<long double>(s.virtEnd - s.virtBegin)
        / static_cast<long double>(s.physEnd - s.physBegin);
}

std::uint64_t AxisFold::toPhysical(long double v) const
{
    if (v <= static_cast<long double>(virtualBegin()))
        return physicalBegin();
    if (v >= static_cast<long double>(virtualEnd()))
        return physicalEnd() - 1;
    const auto it = std::upper_bound(m_segments.begin(), m_segments.end(), v,
        [](long double x, const FoldSegment& s) { return x < static_cast<long double>(s.virtEnd); });
    const FoldSegment& s = it == m_segments.end() ? m_segments.back() : *it;
    const long double offset = (v - static_cast<long double>(s.virtBegin))
        * static_cast<long double>(s.physEnd - s.physBegin) / static_cast<long double>(s.virtEnd - s.virtBegin);
    const long double a = static_cast<long double>(s.physBegin) + std::floor(offset);
    return std::min(static_cast<std::uint64_t>(a), s.physEnd - 1);
}

long double AxisFold::bytesPerUnit(std::uint64_t address) const
{
    const FoldSegment& s = segmentOf(address);
    return static_cast<long double>(s.physEnd - s.physBegin) / static_cast<long double>(s.virtEnd - s.virtBegin);
}

} // namespace cmascope::views
