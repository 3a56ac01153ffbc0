// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli info PROJECT [--json] [-o FILE] [--quiet]
#include "common.h"

#include <cmascope/model/project.h>

#include <nlohmann/json.hpp>

#include <iostream>

namespace cmascope::cli {

namespace {
/// The summary as JSON: the platform's name, banks and regions, the counts of devices, kinds and rules, and each
/// scenario with its number of steps.
std::string infoJson(const Project& project, const std::string& path)
{
    const Platform& pf = project.platform;
    nlohmann::ordered_json j;
    j["file"] = path;
    j["platform"] = pf.name;
    j["banks"] = nlohmann::ordered_json::array();
    for (const auto& b : pf.banks)
        j["banks"].push_back(
            { { "name", b.name }, { "base", b.base }, { "size_bytes", b.size }, { "numa_node", b.numaNode } });
    j["regions"] = nlohmann::ordered_json::array();
    for (const auto& r : pf.regions) {
        nlohmann::ordered_json region { { "name", r.name }, { "size_bytes", r.size },
            { "placement", r.placement == Placement::Fixed ? "fixed" : "dynamic" }, { "policy", policyId(r.policy) },
            { "max_ranges", r.maxRanges } };
        if (r.placement == Placement::Fixed)
            region["start"] = r.start;
        j["regions"].push_back(std::move(region));
    }
    j["devices"] = pf.devices.size();
    j["kinds"] = pf.kinds.size();
    j["rules"] = pf.rules.size();
    j["scenarios"] = nlohmann::ordered_json::array();
    for (const auto& s : project.scenarios)
        j["scenarios"].push_back({ { "name", s.name }, { "steps", s.steps.size() } });
    return j.dump(2) + '\n';
}

void printInfo(const Project& project, bool quiet)
{
    const auto& pf = project.platform;
    std::cout << "platform: " << pf.name << '\n';
    std::cout << "banks: " << pf.banks.size() << '\n';
    if (!quiet)
        for (const auto& b : pf.banks)
            std::cout << "  " << b.name << " " << hexText(b.base) << " " << sizeText(b.size) << " node " << b.numaNode
                      << '\n';
    std::cout << "regions: " << pf.regions.size() << '\n';
    if (!quiet)
        for (const auto& r : pf.regions) {
            std::cout << "  " << r.name << " " << sizeText(r.size) << " "
                      << (r.placement == Placement::Fixed ? "at " + hexText(r.start) : std::string("dynamic"))
                      << " policy " << policyId(r.policy)
                      << (r.maxRanges > 1 ? " up to " + std::to_string(r.maxRanges) + " ranges" : std::string())
                      << '\n';
        }
    std::cout << "devices: " << pf.devices.size() << '\n';
    std::cout << "kinds: " << pf.kinds.size() << '\n';
    std::cout << "rules: " << pf.rules.size() << '\n';
    std::cout << "scenarios: " << project.scenarios.size() << '\n';
    if (!quiet)
        for (const auto& s : project.scenarios)
            std::cout << "  " << s.name << ": " << s.steps.size() << " steps\n";
}
} // namespace

int runInfo(const QStringList& args)
{
    CommandParser parser;
    beginCommand(parser, "info",
        QStringLiteral("Summarise a cmascope project file: its banks, regions, devices, kinds, map rules and "
                       "scenarios. Exit status 0, or 2 when the file cannot be read as a project."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file (JSON)."));
    const QCommandLineOption output = outputOption(QStringLiteral("the summary"));
    const QCommandLineOption json = jsonOption(QStringLiteral("the summary"));
    const QCommandLineOption quiet = quietOption(QStringLiteral("the counts, not the banks, regions and scenarios"));
    parser.addOptions({ output, json, quiet });
    parser.process(args);
    const auto operand = singleOperand(parser, "info", "PROJECT file");
    if (!operand)
        return kExitUsage;
    const auto project = loadProject(*operand);
    if (!project)
        return kExitUsage;
    StandardOutput out(parser.value(output).toStdString());
    if (parser.isSet(json))
        std::cout << infoJson(*project, *operand);
    else
        printInfo(*project, parser.isSet(quiet));
    return out.commit("info") ? kExitOk : kExitUsage;
}

} // namespace cmascope::cli
