// SPDX-License-Identifier: GPL-2.0-or-later
// The planner's JSON report (docs/planner.md#the-report).
#include <cmascope/plan/planner.h>

#include <nlohmann/json.hpp>

namespace cmascope {

std::string planReportJson(const Project& project, const PlanResult& plan)
{
    nlohmann::ordered_json j;
    j["format"] = "cmascope-plan";
    j["version"] = 1;
    j["project"] = project.platform.name;
    j["ok"] = plan.ok;
    j["reason"] = plan.ok ? nlohmann::ordered_json() : nlohmann::ordered_json(plan.reason);
    auto& scenarios = j["scenarios"] = nlohmann::ordered_json::array();
    for (const std::size_t i : plan.scenarios)
        scenarios.push_back({ { "index", i }, { "name", project.scenarios[i].name } });
    auto& regions = j["regions"] = nlohmann::ordered_json::array();
    for (const PlannedRegion& p : plan.regions) {
        nlohmann::ordered_json r;
        r["name"] = p.name;
        r["role"] = std::string(planRoleName(p.role));
        r["size_before_bytes"] = p.sizeBefore;
        r["size_bytes"] = p.size;
        r["start"] = p.start ? nlohmann::ordered_json(*p.start) : nlohmann::ordered_json();
        if (!p.ranges.empty()) {
            nlohmann::ordered_json ranges = nlohmann::ordered_json::array();
            for (const AddressRange& a : p.ranges)
                ranges.push_back({ { "base", a.base }, { "size_bytes", a.size } });
            r["ranges"] = std::move(ranges);
        }
        r["granule_bytes"] = p.granuleBytes;
        r["binding_scenario"] = p.bindingScenario ? nlohmann::ordered_json(project.scenarios[*p.bindingScenario].name)
                                                  : nlohmann::ordered_json();
        r["binding_scenario_index"] =
            p.bindingScenario ? nlohmann::ordered_json(*p.bindingScenario) : nlohmann::ordered_json();
        r["binding_step"] = p.bindingStep ? nlohmann::ordered_json(*p.bindingStep) : nlohmann::ordered_json();
        r["binding"] = p.binding;
        r["dma_limit"] = p.dmaLimit ? nlohmann::ordered_json(*p.dmaLimit) : nlohmann::ordered_json();
        r["dma_device"] = p.dmaLimit ? nlohmann::ordered_json(p.dmaDevice) : nlohmann::ordered_json();
        regions.push_back(std::move(r));
    }
    j["rounds"] = plan.rounds;
    j["runs"] = plan.runs;
    j["simulated_steps"] = plan.simulatedSteps;
    return j.dump(2) + "\n";
}

} // namespace cmascope
