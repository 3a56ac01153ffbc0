// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/policies/buddy.h>

#include <algorithm>
#include <bit>

namespace cmascope {

namespace {
constexpr unsigned kMaxAlignOrder = 59;
constexpr std::uint64_t pow2(unsigned k) noexcept
{
    return std::uint64_t { 1 } << k;
}
} // namespace

unsigned BuddyPolicy::orderFor(std::uint64_t pages) noexcept
{
    return pages <= 1 ? 0U : static_cast<unsigned>(std::bit_width(pages - 1));
}

std::optional<std::string> BuddyPolicy::reset(const RegionGeometry& g)
{
    if (auto error = checkGeometry(g))
        return error;
    m_geometry = g;
    m_maxOrder = static_cast<unsigned>(std::bit_width(g.pages)) - 1;
    m_freeLists.assign(m_maxOrder + 1, {});
    m_used.clear();
    m_detail.clear();
    m_free = g.pages;
    // The maximal naturally aligned blocks, as memblock hands a range to the page allocator.
    std::uint64_t pos = 0;
    while (pos < g.pages) {
        const unsigned fitOrder = static_cast<unsigned>(std::bit_width(g.pages - pos)) - 1;
        const unsigned k = pos == 0 ? fitOrder : std::min(fitOrder, static_cast<unsigned>(std::countr_zero(pos)));
        m_freeLists[k].insert(pos);
        pos += pow2(k);
    }
    return std::nullopt;
}

const std::set<std::uint64_t>& BuddyPolicy::freeBlocks(unsigned order) const
{
    static const std::set<std::uint64_t> empty;
    return order < m_freeLists.size() ? m_freeLists[order] : empty;
}

std::pair<std::uint64_t, unsigned> BuddyPolicy::freeBlockContaining(std::uint64_t page, unsigned order) const
{
    for (unsigned j = order; j <= m_maxOrder; ++j) {
        const std::uint64_t candidate = page & ~(pow2(j) - 1);
        if (m_freeLists[j].count(candidate) != 0)
            return { candidate, j };
    }
    return { 0, m_maxOrder + 1 };
}

void BuddyPolicy::splitTo(std::uint64_t block, unsigned order, std::uint64_t at, unsigned target)
{
    m_freeLists[order].erase(block);
    while (order > target) {
        --order;
        const std::uint64_t half = pow2(order);
        if (at < block + half) {
            m_freeLists[order].insert(block + half);
        } else {
            m_freeLists[order].insert(block);
            block += half;
        }
    }
}

void BuddyPolicy::freeBlock(std::uint64_t block, unsigned order)
{
    m_free += pow2(order);
    while (order < m_maxOrder) {
        const std::uint64_t size = pow2(order);
        const std::uint64_t parent = block & ~(2 * size - 1);
        if (parent + 2 * size > m_geometry.pages)
            break; // the parent would stick out of the region
        if (m_freeLists[order].erase(block ^ size) == 0)
            break;
        block = parent;
        ++order;
    }
    m_freeLists[order].insert(block);
}

PolicyResult BuddyPolicy::allocate(const PolicyRequest& req, const BusyOracle* busy)
{
    PolicyResult result;
    m_detail.clear();
    if (req.pages == 0) {
        result.refusal = Refusal::ZeroSize;
        return result;
    }
    if (req.pages > m_geometry.pages) {
        result.refusal = Refusal::TooLarge;
        return result;
    }
    const unsigned order = orderFor(req.pages);
    if (order > m_maxOrder) {
        result.refusal = Refusal::Unsupported;
        m_detail = "the request rounds up to order " + std::to_string(order) + " (" + std::to_string(pow2(order))
            + " pages), larger than the largest buddy block of the region (order " + std::to_string(m_maxOrder) + ")";
        return result;
    }
    if (req.alignOrder > kMaxAlignOrder) {
        result.refusal = Refusal::Unsupported;
        m_detail = "alignment order " + std::to_string(req.alignOrder) + " is out of range";
        return result;
    }
    if (req.pages > m_free) {
        result.refusal = Refusal::NotEnoughFree;
        return result;
    }
    const unsigned a = req.alignOrder;
    const unsigned common = std::min(a, order);
    if ((m_geometry.basePfn & (pow2(common) - 1)) != 0) {
        result.refusal = Refusal::Unsupported;
        m_detail = "buddy blocks of order " + std::to_string(order)
            + " are aligned relative to the region start, and base PFN " + std::to_string(m_geometry.basePfn)
            + " is not a multiple of 2^" + std::to_string(common) + ", so no block can be aligned to 2^"
            + std::to_string(a) + " pages";
        return result;
    }
    const std::uint64_t blockPages = pow2(order);
    const std::uint64_t alignPages = pow2(a);
    const std::uint64_t step = std::max(alignPages, blockPages);
    for (unsigned j = order; j <= m_maxOrder; ++j) {
        const std::uint64_t span = pow2(j);
        for (const std::uint64_t block : m_freeLists[j]) {
            std::uint64_t t = 0;
            if (a > order) {
                const std::uint64_t r = (m_geometry.basePfn + block) & (alignPages - 1);
                t = r == 0 ? 0 : alignPages - r;
            }
            for (; t + blockPages <= span; t += step) {
                const std::uint64_t at = block + t;
                if (busy != nullptr && busy->isBusy(at, blockPages)) {
                    result.busyOffsets.push_back(at);
                    continue;
                }
                splitTo(block, j, at, order);
                m_used.emplace(at, order);
                m_free -= blockPages;
                result.ok = true;
                result.offset = at;
                result.reservedPages = blockPages;
                return result;
            }
        }
    }
    result.refusal = result.busyOffsets.empty() ? Refusal::Fragmented : Refusal::Busy;
    return result;
}

bool BuddyPolicy::release(std::uint64_t offset, std::uint64_t pages)
{
    if (pages == 0 || offset >= m_geometry.pages || pages > m_geometry.pages - offset)
        return false;
    auto it = m_used.find(offset);
    if (it == m_used.end())
        return false;
    if (orderFor(pages) == it->second) {
        const unsigned order = it->second;
        m_used.erase(it);
        freeBlock(offset, order);
        return true;
    }
    // A range made of consecutive whole blocks.
    const std::uint64_t end = offset + pages;
    std::vector<std::pair<std::uint64_t, unsigned>> blocks;
    for (std::uint64_t pos = offset; pos != end;) {
        const auto b = m_used.find(pos);
        if (b == m_used.end() || pos + pow2(b->second) > end)
            return false;
        blocks.emplace_back(b->first, b->second);
        pos += pow2(b->second);
    }
    for (const auto& [block, order] : blocks) {
        m_used.erase(block);
        freeBlock(block, order);
    }
    return true;
}

bool BuddyPolicy::reserve(std::uint64_t offset, std::uint64_t pages)
{
    if (pages == 0 || offset >= m_geometry.pages || pages > m_geometry.pages - offset)
        return false;
    // The range as maximal naturally aligned blocks.
    std::vector<std::pair<std::uint64_t, unsigned>> pieces;
    const std::uint64_t end = offset + pages;
    for (std::uint64_t pos = offset; pos < end;) {
        const unsigned fitOrder = static_cast<unsigned>(std::bit_width(end - pos)) - 1;
        const unsigned k = pos == 0 ? fitOrder : std::min(fitOrder, static_cast<unsigned>(std::countr_zero(pos)));
        pieces.emplace_back(pos, k);
        pos += pow2(k);
    }
    for (const auto& [pos, k] : pieces) {
        if (freeBlockContaining(pos, k).second > m_maxOrder)
            return false;
    }
    for (const auto& [pos, k] : pieces) {
        const auto [block, order] = freeBlockContaining(pos, k);
        splitTo(block, order, pos, k);
        m_used.emplace(pos, k);
        m_free -= pow2(k);
    }
    return true;
}

std::unique_ptr<AllocationPolicy> BuddyPolicy::clone() const
{
    return std::make_unique<BuddyPolicy>(*this);
}

} // namespace cmascope
