// SPDX-License-Identifier: GPL-2.0-or-later
// Reading `trace-cmd record` binary files (trace.dat, optionally gzip-compressed) through libtracecmd and
// libtraceevent: the same TraceData as parsing the `trace-cmd report` text of the same file.
// Standard C++20 interface; the libraries are a private dependency of cmascope_core.
#pragma once

#include <cmascope/trace/reader.h>

#include <filesystem>
#include <string_view>

namespace cmascope {

/// The first bytes of every trace.dat ("\x17\x08\x44tracing", then the file version).
inline constexpr std::string_view kTraceDatMagic { "\x17\x08\x44tracing", 10 };

/// True if the file, or the content of a gzip file, starts with kTraceDatMagic. False if it cannot be read.
bool isTraceDatFile(const std::filesystem::path& path);

/// Reads a trace.dat (or a gzip of one: it is gunzipped to a temporary file first, libtracecmd needs a path).
/// The result matches parsing `trace-cmd report` of the same file:
/// - events in the report's order (all CPUs merged by timestamp), the cma:* events found by system "cma"
///   and name, markers from ftrace `print` events (their `buf`, without leading blanks and trailing
///   whitespace); tasks are "comm-pid" from the file's saved comms;
/// - TraceEvent::line is the line the record has in the report (line 1 is "cpus=N", a
///   "CPU:N [... EVENTS DROPPED]" line before a record that follows lost events); `lines` and
///   `skippedLines` count those lines; `lostEvents` sums the records' known missed-event counts;
/// - format is TraceFormat::TraceCmdReport;
/// - timestamps are the file's nanoseconds rounded to the microsecond the report prints (tracetime.h).
/// `progress` counts bytes of the file given (compressed bytes for a gzip: the gunzip is the first half);
/// `options.consumer` is called every few thousand records and at the end, as for text.
/// Failures (unreadable, corrupt or truncated file) give ReadStatus::Failed with an error naming @p path.
TraceReadResult readTraceDat(
    const std::filesystem::path& path, const TraceReadOptions& options = {}, const TraceProgress& progress = {});

} // namespace cmascope
