// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli simulate PROJECT
#include "common.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/plan/wouldfit.h>
#include <cmascope/sim/simulator.h>

#include <QCommandLineParser>

#include <cstdio>
#include <iostream>

namespace cmascope::cli {

int runSimulate(const QStringList& args)
{
    QCommandLineParser parser;
    beginCommand(parser, "simulate",
        QStringLiteral("Place the regions of a project like the kernel does at boot, run one of its scenarios and "
                       "print every step. Failed requests are explained: map rules, regions tried, and why each "
                       "refused. With --would-fit, each failed request also gets what would have fit: the history "
                       "up to it re-run with every other policy on the regions it tried, and the smallest size of "
                       "the first region it tried that serves it."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file (JSON)."));
    const QCommandLineOption scenarioOpt(QStringLiteral("scenario"),
        QStringLiteral("Scenario number (0-based) or name; default 0."), QStringLiteral("N"));
    const QCommandLineOption quietOpt(QStringLiteral("quiet"), QStringLiteral("Print only failures and the summary."));
    const QCommandLineOption strictOpt(
        QStringLiteral("strict"), QStringLiteral("Exit with status 1 if any request failed (for CI)."));
    const QCommandLineOption wouldFitOpt(QStringLiteral("would-fit"),
        QStringLiteral("For each failed request, also print what would have fit: the other policies that serve it "
                       "and the smallest size of the first region tried (re-runs the history up to the request a few "
                       "dozen times: slow for long scenarios)."));
    parser.addOptions({ scenarioOpt, quietOpt, strictOpt, wouldFitOpt });
    parser.process(args);
    if (operands(parser).size() != 1) {
        std::cerr << "cmascope-cli simulate: expected exactly one PROJECT file\n";
        return kExitUsage;
    }
    const std::string path = operands(parser).first().toStdString();
    auto loaded = cmascope::loadProjectFile(path);
    for (const auto& m : loaded.messages)
        std::cerr << m.toString() << '\n';
    if (!loaded.ok())
        return kExitUsage;
    auto& project = *loaded.project;
    if (project.scenarios.empty()) {
        std::cerr << path << ": the project has no scenario to simulate\n";
        return kExitUsage;
    }
    std::size_t which = 0;
    if (parser.isSet(scenarioOpt)) {
        const QString value = parser.value(scenarioOpt);
        bool isNumber = false;
        which = value.toULongLong(&isNumber);
        if (!isNumber) {
            which = project.scenarios.size();
            for (std::size_t i = 0; i < project.scenarios.size(); ++i)
                if (project.scenarios[i].name == value.toStdString())
                    which = i;
        }
        if (which >= project.scenarios.size()) {
            std::cerr << path << ": no scenario '" << value.toStdString() << "' (the project has "
                      << project.scenarios.size() << ")\n";
            return kExitUsage;
        }
    }
    cmascope::Platform placed = project.platform;
    const auto placement = cmascope::placeRegions(placed);
    for (const auto& line : placement.log)
        std::cout << "boot: " << line << '\n';
    auto created = cmascope::Simulation::create(placed, project.scenarios[which]);
    if (auto* err = std::get_if<std::string>(&created)) {
        std::cerr << path << ": " << *err << '\n';
        return kExitUsage;
    }
    auto& sim = std::get<cmascope::Simulation>(created);
    sim.run();
    const auto& sc = sim.scenario();
    const bool quiet = parser.isSet(quietOpt);
    for (std::size_t i = 0; i < sim.stepCount(); ++i) {
        const auto& rec = sim.records()[i];
        const auto& step = sc.steps[i];
        const bool failed = rec.outcome == cmascope::Outcome::Failed;
        if (quiet && !failed)
            continue;
        std::cout << "step " << i << ": ";
        if (step.type == cmascope::StepType::Phase) {
            std::cout << "== " << sc.symbols.name(step.label) << " ==\n";
            continue;
        }
        std::cout << cmascope::stepTypeName(step.type);
        if (step.type == cmascope::StepType::Allocate)
            std::cout << ' ' << sc.symbols.name(step.device)
                      << (step.kind ? "/" + std::string(sc.symbols.name(step.kind)) : std::string()) << ' '
                      << sizeText(step.size);
        if (step.label && step.type != cmascope::StepType::Phase)
            std::cout << " '" << sc.symbols.name(step.label) << "'";
        std::cout << " -> " << cmascope::outcomeName(rec.outcome);
        if (rec.region != cmascope::kNoRegion && rec.outcome == cmascope::Outcome::Allocated) {
            const auto& rt = placed.regions[rec.region];
            const std::uint64_t base = rt.placedBase.value_or(rt.start) + std::uint64_t(rec.offset) * rt.pageSize;
            std::cout << " in " << rt.name << " at " << hexText(base) << " (" << rec.pages << " pages)";
        }
        std::cout << '\n';
        if (failed) {
            const auto dg = sim.diagnose(i);
            std::cout << "    " << dg.summary << '\n';
            std::cout << "    map: " << dg.mapSummary << '\n';
            for (const auto& a : dg.attempts)
                std::cout << "    " << a.region << ": " << a.verdict << '\n';
            if (parser.isSet(wouldFitOpt)) {
                const auto fit = cmascope::whatWouldHaveFit(placed, sc, i);
                std::cout << "    would fit: " << (fit.error.empty() ? fit.summary : fit.error) << '\n';
                for (const auto& row : fit.policies)
                    std::cout << "    policy " << row.text << '\n';
            }
        }
    }
    const auto summary = sim.summary();
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
    return parser.isSet(strictOpt) && summary.failures ? kExitProblems : kExitOk;
}

} // namespace cmascope::cli
