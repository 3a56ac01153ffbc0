// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/livemetricseries.h"

#include <algorithm>

namespace cmascope::views {

void LiveMetricSeries::reset(const Simulation& sim, std::uint16_t region, unsigned order, std::size_t maxPoints)
{
    m_valid = region < sim.platform().regions.size();
    if (!m_valid)
        return;
    m_series = MetricSeries {};
    m_series.region = region;
    m_series.order = std::min(order, FreeExtents::kMaxOrder);
    m_maxPoints = std::max<std::size_t>(maxPoints, 2);
    m_state = sim.stateAt(0);
    m_series.pageSize = m_state.regions[region].pageSize;
    m_series.regionPages = m_state.regions[region].occupancy.pages();
    add(0);
    extend(sim);
}

void LiveMetricSeries::extend(const Simulation& sim)
{
    if (!m_valid)
        return;
    for (std::size_t p = m_series.last + 1; p <= sim.stepCount(); ++p) {
        sim.advance(m_state, p);
        add(p);
    }
}

void LiveMetricSeries::add(std::size_t position)
{
    const auto values = metricsOf(m_state.regions[m_series.region].occupancy, m_series.order);
    if (m_series.buckets.empty() || position % m_series.positionsPerBucket == 0) {
        MetricBucket b;
        b.first = static_cast<std::uint32_t>(position);
        for (std::size_t m = 0; m < kMetricCount; ++m)
            b.stats[m] = { values[m], values[m], values[m] };
        m_series.buckets.push_back(b);
    } else {
        for (std::size_t m = 0; m < kMetricCount; ++m) {
            MetricStat& s = m_series.buckets.back().stats[m];
            s.min = std::min(s.min, values[m]);
            s.max = std::max(s.max, values[m]);
            s.last = values[m];
        }
    }
    m_series.buckets.back().last = static_cast<std::uint32_t>(position);
    m_series.last = position;
    if (m_series.buckets.size() > m_maxPoints)
        mergePairs();
}

/// Twice the positions per bucket: bucket j becomes old buckets 2j and 2j + 1 (the last may stay alone).
void LiveMetricSeries::mergePairs()
{
    auto& b = m_series.buckets;
    std::size_t out = 0;
    for (std::size_t i = 0; i < b.size(); i += 2, ++out) {
        MetricBucket merged = b[i];
        if (i + 1 < b.size()) {
            merged.last = b[i + 1].last;
            for (std::size_t m = 0; m < kMetricCount; ++m) {
                merged.stats[m].min = std::min(b[i].stats[m].min, b[i + 1].stats[m].min);
                merged.stats[m].max = std::max(b[i].stats[m].max, b[i + 1].stats[m].max);
                merged.stats[m].last = b[i + 1].stats[m].last;
            }
        }
        b[out] = merged;
    }
    b.resize(out);
    m_series.positionsPerBucket *= 2;
}

} // namespace cmascope::views
