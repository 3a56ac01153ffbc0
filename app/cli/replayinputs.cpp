// SPDX-License-Identifier: GPL-2.0-or-later
#include "replayinputs.h"

#include "common.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/kernelsemantics.h>

#include <fstream>
#include <iostream>
#include <sstream>

namespace cmascope::cli {

namespace {

bool readDebugfs(const QStringList& dirs, const char* command, ReplayInputs& inputs)
{
    for (const QString& dir : dirs) {
        auto read = readDebugfsAreas(dir.toStdString());
        if (!read.error.empty()) {
            std::cerr << "cmascope-cli " << command << ": --debugfs: " << read.error << '\n';
            return false;
        }
        for (std::size_t i = 0; i < read.snapshots.size(); ++i) {
            inputs.debugfs.push_back(std::move(read.snapshots[i]));
            inputs.debugfsOrigins.push_back(read.origins[i]);
        }
    }
    return true;
}

} // namespace

bool readAreaSpecOptions(const QStringList& specs, const char* command, ReplayInputs& inputs)
{
    for (const QString& spec : specs) {
        auto parsed = parseAreaSpec(spec.toStdString());
        if (auto* err = std::get_if<std::string>(&parsed)) {
            std::cerr << "cmascope-cli " << command << ": " << *err << '\n';
            return false;
        }
        inputs.areaSpecs.push_back(std::get<AreaSpec>(parsed));
    }
    return true;
}

bool readBootLogOption(const std::string& path, const char* command, ReplayInputs& inputs)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "cmascope-cli " << command << ": --dmesg " << path << ": cannot open\n";
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    inputs.bootLog = parseBootLog(text.str());
    inputs.bootLogRelease = bootLogKernelRelease(text.str());
    inputs.bootLogOrigin = path;
    return true;
}

namespace {

/// --kernel and --event-formats: the kernel rules given, and evidence of them.
bool readKernelOptions(
    const QCommandLineParser& parser, const ReplayInputOptions& o, const char* command, ReplayInputs& inputs)
{
    if (parser.isSet(o.kernel)) {
        const std::string text = parser.value(o.kernel).toStdString();
        inputs.kernel = parseKernelSemantics(text);
        if (!inputs.kernel) {
            std::cerr << "cmascope-cli " << command << ": --kernel " << text
                      << ": not a kernel version (6.1, 6.12, 6.15, 6.18 or a release such as 6.16.3)\n";
            return false;
        }
    }
    if (parser.isSet(o.eventFormats)) {
        const std::string path = parser.value(o.eventFormats).toStdString();
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::cerr << "cmascope-cli " << command << ": --event-formats " << path << ": cannot open\n";
            return false;
        }
        std::ostringstream text;
        text << in.rdbuf();
        inputs.eventFormats = text.str();
    }
    return true;
}

} // namespace

bool ReplayInputOptions::read(const QCommandLineParser& parser, const char* command, ReplayInputs& inputs,
    std::optional<Platform>& platform) const
{
    if (!readAreaSpecOptions(parser.values(area), command, inputs)
        || !readDebugfs(parser.values(debugfs), command, inputs))
        return false;
    if (parser.isSet(dmesg) && !readBootLogOption(parser.value(dmesg).toStdString(), command, inputs))
        return false;
    if (!readKernelOptions(parser, *this, command, inputs))
        return false;
    if (parser.isSet(project)) {
        const std::string path = parser.value(project).toStdString();
        const auto loaded = loadProjectFile(path);
        for (const auto& m : loaded.messages)
            std::cerr << path << ": " << m.toString() << '\n';
        if (!loaded.ok())
            return false;
        platform = loaded.project->platform;
        placeRegions(*platform);
        inputs.project = &*platform;
        inputs.pageSize = platform->pageSize;
    }
    return true;
}

} // namespace cmascope::cli
