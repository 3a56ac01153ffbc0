// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli plan PROJECT [--scenario N|NAME]... [--keep REGION]... [--keep-fixed] [-o PLANNED.json]
//                           [--report PLAN.json]
// The smallest size of every region such that every chosen scenario succeeds, and where they go (docs/planner.md).
#include "common.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/planner.h>

#include <QCommandLineParser>
#include <QElapsedTimer>

#include <iostream>
#include <optional>

namespace cmascope::cli {

namespace {
/// The plan command line: its options and the parser that has read them.
struct PlanCommandLine
{
    CommandParser parser;
    const QCommandLineOption scenario { QStringLiteral("scenario"),
        QStringLiteral("Plan for this scenario (number, 0-based, or name); repeat for several use cases. Default: "
                       "every scenario of the project."),
        QStringLiteral("N|NAME") };
    const QCommandLineOption keep { QStringLiteral("keep"),
        QStringLiteral("Keep the size of this region (repeatable). Size-0 regions and carve-outs always keep "
                       "theirs."),
        QStringLiteral("REGION") };
    const QCommandLineOption keepFixed { QStringLiteral("keep-fixed"),
        QStringLiteral("Keep the size of every fixed region (by default they are resized at their start).") };
    const QCommandLineOption output = outputOption(
        QStringLiteral("the planned project (the project with the planned sizes)"), QStringLiteral("PLANNED.json"));
    const QCommandLineOption json = jsonOption(QStringLiteral("the plan (the --report JSON)"));
    const QCommandLineOption quiet = quietOption(QStringLiteral("one line: the total planned, or why no plan exists"));
    const QCommandLineOption report { QStringLiteral("report"),
        QStringLiteral("Write the plan as JSON: per region name, size_bytes, start, granule_bytes, "
                       "ranges (an area placed in several ranges), binding_scenario, binding_step."),
        QStringLiteral("PLAN.json") };

    explicit PlanCommandLine(const QStringList& args)
    {
        beginCommand(parser, "plan",
            QStringLiteral("Find the smallest size of every region (in steps the kernel can reserve) such that every "
                           "chosen scenario runs without a failed request, and place the regions in the banks like "
                           "the kernel does at boot. Each region is minimal given the others: one granule less fails "
                           "the scenario and step printed as its binding constraint. Exit status 0 when a plan "
                           "exists, 1 when none can (and why), 2 on bad input."));
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file (JSON)."));
        parser.addOptions({ scenario, keep, keepFixed, output, report, json, quiet });
        parser.process(args);
    }
};

/// The scenarios --scenario names (numbers or names), as indexes; nullopt (with the message printed) when the
/// project has no such scenario.
std::optional<std::vector<std::size_t>> chooseScenarios(
    const PlanCommandLine& cl, const Project& project, const std::string& path)
{
    std::vector<std::size_t> chosen;
    for (const QString& value : cl.parser.values(cl.scenario)) {
        const auto which = findScenario(project, value, path);
        if (!which)
            return std::nullopt;
        chosen.push_back(*which);
    }
    return chosen;
}

/// Before -> after per region, where it goes, and its binding constraint.
void printPlan(const Project& project, const PlanResult& plan, qint64 ms)
{
    std::cout << "plan for '" << project.platform.name << "': " << plan.scenarios.size() << " scenario(s)";
    for (std::size_t i = 0; i < plan.scenarios.size(); ++i)
        std::cout << (i ? ", '" : " ('") << project.scenarios[plan.scenarios[i]].name << "'";
    std::cout << "), " << plan.rounds << " round(s), " << plan.runs << " runs, " << ms << " ms\n";
    for (const PlannedRegion& p : plan.regions) {
        std::cout << "  " << p.name << ": " << sizeText(p.sizeBefore) << " -> " << sizeText(p.size);
        if (p.start)
            std::cout << " at " << hexText(*p.start);
        if (!p.ranges.empty())
            std::cout << " in " << p.ranges.size() << " ranges";
        if (p.dmaLimit)
            std::cout << " below " << hexText(*p.dmaLimit) << " (DMA limit of " << p.dmaDevice << ")";
        std::cout << " [" << planRoleName(p.role) << "]\n      " << p.binding << '\n';
    }
    for (const std::string& line : plan.placementLog)
        std::cout << "boot: " << line << '\n';
}

/// --quiet: one line, the regions' total before and after.
void printPlanTotal(const PlanResult& plan)
{
    std::uint64_t before = 0, after = 0;
    for (const PlannedRegion& p : plan.regions) {
        before += p.sizeBefore;
        after += p.size;
    }
    std::cout << "plan: " << plan.regions.size() << " regions, " << sizeText(before) << " -> " << sizeText(after)
              << '\n';
}

/// Writes the planned project and the report asked for; false (with the message) when one cannot be written.
bool writeOutputs(const PlanCommandLine& cl, const Project& project, const PlanResult& plan)
{
    if (cl.parser.isSet(cl.report)) {
        const std::string path = cl.parser.value(cl.report).toStdString();
        if (auto err = writeFileAtomically(path, planReportJson(project, plan))) {
            std::cerr << "cmascope-cli plan: --report " << path << ": " << *err << '\n';
            return false;
        }
    }
    if (plan.ok && cl.parser.isSet(cl.output)) {
        Project planned = project;
        planned.platform = withPlannedSizes(project.platform, plan);
        const std::string path = cl.parser.value(cl.output).toStdString();
        if (auto err = saveProjectFile(path, planned)) {
            std::cerr << "cmascope-cli plan: -o " << path << ": " << *err << '\n';
            return false;
        }
    }
    return true;
}
} // namespace

int runPlan(const QStringList& args)
{
    const PlanCommandLine cl(args);
    const auto operand = singleOperand(cl.parser, "plan", "PROJECT file");
    if (!operand)
        return kExitUsage;
    const std::string& path = *operand;
    const auto loaded = loadProject(path);
    if (!loaded)
        return kExitUsage;
    const Project& project = *loaded;
    PlannerOptions options;
    const auto chosen = chooseScenarios(cl, project, path);
    if (!chosen)
        return kExitUsage;
    options.scenarios = *chosen;
    for (const QString& name : cl.parser.values(cl.keep))
        options.keepSizes.push_back(name.toStdString());
    options.resizeFixed = !cl.parser.isSet(cl.keepFixed);
    TerminalProgress progress("plan", cl.parser.isSet(cl.quiet));
    options.progress = progress.progress();
    QElapsedTimer timer;
    timer.start();
    const PlanResult plan = planRegions(project, options);
    const qint64 ms = timer.elapsed();
    progress.done();
    if (plan.badInput) {
        std::cerr << path << ": " << plan.reason << '\n';
        return kExitUsage;
    }
    if (!writeOutputs(cl, project, plan))
        return kExitUsage;
    if (cl.parser.isSet(cl.json))
        std::cout << planReportJson(project, plan);
    else if (!plan.ok)
        std::cout << "no plan: " << plan.reason << '\n';
    else if (cl.parser.isSet(cl.quiet))
        printPlanTotal(plan);
    else
        printPlan(project, plan, ms);
    return plan.ok ? kExitOk : kExitProblems;
}

} // namespace cmascope::cli
