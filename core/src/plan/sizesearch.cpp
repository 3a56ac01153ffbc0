// SPDX-License-Identifier: GPL-2.0-or-later
// The would-fit size search: the smallest size of a region that would have served a failed request, found by
// re-running the scenario at sizes that grow exponentially, then by bisection, then checking around the answer.
#include "internal.h"

#include <cmascope/plan/placement.h>
#include <cmascope/util/units.h>
#include <cmascope/validation/validation.h>

#include <algorithm>
#include <optional>

namespace cmascope::wouldfit {

namespace {

/// The size search on region @p t. Each phase returns false when the search ends there (status set, or
/// cancelled).
class SizeSearch
{
public:
    SizeSearch(const Platform& platform, std::size_t t, std::uint64_t neededPages, Runner& runner,
        const WouldFitOptions& options, WouldFitSize& out)
        : m_platform(platform)
        , m_region(platform.regions[t])
        , m_t(t)
        , m_needed(neededPages)
        , m_runner(runner)
        , m_options(options)
        , m_out(out)
        , m_ps(out.pageSize)
        , m_cur(out.currentPages)
    { }

    void search()
    {
        if (checkBounds() && grow() && narrow() && recheckBelow() && probeAbove())
            describe();
    }

private:
    struct Placed
    {
        bool ok = false;
        std::string why;
        Platform platform;
    };

    bool checkBounds();
    enum class GrowthProbe { Serves, Fails, Stopped };
    /// Re-runs at @p pages while growing: serving sets the upper bound, failing the lower; Stopped when
    /// cancelled or out of re-runs.
    GrowthProbe growthProbe(std::uint64_t pages);
    bool grow();
    bool growToPlacementLimit(std::uint64_t bad, std::string why);
    bool narrow();
    bool recheckBelow();
    bool probeAbove();
    void describe();
    /// The text's sentences on the sizes below the answer, and on sizes that serve out of order.
    std::string searchedText() const;
    Placed place(std::uint64_t pages) const;
    bool tested(std::uint64_t pages) const { return find(pages) != nullptr; }
    const WouldFitSizeProbe* find(std::uint64_t pages) const;
    const WouldFitSizeProbe* probe(std::uint64_t pages);
    std::string quotedName() const { return "'" + m_region.name + "'"; }

