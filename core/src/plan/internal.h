// SPDX-License-Identifier: GPL-2.0-or-later
// The would-fit search's parts: the re-runner of a scenario prefix (wouldfitrunner.cpp) and the region size
// search (sizesearch.cpp), used by whatWouldHaveFit() (wouldfit.cpp). Not installed.
#pragma once

#include <cmascope/plan/wouldfit.h>
#include <cmascope/sim/simulator.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cmascope::wouldfit {

/// "3 pages (12 KiB)".
std::string pagesText(std::uint64_t pages, std::uint64_t pageSize);
/// An allocation request: one the model places (Allocate) or one a trace recorded as refused.
bool isRequest(const Step& s);
/// How the steps before the request played out in @p r compared with the original run.
std::string earlierText(const WouldFitRun& r);
/// One re-run in words: "succeeds (r, page 4); the earlier steps play out the same".
std::string runText(const WouldFitRun& r);

/// Re-runs steps 0..step of a scenario on changed platforms and compares with the original run.
class Runner
{
public:
    Runner(const Scenario& prefix, std::size_t step, const WouldFitOptions& options)
        : m_prefix(prefix)
        , m_step(step)
        , m_options(options)
    { }

    /// Whether the caller's Progress asked to stop (it is asked again until it has).
    bool cancelled();
    /// Reports progress; false (and cancelled from then on) if the caller asked to stop.
    bool report(std::uint64_t done);
    void expectRuns(std::uint64_t runs) { m_total = std::max(m_total, m_done + runs * m_prefix.steps.size()); }

    /// Runs the prefix on @p pf. @p inspect sees the finished simulation (the original run's diagnosis).
    WouldFitRun run(const Platform& pf, const std::function<void(const Simulation&)>& inspect = {});

    std::uint32_t runs() const { return m_runs; }
    std::uint64_t simulated() const { return m_simulated; }

private:
    /// Whether and where the request was served in @p sim.
    void readAnswer(const Simulation& sim, const Platform& pf, WouldFitRun& out) const;
    /// Counts the earlier steps whose outcome changed; the first run records the baseline instead.
    void compareWithBaseline(const Simulation& sim, WouldFitRun& out);

    const Scenario& m_prefix;
    std::size_t m_step;
    const WouldFitOptions& m_options;
    std::vector<Outcome> m_baseline; ///< outcomes of the original run (filled by the first run)
    std::uint64_t m_done = 0;
    std::uint64_t m_total = 0;
    std::uint64_t m_reported = 0; ///< the last done figure reported
    std::uint64_t m_simulated = 0;
    std::uint32_t m_runs = 0;
    bool m_cancelled = false;
};

/// The smallest size of region @p t that serves the request (@p neededPages pages), into @p out (whose region,
/// page size and current size are set).
void searchRegionSize(const Platform& platform, std::size_t t, std::uint64_t neededPages, Runner& runner,
    const WouldFitOptions& options, WouldFitSize& out);

} // namespace cmascope::wouldfit
