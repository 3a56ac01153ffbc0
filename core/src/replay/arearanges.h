// SPDX-License-Identifier: GPL-2.0-or-later
// The ranges of a replayed area as the 6.15+ allocator sees them (internal to src/replay; docs/kernel-cma.md,
// "Multi-range areas in cmascope").
#pragma once

#include <cmascope/policies/kernelranges.h>
#include <cmascope/replay/replay.h>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace cmascope::replayinternal {

/// An area's ranges rebuilt from the replay's timeline, one step at a time (explanations, dmesg checks).
class TimelineRanges
{
public:
    /// Empty ranges of area @p area of @p result (an error when its geometry is not a valid bitmap).
    TimelineRanges(const ReplayResult& result, std::size_t area);
    const std::string& error() const { return m_error; }
    /// Applies timeline step @p step when it is a placement or release on one of the area's regions.
    void apply(std::size_t step);
    std::vector<KernelBitmapPolicy>& ranges() { return m_ranges; }

private:
    const ReplayResult& m_result;
    const ReplayAreaResult& m_area;
    std::vector<KernelBitmapPolicy> m_ranges;
    std::string m_error;
};

/// Up to CMA_MAX_RANGES range states, held without allocating (the replay asks for them on every request).
template <class T> struct RangeRefs
{
    std::array<T*, KernelAreaRanges::kMaxRanges> items {};
    std::size_t count = 0;
    operator std::span<T* const>() const { return { items.data(), count }; }
    T* operator[](std::size_t i) const { return items[i]; }
};

/// The area's range states in the area's order, for allocateInRanges() and rangeHolding().
RangeRefs<KernelBitmapPolicy> rangePointers(ReplayAreaResult& area);
RangeRefs<const KernelBitmapPolicy> rangePointers(const ReplayAreaResult& area);

} // namespace cmascope::replayinternal
