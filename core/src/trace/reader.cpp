// SPDX-License-Identifier: GPL-2.0-or-later
// Streaming trace reader: plain text, gzip (zlib inflate, windowBits 15+32) or zstd (streaming API),
// detected by magic bytes. Text is parsed block by block; only parsed events are kept.
#include <cmascope/trace/parser.h>
#include <cmascope/trace/perfetto.h>
#include <cmascope/trace/reader.h>
#include <cmascope/trace/tracedat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <memory>
#include <string>
#include <vector>
#include <zlib.h>
#include <zstd.h>

namespace cmascope {

namespace {

constexpr std::size_t kInputChunk = 256 * 1024;

/// Pulls text bytes out of the input, decompressing if needed.
class Source
{
public:
    /// `prefix`: bytes already taken from `in` (to look at the magic), handed out first.
    Source(std::istream& in, std::string prefix)
        : m_in(in)
        , m_prefix(std::move(prefix))
    { }
    virtual ~Source() = default;
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;

    /// Fills up to `cap` bytes; returns 0 at end of input. On failure returns 0 and sets error().
    virtual std::size_t read(char* dst, std::size_t cap) = 0;
    std::uint64_t consumed() const { return m_consumed; }
    const std::string& error() const { return m_error; }

protected:
    /// Raw bytes from the stream.
    std::size_t readRaw(char* dst, std::size_t cap)
    {
        std::size_t n = 0;
        if (!m_prefix.empty()) {
            n = std::min(cap, m_prefix.size());
            std::memcpy(dst, m_prefix.data(), n);
            m_prefix.erase(0, n);
        }
        if (n < cap && m_in.good()) {
            m_in.read(dst + n, static_cast<std::streamsize>(cap - n));
            n += static_cast<std::size_t>(m_in.gcount());
            if (m_in.bad()) {
                m_error = "read error";
                return 0;
            }
        }
        m_consumed += n;
        return n;
    }

    std::istream& m_in;
    std::string m_error;
    std::uint64_t m_consumed = 0;

private:
    std::string m_prefix;
};

class PlainSource final : public Source
{
public:
    using Source::Source;
    std::size_t read(char* dst, std::size_t cap) override { return readRaw(dst, cap); }
};

class GzipSource final : public Source
{
public:
    GzipSource(std::istream& in, std::string prefix)
        : Source(in, std::move(prefix))
        , m_buf(kInputChunk)
    {
        std::memset(&m_zs, 0, sizeof m_zs);
        m_ok = inflateInit2(&m_zs, 15 + 32) == Z_OK;
        if (!m_ok)
            m_error = "cannot initialise zlib";
    }
    ~GzipSource() override
    {
        if (m_ok)
            inflateEnd(&m_zs);
    }

