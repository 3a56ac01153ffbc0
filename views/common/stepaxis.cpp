// SPDX-License-Identifier: GPL-2.0-or-later
// The step or time axis of the timeline and the charts (stepaxis.h, docs/time-and-latency.md).
#include "common/stepaxis.h"

#include "common/document.h"

#include <cmascope/sim/simulator.h>
#include <cmascope/trace/tracetime.h>

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace cmascope::views {

bool scenarioHasTimes(const Scenario& scenario)
{
    return !scenario.steps.empty() && scenario.timesNs.size() == scenario.steps.size();
}

StepAxis::StepAxis(StepAxisMode mode, std::shared_ptr<const Simulation> sim)
{
    if (mode == StepAxisMode::Time && sim && scenarioHasTimes(sim->scenario()))
        m_sim = std::move(sim);
}

std::uint64_t StepAxis::stepTimeNs(std::size_t step) const
{
    if (!m_sim)
        return 0;
    const auto& times = m_sim->scenario().timesNs;
    return step < times.size() ? times[step] : (times.empty() ? 0 : times.back());
}

double StepAxis::xOfPosition(std::size_t position) const
{
    if (!m_sim)
        return double(position) - 1.0;
    return double(stepTimeNs(position > 0 ? position - 1 : 0)) / 1e9;
}

std::size_t StepAxis::positionOfX(double x, std::size_t steps) const
{
    if (!m_sim)
        return std::size_t(std::clamp(std::floor(x + 0.5) + 1.0, 0.0, double(steps)));
    const auto& times = m_sim->scenario().timesNs;
    const std::size_t n = std::min(steps, times.size());
    if (n == 0)
        return 0;
    const double ns = std::max(0.0, x * 1e9);
    // The first step at or after x, then whichever of it and the one before is nearer (times never go back in a
    // replay; a project's times might, and then the first such step is as good as any).
    const auto it = std::lower_bound(
        times.begin(), times.begin() + std::ptrdiff_t(n), ns, [](std::uint64_t t, double v) { return double(t) < v; });
    std::size_t step = std::size_t(it - times.begin());
    if (step == n || (step > 0 && ns - double(times[step - 1]) <= double(times[step]) - ns))
        --step;
    return positionAfterStep(step);
}

QString StepAxis::title() const
{
    return m_sim ? QCoreApplication::translate("StepAxis", "time (s)")
                 : QCoreApplication::translate("StepAxis", "step");
}

QString StepAxis::positionText(std::size_t position) const
{
    const auto step = stepAtPosition(position);
    const QString at = step ? QCoreApplication::translate("StepAxis", "after step %1").arg(*step)
                            : QCoreApplication::translate("StepAxis", "before step 0");
    if (!m_sim || !step)
        return at;
    return QStringLiteral("%1 s (%2)").arg(QString::fromStdString(traceTimeText(stepTimeNs(*step))), at);
}

} // namespace cmascope::views
