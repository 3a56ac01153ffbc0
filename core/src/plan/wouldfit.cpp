// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/plan/wouldfit.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/util/units.h>
#include <cmascope/validation/validation.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>

namespace cmascope {

std::string_view whatFitSizeStatusName(WouldFitSizeStatus s) noexcept
{
    switch (s) {
    case WouldFitSizeStatus::NotSearched:
        return "not-searched";
    case WouldFitSizeStatus::Found:
        return "found";
    case WouldFitSizeStatus::NoRegion:
        return "no-region";
    case WouldFitSizeStatus::Unplaceable:
        return "unplaceable";
    case WouldFitSizeStatus::CannotGrow:
        return "cannot-grow";
    case WouldFitSizeStatus::ExceedsBanks:
        return "exceeds-banks";
    case WouldFitSizeStatus::ProbeLimit:
        return "probe-limit";
    }
    return "?";
}

namespace {

std::string pagesText(std::uint64_t pages, std::uint64_t pageSize)
{
    return std::to_string(pages) + (pages == 1 ? " page (" : " pages (") + sizeText(pages * pageSize) + ")";
}

std::string plural(std::uint64_t n, const char* one, const char* many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

bool isRequest(const Step& s)
{
    return s.type == StepType::Allocate || s.type == StepType::Refused;
}

/// Re-runs steps 0..step of a scenario on changed platforms and compares with the original run.
class Runner
{
public:
    Runner(const Scenario& prefix, std::size_t step, const WouldFitOptions& options)
        : m_prefix(prefix)
        , m_step(step)
        , m_options(options)
    { }

    bool cancelled()
    {
        if (!m_cancelled && m_options.cancel && m_options.cancel->load(std::memory_order_relaxed))
            m_cancelled = true;
        return m_cancelled;
    }

    /// Reports progress; false (and cancelled from then on) if the caller asked to stop.
    bool report(std::uint64_t done)
    {
        m_total = std::max(m_total, done);
        if (m_options.progress && !m_options.progress(done, m_total))
            m_cancelled = true;
        return !cancelled();
    }

    void expectRuns(std::uint64_t runs) { m_total = std::max(m_total, m_done + runs * m_prefix.steps.size()); }

    /// Runs the prefix on @p pf. @p inspect sees the finished simulation (the original run's diagnosis).
    WouldFitRun run(const Platform& pf, const std::function<void(const Simulation&)>& inspect = {})
    {
        WouldFitRun out;
        if (cancelled()) {
            out.error = "cancelled";
            return out;
        }
        SimulationOptions so;
        // A Refused request is answered by probing the state just before it: keep exactly that checkpoint.
        // An Allocate needs none (the record says it all).
        const bool refused = m_prefix.steps[m_step].type == StepType::Refused;
        so.minCheckpointInterval = so.maxCheckpointInterval =
            refused ? static_cast<std::uint32_t>(std::max<std::size_t>(1, m_step)) : UINT32_MAX;
        auto created = Simulation::create(pf, m_prefix, so);
        if (auto* err = std::get_if<std::string>(&created)) {
            out.error = *err;
            return out;
        }
        Simulation& sim = std::get<Simulation>(created);
        ++m_runs;
        const std::uint64_t base = m_done;
        bool finished = false;
        try {
            finished = sim.run([&](std::size_t done, std::size_t) { return report(base + done); });
            m_done = base + m_prefix.steps.size();
            m_simulated += sim.stepCount();
            if (!finished || !report(m_done)) {
                out.error = "cancelled";
                return out;
            }
            const StepRecord& rec = sim.records()[m_step];
            if (refused) {
                const Diagnosis dg = sim.diagnose(m_step);
                out.succeeds = dg.succeeded;
                if (dg.succeeded) {
                    out.region = dg.attempts.back().region;
                    out.offset = dg.attempts.back().result.offset;
                }
            } else {
                out.succeeds = isServed(rec.outcome);
                if (out.succeeds && rec.region < pf.regions.size()) {
                    out.region = pf.regions[rec.region].name;
                    out.offset = rec.outcome == Outcome::Allocated ? rec.offset : 0;
                    out.systemFallback = rec.outcome == Outcome::AllocatedFallback;
                }
            }
            if (m_baseline.size() > m_step) {
                for (std::size_t j = 0; j < m_step; ++j) {
                    const Outcome before = m_baseline[j];
                    const Outcome now = sim.records()[j].outcome;
                    if (before == now)
                        continue;
                    ++out.earlierChanged;
                    if (isRequest(m_prefix.steps[j]) || m_prefix.steps[j].type == StepType::Place) {
                        out.earlierNowFail += isServed(before) && !isServed(now);
                        out.earlierNowSucceed += !isServed(before) && isServed(now);
                    }
                }
            } else {
                m_baseline.reserve(sim.stepCount());
                for (const auto& r : sim.records())
                    m_baseline.push_back(r.outcome);
            }
            if (inspect)
                inspect(sim);
            out.ran = true;
        } catch (const std::exception& e) {
            // A policy that cannot play this history (e.g. a partial release it cannot represent).
            m_done = base + m_prefix.steps.size();
            out.error = e.what();
        }
        return out;
    }

    std::uint32_t runs() const { return m_runs; }
    std::uint64_t simulated() const { return m_simulated; }

private:
    const Scenario& m_prefix;
    std::size_t m_step;
    const WouldFitOptions& m_options;
    std::vector<Outcome> m_baseline; ///< outcomes of the original run (filled by the first run)
    std::uint64_t m_done = 0;
    std::uint64_t m_total = 0;
    std::uint64_t m_simulated = 0;
    std::uint32_t m_runs = 0;
    bool m_cancelled = false;
};

std::string earlierText(const WouldFitRun& r)
{
    if (r.earlierChanged == 0)
        return "the earlier steps play out the same";
    std::string t = plural(r.earlierChanged, "earlier step plays", "earlier steps play") + " out differently";
    if (r.earlierNowSucceed || r.earlierNowFail) {
        t += " (";
        if (r.earlierNowSucceed)
            t += std::to_string(r.earlierNowSucceed) + " more served";
        if (r.earlierNowSucceed && r.earlierNowFail)
            t += ", ";
        if (r.earlierNowFail)
            t += std::to_string(r.earlierNowFail) + " now refused";
        t += ")";
    }
    return t;
}

std::string runText(const WouldFitRun& r)
{
    if (!r.ran)
        return "cannot be simulated: " + r.error;
    if (r.succeeds)
        return "succeeds (" + r.region
            + (r.systemFallback ? ", system allocator" : ", page " + std::to_string(r.offset)) + "); " + earlierText(r);
    return "fails too; " + earlierText(r);
}

/// The largest stretch of memory the banks give (adjacent banks merge, as memblock sees them).
std::uint64_t largestMemorySpan(const std::vector<Bank>& banks)
{
    std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;
    for (const Bank& b : banks)
        if (b.size && b.base + b.size > b.base)
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

/// The size search on region @p t.
class SizeSearch
{
public:
    SizeSearch(const Platform& platform, std::size_t t, std::uint64_t neededPages, Runner& runner,
        const WouldFitOptions& options, WouldFitSize& out)
        : m_platform(platform)
        , m_t(t)
        , m_needed(neededPages)
        , m_runner(runner)
        , m_options(options)
        , m_out(out)
    { }

    void search()
    {
        const Region& r = m_platform.regions[m_t];
        const std::uint64_t ps = m_out.pageSize;
        const std::uint64_t cur = m_out.currentPages;
        std::uint64_t g = std::max<std::uint64_t>(1, effectiveAlignment(m_platform, r) / ps);
        if (r.policy == PolicyKind::Kernel && r.params.orderPerBit < 32)
            g = std::max<std::uint64_t>(g, std::uint64_t(1) << r.params.orderPerBit);
        m_out.granulePages = g;

        {
            const Placed base = place(cur);
            if (!base.ok) {
                m_out.status = WouldFitSizeStatus::Unplaceable;
                m_out.reason = "the regions cannot be placed as they are: " + base.why;
                return;
            }
        }
        const std::uint64_t maxPages = alignDown(largestMemorySpan(m_platform.banks) / ps, g);
        m_out.limitPages = maxPages;
        const std::string region = "'" + r.name + "'";
        if (m_needed > maxPages || cur >= maxPages) {
            m_out.status = WouldFitSizeStatus::ExceedsBanks;
            m_out.reason = m_needed > maxPages
                ? "the request alone (" + pagesText(m_needed, ps) + ") is larger than the largest stretch of memory ("
                    + pagesText(maxPages, ps) + ")"
                : region + " is already as large as the largest stretch of memory (" + pagesText(maxPages, ps) + ")";
            return;
        }
        // Re-runs a search may need: the doubling to the cap, the halving back, the checks around the answer.
        unsigned levels = 1;
        while ((std::uint64_t(1) << levels) * g < maxPages - cur && levels < 63)
            ++levels;
        m_runner.expectRuns(std::min<std::uint64_t>(m_options.maxSizeRuns, 2 * levels + 2));

        // Exponential phase: grow by g, 2g, 4g, ... until a size serves the request.
        const std::uint64_t start = alignDown(cur, g);
        std::uint64_t lastFail = cur; // the original run
        std::optional<std::uint64_t> hi;
        for (std::uint64_t k = 1; !hi; k *= 2) {
            const std::uint64_t cand = std::min(start + k * g, maxPages);
            if (cand <= lastFail) {
                m_out.status = WouldFitSizeStatus::ExceedsBanks;
                m_out.reason = "even " + pagesText(lastFail, ps) + ", the largest stretch of memory, does not serve it";
                return;
            }
            const Placed pl = place(cand);
            if (!pl.ok) {
                // The largest size placement accepts, between the last one that failed and this one.
                std::uint64_t lo = lastFail, bad = cand;
                std::string why = pl.why;
                while (bad - lo > g) {
                    const std::uint64_t mid = lo + (bad - lo) / g / 2 * g;
                    const Placed p = place(mid);
                    if (p.ok) {
                        lo = mid;
                    } else {
                        bad = mid;
                        why = p.why;
                    }
                }
                m_out.limitPages = lo;
                if (lo > lastFail) {
                    const auto* p = probe(lo);
                    if (!p)
                        return;
                    if (p->run.succeeds) {
                        hi = lo;
                        break;
                    }
                    lastFail = lo;
                }
                m_out.status = WouldFitSizeStatus::CannotGrow;
                m_out.reason = region + " cannot grow beyond " + pagesText(lo, ps)
                    + (lo > cur ? ", which does not serve the request either" : std::string()) + ": " + why;
                return;
            }
            const auto* p = probe(cand);
            if (!p)
                return;
            if (p->run.succeeds)
                hi = cand;
            else
                lastFail = cand;
        }
        // Binary phase between the last size that failed and the first that served. Out of re-runs, the
        // smallest size seen to serve is still an answer, only maybe not the smallest.
        bool complete = true;
        while (*hi - lastFail > g) {
            const std::uint64_t mid = lastFail + (*hi - lastFail) / g / 2 * g;
            const auto* p = probe(mid);
            if (!p) {
                if (m_runner.cancelled())
                    return;
                complete = false;
                break;
            }
            if (p->placed && p->run.succeeds)
                hi = mid;
            else
                lastFail = mid;
        }
        std::uint64_t best = *hi;
        // The search assumed "larger serves more"; not every policy promises that. Re-run the few sizes it
        // skipped below the answer, and the two above it.
        std::vector<std::uint64_t> untested;
        for (std::uint64_t s = start + g; s < best; s += g)
            if (s > cur && !tested(s))
                untested.push_back(s);
        if (complete && untested.size() <= m_options.exhaustiveBelow) {
            m_out.exhaustive = true;
            for (const std::uint64_t s : untested) {
                const auto* p = probe(s);
                if (!p) {
                    if (m_runner.cancelled())
                        return;
                    m_out.exhaustive = complete = false;
                    break;
                }
                if (p->placed && p->run.succeeds) {
                    best = s;
                    m_out.monotonic = false;
                    break;
                }
            }
        }
        std::optional<std::uint64_t> failsAbove;
        for (std::uint64_t s = best + g; complete && s <= best + 2 * g && s <= maxPages; s += g) {
            const auto* p = probe(s);
            if (!p) {
                if (m_runner.cancelled())
                    return;
                break;
            }
        }
        // Any size above the answer seen failing makes the answer fragile.
        for (const auto& p : m_out.probes)
            if (p.pages > best && p.placed && !p.run.succeeds && (!failsAbove || p.pages < *failsAbove))
                failsAbove = p.pages;
        if (failsAbove)
            m_out.monotonic = false;

        m_out.status = WouldFitSizeStatus::Found;
        m_out.reason.clear();
        m_out.pages = best;
        const WouldFitSizeProbe* answer = find(best);
        std::string t = "The request fits in a region of " + pagesText(best, ps) + ", " + std::to_string(best - cur)
            + " more than now (" + region + " has " + std::to_string(cur) + ").";
        if (answer && answer->run.region != r.name && !answer->run.region.empty())
            t += " It is then served by '" + answer->run.region + "'.";
        if (answer && answer->run.earlierChanged)
            t += " At that size " + earlierText(answer->run) + ".";
        if (best > start + g) {
            if (!complete)
                t += " The search stopped after " + std::to_string(m_runs) + " re-runs: a size from "
                    + std::to_string(lastFail + g) + " to " + std::to_string(best - g) + " pages may serve it too.";
            else if (m_out.exhaustive && best - g > start + g)
                t += " Every size from " + std::to_string(start + g) + " to " + std::to_string(best - g)
                    + " pages was re-run too and fails.";
            else
                t += " " + std::to_string(best - g) + " pages does not serve it"
                    + (m_out.exhaustive ? std::string(".")
                                        : " (not every smaller size was re-run: the search assumes that a larger "
                                          "region serves more).");
        }
        if (!m_out.monotonic) {
            t += " The outcome is not monotonic in the size:";
            if (best < *hi)
                t += " the binary search's answer was " + std::to_string(*hi) + " pages, yet " + std::to_string(best)
                    + " serves it" + (failsAbove ? ";" : ".");
            if (failsAbove)
                t += " " + std::to_string(*failsAbove) + " pages does not serve it again.";
        }
        if (g > 1)
            t += " Sizes go in steps of " + pagesText(g, ps)
                + (g * ps == effectiveAlignment(m_platform, r)
                        ? ", the alignment the kernel rounds the region's size to."
                        : ", 2^order_per_bit pages.");
        m_out.text = t;
    }

private:
    struct Placed
    {
        bool ok = false;
        std::string why;
        Platform platform;
    };

    Placed place(std::uint64_t pages) const
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

    bool tested(std::uint64_t pages) const { return find(pages) != nullptr; }
    const WouldFitSizeProbe* find(std::uint64_t pages) const
    {
        for (const auto& p : m_out.probes)
            if (p.pages == pages)
                return &p;
        return nullptr;
    }

    /// Places and re-runs at @p pages; null when cancelled or out of re-runs (status set).
    const WouldFitSizeProbe* probe(std::uint64_t pages)
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

    const Platform& m_platform;
    std::size_t m_t;
    std::uint64_t m_needed;
    Runner& m_runner;
    const WouldFitOptions& m_options;
    WouldFitSize& m_out;
    unsigned m_runs = 0;
};

} // namespace

WouldFitResult whatWouldHaveFit(
    const Platform& platform, const Scenario& scenario, std::size_t step, const WouldFitOptions& options)
{
    WouldFitResult out;
    out.step = static_cast<std::uint32_t>(step);
    if (step >= scenario.steps.size() || !isRequest(scenario.steps[step])) {
        out.error = "step " + std::to_string(step) + " is not an allocation request";
        return out;
    }
    // Only steps 0..step matter: every re-run stops at the request.
    Scenario prefix;
    prefix.name = scenario.name;
    prefix.symbols = scenario.symbols;
    prefix.steps.assign(scenario.steps.begin(), scenario.steps.begin() + static_cast<std::ptrdiff_t>(step) + 1);
    const Step& s = prefix.steps[step];
    Runner runner(prefix, step, options);
    runner.expectRuns(1 + (options.tryPolicies ? allPolicies().size() : 0));

    // The original run: the baseline outcomes, the regions tried, the size asked.
    Diagnosis dg;
    const WouldFitRun original = runner.run(platform, [&](const Simulation& sim) { dg = sim.diagnose(step); });
    auto finish = [&] {
        out.runs = runner.runs();
        out.simulatedSteps = runner.simulated();
        out.cancelled = runner.cancelled();
        if (out.cancelled && out.summary.empty())
            out.summary = "Cancelled.";
        return out;
    };
    if (!original.ran) {
        out.error = runner.cancelled() ? "cancelled" : "the platform cannot be simulated: " + original.error;
        return finish();
    }
    out.request = dg.device + (dg.kind.empty() ? std::string() : "/" + dg.kind) + " asked for " + sizeText(dg.bytes);
    if (original.succeeds) {
        out.error = s.type == StepType::Refused ? "the model serves this request with the current policy ("
                + original.region + ", page " + std::to_string(original.offset)
                + "): the kernel refused it for a reason the model does not see (pages busy at that moment?)"
                                                : "step " + std::to_string(step) + " did not fail";
        return finish();
    }
    std::vector<std::size_t> tried;
    std::uint64_t neededPages = 0;
    for (const auto& a : dg.attempts) {
        const auto it = std::find_if(
            platform.regions.begin(), platform.regions.end(), [&](const Region& r) { return r.name == a.region; });
        if (!a.exists || a.fallbackRegion || it == platform.regions.end() || it->type != RegionType::Cma
            || it->size == 0)
            continue;
        const auto index = static_cast<std::size_t>(it - platform.regions.begin());
        if (std::find(tried.begin(), tried.end(), index) != tried.end())
            continue;
        if (tried.empty())
            neededPages = a.neededPages;
        tried.push_back(index);
        out.triedRegions.push_back(a.region);
    }

    std::string regionsText;
    for (std::size_t i = 0; i < out.triedRegions.size(); ++i)
        regionsText +=
            (i ? (i + 1 == out.triedRegions.size() ? " and " : ", ") : "") + ("'" + out.triedRegions[i] + "'");

    // Other policies on every region tried.
    std::vector<std::string> serving;
    bool anyOther = false;
    if (options.tryPolicies && !tried.empty()) {
        for (const PolicyKind k : allPolicies()) {
            WouldFitPolicyRow row;
            row.policy = k;
            row.current =
                std::all_of(tried.begin(), tried.end(), [&](std::size_t i) { return platform.regions[i].policy == k; });
            if (row.current) {
                row.run = original;
                row.text = std::string(policyId(k)) + " (now): fails";
            } else {
                anyOther = true;
                Platform changed = platform;
                for (const std::size_t i : tried)
                    changed.regions[i].policy = k;
                row.run = runner.run(changed);
                if (runner.cancelled())
                    return finish();
                row.text = std::string(policyId(k)) + ": " + runText(row.run);
                if (row.run.succeeds)
                    serving.push_back(std::string(policyId(k)));
            }
            out.policies.push_back(std::move(row));
        }
    }

    // The smallest size of the first region tried.
    if (options.searchSize) {
        if (tried.empty()) {
            out.size.status = WouldFitSizeStatus::NoRegion;
            out.size.reason = "the request tried no CMA region that could grow";
        } else {
            const std::size_t t = tried.front();
            const Region& r = platform.regions[t];
            out.size.region = r.name;
            out.size.regionIndex = static_cast<std::uint16_t>(t);
            out.size.pageSize = r.pageSize ? r.pageSize : platform.pageSize;
            out.size.currentPages = r.size / out.size.pageSize;
            SizeSearch(platform, t, neededPages, runner, options, out.size).search();
            if (runner.cancelled())
                return finish();
        }
        if (out.size.status != WouldFitSizeStatus::Found && out.size.text.empty())
            out.size.text = "No region size can be given: " + out.size.reason + ".";
    }

    if (options.tryPolicies) {
        if (tried.empty()) {
            out.summary = "The request tried no CMA region: no policy changes its fate.";
        } else if (anyOther && serving.empty()) {
            out.summary = "No other policy on " + regionsText + " would have served it.";
        } else if (anyOther) {
            std::string list;
            for (std::size_t i = 0; i < serving.size(); ++i)
                list += (i ? (i + 1 == serving.size() ? " or " : ", ") : "") + serving[i];
            out.summary = "With " + list + " on " + regionsText + " the request would have been served.";
        }
    }
    if (options.searchSize && !out.size.text.empty())
        out.summary += (out.summary.empty() ? "" : " ") + out.size.text;
    return finish();
}

} // namespace cmascope
