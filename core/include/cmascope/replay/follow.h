// SPDX-License-Identifier: GPL-2.0-or-later
// Live replay (issue 17, docs/following.md): trace text is pushed in as it arrives (any cut, a partial last
// line is kept), parsed line by line and fed to the same streaming replay engine replayTraceFile() uses.
// The state so far can be read between pushes; at the end of input, finish() gives exactly what
// replayTraceFile() gives for the same text. The parser's memory is bounded; the replay result grows
// with the requests, as it does for a file; the text received is spooled to a file (disk, not memory),
// which the end of input re-reads only when the whole trace is needed (a late start, an inferred area).
// Standard C++20, no Qt, no global state.
#pragma once

#include <cmascope/replay/replay.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace cmascope {

struct FollowOptions
{
    /// The name the report gives the trace (the followed file, "-", the command).
    std::string sourceName;
    /// Where the received text is kept (empty: a temporary file, removed by the FollowReplay).
    std::filesystem::path spoolPath;
    std::size_t maxErrors = 100; ///< parse errors kept (all are counted), as TraceReadOptions
    std::size_t maxLineLength = 1u << 16; ///< longer lines are errors and dropped, as TraceReadOptions
};

/// What one push brought: the requests settled and timeline steps added since the previous push.
struct FollowProgress
{
    std::size_t firstNewRequest = 0, requests = 0; ///< ReplayResult::requests [firstNewRequest, requests)
    std::size_t firstNewStep = 0, steps = 0; ///< ReplayResult::timeline [firstNewStep, steps)
    std::uint64_t lines = 0, events = 0; ///< so far
};

class FollowReplay
{
public:
    /// @p inputs and @p options are copied. ReplayOptions::onMarker is called as markers arrive when the
    /// end needs no second pass; otherwise by that pass (docs/following.md).
    FollowReplay(const ReplayInputs& inputs, const ReplayOptions& options, FollowOptions follow);
    ~FollowReplay();
    FollowReplay(const FollowReplay&) = delete;
    FollowReplay& operator=(const FollowReplay&) = delete;

    /// Takes the next bytes of text. False once the input is unusable (error()) or the stop marker was seen.
    bool push(std::string_view bytes);
    /// What the pushes since the previous call added (the state itself: live()).
    FollowProgress progress();
    /// The replay so far: areas met, their state, requests settled (requests in flight are not yet there).
    /// The timeline's platform is filled only by finish(); live() areas stand for its regions.
    const ReplayResult& live() const;
    /// Non-empty once the input cannot be a text trace (binary, compressed) or the spool cannot be written.
    const std::string& error() const { return m_error; }
    bool stopped() const { return m_stopped; }
    /// Areas met that nothing described yet: their requests are counted, placed only at the end.
    const std::vector<std::string>& unresolved() const;

    /// End of input: the last partial line, then the replay exactly as replayTraceFile() gives it for the
    /// text received. Call once.
    ReplayFileResult finish();

private:
    void feedLines(std::string_view bytes);
    bool checkFirstBytes(std::string_view bytes);
    void drainEvents();
    ReplayFileResult fromSpool();

    struct State;
    std::unique_ptr<State> m_s;
    std::string m_error;
    bool m_stopped = false;
};

} // namespace cmascope
