// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/sim/metricseries.h>

#include <algorithm>
#include <bit>
#include <map>

namespace cmascope {

namespace {

/// get_order(): the smallest order whose block holds @p pages pages.
unsigned orderFor(std::uint64_t pages)
{
    return pages <= 1 ? 0u : static_cast<unsigned>(std::bit_width(pages - 1));
}

void sortUsage(std::vector<OwnerUsage>& v)
{
    std::sort(v.begin(), v.end(), [](const OwnerUsage& a, const OwnerUsage& b) {
        return a.pages != b.pages ? a.pages > b.pages : a.name < b.name;
    });
}

} // namespace

std::array<double, kMetricCount> metricsOf(const FreeExtents& occupancy, unsigned order)
{
    order = std::min(order, FreeExtents::kMaxOrder);
    std::array<double, kMetricCount> v {};
    v[std::size_t(Metric::UsedPages)] = double(occupancy.usedPages());
    v[std::size_t(Metric::LargestFree)] = double(occupancy.largestRun());
    v[std::size_t(Metric::FreePages)] = double(occupancy.freePages());
    v[std::size_t(Metric::FreeRuns)] = double(occupancy.runCount());
    v[std::size_t(Metric::RelativeFragmentation)] = occupancy.relativeFragmentation();
    v[std::size_t(Metric::ExtfragIndex)] = occupancy.extfragIndex(order) / 1000.0;
    v[std::size_t(Metric::UnusableIndex)] = occupancy.unusableIndex(order) / 1000.0;
    return v;
}

const MetricBucket* MetricSeries::bucketAt(std::size_t position) const
{
    if (buckets.empty() || position < first || position > last)
        return nullptr;
    const std::size_t i = (position - first) / positionsPerBucket;
    return i < buckets.size() ? &buckets[i] : nullptr;
}

std::optional<MetricSeries> computeMetricSeries(
    const Simulation& sim, std::uint16_t region, const MetricSeriesOptions& options, const MetricProgress& progress)
{
    const Platform& pf = sim.platform();
    if (region >= pf.regions.size())
        return std::nullopt;
    MetricSeries out;
    out.region = region;
    out.order = std::min(options.order, FreeExtents::kMaxOrder);
    out.last = std::min(options.last, sim.stepCount());
    out.first = std::min(options.first, out.last);
    const std::size_t positions = out.last - out.first + 1;
    const std::size_t maxPoints = std::max<std::size_t>(options.maxPoints, 1);
    out.positionsPerBucket = (positions + maxPoints - 1) / maxPoints;
    out.buckets.reserve((positions + out.positionsPerBucket - 1) / out.positionsPerBucket);

    SimState state = sim.stateAt(out.first);
    const auto& rt = state.regions[region];
    out.pageSize = rt.pageSize;
    out.regionPages = rt.occupancy.pages();

    // Report about a hundred times over the run, but never less often than every 64 Ki positions.
    const std::size_t reportEvery = std::clamp<std::size_t>(positions / 100, 1024, 65536);
    for (std::size_t p = out.first; p <= out.last; ++p) {
        if (p > out.first)
            sim.advance(state, p);
        const auto values = metricsOf(state.regions[region].occupancy, out.order);
        const std::size_t offset = p - out.first;
        if (offset % out.positionsPerBucket == 0) {
            MetricBucket b;
            b.first = static_cast<std::uint32_t>(p);
            for (std::size_t m = 0; m < kMetricCount; ++m)
                b.stats[m] = { values[m], values[m], values[m] };
            out.buckets.push_back(b);
        } else {
            MetricBucket& b = out.buckets.back();
            for (std::size_t m = 0; m < kMetricCount; ++m) {
                MetricStat& s = b.stats[m];
                s.min = std::min(s.min, values[m]);
                s.max = std::max(s.max, values[m]);
                s.last = values[m];
            }
        }
        out.buckets.back().last = static_cast<std::uint32_t>(p);
        if (progress && offset % reportEvery == reportEvery - 1 && !progress(offset + 1, positions))
            return std::nullopt;
    }
    if (progress && !progress(positions, positions))
        return std::nullopt;
    return out;
}

unsigned typicalRequestOrder(const Simulation& sim, std::uint16_t region)
{
    std::array<std::uint64_t, FreeExtents::kMaxOrder + 1> counts {};
    std::uint64_t total = 0;
    for (const StepRecord& rec : sim.records()) {
        if (rec.region != region || rec.outcome != Outcome::Allocated)
            continue;
        ++counts[std::min(orderFor(rec.pages), FreeExtents::kMaxOrder)];
        ++total;
    }
    if (total == 0)
        return 0;
    // The lower median: the first order at which half of the requests (rounded up) are counted.
    std::uint64_t seen = 0;
    for (unsigned o = 0; o <= FreeExtents::kMaxOrder; ++o) {
        seen += counts[o];
        if (2 * seen >= total)
            return o;
    }
    return 0;
}

std::vector<RunSizeBucket> freeRunHistogram(const FreeExtents& occupancy)
{
    std::vector<RunSizeBucket> out;
    if (occupancy.pages() == 0)
        return out;
    const unsigned top = static_cast<unsigned>(std::bit_width(occupancy.pages()) - 1);
    out.resize(top + 1);
    for (unsigned o = 0; o <= top; ++o) {
        out[o].order = o;
        out[o].minPages = std::uint64_t(1) << o;
        out[o].maxPages = (std::uint64_t(1) << (o + 1)) - 1;
    }
    for (const auto& [offset, length] : occupancy.runs()) {
        (void)offset;
        RunSizeBucket& b = out[std::bit_width(length) - 1];
        ++b.runs;
        b.pages += length;
    }
    return out;
}

UsageBreakdown usageAt(const Simulation& sim, const SimState& state, std::uint16_t region)
{
    const Scenario& sc = sim.scenario();
    const auto& chunks = sim.chunks();
    std::map<std::uint32_t, OwnerUsage> devices, kinds;
    UsageBreakdown out;
    for (const auto& rt : state.regions) {
        if (rt.fallback || (region != kNoRegion && rt.index != region))
            continue;
        for (const auto& [offset, id] : rt.live) {
            (void)offset;
            if (id >= chunks.size())
                continue;
            const ChunkInfo& c = chunks[id];
            if (c.originStep >= sc.steps.size())
                continue;
            const Step& s = sc.steps[c.originStep];
            for (auto [table, symbol] : { std::pair { &devices, s.device }, std::pair { &kinds, s.kind } }) {
                OwnerUsage& u = (*table)[symbol];
                u.symbol = symbol;
                u.pages += c.pages;
                ++u.chunks;
            }
            out.pages += c.pages;
            ++out.chunks;
        }
    }
    for (auto [table, list] : { std::pair { &devices, &out.byDevice }, std::pair { &kinds, &out.byKind } }) {
        for (auto& [symbol, u] : *table) {
            u.name = std::string(sc.symbols.name(symbol));
            list->push_back(std::move(u));
        }
        sortUsage(*list);
    }
    return out;
}

} // namespace cmascope
