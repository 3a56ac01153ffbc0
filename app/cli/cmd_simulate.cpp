// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli simulate PROJECT
#include "common.h"

#include <cmascope/model/project.h>
#include <cmascope/model/scenariotext.h>
#include <cmascope/model/workload.h>
#include <cmascope/plan/placement.h>
#include <cmascope/plan/wouldfit.h>
#include <cmascope/sim/narration.h>
#include <cmascope/sim/simulator.h>

#include <QCommandLineParser>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace cmascope::cli {

namespace {
/// The simulate command line: its options and the parser that has read them.
struct SimulateCommandLine
{
    CommandParser parser;
    const QCommandLineOption scenario { QStringLiteral("scenario"),
        QStringLiteral("Scenario number (0-based) or name; default 0."), QStringLiteral("N") };
    const QCommandLineOption scenarioFile { QStringLiteral("scenario-file"),
        QStringLiteral("Run the scenarios of this text file (docs/scenario-text.md: one step per line, e.g. "
                       "'alloc mfc/a 6M align=128K as hd0') instead of the project's."),
        QStringLiteral("STEPS.txt") };
    const QCommandLineOption workload { QStringLiteral("workload"),
        QStringLiteral("Run the scenario generated from this workload spec (docs/workload.md) instead of the "
                       "project's."),
        QStringLiteral("SPEC.json") };
    const QCommandLineOption seed { QStringLiteral("seed"),
        QStringLiteral("With --workload: generate with this seed instead of the spec's."), QStringLiteral("N") };
    const QCommandLineOption quiet = quietOption(QStringLiteral("the failed steps and the summary"));
    const QCommandLineOption output = outputOption(QStringLiteral("the steps and the summary"));
    const QCommandLineOption json = jsonOption(
        QStringLiteral("the run (the boot log, every failed request with its explanation, the summary per region)"));
    const QCommandLineOption strict { QStringLiteral("strict"),
        QStringLiteral("Exit with status 1 if any request failed (for CI).") };
    const QCommandLineOption wouldFit { QStringLiteral("would-fit"),
        QStringLiteral("For each failed request, also print what would have fit: the other policies that serve it "
                       "and the smallest size of the first region tried (re-runs the history up to the request a few "
                       "dozen times: slow for long scenarios).") };

    const QCommandLineOption narrate { QStringLiteral("narrate"),
        QStringLiteral("After every step, narrate it in plain sentences (docs/teaching.md#narration): the map rule, "
                       "the hole the policy chose and why, what a free merged with, the change in free space.") };

    explicit SimulateCommandLine(const QStringList& args)
    {
        beginCommand(parser, "simulate",
            QStringLiteral("Place the regions of a project like the kernel does at boot, run one of its scenarios and "
                           "print every step. Failed requests are explained: map rules, regions tried, and why each "
                           "refused. With --would-fit, each failed request also gets what would have fit: the "
                           "history up to it re-run with every other policy on the regions it tried, and the "
                           "smallest size of the first region it tried that serves it."));
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file (JSON)."));
        parser.addOptions({ scenario, scenarioFile, workload, seed, output, json, quiet, strict, wouldFit, narrate });
        parser.process(args);
    }
};

/// The scenarios of the --scenario-file text, read against the placed platform (its region names and
/// addresses); nullopt (with every error printed as FILE:LINE:COLUMN) when the file cannot be used.
std::optional<std::vector<Scenario>> readScenarioFile(const std::string& file, const Platform& placed)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::cerr << file << ": cannot open\n";
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = parseScenarioText(text.str(), { &placed });
    if (!parsed.ok()) {
        std::cerr << parsed.errorText(file);
        return std::nullopt;
    }
    if (parsed.scenarios.empty()) {
        std::cerr << file << ": no steps\n";
        return std::nullopt;
    }
    return std::move(parsed.scenarios);
}

/// The scenario generated from the --workload spec (with the --seed, if given) for @p platform; nullopt (with
/// every error printed, naming the file and the field) when the spec cannot be used.
std::optional<Scenario> generateFromSpec(const SimulateCommandLine& cl, const Platform& platform)
{
    const std::string file = cl.parser.value(cl.workload).toStdString();
    auto loaded = loadWorkloadFile(file);
    if (!loaded.ok()) {
        std::cerr << loaded.errorText();
        return std::nullopt;
    }
    if (cl.parser.isSet(cl.seed)) {
        bool ok = false;
        loaded.spec->seed = cl.parser.value(cl.seed).toULongLong(&ok);
        if (!ok) {
            std::cerr << "--seed: '" << cl.parser.value(cl.seed).toStdString()
                      << "' is not a number from 0 to 2^64 - 1\n";
            return std::nullopt;
        }
    }
    auto generated = generateWorkload(*loaded.spec, platform);
    if (!generated.ok()) {
        for (const auto& m : generated.errors)
            std::cerr << file << ": " << m.toString() << '\n';
        return std::nullopt;
    }
    return std::move(generated.scenario);
}