    std::size_t read(char* dst, std::size_t cap) override
    {
        if (!m_ok || m_done)
            return 0;
        m_zs.next_out = reinterpret_cast<Bytef*>(dst);
        m_zs.avail_out = static_cast<uInt>(cap);
        while (m_zs.avail_out == cap) { // until some output was produced
            if (m_zs.avail_in == 0) {
                const std::size_t n = readRaw(m_buf.data(), m_buf.size());
                if (n == 0) {
                    if (m_error.empty() && !m_streamEnded)
                        m_error = "truncated gzip data (unexpected end of file)";
                    m_done = true;
                    return 0;
                }
                m_zs.next_in = reinterpret_cast<Bytef*>(m_buf.data());
                m_zs.avail_in = static_cast<uInt>(n);
                if (m_streamEnded) { // another gzip member follows?
                    if (n < 2 || static_cast<unsigned char>(m_buf[0]) != 0x1f
                        || static_cast<unsigned char>(m_buf[1]) != 0x8b) {
                        m_done = true; // trailing garbage ignored, as gzip does
                        return 0;
                    }
                    inflateReset(&m_zs);
                    m_streamEnded = false;
                }
            }
            const int rc = inflate(&m_zs, Z_NO_FLUSH);
            if (rc == Z_STREAM_END) {
                m_streamEnded = true;
                if (m_zs.avail_in > 0) {
                    // next member in the same buffer?
                    if (m_zs.avail_in >= 2 && m_zs.next_in[0] == 0x1f && m_zs.next_in[1] == 0x8b) {
                        inflateReset(&m_zs);
                        m_streamEnded = false;
                    } else {
                        m_done = true;
                        break;
                    }
                }
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                m_error = std::string("corrupt gzip data: ") + (m_zs.msg ? m_zs.msg : zError(rc));
                m_done = true;
                return 0;
            }
        }
        return cap - m_zs.avail_out;
    }

private:
    z_stream m_zs;
    std::vector<char> m_buf;
    bool m_ok = false;
    bool m_done = false;
    bool m_streamEnded = false;
};

class ZstdSource final : public Source
{
public:
    ZstdSource(std::istream& in, std::string prefix)
        : Source(in, std::move(prefix))
        , m_buf(kInputChunk)
        , m_ds(ZSTD_createDStream())
    {
        if (!m_ds)
            m_error = "cannot initialise zstd";
        else
            ZSTD_initDStream(m_ds);
    }
    ~ZstdSource() override { ZSTD_freeDStream(m_ds); }

