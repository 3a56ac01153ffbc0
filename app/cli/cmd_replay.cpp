// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli replay TRACE|--follow SOURCE|--follow-cmd COMMAND [--dmesg FILE] [--debugfs DIR] [--project FILE]
//                           [--area NAME=BASE_PFN+PAGES[,BASE_PFN+PAGES...][/ORDER_PER_BIT]]... [--kernel VERSION]
//                           [--event-formats FILE] [--until-marker TEXT]
//                           [--report FILE.json] [--what-if SPEC] [--no-infer] [--check-snapshots DIR]
//                           [--write-project FILE [--onto PROJECT]]
//                           [--vmstat FILE] [--cma-sysfs DIR|FILE] [--pagetypeinfo FILE] [--page-owner FILE]
// The contract is issue 5's: exit 0 on success, 2 on unusable input (the error names file/line/field).
#include "common.h"
#include "replayevidence.h"
#include "replayfollow.h"
#include "replayinputs.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/replay/areas.h>
#include <cmascope/replay/dmesgcheck.h>
#include <cmascope/replay/latency.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/replayonto.h>
#include <cmascope/replay/report.h>
#include <cmascope/replay/snapshotcheck.h>
#include <cmascope/replay/tracewhatif.h>
#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/reader.h>

#include <QCommandLineParser>

#include <algorithm>
#include <array>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace cmascope::cli {

namespace {
/// The replay command line: its options and the parser that has read them.
struct ReplayCommandLine
{
    CommandParser parser;
    const ReplayInputOptions areaOptions;
    const ReplayEvidenceOptions evidence; // docs/evidence-imports.md
    const ReplayFollowOptions followOptions; // --follow, --follow-cmd (replayfollow.h)
    const QCommandLineOption until { QStringLiteral("until-marker"),
        QStringLiteral("Stop right after the first marker line containing TEXT."), QStringLiteral("TEXT") };
    const QCommandLineOption report { QStringLiteral("report"),
        QStringLiteral("Also write the JSON report to FILE (the text report still goes to standard output)."),
        QStringLiteral("FILE.json") };
    const QCommandLineOption output = outputOption(QStringLiteral("the report"));
    const QCommandLineOption json = jsonOption(QStringLiteral("the report"));
    const QCommandLineOption quiet = quietOption(
        QStringLiteral("the counts and the problems: malformed lines, divergences, failures, differing snapshots "
                       "and counters"));
    const QCommandLineOption failOn { QStringLiteral("fail-on"),
        QStringLiteral("Exit with status 1 when the trace has any of these (comma-separated): divergence (a "
                       "placement the kernel algorithm does not predict), failure (a refused request), malformed "
                       "(a CMA line that cannot be read), lost (events the kernel lost). Differing snapshots and "
                       "counters always give status 1."),
        QStringLiteral("LIST") };
    const QCommandLineOption noInfer { QStringLiteral("no-infer"),
        QStringLiteral("On a late start, do not infer the pages allocated before the trace (docs/late-start.md).") };
    const QCommandLineOption checkSnapshots { QStringLiteral("check-snapshots"),
        QStringLiteral("Compare the replay with the debugfs snapshots in DIR (taken between CHECKPOINT markers); "
                       "exit 1 when any differs."),
        QStringLiteral("DIR") };
    const QCommandLineOption whatIf { QStringLiteral("what-if"),
        QStringLiteral("Re-run the requests under another policy/geometry, e.g. policy=bf,size=32M,order_per_bit=2 "
                       "(add area=NAME to change one area only)."),
        QStringLiteral("SPEC") };
    const QCommandLineOption writeProject { QStringLiteral("write-project"),
        QStringLiteral("Write the recorded requests, releases and markers as a project: the trace's areas as regions, "
                       "or, with --onto, as a scenario of that project (docs/trace-analysis.md)."),
        QStringLiteral("FILE") };
    const QCommandLineOption onto { QStringLiteral("onto"),
        QStringLiteral("With --write-project: a project (e.g. a device-tree import) whose regions stand for the "
                       "areas, matched by name (a pool 'node@unit' by its node name and fixed start); areas with no "
                       "region are left out."),
        QStringLiteral("PROJECT") };

