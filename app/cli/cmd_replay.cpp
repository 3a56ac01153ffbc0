// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli replay TRACE [--dmesg FILE] [--debugfs DIR] [--project FILE]
//                           [--area NAME=BASE_PFN+PAGES[/ORDER_PER_BIT]]... [--until-marker TEXT]
//                           [--report FILE.json] [--what-if SPEC]
// The contract is issue 5's: exit 0 on success, 2 on unusable input (the error names file/line/field).
#include "common.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/report.h>
#include <cmascope/replay/tracewhatif.h>
#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/reader.h>

#include <QCommandLineParser>

#include <fstream>
#include <iostream>
#include <sstream>

namespace cmascope::cli {

int runReplay(const QStringList& args)
{
    QCommandLineParser parser;
    beginCommand(parser, "replay",
        QStringLiteral("Replay a kernel CMA trace (ftrace text, trace_pipe, trace-cmd report or trace.dat; gzip/zstd "
                       "allowed) with the kernel's bitmap algorithm: check every recorded placement, print the "
                       "areas' state, and optionally write a JSON report."));
    parser.addPositionalArgument(QStringLiteral("TRACE"), QStringLiteral("Trace file."));
    const QCommandLineOption dmesgOpt(
        QStringLiteral("dmesg"), QStringLiteral("Boot log with the CMA reservation lines."), QStringLiteral("FILE"));
    const QCommandLineOption debugfsOpt(QStringLiteral("debugfs"),
        QStringLiteral("A debugfs cma area directory (or a folder of them): geometry, and its bitmap as the state "
                       "when tracing started. May be repeated."),
        QStringLiteral("DIR"));
    const QCommandLineOption projectOpt(QStringLiteral("project"),
        QStringLiteral("Project file whose regions describe the areas."), QStringLiteral("FILE"));
    const QCommandLineOption areaOpt(QStringLiteral("area"),
        QStringLiteral("An area: NAME=BASE_PFN+PAGES[/ORDER_PER_BIT] (decimal or 0x hex). May be repeated."),
        QStringLiteral("SPEC"));
    const QCommandLineOption untilOpt(QStringLiteral("until-marker"),
        QStringLiteral("Stop right after the first marker line containing TEXT."), QStringLiteral("TEXT"));
    const QCommandLineOption reportOpt(
        QStringLiteral("report"), QStringLiteral("Write the JSON report to FILE."), QStringLiteral("FILE.json"));
    const QCommandLineOption whatIfOpt(QStringLiteral("what-if"),
        QStringLiteral("Re-run the requests under another policy/geometry, e.g. policy=bf,size=32M,order_per_bit=2 "
                       "(add area=NAME to change one area only)."),
        QStringLiteral("SPEC"));
    parser.addOptions({ dmesgOpt, debugfsOpt, projectOpt, areaOpt, untilOpt, reportOpt, whatIfOpt });
    parser.process(args);
    if (operands(parser).size() != 1) {
        std::cerr << "cmascope-cli replay: expected exactly one TRACE file\n";
        return kExitUsage;
    }
    const std::string tracePath = operands(parser).first().toStdString();

    ReplayInputs inputs;
    for (const QString& spec : parser.values(areaOpt)) {
        auto parsed = parseAreaSpec(spec.toStdString());
        if (auto* err = std::get_if<std::string>(&parsed)) {
            std::cerr << "cmascope-cli replay: " << *err << '\n';
            return kExitUsage;
        }
        inputs.areaSpecs.push_back(std::get<AreaSpec>(parsed));
    }
    std::optional<WhatIfSpec> whatIf;
    if (parser.isSet(whatIfOpt)) {
        auto parsed = parseWhatIfSpec(parser.value(whatIfOpt).toStdString());
        if (auto* err = std::get_if<std::string>(&parsed)) {
            std::cerr << "cmascope-cli replay: " << *err << '\n';
            return kExitUsage;
        }
        whatIf = std::get<WhatIfSpec>(parsed);
    }
    for (const QString& dir : parser.values(debugfsOpt)) {
        auto read = readDebugfsAreas(dir.toStdString());
        if (!read.error.empty()) {
            std::cerr << "cmascope-cli replay: --debugfs: " << read.error << '\n';
            return kExitUsage;
        }
        for (std::size_t i = 0; i < read.snapshots.size(); ++i) {
            inputs.debugfs.push_back(std::move(read.snapshots[i]));
            inputs.debugfsOrigins.push_back(read.origins[i]);
        }
    }
    if (parser.isSet(dmesgOpt)) {
        const std::string path = parser.value(dmesgOpt).toStdString();
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::cerr << "cmascope-cli replay: --dmesg " << path << ": cannot open\n";
            return kExitUsage;
        }
        std::ostringstream text;
        text << in.rdbuf();
        inputs.bootLog = parseBootLog(text.str());
        inputs.bootLogOrigin = path;
    }
    std::optional<Platform> platform;
    if (parser.isSet(projectOpt)) {
        const std::string path = parser.value(projectOpt).toStdString();
        auto loaded = loadProjectFile(path);
        for (const auto& m : loaded.messages)
            std::cerr << path << ": " << m.toString() << '\n';
        if (!loaded.ok())
            return kExitUsage;
        platform = loaded.project->platform;
        placeRegions(*platform);
        inputs.project = &*platform;
        inputs.pageSize = platform->pageSize;
    }

