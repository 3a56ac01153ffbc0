// SPDX-License-Identifier: GPL-2.0-or-later
// A read trace written back out, one event per line (`cmascope-cli convert`, docs/cli.md#convert):
// as trace_pipe text that the text parser (parser.h) reads back into the same events, or as one JSON object per
// line for grep, jq and other tools. Standard C++20, no global state.
#pragma once

#include <cmascope/trace/events.h>

#include <string>

namespace cmascope {

/// One event as a trace_pipe line: "comm-pid [cpu] seconds.nanoseconds: event: fields", the fields in the
/// kernel's order for the event's form. The kernel's hashed page pointer is not kept by the reader: a page is
/// written "(____ptrval____)" (as kernels print it before pointers are hashed), a NULL page "(null)".
/// Reading the line back gives the same event (time, task, cpu, area, pfn, count, align, errorno, the 2025
/// available/total counts), except the size of a Perfetto cma_alloc_start that recorded none (count 0).
std::string traceEventText(const TraceData& data, const TraceEvent& event);

/// One event as a JSON object on one line: line, time_ns, cpu, task, event, and the fields it carries (area,
/// pfn, count, align, errorno, failed, available_count, total_count; text for markers). No trailing newline.
std::string traceEventJson(const TraceData& data, const TraceEvent& event);

} // namespace cmascope
