// SPDX-License-Identifier: GPL-2.0-or-later
// trace.dat through libtracecmd (file, CPU buffers, merge by timestamp) and libtraceevent (event formats,
// fields, saved comms). Nothing of the binary layout is decoded here. See tracedat.h for what the result holds.
#include "requiredfields.h"

#include <cmascope/trace/tracedat.h>
#include <cmascope/trace/tracetime.h>

// trace-cmd.h includes tracefs.h, whose inline tracefs_hist_start() passes an int as an enum: not valid C++.
// trace-cmd.h uses nothing of libtracefs, so its include guard keeps it out.
#define _TRACE_FS_H
#include <trace-cmd.h>
#undef _TRACE_FS_H

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>
#include <unordered_map>
#include <vector>
#include <zlib.h>

namespace cmascope {

namespace {

/// Records between two consumer/progress calls.
constexpr std::uint64_t kRecordsPerBlock = 8192;

bool isGzip(const std::filesystem::path& path)
{
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f)
        return false;
    unsigned char magic[2] = { 0, 0 };
    const bool gz = std::fread(magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    std::fclose(f);
    return gz;
}

/// A temporary file removed when this goes out of scope.
class TempFile
{
public:
    TempFile() = default;
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (!m_path.empty())
            ::unlink(m_path.c_str());
    }
    /// Creates it (mkstemp in the system temporary directory); returns an error message or empty.
    std::string create()
    {
        std::error_code ec;
        std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
        if (ec)
            dir = "/tmp";
        std::string name = (dir / "cmascope-tracedat-XXXXXX").string();
        m_fd = ::mkstemp(name.data());
        if (m_fd < 0)
            return "cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno);
        m_path = name;
        return {};
    }
    bool write(const char* data, std::size_t n)
    {
        while (n > 0) {
            const ssize_t w = ::write(m_fd, data, n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return false;
            data += w;
            n -= static_cast<std::size_t>(w);
        }
        return true;
    }
    bool close()
    {
        const int fd = m_fd;
        m_fd = -1;
        return ::close(fd) == 0;
    }
    const std::string& path() const { return m_path; }

private:
    int m_fd = -1;
    std::string m_path;
};

/// Gunzips @p src into @p dst; progress gets compressed bytes scaled to [0, total/2]. Returns an error or empty;
/// "cancelled" via @p cancelled.
std::string gunzip(const std::filesystem::path& src, TempFile& dst, std::uint64_t total, const TraceProgress& progress,
    bool& cancelled)
{
    gzFile gz = gzopen(src.c_str(), "rb");
    if (!gz)
        return std::string("cannot open: ") + std::strerror(errno);
    gzbuffer(gz, 256 * 1024);
    std::vector<char> buf(256 * 1024);
    std::string error;
    while (true) {
        const int n = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()));
        if (n < 0) {
            int code = 0;
            const char* msg = gzerror(gz, &code);
            error = std::string("corrupt gzip data: ") + (msg ? msg : "unknown error");
            break;
        }
        if (n == 0) {
            int code = 0;
            const char* msg = gzerror(gz, &code);
            if (code != Z_OK)
                error = std::string("corrupt gzip data: ") + (msg ? msg : "unknown error");
            break;
        }
        if (!dst.write(buf.data(), static_cast<std::size_t>(n))) {
            error = "cannot write the temporary file " + dst.path() + ": " + std::strerror(errno);
            break;
        }
        if (progress) {
            const auto done = static_cast<std::uint64_t>(std::max<z_off_t>(gzoffset(gz), 0));
            if (!progress(std::min(done, total) / 2, total)) {
                cancelled = true;
                break;
            }
        }
    }
    gzclose(gz);
    if (error.empty() && !cancelled && !dst.close())
        error = "cannot write the temporary file " + dst.path() + ": " + std::strerror(errno);
    return error;
}

