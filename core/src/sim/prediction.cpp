// SPDX-License-Identifier: GPL-2.0-or-later
// Predict, then reveal: judging a guess against a recorded request step (docs/teaching.md#predict-then-reveal).
#include "narrationparts.h"

#include <cmascope/sim/prediction.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace cmascope {

namespace {

/// The rule by which the region's policy picks a hole, as one clause ("best fit takes the smallest hole that
/// fits"); the narration (narratepolicy.cpp) gives the whole reasoning.
std::string_view policyRule(PolicyKind k) noexcept
{
    switch (k) {
    case PolicyKind::Kernel:
        return "the kernel's bitmap search takes the lowest free window at the request's alignment";
    case PolicyKind::BestFit2010:
        return "best fit takes the smallest hole that fits";
    case PolicyKind::FirstFit:
        return "first fit takes the lowest hole that fits";
    case PolicyKind::NextFit:
        return "next fit takes the first hole that fits after where its last search stopped";
    case PolicyKind::WorstFit:
        return "worst fit takes the largest hole";
    case PolicyKind::Buddy:
        return "the buddy allocator takes the smallest free block of the request's order";
    case PolicyKind::Tlsf:
        return "TLSF takes a block from the smallest size class sure to hold the request";
    }
    return "the policy picks a hole";
}

std::string rangeText(std::uint64_t address, std::uint64_t bytes)
{
    return hexText(address) + " (" + sizeText(bytes) + ")";
}

bool inside(std::uint64_t a, std::uint64_t base, std::uint64_t bytes)
{
    return a >= base && a - base < bytes;
}

/// The free hole (in bytes) of @p rt before the step that holds @p address, or {0, 0}.
std::pair<std::uint64_t, std::uint64_t> holeOfAddress(
    const Region& region, const SimState::RegionRuntime& rt, std::uint64_t address)
{
    const std::uint64_t base = region.placedBase.value_or(region.start);
    if (address < base || (address - base) / region.pageSize >= rt.occupancy.pages())
        return { 0, 0 };
    const auto [start, pages] = narration::holeAt(rt, (address - base) / region.pageSize);
    if (pages == 0)
        return { 0, 0 };
    return { base + start * region.pageSize, pages * region.pageSize };
}

/// Fills the facts of a placed request: where the chunk went and the hole that received it.
void placementFacts(const Simulation& sim, const StepRecord& rec, const SimState& before, PredictionJudgement& j)
{
    const Region& region = sim.platform().regions.at(rec.region);
    const std::uint64_t base = region.placedBase.value_or(region.start);
    j.placed = true;
    j.region = rec.region;
    j.chunkAddress = base + std::uint64_t(rec.offset) * region.pageSize;
    j.chunkBytes = std::uint64_t(rec.pages) * region.pageSize;
    const auto [start, pages] = narration::holeAt(before.regions.at(rec.region), rec.offset);
    // A chunk placed over pages the occupancy does not count as free (none today) is its own hole.
    j.holeAddress = pages ? base + start * region.pageSize : j.chunkAddress;
    j.holeBytes = pages ? pages * region.pageSize : j.chunkBytes;
}

/// The verdict and reason for an address guess on a placed request.
void judgeAddress(const Simulation& sim, const SimState& before, const PredictionGuess& guess, PredictionJudgement& j)
{
    const auto& regions = sim.platform().regions;
    const Region& region = regions.at(j.region);
    const std::string rule = std::string(policyRule(region.policy)) + ", " + rangeText(j.holeAddress, j.holeBytes);
    const std::string chunk = rangeText(j.chunkAddress, j.chunkBytes);
    const std::string picked = hexText(guess.address);
    if (guess.region == j.region && inside(guess.address, j.chunkAddress, j.chunkBytes)) {
        j.verdict = PredictionVerdict::Exact;
        j.reason = "Exact: " + picked + " is inside the chunk, " + chunk + " in " + region.name + "; " + rule + ".";
    } else if (guess.region == j.region && inside(guess.address, j.holeAddress, j.holeBytes)) {
        j.verdict = PredictionVerdict::RightHole;
        j.reason = "Right hole: " + rule + "; the chunk went to " + chunk + ", not at " + picked + ".";
    } else if (guess.region == j.region) {
        j.verdict = PredictionVerdict::RightRegion;
        const auto [hole, bytes] = holeOfAddress(region, before.regions.at(j.region), guess.address);
        const std::string where = bytes ? "in the hole " + rangeText(hole, bytes) : std::string("on a page in use");
        j.reason = "Right region, wrong hole: " + picked + " is " + where + "; " + rule + ", and the chunk went to "
            + chunk + ".";
    } else {
        j.verdict = PredictionVerdict::WrongRegion;
        j.reason = "Wrong region: it went to " + region.name + ", not " + regions.at(guess.region).name + "; " + rule
            + ", and the chunk went to " + chunk + ".";
    }
}

/// Why no region placed request @p step, in a few words: each region tried and its refusal.
std::string failureWhy(const Simulation& sim, std::size_t step, const StepRecord& rec)
{
    if (rec.outcome == Outcome::AllocatedFallback)
        return "no CMA region placed it: the system allocator served it";
    const Diagnosis d = sim.diagnose(step);
    std::string why;
    for (const auto& a : d.attempts)
        if (!a.fallbackRegion)
            why += (why.empty() ? "" : "; ") + a.region + ": " + std::string(refusalVerdict(a.result.refusal));
    return why.empty() ? "no region to try (" + d.mapSummary + ")" : why;
}

} // namespace

