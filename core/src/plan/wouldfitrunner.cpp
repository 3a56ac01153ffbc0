// SPDX-License-Identifier: GPL-2.0-or-later
// Re-running a scenario prefix on a changed platform for the would-fit search, and a re-run in words.
#include "internal.h"

#include <cmascope/util/units.h>

#include <algorithm>
#include <exception>

namespace cmascope::wouldfit {

namespace {

std::string plural(std::uint64_t n, const char* one, const char* many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

std::string pagesText(std::uint64_t pages, std::uint64_t pageSize)
{
    return std::to_string(pages) + (pages == 1 ? " page (" : " pages (") + sizeText(pages * pageSize) + ")";
}

bool isRequest(const Step& s)
{
    return s.type == StepType::Allocate || s.type == StepType::Refused || s.type == StepType::AllocateFromRegion;
}

bool Runner::cancelled()
{
    // Asked between and during re-runs (with the figures last reported): the caller's Progress decides.
    if (!m_cancelled && m_options.progress && !m_options.progress(m_reported, m_total))
        m_cancelled = true;
    return m_cancelled;
}

bool Runner::report(std::uint64_t done)
{
    m_total = std::max(m_total, done);
    m_reported = done;
    return !cancelled();
}

WouldFitRun Runner::run(const Platform& pf, const std::function<void(const Simulation&)>& inspect)
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
    try {
        const bool finished = sim.run([&](std::size_t done, std::size_t) { return report(base + done); });
        m_done = base + m_prefix.steps.size();
        m_simulated += sim.stepCount();
        if (!finished || !report(m_done)) {
            out.error = "cancelled";
            return out;
        }
        readAnswer(sim, pf, out);
        compareWithBaseline(sim, out);
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

void Runner::readAnswer(const Simulation& sim, const Platform& pf, WouldFitRun& out) const
{
    if (m_prefix.steps[m_step].type == StepType::Refused) {
        const Diagnosis dg = sim.diagnose(m_step);
        out.succeeds = dg.succeeded;
        if (dg.succeeded) {
            out.region = dg.attempts.back().region;
            out.offset = dg.attempts.back().result.offset;
        }
        return;
    }
    const StepRecord& rec = sim.records()[m_step];
    out.succeeds = isServed(rec.outcome);
    if (out.succeeds && rec.region < pf.regions.size()) {
        out.region = pf.regions[rec.region].name;
        out.offset = rec.outcome == Outcome::Allocated ? rec.offset : 0;
        out.systemFallback = rec.outcome == Outcome::AllocatedFallback;
    }
}

void Runner::compareWithBaseline(const Simulation& sim, WouldFitRun& out)
{
    if (m_baseline.size() <= m_step) {
        m_baseline.reserve(sim.stepCount());
        for (const auto& r : sim.records())
            m_baseline.push_back(r.outcome);
        return;
    }
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
}

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

} // namespace cmascope::wouldfit