/// The scenario --scenario names (by number or name; default 0); nullopt (with the message printed)
/// when the project has no such scenario.
std::optional<std::size_t> chooseScenario(
    const SimulateCommandLine& cl, const Project& project, const std::string& path)
{
    if (!cl.parser.isSet(cl.scenario))
        return 0;
    return findScenario(project, cl.parser.value(cl.scenario), path);
}

/// Step @p i on one line: what was asked and what came of it (where it was placed).
void printStepLine(const Simulation& sim, const Platform& placed, std::size_t i)
{
    const auto& sc = sim.scenario();
    const auto& rec = sim.records()[i];
    const auto& step = sc.steps[i];
    std::cout << "step " << i << ": ";
    if (step.type == StepType::Phase) {
        std::cout << "== " << sc.symbols.name(step.label) << " ==\n";
        return;
    }
    std::cout << stepTypeName(step.type);
    if (step.type == StepType::Allocate || step.type == StepType::AllocateFromRegion)
        std::cout << ' ' << sc.symbols.name(step.device)
                  << (step.kind ? "/" + std::string(sc.symbols.name(step.kind)) : std::string()) << ' '
                  << sizeText(step.size);
    if (step.type == StepType::AllocateFromRegion && step.region < placed.regions.size())
        std::cout << " from region " << placed.regions[step.region].name;
    if (step.label && step.type != StepType::Phase)
        std::cout << " '" << sc.symbols.name(step.label) << "'";
    std::cout << " -> " << outcomeName(rec.outcome);
    if (rec.region != kNoRegion && rec.outcome == Outcome::Allocated) {
        const auto& rt = placed.regions[rec.region];
        const std::uint64_t base = rt.placedBase.value_or(rt.start) + std::uint64_t(rec.offset) * rt.pageSize;
        std::cout << " in " << rt.name << " at " << hexText(base) << " (" << rec.pages << " pages)";
    }
    std::cout << '\n';
}

/// Why failed step @p i failed: the map rules, each region tried and its verdict; with @p wouldFit,
/// also what would have fit.
void printFailure(const Simulation& sim, const Platform& placed, std::size_t i, bool wouldFit)
{
    const auto dg = sim.diagnose(i);
    std::cout << "    " << dg.summary << '\n';
    std::cout << "    map: " << dg.mapSummary << '\n';
    for (const auto& a : dg.attempts)
        std::cout << "    " << a.region << ": " << a.verdict << '\n';
    if (wouldFit) {
        const auto fit = whatWouldHaveFit(placed, sim.scenario(), i);
        std::cout << "    would fit: " << (fit.error.empty() ? fit.summary : fit.error) << '\n';
        for (const auto& row : fit.policies)
            std::cout << "    policy " << row.text << '\n';
    }
}

/// The narration of step @p i from @p before, the state before it, indented under its step line
/// (docs/teaching.md#narration).
void printNarration(const Simulation& sim, std::size_t i, const SimState& before)
{
    const auto n = cmascope::narrate(sim, i, before);
    std::cout << "    " << n.headline << '\n';
    for (const auto& line : n.lines)
        std::cout << "    " << line << '\n';
}

/// The run's totals and, per reserved region, its peak use and fragmentation.
void printSummary(const RunSummary& summary, const Platform& placed)
{
    std::cout << "summary: " << summary.steps << " steps, " << summary.allocations << " requests, " << summary.failures
              << " failed, " << summary.fallbacks << " served by the system allocator, " << summary.frees << " frees\n";
    for (std::size_t r = 0; r < summary.regions.size(); ++r) {
        const auto& pr = summary.regions[r];
        const auto& region = placed.regions[r];
        if (region.size == 0)
            continue;
        if (!region.placementFailure.empty()) {
            std::cout << "  " << region.name << ": not reserved at boot, never used\n";
            continue;
        }
        char jw[32];
        std::snprintf(jw, sizeof jw, "%.1f%%", pr.jwFragmentation4 * 100.0);
        std::cout << "  " << region.name << ": peak used " << sizeText(pr.peakUsedPages * region.pageSize) << " of "
                  << sizeText(region.size) << ", peak live " << sizeText(pr.peakLiveBytes)
                  << ", Johnstone-Wilson fragmentation #4 " << jw << '\n';
    }
}
/// Every step (or, with --quiet, the failed ones) with its explanation or narration.
void printSteps(const SimulateCommandLine& cl, Simulation& sim, const Platform& placed)
{
    const bool narrating = cl.parser.isSet(cl.narrate);
    SimState state = narrating ? sim.stateAt(0) : SimState {}; // the state before step i, when narrating
    for (std::size_t i = 0; i < sim.stepCount(); ++i) {
        if (narrating && i > 0)
            sim.advance(state, i);
        const bool failed = sim.records()[i].outcome == Outcome::Failed;
        if (cl.parser.isSet(cl.quiet) && !failed)
            continue;
        printStepLine(sim, placed, i);
        if (narrating)
            printNarration(sim, i, state);
        else if (failed && sim.scenario().steps[i].type != StepType::Phase)
            printFailure(sim, placed, i, cl.parser.isSet(cl.wouldFit));
        if (failed && narrating && cl.parser.isSet(cl.wouldFit))
            printFailure(sim, placed, i, true);
    }
}

