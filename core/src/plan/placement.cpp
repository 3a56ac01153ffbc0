// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/plan/placement.h>
#include <cmascope/util/units.h>
#include <cmascope/validation/validation.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace cmascope {

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

bool isPow2(std::uint64_t v) noexcept
{
    return v != 0 && (v & (v - 1)) == 0;
}

/// The kernel's "%lu MiB" (size >> 20) of its boot messages.
std::string mib(std::uint64_t bytes)
{
    return std::to_string(bytes >> 20) + " MiB";
}

/// Half-open interval [lo, hi).
struct Span
{
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
};

/// Memory minus reservations, as memblock sees it.
class FreeMap
{
public:
    explicit FreeMap(const std::vector<Bank>& banks)
    {
        for (const Bank& b : banks) {
            if (b.size != 0 && b.size <= kMax - b.base) {
                m_memory.push_back({ b.base, b.base + b.size });
            }
        }
        std::sort(m_memory.begin(), m_memory.end(), [](const Span& a, const Span& b) { return a.lo < b.lo; });
        std::vector<Span> merged;
        for (const Span& s : m_memory) {
            if (!merged.empty() && s.lo <= merged.back().hi) {
                merged.back().hi = std::max(merged.back().hi, s.hi);
            } else {
                merged.push_back(s);
            }
        }
        m_memory = std::move(merged);
    }

    bool inMemory(Span s) const
    {
        return std::any_of(
            m_memory.begin(), m_memory.end(), [&](const Span& m) { return s.lo >= m.lo && s.hi <= m.hi; });
    }

    /// Index of the first reservation overlapping @p s.
    std::optional<std::size_t> overlapping(Span s) const
    {
        for (const auto& [span, owner] : m_reserved) {
            if (s.lo < span.hi && span.lo < s.hi) {
                return owner;
            }
        }
        return std::nullopt;
    }

    void reserve(Span s, std::size_t owner) { m_reserved.push_back({ s, owner }); }

    std::uint64_t memoryEnd() const { return m_memory.empty() ? 0 : m_memory.back().hi; }

    /// Free spans (memory minus reservations) clipped to [lo, hi), ascending.
    std::vector<Span> freeSpans(std::uint64_t lo, std::uint64_t hi) const
    {
        std::vector<Span> reserved;
        for (const auto& r : m_reserved) {
            reserved.push_back(r.first);
        }
        std::sort(reserved.begin(), reserved.end(), [](const Span& a, const Span& b) { return a.lo < b.lo; });
        std::vector<Span> out;
        for (const Span& m : m_memory) {
            std::uint64_t cur = std::max(m.lo, lo);
            const std::uint64_t end = std::min(m.hi, hi);
            for (const Span& r : reserved) {
                if (cur >= end) {
                    break;
                }
                if (r.hi <= cur || r.lo >= end) {
                    continue;
                }
                if (r.lo > cur) {
                    out.push_back({ cur, r.lo });
                }
                cur = std::max(cur, r.hi);
            }
            if (cur < end) {
                out.push_back({ cur, end });
            }
        }
        return out;
    }

    /// memblock_find_in_range() top-down: the highest aligned start in [lo, hi) with @p size free bytes.
    std::optional<std::uint64_t> findTopDown(
        std::uint64_t lo, std::uint64_t hi, std::uint64_t size, std::uint64_t align) const
    {
        const auto spans = freeSpans(lo, hi);
        for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
            if (it->hi - it->lo < size) {
                continue;
            }
            const std::uint64_t cand = alignDown(it->hi - size, align);
            if (cand >= it->lo) {
                return cand;
            }
        }
        return std::nullopt;
    }

    /// Bottom-up variant (memblock_set_bottom_up(true)).
    std::optional<std::uint64_t> findBottomUp(
        std::uint64_t lo, std::uint64_t hi, std::uint64_t size, std::uint64_t align) const
    {
        for (const Span& s : freeSpans(lo, hi)) {
            const auto cand = alignUp(s.lo, align);
            if (cand && *cand <= s.hi && s.hi - *cand >= size) {
                return *cand;
            }
        }
        return std::nullopt;
    }