    explicit ReplayCommandLine(const QStringList& args)
    {
        beginCommand(parser, "replay",
            QStringLiteral(
                "Replay a kernel CMA trace (ftrace text, trace_pipe, trace-cmd report, trace.dat or a Perfetto trace; "
                "gzip/zstd allowed) with the kernel's bitmap algorithm: check every recorded placement, "
                "print the areas' state, and optionally write a JSON report."));
        parser.addPositionalArgument(QStringLiteral("TRACE"), QStringLiteral("Trace file."));
        areaOptions.addTo(parser);
        followOptions.addTo(parser);
        parser.addOptions(
            { until, output, json, quiet, report, failOn, whatIf, noInfer, checkSnapshots, writeProject, onto });
        evidence.addTo(parser);
        parser.process(args);
    }
};

/// What the trace is replayed with, read from the options: false (with the message printed) when one
/// cannot be used. @p platform holds the --project platform that @p inputs points to.
bool readReplayInputs(const ReplayCommandLine& cl, ReplayInputs& inputs, std::optional<WhatIfSpec>& whatIf,
    std::optional<Platform>& platform)
{
    if (cl.parser.isSet(cl.whatIf)) {
        auto parsed = parseWhatIfSpec(cl.parser.value(cl.whatIf).toStdString());
        if (auto* err = std::get_if<std::string>(&parsed)) {
            std::cerr << "cmascope-cli replay: " << *err << '\n';
            return false;
        }
        whatIf = std::get<WhatIfSpec>(parsed);
    }
    return cl.areaOptions.read(cl.parser, "replay", inputs, platform);
}

/// False (with the message printed) when the replay could not read the trace, or no CMA event in it.
bool replaySucceeded(const ReplayFileResult& file, const std::string& tracePath)
{
    if (file.status == ReadStatus::Failed) {
        std::cerr << "cmascope-cli replay: " << file.error << '\n';
        return false;
    }
    const ReplayResult& r = file.result;
    if (!r.error.empty()) {
        std::cerr << "cmascope-cli replay: " << r.error << '\n';
        return false;
    }
    if (r.events == 0 && r.errorCount > 0) {
        std::cerr << "cmascope-cli replay: " << tracePath << ": no CMA event could be read";
        if (!r.errors.empty())
            std::cerr << " (line " << r.errors.front().line << ": " << r.errors.front().message << ")";
        std::cerr << '\n';
        return false;
    }
    return true;
}

/// "busy 7, fragmented 2" (causes with no failure left out).
std::string causeCounts(const std::array<std::uint64_t, kFailureCauseCount>& counts)
{
    std::string text;
    for (std::size_t c = 1; c < kFailureCauseCount; ++c)
        if (counts[c])
            text += (text.empty() ? "" : ", ") + std::string(failureCauseName(FailureCause(c))) + " "
                + std::to_string(counts[c]);
    return text;
}

/// Failures by cause per area, busy retries, and the first failures with the numbers that prove their cause.
void printFailures(const ReplayResult& r)
{
    if (r.failed == 0 && r.busyRetries == 0)
        return;
    if (r.failed)
        std::cout << "failures by cause: " << causeCounts(r.failuresByCause) << '\n';
    for (const auto& a : r.areas) {
        if (a.failed == 0 && a.busyRetries == 0)
            continue;
        std::cout << "  area " << a.area.name << ": " << a.failed << " of " << a.requested << " failed";
        if (a.failed)
            std::cout << " (" << causeCounts(a.failuresByCause) << ")";
        if (a.busyRetries)
            std::cout << "; " << a.busyRetries << " busy retries in " << a.busyRequests << " requests";
        std::cout << '\n';
    }
    for (const auto& t : taskStatistics(r)) {
        if (t.failed == 0 && t.busyRetries == 0)
            continue;
        std::cout << "  task " << r.tasks[t.task] << ": " << t.failed << " of " << t.requested << " failed";
        if (t.failed)
            std::cout << " (" << causeCounts(t.failuresByCause) << ")";
        if (t.busyRetries)
            std::cout << "; " << t.busyRetries << " busy retries in " << t.busyRequests << " requests";
        std::cout << '\n';
    }
    constexpr std::size_t kShown = 20;
    std::size_t shown = 0;
    for (std::size_t i = 0; i < r.requests.size() && shown < kShown; ++i) {
        const ReplayRequest& q = r.requests[i];
        if (q.succeeded || !q.complete)
            continue;
        ++shown;
        std::cout << "  failed, line " << q.finishLine << ": " << r.tasks[q.task] << " asked "
                  << r.areas[q.area].area.name << " for " << q.count << " pages align " << unsigned(q.align) << ": "
                  << (q.cause == FailureCause::None ? "not checked" : failureCauseName(q.cause)) << " — "
                  << r.failureEvidence(i) << '\n';
    }
    for (const auto& u : r.unplaced)
        if (shown++ < kShown)
            std::cout << "  failed, line " << u.line << ": " << u.task << " asked " << u.area << " for " << u.count
                      << " pages align " << unsigned(u.align) << ": no-area — nothing tells the area's geometry\n";
    const std::uint64_t listed = r.failed;
    if (listed > kShown)
        std::cout << "  ... " << (listed - kShown) << " more failures (--report FILE.json lists every request)\n";
}

void printDetails(const ReplayResult& r);

/// The report: malformed lines (stderr), then counts, fidelity, divergences, notes, warnings, the areas'
/// final state and the markers.
void printReplay(const ReplayResult& r, const std::string& tracePath, bool quiet)
{
    for (const auto& e : r.errors)
        std::cerr << tracePath << ':' << e.line << ": " << e.message << '\n';
    std::cout << tracePath << ": " << r.lines << " lines, " << r.events << " events, " << r.skippedLines << " skipped, "
              << r.errorCount << " malformed\n";
    if (r.stoppedAtMarker)
        std::cout << "stopped after the marker on line " << r.stopLine << '\n';
    for (const auto& line : quiet ? std::vector<std::string>() : lateStartLines(r.lateStart))
        std::cout << line << '\n';
    if (!quiet)
        std::cout << "kernel rules: " << kernelSemanticsName(r.kernel.semantics) << " (" << r.kernel.source << ": "
                  << r.kernel.reason << ")\n";
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
    printFailures(r);
    if (!quiet)
        printDetails(r);
}

/// Notes, warnings, the areas' final state and the markers (left out by --quiet).
void printDetails(const ReplayResult& r)
{
    for (const auto& n : r.notes)
        std::cout << "note: " << n << '\n';
    for (const auto& w : r.warnings)
        std::cout << "warning: line " << w.line << ": " << w.message << '\n';
    if (r.warningCount > r.warnings.size())
        std::cout << "warning: ... " << (r.warningCount - r.warnings.size()) << " more\n";
    for (const auto& a : r.areas) {
        std::cout << "area " << a.area.name << " @ " << hexText(a.area.basePfn) << " / " << a.area.pages << " pages";
        for (const AreaRange& g : a.area.moreRanges) // 6.15+ multi-range areas (docs/kernel-cma.md)
            std::cout << ", " << hexText(g.basePfn) << " / " << g.pages << " pages";
        std::cout << " / order_per_bit " << a.area.orderPerBit << " (" << areaSourceName(a.area.source) << "): used "
                  << a.usedPages() << " pages, maxchunk " << a.maxchunkPages() << " pages\n";
    }
    for (const auto& m : r.markers)
        std::cout << "marker, line " << m.line << ": " << m.text << '\n';
}

/// Re-runs the requests under @p spec and prints what changes; false (with the message) when it cannot.
bool printWhatIf(const ReplayResult& r, const WhatIfSpec& spec)
{
    const WhatIfResult w = runWhatIf(r, spec);
    if (!w.error.empty()) {
        std::cerr << "cmascope-cli replay: --what-if: " << w.error << '\n';
        return false;
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
    return true;
}

/// --write-project: the replay as a project of its own, or --onto a project's platform; false (with the message)
/// when it cannot be written.
bool writeReplayProject(const ReplayCommandLine& cl, const ReplayResult& r, const std::string& tracePath)
{
    const std::string path = cl.parser.value(cl.writeProject).toStdString();
    Project project = replayProject(r, tracePath);
    if (cl.parser.isSet(cl.onto)) {
        const std::string basePath = cl.parser.value(cl.onto).toStdString();
        const auto base = loadProjectFile(basePath);
        if (!base.ok()) {
            std::cerr << "cmascope-cli replay: --onto " << basePath << ": " << base.errorText() << '\n';
            return false;
        }
        auto onto = replayOntoProject(r, *base.project, "kernel trace " + tracePath);
        if (!onto.project) {
            std::cerr << "cmascope-cli replay: --onto " << basePath << ": " << onto.error << '\n';
            return false;
        }
        for (const auto& n : onto.notes)
            std::cerr << "cmascope-cli replay: --onto: " << n << '\n';
        project = std::move(*onto.project);
    }
    if (auto err = saveProjectFile(path, project)) {
        std::cerr << "cmascope-cli replay: --write-project " << path << ": " << *err << '\n';
        return false;
    }
    return true;
}

/// The boot log's failure lines and their free-page dumps (docs/kernel-cma.md, "Failures in dmesg"); their check
/// needs the replay's timeline.
DmesgFailuresRead readDmesgFailures(const ReplayCommandLine& cl, ReplayOptions& options)
{
    if (!cl.parser.isSet(cl.areaOptions.dmesg))
        return {};
    std::ifstream in(cl.parser.value(cl.areaOptions.dmesg).toStdString(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    DmesgFailuresRead read = parseDmesgFailures(text.str());
    options.buildTimeline = options.buildTimeline || !read.failures.empty();
    return read;
}

void printDmesgCheck(const ReplayCommandLine& cl, const ReplayResult& r, const DmesgFailuresRead& dmesg)
{
    for (const auto& e : dmesg.errors)
        std::cout << "warning: --dmesg " << cl.parser.value(cl.areaOptions.dmesg).toStdString() << ": " << e << '\n';
    if (!dmesg.failures.empty())
        for (const auto& line : checkDmesgFailures(r, dmesg).lines())
            std::cout << line << '\n';
}

/// The kinds of problem --fail-on names; nullopt (with the message printed) for an unknown one.
std::optional<std::vector<std::string>> readFailOn(const ReplayCommandLine& cl)
{
    static const char* const kKinds[] = { "divergence", "failure", "malformed", "lost" };
    std::vector<std::string> kinds;
    for (const QString& value : cl.parser.values(cl.failOn))
        for (const QString& kind : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const std::string k = kind.trimmed().toStdString();
            if (std::find(std::begin(kKinds), std::end(kKinds), k) == std::end(kKinds)) {
                std::cerr << "cmascope-cli replay: --fail-on: unknown '" << k
                          << "' (expected divergence, failure, malformed or lost)\n";
                return std::nullopt;
            }
            kinds.push_back(k);
        }
    return kinds;
}

/// The first --fail-on kind the replay has, with its count ("3 divergences"); empty when none.
std::string failingOn(const std::vector<std::string>& kinds, const ReplayResult& r)
{
    for (const std::string& k : kinds) {
        if (k == "divergence" && r.divergenceCount)
            return std::to_string(r.divergenceCount) + " divergences";
        if (k == "failure" && (r.failed || !r.unplaced.empty()))
            return std::to_string(r.failed) + " failed requests";
        if (k == "malformed" && r.errorCount)
            return std::to_string(r.errorCount) + " malformed lines";
        if (k == "lost" && r.lostEvents)
            return std::to_string(r.lostEvents) + " lost events";
    }
    return {};
}

/// The JSON report of --json and --report: the replay's, with the evidence imports when given.
std::string reportJson(const ReplayResult& r, const std::string& tracePath, const EvidenceInputs& evidence)
{
    std::string json = replayReportJson(r, tracePath);
    if (!evidence.empty())
        appendEvidenceJson(json, r, evidence);
    return json;
}

/// Everything a replay prints as text, after the replay; false (with the message) when --what-if cannot run.
bool printTextReport(const ReplayCommandLine& cl, const ReplayResult& r, const std::string& tracePath,
    const DmesgFailuresRead& dmesgFailures, const EvidenceInputs& evidence, const WhatIfSpec* whatIf)
{
    const bool quiet = cl.parser.isSet(cl.quiet);
    printReplay(r, tracePath, quiet);
    if (!quiet)
        std::cout << latencySummaryText(replayLatency(r)); // docs/time-and-latency.md
    printDmesgCheck(cl, r, dmesgFailures);
    for (const auto& line : evidenceTextLines(r, evidence))
        std::cout << line << '\n';
    return !whatIf || printWhatIf(r, *whatIf);
}

/// The replay's options from the command line; false (with the message printed) when one cannot be used.
bool readReplayOptions(const ReplayCommandLine& cl, ReplayOptions& options, std::optional<SnapshotChecker>& checker)
{
    options.untilMarker = cl.parser.value(cl.until).toStdString();
    if (cl.parser.isSet(cl.onto) && !cl.parser.isSet(cl.writeProject)) {
        std::cerr << "cmascope-cli replay: --onto needs --write-project FILE\n";
        return false;
    }
    options.keepRequests = true;
    if (cl.parser.isSet(cl.noInfer))
        options.lateStart = LateStartInference::Off;
    if (cl.parser.isSet(cl.checkSnapshots)) {
        auto read = readCheckpointSnapshots(cl.parser.value(cl.checkSnapshots).toStdString());
        if (!read.error.empty()) {
            std::cerr << "cmascope-cli replay: --check-snapshots: " << read.error << '\n';
            return false;
        }
        checker.emplace(std::move(read.snapshots));
        checker->attach(options);
    }
    return true;
}

/// The replayed file, read with progress on a terminal (not while following: that prints its own lines).
ReplayFileResult runTheReplay(
    const ReplayCommandLine& cl, const std::string& tracePath, const ReplayInputs& inputs, const ReplayOptions& options)
{
    if (cl.followOptions.isSet(cl.parser))
        return followReplay(cl.followOptions, cl.parser, inputs, options);
    TerminalProgress progress("replay", cl.parser.isSet(cl.quiet) || cl.parser.isSet(cl.json));
    return replayTraceFile(tracePath, inputs, options, progress.progress());
}
} // namespace

int runReplay(const QStringList& args)
{
    const ReplayCommandLine cl(args);
    const auto operand = cl.followOptions.isSet(cl.parser) ? cl.followOptions.sourceName(cl.parser)
                                                           : singleOperand(cl.parser, "replay", "TRACE file");
    if (!operand)
        return kExitUsage;
    const std::string& tracePath = *operand;
    ReplayInputs inputs;
    std::optional<WhatIfSpec> whatIf;
    std::optional<Platform> platform;
    EvidenceInputs evidence;
    const auto failOn = readFailOn(cl);
    if (!failOn || !readReplayInputs(cl, inputs, whatIf, platform)
        || !cl.evidence.read(cl.parser, cl.parser.value(cl.areaOptions.dmesg).toStdString(), evidence))
        return kExitUsage;
    ReplayOptions options;
    options.buildTimeline = whatIf.has_value() || cl.parser.isSet(cl.writeProject);
    std::optional<SnapshotChecker> checker;
    if (!readReplayOptions(cl, options, checker))
        return kExitUsage;
    const DmesgFailuresRead dmesgFailures = readDmesgFailures(cl, options);
    const auto file = runTheReplay(cl, tracePath, inputs, options);
    if (!replaySucceeded(file, tracePath))
        return kExitUsage;
    const ReplayResult& r = file.result;
    StandardOutput out(cl.parser.value(cl.output).toStdString());
    if (cl.parser.isSet(cl.json))
        std::cout << reportJson(r, tracePath, evidence);
    else if (!printTextReport(cl, r, tracePath, dmesgFailures, evidence, whatIf ? &*whatIf : nullptr))
        return kExitUsage;
    bool snapshotsDiffer = false;
    if (checker) {
        const SnapshotCheckResult check = checker->finish();
        for (const auto& line : snapshotCheckLines(check))
            (cl.parser.isSet(cl.json) ? std::cerr : std::cout) << line << '\n';
        snapshotsDiffer = !check.ok();
    }
    if (!out.commit("replay"))
        return kExitUsage;
    if (cl.parser.isSet(cl.report)) {
        const std::string path = cl.parser.value(cl.report).toStdString();
        if (auto err = writeFileAtomically(path, reportJson(r, tracePath, evidence))) {
            std::cerr << "cmascope-cli replay: --report " << path << ": " << *err << '\n';
            return kExitUsage;
        }
    }
    if (cl.parser.isSet(cl.writeProject) && !writeReplayProject(cl, r, tracePath))
        return kExitUsage;
    const std::string failing = failingOn(*failOn, r);
    if (!failing.empty())
        std::cerr << "cmascope-cli replay: " << tracePath << ": " << failing << " (--fail-on)\n";
    const bool evidenceDiffers = !evidenceAgrees(r, evidence); // docs/evidence-imports.md
    return snapshotsDiffer || evidenceDiffers || !failing.empty() ? kExitProblems : kExitOk;
}

} // namespace cmascope::cli
