// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli compare PROJECT|TRACE --variant SPEC... [--scenario N|NAME] [--dmesg FILE] [--json FILE] [--csv FILE]
//                                   [-o FILE]
// One scenario (or a trace's recorded requests) under several variants at once, as a table (docs/compare.md).
#include "common.h"
#include "replayinputs.h"

#include <cmascope/compare/compare.h>
#include <cmascope/compare/comparereport.h>
#include <cmascope/replay/replay.h>
#include <cmascope/trace/bootlog.h>

#include <QCommandLineParser>
#include <QFileInfo>

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace cmascope::cli {

namespace {
/// The compare command line: its options and the parser that has read them.
struct CompareCommandLine
{
    CommandParser parser;
    const QCommandLineOption variant { QStringLiteral("variant"),
        QStringLiteral("A variant to run (repeatable): comma-separated KEY=VALUE. Projects: region=NAME, policy=ID, "
                       "size=SIZE, order_per_bit=N, align=N (CONFIG_CMA_ALIGNMENT, platform-wide). Traces: "
                       "area=NAME, policy=ID, size=SIZE or pages=N, order_per_bit=N."),
        QStringLiteral("SPEC") };
    const QCommandLineOption scenario { QStringLiteral("scenario"),
        QStringLiteral("The project's scenario to run (number, 0-based, or name). Default: the first."),
        QStringLiteral("N|NAME") };
    const QCommandLineOption dmesg { QStringLiteral("dmesg"),
        QStringLiteral("Traces: a boot log with the areas' 'cma: Reserved' lines (their exact geometry)."),
        QStringLiteral("FILE") };
    const QCommandLineOption json = jsonOption(QStringLiteral("the comparison (per variant and per region)"));
    const QCommandLineOption csv { QStringLiteral("csv"),
        QStringLiteral("Print the comparison as CSV, one row per variant, instead of the table.") };
    const QCommandLineOption output = outputOption(QStringLiteral("the comparison"));
    const QCommandLineOption quiet = quietOption(QStringLiteral("the comparison"));

    explicit CompareCommandLine(const QStringList& args)
    {
        beginCommand(parser, "compare",
            QStringLiteral(
                "Run one scenario of a project (or the recorded requests of a kernel trace) unchanged and under "
                "every --variant, and print one row per run: requests, failures, peak use, the largest free "
                "extent at the end and its minimum, fragmentation (1 - largest free / free, at the end and at its "
                "worst) and the first step whose outcome differs from the base. Exit status 0 when compared, 2 on "
                "bad input (a spec that cannot be used is named with its field). "
                "--json and --csv print the comparison in those forms instead of the table."));
        parser.addPositionalArgument(QStringLiteral("PROJECT|TRACE"),
            QStringLiteral("Project file (JSON) or kernel trace (text, gzip, zstd, trace.dat or Perfetto)."));
        parser.addOptions({ variant, scenario, dmesg, json, csv, output, quiet });
        parser.process(args);
    }
};

/// The inputs of a trace's replay: the boot log of --dmesg, if any; nullopt (message printed) when unreadable.
std::optional<ReplayInputs> traceInputs(const CompareCommandLine& cl)
{
    ReplayInputs inputs;
    if (cl.parser.isSet(cl.dmesg) && !readBootLogOption(cl.parser.value(cl.dmesg).toStdString(), "compare", inputs))
        return std::nullopt;
    return inputs;
}

/// The comparison of the input @p path, or nullopt (message printed) when it cannot be made.
std::optional<Comparison> compareInput(const CompareCommandLine& cl, const std::string& path)
{
    std::vector<std::string> specs;
    for (const QString& v : cl.parser.values(cl.variant))
        specs.push_back(v.toStdString());
    std::variant<Comparison, std::string> result;
    if (looksLikeProject(QString::fromStdString(path))) {
        const auto project = loadProject(path);
        if (!project)
            return std::nullopt;
        const auto which = findScenario(*project,
            cl.parser.value(cl.scenario).isEmpty() ? QStringLiteral("0") : cl.parser.value(cl.scenario), path);
        if (!which)
            return std::nullopt;
        TerminalProgress progress("compare", cl.parser.isSet(cl.quiet));
        result = compareProject(*project, *which, specs, progress.progress());
    } else {
        if (cl.parser.isSet(cl.scenario)) {
            std::cerr << "cmascope-cli compare: --scenario is for projects; a trace has one timeline\n";
            return std::nullopt;
        }
        const auto inputs = traceInputs(cl);
        if (!inputs)
            return std::nullopt;
        TerminalProgress progress("replay", cl.parser.isSet(cl.quiet));
        const auto replayed = replayTraceFile(path, *inputs, {}, progress.progress());
        progress.done();
        if (!replayed.ok() || !replayed.result.error.empty()) {
            std::cerr << path << ": " << (replayed.error.empty() ? replayed.result.error : replayed.error) << '\n';
            return std::nullopt;
        }
        TerminalProgress comparing("compare", cl.parser.isSet(cl.quiet));
        result = compareTrace(replayed.result, specs, comparing.progress());
    }
    if (auto* err = std::get_if<std::string>(&result)) {
        std::cerr << "cmascope-cli compare: " << *err << '\n';
        return std::nullopt;
    }
    return std::move(std::get<Comparison>(result));
}

} // namespace

int runCompare(const QStringList& args)
{
    const CompareCommandLine cl(args);
    const auto operand = singleOperand(cl.parser, "compare", "PROJECT or TRACE file");
    if (!operand)
        return kExitUsage;
    const std::string& path = *operand;
    if (!cl.parser.isSet(cl.variant)) {
        std::cerr << "cmascope-cli compare: give at least one --variant SPEC (e.g. --variant policy=bf)\n";
        return kExitUsage;
    }
    if (!QFileInfo::exists(QString::fromStdString(path))) {
        std::cerr << path << ": no such file\n";
        return kExitUsage;
    }
    const auto comparison = compareInput(cl, path);
    if (!comparison)
        return kExitUsage;
    if (cl.parser.isSet(cl.json) && cl.parser.isSet(cl.csv)) {
        std::cerr << "cmascope-cli compare: --json or --csv, not both\n";
        return kExitUsage;
    }
    StandardOutput out(cl.parser.value(cl.output).toStdString());
    if (cl.parser.isSet(cl.json))
        std::cout << compareReportJson(*comparison);
    else if (cl.parser.isSet(cl.csv))
        std::cout << compareReportCsv(*comparison);
    else
        std::cout << compareReportTable(*comparison);
    return out.commit("compare") ? kExitOk : kExitUsage;
}

} // namespace cmascope::cli
