// SPDX-License-Identifier: GPL-2.0-or-later
// The axis the timeline and the charts draw a run on (docs/time-and-latency.md, "Time axis"): steps (one unit
// per step, as every view numbers them, document.h) or time (the scenario's real timestamps, Scenario::timesNs,
// in seconds, so the gaps between a trace's events are visible). Time is offered only when every step has a time.
#pragma once

#include <QString>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace cmascope {
class Simulation;
struct Scenario;
} // namespace cmascope

namespace cmascope::views {

enum class StepAxisMode { Steps, Time };

/// True when every step of @p scenario has a time (a replayed trace, or a project with "times_ns").
bool scenarioHasTimes(const Scenario& scenario);

/// Maps the positions of a run (document.h: steps executed) to the x of a chart or a slider and back.
/// Steps: x = position - 1 (the state after step N is drawn at N; before step 0 at -1). Time: x = the time of
/// the current step (position - 1) in seconds; position 0 (before step 0) is drawn at the first step's time.
class StepAxis
{
public:
    /// The step axis.
    StepAxis() = default;
    /// The time axis when @p mode is Time and the run's scenario has times, else the step axis.
    StepAxis(StepAxisMode mode, std::shared_ptr<const Simulation> sim);

    bool isTime() const { return m_sim != nullptr; }
    double xOfPosition(std::size_t position) const;
    /// The position drawn nearest to @p x, clamped to [0, @p steps] (time: the step whose time is nearest).
    std::size_t positionOfX(double x, std::size_t steps) const;
    /// The time of step @p step in ns (0 on the step axis or past the end).
    std::uint64_t stepTimeNs(std::size_t step) const;
    /// "step" or "time (s)".
    QString title() const;
    /// "after step 12" / "2.435778 s (after step 12)", for tooltips of a point at @p position.
    QString positionText(std::size_t position) const;

private:
    std::shared_ptr<const Simulation> m_sim; ///< set on the time axis only
};

} // namespace cmascope::views
