// SPDX-License-Identifier: GPL-2.0-or-later
// Test support: a simulation created and run to its end, or the test aborted with the reason.
#pragma once

#include <cmascope/sim/simulator.h>

#include <QtGlobal>

#include <string>
#include <utility>
#include <variant>

namespace cmascope::test {

/// Simulation::create(@p pf, @p sc) run to the end; aborts the test when it cannot be created or run.
inline Simulation ranSimulation(const Platform& pf, Scenario sc)
{
    auto v = Simulation::create(pf, std::move(sc));
    if (auto* err = std::get_if<std::string>(&v))
        qFatal("%s", err->c_str());
    Simulation sim = std::move(std::get<Simulation>(v));
    if (!sim.run())
        qFatal("the simulation did not run to its end");
    return sim;
}

} // namespace cmascope::test
