// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli compare-traces A B [--dmesg FILE [--dmesg FILE]] [--area SPEC]... [--match key|order]
//                             [--json FILE] [-o FILE] [--fail-on-regression]
// Two traces (before and after a kernel or configuration change) side by side: failures by cause, busy retries,
// latency, peak use, and the first request whose outcome differs (docs/time-and-latency.md).
#include "common.h"
#include "replayinputs.h"

#include <cmascope/compare/tracepair.h>
#include <cmascope/compare/tracepairreport.h>
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
struct CompareTracesCommandLine
{
    CommandParser parser;
    const QCommandLineOption dmesg { QStringLiteral("dmesg"),
        QStringLiteral("Boot log with the areas' 'cma: Reserved' lines. Once: for both traces; twice: the first for "
                       "A, the second for B."),
        QStringLiteral("FILE") };
    const QCommandLineOption area { QStringLiteral("area"),
        QStringLiteral("An area of both traces: NAME=BASE_PFN+PAGES[/ORDER_PER_BIT]. May be repeated."),
        QStringLiteral("SPEC") };
    const QCommandLineOption match { QStringLiteral("match"),
        QStringLiteral("How requests of A find theirs in B: 'key' (default: the k-th request of one task name "
                       "without its pid, area, count and align) or 'order' (the i-th request)."),
        QStringLiteral("key|order") };
    const QCommandLineOption json = jsonOption(QStringLiteral("the comparison"));
    const QCommandLineOption output = outputOption(QStringLiteral("the comparison"));
    const QCommandLineOption quiet = quietOption(QStringLiteral("the comparison"));
    const QCommandLineOption failOnRegression { QStringLiteral("fail-on-regression"),
        QStringLiteral("Exit with status 1 when B has more failed requests than A.") };

    explicit CompareTracesCommandLine(const QStringList& args)
    {
        beginCommand(parser, "compare-traces",
            QStringLiteral("Replay two kernel CMA traces (before and after a change) and print their figures side by "
                           "side, in total and per area: requests, failures by cause, busy retries, allocation "
                           "latency (median, p99, max) and peak used pages, then the first request whose outcome "
                           "differs. Exit status 0 when compared, 1 with --fail-on-regression when failures "
                           "increased, 2 on bad input."));
        parser.addPositionalArgument(QStringLiteral("A"), QStringLiteral("The first trace (before)."));
        parser.addPositionalArgument(QStringLiteral("B"), QStringLiteral("The second trace (after)."));
        parser.addOptions({ dmesg, area, match, json, output, quiet, failOnRegression });
        parser.process(args);
    }
};

const char* const kName = "cmascope-cli compare-traces: ";

/// The replay inputs of trace @p which (0 = A, 1 = B); nullopt (message printed) when one cannot be used.
std::optional<ReplayInputs> inputsFor(const CompareTracesCommandLine& cl, std::size_t which)
{
    ReplayInputs inputs;
    if (!readAreaSpecOptions(cl.parser.values(cl.area), "compare-traces", inputs))
        return std::nullopt;
    const QStringList logs = cl.parser.values(cl.dmesg);
    if (!logs.isEmpty()
        && !readBootLogOption(logs.at(logs.size() == 1 ? 0 : qsizetype(which)).toStdString(), "compare-traces", inputs))
        return std::nullopt;
    return inputs;
}

/// The replay of trace @p path, or nullopt (message printed).
std::optional<ReplayResult> replayOne(const CompareTracesCommandLine& cl, const std::string& path, std::size_t which)
{
    if (!QFileInfo::exists(QString::fromStdString(path))) {
        std::cerr << path << ": no such file\n";
        return std::nullopt;
    }
    const auto inputs = inputsFor(cl, which);
    if (!inputs)
        return std::nullopt;
    TerminalProgress progress("replay " + path, cl.parser.isSet(cl.quiet));
    auto replayed = replayTraceFile(path, *inputs, {}, progress.progress());
    progress.done();
    if (!replayed.ok() || !replayed.result.error.empty()) {
        std::cerr << path << ": " << (replayed.error.empty() ? replayed.result.error : replayed.error) << '\n';
        return std::nullopt;
    }
    if (replayed.result.events == 0) {
        std::cerr << path << ": no CMA event could be read\n";
        return std::nullopt;
    }
    return std::move(replayed.result);
}

/// Checks the option values; false (message printed) on a usage error.
bool checkOptions(const CompareTracesCommandLine& cl, const QStringList& traces, TracePairMatch& match)
{
    if (traces.size() != 2) {
        std::cerr << kName << "expected two traces, A and B (got " << traces.size() << ")\n";
        return false;
    }
    if (cl.parser.values(cl.dmesg).size() > 2) {
        std::cerr << kName << "--dmesg is given once (both traces) or twice (A, then B)\n";
        return false;
    }
    const QString m = cl.parser.value(cl.match);
    if (m.isEmpty() || m == QLatin1String("key"))
        match = TracePairMatch::ByKey;
    else if (m == QLatin1String("order"))
        match = TracePairMatch::ByOrder;
    else {
        std::cerr << kName << "--match " << m.toStdString() << ": expected 'key' or 'order'\n";
        return false;
    }
    return true;
}

} // namespace

int runCompareTraces(const QStringList& args)
{
    const CompareTracesCommandLine cl(args);
    const QStringList traces = operands(cl.parser);
    TracePairMatch match = TracePairMatch::ByKey;
    if (!checkOptions(cl, traces, match))
        return kExitUsage;
    const std::string pathA = traces.at(0).toStdString(), pathB = traces.at(1).toStdString();
    const auto a = replayOne(cl, pathA, 0);
    if (!a)
        return kExitUsage;
    const auto b = replayOne(cl, pathB, 1);
    if (!b)
        return kExitUsage;
    const TracePairResult result = compareTracePair(*a, *b, match);
    StandardOutput out(cl.parser.value(cl.output).toStdString());
    std::cout << (cl.parser.isSet(cl.json) ? tracePairJson(result, pathA, pathB)
                                           : tracePairTable(result, pathA, pathB));
    if (!out.commit("compare-traces"))
        return kExitUsage;
    return cl.parser.isSet(cl.failOnRegression) && result.failuresIncreased() ? kExitProblems : kExitOk;
}

} // namespace cmascope::cli