/// The fields of one recognised event type (nullptr = not in this kernel's format).
struct EventDesc
{
    int id = -1;
    EventType type = EventType::AllocStart;
    std::string_view kernelName; ///< for error messages, as the text parser names them
    tep_event* event = nullptr;
    tep_format_field* name = nullptr;
    tep_format_field* pfn = nullptr;
    tep_format_field* page = nullptr;
    tep_format_field* count = nullptr; ///< count or request_count
    tep_format_field* available = nullptr;
    tep_format_field* total = nullptr;
    tep_format_field* align = nullptr;
    tep_format_field* errorno = nullptr;
    tep_format_field* buf = nullptr; ///< ftrace print
};

/// A number field, sign-extended when the field is signed.
std::optional<std::uint64_t> readNumber(const tep_format_field* field, const tep_record* rec)
{
    if (!field || field->offset < 0 || field->size <= 0 || field->offset + field->size > rec->size)
        return std::nullopt;
    unsigned long long v = 0;
    if (tep_read_number_field(const_cast<tep_format_field*>(field), rec->data, &v) != 0)
        return std::nullopt;
    if ((field->flags & TEP_FIELD_IS_SIGNED) && field->size < 8) {
        const unsigned bits = static_cast<unsigned>(field->size) * 8;
        const unsigned long long sign = 1ull << (bits - 1);
        v &= (1ull << bits) - 1;
        v = (v ^ sign) - sign;
    }
    return static_cast<std::uint64_t>(v);
}

/// A string field (dynamic __string or fixed char array), up to its NUL.
std::optional<std::string_view> readString(tep_format_field* field, tep_record* rec)
{
    if (!field)
        return std::nullopt;
    int len = 0;
    const auto* p = static_cast<const char*>(tep_get_field_raw(nullptr, field->event, field->name, rec, &len, 0));
    if (!p)
        return std::nullopt;
    const char* data = static_cast<const char*>(rec->data);
    const char* end = data + rec->size;
    if (p < data || p > end)
        return std::nullopt;
    // `char buf[]` (ftrace print) has size 0: the text runs to the end of the record
    std::size_t room = static_cast<std::size_t>(end - p);
    if (len > 0)
        room = std::min(room, static_cast<std::size_t>(len));
    return std::string_view(p, strnlen(p, room));
}

std::string missing(std::string_view event, const char* field)
{
    return std::string(event) + ": missing " + field + " (no such field in the event format)";
}

/// The recognised events of this file's formats: the cma:* events and ftrace `print`.
std::vector<EventDesc> findEventDescs(tep_handle* tep)
{
    static constexpr std::array<std::pair<const char*, EventType>, 5> kCma { {
        { "cma_alloc_start", EventType::AllocStart },
        { "cma_alloc_finish", EventType::AllocFinish },
        { "cma_alloc_busy_retry", EventType::BusyRetry },
        { "cma_release", EventType::Release },
        { "cma_alloc", EventType::LegacyAlloc },
    } };
    std::vector<EventDesc> descs;
    for (const auto& [name, type] : kCma) {
        tep_event* ev = tep_find_event_by_name(tep, "cma", name);
        if (!ev)
            continue;
        EventDesc d;
        d.id = ev->id;
        d.type = type;
        d.kernelName = name;
        d.event = ev;
        d.name = tep_find_field(ev, "name");
        d.pfn = tep_find_field(ev, "pfn");
        d.page = tep_find_field(ev, "page");
        d.count = tep_find_field(ev, "count");
        if (!d.count)
            d.count = tep_find_field(ev, "request_count");
        d.available = tep_find_field(ev, "available_count");
        d.total = tep_find_field(ev, "total_count");
        d.align = tep_find_field(ev, "align");
        d.errorno = tep_find_field(ev, "errorno");
        descs.push_back(d);
    }
    if (tep_event* ev = tep_find_event_by_name(tep, "ftrace", "print")) {
        EventDesc d;
        d.id = ev->id;
        d.type = EventType::Marker;
        d.kernelName = "print";
        d.event = ev;
        d.buf = tep_find_field(ev, "buf");
        descs.push_back(d);
    }
    return descs;
}

/// The number fields of one cma:* record (nullopt: absent from the format or unreadable).
struct RecordFields
{
    std::optional<std::uint64_t> count, align, pfn, page, available, total, errorno;
};