    const Platform& m_platform;
    const Region& m_region;
    std::size_t m_t;
    std::uint64_t m_needed;
    Runner& m_runner;
    const WouldFitOptions& m_options;
    WouldFitSize& m_out;
    unsigned m_runs = 0;
    const std::uint64_t m_ps; ///< page size
    const std::uint64_t m_cur; ///< the region's pages now
    std::uint64_t m_g = 1; ///< granule: sizes go in steps of this many pages
    std::uint64_t m_maxPages = 0; ///< the largest stretch of memory, in granules
    std::uint64_t m_start = 0; ///< the current size rounded down to the granule
    std::uint64_t m_lastFail = 0; ///< the largest size seen not to serve the request
    std::optional<std::uint64_t> m_hi; ///< the smallest size the bisection saw serve it
    std::uint64_t m_best = 0; ///< the answer
    bool m_complete = true; ///< the bisection ran to the end
    std::optional<std::uint64_t> m_failsAbove; ///< a size above the answer that does not serve it
};

/// The granule, the current placement and the banks' limit; announces the re-runs the search may need.
bool SizeSearch::checkBounds()
{
    m_g = std::max<std::uint64_t>(1, effectiveAlignment(m_platform, m_region) / m_ps);
    if (m_region.policy == PolicyKind::Kernel && m_region.params.orderPerBit < 32)
        m_g = std::max<std::uint64_t>(m_g, std::uint64_t(1) << m_region.params.orderPerBit);
    m_out.granulePages = m_g;
    if (const Placed base = place(m_cur); !base.ok) {
        m_out.status = WouldFitSizeStatus::Unplaceable;
        m_out.reason = "the regions cannot be placed as they are: " + base.why;
        return false;
    }
    m_maxPages = alignDown(largestMemorySpan(m_platform.banks) / m_ps, m_g);
    m_out.limitPages = m_maxPages;
    if (m_needed > m_maxPages || m_cur >= m_maxPages) {
        m_out.status = WouldFitSizeStatus::ExceedsBanks;
        m_out.reason = m_needed > m_maxPages ? "the request alone (" + pagesText(m_needed, m_ps)
                + ") is larger than the largest stretch of memory (" + pagesText(m_maxPages, m_ps) + ")"
                                             : quotedName() + " is already as large as the largest stretch of memory ("
                + pagesText(m_maxPages, m_ps) + ")";
        return false;
    }
    // Re-runs a search may need: the doubling to the cap, the halving back, the checks around the answer.
    unsigned levels = 1;
    while ((std::uint64_t(1) << levels) * m_g < m_maxPages - m_cur && levels < 63)
        ++levels;
    m_runner.expectRuns(std::min<std::uint64_t>(m_options.maxSizeRuns, 2 * levels + 2));
    m_start = alignDown(m_cur, m_g);
    m_lastFail = m_cur; // the original run
    return true;
}

SizeSearch::GrowthProbe SizeSearch::growthProbe(std::uint64_t pages)
{
    const auto* p = probe(pages);
    if (!p)
        return GrowthProbe::Stopped;
    if (p->run.succeeds) {
        m_hi = pages;
        return GrowthProbe::Serves;
    }
    m_lastFail = pages;
    return GrowthProbe::Fails;
}

/// Exponential phase: grow by g, 2g, 4g, ... until a size serves the request.
bool SizeSearch::grow()
{
    for (std::uint64_t k = 1;; k *= 2) {
        const std::uint64_t cand = std::min(m_start + k * m_g, m_maxPages);
        if (cand <= m_lastFail) {
            m_out.status = WouldFitSizeStatus::ExceedsBanks;
            m_out.reason = "even " + pagesText(m_lastFail, m_ps) + ", the largest stretch of memory, does not serve it";
            return false;
        }
        const Placed pl = place(cand);
        if (!pl.ok)
            return growToPlacementLimit(cand, pl.why);
        if (const GrowthProbe g = growthProbe(cand); g != GrowthProbe::Fails)
            return g == GrowthProbe::Serves;
    }
}

/// Size @p bad cannot be placed: the largest size placement accepts, between the last one that failed and
/// @p bad, is the last one to try.
bool SizeSearch::growToPlacementLimit(std::uint64_t bad, std::string why)
{
    std::uint64_t lo = m_lastFail;
    while (bad - lo > m_g) {
        const std::uint64_t mid = lo + (bad - lo) / m_g / 2 * m_g;
        const Placed p = place(mid);
        if (p.ok) {
            lo = mid;
        } else {
            bad = mid;
            why = p.why;
        }
    }
    m_out.limitPages = lo;
    if (lo > m_lastFail) {
        if (const GrowthProbe g = growthProbe(lo); g != GrowthProbe::Fails)
            return g == GrowthProbe::Serves;
    }
    m_out.status = WouldFitSizeStatus::CannotGrow;
    m_out.reason = quotedName() + " cannot grow beyond " + pagesText(lo, m_ps)
        + (lo > m_cur ? ", which does not serve the request either" : std::string()) + ": " + why;
    return false;
}

/// Binary phase between the last size that failed and the first that served. Out of re-runs, the smallest
/// size seen to serve is still an answer, only maybe not the smallest.
bool SizeSearch::narrow()
{
    while (*m_hi - m_lastFail > m_g) {
        const std::uint64_t mid = m_lastFail + (*m_hi - m_lastFail) / m_g / 2 * m_g;
        const auto* p = probe(mid);
        if (!p) {
            if (m_runner.cancelled())
                return false;
            m_complete = false;
            break;
        }
        if (p->placed && p->run.succeeds)
            m_hi = mid;
        else
            m_lastFail = mid;
    }
    m_best = *m_hi;
    return true;
}

/// The search assumed "larger serves more"; not every policy promises that. Re-run the few sizes it skipped
/// below the answer.
bool SizeSearch::recheckBelow()
{
    std::vector<std::uint64_t> untested;
    for (std::uint64_t s = m_start + m_g; s < m_best; s += m_g)
        if (s > m_cur && !tested(s))
            untested.push_back(s);
    if (!m_complete || untested.size() > m_options.exhaustiveBelow)
        return true;
    m_out.exhaustive = true;
    for (const std::uint64_t s : untested) {
        const auto* p = probe(s);
        if (!p) {
            if (m_runner.cancelled())
                return false;
            m_out.exhaustive = m_complete = false;
            break;
        }
        if (p->placed && p->run.succeeds) {
            m_best = s;
            m_out.monotonic = false;
            break;
        }
    }
    return true;
}

/// Re-runs the two sizes above the answer; any size above it seen failing makes the answer fragile.
bool SizeSearch::probeAbove()
{
    for (std::uint64_t s = m_best + m_g; m_complete && s <= m_best + 2 * m_g && s <= m_maxPages; s += m_g) {
        if (!probe(s)) {
            if (m_runner.cancelled())
                return false;
            break;
        }
    }
    for (const auto& p : m_out.probes)
        if (p.pages > m_best && p.placed && !p.run.succeeds && (!m_failsAbove || p.pages < *m_failsAbove))
            m_failsAbove = p.pages;
    if (m_failsAbove)
        m_out.monotonic = false;
    return true;
}

void SizeSearch::describe()
{
    m_out.status = WouldFitSizeStatus::Found;
    m_out.reason.clear();
    m_out.pages = m_best;
    const WouldFitSizeProbe* answer = find(m_best);
    std::string t = "The request fits in a region of " + pagesText(m_best, m_ps) + ", " + std::to_string(m_best - m_cur)
        + " more than now (" + quotedName() + " has " + std::to_string(m_cur) + ").";
    if (answer && answer->run.region != m_region.name && !answer->run.region.empty())
        t += " It is then served by '" + answer->run.region + "'.";
    if (answer && answer->run.earlierChanged)
        t += " At that size " + earlierText(answer->run) + ".";
    t += searchedText();
    if (m_g > 1)
        t += " Sizes go in steps of " + pagesText(m_g, m_ps)
            + (m_g * m_ps == effectiveAlignment(m_platform, m_region)
                    ? ", the alignment the kernel rounds the region's size to."
                    : ", 2^order_per_bit pages.");
    m_out.text = t;
}

std::string SizeSearch::searchedText() const
{
    std::string t;
    const std::uint64_t g = m_g;
    if (m_best > m_start + g) {
        if (!m_complete)
            t += " The search stopped after " + std::to_string(m_runs) + " re-runs: a size from "
                + std::to_string(m_lastFail + g) + " to " + std::to_string(m_best - g) + " pages may serve it too.";
        else if (m_out.exhaustive && m_best - g > m_start + g)
            t += " Every size from " + std::to_string(m_start + g) + " to " + std::to_string(m_best - g)
                + " pages was re-run too and fails.";
        else
            t += " " + std::to_string(m_best - g) + " pages does not serve it"
                + (m_out.exhaustive ? std::string(".")
                                    : " (not every smaller size was re-run: the search assumes that a larger "
                                      "region serves more).");
    }
    if (!m_out.monotonic) {
        t += " The outcome is not monotonic in the size:";
        if (m_best < *m_hi)
            t += " the binary search's answer was " + std::to_string(*m_hi) + " pages, yet " + std::to_string(m_best)
                + " serves it" + (m_failsAbove ? ";" : ".");
        if (m_failsAbove)
            t += " " + std::to_string(*m_failsAbove) + " pages does not serve it again.";
    }
    return t;
}

SizeSearch::Placed SizeSearch::place(std::uint64_t pages) const
{
    Placed out;
    out.platform = m_platform;
    out.platform.regions[m_t].size = pages * m_out.pageSize;
    const PlacementResult res = placeRegions(out.platform, m_options.placement);
    if (!res.regions[m_t].ok) {
        out.why = res.regions[m_t].message;
        return out;
    }
    for (std::size_t i = 0; i < res.regions.size(); ++i) {
        if (i == m_t || res.regions[i].ok)
            continue;
        // Another region that has an address now would lose it (or was never placeable: say so too).
        out.why = "'" + res.regions[i].name + "' could not be placed any more: " + res.regions[i].message;
        return out;
    }
    out.ok = true;
    return out;
}

const WouldFitSizeProbe* SizeSearch::find(std::uint64_t pages) const
{
    for (const auto& p : m_out.probes)
        if (p.pages == pages)
            return &p;
    return nullptr;
}

/// Places and re-runs at @p pages; null when cancelled or out of re-runs (status set).
const WouldFitSizeProbe* SizeSearch::probe(std::uint64_t pages)
{
    if (const auto* p = find(pages))
        return p;
    if (m_runner.cancelled())
        return nullptr;
    if (m_runs >= m_options.maxSizeRuns) {
        m_out.status = WouldFitSizeStatus::ProbeLimit;
        m_out.reason = "gave up after " + std::to_string(m_runs) + " re-runs";
        return nullptr;
    }
    WouldFitSizeProbe p;
    p.pages = pages;
    Placed pl = place(pages);
    p.placed = pl.ok;
    p.placement = pl.why;
    if (pl.ok) {
        ++m_runs;
        p.run = m_runner.run(pl.platform);
        if (!p.run.ran && m_runner.cancelled())
            return nullptr;
    }
    m_out.probes.push_back(std::move(p));
    return &m_out.probes.back();
}

} // namespace

void searchRegionSize(const Platform& platform, std::size_t t, std::uint64_t neededPages, Runner& runner,
    const WouldFitOptions& options, WouldFitSize& out)
{
    SizeSearch(platform, t, neededPages, runner, options, out).search();
}

} // namespace cmascope::wouldfit
