// SPDX-License-Identifier: GPL-2.0-or-later
#include "replayinputs.h"

#include "common.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/trace/bootlog.h>

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
    inputs.bootLogOrigin = path;
    return true;
}

bool ReplayInputOptions::read(const QCommandLineParser& parser, const char* command, ReplayInputs& inputs,
    std::optional<Platform>& platform) const
{
    if (!readAreaSpecOptions(parser.values(area), command, inputs)
        || !readDebugfs(parser.values(debugfs), command, inputs))
        return false;
    if (parser.isSet(dmesg) && !readBootLogOption(parser.value(dmesg).toStdString(), command, inputs))
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
