// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/policies/kernelbitmap.h>

#include <algorithm>
#include <bit>
#include <charconv>

namespace cmascope {

namespace {
constexpr std::uint64_t kAllOnes = ~std::uint64_t { 0 };
/// Alignment orders from here on would overflow the 64-bit __ALIGN_MASK arithmetic.
constexpr unsigned kMaxSupportedAlignOrder = 59;

/// Bits [lo, 64) of a word.
constexpr std::uint64_t maskFrom(unsigned lo) noexcept
{
    return kAllOnes << lo;
}

/// Bits [0, hi) of a word, hi in [1, 64].
constexpr std::uint64_t maskBelow(unsigned hi) noexcept
{
    return kAllOnes >> (64U - hi);
}

/// find_next_bit() / find_next_zero_bit(): the first bit at or after @p start (below @p size) that is set in
/// @p words XOR @p flip (flip all ones: the first zero bit); @p size when there is none.
std::uint64_t findNextMatching(
    const std::vector<std::uint64_t>& words, std::uint64_t start, std::uint64_t size, std::uint64_t flip) noexcept
{
    if (start >= size)
        return size;
    std::uint64_t i = start / 64;
    std::uint64_t w = (words[i] ^ flip) & maskFrom(static_cast<unsigned>(start % 64));
    for (;;) {
        if (w != 0)
            return std::min(size, i * 64 + static_cast<std::uint64_t>(std::countr_zero(w)));
        ++i;
        if (i * 64 >= size)
            return size;
        w = words[i] ^ flip;
    }
}
} // namespace

KernelBitmapPolicy::KernelBitmapPolicy(const PolicyParams& params)
    : m_params(params)
{ }

std::optional<std::string> KernelBitmapPolicy::reset(const RegionGeometry& g)
{
    const unsigned opb = m_params.orderPerBit;
    if (opb >= 48)
        return std::string("order_per_bit must be below 48");
    const std::uint64_t unit = std::uint64_t { 1 } << opb;
    if (g.pages == 0)
        return std::string("the region has no pages");
    if (g.pages >= kMaxPolicyPages)
        return std::string("the region is too large (2^48 pages or more)");
    if (g.pages % unit != 0)
        return "the region size (" + std::to_string(g.pages) + " pages) is not a multiple of 2^order_per_bit ("
            + std::to_string(unit) + " pages)";
    if (g.basePfn % unit != 0)
        return "the base PFN (" + std::to_string(g.basePfn) + ") is not a multiple of 2^order_per_bit ("
            + std::to_string(unit) + " pages)";
    m_geometry = g;
    m_maxno = g.pages >> opb;
    m_words.assign((m_maxno + 63) / 64, 0);
    m_available = g.pages;
    rebuildIndex();
    return std::nullopt;
}

std::uint64_t KernelBitmapPolicy::pagesToBits(std::uint64_t pages) const noexcept
{
    const unsigned opb = m_params.orderPerBit;
    const std::uint64_t rest = pages & ((std::uint64_t { 1 } << opb) - 1);
    return (pages >> opb) + (rest != 0 ? 1 : 0);
}

KernelBitmapPolicy::SearchParams KernelBitmapPolicy::searchParams(const PolicyRequest& req) const noexcept
{
    SearchParams sp;
    const unsigned opb = m_params.orderPerBit;
    sp.alignOrder = req.alignOrder;
    if (m_params.maxAlignOrder && sp.alignOrder > *m_params.maxAlignOrder)
        sp.alignOrder = *m_params.maxAlignOrder;
    const unsigned align = std::min(sp.alignOrder, kMaxSupportedAlignOrder);
    // cma_bitmap_aligned_mask()
    sp.mask = align <= opb ? 0 : (std::uint64_t { 1 } << (align - opb)) - 1;
    // cma_bitmap_aligned_offset()
    sp.offset = (m_geometry.basePfn & ((std::uint64_t { 1 } << align) - 1)) >> opb;
    sp.nbits = pagesToBits(req.pages);
    sp.maxno = m_maxno;
    return sp;
}

std::uint64_t KernelBitmapPolicy::findNextZeroBit(std::uint64_t start, std::uint64_t size) const noexcept
{
    return findNextMatching(m_words, start, size, kAllOnes);
}

std::uint64_t KernelBitmapPolicy::findNextBit(std::uint64_t start, std::uint64_t size) const noexcept
{
    return findNextMatching(m_words, start, size, 0);
}

std::uint64_t KernelBitmapPolicy::findNextZeroArea(
    std::uint64_t start, std::uint64_t nr, std::uint64_t mask, std::uint64_t offset) const noexcept
{
    const std::uint64_t size = m_maxno;
    for (;;) {
        std::uint64_t index = findNextZeroBit(start, size);
        // __ALIGN_MASK(index + align_offset, align_mask) - align_offset
        index = ((index + offset + mask) & ~mask) - offset;
        const std::uint64_t end = index + nr;
        if (end > size)
            return end;
        const std::uint64_t i = findNextBit(index, end);
        if (i < end) {
            start = i + 1;
            continue;
        }
        return index;
    }
}

void KernelBitmapPolicy::assignBits(std::uint64_t start, std::uint64_t n, bool value) noexcept
{
    std::uint64_t bit = start;
    const std::uint64_t end = start + n;
    while (bit < end) {
        const std::uint64_t w = bit / 64;
        const auto lo = static_cast<unsigned>(bit % 64);
        const auto hi = static_cast<unsigned>(std::min<std::uint64_t>(64, end - w * 64));
        const std::uint64_t mask = maskFrom(lo) & maskBelow(hi);
        m_words[w] = value ? (m_words[w] | mask) : (m_words[w] & ~mask);
        bit = w * 64 + hi;
    }
    if (n != 0)
        updateIndex(start / 64, (end - 1) / 64);
}

bool KernelBitmapPolicy::allClear(std::uint64_t start, std::uint64_t n) const noexcept
{
    return findNextBit(start, start + n) >= start + n;
}

bool KernelBitmapPolicy::allSet(std::uint64_t start, std::uint64_t n) const noexcept
{
    return findNextZeroBit(start, start + n) >= start + n;
}

bool KernelBitmapPolicy::testBit(std::uint64_t bit) const noexcept
{
    return bit < m_maxno && ((m_words[bit / 64] >> (bit % 64)) & 1U) != 0;
}

// ---- zero-run index ----------------------------------------------------------------------------

namespace {
constexpr std::uint64_t kNone = ~std::uint64_t { 0 };

/// Scans word @p w (1 = in use) whose bit 0 is bitmap bit @p base for a zero run of @p n bits, given
/// @p run zero bits immediately before it. Returns the run's first bit, or kNone with @p run updated.
std::uint64_t scanWord(std::uint64_t w, std::uint64_t base, std::uint64_t& run, std::uint64_t n) noexcept
{
    unsigned bit = 0;
    while (bit < 64) {
        const std::uint64_t rest = w >> bit;
        const unsigned zeros = rest == 0 ? 64 - bit : static_cast<unsigned>(std::countr_zero(rest));
        if (run + zeros >= n)
            return base + bit - run;
        if (bit + zeros >= 64) {
            run += zeros;
            return kNone;
        }
        bit += zeros;
        run = 0;
        bit += static_cast<unsigned>(std::countr_one(w >> bit));
    }
    return kNone;
}
} // namespace

std::uint64_t KernelBitmapPolicy::effectiveWord(std::uint64_t i) const noexcept
{
    if (i >= m_words.size())
        return kAllOnes;
    std::uint64_t w = m_words[i];
    if (i + 1 == m_words.size() && m_maxno % 64 != 0)
        w |= ~maskBelow(static_cast<unsigned>(m_maxno % 64));
    return w;
}

void KernelBitmapPolicy::rebuildIndex()
{
    m_leaves = std::bit_ceil(std::max<std::uint64_t>(1, m_words.size()));
    m_index.assign(2 * m_leaves, RunNode {});
    updateIndex(0, m_leaves - 1);
}

void KernelBitmapPolicy::updateIndex(std::uint64_t firstWord, std::uint64_t lastWord) noexcept
{
    for (std::uint64_t i = firstWord; i <= lastWord; ++i) {
        const std::uint64_t w = effectiveWord(i);
        RunNode& leaf = m_index[m_leaves + i];
        leaf.len = 64;
        leaf.pre = w == 0 ? 64 : static_cast<std::uint64_t>(std::countr_zero(w));
        leaf.suf = w == 0 ? 64 : static_cast<std::uint64_t>(std::countl_zero(w));
        std::uint64_t best = 0;
        unsigned bit = 0;
        while (bit < 64) {
            const std::uint64_t rest = w >> bit;
            if (rest == 0) {
                best = std::max<std::uint64_t>(best, 64 - bit);
                break;
            }
            const auto zeros = static_cast<unsigned>(std::countr_zero(rest));
            best = std::max<std::uint64_t>(best, zeros);
            bit += zeros;
            bit += static_cast<unsigned>(std::countr_one(w >> bit));
        }
        leaf.best = best;
    }
    std::uint64_t lo = (m_leaves + firstWord) / 2;
    std::uint64_t hi = (m_leaves + lastWord) / 2;
    while (lo >= 1) {
        for (std::uint64_t j = lo; j <= hi; ++j) {
            const RunNode& l = m_index[2 * j];
            const RunNode& r = m_index[2 * j + 1];
            RunNode& node = m_index[j];
            node.len = l.len + r.len;
            node.pre = l.pre == l.len ? l.len + r.pre : l.pre;
            node.suf = r.suf == r.len ? r.len + l.suf : r.suf;
            node.best = std::max({ l.best, r.best, l.suf + r.pre });
        }
        lo /= 2;
        hi /= 2;
    }
}

std::uint64_t KernelBitmapPolicy::firstFreeWindow(std::uint64_t start, std::uint64_t n) const noexcept
{
    if (start >= m_maxno || n == 0)
        return m_maxno;
    std::uint64_t run = 0;
    const std::uint64_t firstWord = start / 64;
    std::uint64_t w = effectiveWord(firstWord);
    if (start % 64 != 0)
        w |= maskBelow(static_cast<unsigned>(start % 64));
    if (const std::uint64_t p = scanWord(w, firstWord * 64, run, n); p != kNone)
        return p;

    // Descends into a node known to hold the first window (given the carried zero run).
    const auto descend = [&](std::uint64_t node, std::uint64_t lo, std::uint64_t width, std::uint64_t carry) {
        while (width > 1) {
            const RunNode& l = m_index[2 * node];
            const RunNode& r = m_index[2 * node + 1];
            const std::uint64_t half = width / 2;
            if (carry + l.pre >= n)
                return lo * 64 - carry;
            if (l.best >= n) {
                node = 2 * node;
                width = half;
                continue;
            }
            carry = l.pre == l.len ? carry + l.len : l.suf;
            if (carry + r.pre >= n)
                return (lo + half) * 64 - carry;
            node = 2 * node + 1;
            lo += half;
            width = half;
        }
        return scanWord(effectiveWord(lo), lo * 64, carry, n);
    };
    // Visits the maximal nodes covering the leaves after firstWord, left to right.
    const std::uint64_t from = firstWord + 1;
    std::uint64_t found = kNone;
    const auto visit = [&](const auto& self, std::uint64_t node, std::uint64_t lo, std::uint64_t width) -> bool {
        if (lo + width <= from)
            return false;
        if (lo >= from) {
            const RunNode& x = m_index[node];
            if (run + x.pre >= n) {
                found = lo * 64 - run;
                return true;
            }
            if (x.best >= n) {
                found = descend(node, lo, width, run);
                return true;
            }
            run = x.pre == x.len ? run + x.len : x.suf;
            return false;
        }
        return self(self, 2 * node, lo, width / 2) || self(self, 2 * node + 1, lo + width / 2, width / 2);
    };
    if (from < m_leaves)
        visit(visit, 1, 0, m_leaves);
    return found == kNone || found + n > m_maxno ? m_maxno : found;
}

std::uint64_t KernelBitmapPolicy::findArea(
    std::uint64_t start, std::uint64_t nr, std::uint64_t mask, std::uint64_t offset) const noexcept
{
    for (;;) {
        const std::uint64_t p = firstFreeWindow(start, nr);
        if (p >= m_maxno)
            return m_maxno;
        // The lowest candidate of the kernel's alignment at or after p.
        const std::uint64_t c = ((p + offset + mask) & ~mask) - offset;
        if (c + nr > m_maxno)
            return m_maxno;
        const std::uint64_t i = c == p ? c + nr : findNextBit(c, c + nr);
        if (i >= c + nr)
            return c;
        start = i + 1;
    }
}

PolicyResult KernelBitmapPolicy::allocate(const PolicyRequest& req, const BusyOracle* busy)
{
    PolicyResult result;
    const std::uint64_t count = req.pages;
    if (count == 0 || m_maxno == 0) {
        result.refusal = Refusal::ZeroSize;
        return result;
    }
    const SearchParams sp = searchParams(req);
    if (sp.nbits > sp.maxno || count > m_geometry.pages) {
        result.refusal = Refusal::TooLarge;
        return result;
    }
    if (sp.alignOrder > kMaxSupportedAlignOrder) {
        result.refusal = Refusal::Unsupported;
        return result;
    }
    const unsigned opb = m_params.orderPerBit;
    std::uint64_t start = 0;
    for (;;) {
        // The kernel re-checks the fast fail on every retry; nothing changes it between retries here.
        if (count > m_available) {
            result.refusal = Refusal::NotEnoughFree;
            return result;
        }
        const std::uint64_t bit = findArea(start, sp.nbits, sp.mask, sp.offset);
        if (bit >= sp.maxno)
            break;
        const std::uint64_t offset = bit << opb;
        if (busy != nullptr && busy->isBusy(offset, count)) {
            // alloc_contig_range() == -EBUSY: bitmap_clear, trace cma_alloc_busy_retry, next aligned slot.
            result.busyOffsets.push_back(offset);
            start = bit + sp.mask + 1;
            continue;
        }
        setBits(bit, sp.nbits);
        m_available -= count;
        result.ok = true;
        result.offset = offset;
        result.reservedPages = sp.nbits << opb;
        return result;
    }
    result.refusal = result.busyOffsets.empty() ? Refusal::Fragmented : Refusal::Busy;
    return result;
}

bool KernelBitmapPolicy::release(std::uint64_t offset, std::uint64_t pages)
{
    if (pages == 0 || offset >= m_geometry.pages || pages > m_geometry.pages - offset)
        return false;
    const std::uint64_t bit = offset >> m_params.orderPerBit;
    const std::uint64_t nbits = pagesToBits(pages);
    if (bit + nbits > m_maxno || !allSet(bit, nbits))
        return false;
    clearBits(bit, nbits);
    m_available += pages;
    return true;
}

bool KernelBitmapPolicy::reserve(std::uint64_t offset, std::uint64_t pages)
{
    const std::uint64_t unit = std::uint64_t { 1 } << m_params.orderPerBit;
    if (pages == 0 || offset % unit != 0 || offset >= m_geometry.pages || pages > m_geometry.pages - offset)
        return false;
    const std::uint64_t bit = offset >> m_params.orderPerBit;
    const std::uint64_t nbits = pagesToBits(pages);
    if (bit + nbits > m_maxno || !allClear(bit, nbits))
        return false;
    setBits(bit, nbits);
    m_available -= std::min(m_available, pages);
    return true;
}

std::unique_ptr<AllocationPolicy> KernelBitmapPolicy::clone() const
{
    return std::make_unique<KernelBitmapPolicy>(*this);
}

std::uint64_t KernelBitmapPolicy::usedPages() const noexcept
{
    return m_geometry.pages > m_available ? m_geometry.pages - m_available : 0;
}

std::uint64_t KernelBitmapPolicy::usedBitPages() const noexcept
{
    std::uint64_t bits = 0;
    for (const std::uint64_t w : m_words)
        bits += static_cast<std::uint64_t>(std::popcount(w));
    return bits << m_params.orderPerBit;
}

std::uint64_t KernelBitmapPolicy::maxchunkPages() const noexcept
{
    std::uint64_t maxchunk = 0;
    std::uint64_t end = 0;
    for (;;) {
        const std::uint64_t start = findNextZeroBit(end, m_maxno);
        if (start >= m_maxno)
            break;
        end = findNextBit(start, m_maxno);
        maxchunk = std::max(maxchunk, end - start);
    }
    return maxchunk << m_params.orderPerBit;
}

std::string KernelBitmapPolicy::debugfsBitmapText() const
{
    const std::uint64_t nwords = (m_maxno + 31) / 32;
    std::string text;
    text.reserve(static_cast<std::size_t>(nwords) * 11 + 1);
    for (std::uint64_t j = 0; j < nwords; ++j) {
        const std::uint64_t word = (m_words[j / 2] >> (32 * (j % 2))) & 0xffffffffU;
        if (j != 0)
            text += ' ';
        text += std::to_string(word);
    }
    text += '\n';
    return text;
}

std::optional<std::string> KernelBitmapPolicy::loadDebugfsBitmap(std::string_view text)
{
    const std::uint64_t nwords = (m_maxno + 31) / 32;
    std::vector<std::uint64_t> words(m_words.size(), 0);
    std::uint64_t j = 0;
    std::size_t pos = 0;
    const auto isSpace = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
    for (;;) {
        while (pos < text.size() && isSpace(text[pos]))
            ++pos;
        if (pos >= text.size())
            break;
        std::uint32_t value = 0;
        const auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), value);
        if (ec != std::errc() || (ptr != text.data() + text.size() && !isSpace(*ptr)))
            return "malformed bitmap word at character " + std::to_string(pos);
        if (j >= nwords)
            return "the bitmap has more than the expected " + std::to_string(nwords) + " words";
        words[j / 2] |= std::uint64_t { value } << (32 * (j % 2));
        ++j;
        pos = static_cast<std::size_t>(ptr - text.data());
    }
    if (j != nwords)
        return "the bitmap has " + std::to_string(j) + " words, expected " + std::to_string(nwords);
    if (m_maxno % 64 != 0 && !words.empty() && (words.back() & ~maskBelow(static_cast<unsigned>(m_maxno % 64))) != 0)
        return std::string("the bitmap has bits set beyond the end of the area");
    m_words = std::move(words);
    rebuildIndex();
    m_available = m_geometry.pages - std::min(m_geometry.pages, usedBitPages());
    return std::nullopt;
}

std::string KernelBitmapPolicy::showAreasText() const
{
    std::string text = "number of available pages: ";
    std::uint64_t total = 0;
    forEachFreeRun([&](std::uint64_t zero, std::uint64_t set) {
        const std::uint64_t part = (set - zero) << m_params.orderPerBit;
        if (total != 0)
            text += '+';
        text += std::to_string(part) + '@' + std::to_string(zero);
        total += part;
    });
    text += "=> " + std::to_string(total) + " free of " + std::to_string(m_geometry.pages) + " total pages";
    return text;
}

std::string KernelBitmapPolicy::freeRunsText() const
{
    std::string text;
    forEachFreeRun([&](std::uint64_t zero, std::uint64_t set) {
        text += '+' + std::to_string((set - zero) << m_params.orderPerBit) + '@' + std::to_string(zero);
    });
    return text;
}

} // namespace cmascope