    ReplayOptions options;
    options.untilMarker = parser.value(untilOpt).toStdString();
    options.buildTimeline = whatIf.has_value();
    options.keepRequests = true;
    auto file = replayTraceFile(tracePath, inputs, options);
    if (file.status == ReadStatus::Failed) {
        std::cerr << "cmascope-cli replay: " << file.error << '\n';
        return kExitUsage;
    }
    const ReplayResult& r = file.result;
    if (!r.error.empty()) {
        std::cerr << "cmascope-cli replay: " << r.error << '\n';
        return kExitUsage;
    }
    if (r.events == 0 && r.errorCount > 0) {
        std::cerr << "cmascope-cli replay: " << tracePath << ": no CMA event could be read";
        if (!r.errors.empty())
            std::cerr << " (line " << r.errors.front().line << ": " << r.errors.front().message << ")";
        std::cerr << '\n';
        return kExitUsage;
    }

    for (const auto& e : r.errors)
        std::cerr << tracePath << ':' << e.line << ": " << e.message << '\n';
    std::cout << tracePath << ": " << r.lines << " lines, " << r.events << " events, " << r.skippedLines << " skipped, "
              << r.errorCount << " malformed\n";
    if (r.stoppedAtMarker)
        std::cout << "stopped after the marker on line " << r.stopLine << '\n';
    std::cout << "requests: " << r.requested << " (" << r.succeeded << " succeeded, " << r.failed << " failed, "
              << r.busyRetries << " busy retries";
    if (r.incomplete)
        std::cout << ", " << r.incomplete << " incomplete";
    std::cout << "), releases: " << r.releases << '\n';
    std::cout << "fidelity: " << r.matched << " of " << r.compared << " outcomes predicted by the kernel policy";
    if (r.concurrentGroups)
        std::cout << " (" << r.concurrentGroups << " groups of concurrent requests, " << r.reordered
                  << " reservations reordered)";
    std::cout << '\n';
    for (const auto& d : r.divergences)
        std::cout << "  divergence, line " << d.line << ": " << d.text << '\n';
    for (const auto& n : r.notes)
        std::cout << "note: " << n << '\n';
    for (const auto& w : r.warnings)
        std::cout << "warning: line " << w.line << ": " << w.message << '\n';
    if (r.warningCount > r.warnings.size())
        std::cout << "warning: ... " << (r.warningCount - r.warnings.size()) << " more\n";
    for (const auto& a : r.areas)
        std::cout << "area " << a.area.name << " @ " << hexText(a.area.basePfn) << " / " << a.area.pages
                  << " pages / order_per_bit " << a.area.orderPerBit << " (" << areaSourceName(a.area.source)
                  << "): used " << a.state.usedPages() << " pages, maxchunk " << a.state.maxchunkPages() << " pages\n";
    for (const auto& m : r.markers)
        std::cout << "marker, line " << m.line << ": " << m.text << '\n';

    if (whatIf) {
        const WhatIfResult w = runWhatIf(r, *whatIf);
        if (!w.error.empty()) {
            std::cerr << "cmascope-cli replay: --what-if: " << w.error << '\n';
            return kExitUsage;
        }
        std::cout << "what-if: " << w.succeeded << " of " << w.requests << " requests succeed (" << w.nowFail
                  << " now fail, " << w.nowSucceed << " now succeed)\n";
        for (const auto& c : w.changes) {
            const auto& q = r.requests[c.request];
            std::cout << "  line " << q.finishLine << ": " << r.tasks[q.task] << " " << q.count << " pages align "
                      << unsigned(q.align) << ": "
                      << (c.whatIfOk ? "now succeeds at " + hexText(c.whatIfPfn)
                                     : "now fails: " + std::string(refusalVerdict(c.refusal)))
                      << '\n';
        }
        for (const auto& n : w.notes)
            std::cout << "  note: " << n << '\n';
    }
    if (parser.isSet(reportOpt)) {
        const std::string path = parser.value(reportOpt).toStdString();
        if (auto err = writeFileAtomically(path, replayReportJson(r, tracePath))) {
            std::cerr << "cmascope-cli replay: --report " << path << ": " << *err << '\n';
            return kExitUsage;
        }
    }
    return kExitOk;
}

} // namespace cmascope::cli
