// SPDX-License-Identifier: GPL-2.0-or-later
#include "multirange.h"

#include <cmascope/util/units.h>

#include <algorithm>
#include <limits>

namespace cmascope::placementdetail {

namespace {

constexpr std::uint64_t k4G = 4 * GiB;

/// The kernel's list_insert_sorted(): before the first entry for which @p before(entry, x) holds; when none does,
/// its loop cursor is left on the last entry, so x goes before that one.
template <typename Before> void insertLikeKernel(std::vector<AddressRange>& list, const AddressRange& x, Before before)
{
    if (list.empty()) {
        list.push_back(x);
        return;
    }
    std::size_t i = 0;
    while (i < list.size() && !before(list[i], x))
        ++i;
    if (i == list.size())
        i = list.size() - 1;
    list.insert(list.begin() + static_cast<std::ptrdiff_t>(i), x);
}

/// A free stretch as a candidate: aligned, rounded to whole bitmap bits; size 0 when it gives nothing.
AddressRange candidate(const Span& s, std::uint64_t align, std::uint64_t bitBytes)
{
    if (s.lo < k4G) // upper_32_bits(start) == 0: the stretch is skipped even when it ends above 4 GiB
        return {};
    const auto start = alignUp(s.lo, align);
    if (!start || *start >= s.hi)
        return {};
    const std::uint64_t end = alignDown(s.hi, align);
    if (end <= *start)
        return {};
    return { *start, alignDown(end - *start, bitBytes) };
}

std::uint64_t saturatingAdd(std::uint64_t a, std::uint64_t b)
{
    return b > std::numeric_limits<std::uint64_t>::max() - a ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

} // namespace

MultiRangeChoice chooseRanges(const MemblockMap& memory, std::uint64_t total, std::uint64_t align,
    std::uint64_t bitBytes, int node, unsigned maxRanges)
{
    MultiRangeChoice out;
    const auto bigger = [](const AddressRange& a, const AddressRange& b) { return a.size > b.size; };
    const auto lower = [](const AddressRange& a, const AddressRange& b) { return a.base < b.base; };
    std::vector<AddressRange> bySize;
    std::uint64_t sizesum = 0;
    for (const Span& s : memory.freeSpans(0, std::numeric_limits<std::uint64_t>::max(), node)) {
        const AddressRange c = candidate(s, align, bitBytes);
        if (c.size == 0)
            continue;
        sizesum = saturatingAdd(sizesum, c.size); // counted before the check below, as the kernel does
        if (bySize.size() >= maxRanges) {
            if (c.size < bySize.back().size)
                continue;
            sizesum -= bySize.back().size;
            bySize.pop_back();
        }
        insertLikeKernel(bySize, c, bigger);
    }
    if (sizesum < total) {
        out.failure = "the " + std::to_string(std::min<std::size_t>(bySize.size(), maxRanges))
            + " largest free stretches above 4 GiB" + (node >= 0 ? " on node " + std::to_string(node) : std::string())
            + " hold " + sizeText(sizesum) + " (" + hexAddress(align) + "-aligned, whole bitmap bits), less than "
            + sizeText(total);
        return out;
    }
    std::vector<AddressRange> byBase;
    std::uint64_t taken = 0;
    for (const AddressRange& c : bySize) {
        insertLikeKernel(byBase, c, lower);
        taken += c.size;
        if (taken >= total)
            break;
    }
    std::uint64_t left = total;
    for (const AddressRange& c : byBase) {
        const std::uint64_t size = std::min(left, c.size);
        out.ranges.push_back({ c.base, size });
        left -= size;
        if (left == 0)
            break;
    }
    out.shortOfSize = left != 0;
    return out;
}

} // namespace cmascope::placementdetail
