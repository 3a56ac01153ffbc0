// SPDX-License-Identifier: GPL-2.0-or-later
// Perfetto trace files: the `Trace` framing (field 1, one TracePacket after another) read from a byte
// stream with protozero's varint decoder, the packets read here (ftrace_events 1, process_tree 2,
// ftrace_stats 34, compressed_packets 50: zlib), the rest skipped. docs/perfetto.md.
#include "perfettoimport.h"

#include <cmascope/trace/perfetto.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <protozero/exception.hpp>
#include <protozero/varint.hpp>
#include <zlib.h>

namespace cmascope {

namespace {

using perfetto::Import;
using perfetto::ProtoError;
using protozero::pbf_reader;

constexpr std::uint32_t kTracePacket = 1; // Trace.packet
constexpr std::uint32_t kFtraceEvents = 1, kProcessTree = 2, kFtraceStats = 34, kCompressedPackets = 50;
constexpr std::uint64_t kMaxPacket = 1ull << 30; ///< a larger length is corruption, not a packet
constexpr std::size_t kMaxInflated = std::size_t { 1 } << 30; ///< the inflated size of one compressed batch
constexpr std::size_t kEventsPerBlock = 65536; ///< events handed to the consumer at a time

std::string hexByte(unsigned char c)
{
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("0x") + kHex[c >> 4] + kHex[c & 15];
}

/// Inflates a compressed_packets payload (zlib stream) into @p out; an error message or empty.
std::string inflateBatch(std::string_view in, std::string& out)
{
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 32) != Z_OK)
        return "cannot initialise zlib";
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    out.clear();
    int rc = Z_OK;
    char buf[65536];
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
        if (out.size() > kMaxInflated)
            rc = Z_MEM_ERROR;
        else if (rc == Z_BUF_ERROR && zs.avail_in == 0)
            break; // input exhausted before the end of the stream
    }
    const std::string msg = zs.msg ? zs.msg : zError(rc);
    inflateEnd(&zs);
    if (rc == Z_STREAM_END)
        return {};
    if (out.size() > kMaxInflated)
        return "compressed packets inflate to more than 1 GiB";
    return rc == Z_BUF_ERROR ? "truncated zlib data in compressed_packets"
                             : "corrupt zlib data in compressed_packets: " + msg;
}

/// Reads the packets of one trace into an Import; throws ProtoError with the byte offset on corrupt input.
class PacketReader
{
public:
    explicit PacketReader(Import& import)
        : m_import(import)
    { }
    /// One TracePacket that starts at @p offset of the input.
    void packet(std::string_view bytes, std::uint64_t offset, bool inBatch);

private:
    Import& m_import;
    std::string m_inflated;
};

void PacketReader::packet(std::string_view bytes, std::uint64_t offset, bool inBatch)
{
    std::string batch;
    try {
        pbf_reader r(bytes.data(), bytes.size());
        while (r.next()) {
            switch (r.tag()) {
            case kFtraceEvents:
                m_import.bundle(perfetto::bytesField(r, "TracePacket.ftrace_events"));
                break;
            case kProcessTree:
                m_import.processTree(perfetto::bytesField(r, "TracePacket.process_tree"));
                break;
            case kFtraceStats:
                m_import.ftraceStats(perfetto::bytesField(r, "TracePacket.ftrace_stats"));
                break;
            case kCompressedPackets: {
                if (inBatch)
                    throw ProtoError("compressed_packets inside compressed_packets");
                const std::string_view z = perfetto::bytesField(r, "TracePacket.compressed_packets");
                if (std::string err = inflateBatch(z, batch); !err.empty())
                    throw ProtoError(err);
                break;
            }
            default:
                r.skip();
            }
        }
    } catch (const protozero::exception& e) {
        throw ProtoError("corrupt packet at byte offset " + std::to_string(offset) + " (" + std::to_string(bytes.size())
            + " bytes): " + e.what());
    } catch (const ProtoError& e) {
        if (inBatch)
            throw;
        throw ProtoError("packet at byte offset " + std::to_string(offset) + ": " + e.what());
    }
    if (batch.empty())
        return;
    // the inflated bytes are a Trace again: packets framed as field 1
    try {
        pbf_reader t(batch.data(), batch.size());
        while (t.next()) {
            if (t.tag() != kTracePacket)
                throw ProtoError("field " + std::to_string(t.tag()) + " is no Trace.packet");
            const std::size_t at = batch.size() - t.length();
            packet(perfetto::bytesField(t, "Trace.packet"), at, true);
        }
    } catch (const std::exception& e) {
        throw ProtoError("compressed packets in the packet at byte offset " + std::to_string(offset) + ": " + e.what());
    }
}

