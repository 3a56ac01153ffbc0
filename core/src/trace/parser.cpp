// SPDX-License-Identifier: GPL-2.0-or-later
// Line parser for ftrace CMA events. Layouts (kernel/trace/trace_output.c, trace-cmd trace-read.c):
//   trace / trace_pipe:  "%16s-%-7d " ["(%7d) "] "[%03d] " [flags " "] "%5lu.%06lu: " event ": " info
//   trace-cmd report:    "%16s-%-5d [%03d]" [" " flags] " %5llu.%06llu: " event ":" padded to 20 " " info
// Hand-written with string_view/from_chars: this runs over millions of lines.
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

/// Finds "comm-pid [ (tgid) ] [cpu]" and the timestamp. False if the line is not an event line.
bool parseHeader(std::string_view line, LineHeader& h)
{
    const std::size_t start = skipSpaces(line, 0);
    std::size_t searchFrom = start;
    std::size_t afterCpu = std::string_view::npos;
    while (true) {
        const std::size_t open = line.find('[', searchFrom);
        if (open == std::string_view::npos)
            return false;
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
        // optional "(  tgid)" column; tgid may print as "-------" when unknown
        if (line[k - 1] == ')') {
            std::size_t lp = k - 1;
            while (lp > start && line[lp - 1] != '(')
                --lp;
            if (lp <= start)
                continue;
            const std::string_view inner = line.substr(lp, k - 1 - lp);
            bool ok = !inner.empty();
            for (char c : inner)
                ok = ok && (isDigit(c) || c == ' ' || c == '-');
            if (!ok)
                continue;
            k = lp - 1; // at '('
            while (k > start && line[k - 1] == ' ')
                --k;
        }
        // pid digits preceded by '-'
        const std::size_t pidEnd = k;
        while (k > start && isDigit(line[k - 1]))
            --k;
        if (k == pidEnd || k <= start || line[k - 1] != '-')
            continue;
        h.task = line.substr(start, pidEnd - start);
        h.cpu = cpu;
        afterCpu = i + 1;
        break;
    }

    // [flags] timestamp:
    std::size_t p = skipSpaces(line, afterCpu);
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

void TraceLineParser::feedLine(std::string_view line)
{
    ++m_lineNo;
    ++m_out.lines;
    const auto lineNo = static_cast<std::uint32_t>(m_lineNo);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);

    const std::size_t first = skipSpaces(line, 0);
    if (first >= line.size() || line[first] == '#') {
        if (m_out.format == TraceFormat::Unknown && line.starts_with("# tracer:"))
            m_out.format = TraceFormat::TraceFile;
        ++m_out.skippedLines;
        return;
    }
    if (line.starts_with("cpus=")) {
        if (m_out.format == TraceFormat::Unknown)
            m_out.format = TraceFormat::TraceCmdReport;
        ++m_out.skippedLines;
        return;
    }
    if (line.starts_with("CPU:")) { // "CPU:1 [LOST 42 EVENTS]"
        const auto lost = line.find("[LOST ");
        if (lost != std::string_view::npos) {
            std::string_view rest = line.substr(lost + 6);
            std::uint64_t n = 0;
            auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
            if (ec == std::errc())
                m_out.lostEvents += n;
        }
        ++m_out.skippedLines;
        return;
    }

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

    auto internTask = [&]() {
        if (m_lastTaskId == TraceEvent::kNoId || h.task != m_lastTask) {
            m_lastTaskId = m_out.tasks.intern(h.task);
            m_lastTask.assign(h.task);
        }
        return m_lastTaskId;
    };

    if (!isCma) {
        std::string_view text;
        if (name == "tracing_mark_write") {
            text = h.info;
        } else if (name == "print") { // trace-cmd: "print: tracing_mark_write: text"
            text = h.info;
            if (text.starts_with("tracing_mark_write:"))
                text = text.substr(skipSpaces(text, sizeof("tracing_mark_write:") - 1));
        } else {
            ++m_out.skippedLines;
            return;
        }
        ev.type = EventType::Marker;
        ev.taskId = internTask();
        ev.markerId = m_out.markers.intern(text);
        m_out.events.push_back(ev);
        ++m_out.perType[static_cast<std::size_t>(EventType::Marker)];
        return;
    }

    if (name == "cma_alloc_start")
        ev.type = EventType::AllocStart;
    else if (name == "cma_alloc_finish")
        ev.type = EventType::AllocFinish;
    else if (name == "cma_release")
        ev.type = EventType::Release;
    else if (name == "cma_alloc_busy_retry")
        ev.type = EventType::BusyRetry;
    else if (name == "cma_alloc")
        ev.type = EventType::LegacyAlloc;
    else { // cma_alloc_at_start, future events...
        ++m_out.skippedLines;
        return;
    }

    if (h.info.empty()) {
        addError(lineNo, std::string(name) + ": no fields (truncated line)");
        return;
    }
    Fields f;
    if (std::string err = parseFields(h.info, f); !err.empty()) {
        addError(lineNo, std::string(name) + ": " + err);
        return;
    }

    // required fields per event
    switch (ev.type) {
    case EventType::AllocStart:
        if (!f.hasCount)
            return addError(lineNo, missing(name, "count"));
        if (!f.hasAlign)
            return addError(lineNo, missing(name, "align"));
        if (f.hasAvailable != f.hasTotal)
            return addError(lineNo, missing(name, f.hasAvailable ? "total_count" : "available_count"));
        break;
    case EventType::AllocFinish:
    case EventType::BusyRetry:
    case EventType::Release:
    case EventType::LegacyAlloc:
        if (!f.hasPfn)
            return addError(lineNo, missing(name, "pfn"));
        if (!f.hasPage)
            return addError(lineNo, missing(name, "page"));
        if (!f.hasCount)
            return addError(lineNo, missing(name, "count"));
        if (!f.hasAlign && (ev.type == EventType::AllocFinish || ev.type == EventType::BusyRetry))
            return addError(lineNo, missing(name, "align"));
        break;
    case EventType::Marker:
        break;
    }

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

    ev.taskId = internTask();
    const std::string_view area = f.hasName ? f.name : kUnnamedArea;
    if (m_lastAreaId == TraceEvent::kNoId || area != m_lastArea) {
        m_lastAreaId = m_out.areas.intern(area);
        m_lastArea.assign(area);
    }
    ev.areaId = m_lastAreaId;
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
