// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli info PROJECT
#include "common.h"

#include <cmascope/model/project.h>

#include <QCommandLineParser>

#include <iostream>

namespace cmascope::cli {

int runInfo(const QStringList& args)
{
    QCommandLineParser parser;
    beginCommand(parser, "info", QStringLiteral("Summarise a cmascope project file."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file (JSON)."));
    parser.process(args);
    const auto operand = singleOperand(parser, "info", "PROJECT file");
    if (!operand)
        return kExitUsage;
    const auto result = cmascope::loadProjectFile(*operand);
    for (const auto& m : result.messages)
        std::cerr << m.toString() << '\n';
    if (!result.ok())
        return kExitUsage;
    const auto& pf = result.project->platform;
    std::cout << "platform: " << pf.name << '\n';
    std::cout << "banks: " << pf.banks.size() << '\n';
    for (const auto& b : pf.banks)
        std::cout << "  " << b.name << " " << hexText(b.base) << " " << sizeText(b.size) << " node " << b.numaNode
                  << '\n';
    std::cout << "regions: " << pf.regions.size() << '\n';
    for (const auto& r : pf.regions) {
        std::cout << "  " << r.name << " " << sizeText(r.size) << " "
                  << (r.placement == cmascope::Placement::Fixed ? "at " + hexText(r.start) : std::string("dynamic"))
                  << " policy " << cmascope::policyId(r.policy)
                  << (r.maxRanges > 1 ? " up to " + std::to_string(r.maxRanges) + " ranges" : std::string()) << '\n';
    }
    std::cout << "devices: " << pf.devices.size() << '\n';
    std::cout << "kinds: " << pf.kinds.size() << '\n';
    std::cout << "rules: " << pf.rules.size() << '\n';
    std::cout << "scenarios: " << result.project->scenarios.size() << '\n';
    for (const auto& s : result.project->scenarios)
        std::cout << "  " << s.name << ": " << s.steps.size() << " steps\n";
    return kExitOk;
}

} // namespace cmascope::cli