/// The framing of the top-level Trace, pulled from a ByteSource in bounded pieces.
class Framing
{
public:
    Framing(const ByteSource& source, std::string prefix)
        : m_source(source)
        , m_buf(std::move(prefix))
    { }
    /// The next packet, or false at the end of the input. Throws ProtoError on corrupt framing.
    bool next(std::string_view& packet, std::uint64_t& offset, std::uint64_t totalBytes);
    std::uint64_t consumed() const { return m_base + m_pos; }
    const std::string& error() const { return m_error; }

private:
    /// At least @p n bytes from m_pos on (fewer at the end of the input).
    std::size_t fill(std::size_t n);
    const ByteSource& m_source;
    std::string m_buf;
    std::size_t m_pos = 0;
    std::uint64_t m_base = 0; ///< input offset of m_buf[0]
    std::string m_error;
    bool m_eof = false;
};

std::size_t Framing::fill(std::size_t n)
{
    if (m_buf.size() - m_pos >= n || m_eof)
        return m_buf.size() - m_pos;
    m_buf.erase(0, m_pos);
    m_base += m_pos;
    m_pos = 0;
    while (m_buf.size() < n && !m_eof) {
        const std::size_t want = std::max<std::size_t>(n - m_buf.size(), 256 * 1024);
        const std::size_t have = m_buf.size();
        m_buf.resize(have + want);
        const std::size_t got = m_source(m_buf.data() + have, want, m_error);
        m_buf.resize(have + got);
        if (got == 0)
            m_eof = true;
    }
    return m_buf.size();
}

bool Framing::next(std::string_view& packet, std::uint64_t& offset, std::uint64_t totalBytes)
{
    offset = consumed();
    const std::size_t avail = fill(20);
    if (avail == 0)
        return false;
    const char* p = m_buf.data() + m_pos;
    const char* end = p + avail;
    const char* const start = p;
    std::uint64_t tag = 0, len = 0;
    try {
        tag = protozero::decode_varint(&p, end);
        if (tag != ((kTracePacket << 3) | 2))
            throw ProtoError("field " + std::to_string(tag >> 3) + " with wire type " + std::to_string(tag & 7)
                + " is no Trace.packet (field 1, length-delimited; first byte "
                + hexByte(static_cast<unsigned char>(*start)) + "): not a Perfetto trace, or corrupt");
        len = protozero::decode_varint(&p, end);
    } catch (const protozero::end_of_buffer_exception&) {
        throw ProtoError(
            "byte offset " + std::to_string(offset) + ": truncated varint (the input ends inside a packet header)");
    } catch (const protozero::varint_too_long_exception&) {
        throw ProtoError("byte offset " + std::to_string(offset) + ": varint longer than 10 bytes");
    } catch (const ProtoError& e) {
        throw ProtoError("byte offset " + std::to_string(offset) + ": " + e.what());
    }
    const auto header = static_cast<std::size_t>(p - start);
    const std::uint64_t bodyAt = offset + header;
    if (len > kMaxPacket || (totalBytes > 0 && bodyAt + len > totalBytes))
        throw ProtoError("byte offset " + std::to_string(offset) + ": packet of " + std::to_string(len)
            + " bytes, longer than the input ("
            + (totalBytes ? std::to_string(totalBytes - bodyAt) + " bytes left" : "over 1 GiB") + ")");
    const std::size_t need = header + static_cast<std::size_t>(len);
    if (fill(need) < need)
        throw ProtoError("byte offset " + std::to_string(offset) + ": truncated packet (" + std::to_string(len)
            + " bytes declared, " + std::to_string(m_buf.size() - m_pos - header) + " left in the input)");
    packet = std::string_view(m_buf.data() + m_pos + header, static_cast<std::size_t>(len));
    offset = bodyAt;
    m_pos += need;
    return true;
}

