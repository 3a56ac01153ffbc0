// SPDX-License-Identifier: GPL-2.0-or-later
// What a CMA trace holds once read: the events (every generation of include/trace/events/cma.h and
// user-space markers), the interned task/area/marker names, counters and per-line errors.
// Standard C++20, no global state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cmascope {

/// What a trace line recorded.
enum class EventType : std::uint8_t {
    AllocStart, ///< cma_alloc_start (count / request_count, align)
    AllocFinish, ///< cma_alloc_finish (pfn, page, count, align[, errorno])
    BusyRetry, ///< cma_alloc_busy_retry (a window that could not be migrated; the search goes on)
    Release, ///< cma_release (pfn, page, count)
    LegacyAlloc, ///< cma_alloc (v4.1..v5.12 one-shot event: the result of a whole allocation)
    Marker, ///< tracing_mark_write / trace-cmd `print` (user-space marker text)
};
inline constexpr std::size_t kEventTypeCount = 6;

/// The kernel's event name for a type ("cma_alloc_start", ..., "tracing_mark_write").
std::string_view eventTypeName(EventType type);

/// One parsed trace line. Kept small: a GUI holds millions of them.
struct TraceEvent
{
    enum Flag : std::uint8_t {
        Failed = 1 << 0, ///< alloc finish/legacy alloc failed: errorno != 0, NULL page or pfn == ~0
        HasErrno = 1 << 1, ///< the line carried errorno= (v6.7+ cma_alloc_finish)
        HasAlign = 1 << 2, ///< the line carried align= (absent from v4.1 cma_alloc and from releases)
        HasAvailable = 1 << 3, ///< 2025 cma_alloc_start form: availableCount/totalCount are valid
        NullPage = 1 << 4, ///< page printed as NULL (0000000000000000, 0x0, (null), (nil))
        NoCount = 1 << 5, ///< the source did not record the size (Perfetto's typed cma_alloc_start on 6.18+): count 0
    };

    std::uint64_t timestampNs = 0; ///< trace clock, converted to nanoseconds (counter clocks: raw value)
    std::uint64_t pfn = 0; ///< as recorded; see Failed for allocation failures
    std::uint64_t count = 0; ///< pages (count= or request_count=)
    std::uint32_t availableCount = 0; ///< pages free in the area (HasAvailable only)
    std::uint32_t totalCount = 0; ///< pages of the area (HasAvailable only)
    std::uint32_t line = 0; ///< 1-based line number in the input
    std::uint32_t taskId = 0; ///< index into TraceData::tasks ("comm-pid")
    std::uint32_t areaId = kNoId; ///< index into TraceData::areas; kNoId for markers
    std::uint32_t markerId = kNoId; ///< index into TraceData::markers (Marker only)
    std::int32_t errorno = 0; ///< HasErrno only
    std::int16_t cpu = -1;
    EventType type = EventType::AllocStart;
    std::uint8_t align = 0; ///< page order of the requested alignment (HasAlign only)
    std::uint8_t flags = 0;

    static constexpr std::uint32_t kNoId = 0xffffffffu;

    bool has(Flag f) const { return (flags & f) != 0; }
    bool failed() const { return has(Failed); }
    bool hasErrno() const { return has(HasErrno); }
};
static_assert(sizeof(TraceEvent) <= 64, "a million events must fit in 64 MB");

/// Name given to the area of events that predate `name=` (v4.1..v5.12 `cma_alloc`/`cma_release`).
inline constexpr std::string_view kUnnamedArea = "(unnamed)";

/// The layout the input was recognised as (from its first meaningful line).
enum class TraceFormat : std::uint8_t {
    Unknown, ///< nothing recognisable (empty input, or only other text)
    TraceFile, ///< /sys/kernel/tracing/trace (starts with `# tracer:`)
    TracePipe, ///< trace_pipe: event lines without header
    TraceCmdReport, ///< `trace-cmd report` (first line `cpus=N`)
    Perfetto, ///< a Perfetto protobuf trace (perfetto.h)
};

/// A malformed line of the input.
struct TraceError
{
    std::uint32_t line = 0; ///< 1-based; 0 = not tied to a line
    std::string message;
};

/// Interns strings: each distinct text gets a dense id, in order of first appearance.
class StringTable
{
public:
    std::uint32_t intern(std::string_view text);
    /// kNoId if absent.
    std::uint32_t find(std::string_view text) const;
    const std::string& operator[](std::uint32_t id) const { return m_strings[id]; }
    std::size_t size() const { return m_strings.size(); }
    const std::vector<std::string>& strings() const { return m_strings; }
    /// Bytes held by the strings and the index (approximate; for memory accounting).
    std::size_t memoryBytes() const;

private:
    struct Hash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view> {}(s); }
    };
    std::vector<std::string> m_strings;
    std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> m_index;
};

/// Everything read from one trace.
struct TraceData
{
    std::string source; ///< file name given to readTrace() (empty for in-memory text)
    std::vector<TraceEvent> events; ///< in input order (not re-sorted by timestamp)
    StringTable tasks; ///< "comm-pid", e.g. "kworker/u4:0-9"
    StringTable areas; ///< CMA area names; kUnnamedArea for events without name=
    StringTable markers; ///< marker texts

    TraceFormat format = TraceFormat::Unknown;
    std::uint64_t lines = 0; ///< lines seen
    std::uint64_t skippedLines = 0; ///< comments, blank lines, other events, unknown cma_* events
    std::uint64_t errorCount = 0; ///< malformed cma lines (all of them; `errors` keeps the first ones)
    std::uint64_t lostEvents = 0; ///< sum of `CPU:N [LOST M EVENTS]`
    std::array<std::uint64_t, kEventTypeCount> perType {}; ///< events per EventType
    std::vector<TraceError> errors; ///< the first TraceReadOptions::maxErrors

    std::uint64_t count(EventType t) const { return perType[static_cast<std::size_t>(t)]; }
    const std::string& taskName(const TraceEvent& e) const { return tasks[e.taskId]; }
    /// Empty for markers.
    std::string_view areaName(const TraceEvent& e) const;
    /// Empty unless a marker.
    std::string_view markerText(const TraceEvent& e) const;
    /// Bytes used by events (capacity) and string tables.
    std::size_t memoryBytes() const;
};

/// "source:line: message" (or "line N: message" without a source), for logs and dialogs.
std::string formatTraceError(const TraceData& data, const TraceError& error);

} // namespace cmascope
