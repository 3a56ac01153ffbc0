// SPDX-License-Identifier: GPL-2.0-or-later
// A monotone, piecewise-linear map between physical addresses and the memory map's drawing axis (its
// "virtual" coordinate, which AddressAxis zooms and pans). Identity on the physical axis; on the compact
// axis, address ranges that hold no region are squeezed into short breaks; on the per-area axis, one area
// is stretched over the whole width (docs/memory-map.md). Pure arithmetic: tested with data tables.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace cmascope::views {

/// [physBegin, physEnd) drawn over [virtBegin, virtEnd), linearly. A collapsed segment is a break: an
/// address range that holds nothing worth drawing, drawn much narrower than its size.
struct FoldSegment
{
    std::uint64_t physBegin = 0;
    std::uint64_t physEnd = 0;
    std::uint64_t virtBegin = 0;
    std::uint64_t virtEnd = 0;
    bool collapsed = false;
};

class AxisFold
{
public:
    /// Physical addresses as they are: [begin, end) onto [begin, end).
    static AxisFold identity(std::uint64_t begin, std::uint64_t end);
    /// [begin, end) with everything outside @p kept (ranges, in any order, may overlap) squeezed: a gap wider
    /// than twice the break width becomes a break. Breaks are a fortieth of the kept bytes each, and all of
    /// them together never more than a quarter, so the kept ranges keep at least four fifths of the width.
    static AxisFold compact(
        std::uint64_t begin, std::uint64_t end, std::vector<std::pair<std::uint64_t, std::uint64_t>> kept);
    /// [begin, end) stretched (or shrunk) onto [0, units): one area over the whole width.
    static AxisFold scaled(std::uint64_t begin, std::uint64_t end, std::uint64_t units);

    std::uint64_t physicalBegin() const { return m_segments.front().physBegin; }
    std::uint64_t physicalEnd() const { return m_segments.back().physEnd; }
    std::uint64_t virtualBegin() const { return m_segments.front().virtBegin; }
    std::uint64_t virtualEnd() const { return m_segments.back().virtEnd; }
    const std::vector<FoldSegment>& segments() const { return m_segments; }
    /// The collapsed segments (breaks), in address order.
    std::vector<FoldSegment> breaks() const;

    /// The virtual coordinate of @p address; addresses outside the fold continue its first or last segment's
    /// slope (so a range that overhangs the end stays proportional). Exact for slope 1 (80-bit mantissa).
    long double toVirtual(std::uint64_t address) const;
    /// The address at virtual coordinate @p v, clamped to [physicalBegin, physicalEnd - 1].
    std::uint64_t toPhysical(long double v) const;
    /// Physical bytes per virtual unit at @p address (1 on the physical axis and in kept ranges).
    long double bytesPerUnit(std::uint64_t address) const;

private:
    const FoldSegment& segmentOf(std::uint64_t address) const;
    std::vector<FoldSegment> m_segments { FoldSegment { 0, 1, 0, 1, false } };
};

} // namespace cmascope::views
