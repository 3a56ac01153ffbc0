// SPDX-License-Identifier: GPL-2.0-or-later
// Line parser for ftrace CMA events. Layouts (kernel/trace/trace_output.c, trace-cmd trace-read.c):
//   trace / trace_pipe:  "%16s-%-7d " ["(%7d) "] "[%03d] " [flags " "] "%5lu.%06lu: " event ": " info
//   trace-cmd report:    "%16s-%-5d [%03d]" [" " flags] " %5llu.%06llu: " event ":" padded to 20 " " info
// Hand-written with string_view/from_chars: this runs over millions of lines.
#include "requiredfields.h"

#include <cmascope/trace/parser.h>

#include <charconv>
#include <cstring>
#include <limits>
#include <string>

namespace cmascope {

namespace {

constexpr bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
constexpr bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

std::string_view trimRight(std::string_view s)
{
    while (!s.empty() && (isSpace(s.back()) || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

std::size_t skipSpaces(std::string_view s, std::size_t i)
{
    while (i < s.size() && isSpace(s[i]))
        ++i;
    return i;
}

template <typename T> bool parseDec(std::string_view s, T& out)
{
    if (s.empty())
        return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 10);
    return ec == std::errc() && p == s.data() + s.size();
}

bool parseHex(std::string_view s, std::uint64_t& out)
{
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s.remove_prefix(2);
    if (s.empty())
        return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
    return ec == std::errc() && p == s.data() + s.size();
}

/// "%p" output: hashed or raw hex (with or without 0x), or a parenthesised placeholder.
/// Returns false if it is none of those; sets isNull for a NULL pointer.
bool parsePagePointer(std::string_view s, bool& isNull)
{
    isNull = false;
    if (s == "(null)" || s == "(nil)") {
        isNull = true;
        return true;
    }
    if (s == "(____ptrval____)" || s == "(ptrval)" || s == "(efault)" || s == "(einval)")
        return true;
    std::uint64_t v = 0;
    if (!parseHex(s, v))
        return false;
    isNull = (v == 0);
    return true;
}

/// "279.814717" (any number of fraction digits) or a raw counter "123456".
bool parseTimestamp(std::string_view s, std::uint64_t& ns)
{
    const auto dot = s.find('.');
    std::uint64_t secs = 0;
    if (dot == std::string_view::npos) {
        if (!parseDec(s, secs))
            return false;
        ns = secs;
        return true;
    }
    if (!parseDec(s.substr(0, dot), secs))
        return false;
    std::string_view frac = s.substr(dot + 1);
    if (frac.empty())
        return false;
    std::uint64_t f = 0;
    std::size_t digits = 0;
    for (char c : frac) {
        if (!isDigit(c))
            return false;
        if (digits < 9) {
            f = f * 10 + static_cast<std::uint64_t>(c - '0');
            ++digits;
        }
    }
    for (; digits < 9; ++digits)
        f *= 10;
    ns = secs * 1000000000ull + f;
    return true;
}

struct LineHeader
{
    std::string_view task; ///< "comm-pid" (contiguous in the line)
    int cpu = -1;
    std::uint64_t timestampNs = 0;
    std::string_view event; ///< without ':'; empty if the line ends inside the name
    std::string_view info; ///< text after "event: " (trimmed)
    bool truncatedEvent = false;
};

/// Before @p k (just past the pid): an optional "(  tgid)" column, where tgid may print as "-------" when
/// unknown. Returns where the pid ends (@p k itself when there is no such column), or npos if malformed.
std::size_t skipTgidColumn(std::string_view line, std::size_t start, std::size_t k)
{
    if (line[k - 1] != ')')
        return k;
    std::size_t lp = k - 1;
    while (lp > start && line[lp - 1] != '(')
        --lp;
    if (lp <= start)
        return std::string_view::npos;
    const std::string_view inner = line.substr(lp, k - 1 - lp);
    bool ok = !inner.empty();
    for (char c : inner)
        ok = ok && (isDigit(c) || c == ' ' || c == '-');
    if (!ok)
        return std::string_view::npos;
    k = lp - 1; // at '('
    while (k > start && line[k - 1] == ' ')
        --k;
    return k;
}

/// Finds "comm-pid [ (tgid) ] [cpu]": sets task and cpu, returns the position after ']' (npos if none).
std::size_t parseTaskAndCpu(std::string_view line, LineHeader& h)
{
    const std::size_t start = skipSpaces(line, 0);
    std::size_t searchFrom = start;
    while (true) {
        const std::size_t open = line.find('[', searchFrom);
        if (open == std::string_view::npos)
            return std::string_view::npos;
        searchFrom = open + 1;
        // "[digits]"
        std::size_t i = open + 1;
        int cpu = 0;
        std::size_t nd = 0;
        while (i < line.size() && isDigit(line[i]) && nd < 6) {
            cpu = cpu * 10 + (line[i] - '0');
            ++i;
            ++nd;
        }
        if (nd == 0 || i >= line.size() || line[i] != ']')
            continue;
        // at least one space before '['
        std::size_t k = open;
        while (k > start && line[k - 1] == ' ')
            --k;
        if (k == open || k <= start)
            continue;
        k = skipTgidColumn(line, start, k);
        if (k == std::string_view::npos)
            continue;
        // pid digits preceded by '-'
        const std::size_t pidEnd = k;
        while (k > start && isDigit(line[k - 1]))
            --k;
        if (k == pidEnd || k <= start || line[k - 1] != '-')
            continue;
        h.task = line.substr(start, pidEnd - start);
        h.cpu = cpu;
        return i + 1;
    }
}

/// From @p p (after the cpu): "[flags] timestamp: event: info". False if the line is not an event line.
bool parseTimestampAndEvent(std::string_view line, std::size_t p, LineHeader& h)
{
    p = skipSpaces(line, p);
    for (int field = 0; field < 2; ++field) {
        std::size_t e = p;
        while (e < line.size() && !isSpace(line[e]))
            ++e;
        const std::string_view tok = line.substr(p, e - p);
        if (tok.empty())
            return false;
        if (tok.back() == ':' && isDigit(tok.front())) {
            if (!parseTimestamp(tok.substr(0, tok.size() - 1), h.timestampNs))
                return false;
            p = skipSpaces(line, e);
            // event name up to ':'
            std::size_t n = p;
            while (n < line.size() && line[n] != ':' && !isSpace(line[n]))
                ++n;
            if (n == p)
                return false;
            h.event = line.substr(p, n - p);
            if (n >= line.size() || line[n] != ':') {
                h.truncatedEvent = true;
                h.info = {};
                return true;
            }
            h.info = trimRight(line.substr(skipSpaces(line, n + 1)));
            return true;
        }
        if (field == 1)
            return false;
        // latency flags ("....", ".....", "d..1.", ...): no ':' in them
        if (tok.size() > 8 || tok.find(':') != std::string_view::npos)
            return false;
        p = skipSpaces(line, e);
    }
    return false;
}

/// Finds "comm-pid [ (tgid) ] [cpu]" and the timestamp. False if the line is not an event line.
bool parseHeader(std::string_view line, LineHeader& h)
{
    const std::size_t afterCpu = parseTaskAndCpu(line, h);
    return afterCpu != std::string_view::npos && parseTimestampAndEvent(line, afterCpu, h);
}

struct Fields
{
    std::string_view name;
    std::string_view page;
    std::uint64_t pfn = 0, count = 0, available = 0, total = 0, align = 0;
    std::int64_t errorno = 0;
    bool hasName = false, hasPfn = false, hasPage = false, hasCount = false, hasRequestCount = false,
         hasAvailable = false, hasTotal = false, hasAlign = false, hasErrno = false;
};

/// Parses "key=value key=value ...". Returns an error message or empty.
std::string parseFields(std::string_view info, Fields& f)
{
    std::size_t i = 0;
    bool lastWasName = false;
    std::size_t nameStart = 0;
    while (true) {
        i = skipSpaces(info, i);
        if (i >= info.size())
            break;
        std::size_t e = i;
        while (e < info.size() && !isSpace(info[e]))
            ++e;
        const std::string_view tok = info.substr(i, e - i);
        const std::size_t eq = tok.find('=');
        if (eq == std::string_view::npos) {
            if (lastWasName) { // area names may hold spaces: extend name up to here
                f.name = info.substr(nameStart, e - nameStart);
                i = e;
                continue;
            }
            return "malformed field '" + std::string(tok) + "' (expected key=value)";
        }
        const std::string_view key = tok.substr(0, eq);
        const std::string_view val = tok.substr(eq + 1);
        lastWasName = false;
        auto bad = [&](const char* what) { return std::string("invalid ") + what + " '" + std::string(val) + "'"; };
        if (key == "name") {
            f.name = val;
            f.hasName = true;
            lastWasName = true;
            nameStart = i + eq + 1;
        } else if (key == "pfn") {
            if (!parseHex(val, f.pfn))
                return bad("pfn");
            f.hasPfn = true;
        } else if (key == "page") {
            bool isNull = false;
            if (!parsePagePointer(val, isNull))
                return bad("page pointer");
            f.page = val;
            f.hasPage = true;
        } else if (key == "count") {
            if (!parseDec(val, f.count))
                return bad("count");
            f.hasCount = true;
        } else if (key == "request_count") {
            if (!parseDec(val, f.count))
                return bad("request_count");
            f.hasCount = f.hasRequestCount = true;
        } else if (key == "available_count") {
            if (!parseDec(val, f.available) || f.available > std::numeric_limits<std::uint32_t>::max())
                return bad("available_count");
            f.hasAvailable = true;
        } else if (key == "total_count") {
            if (!parseDec(val, f.total) || f.total > std::numeric_limits<std::uint32_t>::max())
                return bad("total_count");
            f.hasTotal = true;
        } else if (key == "align") {
            if (!parseDec(val, f.align) || f.align > 255)
                return bad("align");
            f.hasAlign = true;
        } else if (key == "errorno") {
            if (!parseDec(val, f.errorno) || f.errorno < std::numeric_limits<std::int32_t>::min()
                || f.errorno > std::numeric_limits<std::int32_t>::max())
                return bad("errorno");
            f.hasErrno = true;
        }
        // other keys: ignored (forward compatibility)
        i = e;
    }
    return {};
}

std::string missing(std::string_view event, const char* field)
{
    return std::string(event) + ": missing " + field + " (truncated or malformed line)";
}

/// Lines that hold no event: blank lines and comments ("# tracer:" tells the format), trace-cmd's "cpus=N"
/// and "CPU:N [LOST M EVENTS]". True if @p line is one of them (counted as skipped).
bool skipNonEventLine(std::string_view line, TraceData& out)
{
    const std::size_t first = skipSpaces(line, 0);
    if (first >= line.size() || line[first] == '#') {
        if (out.format == TraceFormat::Unknown && line.starts_with("# tracer:"))
            out.format = TraceFormat::TraceFile;
        ++out.skippedLines;
        return true;
    }
    if (line.starts_with("cpus=")) {
        if (out.format == TraceFormat::Unknown)
            out.format = TraceFormat::TraceCmdReport;
        ++out.skippedLines;
        return true;
    }
    if (line.starts_with("CPU:")) { // "CPU:1 [LOST 42 EVENTS]"
        const auto lost = line.find("[LOST ");
        if (lost != std::string_view::npos) {
            std::string_view rest = line.substr(lost + 6);
            std::uint64_t n = 0;
            auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
            if (ec == std::errc())
                out.lostEvents += n;
        }
        ++out.skippedLines;
        return true;
    }
    return false;
}

/// The text of a marker event (tracing_mark_write, or trace-cmd's "print: tracing_mark_write: text");
/// false for any other event.
bool markerText(std::string_view name, std::string_view info, std::string_view& text)
{
    if (name == "tracing_mark_write") {
        text = info;
        return true;
    }
    if (name == "print") {
        text = info;
        if (text.starts_with("tracing_mark_write:"))
            text = text.substr(skipSpaces(text, sizeof("tracing_mark_write:") - 1));
        return true;
    }
    return false;
}

/// The type of a cma_* event; false for others (cma_alloc_at_start, future events...).
bool cmaEventType(std::string_view name, EventType& type)
{
    if (name == "cma_alloc_start")
        type = EventType::AllocStart;
    else if (name == "cma_alloc_finish")
        type = EventType::AllocFinish;
    else if (name == "cma_release")
        type = EventType::Release;
    else if (name == "cma_alloc_busy_retry")
        type = EventType::BusyRetry;
    else if (name == "cma_alloc")
        type = EventType::LegacyAlloc;
    else
        return false;
    return true;
}

/// The first field an event of @p type needs that @p f lacks, or nullptr.
const char* missingField(EventType type, const Fields& f)
{
    return missingCmaField(type,
        { .count = f.hasCount,
            .align = f.hasAlign,
            .available = f.hasAvailable,
            .total = f.hasTotal,
            .pfn = f.hasPfn,
            .page = f.hasPage });
}

/// Copies the fields into @p ev (of its type already) and sets its flags.
void applyFields(const Fields& f, TraceEvent& ev)
{
    ev.pfn = f.pfn;
    ev.count = f.count;
    if (f.hasAlign) {
        ev.align = static_cast<std::uint8_t>(f.align);
        ev.flags |= TraceEvent::HasAlign;
    }
    if (f.hasErrno) {
        ev.errorno = static_cast<std::int32_t>(f.errorno);
        ev.flags |= TraceEvent::HasErrno;
    }
    if (f.hasAvailable) {
        ev.availableCount = static_cast<std::uint32_t>(f.available);
        ev.totalCount = static_cast<std::uint32_t>(f.total);
        ev.flags |= TraceEvent::HasAvailable;
    }
    bool nullPage = false;
    if (f.hasPage) {
        parsePagePointer(f.page, nullPage);
        if (nullPage)
            ev.flags |= TraceEvent::NullPage;
    }
    if (ev.type == EventType::AllocFinish || ev.type == EventType::LegacyAlloc) {
        if ((f.hasErrno && f.errorno != 0) || nullPage || f.pfn == ~0ull)
            ev.flags |= TraceEvent::Failed;
    }
}

} // namespace

TraceLineParser::TraceLineParser(TraceData& out, std::size_t maxErrors)
    : m_out(out)
    , m_maxErrors(maxErrors)
{ }

void TraceLineParser::addError(std::uint32_t line, std::string message)
{
    ++m_out.errorCount;
    if (m_out.errors.size() < m_maxErrors)
        m_out.errors.push_back({ line, std::move(message) });
}

void TraceLineParser::rejectLine(std::string message)
{
    ++m_lineNo;
    ++m_out.lines;
    addError(static_cast<std::uint32_t>(m_lineNo), std::move(message));
}

std::uint32_t TraceLineParser::internTask(std::string_view task)
{
    if (m_lastTaskId == TraceEvent::kNoId || task != m_lastTask) {
        m_lastTaskId = m_out.tasks.intern(task);
        m_lastTask.assign(task);
    }
    return m_lastTaskId;
}

std::uint32_t TraceLineParser::internArea(std::string_view area)
{
    if (m_lastAreaId == TraceEvent::kNoId || area != m_lastArea) {
        m_lastAreaId = m_out.areas.intern(area);
        m_lastArea.assign(area);
    }
    return m_lastAreaId;
}

void TraceLineParser::feedLine(std::string_view line)
{
    ++m_lineNo;
    ++m_out.lines;
    const auto lineNo = static_cast<std::uint32_t>(m_lineNo);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (skipNonEventLine(line, m_out))
        return;

    LineHeader h;
    if (!parseHeader(line, h)) {
        ++m_out.skippedLines;
        return;
    }
    if (m_out.format == TraceFormat::Unknown)
        m_out.format = TraceFormat::TracePipe;

    TraceEvent ev;
    ev.line = lineNo;
    ev.timestampNs = h.timestampNs;
    ev.cpu = static_cast<std::int16_t>(h.cpu > 32767 ? 32767 : h.cpu);

    const std::string_view name = h.event;
    const bool isCma = name.starts_with("cma_");
    if (h.truncatedEvent) {
        if (isCma)
            addError(lineNo, "truncated line: event name '" + std::string(name) + "' without ':'");
        else
            ++m_out.skippedLines;
        return;
    }
    if (!isCma)
        return feedMarker(h.task, name, h.info, ev);
    if (!cmaEventType(name, ev.type)) {
        ++m_out.skippedLines;
        return;
    }
    feedCmaEvent(h.task, name, h.info, ev);
}

void TraceLineParser::feedMarker(std::string_view task, std::string_view name, std::string_view info, TraceEvent& ev)
{
    std::string_view text;
    if (!markerText(name, info, text)) {
        ++m_out.skippedLines;
        return;
    }
    ev.type = EventType::Marker;
    ev.taskId = internTask(task);
    ev.markerId = m_out.markers.intern(text);
    m_out.events.push_back(ev);
    ++m_out.perType[static_cast<std::size_t>(EventType::Marker)];
}

void TraceLineParser::feedCmaEvent(std::string_view task, std::string_view name, std::string_view info, TraceEvent& ev)
{
    if (info.empty()) {
        addError(ev.line, std::string(name) + ": no fields (truncated line)");
        return;
    }
    Fields f;
    if (std::string err = parseFields(info, f); !err.empty()) {
        addError(ev.line, std::string(name) + ": " + err);
        return;
    }
    if (const char* field = missingField(ev.type, f))
        return addError(ev.line, missing(name, field));
    applyFields(f, ev);
    ev.taskId = internTask(task);
    ev.areaId = internArea(f.hasName ? f.name : kUnnamedArea);
    m_out.events.push_back(ev);
    ++m_out.perType[static_cast<std::size_t>(ev.type)];
}

TraceData parseTraceText(std::string_view text, std::size_t maxErrors)
{
    TraceData data;
    TraceLineParser parser(data, maxErrors);
    std::size_t pos = 0;
    while (pos < text.size()) {
        const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
        const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
        parser.feedLine(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return data;
}

} // namespace cmascope