    std::size_t read(char* dst, std::size_t cap) override
    {
        if (!m_ds || m_done)
            return 0;
        ZSTD_outBuffer out { dst, cap, 0 };
        while (out.pos == 0) {
            if (m_input.pos == m_input.size) {
                const std::size_t n = readRaw(m_buf.data(), m_buf.size());
                if (n == 0) {
                    if (m_error.empty() && m_lastHint != 0)
                        m_error = "truncated zstd data (unexpected end of file)";
                    m_done = true;
                    return 0;
                }
                m_input = { m_buf.data(), n, 0 };
            }
            const std::size_t hint = ZSTD_decompressStream(m_ds, &out, &m_input);
            if (ZSTD_isError(hint)) {
                m_error = std::string("corrupt zstd data: ") + ZSTD_getErrorName(hint);
                m_done = true;
                return 0;
            }
            m_lastHint = hint;
        }
        return out.pos;
    }

private:
    std::vector<char> m_buf;
    ZSTD_DStream* m_ds;
    ZSTD_inBuffer m_input { nullptr, 0, 0 };
    std::size_t m_lastHint = 0;
    bool m_done = false;
};

bool startsWith(std::string_view s, std::initializer_list<unsigned char> magic)
{
    if (s.size() < magic.size())
        return false;
    std::size_t i = 0;
    for (unsigned char m : magic)
        if (static_cast<unsigned char>(s[i++]) != m)
            return false;
    return true;
}

/// The decoder the magic bytes at the start of @p in ask for (gzip, zstd, else plain text). Null if @p in
/// cannot be read.
std::unique_ptr<Source> openSource(std::istream& in)
{
    std::string head(4, '\0');
    in.read(head.data(), 4);
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad())
        return nullptr;
    if (startsWith(head, { 0x1f, 0x8b }))
        return std::make_unique<GzipSource>(in, std::move(head));
    if (startsWith(head, { 0x28, 0xb5, 0x2f, 0xfd }))
        return std::make_unique<ZstdSource>(in, std::move(head));
    return std::make_unique<PlainSource>(in, std::move(head));
}

/// Why the first block of text is no text trace, or empty.
std::string rejectFirstBlock(std::string_view text)
{
    if (text.starts_with(std::string_view("\x17\x08\x44tracing", 10)))
        return "binary trace-cmd data (trace.dat); convert it with `trace-cmd report`";
    if (std::memchr(text.data(), '\0', std::min<std::size_t>(text.size(), 4096)))
        return "not a text trace (binary data)";
    return {};
}

/// Lines read without one that looks like a trace (an event line, a "# tracer:" header, trace-cmd's
/// "cpus="): past this many, the input is no trace, and reading stops (a file of garbage is not read whole).
constexpr std::uint64_t kLinesBeforeGivingUp = 10000;

/// Why what was read is no trace: empty, or not one line of it an event line or a trace header. Empty when
/// it is a trace (even one without a CMA event).
std::string rejectAsNoTrace(const TraceData& data)
{
    if (data.format != TraceFormat::Unknown)
        return {};
    if (data.lines == 0)
        return "empty: no trace lines";
    return "not a kernel trace: none of its first " + std::to_string(data.lines)
        + " lines is an ftrace event line (TASK-PID [CPU] TIMESTAMP: EVENT: ...), a \"# tracer:\" header or a "
          "trace-cmd report line";
}

/// Input of known size: reserves the events from the density of cma events in the first block (after it
/// is parsed), so that the vector need not grow by doubling. (Compressed input: both sizes are compressed
/// bytes; the cap below keeps it small.)
void reserveEvents(TraceData& data, std::uint64_t done, std::uint64_t totalBytes)
{
    const std::uint64_t events = data.events.size();
    if (done > 0 && done < totalBytes && events > 0) {
        // an event line is at least ~50 bytes: never reserve more than that allows
        const std::uint64_t estimate = std::min(events * totalBytes / done + events / 32 + 16, totalBytes / 48 + 16);
        data.events.reserve(static_cast<std::size_t>(estimate));
    }
}

/// Cuts blocks of text into lines for the parser: a partial line is carried over to the next block, an
/// over-long one is rejected and dropped up to its '\n'.
class LineSplitter
{
public:
    LineSplitter(TraceLineParser& parser, std::size_t block, std::size_t maxLine)
        : m_parser(parser)
        , m_maxLine(maxLine)
        , m_buf(block + maxLine + 1) // room for one block plus a partial line carried over
    { }
    /// Where the next block goes and how many bytes fit there (at most @p block).
    char* space() { return m_buf.data() + m_used; }
    std::size_t room(std::size_t block) const { return std::min(block, m_buf.size() - m_used); }
    /// Parses the lines completed by @p n new bytes written at space().
    void feed(std::size_t n);
    /// The last line, if the text does not end with '\n'.
    void finish()
    {
        if (m_used && !m_discarding)
            m_parser.feedLine(std::string_view(m_buf.data(), m_used));
    }

private:
    TraceLineParser& m_parser;
    std::size_t m_maxLine;
    std::vector<char> m_buf;
    std::size_t m_used = 0;
    bool m_discarding = false; // inside an over-long line: drop bytes up to the next '\n'
};

void LineSplitter::feed(std::size_t n)
{
    char* const buf = m_buf.data();
    const std::size_t end = m_used + n;
    std::size_t pos = 0;
    if (m_discarding) {
        const void* nl = std::memchr(buf, '\n', end);
        if (!nl) {
            m_used = 0;
            return;
        }
        m_discarding = false;
        pos = static_cast<std::size_t>(static_cast<const char*>(nl) - buf) + 1;
    }
    while (pos < end) {
        const void* nl = std::memchr(buf + pos, '\n', end - pos);
        if (!nl)
            break;
        const auto e = static_cast<std::size_t>(static_cast<const char*>(nl) - buf);
        m_parser.feedLine(std::string_view(buf + pos, e - pos));
        pos = e + 1;
    }
    m_used = end - pos;
    if (m_used > m_maxLine) {
        m_parser.rejectLine("line longer than " + std::to_string(m_maxLine) + " bytes (not a trace line)");
        m_discarding = true;
        m_used = 0;
    } else if (m_used) {
        std::memmove(buf, buf + pos, m_used);
    }
}

} // namespace

