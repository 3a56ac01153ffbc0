// SPDX-License-Identifier: GPL-2.0-or-later
// The metric series of a run that grows (a followed trace, docs/following.md): the charts over steps extended by
// the new positions only, on the GUI thread that owns the run. The buckets keep their minimum, maximum and last
// value as computeMetricSeries() keeps them (core/include/cmascope/sim/metricseries.h); when there are more
// than the maximum, neighbours merge pairwise (twice the positions per bucket), so memory stays bounded.
#pragma once

#include <cmascope/sim/metricseries.h>

namespace cmascope::views {

class LiveMetricSeries
{
public:
    /// Starts over for @p region at request order @p order, positions 0 .. sim.stepCount() (replays the run so far).
    void reset(const Simulation& sim, std::uint16_t region, unsigned order, std::size_t maxPoints);
    /// Adds the positions up to sim.stepCount(): work for the new positions only.
    void extend(const Simulation& sim);
    bool valid() const { return m_valid; }
    void clear() { m_valid = false; }
    const MetricSeries& series() const { return m_series; }

private:
    void add(std::size_t position);
    void mergePairs();

    MetricSeries m_series;
    SimState m_state;
    std::size_t m_maxPoints = 2000;
    bool m_valid = false;
};

} // namespace cmascope::views
