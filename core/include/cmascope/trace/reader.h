// SPDX-License-Identifier: GPL-2.0-or-later
// Reading a trace file or stream (plain text, gzip or zstd; trace.dat through tracedat.h) in blocks, with
// progress, cancel and a streaming consumer. Standard C++20, no global state: may run in a worker thread.
#pragma once

#include <cmascope/trace/events.h>
#include <cmascope/util/progress.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace cmascope {

struct TraceReadOptions
{
    std::size_t maxErrors = 100; ///< errors kept in TraceData::errors (all are counted)
    std::size_t blockSize = 1u << 20; ///< bytes of text parsed between progress callbacks
    std::size_t maxLineLength = 1u << 16; ///< longer lines are reported as errors and dropped
    /// Streaming (added for replay.h): called after every parsed block and once at the end with the
    /// data so far; it may consume and clear `events` (string tables and counters stay). Return
    /// false to stop reading (status Cancelled). Unset = keep every event.
    std::function<bool(TraceData&)> consumer;
};

/// Called after every block; return false to cancel. bytesTotal is 0 when unknown.
/// For compressed input both count compressed bytes.
using TraceProgress = Progress; ///< (bytes done, bytes total); progress.h

enum class ReadStatus : std::uint8_t {
    Ok, ///< read to the end (TraceData may still hold per-line errors)
    Cancelled, ///< the progress callback returned false; `data` holds what was read so far
    Failed, ///< cannot open/read/decompress, or not a text trace; see `error`
};

struct TraceReadResult
{
    ReadStatus status = ReadStatus::Ok;
    std::string error; ///< Failed: what went wrong, naming the file
    TraceData data;
    bool ok() const { return status == ReadStatus::Ok; }
};

/// Reads a trace file (plain, gzip or zstd; detected by magic bytes) in blocks.
TraceReadResult readTrace(
    const std::filesystem::path& path, const TraceReadOptions& options = {}, const TraceProgress& progress = {});
/// Same from a stream; `sourceName` names it in error messages, `totalBytes` feeds the progress (0 = unknown).
TraceReadResult readTrace(std::istream& in, std::string_view sourceName, const TraceReadOptions& options = {},
    const TraceProgress& progress = {}, std::uint64_t totalBytes = 0);

} // namespace cmascope
