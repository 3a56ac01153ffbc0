// SPDX-License-Identifier: GPL-2.0-or-later
// Reading what the kernel tells about CMA: ftrace `cma:*` events (every generation of
// include/trace/events/cma.h, as /sys/kernel/tracing/trace, trace_pipe or `trace-cmd report` text,
// optionally gzip- or zstd-compressed), mm/cma_debug.c debugfs snapshots and boot-log lines.
// Standard C++20, no global state: every function may run in a worker thread.
#pragma once

#include <cmascope/util/progress.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <span>
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
    TraceData& m_out;
    std::size_t m_maxErrors;
    std::uint64_t m_lineNo = 0;
    // one-entry caches in front of the string tables (consecutive lines mostly repeat)
    std::string m_lastTask, m_lastArea;
    std::uint32_t m_lastTaskId = TraceEvent::kNoId, m_lastAreaId = TraceEvent::kNoId;
};

/// Parses a whole text held in memory.
TraceData parseTraceText(std::string_view text, std::size_t maxErrors = 100);

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

// ---- debugfs (mm/cma_debug.c) ----

/// One area's state as read from <debugfs>/cma/<name>/.
struct DebugfsSnapshot
{
    std::string name; ///< the directory name
    std::uint64_t basePfn = 0;
    std::uint64_t count = 0; ///< pages
    std::uint32_t orderPerBit = 0;
    std::uint64_t used = 0; ///< pages
    std::uint64_t maxchunk = 0; ///< pages
    std::vector<std::uint32_t> bitmap; ///< bit i of word j = bitmap bit 32*j+i
    bool operator==(const DebugfsSnapshot&) const = default;
};

struct DebugfsReadResult
{
    std::optional<DebugfsSnapshot> snapshot;
    std::string error; ///< names the file that was missing or malformed
};

/// Reads base_pfn (or ranges/0/base_pfn), count, order_per_bit, used, maxchunk and bitmap from `dir`.
DebugfsReadResult readDebugfsSnapshot(const std::filesystem::path& dir);

/// The debugfs `bitmap` text: decimal u32 words separated by single spaces, then '\n'.
std::string formatDebugfsBitmap(std::span<const std::uint32_t> words);
/// Parses that text (any whitespace between words). On error returns nullopt and sets `error`.
std::optional<std::vector<std::uint32_t>> parseDebugfsBitmap(std::string_view text, std::string* error = nullptr);
/// Number of set bits shifted by orderPerBit: what old kernels print as `used`.
std::uint64_t bitmapUsedPages(std::span<const std::uint32_t> words, std::uint32_t orderPerBit);

// ---- boot log ----

/// Which boot message a BootLogArea came from.
enum class BootLogKind : std::uint8_t {
    CmaReserved, ///< "cma: Reserved %ld MiB at %pa[ on node %d]" (every cma_declare_contiguous area)
    CmaReservedRanges, ///< "cma: Reserved %lu MiB in %d range(s)" (multi-range areas; no base)
    DtPoolCreated, ///< "Reserved memory: created CMA memory pool at %pa, size %ld MiB"
    DtReservedRange, ///< "OF: reserved mem: <base>..<end> (N KiB) map reusable NAME"
    DtNodeInitialized, ///< "OF: reserved mem: initialized node NAME, compatible id shared-dma-pool"
    HugetlbCma, ///< "hugetlb_cma: reserved %lu MiB on node %d"
    MemoryCmaReserved, ///< "Memory: ... %luK cma-reserved": the total of all areas
};

struct BootLogArea
{
    BootLogKind kind = BootLogKind::CmaReserved;
    std::string name; ///< area name when the message (or its neighbour) tells it; else empty
    bool nameInferred = false; ///< name deduced from context, not printed on the line
    std::optional<std::uint64_t> base; ///< bytes
    std::uint64_t size = 0; ///< bytes
    int node = -1; ///< NUMA node; -1 = none printed / NUMA_NO_NODE
    std::uint32_t line = 0; ///< 1-based
    std::string text; ///< the message without its "[    0.000000] " prefix
};

/// Finds the CMA reservation messages in dmesg text. Names: DT areas get the node name; a
/// `cma: Reserved` line directly followed by `hugetlb_cma: reserved ... on node N` is "hugetlbN";
/// one without node (or node -1) is the global default area "reserved" (nameInferred).
std::vector<BootLogArea> parseBootLog(std::string_view text);

} // namespace cmascope
