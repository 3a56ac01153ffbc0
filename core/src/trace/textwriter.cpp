// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/trace/textwriter.h>

#include <nlohmann/json.hpp>

#include <cinttypes>
#include <cstdio>

namespace cmascope {

namespace {
/// "  12.000345678" (seconds, nanoseconds): the reader takes any number of fraction digits.
std::string timestampText(std::uint64_t ns)
{
    char text[48];
    std::snprintf(text, sizeof text, "%6" PRIu64 ".%09" PRIu64, ns / 1000000000u, ns % 1000000000u);
    return text;
}

std::string hex(std::uint64_t value)
{
    char text[24];
    std::snprintf(text, sizeof text, "0x%" PRIx64, value);
    return text;
}

/// "name=AREA " unless the event predates name= (v4.1..v5.12 events, read as kUnnamedArea).
std::string nameField(const TraceData& data, const TraceEvent& e)
{
    const std::string_view area = data.areaName(e);
    return area == kUnnamedArea || area.empty() ? std::string() : "name=" + std::string(area) + ' ';
}

/// The fields of a cma_* event, in the kernel's order (docs/cli.md#convert).
std::string cmaFields(const TraceData& data, const TraceEvent& e)
{
    std::string f = nameField(data, e);
    if (e.type == EventType::AllocStart) {
        if (e.has(TraceEvent::HasAvailable))
            return f + "request_count=" + std::to_string(e.count)
                + " available_count=" + std::to_string(e.availableCount)
                + " total_count=" + std::to_string(e.totalCount) + " align=" + std::to_string(e.align);
        return f + "count=" + std::to_string(e.count) + " align=" + std::to_string(e.align);
    }
    f += "pfn=" + hex(e.pfn) + " page=" + (e.has(TraceEvent::NullPage) ? "(null)" : "(____ptrval____)")
        + " count=" + std::to_string(e.count);
    if (e.has(TraceEvent::HasAlign))
        f += " align=" + std::to_string(e.align);
    if (e.hasErrno())
        f += " errorno=" + std::to_string(e.errorno);
    return f;
}
} // namespace

std::string traceEventText(const TraceData& data, const TraceEvent& e)
{
    char cpu[16];
    std::snprintf(cpu, sizeof cpu, "[%03d]", e.cpu < 0 ? 0 : int(e.cpu));
    std::string line = data.taskName(e);
    if (line.size() < 16)
        line.insert(0, 16 - line.size(), ' ');
    line += ' ';
    line += cpu;
    line += ' ';
    line += timestampText(e.timestampNs);
    line += ": ";
    line += eventTypeName(e.type);
    line += ": ";
    if (e.type == EventType::Marker)
        line += data.markerText(e);
    else
        line += cmaFields(data, e);
    return line;
}

std::string traceEventJson(const TraceData& data, const TraceEvent& e)
{
    nlohmann::ordered_json j;
    j["line"] = e.line;
    j["time_ns"] = e.timestampNs;
    if (e.cpu >= 0)
        j["cpu"] = e.cpu;
    j["task"] = data.taskName(e);
    j["event"] = eventTypeName(e.type);
    if (e.type == EventType::Marker) {
        j["text"] = data.markerText(e);
        return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    j["area"] = data.areaName(e);
    if (e.type != EventType::AllocStart)
        j["pfn"] = e.pfn;
    if (e.has(TraceEvent::NoCount))
        j["count"] = nullptr;
    else
        j["count"] = e.count;
    if (e.has(TraceEvent::HasAlign))
        j["align"] = e.align;
    if (e.hasErrno())
        j["errorno"] = e.errorno;
    if (e.type == EventType::AllocFinish || e.type == EventType::LegacyAlloc)
        j["failed"] = e.failed();
    if (e.has(TraceEvent::HasAvailable)) {
        j["available_count"] = e.availableCount;
        j["total_count"] = e.totalCount;
    }
    // task, area and marker texts come from the trace: invalid UTF-8 is replaced, never thrown on
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace cmascope
