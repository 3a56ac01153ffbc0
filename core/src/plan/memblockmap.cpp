// SPDX-License-Identifier: GPL-2.0-or-later
#include "memblockmap.h"

#include <cmascope/util/units.h>

#include <algorithm>
#include <limits>

namespace cmascope::placementdetail {

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

/// Memory minus @p reserved, clipped to [lo, hi), appended to @p out.
void subtract(Span m, std::uint64_t lo, std::uint64_t hi, const std::vector<Span>& reserved, std::vector<Span>& out)
{
    std::uint64_t cur = std::max(m.lo, lo);
    const std::uint64_t end = std::min(m.hi, hi);
    for (const Span& r : reserved) {
        if (cur >= end)
            break;
        if (r.hi <= cur || r.lo >= end)
            continue;
        if (r.lo > cur)
            out.push_back({ cur, r.lo });
        cur = std::max(cur, r.hi);
    }
    if (cur < end)
        out.push_back({ cur, end });
}

} // namespace

MemblockMap::MemblockMap(const std::vector<Bank>& banks)
{
    for (const Bank& b : banks) {
        if (b.size != 0 && b.size <= kMax - b.base)
            m_nodes.push_back({ { b.base, b.base + b.size }, b.numaNode });
    }
    std::sort(
        m_nodes.begin(), m_nodes.end(), [](const NodeSpan& a, const NodeSpan& b) { return a.span.lo < b.span.lo; });
    std::vector<NodeSpan> perNode;
    for (const NodeSpan& s : m_nodes) {
        if (!m_memory.empty() && s.span.lo <= m_memory.back().hi)
            m_memory.back().hi = std::max(m_memory.back().hi, s.span.hi);
        else
            m_memory.push_back(s.span);
        if (!perNode.empty() && s.node == perNode.back().node && s.span.lo <= perNode.back().span.hi)
            perNode.back().span.hi = std::max(perNode.back().span.hi, s.span.hi);
        else
            perNode.push_back(s);
    }
    m_nodes = std::move(perNode);
}

bool MemblockMap::inMemory(Span s) const
{
    return std::any_of(m_memory.begin(), m_memory.end(), [&](const Span& m) { return s.lo >= m.lo && s.hi <= m.hi; });
}

std::optional<std::pair<Span, std::size_t>> MemblockMap::overlapping(Span s) const
{
    for (const auto& reserved : m_reserved) {
        if (s.lo < reserved.first.hi && reserved.first.lo < s.hi)
            return reserved;
    }
    return std::nullopt;
}

bool MemblockMap::hasNode(int node) const
{
    return std::any_of(m_nodes.begin(), m_nodes.end(), [&](const NodeSpan& s) { return s.node == node; });
}

std::vector<Span> MemblockMap::freeSpans(std::uint64_t lo, std::uint64_t hi, int node) const
{
    std::vector<Span> reserved;
    for (const auto& r : m_reserved)
        reserved.push_back(r.first);
    std::sort(reserved.begin(), reserved.end(), [](const Span& a, const Span& b) { return a.lo < b.lo; });
    std::vector<Span> out;
    if (node < 0) {
        for (const Span& m : m_memory)
            subtract(m, lo, hi, reserved, out);
        return out;
    }
    for (const NodeSpan& m : m_nodes) {
        if (m.node == node)
            subtract(m.span, lo, hi, reserved, out);
    }
    return out;
}

std::optional<std::uint64_t> MemblockMap::findTopDown(
    std::uint64_t lo, std::uint64_t hi, std::uint64_t size, std::uint64_t align, int node) const
{
    const auto spans = freeSpans(lo, hi, node);
    for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
        if (it->hi - it->lo < size)
            continue;
        const std::uint64_t cand = alignDown(it->hi - size, align);
        if (cand >= it->lo)
            return cand;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> MemblockMap::findBottomUp(
    std::uint64_t lo, std::uint64_t hi, std::uint64_t size, std::uint64_t align, int node) const
{
    for (const Span& s : freeSpans(lo, hi, node)) {
        const auto cand = alignUp(s.lo, align);
        if (cand && *cand <= s.hi && s.hi - *cand >= size)
            return *cand;
    }
    return std::nullopt;
}

} // namespace cmascope::placementdetail