TraceReadResult readTrace(std::istream& in, std::string_view sourceName, const TraceReadOptions& options,
    const TraceProgress& progress, std::uint64_t totalBytes)
{
    TraceReadResult result;
    const std::string name(sourceName);
    auto fail = [&](std::string message) {
        result.status = ReadStatus::Failed;
        result.error = name + ": " + std::move(message);
        return std::move(result);
    };
    auto cancel = [&]() {
        result.status = ReadStatus::Cancelled;
        return std::move(result);
    };

    std::unique_ptr<Source> src = openSource(in);
    if (!src)
        return fail("read error");
    if (!src->error().empty())
        return fail(src->error());

    const std::size_t block = std::max<std::size_t>(options.blockSize, 4096);
    result.data.source = name;
    TraceLineParser parser(result.data, options.maxErrors);
    LineSplitter lines(parser, block, std::max<std::size_t>(options.maxLineLength, 256));
    if (progress && !progress(0, totalBytes))
        return cancel();

    for (bool firstBlock = true;; firstBlock = false) {
        const std::size_t n = src->read(lines.space(), lines.room(block));
        if (n == 0) {
            if (!src->error().empty())
                return fail(src->error());
            break;
        }
        if (firstBlock && looksLikePerfettoTrace(std::string_view(lines.space(), n))) { // perfetto.h
            const ByteSource pull = [&src](char* dst, std::size_t cap, std::string& error) {
                const std::size_t got = src->read(dst, cap);
                error = src->error();
                return got;
            };
            // its offsets are of the decompressed bytes: the file size bounds a packet only for plain input
            const bool plain = dynamic_cast<PlainSource*>(src.get()) != nullptr;
            return readPerfettoTrace(
                pull, std::string(lines.space(), n), name, options, progress, plain ? totalBytes : 0);
        }
        if (firstBlock)
            if (std::string why = rejectFirstBlock(std::string_view(lines.space(), n)); !why.empty())
                return fail(std::move(why));
        lines.feed(n);
        if (firstBlock && totalBytes > 0 && !options.consumer) // a streaming consumer drains the events
            reserveEvents(result.data, src->consumed(), totalBytes);
        if (options.consumer && !options.consumer(result.data)) // streaming consumer (reader.h)
            return cancel();
        if (progress && !progress(src->consumed(), totalBytes))
            return cancel();
        if (result.data.lines >= kLinesBeforeGivingUp)
            if (std::string why = rejectAsNoTrace(result.data); !why.empty())
                return fail(std::move(why));
    }
    lines.finish();
    if (std::string why = rejectAsNoTrace(result.data); !why.empty())
        return fail(std::move(why));
    if (options.consumer && !options.consumer(result.data)) // streaming consumer (reader.h): the last line
        result.status = ReadStatus::Cancelled;
    if (progress)
        progress(src->consumed(), totalBytes);
    return result;
}

TraceReadResult readTrace(
    const std::filesystem::path& path, const TraceReadOptions& options, const TraceProgress& progress)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        TraceReadResult r;
        r.status = ReadStatus::Failed;
        r.error = path.string() + ": is a directory";
        return r;
    }
    // trace.dat (plain or gzip): read through libtracecmd (tracedat.cpp); the stream overload cannot
    // (libtracecmd needs a path) and still rejects it.
    if (isTraceDatFile(path))
        return readTraceDat(path, options, progress);
    if (hasPerfettoExtension(path)) // .perfetto-trace / .pftrace: errors are the Perfetto reader's (perfetto.h)
        return readPerfettoTrace(path, options, progress);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        TraceReadResult r;
        r.status = ReadStatus::Failed;
        r.error = path.string() + ": cannot open: " + std::strerror(errno);
        return r;
    }
    const auto size = std::filesystem::file_size(path, ec);
    return readTrace(in, path.string(), options, progress, ec ? 0 : static_cast<std::uint64_t>(size));
}

} // namespace cmascope