std::string_view predictionVerdictName(PredictionVerdict v) noexcept
{
    switch (v) {
    case PredictionVerdict::Exact:
        return "exact";
    case PredictionVerdict::RightHole:
        return "right hole";
    case PredictionVerdict::RightRegion:
        return "right region";
    case PredictionVerdict::WrongRegion:
        return "wrong region";
    case PredictionVerdict::RightFailure:
        return "right: no fit";
    case PredictionVerdict::FitAfterAll:
        return "it fit";
    case PredictionVerdict::DidNotFit:
        return "it did not fit";
    }
    return "?";
}

void PredictionScore::add(const PredictionJudgement& j)
{
    ++asked;
    right += j.right() ? 1u : 0u;
    exact += j.exact() ? 1u : 0u;
}

std::string PredictionScore::text() const
{
    if (asked == 0)
        return "No questions answered yet";
    return std::to_string(right) + " of " + std::to_string(asked) + " right, " + std::to_string(exact) + " exact";
}

bool isPredictable(const Simulation& sim, std::size_t step)
{
    if (step >= sim.stepCount() || step >= sim.scenario().steps.size())
        return false;
    const StepType t = sim.scenario().steps[step].type;
    return t == StepType::Allocate || t == StepType::AllocateFromRegion;
}

std::optional<std::size_t> nextPredictable(const Simulation& sim, std::size_t from)
{
    for (std::size_t s = from; s < sim.stepCount(); ++s)
        if (isPredictable(sim, s))
            return s;
    return std::nullopt;
}

PredictionJudgement judgePrediction(const Simulation& sim, std::size_t step, const PredictionGuess& guess)
{
    if (!isPredictable(sim, step))
        throw std::invalid_argument("step " + std::to_string(step) + " is not a recorded request");
    if (guess.kind == PredictionGuess::Kind::Address && guess.region >= sim.platform().regions.size())
        throw std::invalid_argument("guess: region " + std::to_string(guess.region) + " does not exist");
    const StepRecord& rec = sim.records()[step];
    PredictionJudgement j;
    j.step = step;
    const bool willNotFit = guess.kind == PredictionGuess::Kind::WillNotFit;
    if (rec.outcome != Outcome::Allocated) {
        const std::string why = failureWhy(sim, step, rec);
        j.verdict = willNotFit ? PredictionVerdict::RightFailure : PredictionVerdict::DidNotFit;
        j.reason = willNotFit ? "Right: it does not fit — " + why + "." : "It does not fit — " + why + ".";
        return j;
    }
    const SimState before = sim.stateAt(step);
    placementFacts(sim, rec, before, j);
    if (willNotFit) {
        const Region& region = sim.platform().regions.at(j.region);
        j.verdict = PredictionVerdict::FitAfterAll;
        j.reason = "It fits: " + std::string(policyRule(region.policy)) + ", " + rangeText(j.holeAddress, j.holeBytes)
            + " in " + region.name + ", and the chunk went to " + rangeText(j.chunkAddress, j.chunkBytes) + ".";
        return j;
    }
    judgeAddress(sim, before, guess, j);
    return j;
}

std::string skippedStepsText(const Simulation& sim, std::size_t first, std::size_t last)
{
    last = std::min(last, sim.scenario().steps.size());
    if (first >= last)
        return {};
    // Counted by step type, in StepType's order; plural by "s".
    std::array<std::size_t, 10> counts {};
    std::string phase;
    for (std::size_t s = first; s < last; ++s) {
        const Step& st = sim.scenario().steps[s];
        ++counts.at(std::size_t(st.type));
        if (st.type == StepType::Phase)
            phase = std::string(sim.scenario().symbols.name(st.label));
    }
    std::string what;
    for (std::size_t t = 0; t < counts.size(); ++t) {
        if (counts[t] == 0)
            continue;
        what += (what.empty() ? "" : ", ") + std::to_string(counts[t]) + " " + std::string(stepTypeName(StepType(t)))
            + (counts[t] == 1 ? "" : "s");
        if (StepType(t) == StepType::Phase && !phase.empty())
            what += " ('" + phase + "')";
    }
    const std::string steps = last - first == 1 ? "Step " + std::to_string(first)
                                                : "Steps " + std::to_string(first) + "–" + std::to_string(last - 1);
    return steps + " applied: " + what + ".";
}

} // namespace cmascope
