// SPDX-License-Identifier: GPL-2.0-or-later
// Predict, then reveal (issue 16, docs/teaching.md#predict-then-reveal): a student's guess for a request step —
// an address in a region, or "it will not fit" — judged against what a Simulation recorded for that step: the
// right region, the free hole (before the step) that received the chunk, inside the chunk itself, or the right
// call on a failure. A verdict with a one-line reason, and a score tally.
#pragma once

#include <cmascope/sim/simulator.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmascope {

/// What the student predicted for one request step.
struct PredictionGuess
{
    enum class Kind : std::uint8_t {
        Address, ///< the chunk will land at `address`, in region `region`
        WillNotFit, ///< no region will place it
    };
    Kind kind = Kind::WillNotFit;
    std::uint16_t region = kNoRegion; ///< Address: index into the simulation platform's regions
    std::uint64_t address = 0; ///< Address: physical byte address

    static PredictionGuess at(std::uint16_t region, std::uint64_t address)
    {
        return { Kind::Address, region, address };
    }
    static PredictionGuess willNotFit() { return {}; }
};

enum class PredictionVerdict : std::uint8_t {
    Exact, ///< the address is inside the chunk the step placed
    RightHole, ///< in the free hole (before the step) that received the chunk, but not inside the chunk
    RightRegion, ///< in the region that received it, but in another hole (or on a page in use)
    WrongRegion, ///< in a region that did not receive it
    RightFailure, ///< "will not fit", and no region placed it
    FitAfterAll, ///< "will not fit", but a region placed it
    DidNotFit, ///< an address, but no region placed it
};

/// "exact", "right hole", "right region", "wrong region", "right: no fit", "it fit", "it did not fit".
std::string_view predictionVerdictName(PredictionVerdict v) noexcept;
/// A verdict that scores as right: exact, right hole, or a failure foreseen (docs/teaching.md#predict-then-reveal).
constexpr bool isRightVerdict(PredictionVerdict v) noexcept
{
    return v == PredictionVerdict::Exact || v == PredictionVerdict::RightHole || v == PredictionVerdict::RightFailure;
}

/// A guess judged, with the facts it was judged on (physical byte addresses).
struct PredictionJudgement
{
    std::size_t step = 0;
    PredictionVerdict verdict = PredictionVerdict::DidNotFit;
    std::string reason; ///< one line, e.g. "Right hole: best fit takes the smallest hole that fits, 0x... (2 MiB); ..."
    bool placed = false; ///< a region placed the chunk (not failed, not served by the system allocator)
    std::uint16_t region = kNoRegion; ///< the region that placed it
    std::uint64_t chunkAddress = 0, chunkBytes = 0; ///< what the policy set aside
    std::uint64_t holeAddress = 0, holeBytes = 0; ///< the free hole (before the step) that received it

    bool right() const { return isRightVerdict(verdict); }
    bool exact() const { return verdict == PredictionVerdict::Exact; }
};

/// The tally of a session of questions.
struct PredictionScore
{
    std::uint32_t asked = 0;
    std::uint32_t right = 0;
    std::uint32_t exact = 0;

    void add(const PredictionJudgement& j);
    /// "4 of 6 right, 2 exact" ("No questions answered yet" before the first).
    std::string text() const;
};

/// True when step @p step of @p sim (recorded) is a request a student can predict: an allocation a policy
/// places (StepType::Allocate or AllocateFromRegion), whatever its outcome.
bool isPredictable(const Simulation& sim, std::size_t step);
/// The first predictable step at or after @p from, if any.
std::optional<std::size_t> nextPredictable(const Simulation& sim, std::size_t from);

/// Judges @p guess for request step @p step of the finished run @p sim, from the state before the step
/// (Simulation::stateAt(step)). Throws std::invalid_argument naming the step or the region when the step is not a
/// recorded request (isPredictable()) or the guess names a region the platform does not have.
PredictionJudgement judgePrediction(const Simulation& sim, std::size_t step, const PredictionGuess& guess);

/// One line for the steps [first, last) that are not questions, applied between two: "Steps 13–15 applied:
/// 2 frees, 1 phase ('video conference')." Empty when the range is empty.
std::string skippedStepsText(const Simulation& sim, std::size_t first, std::size_t last);

} // namespace cmascope
