// SPDX-License-Identifier: GPL-2.0-or-later
// Live replay (docs/following.md): text pushed in, cut into lines (a partial last line kept), parsed and
// fed to the Replayer, the same engine replayTraceFile() streams a file through; the text is spooled so
// that the end of input can give replayTraceFile()'s exact result.
#include "latestartcollector.h"
#include "replayer.h"

#include <cmascope/replay/follow.h>
#include <cmascope/trace/parser.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <unistd.h>
#include <utility>

namespace cmascope {

namespace {

/// Without one trace-like line among this many, the input is no trace (as the file reader decides).
constexpr std::uint64_t kLinesBeforeGivingUp = 10000;

/// A fresh temporary file for the spool; empty on failure.
std::filesystem::path makeSpoolFile()
{
    std::error_code ec;
    const auto dir = std::filesystem::temp_directory_path(ec);
    if (ec)
        return {};
    std::string name = (dir / "cmascope-follow-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0)
        return {};
    ::close(fd);
    return name;
}

/// Why the first bytes of a followed source are no text trace (empty: they may be).
std::string rejectFirstBytes(std::string_view b)
{
    auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
    if (starts("\x1f\x8b") || starts("\x28\xb5\x2f\xfd"))
        return "compressed data cannot be followed: decompress it before (e.g. --follow-cmd 'zcat FILE')";
    if (starts(std::string_view("\x17\x08\x44tracing", 10)))
        return "binary trace-cmd data (trace.dat) cannot be followed: follow `trace-cmd report` or trace_pipe";
    if (std::memchr(b.data(), '\0', std::min<std::size_t>(b.size(), 4096)))
        return "not a text trace (binary data)";
    return {};
}

} // namespace

struct FollowReplay::State
{
    State(const ReplayInputs& in, const ReplayOptions& opt, FollowOptions fo)
        : inputs(in)
        , userOptions(opt)
        , liveOptions(opt)
        , follow(std::move(fo))
        , parser(data, follow.maxErrors)
    {
        data.source = follow.sourceName;
        if (userOptions.onMarker) // replayed at the end unless the end needs a pass of its own
            liveOptions.onMarker = [this](const ReplayMarker& m, std::span<const ReplayAreaResult> areas) {
                markerLog.emplace_back(m, std::vector<ReplayAreaResult>(areas.begin(), areas.end()));
            };
        replayer.emplace(inputs, liveOptions, noInference, replayinternal::PassSetup { nullptr, &collector });
    }

    ReplayInputs inputs;
    ReplayOptions userOptions, liveOptions;
    FollowOptions follow;
    InferredAreas noInference; // areas are known up front; the rest are inferred at the end
    replayinternal::LateStartCollector collector; // the first pass's, as replayWithLateStart() keeps it
    TraceData data; // string tables and counters; events are drained after every push
    TraceLineParser parser;
    std::optional<Replayer> replayer;
    std::vector<std::pair<ReplayMarker, std::vector<ReplayAreaResult>>> markerLog;

    std::string pending; // the partial last line
    bool discarding = false; // inside an over-long line: dropped up to its '\n'
    bool sawBytes = false;
    std::uint64_t eventsSeen = 0;
    std::size_t reportedRequests = 0, reportedSteps = 0;

