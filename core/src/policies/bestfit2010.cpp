// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/policies/bestfit2010.h>

namespace cmascope {

std::unique_ptr<AllocationPolicy> BestFit2010Policy::clone() const
{
    return std::make_unique<BestFit2010Policy>(*this);
}

void BestFit2010Policy::addToBucket(Bucket& b, std::uint64_t start) noexcept
{
    const auto r = static_cast<unsigned>((geometry().basePfn + start) & 63U);
    if (b.residueCount[r]++ == 0)
        b.residueMask |= std::uint64_t { 1 } << r;
}

void BestFit2010Policy::removeFromBucket(Bucket& b, std::uint64_t start) noexcept
{
    const auto r = static_cast<unsigned>((geometry().basePfn + start) & 63U);
    if (--b.residueCount[r] == 0)
        b.residueMask &= ~(std::uint64_t { 1 } << r);
}

void BestFit2010Policy::holeInserted(std::uint64_t start, const Hole& hole)
{
    Bucket& b = m_bySize[hole.size];
    b.holes.emplace_hint(b.holes.begin(), ~hole.seq, start); // the newest hole goes first
    addToBucket(b, start);
}

void BestFit2010Policy::holeErased(std::uint64_t start, const Hole& hole)
{
    const auto it = m_bySize.find(hole.size);
    it->second.holes.erase({ ~hole.seq, start });
    removeFromBucket(it->second, start);
    if (it->second.holes.empty())
        m_bySize.erase(it);
}

void BestFit2010Policy::holeChanged(
    std::uint64_t oldStart, const Hole& oldHole, std::uint64_t newStart, const Hole& newHole)
{
    // Move the set node between buckets instead of freeing and allocating one.
    const auto from = m_bySize.find(oldHole.size);
    auto node = from->second.holes.extract({ ~oldHole.seq, oldStart });
    removeFromBucket(from->second, oldStart);
    if (from->second.holes.empty())
        m_bySize.erase(from);
    node.value() = { ~newHole.seq, newStart };
    Bucket& to = m_bySize[newHole.size];
    to.holes.insert(to.holes.begin(), std::move(node));
    addToBucket(to, newStart);
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> BestFit2010Policy::holesBySize() const
{
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    for (const auto& [size, bucket] : m_bySize) {
        for (const auto& [negSeq, start] : bucket.holes)
            out.emplace_back(start, size);
    }
    return out;
}

std::optional<std::uint64_t> BestFit2010Policy::tryHole(std::uint64_t holeStart, std::uint64_t size,
    std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy,
    std::vector<std::uint64_t>& busyOffsets) const
{
    const std::uint64_t holeEnd = holeStart + size;
    const std::uint64_t s = alignUp(holeStart, alignPages);
    if (!(s < holeEnd && holeEnd - s >= pages))
        return std::nullopt;
    // __cma_bf_hole_take(): where the chunk goes inside this hole.
    std::uint64_t chunk = s;
    if (pages != size && chunk != holeStart && chunk + pages != holeEnd) {
        const std::uint64_t left = holeEnd - (chunk + pages);
        if (left % alignPages == 0)
            chunk += left; // case 3 -> slide to the end of the hole
    }
    if (busy == nullptr || !busy->isBusy(chunk, pages))
        return chunk;
    busyOffsets.push_back(chunk);
    for (std::uint64_t c = s; c <= holeEnd && holeEnd - c >= pages; c += alignPages) {
        if (c == chunk)
            continue;
        if (!busy->isBusy(c, pages))
            return c;
        busyOffsets.push_back(c);
    }
    return std::nullopt;
}

std::optional<std::uint64_t> BestFit2010Policy::choose(
    std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy, std::vector<std::uint64_t>& busyOffsets)
{
    // The descent of cma_bf_alloc() (the in-order first hole with size >= pages), then its in-order
    // successors: sizes ascending, the newest hole first within a size.
    for (auto it = m_bySize.lower_bound(pages); it != m_bySize.end(); ++it) {
        const std::uint64_t size = it->first;
        const Bucket& bucket = it->second;
        if (busy == nullptr && alignPages <= 64 && size < pages + alignPages - 1) {
            // A hole of this size fits iff its start is at most d = size - pages pages below an
            // aligned PFN: (basePfn + start) % A is 0 or >= A - d. Skip the size if no hole qualifies.
            const std::uint64_t d = size - pages;
            std::uint64_t period = 1;
            if (d > 0)
                period |= ((std::uint64_t { 1 } << d) - 1) << (alignPages - d);
            const std::uint64_t allowed =
                alignPages == 64 ? period : period * (~std::uint64_t { 0 } / ((std::uint64_t { 1 } << alignPages) - 1));
            if ((bucket.residueMask & allowed) == 0)
                continue;
        }
        for (const auto& [negSeq, start] : bucket.holes) {
            if (const auto chunk = tryHole(start, size, pages, alignPages, busy, busyOffsets))
                return chunk;
        }
    }
    return std::nullopt;
}

} // namespace cmascope
