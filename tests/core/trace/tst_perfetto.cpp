// SPDX-License-Identifier: GPL-2.0-or-later
// The Perfetto reader on traces written here with protozero's writer, message by message as Perfetto's
// protos define them (docs/perfetto.md): the typed, GenericFtraceEvent and self-describing forms of the cma
// events, markers, task names, compressed packets, lost events, detection, and corrupt input with its offset.
#include <cmascope/trace/perfetto.h>
#include <cmascope/trace/reader.h>

#include <QTest>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <protozero/pbf_writer.hpp>
#include <sstream>
#include <string>
#include <zlib.h>

using namespace cmascope;
namespace fs = std::filesystem;

namespace {

using protozero::pbf_writer;

/// FtraceEvent: timestamp 1, pid 2, then the oneof member @p id holding @p body.
std::string ftraceEvent(std::uint64_t ts, std::uint32_t pid, std::uint32_t id, const std::string& body)
{
    std::string out;
    pbf_writer w(out);
    w.add_uint64(1, ts);
    w.add_uint32(2, pid);
    w.add_message(id, body);
    return out;
}

/// GenericFtraceEvent (327): event_name 1, field 2 {name 1, str_value 3 | uint_value 5 | int_value 4}.
std::string generic(const std::string& name, const std::string& area,
    std::initializer_list<std::pair<const char*, std::int64_t>> numbers)
{
    std::string out;
    pbf_writer w(out);
    w.add_string(1, name);
    {
        std::string f;
        pbf_writer fw(f);
        fw.add_string(1, "name");
        fw.add_string(3, area);
        w.add_message(2, f);
    }
    for (const auto& [field, value] : numbers) {
        std::string f;
        pbf_writer fw(f);
        fw.add_string(1, field);
        if (value < 0)
            fw.add_int64(4, value);
        else
            fw.add_uint64(5, static_cast<std::uint64_t>(value));
        w.add_message(2, f);
    }
    return out;
}

/// CmaAllocStartFtraceEvent (465): align 1, count 2 (left out when negative), name 3.
std::string typedStart(std::uint32_t align, std::int64_t count, const std::string& area)
{
    std::string out;
    pbf_writer w(out);
    w.add_uint32(1, align);
    if (count >= 0)
        w.add_uint32(2, static_cast<std::uint32_t>(count));
    w.add_string(3, area);
    return out;
}

/// CmaAllocFinishFtraceEvent (576): name 1, pfn 2, page 3, count 4, align 5, errorno 6.
std::string typedFinish(const std::string& area, std::uint64_t pfn, std::uint64_t page, std::uint64_t count,
    std::uint32_t align, std::int32_t err)
{
    std::string out;
    pbf_writer w(out);
    w.add_string(1, area);
    w.add_uint64(2, pfn);
    w.add_uint64(3, page);
    w.add_uint64(4, count);
    w.add_uint32(5, align);
    w.add_int32(6, err);
    return out;
}

/// PrintFtraceEvent (3): ip 1, buf 2.
std::string print(const std::string& text)
{
    std::string out;
    pbf_writer w(out);
    w.add_uint64(1, 0xffff800080001234ull);
    w.add_string(2, text);
    return out;
}

/// FtraceEventBundle: cpu 1, event 2..., lost_events 3.
std::string bundle(std::uint32_t cpu, std::initializer_list<std::string> events, bool lost = false)
{
    std::string out;
    pbf_writer w(out);
    w.add_uint32(1, cpu);
    for (const auto& e : events)
        w.add_message(2, e);
    if (lost)
        w.add_bool(3, true);
    return out;
}

/// TracePacket with @p field (1 ftrace_events, 2 process_tree, 34 ftrace_stats, 50 compressed_packets) and
/// trusted_packet_sequence_id 10.
std::string packet(std::uint32_t field, const std::string& body)
{
    std::string out;
    pbf_writer w(out);
    w.add_message(field, body);
    w.add_uint32(10, 1);
    return out;
}

/// A Trace: every packet as field 1.
std::string trace(std::initializer_list<std::string> packets)
{
    std::string out;
    pbf_writer w(out);
    for (const auto& p : packets)
        w.add_message(1, p);
    return out;
}

std::string zlibOf(const std::string& in)
{
    uLongf n = compressBound(static_cast<uLong>(in.size()));
    std::string out(n, '\0');
    compress(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(in.data()),
        static_cast<uLong>(in.size()));
    out.resize(n);
    return out;
}

std::string gzipOf(const std::string& in)
{
    z_stream zs {};
    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY); // gzip wrapper
    std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

TraceReadResult readBytes(const std::string& bytes)
{
    std::istringstream in(bytes);
    return readTrace(in, "t.pftrace", {}, {}, bytes.size());
}

/// The events as text lines, for whole comparisons.
std::string describe(const TraceData& d)
{
    std::string out;
    for (const auto& e : d.events) {
        out += d.taskName(e) + " " + std::to_string(e.cpu) + " " + std::to_string(e.timestampNs) + " "
            + std::string(eventTypeName(e.type));
        if (e.type == EventType::Marker) {
            out += " " + std::string(d.markerText(e)) + "\n";
            continue;
        }
        out += " " + std::string(d.areaName(e)) + " pfn=" + std::to_string(e.pfn) + " count=" + std::to_string(e.count)
            + " align=" + std::to_string(e.align) + " err=" + std::to_string(e.errorno)
            + " flags=" + std::to_string(e.flags) + "\n";
    }
    return out;
}

} // namespace

