// SPDX-License-Identifier: GPL-2.0-or-later
// The line parser for ftrace `cma:*` events: /sys/kernel/tracing/trace, trace_pipe or `trace-cmd report`
// text, one line at a time, into a TraceData. Standard C++20, no global state.
#pragma once

#include <cmascope/trace/events.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cmascope {

/// Parses trace text line by line. Use directly for in-memory text; readTrace() streams files.
class TraceLineParser
{
public:
    explicit TraceLineParser(TraceData& out, std::size_t maxErrors = 100);
    /// One line without its '\n' (a trailing '\r' is ignored). Lines are numbered from 1.
    void feedLine(std::string_view line);
    /// Records an error for the next line number and counts the line (used for over-long lines).
    void rejectLine(std::string message);
    std::uint64_t lineNumber() const { return m_lineNo; }

private:
    void addError(std::uint32_t line, std::string message);
    /// A non-cma event: kept if it is a marker, else skipped.
    void feedMarker(std::string_view task, std::string_view name, std::string_view info, TraceEvent& ev);
    /// A cma_* event of a known type (set in @p ev): its fields checked and copied, or an error.
    void feedCmaEvent(std::string_view task, std::string_view name, std::string_view info, TraceEvent& ev);
    /// Task and area ids, through the one-entry caches.
    std::uint32_t internTask(std::string_view task);
    std::uint32_t internArea(std::string_view area);
    TraceData& m_out;
    std::size_t m_maxErrors;
    std::uint64_t m_lineNo = 0;
    // one-entry caches in front of the string tables (consecutive lines mostly repeat)
    std::string m_lastTask, m_lastArea;
    std::uint32_t m_lastTaskId = TraceEvent::kNoId, m_lastAreaId = TraceEvent::kNoId;
};

/// Parses a whole text held in memory.
TraceData parseTraceText(std::string_view text, std::size_t maxErrors = 100);

} // namespace cmascope