/// The first field an event of @p type needs that @p f lacks (as the text parser requires them), or nullptr.
const char* missingField(EventType type, const RecordFields& f)
{
    return missingCmaField(type,
        { .count = f.count.has_value(),
            .align = f.align.has_value(),
            .available = f.available.has_value(),
            .total = f.total.has_value(),
            .pfn = f.pfn.has_value(),
            .page = f.page.has_value() });
}

/// Copies the fields into @p ev (of its type already) and sets its flags.
void applyFields(const RecordFields& f, TraceEvent& ev)
{
    ev.pfn = f.pfn.value_or(0);
    ev.count = f.count.value_or(0);
    if (f.align) {
        ev.align = static_cast<std::uint8_t>(std::min<std::uint64_t>(*f.align, 255));
        ev.flags |= TraceEvent::HasAlign;
    }
    if (f.errorno) {
        ev.errorno = static_cast<std::int32_t>(static_cast<std::int64_t>(*f.errorno));
        ev.flags |= TraceEvent::HasErrno;
    }
    if (f.available && f.total) {
        ev.availableCount = static_cast<std::uint32_t>(*f.available);
        ev.totalCount = static_cast<std::uint32_t>(*f.total);
        ev.flags |= TraceEvent::HasAvailable;
    }
    const bool nullPage = f.page && *f.page == 0;
    if (nullPage)
        ev.flags |= TraceEvent::NullPage;
    if (ev.type == EventType::AllocFinish || ev.type == EventType::LegacyAlloc) {
        if ((f.errorno && ev.errorno != 0) || nullPage || ev.pfn == ~0ull)
            ev.flags |= TraceEvent::Failed;
    }
}

/// The state of one read, shared with the libtracecmd callback.
class Reader
{
public:
    Reader(TraceData& data, tep_handle* tep, const TraceReadOptions& options, const TraceProgress& progress,
        std::uint64_t progressBase, std::uint64_t progressTotal, std::uint64_t datSize)
        : m_data(data)
        , m_tep(tep)
        , m_options(options)
        , m_progress(progress)
        , m_progressBase(progressBase)
        , m_progressTotal(progressTotal)
        , m_datSize(datSize)
        , m_descs(findEventDescs(tep))
    { }

    /// libtracecmd callback: nonzero stops the iteration.
    static int callback(tracecmd_input*, tep_record* rec, int, void* self)
    {
        return static_cast<Reader*>(self)->onRecord(rec) ? 0 : 1;
    }

    /// The consumer and progress after a block / at the end. False = cancel.
    bool report(bool atEnd);
    bool cancelled() const { return m_cancelled; }

private:
    void addError(std::uint32_t line, std::string message);
    std::uint32_t taskId(tep_record* rec);
    const EventDesc* find(int id);
    bool onRecord(tep_record* rec);
    void handle(tep_record* rec);
    void handleMarker(const EventDesc& d, tep_record* rec, TraceEvent& ev);
    void handleCma(const EventDesc& d, tep_record* rec, TraceEvent& ev);

    TraceData& m_data;
    tep_handle* m_tep;
    const TraceReadOptions& m_options;
    const TraceProgress& m_progress;
    std::uint64_t m_progressBase, m_progressTotal, m_datSize;
    std::vector<EventDesc> m_descs;
    const EventDesc* m_last = nullptr;
    std::unordered_map<int, std::uint32_t> m_taskByPid;
    std::string m_lastArea;
    std::uint32_t m_lastAreaId = TraceEvent::kNoId;
    std::uint64_t m_line = 1; // line 1 of the report: "cpus=N"
    std::uint64_t m_lastOffset = 0;
    std::uint64_t m_lastProgress = 0;
    std::uint64_t m_sinceReport = 0;
    bool m_cancelled = false;
};

