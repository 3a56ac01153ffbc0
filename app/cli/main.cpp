// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli: the headless command-line tool, for scripts, CI and batch work.
// Exit codes: 0 success, 1 the command ran but found problems, 2 unusable input or usage error.
#include <cmascope/project.h>
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

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cmascope-cli"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(cmascope::kVersion));

    QStringList args = QCoreApplication::arguments();
    const QString command = args.size() > 1 ? args.at(1) : QString();
    if (command == QLatin1String("info")) {
        args.removeAt(1);
        args[0] += QStringLiteral(" info");
        return runInfo(args);
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
