// SPDX-License-Identifier: GPL-2.0-or-later
// Test support: the built-in demos (resources/demos, docs/lessons.md) loaded, placed and run to their end.
#pragma once

#include "simulations.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>

#include <QtGlobal>

#include <string>
#include <string_view>
#include <vector>

namespace cmascope::test {

/// resources/demos/@p file read; aborts the test when it cannot be.
inline Project demoProject(const char* file)
{
    auto loaded = loadProjectFile(std::string(CMASCOPE_SOURCE_DIR "/resources/demos/") + file);
    if (!loaded.ok())
        qFatal("%s", loaded.errorText().c_str());
    return std::move(*loaded.project);
}

/// @p pf placed as at boot, and @p sc run on it to the end.
inline Simulation placedAndRan(Platform pf, Scenario sc)
{
    if (!placeRegions(pf).ok())
        qFatal("the demo's regions cannot be placed");
    return ranSimulation(pf, std::move(sc));
}

/// Scenario @p scenario of demo @p file, run to the end on its platform.
inline Simulation demoRun(const char* file, std::size_t scenario = 0)
{
    Project p = demoProject(file);
    return placedAndRan(p.platform, p.scenarios.at(scenario));
}

/// The index of the region called @p name (aborts when there is none).
inline std::size_t regionNamed(const Platform& pf, std::string_view name)
{
    for (std::size_t i = 0; i < pf.regions.size(); ++i)
        if (pf.regions[i].name == name)
            return i;
    qFatal("no region %s", std::string(name).c_str());
}

/// The steps whose request failed, in order.
inline std::vector<std::size_t> failedSteps(const Simulation& sim)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < sim.records().size(); ++i)
        if (sim.records()[i].outcome == Outcome::Failed)
            out.push_back(i);
    return out;
}

/// Pages in use in region @p name after the last step.
inline std::uint64_t finalUsedPages(const Simulation& sim, std::string_view name)
{
    const SimState st = sim.stateAt(sim.stepCount());
    return st.regions.at(regionNamed(sim.platform(), name)).occupancy.usedPages();
}

} // namespace cmascope::test
