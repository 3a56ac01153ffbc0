// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/policies/holelist.h>
#include <cmascope/util/units.h>

#include <algorithm>

namespace cmascope {

namespace {
constexpr unsigned kMaxAlignOrder = 59;
} // namespace

std::optional<std::string> HoleListPolicy::reset(const RegionGeometry& g)
{
    if (auto error = checkGeometry(g))
        return error;
    m_geometry = g;
    m_holes.clear();
    m_free = 0;
    m_seq = 0;
    cleared();
    insertHole(0, g.pages);
    return std::nullopt;
}

std::uint64_t HoleListPolicy::largestHole() const noexcept
{
    std::uint64_t best = 0;
    for (const auto& [start, hole] : m_holes)
        best = std::max(best, hole.size);
    return best;
}

std::uint64_t HoleListPolicy::alignUp(std::uint64_t offset, std::uint64_t alignPages) const noexcept
{
    // PFNs stay far below 2^64 (a region has < 2^32 pages); saturate rather than wrap all the same.
    const std::uint64_t abs = m_geometry.basePfn + offset;
    return cmascope::alignUp(abs, alignPages).value_or(kU64Max - alignPages + 1) - m_geometry.basePfn;
}

std::optional<std::uint64_t> HoleListPolicy::fitInHole(std::uint64_t start, std::uint64_t size, std::uint64_t pages,
    std::uint64_t alignPages, const BusyOracle* busy, std::vector<std::uint64_t>& busyOffsets) const
{
    const std::uint64_t end = start + size;
    for (std::uint64_t s = alignUp(start, alignPages); s <= end && end - s >= pages; s += alignPages) {
        if (busy == nullptr || !busy->isBusy(s, pages))
            return s;
        busyOffsets.push_back(s);
    }
    return std::nullopt;
}

void HoleListPolicy::insertHole(std::uint64_t start, std::uint64_t size)
{
    const Hole hole { size, ++m_seq };
    m_holes.emplace(start, hole);
    m_free += size;
    holeInserted(start, hole);
}

void HoleListPolicy::eraseHole(std::map<std::uint64_t, Hole>::iterator it)
{
    const std::uint64_t start = it->first;
    const Hole hole = it->second;
    m_holes.erase(it);
    m_free -= hole.size;
    holeErased(start, hole);
}

void HoleListPolicy::changeHole(
    std::map<std::uint64_t, Hole>::iterator it, std::uint64_t newStart, std::uint64_t newSize)
{
    const std::uint64_t oldStart = it->first;
    const Hole oldHole = it->second;
    const Hole newHole { newSize, ++m_seq };
    if (newStart == oldStart) {
        it->second = newHole;
    } else {
        // Reuse the map node; the hole keeps its place in address order.
        const auto hint = std::next(it);
        auto node = m_holes.extract(it);
        node.key() = newStart;
        node.mapped() = newHole;
        m_holes.insert(hint, std::move(node));
    }
    m_free = m_free - oldHole.size + newSize;
    holeChanged(oldStart, oldHole, newStart, newHole);
}

void HoleListPolicy::carve(std::map<std::uint64_t, Hole>::iterator it, std::uint64_t chunk, std::uint64_t pages)
{
    const std::uint64_t start = it->first;
    const std::uint64_t end = start + it->second.size;
    const std::uint64_t chunkEnd = chunk + pages;
    if (chunk == start && chunkEnd == end) {
        eraseHole(it);
    } else if (chunk == start) {
        changeHole(it, chunkEnd, end - chunkEnd);
    } else {
        // As in __cma_bf_hole_take(): the tail hole first, then the leading part is re-inserted.
        if (chunkEnd < end)
            insertHole(chunkEnd, end - chunkEnd);
        changeHole(it, start, chunk - start);
    }
}

std::map<std::uint64_t, HoleListPolicy::Hole>::iterator HoleListPolicy::holeContaining(std::uint64_t page)
{
    auto it = m_holes.upper_bound(page);
    if (it == m_holes.begin())
        return m_holes.end();
    --it;
    return page < it->first + it->second.size ? it : m_holes.end();
}

PolicyResult HoleListPolicy::allocate(const PolicyRequest& req, const BusyOracle* busy)
{
    PolicyResult result;
    if (req.pages == 0) {
        result.refusal = Refusal::ZeroSize;
        return result;
    }
    if (req.pages > m_geometry.pages) {
        result.refusal = Refusal::TooLarge;
        return result;
    }
    if (req.alignOrder > kMaxAlignOrder) {
        result.refusal = Refusal::Unsupported;
        return result;
    }
    if (req.pages > m_free) {
        result.refusal = Refusal::NotEnoughFree;
        return result;
    }
    const std::optional<std::uint64_t> chunk =
        choose(req.pages, std::uint64_t { 1 } << req.alignOrder, busy, result.busyOffsets);
    if (!chunk) {
        result.refusal = result.busyOffsets.empty() ? Refusal::Fragmented : Refusal::Busy;
        return result;
    }
    carve(holeContaining(*chunk), *chunk, req.pages);
    placed(*chunk, req.pages);
    result.ok = true;
    result.offset = *chunk;
    result.reservedPages = req.pages;
    return result;
}

bool HoleListPolicy::release(std::uint64_t offset, std::uint64_t pages)
{
    if (pages == 0 || offset >= m_geometry.pages || pages > m_geometry.pages - offset)
        return false;
    const std::uint64_t end = offset + pages;
    // Every page of the range must be allocated: no hole may intersect it.
    auto next = m_holes.lower_bound(offset);
    if (next != m_holes.end() && next->first < end)
        return false;
    const bool mergeNext = next != m_holes.end() && next->first == end;
    if (next != m_holes.begin()) {
        const auto prev = std::prev(next);
        const std::uint64_t prevEnd = prev->first + prev->second.size;
        if (prevEnd > offset)
            return false;
        if (prevEnd == offset) {
            std::uint64_t last = end;
            if (mergeNext) {
                last = end + next->second.size;
                eraseHole(next);
            }
            changeHole(prev, prev->first, last - prev->first);
            return true;
        }
    }
    if (mergeNext)
        changeHole(next, offset, end + next->second.size - offset);
    else
        insertHole(offset, pages);
    return true;
}

bool HoleListPolicy::reserve(std::uint64_t offset, std::uint64_t pages)
{
    if (pages == 0 || offset >= m_geometry.pages || pages > m_geometry.pages - offset)
        return false;
    const auto it = holeContaining(offset);
    if (it == m_holes.end() || it->first + it->second.size < offset + pages)
        return false;
    carve(it, offset, pages);
    return true;
}

} // namespace cmascope