/// Hands the events to the consumer in blocks (or keeps them all without one). False = cancelled.
bool deliver(TraceData& data, std::vector<TraceEvent>& events, const TraceReadOptions& options)
{
    if (!options.consumer) {
        data.events = std::move(events);
        return true;
    }
    for (std::size_t i = 0; i < events.size(); i += kEventsPerBlock) {
        const std::size_t n = std::min(kEventsPerBlock, events.size() - i);
        data.events.insert(data.events.end(), events.begin() + static_cast<std::ptrdiff_t>(i),
            events.begin() + static_cast<std::ptrdiff_t>(i + n));
        if (!options.consumer(data))
            return false;
    }
    return events.empty() ? options.consumer(data) : true;
}

} // namespace

bool hasPerfettoExtension(const std::filesystem::path& path)
{
    const std::string ext = path.extension().string();
    return ext == ".perfetto-trace" || ext == ".pftrace";
}

bool looksLikePerfettoTrace(std::string_view head)
{
    if (head.size() < 2 || head[0] != 0x0a)
        return false;
    const char* p = head.data() + 1;
    const char* end = head.data() + head.size();
    std::uint64_t len = 0;
    try {
        len = protozero::decode_varint(&p, end);
    } catch (const protozero::exception&) {
        return false;
    }
    const std::size_t have = std::min<std::size_t>(static_cast<std::size_t>(end - p), len);
    if (len == 0 || len > kMaxPacket)
        return false;
    const std::string_view first(p, have);
    // text never holds control bytes other than tab/newline/CR; every packet holds a small varint value
    const bool control = std::any_of(first.begin(), first.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x09 || (u > 0x0d && u < 0x20);
    });
    if (!control)
        return false;
    try { // the whole first packet decodes as protobuf fields (a cut one: up to where it is cut)
        pbf_reader r(first.data(), first.size());
        while (r.next())
            r.skip();
    } catch (const protozero::end_of_buffer_exception&) {
        return have < len;
    } catch (const protozero::exception&) {
        return false;
    }
    return true;
}

TraceReadResult readPerfettoTrace(const ByteSource& source, std::string prefix, std::string_view sourceName,
    const TraceReadOptions& options, const TraceProgress& progress, std::uint64_t totalBytes)
{
    TraceReadResult result;
    result.data.source = std::string(sourceName);
    result.data.format = TraceFormat::Perfetto;
    Import import(result.data, options.maxErrors);
    PacketReader packets(import);
    Framing framing(source, std::move(prefix));
    std::uint64_t lastProgress = 0;
    try {
        std::string_view packet;
        std::uint64_t offset = 0;
        while (framing.next(packet, offset, totalBytes)) {
            packets.packet(packet, offset, false);
            if (progress && framing.consumed() - lastProgress >= options.blockSize) {
                lastProgress = framing.consumed();
                if (!progress(lastProgress, totalBytes)) {
                    result.status = ReadStatus::Cancelled;
                    return result;
                }
            }
        }
        if (!framing.error().empty())
            throw ProtoError(framing.error() + " at byte offset " + std::to_string(framing.consumed()));
    } catch (const std::exception& e) {
        result.status = ReadStatus::Failed;
        result.error = std::string(sourceName) + ": Perfetto trace: " + e.what();
        return result;
    }
    std::vector<TraceEvent> events = import.finish();
    if (!deliver(result.data, events, options))
        result.status = ReadStatus::Cancelled;
    if (progress)
        progress(framing.consumed(), totalBytes);
    return result;
}

TraceReadResult readPerfettoTrace(
    const std::filesystem::path& path, const TraceReadOptions& options, const TraceProgress& progress)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        TraceReadResult r;
        r.status = ReadStatus::Failed;
        r.error = path.string() + ": cannot open: " + std::strerror(errno);
        return r;
    }
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    const ByteSource pull = [&in](char* dst, std::size_t cap, std::string& error) -> std::size_t {
        in.read(dst, static_cast<std::streamsize>(cap));
        if (in.bad())
            error = "read error";
        return static_cast<std::size_t>(in.gcount());
    };
    TraceReadResult r = readPerfettoTrace(pull, {}, path.string(), options, progress, ec ? 0 : size);
    if (r.status == ReadStatus::Ok && r.data.events.empty() && r.data.lines == 0 && size == 0) {
        r.status = ReadStatus::Failed;
        r.error = path.string() + ": empty: no Perfetto packets";
    }
    return r;
}

} // namespace cmascope
