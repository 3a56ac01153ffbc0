// SPDX-License-Identifier: GPL-2.0-or-later
// replay --follow / --follow-cmd (docs/following.md): read the source off a poll loop that Ctrl-C (SIGINT) or
// SIGTERM ends, push the text into a FollowReplay, print each request as it settles on stderr.
#include "replayfollow.h"

#include "common.h"

#include <cmascope/replay/follow.h>
#include <cmascope/trace/followsource.h>

#include <csignal>
#include <iostream>

namespace cmascope::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void onInterrupt(int)
{
    g_interrupted = 1;
}

/// SIGINT and SIGTERM end the follow (not the program) while it lives; the old handlers come back after.
class InterruptGuard
{
public:
    InterruptGuard()
    {
        g_interrupted = 0;
        struct sigaction sa
        { };
        sa.sa_handler = onInterrupt; // no SA_RESTART: a waiting poll() returns at once
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &m_oldInt);
        sigaction(SIGTERM, &sa, &m_oldTerm);
    }
    ~InterruptGuard()
    {
        sigaction(SIGINT, &m_oldInt, nullptr);
        sigaction(SIGTERM, &m_oldTerm, nullptr);
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    struct sigaction m_oldInt
    { };
    struct sigaction m_oldTerm
    { };
};

/// "line 812: kworker/0:1-12 asked cma for 16 pages align 4: ok at 0x5a400" (or "failed -16, busy").
std::string requestLine(const ReplayResult& r, const ReplayRequest& q)
{
    std::string text = "line " + std::to_string(q.finishLine ? q.finishLine : q.startLine) + ": " + r.tasks[q.task]
        + " asked " + r.areas[q.area].area.name + " for " + std::to_string(q.count) + " pages align "
        + std::to_string(unsigned(q.align)) + ": ";
    if (!q.complete)
        return text + "incomplete";
    if (q.succeeded)
        return text + "ok at " + hexText(q.pfn)
            + (q.busyRetries ? " after " + std::to_string(q.busyRetries) + " busy retries" : "");
    text += "failed " + std::to_string(q.errorno);
    if (q.cause != FailureCause::None)
        text += ", " + std::string(failureCauseName(q.cause));
    return text;
}

/// What the last push added, on stderr: each request settled, and each area met that nothing describes.
void printProgress(FollowReplay& follow, std::size_t& unresolvedShown)
{
    const FollowProgress p = follow.progress();
    const ReplayResult& r = follow.live();
    for (std::size_t i = p.firstNewRequest; i < p.requests; ++i)
        std::cerr << "follow: " << requestLine(r, r.requests[i]) << '\n';
    const auto& unresolved = follow.unresolved();
    for (; unresolvedShown < unresolved.size(); ++unresolvedShown)
        std::cerr << "follow: area " << unresolved[unresolvedShown]
                  << ": nothing describes it; its requests are counted now and placed at the end of input "
                     "(--area, --debugfs, --dmesg or --project show it live)\n";
}

/// Reads @p source into @p follow until the input ends, fails, the stop marker, or an interrupt.
std::string pump(FollowSource& source, FollowReplay& follow, std::string& error)
{
    std::string buffer;
    std::size_t unresolvedShown = 0;
    while (!g_interrupted) {
        buffer.clear();
        const FollowSource::Read got = source.read(buffer, 200);
        if (got == FollowSource::Read::Failed) {
            error = source.error();
            return {};
        }
        if (got == FollowSource::Read::End)
            return source.endNote();
        if (got == FollowSource::Read::Data) {
            const bool more = follow.push(buffer);
            printProgress(follow, unresolvedShown);
            if (!more)
                return !follow.error().empty()      ? follow.error()
                    : follow.live().stoppedAtMarker ? std::string("the --until-marker marker")
                                                    : std::string("the replay cannot go on (below)");
        }
    }
    source.stop();
    return "interrupted";
}

} // namespace

std::optional<std::string> ReplayFollowOptions::sourceName(const QCommandLineParser& parser) const
{
    if (parser.isSet(follow) && parser.isSet(followCmd)) {
        std::cerr << "cmascope-cli replay: give --follow or --follow-cmd, not both\n";
        return std::nullopt;
    }
    if (!operands(parser).isEmpty()) {
        std::cerr << "cmascope-cli replay: --follow replaces the TRACE file: give one or the other\n";
        return std::nullopt;
    }
    if (parser.isSet(followIdle)) {
        bool ok = false;
        const double s = parser.value(followIdle).toDouble(&ok);
        if (!ok || !(s > 0)) {
            std::cerr << "cmascope-cli replay: --follow-idle " << parser.value(followIdle).toStdString()
                      << ": not a positive number of seconds\n";
            return std::nullopt;
        }
    }
    return (parser.isSet(follow) ? parser.value(follow) : parser.value(followCmd)).toStdString();
}

ReplayFileResult followReplay(const ReplayFollowOptions& fo, const QCommandLineParser& parser,
    const ReplayInputs& inputs, const ReplayOptions& options)
{
    FollowSourceSpec spec;
    spec.kind = parser.isSet(fo.followCmd) ? FollowSourceSpec::Command : FollowSourceSpec::Path;
    spec.text =
        (spec.kind == FollowSourceSpec::Command ? parser.value(fo.followCmd) : parser.value(fo.follow)).toStdString();
    spec.idleSeconds = parser.isSet(fo.followIdle) ? parser.value(fo.followIdle).toDouble() : 0;
    ReplayFileResult failed;
    failed.status = ReadStatus::Failed;
    FollowOptions follow { spec.text, parser.value(fo.followSave).toStdString() };
    FollowReplay replay(inputs, options, follow);
    if (!replay.error().empty()) {
        failed.error = replay.error();
        return failed;
    }
    const InterruptGuard guard;
    auto opened = FollowSource::open(spec);
    if (auto* err = std::get_if<std::string>(&opened)) {
        failed.error = *err;
        return failed;
    }
    auto& source = *std::get<std::unique_ptr<FollowSource>>(opened);
    std::string error;
    const std::string why = pump(source, replay, error);
    if (!error.empty()) {
        failed.error = error;
        return failed;
    }
    std::cerr << "follow: ended: " << why << '\n';
    return replay.finish();
}

} // namespace cmascope::cli