    std::filesystem::path spoolPath;
    bool ownSpool = false;
    std::ofstream spool;
};

FollowReplay::FollowReplay(const ReplayInputs& inputs, const ReplayOptions& options, FollowOptions follow)
    : m_s(std::make_unique<State>(inputs, options, std::move(follow)))
{
    m_s->spoolPath = m_s->follow.spoolPath;
    if (m_s->spoolPath.empty()) {
        m_s->spoolPath = makeSpoolFile();
        m_s->ownSpool = !m_s->spoolPath.empty();
    }
    if (!m_s->spoolPath.empty())
        m_s->spool.open(m_s->spoolPath, std::ios::binary | std::ios::trunc);
    if (m_s->spoolPath.empty() || !m_s->spool)
        m_error = (m_s->spoolPath.empty() ? std::string("a temporary file") : m_s->spoolPath.string())
            + ": cannot write the spool of the followed text";
}

FollowReplay::~FollowReplay()
{
    m_s->spool.close();
    if (m_s->ownSpool) {
        std::error_code ec;
        std::filesystem::remove(m_s->spoolPath, ec);
    }
}

const ReplayResult& FollowReplay::live() const
{
    return m_s->replayer->partial();
}

const std::vector<std::string>& FollowReplay::unresolved() const
{
    return m_s->replayer->unresolved();
}

bool FollowReplay::push(std::string_view bytes)
{
    if (!m_error.empty() || m_stopped)
        return false;
    if (bytes.empty())
        return true;
    if (!m_s->sawBytes && !checkFirstBytes(bytes))
        return false;
    m_s->sawBytes = true;
    m_s->spool.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!m_s->spool) {
        m_error = m_s->spoolPath.string() + ": cannot write the spool of the followed text";
        return false;
    }
    feedLines(bytes);
    drainEvents();
    if (m_s->data.lines >= kLinesBeforeGivingUp && m_s->data.format == TraceFormat::Unknown)
        m_error = m_s->follow.sourceName + ": not a kernel trace: none of its first " + std::to_string(m_s->data.lines)
            + " lines is an ftrace event line, a \"# tracer:\" header or a trace-cmd report line";
    return m_error.empty() && !m_stopped;
}

bool FollowReplay::checkFirstBytes(std::string_view bytes)
{
    if (std::string why = rejectFirstBytes(bytes); !why.empty()) {
        m_error = m_s->follow.sourceName + ": " + why;
        return false;
    }
    return true;
}

/// Complete lines go to the parser; the partial last one waits in `pending` (bounded by maxLineLength).
void FollowReplay::feedLines(std::string_view bytes)
{
    State& s = *m_s;
    const std::size_t maxLine = std::max<std::size_t>(s.follow.maxLineLength, 256);
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        const std::size_t nl = bytes.find('\n', pos);
        const std::string_view piece =
            bytes.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        if (!s.discarding) {
            if (nl != std::string_view::npos && s.pending.empty()) {
                s.parser.feedLine(piece);
            } else {
                s.pending.append(piece);
                if (s.pending.size() > maxLine) {
                    s.parser.rejectLine("line longer than " + std::to_string(maxLine) + " bytes (not a trace line)");
                    s.discarding = nl == std::string_view::npos;
                    s.pending.clear();
                } else if (nl != std::string_view::npos) {
                    s.parser.feedLine(s.pending);
                    s.pending.clear();
                }
            }
        } else if (nl != std::string_view::npos) {
            s.discarding = false;
        }
        if (nl == std::string_view::npos)
            break;
        pos = nl + 1;
    }
}

void FollowReplay::drainEvents()
{
    State& s = *m_s;
    s.eventsSeen += s.data.events.size();
    if (!s.replayer->feed(s.data, s.data.events))
        m_stopped = s.replayer->partial().stoppedAtMarker || !s.replayer->partial().error.empty();
    if (!s.data.events.empty())
        s.replayer->refreshKernel();
    s.data.events.clear();
}

FollowProgress FollowReplay::progress()
{
    State& s = *m_s;
    const ReplayResult& r = live();
    FollowProgress p { s.reportedRequests, r.requests.size(), s.reportedSteps, r.timeline.size(), s.data.lines,
        s.eventsSeen };
    s.reportedRequests = p.requests;
    s.reportedSteps = p.steps;
    return p;
}

ReplayFileResult FollowReplay::finish()
{
    State& s = *m_s;
    if (!m_error.empty()) {
        ReplayFileResult failed;
        failed.status = ReadStatus::Failed;
        failed.error = m_error;
        return failed;
    }
    if (!m_stopped && !s.discarding && !s.pending.empty()) // the last line, without its '\n'
        s.parser.feedLine(s.pending);
    s.pending.clear();
    if (!m_stopped)
        drainEvents();
    s.spool.close();
    // The whole trace is needed (docs/following.md): an area nothing described, a late start, a stop marker
    // (its counts are those of the text up to it), or no trace line at all (the file reader's error).
    const bool wholeTrace = m_stopped || s.data.format == TraceFormat::Unknown || !s.replayer->unresolved().empty()
        || s.userOptions.lateStart == LateStartInference::Always || s.collector.verdict().detected
        || !s.replayer->partial().error.empty();
    if (wholeTrace)
        return fromSpool();
    ReplayFileResult out;
    out.format = s.data.format;
    out.result = s.replayer->finish(s.data);
    out.result.events = s.eventsSeen;
    out.result.lateStart = s.collector.verdict();
    if (s.userOptions.onMarker)
        for (const auto& [marker, areas] : s.markerLog)
            s.userOptions.onMarker(marker, areas);
    return out;
}

/// replayTraceFile() over the spooled text, named as the followed source.
ReplayFileResult FollowReplay::fromSpool()
{
    State& s = *m_s;
    ReplayFileResult out = replayTraceFile(s.spoolPath, s.inputs, s.userOptions);
    const std::string spoolName = s.spoolPath.string();
    auto rename = [&](std::string& text) {
        if (text.starts_with(spoolName))
            text = s.follow.sourceName + text.substr(spoolName.size());
    };
    rename(out.error);
    rename(out.result.error);
    rename(out.result.platform.name);
    if (out.result.scenario.description.ends_with(spoolName))
        out.result.scenario.description =
            out.result.scenario.description.substr(0, out.result.scenario.description.size() - spoolName.size())
            + s.follow.sourceName;
    return out;
}

} // namespace cmascope