/// --json: the boot log, every failed request (what was asked, the map, each region tried and its verdict) and
/// the summary with each reserved region's peak use.
std::string simulateJson(const Simulation& sim, const Platform& placed, const PlacementResult& placement,
    const RunSummary& summary, const std::string& path)
{
    nlohmann::ordered_json j;
    j["file"] = path;
    j["scenario"] = sim.scenario().name;
    j["boot"] = placement.log;
    j["steps"] = summary.steps;
    j["requests"] = summary.allocations;
    j["failed"] = summary.failures;
    j["fallbacks"] = summary.fallbacks;
    j["frees"] = summary.frees;
    j["failures"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < sim.stepCount(); ++i) {
        if (sim.records()[i].outcome != Outcome::Failed || sim.scenario().steps[i].type == StepType::Phase)
            continue;
        const auto dg = sim.diagnose(i);
        nlohmann::ordered_json attempts = nlohmann::ordered_json::array();
        for (const auto& a : dg.attempts)
            attempts.push_back({ { "region", a.region }, { "verdict", a.verdict } });
        j["failures"].push_back({ { "step", i }, { "size_bytes", sim.scenario().steps[i].size },
            { "summary", dg.summary }, { "map", dg.mapSummary }, { "attempts", std::move(attempts) } });
    }
    j["regions"] = nlohmann::ordered_json::array();
    for (std::size_t r = 0; r < summary.regions.size() && r < placed.regions.size(); ++r) {
        const auto& pr = summary.regions[r];
        const auto& region = placed.regions[r];
        j["regions"].push_back({ { "name", region.name }, { "size_bytes", region.size },
            { "reserved", region.size > 0 && region.placementFailure.empty() },
            { "peak_used_bytes", pr.peakUsedPages * region.pageSize }, { "peak_live_bytes", pr.peakLiveBytes },
            { "fragmentation_jw4", pr.jwFragmentation4 } });
    }
    return j.dump(2) + '\n';
}
} // namespace

int runSimulate(const QStringList& args)
{
    const SimulateCommandLine cl(args);
    const auto operand = singleOperand(cl.parser, "simulate", "PROJECT file");
    if (!operand)
        return kExitUsage;
    const std::string& path = *operand;
    auto loaded = loadProject(path);
    if (!loaded)
        return kExitUsage;
    auto& project = *loaded;
    Platform placed = project.platform;
    const auto placement = placeRegions(placed);
    if (cl.parser.isSet(cl.scenarioFile)) {
        auto fromFile = readScenarioFile(cl.parser.value(cl.scenarioFile).toStdString(), placed);
        if (!fromFile)
            return kExitUsage;
        project.scenarios = std::move(*fromFile);
    }
    if (cl.parser.isSet(cl.workload)) {
        auto generated = generateFromSpec(cl, placed);
        if (!generated)
            return kExitUsage;
        project.scenarios = { std::move(*generated) };
    }
    if (project.scenarios.empty()) {
        std::cerr << path << ": the project has no scenario to simulate\n";
        return kExitUsage;
    }
    const auto which = chooseScenario(cl, project, path);
    if (!which)
        return kExitUsage;
    auto created = Simulation::create(placed, project.scenarios[*which]);
    if (auto* err = std::get_if<std::string>(&created)) {
        std::cerr << path << ": " << *err << '\n';
        return kExitUsage;
    }
    auto& sim = std::get<Simulation>(created);
    sim.run();
    const auto summary = sim.summary();
    StandardOutput out(cl.parser.value(cl.output).toStdString());
    if (cl.parser.isSet(cl.json)) {
        std::cout << simulateJson(sim, placed, placement, summary, path);
    } else {
        for (const auto& line : placement.log)
            std::cout << "boot: " << line << '\n';
        printSteps(cl, sim, placed);
        printSummary(summary, placed);
    }
    if (!out.commit("simulate"))
        return kExitUsage;
    return cl.parser.isSet(cl.strict) && summary.failures ? kExitProblems : kExitOk;
}

} // namespace cmascope::cli