private:
    std::vector<Span> m_memory;
    std::vector<std::pair<Span, std::size_t>> m_reserved;
};

/// Reserves a platform's regions the way the kernel does at boot, logging as it goes.
class Placer
{
public:
    Placer(Platform& platform, const PlacementOptions& options)
        : m_platform(platform)
        , m_options(options)
        , m_memory(platform.banks)
    {
        m_result.regions.resize(platform.regions.size());
    }

    /// Fixed regions first, then dynamic ones, each in declaration order.
    PlacementResult run() &&
    {
        for (std::size_t i = 0; i < m_platform.regions.size(); ++i)
            if (m_platform.regions[i].placement == Placement::Fixed && prepare(i))
                placeFixed(i);
        for (std::size_t i = 0; i < m_platform.regions.size(); ++i)
            if (m_platform.regions[i].placement == Placement::Dynamic && prepare(i))
                placeDynamic(i);
        return std::move(m_result);
    }

private:
    void fail(std::size_t i, const std::string& why);
    bool prepare(std::size_t i);
    void reserve(std::size_t i, std::uint64_t base);
    void placeFixed(std::size_t i);
    /// Why fixed region @p i cannot be reserved at its start, or empty.
    std::string fixedProblem(std::size_t i) const;
    void placeDynamic(std::size_t i);

    Platform& m_platform;
    const PlacementOptions& m_options;
    FreeMap m_memory;
    PlacementResult m_result;
};

void Placer::fail(std::size_t i, const std::string& why)
{
    Region& r = m_platform.regions[i];
    RegionPlacement& rp = m_result.regions[i];
    rp.ok = false;
    rp.message = "cma: Failed to reserve " + mib(r.size) + " (" + r.name + ": " + why + ")";
    r.placementFailure = rp.message;
    m_result.log.push_back(rp.message);
}

/// Validity shared by both passes; returns false (and reports) when the region cannot be handled.
bool Placer::prepare(std::size_t i)
{
    Region& r = m_platform.regions[i];
    RegionPlacement& rp = m_result.regions[i];
    r.placedBase.reset();
    r.placementFailure.clear();
    rp.regionIndex = i;
    rp.name = r.name;
    rp.size = r.size;
    if (r.size == 0) {
        rp.ok = true;
        rp.message = r.name + ": size 0, nothing reserved";
        return false;
    }
    if (r.alignment != 0 && !isPow2(r.alignment)) {
        fail(i, "alignment " + hexAddress(r.alignment) + " is not a power of two (-EINVAL)");
        return false;
    }
    if (r.pageSize == 0 || !isPow2(r.pageSize)) {
        fail(i, "page size " + std::to_string(r.pageSize) + " is not a power of two");
        return false;
    }
    rp.alignment = effectiveAlignment(m_platform, r);
    // The kernel rounds CMA sizes to the alignment (docs/kernel-cma.md#reservation-at-boot); carve-outs are
    // reserved page-aligned.
    const auto rounded = alignUp(r.size, r.type == RegionType::Cma ? rp.alignment : r.pageSize);
    if (!rounded) {
        fail(i, "size " + hexAddress(r.size) + " overflows when rounded up");
        return false;
    }
    rp.size = *rounded;
    return true;
}

void Placer::reserve(std::size_t i, std::uint64_t base)
{
    Region& r = m_platform.regions[i];
    RegionPlacement& rp = m_result.regions[i];
    m_memory.reserve({ base, base + rp.size }, i);
    r.placedBase = base;
    rp.base = base;
    rp.ok = true;
    rp.message = (r.type == RegionType::Cma ? "cma: Reserved " : "Reserved memory: carve-out ") + mib(rp.size) + " at "
        + hexAddress(base) + " (" + r.name + ")";
    m_result.log.push_back(rp.message);
}

