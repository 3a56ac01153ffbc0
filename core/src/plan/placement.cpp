// SPDX-License-Identifier: GPL-2.0-or-later
#include "memblockmap.h"
#include "multirange.h"

#include <cmascope/plan/placement.h>
#include <cmascope/util/units.h>
#include <cmascope/validation/validation.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace cmascope {

using placementdetail::MemblockMap;
using placementdetail::Span;

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
        appendLaterRanges();
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
    /// cma_declare_contiguous_multi(): one range if any holds the area, else several.
    void placeMulti(std::size_t i);
    void reserveRanges(std::size_t i, const std::vector<AddressRange>& ranges, bool shortOfSize);
    void appendLaterRanges();

    Platform& m_platform;
    const PlacementOptions& m_options;
    MemblockMap m_memory;
    std::vector<Region> m_laterRanges; ///< regions for the later ranges of multi-range areas, appended at the end
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
    rp.message = (r.type == RegionType::Cma ? "cma: Reserved " + mib(rp.size)
                                            : "Reserved memory: carve-out " + sizeText(rp.size))
        + " at " + hexAddress(base) + " (" + r.name + ")";
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
        const auto& [taken, owner] = *other;
        return "[" + hexAddress(span.lo) + ", " + hexAddress(span.hi) + ") is already reserved by '"
            + m_result.regions[owner].name + "' at [" + hexAddress(taken.lo) + ", " + hexAddress(taken.hi)
            + ") (-EBUSY)";
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
    if (r.maxRanges > 1 && r.type == RegionType::Cma && r.allocRanges.empty()) {
        placeMulti(i);
        return;
    }
    const int node = r.allocRanges.empty() ? r.numaNode : -1;
    if (node >= 0 && !m_memory.hasNode(node)) {
        fail(i, "no memory bank on NUMA node " + std::to_string(node));
        return;
    }
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
            base = m_memory.findBottomUp(four_g, limit, rp.size, rp.alignment, node);
        }
        if (!base) {
            base = m_memory.findTopDown(0, limit, rp.size, rp.alignment, node);
        }
        why = "no free " + hexAddress(rp.alignment) + "-aligned " + hexAddress(rp.size) + " bytes below "
            + hexAddress(limit) + (node >= 0 ? " on NUMA node " + std::to_string(node) : std::string());
    }
    if (base)
        reserve(i, *base);
    else
        fail(i, why);
}

void Placer::placeMulti(std::size_t i)
{
    constexpr std::uint64_t four_g = 4 * GiB;
    const Region& r = m_platform.regions[i];
    const RegionPlacement& rp = m_result.regions[i];
    const int node = r.numaNode;
    if (node >= 0 && !m_memory.hasNode(node)) {
        fail(i, "no memory bank on NUMA node " + std::to_string(node));
        return;
    }
    const std::uint64_t pageSize = r.pageSize ? r.pageSize : m_platform.pageSize;
    const unsigned orderPerBit = r.policy == PolicyKind::Kernel ? r.params.orderPerBit : 0;
    const std::uint64_t bitBytes = orderPerBit < 40 ? pageSize << orderPerBit : 0;
    if (bitBytes == 0 || rp.size % bitBytes != 0) {
        fail(i,
            "size " + hexAddress(rp.size) + " is not a whole number of bitmap bits of " + hexAddress(bitBytes)
                + " bytes (order_per_bit " + std::to_string(orderPerBit) + ", -EINVAL)");
        return;
    }
    // The ordinary single range first, anywhere (base 0, limit 0: the area's own limit is not used).
    const std::uint64_t memEnd = m_memory.memoryEnd();
    std::optional<std::uint64_t> base;
    if (m_options.bottomUpAbove4G && memEnd >= four_g && memEnd - four_g >= rp.size)
        base = m_memory.findBottomUp(four_g, memEnd, rp.size, rp.alignment, node);
    if (!base)
        base = m_memory.findTopDown(0, memEnd, rp.size, rp.alignment, node);
    if (base) {
        reserveRanges(i, { AddressRange { *base, rp.size } }, false);
        return;
    }
    const placementdetail::MultiRangeChoice choice = placementdetail::chooseRanges(
        m_memory, rp.size, rp.alignment, bitBytes, node, std::min(r.maxRanges, kCmaMaxRanges));
    if (!choice.failure.empty()) {
        fail(i,
            "no free " + hexAddress(rp.alignment) + "-aligned " + hexAddress(rp.size) + " bytes in one range, and "
                + choice.failure);
        return;
    }
    reserveRanges(i, choice.ranges, choice.shortOfSize);
}

void Placer::reserveRanges(std::size_t i, const std::vector<AddressRange>& ranges, bool shortOfSize)
{
    Region& r = m_platform.regions[i];
    RegionPlacement& rp = m_result.regions[i];
    std::string where;
    std::uint64_t held = 0;
    for (const AddressRange& a : ranges) {
        m_memory.reserve({ a.base, a.base + a.size }, i);
        where += (where.empty() ? "" : ", ") + std::string("[") + hexAddress(a.base) + ", "
            + hexAddress(a.base + a.size) + ")";
        held += a.size;
    }
    r.placedBase = ranges.front().base;
    rp.base = ranges.front().base;
    rp.ranges = ranges;
    rp.ok = true;
    // The kernel's message names the size asked for and the number of ranges, not where they are.
    const std::size_t n = ranges.size();
    rp.message = "cma: Reserved " + mib(rp.size) + " in " + std::to_string(n) + (n == 1 ? " range" : " ranges") + " ("
        + r.name + ": " + where + ")";
    if (shortOfSize)
        rp.message += "; the ranges hold only " + mib(held)
            + ": the kernel also counted stretches it had dropped from its list of candidates";
    m_result.log.push_back(rp.message);
    if (n == 1)
        return;
    r.split = Region::RangeSplit { r.size, ranges.front().size };
    r.size = ranges.front().size;
    for (std::size_t k = 1; k < n; ++k) {
        Region later = r;
        later.name = r.name + " range " + std::to_string(k);
        later.rangeOf = r.name;
        later.size = ranges[k].size;
        later.placedBase = ranges[k].base;
        later.split.reset();
        later.maxRanges = 1;
        later.isDefault = false;
        later.label.clear();
        later.dt = {};
        m_laterRanges.push_back(std::move(later));
    }
}

void Placer::appendLaterRanges()
{
    for (Region& later : m_laterRanges) {
        RegionPlacement rp;
        rp.regionIndex = m_platform.regions.size();
        rp.name = later.name;
        rp.ok = true;
        rp.base = later.placedBase;
        rp.size = later.size;
        rp.alignment = effectiveAlignment(m_platform, later);
        rp.rangeOf = later.rangeOf;
        rp.message = "range of '" + later.rangeOf + "' at [" + hexAddress(*later.placedBase) + ", "
            + hexAddress(*later.placedBase + later.size) + ")";
        m_result.regions.push_back(std::move(rp));
        m_platform.regions.push_back(std::move(later));
    }
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
    undoRangeSplits(platform);
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