bool Reader::report(bool atEnd)
{
    if (m_options.consumer && !m_options.consumer(m_data))
        return false;
    if (!m_progress)
        return true;
    if (atEnd) { // as for text: the last call cannot cancel any more
        m_progress(m_progressTotal, m_progressTotal);
        return true;
    }
    // record offsets are positions in the (uncompressed) file: scale them to the progress range
    const std::uint64_t span = m_progressTotal - m_progressBase;
    const std::uint64_t off = std::min(m_lastOffset, m_datSize);
    const std::uint64_t done = m_datSize ? m_progressBase + span * off / m_datSize : m_progressBase;
    m_lastProgress = std::max(done, m_lastProgress);
    return m_progress(m_lastProgress, m_progressTotal);
}

void Reader::addError(std::uint32_t line, std::string message)
{
    ++m_data.errorCount;
    if (m_data.errors.size() < m_options.maxErrors)
        m_data.errors.push_back({ line, std::move(message) });
}

/// "comm-pid" of the record's task (from the file's saved comms), interned once per pid.
std::uint32_t Reader::taskId(tep_record* rec)
{
    const int pid = tep_data_pid(m_tep, rec);
    if (auto it = m_taskByPid.find(pid); it != m_taskByPid.end())
        return it->second;
    const char* comm = tep_data_comm_from_pid(m_tep, pid);
    const std::string task = std::string(comm ? comm : "<...>") + "-" + std::to_string(pid);
    const std::uint32_t id = m_data.tasks.intern(task);
    m_taskByPid.emplace(pid, id);
    return id;
}

/// The recognised event of format @p id, or nullptr (one-entry cache in front).
const EventDesc* Reader::find(int id)
{
    if (m_last && m_last->id == id)
        return m_last;
    for (const auto& d : m_descs)
        if (d.id == id)
            return m_last = &d;
    return nullptr;
}

/// One record: counts the report lines it takes, handles it, and reports every kRecordsPerBlock records.
bool Reader::onRecord(tep_record* rec)
{
    if (rec->missed_events != 0) { // the report prints "CPU:N [[M ]EVENTS DROPPED]" first
        ++m_line;
        ++m_data.lines;
        ++m_data.skippedLines;
        if (rec->missed_events > 0)
            m_data.lostEvents += static_cast<std::uint64_t>(rec->missed_events);
    }
    ++m_line;
    ++m_data.lines;
    m_lastOffset = rec->offset;
    handle(rec);
    if (++m_sinceReport >= kRecordsPerBlock) {
        m_sinceReport = 0;
        if (!report(false)) {
            m_cancelled = true;
            return false;
        }
    }
    return true;
}

void Reader::handle(tep_record* rec)
{
    const auto lineNo = static_cast<std::uint32_t>(std::min<std::uint64_t>(m_line, 0xffffffffu));
    const EventDesc* d = find(tep_data_type(m_tep, rec));
    if (!d) {
        ++m_data.skippedLines;
        return;
    }
    TraceEvent ev;
    ev.line = lineNo;
    ev.timestampNs = roundToMicroseconds(rec->ts); // as trace-cmd report prints it (tracetime.h)
    ev.cpu = static_cast<std::int16_t>(std::clamp(rec->cpu, -1, 32767));
    ev.type = d->type;
    if (d->type == EventType::Marker)
        handleMarker(*d, rec, ev);
    else
        handleCma(*d, rec, ev);
}

/// An ftrace `print`: its buf without leading blanks and trailing whitespace.
void Reader::handleMarker(const EventDesc& d, tep_record* rec, TraceEvent& ev)
{
    std::string_view text = readString(d.buf, rec).value_or(std::string_view());
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    ev.taskId = taskId(rec);
    ev.markerId = m_data.markers.intern(text);
    m_data.events.push_back(ev);
    ++m_data.perType[static_cast<std::size_t>(EventType::Marker)];
}