std::string Placer::fixedProblem(std::size_t i) const
{
    const Region& r = m_platform.regions[i];
    const RegionPlacement& rp = m_result.regions[i];
    if (r.start % rp.alignment != 0)
        return "Region at " + hexAddress(r.start) + " must be aligned to " + hexAddress(rp.alignment) + " bytes";
    if (rp.size > kMax - r.start)
        return "start " + hexAddress(r.start) + " + size " + hexAddress(rp.size) + " overflows";
    if (r.limit != 0 && r.start + rp.size > r.limit)
        return "Size (" + hexAddress(rp.size) + ") of region at " + hexAddress(r.start) + " exceeds limit ("
            + hexAddress(r.limit) + ")";
    const Span span { r.start, r.start + rp.size };
    if (!m_memory.inMemory(span))
        return "[" + hexAddress(span.lo) + ", " + hexAddress(span.hi) + ") is not inside any memory bank";
    if (const auto other = m_memory.overlapping(span)) {
        const RegionPlacement& o = m_result.regions[*other];
        return "[" + hexAddress(span.lo) + ", " + hexAddress(span.hi) + ") is already reserved by '" + o.name + "' at ["
            + hexAddress(*o.base) + ", " + hexAddress(*o.base + o.size) + ") (-EBUSY)";
    }
    return {};
}

void Placer::placeFixed(std::size_t i)
{
    if (const std::string why = fixedProblem(i); !why.empty())
        fail(i, why);
    else
        reserve(i, m_platform.regions[i].start);
}

void Placer::placeDynamic(std::size_t i)
{
    constexpr std::uint64_t four_g = 4 * GiB;
    const Region& r = m_platform.regions[i];
    const RegionPlacement& rp = m_result.regions[i];
    // limit &= ~(alignment - 1); 0 or beyond memory = memblock end (docs/kernel-cma.md).
    const std::uint64_t memEnd = m_memory.memoryEnd();
    std::uint64_t limit = r.limit ? alignDown(r.limit, rp.alignment) : 0;
    if (limit == 0 || limit > memEnd) {
        limit = memEnd;
    }
    std::optional<std::uint64_t> base;
    std::string why;
    if (!r.allocRanges.empty()) {
        for (const AddressRange& ar : r.allocRanges) {
            const std::uint64_t hi = ar.size > kMax - ar.base ? kMax : ar.base + ar.size;
            base = m_memory.findTopDown(ar.base, std::min(hi, limit), rp.size, rp.alignment);
            if (base) {
                break;
            }
        }
        why = "no free " + hexAddress(rp.alignment) + "-aligned " + hexAddress(rp.size) + " bytes in its "
            + std::to_string(r.allocRanges.size()) + " alloc-range(s)";
    } else {
        if (m_options.bottomUpAbove4G && limit >= four_g && limit - four_g >= rp.size) {
            base = m_memory.findBottomUp(four_g, limit, rp.size, rp.alignment);
        }
        if (!base) {
            base = m_memory.findTopDown(0, limit, rp.size, rp.alignment);
        }
        why = "no free " + hexAddress(rp.alignment) + "-aligned " + hexAddress(rp.size) + " bytes below "
            + hexAddress(limit);
    }
    if (base)
        reserve(i, *base);
    else
        fail(i, why);
}

} // namespace

bool PlacementResult::ok() const noexcept
{
    return std::all_of(regions.begin(), regions.end(), [](const RegionPlacement& r) { return r.ok; });
}

const RegionPlacement* PlacementResult::find(std::string_view name) const
{
    const auto it =
        std::find_if(regions.begin(), regions.end(), [&](const RegionPlacement& r) { return r.name == name; });
    return it == regions.end() ? nullptr : &*it;
}

PlacementResult placeRegions(Platform& platform, const PlacementOptions& options)
{
    return Placer(platform, options).run();
}

std::uint64_t largestMemorySpan(const std::vector<Bank>& banks)
{
    std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;
    for (const Bank& b : banks)
        if (b.size && b.size <= kU64Max - b.base)
            spans.emplace_back(b.base, b.base + b.size);
    std::sort(spans.begin(), spans.end());
    std::uint64_t best = 0;
    std::optional<std::pair<std::uint64_t, std::uint64_t>> cur;
    for (const auto& s : spans) {
        if (cur && s.first <= cur->second)
            cur->second = std::max(cur->second, s.second);
        else
            cur = s;
        best = std::max(best, cur->second - cur->first);
    }
    return best;
}

} // namespace cmascope
