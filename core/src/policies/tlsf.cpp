// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/policies/tlsf.h>

#include <algorithm>
#include <bit>

namespace cmascope {

namespace {
constexpr unsigned kMaxSli = 6; // 64 second-level lists fit one bitmap word
} // namespace

TlsfPolicy::TlsfPolicy(const PolicyParams& params)
    : m_sli(std::min(params.tlsfSecondLevelLog2, kMaxSli))
    , m_slCount(1U << m_sli)
{ }

std::unique_ptr<AllocationPolicy> TlsfPolicy::clone() const
{
    return std::make_unique<TlsfPolicy>(*this);
}

std::pair<unsigned, unsigned> TlsfPolicy::listFor(std::uint64_t size) const noexcept
{
    if (size < m_slCount)
        return { 0U, static_cast<unsigned>(size) };
    const auto f = static_cast<unsigned>(std::bit_width(size)) - 1;
    return { f - m_sli + 1, static_cast<unsigned>(size >> (f - m_sli)) - m_slCount };
}

std::uint64_t TlsfPolicy::roundUpToClass(std::uint64_t size) const noexcept
{
    if (size < m_slCount)
        return size;
    const auto f = static_cast<unsigned>(std::bit_width(size)) - 1;
    const std::uint64_t rounded = size + (std::uint64_t { 1 } << (f - m_sli)) - 1;
    const auto g = static_cast<unsigned>(std::bit_width(rounded)) - 1;
    return (rounded >> (g - m_sli)) << (g - m_sli);
}

void TlsfPolicy::cleared()
{
    m_flBitmap = 0;
    m_slBitmap.fill(0);
    const unsigned flCount = listFor(geometry().pages).first + 1;
    m_lists.assign(static_cast<std::size_t>(flCount) * m_slCount, {});
}

void TlsfPolicy::markNonEmpty(unsigned fl, unsigned sl) noexcept
{
    m_slBitmap[fl] |= std::uint64_t { 1 } << sl;
    m_flBitmap |= std::uint64_t { 1 } << fl;
}

void TlsfPolicy::markIfEmpty(unsigned fl, unsigned sl) noexcept
{
    if (!list(fl, sl).empty())
        return;
    m_slBitmap[fl] &= ~(std::uint64_t { 1 } << sl);
    if (m_slBitmap[fl] == 0)
        m_flBitmap &= ~(std::uint64_t { 1 } << fl);
}

void TlsfPolicy::holeInserted(std::uint64_t start, const Hole& hole)
{
    const auto [fl, sl] = listFor(hole.size);
    list(fl, sl).emplace(~hole.seq, start);
    markNonEmpty(fl, sl);
}

void TlsfPolicy::holeErased(std::uint64_t start, const Hole& hole)
{
    const auto [fl, sl] = listFor(hole.size);
    list(fl, sl).erase({ ~hole.seq, start });
    markIfEmpty(fl, sl);
}

void TlsfPolicy::holeChanged(std::uint64_t oldStart, const Hole& oldHole, std::uint64_t newStart, const Hole& newHole)
{
    const auto [oldFl, oldSl] = listFor(oldHole.size);
    const auto [newFl, newSl] = listFor(newHole.size);
    auto node = list(oldFl, oldSl).extract({ ~oldHole.seq, oldStart });
    markIfEmpty(oldFl, oldSl);
    node.value() = { ~newHole.seq, newStart };
    list(newFl, newSl).insert(std::move(node));
    markNonEmpty(newFl, newSl);
}

bool TlsfPolicy::findSuitable(unsigned& fl, unsigned& sl) const noexcept
{
    const std::size_t flCount = m_lists.size() / m_slCount;
    if (fl >= flCount)
        return false;
    std::uint64_t slMap = sl < 64 ? m_slBitmap[fl] & (~std::uint64_t { 0 } << sl) : 0;
    if (slMap == 0) {
        const std::uint64_t flMap = fl + 1 < 64 ? m_flBitmap & (~std::uint64_t { 0 } << (fl + 1)) : 0;
        if (flMap == 0)
            return false;
        fl = static_cast<unsigned>(std::countr_zero(flMap));
        slMap = m_slBitmap[fl];
    }
    sl = static_cast<unsigned>(std::countr_zero(slMap));
    return true;
}

std::optional<std::uint64_t> TlsfPolicy::choose(
    std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy, std::vector<std::uint64_t>& busyOffsets)
{
    // Slack for the leading fragment: any block of this size holds an aligned window.
    const std::uint64_t need = pages + (alignPages - 1);
    auto [fl, sl] = listFor(roundUpToClass(need));
    if (!findSuitable(fl, sl))
        return std::nullopt;
    if (busy == nullptr) {
        const std::uint64_t start = list(fl, sl).begin()->second;
        return alignUp(start, alignPages);
    }
    for (;;) {
        for (const auto& [negSeq, start] : list(fl, sl)) {
            const std::uint64_t size = holes().at(start).size;
            if (const auto chunk = fitInHole(start, size, pages, alignPages, busy, busyOffsets))
                return chunk;
        }
        if (++sl == m_slCount) {
            sl = 0;
            ++fl;
        }
        if (!findSuitable(fl, sl))
            return std::nullopt;
    }
}

} // namespace cmascope
