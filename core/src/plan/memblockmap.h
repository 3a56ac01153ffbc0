// SPDX-License-Identifier: GPL-2.0-or-later
// Memory as memblock sees it at boot: the banks (merged per NUMA node, as memblock merges regions of one node)
// minus what placement has reserved so far, with memblock's two searches (docs/kernel-cma.md#reservation-at-boot).
// Used by placement.cpp and multirange.cpp. Not installed.
#pragma once

#include <cmascope/model/platform.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace cmascope::placementdetail {

/// Half-open interval [lo, hi).
struct Span
{
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
};

class MemblockMap
{
public:
    explicit MemblockMap(const std::vector<Bank>& banks);

    /// @p s lies inside memory (banks of any node, adjacent ones merged).
    bool inMemory(Span s) const;
    /// The first reservation overlapping @p s and the index of its owner.
    std::optional<std::pair<Span, std::size_t>> overlapping(Span s) const;
    void reserve(Span s, std::size_t owner) { m_reserved.push_back({ s, owner }); }
    /// memblock_end_of_DRAM(): the end of the highest bank.
    std::uint64_t memoryEnd() const { return m_memory.empty() ? 0 : m_memory.back().hi; }
    /// Some memory belongs to NUMA node @p node.
    bool hasNode(int node) const;

    /// Free spans (memory minus reservations) clipped to [lo, hi), ascending; on node @p node only when it is
    /// not negative (for_each_free_mem_range() with a node id).
    std::vector<Span> freeSpans(std::uint64_t lo, std::uint64_t hi, int node = -1) const;
    /// memblock_find_in_range() top-down: the highest aligned start in [lo, hi) with @p size free bytes.
    std::optional<std::uint64_t> findTopDown(
        std::uint64_t lo, std::uint64_t hi, std::uint64_t size, std::uint64_t align, int node = -1) const;
    /// Bottom-up variant (memblock_set_bottom_up(true)).
    std::optional<std::uint64_t> findBottomUp(
        std::uint64_t lo, std::uint64_t hi, std::uint64_t size, std::uint64_t align, int node = -1) const;

private:
    struct NodeSpan
    {
        Span span;
        int node = 0;
    };
    std::vector<Span> m_memory; ///< all banks, merged
    std::vector<NodeSpan> m_nodes; ///< banks merged within each node, ascending
    std::vector<std::pair<Span, std::size_t>> m_reserved;
};

} // namespace cmascope::placementdetail
