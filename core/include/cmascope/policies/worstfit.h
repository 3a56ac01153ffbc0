// SPDX-License-Identifier: GPL-2.0-or-later
// Worst fit: place in the largest hole.
#pragma once

#include <cmascope/policies/holelist.h>

#include <set>

namespace cmascope {

/// Worst fit (Wilson et al. 1995, "sequential fits"): the request goes to the lowest aligned window
/// of the largest hole that can hold it aligned (ties: lowest address). Holes are indexed by size so
/// the largest is found in O(log n). Busy windows are skipped (next window, then next-largest hole).
class WorstFitPolicy final : public HoleListPolicy
{
public:
    WorstFitPolicy() = default;

    std::string_view id() const noexcept override { return "worst-fit"; }
    std::unique_ptr<AllocationPolicy> clone() const override;

protected:
    std::optional<std::uint64_t> choose(std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy,
        std::vector<std::uint64_t>& busyOffsets) override;
    void holeInserted(std::uint64_t start, const Hole& hole) override { m_bySize.insert({ hole.size, start }); }
    void holeErased(std::uint64_t start, const Hole& hole) override { m_bySize.erase({ hole.size, start }); }
    void holeChanged(std::uint64_t oldStart, const Hole& oldHole, std::uint64_t newStart, const Hole& newHole) override
    {
        auto node = m_bySize.extract({ oldHole.size, oldStart });
        node.value() = { newHole.size, newStart };
        m_bySize.insert(std::move(node));
    }
    void cleared() override { m_bySize.clear(); }

private:
    struct LargestFirst
    {
        bool operator()(const std::pair<std::uint64_t, std::uint64_t>& a,
            const std::pair<std::uint64_t, std::uint64_t>& b) const noexcept
        {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        }
    };
    std::set<std::pair<std::uint64_t, std::uint64_t>, LargestFirst> m_bySize; ///< (size, start)
};

} // namespace cmascope
