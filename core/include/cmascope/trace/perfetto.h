// SPDX-License-Identifier: GPL-2.0-or-later
// Reading Perfetto protobuf traces (a `Trace` of `TracePacket`s, as `perfetto -o FILE` writes them) into the
// same TraceData as the text parser: the cma:* ftrace events (typed, GenericFtraceEvent or self-describing
// generic form), ftrace `print` markers, task names, lost events. Decoded with protozero (libprotozero-dev).
// See docs/perfetto.md for the messages and fields read and what is lost. Standard C++20, no global state.
#pragma once

#include <cmascope/trace/reader.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace cmascope {

/// True if @p head (the first bytes of a file, at least its first packet for a sure answer) looks like a
/// Perfetto trace: field 1 length-delimited (byte 0x0a), and the first packet decodes as protobuf fields and
/// holds a byte no text trace has (a control byte: every packet carries a small varint such as its sequence
/// id). A head cut inside the first packet is judged on the bytes it has.
bool looksLikePerfettoTrace(std::string_view head);

/// True for the file names Perfetto's tools give their traces: `.perfetto-trace`, `.pftrace`.
bool hasPerfettoExtension(const std::filesystem::path& path);

/// Pulls up to `cap` more bytes into `dst`; 0 at the end of the input. Sets `error` on failure.
using ByteSource = std::function<std::size_t(char* dst, std::size_t cap, std::string& error)>;

/// Reads a Perfetto trace from @p source, after the bytes of @p prefix (already taken from it).
/// - Events: the cma:* ftrace events (cma_alloc_start, cma_alloc_finish, cma_alloc_busy_retry, cma_release;
///   Android's cma_alloc_info as a finish when the trace has no cma_alloc_finish) and ftrace `print`
///   (markers), sorted by timestamp (ties: lower CPU first, then the order within the CPU), the timestamps in
///   nanoseconds of the trace's ftrace clock; TraceEvent::line is the event's 1-based position in that order.
///   A typed cma_alloc_start without `count` (Perfetto's CmaAllocStartFtraceEvent on 6.18+ kernels, whose
///   field is request_count) gets TraceEvent::NoCount and count 0.
/// - Tasks: "comm-pid", the comm the last one Perfetto recorded for that pid anywhere in the trace (sched
///   switch/waking comms, task_newtask/task_rename, process_stats thread names and comm-only cmdlines), else
///   the base name of its cmdline, else "<...>" (as the text trace prints an unknown comm).
/// - lostEvents: the ftrace ring buffer overruns and dropped events of the trace's FtraceStats (end minus
///   start), at least one per bundle flagged lost_events.
/// - format TraceFormat::Perfetto; `lines` counts the ftrace events seen, `skippedLines` those not kept.
/// The events are held until the end (names arrive after the events they belong to), then handed to
/// `options.consumer` in blocks. Memory: the events, and the largest packet (or decompressed packet batch).
/// Corrupt input (truncated varint or packet, wrong wire type, a packet longer than the input, bad zlib data)
/// gives ReadStatus::Failed with an error naming @p sourceName and the byte offset.
TraceReadResult readPerfettoTrace(const ByteSource& source, std::string prefix, std::string_view sourceName,
    const TraceReadOptions& options = {}, const TraceProgress& progress = {}, std::uint64_t totalBytes = 0);

/// The same for a file.
TraceReadResult readPerfettoTrace(
    const std::filesystem::path& path, const TraceReadOptions& options = {}, const TraceProgress& progress = {});

} // namespace cmascope
