// SPDX-License-Identifier: GPL-2.0-or-later
// Compare: one scenario or trace under several variants (docs/compare.md).
#include <cmascope/compare/compare.h>
#include <cmascope/compare/variantspec.h>
#include <cmascope/plan/placement.h>
#include <cmascope/plan/whatif.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/tracewhatif.h>

#include <utility>

namespace cmascope {

namespace {

/// The placed platform of @p variant, or the error naming @p spec.
std::variant<Platform, std::string> placedVariant(
    const Platform& platform, const PlatformVariant& variant, const std::string& spec)
{
    auto applied = applyVariant(platform, variant);
    const std::string what = spec.empty() ? std::string("the project: ") : "--variant " + spec + ": ";
    if (auto* err = std::get_if<std::string>(&applied))
        return what + *err;
    Platform pf = std::move(std::get<Platform>(applied));
    const PlacementResult placed = placeRegions(pf);
    if (!placed.ok()) {
        std::string why;
        for (const auto& r : placed.regions)
            if (!r.ok)
                why += (why.empty() ? "" : "; ") + r.message;
        return what + "the regions cannot be placed: " + why;
    }
    return pf;
}

/// Runs @p scenario on @p pf; null when cancelled, the error when it cannot run. @p progress sees this run
/// as the steps [offset, offset + steps) of @p total.
std::variant<std::shared_ptr<const Simulation>, std::string> runOne(
    const Platform& pf, const Scenario& scenario, std::uint64_t offset, std::uint64_t total, const Progress& progress)
{
    auto created = Simulation::create(pf, scenario);
    if (auto* err = std::get_if<std::string>(&created))
        return *err;
    auto sim = std::make_shared<Simulation>(std::move(std::get<Simulation>(created)));
    const bool done = sim->run([&](std::uint64_t d, std::uint64_t) { return progress(offset + d, total); });
    if (!done)
        return std::shared_ptr<const Simulation>();
    return std::shared_ptr<const Simulation>(std::move(sim));
}

/// Parses every spec first, so a bad one is reported before anything runs.
std::variant<std::vector<PlatformVariant>, std::string> parseAll(
    const Platform& platform, const std::vector<std::string>& specs)
{
    std::vector<PlatformVariant> out { PlatformVariant {} };
    for (const auto& spec : specs) {
        auto parsed = parseVariantSpec(spec, platform);
        if (auto* err = std::get_if<std::string>(&parsed))
            return *err;
        out.push_back(std::get<PlatformVariant>(parsed));
    }
    return out;
}

} // namespace

std::variant<Comparison, std::string> compareProject(
    const Project& project, std::size_t scenario, const std::vector<std::string>& specs, const Progress& progress)
{
    if (scenario >= project.scenarios.size())
        return "scenario " + std::to_string(scenario) + ": the project has " + std::to_string(project.scenarios.size())
            + " scenarios";
    const Scenario& sc = project.scenarios[scenario];
    auto parsed = parseAll(project.platform, specs);
    if (auto* err = std::get_if<std::string>(&parsed))
        return *err;
    const auto& variants = std::get<std::vector<PlatformVariant>>(parsed);
    std::vector<Platform> platforms;
    for (std::size_t i = 0; i < variants.size(); ++i) {
        auto pf = placedVariant(project.platform, variants[i], i == 0 ? std::string() : specs[i - 1]);
        if (auto* err = std::get_if<std::string>(&pf))
            return *err;
        platforms.push_back(std::move(std::get<Platform>(pf)));
    }
    Comparison c;
    c.subject = "scenario " + sc.name;
    c.steps = sc.steps.size();
    const std::uint64_t total = c.steps * variants.size();
    for (std::size_t i = 0; i < variants.size(); ++i) {
        auto run = runOne(platforms[i], sc, c.steps * i, total, progress);
        if (auto* err = std::get_if<std::string>(&run))
            return (i == 0 ? std::string("the project: ") : "--variant " + specs[i - 1] + ": ") + *err;
        auto sim = std::get<std::shared_ptr<const Simulation>>(run);
        if (!sim) {
            c.cancelled = true;
            return c;
        }
        VariantFigures f = figuresOf(*sim);
        f.spec = i == 0 ? std::string() : specs[i - 1];
        f.description =
            i == 0 ? std::string("base (the project as it is)") : describeVariant(project.platform, variants[i]);
        if (i > 0)
            findDifferences(*c.simulations.front(), *sim, f);
        c.variants.push_back(std::move(f));
        c.simulations.push_back(std::move(sim));
    }
    return c;
}

} // namespace cmascope
