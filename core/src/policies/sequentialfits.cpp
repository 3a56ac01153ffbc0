// SPDX-License-Identifier: GPL-2.0-or-later
// First fit, next fit and worst fit over the shared hole list.
#include <cmascope/policies/firstfit.h>
#include <cmascope/policies/nextfit.h>
#include <cmascope/policies/worstfit.h>

namespace cmascope {

std::unique_ptr<AllocationPolicy> FirstFitPolicy::clone() const
{
    return std::make_unique<FirstFitPolicy>(*this);
}

std::optional<std::uint64_t> FirstFitPolicy::choose(
    std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy, std::vector<std::uint64_t>& busyOffsets)
{
    for (const auto& [start, hole] : holes()) {
        if (hole.size < pages)
            continue;
        if (const auto chunk = fitInHole(start, hole.size, pages, alignPages, busy, busyOffsets))
            return chunk;
    }
    return std::nullopt;
}

std::unique_ptr<AllocationPolicy> NextFitPolicy::clone() const
{
    return std::make_unique<NextFitPolicy>(*this);
}

std::optional<std::uint64_t> NextFitPolicy::choose(
    std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy, std::vector<std::uint64_t>& busyOffsets)
{
    const auto& map = holes();
    // The hole containing the rover, else the first hole after it, else wrap to the first hole.
    auto first = map.upper_bound(m_rover);
    if (first != map.begin()) {
        const auto prev = std::prev(first);
        if (prev->first + prev->second.size > m_rover)
            first = prev;
    }
    if (first == map.end())
        first = map.begin();
    auto it = first;
    for (std::size_t n = 0; n < map.size(); ++n) {
        if (it->second.size >= pages) {
            if (const auto chunk = fitInHole(it->first, it->second.size, pages, alignPages, busy, busyOffsets))
                return chunk;
        }
        if (++it == map.end())
            it = map.begin();
    }
    return std::nullopt;
}

std::unique_ptr<AllocationPolicy> WorstFitPolicy::clone() const
{
    return std::make_unique<WorstFitPolicy>(*this);
}

std::optional<std::uint64_t> WorstFitPolicy::choose(
    std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy, std::vector<std::uint64_t>& busyOffsets)
{
    for (const auto& [size, start] : m_bySize) {
        if (size < pages)
            break;
        if (const auto chunk = fitInHole(start, size, pages, alignPages, busy, busyOffsets))
            return chunk;
    }
    return std::nullopt;
}

} // namespace cmascope