class TestPerfetto : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The three forms of cma events, markers, names from the process tree and from task_rename, ordering by
    // time across CPUs; the 6.18+ typed start without its size says so (NoCount).
    void forms()
    {
        const std::string t = trace({
            packet(1,
                bundle(1,
                    { ftraceEvent(2000, 7, 465, typedStart(4, -1, "reserved")),
                        ftraceEvent(3000, 7, 576, typedFinish("reserved", 0x5a000, 0xfffffe0000da8000ull, 16, 4, 0)),
                        ftraceEvent(5000, 7, 327,
                            generic(
                                "cma_release", "reserved", { { "pfn", 0x5a000 }, { "page", 1 }, { "count", 16 } })) })),
            packet(1,
                bundle(0,
                    { ftraceEvent(1000, 9, 3, print("CHECKPOINT a begin\n")),
                        ftraceEvent(4000, 9, 576, typedFinish("video", 0, 0, 8, 3, -16)),
                        ftraceEvent(4000, 9, 236, std::string("\x08\x09\x12\x02sh\x1a\x04work", 12)) })),
            packet(2, std::string("\x0a\x0b\x08\x07\x1a\x07/bin/dd", 13)), // Process{pid 7, cmdline "/bin/dd"}
        });
        const auto r = readBytes(t);
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.data.format, TraceFormat::Perfetto);
        QCOMPARE(describe(r.data),
            std::string("work-9 0 1000 tracing_mark_write CHECKPOINT a begin\n"
                        "dd-7 1 2000 cma_alloc_start reserved pfn=0 count=0 align=4 err=0 flags=36\n"
                        "dd-7 1 3000 cma_alloc_finish reserved pfn=368640 count=16 align=4 err=0 flags=6\n"
                        "work-9 0 4000 cma_alloc_finish video pfn=0 count=8 align=3 err=-16 flags=23\n"
                        "dd-7 1 5000 cma_release reserved pfn=368640 count=16 align=0 err=0 flags=0\n"));
        QCOMPARE(r.data.events.front().line, 1u);
        QCOMPARE(r.data.events.back().line, 5u);
        QCOMPARE(r.data.lines, std::uint64_t(6)); // the task_rename is an ftrace event not kept
        QCOMPARE(r.data.skippedLines, std::uint64_t(1));
        QCOMPARE(r.data.count(EventType::AllocFinish), std::uint64_t(2));
        QCOMPARE(r.data.errorCount, std::uint64_t(0));
    }

    // Android's cma_alloc_info is the finish of a trace without cma_alloc_finish, and ignored beside one.
    void allocInfo()
    {
        std::string info;
        pbf_writer w(info);
        w.add_uint32(1, 2); // align
        w.add_uint32(2, 4); // count
        w.add_string(6, "linux,cma");
        w.add_uint64(10, 0x80000); // pfn
        const auto alone = readBytes(trace({ packet(1,
            bundle(0, { ftraceEvent(10, 3, 465, typedStart(2, 4, "linux,cma")), ftraceEvent(20, 3, 466, info) })) }));
        QVERIFY2(alone.ok(), alone.error.c_str());
        QCOMPARE(describe(alone.data),
            std::string("<...>-3 0 10 cma_alloc_start linux,cma pfn=0 count=4 align=2 err=0 flags=4\n"
                        "<...>-3 0 20 cma_alloc_finish linux,cma pfn=524288 count=4 align=2 err=0 flags=4\n"));
        const auto both = readBytes(trace({ packet(1,
            bundle(0,
                { ftraceEvent(20, 3, 466, info),
                    ftraceEvent(21, 3, 576, typedFinish("linux,cma", 0x80000, 1, 4, 2, 0)) })) }));
        QVERIFY2(both.ok(), both.error.c_str());
        QCOMPARE(both.data.events.size(), std::size_t(1));
        QCOMPARE(both.data.skippedLines, std::uint64_t(1));
    }

    // compressed_packets (zlib) hold a Trace of packets; lost events from a flagged bundle and FtraceStats.
    void compressedAndLost()
    {
        const std::string inner = trace({ packet(1, bundle(0, { ftraceEvent(1, 5, 3, print("hello")) }, true)) });
        std::string stats[2];
        for (int phase = 1; phase <= 2; ++phase) { // FtraceStats: phase 1, cpu_stats 2 {cpu 1, overrun 3, dropped 8}
            std::string cpu;
            pbf_writer cw(cpu);
            cw.add_uint64(1, 0);
            cw.add_uint64(3, phase == 1 ? 5 : 12);
            cw.add_uint64(8, phase == 1 ? 0 : 3);
            pbf_writer sw(stats[phase - 1]);
            sw.add_enum(1, phase);
            sw.add_message(2, cpu);
        }
        const auto r = readBytes(trace({ packet(34, stats[0]), packet(50, zlibOf(inner)), packet(34, stats[1]) }));
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.data.events.size(), std::size_t(1));
        QCOMPARE(std::string(r.data.markerText(r.data.events[0])), std::string("hello"));
        QCOMPARE(r.data.lostEvents, std::uint64_t(10)); // (12 + 3) - (5 + 0)
        const auto flagged = readBytes(inner);
        QCOMPARE(flagged.data.lostEvents, std::uint64_t(1)); // no statistics: at least one
    }

    // Content, not the name, decides: a Perfetto trace under any name; a text trace starting with a blank line
    // (byte 0x0a, as a packet starts) is still text.
    void detection()
    {
        const std::string t = trace({ packet(1, bundle(0, { ftraceEvent(1, 5, 3, print("x")) })) });
        QVERIFY(looksLikePerfettoTrace(t));
        QVERIFY(looksLikePerfettoTrace(t.substr(0, 6))); // a cut first packet
        QVERIFY(!looksLikePerfettoTrace("\n# tracer: nop\n#\n"));
        QVERIFY(!looksLikePerfettoTrace("\n\n           <...>-1 [000] ....  1.000000: cma_release:"));
        const fs::path p = fs::temp_directory_path() / "cmascope-perfetto-detect.bin";
        {
            std::ofstream(p, std::ios::binary) << t;
        }
        const auto r = readTrace(p);
        fs::remove(p);
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.data.format, TraceFormat::Perfetto);
        const auto gz = readBytes(gzipOf(t)); // a gzip of a Perfetto trace, as of a text one
        QVERIFY2(gz.ok(), gz.error.c_str());
        QCOMPARE(gz.data.format, TraceFormat::Perfetto);
        QCOMPARE(gz.data.events.size(), std::size_t(1));
        QVERIFY(hasPerfettoExtension("a/b.perfetto-trace"));
        QVERIFY(hasPerfettoExtension("b.pftrace"));
        QVERIFY(!hasPerfettoExtension("b.txt"));
    }

    // A streaming consumer gets every event once, in time order, and can stop the read.
    void consumer()
    {
        const std::string t =
            trace({ packet(1, bundle(1, { ftraceEvent(30, 5, 3, print("c")), ftraceEvent(10, 5, 3, print("a")) })),
                packet(1, bundle(0, { ftraceEvent(20, 6, 3, print("b")) })) });
        std::string seen;
        TraceReadOptions opt;
        opt.consumer = [&seen](TraceData& d) {
            for (const auto& e : d.events)
                seen += d.markerText(e);
            d.events.clear();
            return true;
        };
        std::istringstream in(t);
        const auto r = readTrace(in, "t", opt, {}, t.size());
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(seen, std::string("abc"));
        QVERIFY(r.data.events.empty());
        opt.consumer = [](TraceData&) { return false; };
        std::istringstream again(t);
        QCOMPARE(readTrace(again, "t", opt, {}, t.size()).status, ReadStatus::Cancelled);
    }

    // Corrupt input: each error names the byte offset and what is wrong.
    void badInput_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("error");
        const std::string good = trace({ packet(1, bundle(0, { ftraceEvent(1, 5, 3, print("x")) })) });
        const auto bytes = [](const std::string& s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); };
        QTest::newRow("truncated packet") << bytes(good.substr(0, good.size() - 3))
                                          << "t.pftrace: Perfetto trace: byte offset 0: packet of 28 bytes, longer "
                                             "than the input (25 bytes left)";
        QTest::newRow("truncated varint") << bytes(good + "\x0a\xff")
                                          << "t.pftrace: Perfetto trace: byte offset 30: truncated varint (the "
                                             "input ends inside a packet header)";
        QTest::newRow("wrong wire type") << bytes(good + "\x08\x01")
                                         << "t.pftrace: Perfetto trace: byte offset 30: field 1 with wire type 0 "
                                            "is no Trace.packet (field 1, length-delimited; first byte 0x08): not a "
                                            "Perfetto trace, or corrupt";
        QTest::newRow("wrong wire type inside") << bytes(trace({ packet(1, std::string("\x0a\x01x", 3)) }))
                                                << "t.pftrace: Perfetto trace: packet at byte offset 2: "
                                                   "FtraceEventBundle.cpu (field 1) has wire type "
                                                   "length-delimited, expected varint";
        QTest::newRow("corrupt zlib") << bytes(trace({ packet(50, "not zlib at all") }))
                                      << "t.pftrace: Perfetto trace: packet at byte offset 2: corrupt zlib data in "
                                         "compressed_packets: incorrect header check";
        QTest::newRow("truncated zlib") << bytes(trace({ packet(50, zlibOf(good).substr(0, 10)) }))
                                        << "t.pftrace: Perfetto trace: packet at byte offset 2: truncated zlib data "
                                           "in compressed_packets";
    }
    void badInput()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, error);
        // the stream path (content detection) and the file path (by extension) give the same message
        const auto r = readBytes(bytes.toStdString());
        QCOMPARE(r.status, ReadStatus::Failed);
        QCOMPARE(QString::fromStdString(r.error), error);
        const fs::path p = fs::temp_directory_path() / "t.pftrace";
        {
            std::ofstream(p, std::ios::binary) << bytes.toStdString();
        }
        const auto f = readTrace(p);
        fs::remove(p);
        QCOMPARE(f.status, ReadStatus::Failed);
        QCOMPARE(QString::fromStdString(f.error), QString::fromStdString(p.string()) + error.mid(9));
    }
};

QTEST_GUILESS_MAIN(TestPerfetto)
#include "tst_perfetto.moc"
