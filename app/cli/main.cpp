// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli: the headless command-line tool, for scripts, CI and batch work.
// Exit codes: 0 success, 1 the command ran but found problems, 2 unusable input or usage error.
#include <cmascope/placement.h>
#include <cmascope/project.h>
#include <cmascope/simulator.h>
#include <cmascope/version.h>

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>
#include <iostream>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;

const char* const kCommandsHelp = "Commands:\n"
                                  "  info PROJECT     Summarise a project file: banks, regions, devices, scenarios.\n"
                                  "  simulate PROJECT Run a scenario step by step; explain every failed request.\n"
                                  "\n"
                                  "Run 'cmascope-cli COMMAND --help' for the options of a command.\n";

std::string hex(std::uint64_t v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

int runInfo(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Summarise a cmascope project file."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file (JSON)."));
    parser.process(args);
    if (parser.positionalArguments().size() != 1) {
        std::cerr << "cmascope-cli info: expected exactly one PROJECT file\n";
        return kExitUsage;
    }
    const auto result = cmascope::loadProjectFile(parser.positionalArguments().first().toStdString());
    for (const auto& m : result.messages)
        std::cerr << m.toString() << '\n';
    if (!result.ok())
        return kExitUsage;
    const auto& pf = result.project->platform;
    std::cout << "platform: " << pf.name << '\n';
    std::cout << "banks: " << pf.banks.size() << '\n';
    for (const auto& b : pf.banks)
        std::cout << "  " << b.name << " " << hex(b.base) << "+" << hex(b.size) << " node " << b.numaNode << '\n';
    std::cout << "regions: " << pf.regions.size() << '\n';
    for (const auto& r : pf.regions) {
        std::cout << "  " << r.name << " " << (r.size / 1024) << " KiB "
                  << (r.placement == cmascope::Placement::Fixed ? "at " + hex(r.start) : std::string("dynamic"))
                  << " policy " << cmascope::policyId(r.policy) << '\n';
    }
    std::cout << "devices: " << pf.devices.size() << '\n';
    std::cout << "kinds: " << pf.kinds.size() << '\n';
    std::cout << "rules: " << pf.rules.size() << '\n';
    std::cout << "scenarios: " << result.project->scenarios.size() << '\n';
    for (const auto& s : result.project->scenarios)
        std::cout << "  " << s.name << ": " << s.steps.size() << " steps\n";
    return kExitOk;
}

std::string sizeText(std::uint64_t bytes)
{
    char buf[48];
    if (bytes % cmascope::MiB == 0)
        std::snprintf(buf, sizeof buf, "%llu MiB", static_cast<unsigned long long>(bytes / cmascope::MiB));
    else if (bytes % cmascope::KiB == 0)
        std::snprintf(buf, sizeof buf, "%llu KiB", static_cast<unsigned long long>(bytes / cmascope::KiB));
    else
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    return buf;
}

int runSimulate(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Place the regions of a project like the kernel does at boot, run one of its scenarios and print every "
        "step. Failed requests are explained: map rules, regions tried, and why each refused."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file (JSON)."));
    const QCommandLineOption scenarioOpt(
        QStringLiteral("scenario"), QStringLiteral("Scenario number (0-based) or name; default 0."), QStringLiteral("N"));
    const QCommandLineOption quietOpt(QStringLiteral("quiet"), QStringLiteral("Print only failures and the summary."));
    const QCommandLineOption strictOpt(
        QStringLiteral("strict"), QStringLiteral("Exit with status 1 if any request failed (for CI)."));
    parser.addOptions({ scenarioOpt, quietOpt, strictOpt });
    parser.process(args);
    if (parser.positionalArguments().size() != 1) {
        std::cerr << "cmascope-cli simulate: expected exactly one PROJECT file\n";
        return kExitUsage;
    }
    const std::string path = parser.positionalArguments().first().toStdString();
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
            const std::uint64_t base = *rt.placedBase + std::uint64_t(rec.offset) * rt.pageSize;
            std::cout << " in " << rt.name << " at " << hex(base) << " (" << rec.pages << " pages)";
        }
        std::cout << '\n';
        if (failed) {
            const auto dg = sim.diagnose(i);
            std::cout << "    " << dg.summary << '\n';
            std::cout << "    map: " << dg.mapSummary << '\n';
            for (const auto& a : dg.attempts)
                std::cout << "    " << a.region << ": " << a.verdict << '\n';
        }
    }
    const auto summary = sim.summary();
    std::cout << "summary: " << summary.steps << " steps, " << summary.allocations << " requests, "
              << summary.failures << " failed, " << summary.fallbacks << " served by the system allocator, "
              << summary.frees << " frees\n";
    for (std::size_t r = 0; r < summary.regions.size(); ++r) {
        const auto& pr = summary.regions[r];
        const auto& region = placed.regions[r];
        if (region.size == 0)
            continue;
        char jw[32];
        std::snprintf(jw, sizeof jw, "%.1f%%", pr.jwFragmentation4 * 100.0);
        std::cout << "  " << region.name << ": peak used " << sizeText(pr.peakUsedPages * region.pageSize)
                  << " of " << sizeText(region.size) << ", peak live " << sizeText(pr.peakLiveBytes)
                  << ", Johnstone-Wilson fragmentation #4 " << jw << '\n';
    }
    return parser.isSet(strictOpt) && summary.failures ? 1 : kExitOk;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cmascope-cli"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(cmascope::kVersion));

    QStringList args = QCoreApplication::arguments();
    const QString command = args.size() > 1 ? args.at(1) : QString();
    if (command == QLatin1String("info") || command == QLatin1String("simulate")) {
        args.removeAt(1);
        args[0] += QLatin1Char(' ') + command;
        return command == QLatin1String("info") ? runInfo(args) : runSimulate(args);
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Plan, replay and explain Linux contiguous memory (CMA) regions.\n\n")
        + QString::fromLatin1(kCommandsHelp));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("The command to run (see Commands)."),
        QStringLiteral("COMMAND [ARGS...]"));
    if (!parser.parse(args)) {
        std::cerr << "cmascope-cli: " << parser.errorText().toStdString() << '\n';
        return kExitUsage;
    }
    if (parser.isSet(version)) {
        std::cout << "cmascope-cli " << cmascope::kVersion << '\n';
        return kExitOk;
    }
    if (parser.isSet(help)) {
        std::cout << parser.helpText().toStdString();
        return kExitOk;
    }
    if (command.isEmpty()) {
        std::cerr << parser.helpText().toStdString();
        return kExitUsage;
    }
    std::cerr << "cmascope-cli: unknown command '" << command.toStdString() << "'\n\n" << kCommandsHelp;
    return kExitUsage;
}