/// A cma:* record: its fields checked and copied, or an error.
void Reader::handleCma(const EventDesc& d, tep_record* rec, TraceEvent& ev)
{
    RecordFields f;
    f.count = readNumber(d.count, rec);
    f.align = readNumber(d.align, rec);
    f.pfn = readNumber(d.pfn, rec);
    f.page = readNumber(d.page, rec);
    f.available = readNumber(d.available, rec);
    f.total = readNumber(d.total, rec);
    f.errorno = readNumber(d.errorno, rec);
    if (const char* field = missingField(d.type, f))
        return addError(ev.line, missing(d.kernelName, field));
    applyFields(f, ev);

    ev.taskId = taskId(rec);
    std::string_view area = kUnnamedArea;
    if (d.name)
        area = readString(d.name, rec).value_or(kUnnamedArea);
    if (m_lastAreaId == TraceEvent::kNoId || area != m_lastArea) {
        m_lastAreaId = m_data.areas.intern(area);
        m_lastArea.assign(area);
    }
    ev.areaId = m_lastAreaId;
    m_data.events.push_back(ev);
    ++m_data.perType[static_cast<std::size_t>(ev.type)];
}

struct InputCloser
{
    void operator()(tracecmd_input* h) const { tracecmd_close(h); }
};

} // namespace

bool isTraceDatFile(const std::filesystem::path& path)
{
    // gzread hands out plain files unchanged and decompresses gzip ones
    gzFile gz = gzopen(path.c_str(), "rb");
    if (!gz)
        return false;
    char head[kTraceDatMagic.size()];
    const int n = gzread(gz, head, static_cast<unsigned>(sizeof head));
    gzclose(gz);
    return n == static_cast<int>(sizeof head) && std::string_view(head, sizeof head) == kTraceDatMagic;
}

TraceReadResult readTraceDat(
    const std::filesystem::path& path, const TraceReadOptions& options, const TraceProgress& progress)
{
    TraceReadResult result;
    result.data.source = path.string();
    auto fail = [&](std::string message) {
        result.status = ReadStatus::Failed;
        result.error = path.string() + ": " + std::move(message);
        return std::move(result);
    };
    auto cancel = [&]() {
        result.status = ReadStatus::Cancelled;
        return std::move(result);
    };

    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return fail("is a directory");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return fail("cannot open: " + ec.message());
    const std::uint64_t total = size;
    if (progress && !progress(0, total))
        return cancel();

    // libtracecmd reads from a path: a gzip is inflated into a temporary file first
    TempFile temp;
    std::string datPath = path.string();
    std::uint64_t progressBase = 0;
    if (isGzip(path)) {
        if (std::string err = temp.create(); !err.empty())
            return fail(err);
        bool cancelled = false;
        if (std::string err = gunzip(path, temp, total, progress, cancelled); !err.empty())
            return fail(err);
        if (cancelled)
            return cancel();
        datPath = temp.path();
        progressBase = total / 2;
    }
    const auto datSize = std::filesystem::file_size(datPath, ec);

    {
        std::FILE* f = std::fopen(datPath.c_str(), "rb");
        if (!f)
            return fail(std::string("cannot open: ") + std::strerror(errno));
        char head[kTraceDatMagic.size()] = {};
        const std::size_t n = std::fread(head, 1, sizeof head, f);
        std::fclose(f);
        if (n != sizeof head || std::string_view(head, sizeof head) != kTraceDatMagic)
            return fail("not a trace-cmd trace.dat file");
    }

    std::unique_ptr<tracecmd_input, InputCloser> handle(
        tracecmd_open(datPath.c_str(), TRACECMD_FL_LOAD_NO_PLUGINS | TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS));
    if (!handle)
        return fail("libtracecmd cannot read this trace.dat (truncated or corrupt file?)");
    tep_handle* tep = tracecmd_get_tep(handle.get());
    if (!tep)
        return fail("libtracecmd gives no event formats for this trace.dat");

    result.data.format = TraceFormat::TraceCmdReport;
    result.data.lines = 1; // "cpus=N"
    result.data.skippedLines = 1;
    Reader reader(result.data, tep, options, progress, progressBase, total, ec ? 0 : datSize);
    const int rc = tracecmd_iterate_events(handle.get(), nullptr, 0, &Reader::callback, &reader);
    if (reader.cancelled())
        return cancel();
    if (rc < 0)
        return fail("libtracecmd failed reading the events (truncated or corrupt file?)");
    if (!reader.report(true))
        result.status = ReadStatus::Cancelled;
    return result;
}

} // namespace cmascope
