// SPDX-License-Identifier: GPL-2.0-or-later
// The trace data: event type names, string interning, memory accounting and error text.
#include <cmascope/trace/events.h>

#include <string>

namespace cmascope {

std::string_view eventTypeName(EventType type)
{
    switch (type) {
    case EventType::AllocStart:
        return "cma_alloc_start";
    case EventType::AllocFinish:
        return "cma_alloc_finish";
    case EventType::BusyRetry:
        return "cma_alloc_busy_retry";
    case EventType::Release:
        return "cma_release";
    case EventType::LegacyAlloc:
        return "cma_alloc";
    case EventType::Marker:
        return "tracing_mark_write";
    }
    return "?";
}

std::uint32_t StringTable::intern(std::string_view text)
{
    if (auto it = m_index.find(text); it != m_index.end())
        return it->second;
    const auto id = static_cast<std::uint32_t>(m_strings.size());
    m_strings.emplace_back(text);
    m_index.emplace(std::string(text), id);
    return id;
}

std::uint32_t StringTable::find(std::string_view text) const
{
    auto it = m_index.find(text);
    return it == m_index.end() ? TraceEvent::kNoId : it->second;
}

std::size_t StringTable::memoryBytes() const
{
    std::size_t bytes = m_strings.capacity() * sizeof(std::string);
    for (const auto& s : m_strings)
        bytes += (s.capacity() > 15 ? s.capacity() + 1 : 0) * 2; // text and index key
    bytes += m_index.size() * (sizeof(std::string) + sizeof(std::uint32_t) + 2 * sizeof(void*));
    bytes += m_index.bucket_count() * sizeof(void*);
    return bytes;
}

std::string_view TraceData::areaName(const TraceEvent& e) const
{
    return e.areaId == TraceEvent::kNoId ? std::string_view() : std::string_view(areas[e.areaId]);
}

std::string_view TraceData::markerText(const TraceEvent& e) const
{
    return e.markerId == TraceEvent::kNoId ? std::string_view() : std::string_view(markers[e.markerId]);
}

std::size_t TraceData::memoryBytes() const
{
    return events.capacity() * sizeof(TraceEvent) + tasks.memoryBytes() + areas.memoryBytes() + markers.memoryBytes()
        + errors.capacity() * sizeof(TraceError);
}

std::string formatTraceError(const TraceData& data, const TraceError& error)
{
    std::string out = data.source.empty() ? std::string("line ") : data.source + ":";
    out += std::to_string(error.line);
    out += ": ";
    out += error.message;
    return out;
}

} // namespace cmascope
