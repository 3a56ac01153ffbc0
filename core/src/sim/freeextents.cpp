// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/sim/freeextents.h>

#include <algorithm>
#include <bit>
#include <limits>

namespace cmascope {

FreeExtents::FreeExtents(std::uint64_t basePfn, std::uint64_t pages)
    : m_basePfn(basePfn)
    , m_pages(pages)
{
    if (pages)
        addRun(0, pages);
}

std::uint64_t FreeExtents::footprint() const
{
    if (m_runs.empty())
        return m_pages;
    const auto& [offset, length] = *m_runs.rbegin();
    return offset + length == m_pages ? offset : m_pages;
}

void FreeExtents::countBlocks(std::uint64_t offset, std::uint64_t length, int sign)
{
    // Split [pfn, pfn + length) into maximal naturally aligned power-of-two blocks, as the buddy
    // allocator would hold the same free pages.
    std::uint64_t pfn = m_basePfn + offset;
    const std::uint64_t end = pfn + length;
    while (pfn < end) {
        const unsigned alignOrder = pfn ? static_cast<unsigned>(std::countr_zero(pfn)) : 63u;
        const unsigned sizeOrder = static_cast<unsigned>(std::bit_width(end - pfn) - 1);
        const unsigned order = std::min(alignOrder, sizeOrder);
        m_blocks[order] += sign > 0 ? 1 : std::uint64_t(-1);
        pfn += std::uint64_t(1) << order;
    }
}

void FreeExtents::addRun(std::uint64_t offset, std::uint64_t length)
{
    m_runs.emplace(offset, length);
    ++m_bySize[length];
    m_free += length;
    countBlocks(offset, length, +1);
}

void FreeExtents::removeRun(std::map<std::uint64_t, std::uint64_t>::iterator it)
{
    const auto [offset, length] = *it;
    auto s = m_bySize.find(length);
    if (--s->second == 0)
        m_bySize.erase(s);
    m_free -= length;
    countBlocks(offset, length, -1);
    m_runs.erase(it);
}

namespace {
/// The free run of @p runs (offset -> length) that holds all of [offset, offset + pages), or runs.end().
/// Never computes offset + pages, so a range that would pass 2^64 is simply not held.
template <typename Runs> auto runHolding(Runs& runs, std::uint64_t offset, std::uint64_t pages)
{
    auto it = runs.upper_bound(offset);
    if (it == runs.begin())
        return runs.end();
    --it; // it->first <= offset
    const std::uint64_t runEnd = it->first + it->second; // within the region: no overflow
    if (offset >= runEnd || pages > runEnd - offset)
        return runs.end();
    return it;
}
} // namespace

bool FreeExtents::isFree(std::uint64_t offset, std::uint64_t pages) const
{
    return pages == 0 || runHolding(m_runs, offset, pages) != m_runs.end();
}

bool FreeExtents::isUsed(std::uint64_t offset, std::uint64_t pages) const
{
    if (offset > m_pages || pages > m_pages - offset)
        return false;
    // No free run may intersect [offset, offset + pages).
    auto it = m_runs.upper_bound(offset);
    if (it != m_runs.begin()) {
        auto prev = std::prev(it);
        if (prev->first + prev->second > offset)
            return false;
    }
    return it == m_runs.end() || it->first >= offset + pages;
}

bool FreeExtents::take(std::uint64_t offset, std::uint64_t pages)
{
    if (pages == 0)
        return true;
    const auto it = runHolding(m_runs, offset, pages);
    if (it == m_runs.end())
        return false;
    const auto [runStart, runLength] = *it;
    removeRun(it);
    if (offset > runStart)
        addRun(runStart, offset - runStart);
    if (offset + pages < runStart + runLength)
        addRun(offset + pages, runStart + runLength - offset - pages);
    return true;
}

bool FreeExtents::give(std::uint64_t offset, std::uint64_t pages)
{
    if (pages == 0)
        return true;
    if (!isUsed(offset, pages))
        return false;
    std::uint64_t start = offset;
    std::uint64_t end = offset + pages;
    auto next = m_runs.lower_bound(end);
    if (next != m_runs.end() && next->first == end) {
        end += next->second;
        removeRun(next);
    }
    auto it = m_runs.lower_bound(start);
    if (it != m_runs.begin()) {
        auto prev = std::prev(it);
        if (prev->first + prev->second == start) {
            start = prev->first;
            removeRun(prev);
        }
    }
    addRun(start, end - start);
    return true;
}

std::uint64_t FreeExtents::largestAligned(unsigned order) const
{
    const std::uint64_t mask = (std::uint64_t(1) << order) - 1;
    std::uint64_t best = 0;
    for (const auto& [offset, length] : m_runs) {
        if (length <= best)
            continue;
        const std::uint64_t pfn = m_basePfn + offset;
        if (pfn > std::numeric_limits<std::uint64_t>::max() - mask)
            continue; // no aligned PFN at or above it
        const std::uint64_t aligned = (pfn + mask) & ~mask;
        const std::uint64_t end = pfn + length;
        if (aligned < end)
            best = std::max(best, end - aligned);
    }
    return best;
}

bool FreeExtents::admitsAligned(std::uint64_t pages, unsigned order) const
{
    if (order >= 64)
        return pages == 0 && m_basePfn == 0;
    const std::uint64_t mask = (std::uint64_t(1) << order) - 1;
    if (m_basePfn > std::numeric_limits<std::uint64_t>::max() - mask)
        return false; // no aligned PFN at or above the start
    const std::uint64_t skip = ((m_basePfn + mask) & ~mask) - m_basePfn;
    return skip <= m_pages && pages <= m_pages - skip;
}

std::optional<std::uint64_t> FreeExtents::firstFit(std::uint64_t pages, unsigned order) const
{
    const std::uint64_t mask = (std::uint64_t(1) << order) - 1;
    for (const auto& [offset, length] : m_runs) {
        const std::uint64_t pfn = m_basePfn + offset;
        if (pfn > std::numeric_limits<std::uint64_t>::max() - mask)
            continue; // no aligned PFN at or above it
        const std::uint64_t aligned = (pfn + mask) & ~mask;
        const std::uint64_t end = pfn + length;
        if (aligned <= end && pages <= end - aligned)
            return aligned - m_basePfn;
    }
    return std::nullopt;
}

int FreeExtents::unusableIndex(unsigned order) const
{
    if (m_free == 0)
        return 1000;
    std::uint64_t suitablePages = 0;
    for (unsigned o = order; o <= kMaxOrder; ++o)
        suitablePages += m_blocks[o] << o;
    return static_cast<int>((m_free - suitablePages) * 1000 / m_free);
}

int FreeExtents::extfragIndex(unsigned order) const
{
    std::uint64_t total = 0;
    std::uint64_t suitable = 0;
    for (unsigned o = 0; o <= kMaxOrder; ++o) {
        total += m_blocks[o];
        if (o >= order)
            suitable += m_blocks[o];
    }
    if (total == 0)
        return 0;
    if (suitable)
        return -1000;
    // 1000 - (1000 + free_pages * 1000 / requested) / free_blocks_total, as __fragmentation_index().
    const std::uint64_t requested = std::uint64_t(1) << std::min(order, 62u);
    return static_cast<int>(1000 - static_cast<std::int64_t>((1000 + m_free * 1000 / requested) / total));
}

double FreeExtents::relativeFragmentation() const
{
    return m_free == 0 ? 0.0 : 1.0 - double(largestRun()) / double(m_free);
}

} // namespace cmascope
