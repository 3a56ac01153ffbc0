// SPDX-License-Identifier: GPL-2.0-or-later
// One Perfetto import's events, names and losses (perfettoimport.h): checking a cma event's fields as the
// text parser does, the process tree, the ftrace statistics, and the final order. docs/perfetto.md.
#include "perfettoimport.h"

#include "requiredfields.h"

#include <algorithm>

namespace cmascope::perfetto {

using protozero::pbf_reader;
using protozero::pbf_wire_type;

namespace {

const char* wireName(pbf_wire_type t)
{
    switch (t) {
    case pbf_wire_type::varint:
        return "varint";
    case pbf_wire_type::fixed64:
        return "fixed64";
    case pbf_wire_type::length_delimited:
        return "length-delimited";
    case pbf_wire_type::fixed32:
        return "fixed32";
    default:
        return "unknown";
    }
}

} // namespace

void expectWire(const pbf_reader& r, pbf_wire_type want, std::string_view what)
{
    if (r.wire_type() != want)
        throw ProtoError(std::string(what) + " (field " + std::to_string(r.tag()) + ") has wire type "
            + wireName(r.wire_type()) + ", expected " + wireName(want));
}

std::uint64_t varintField(pbf_reader& r, std::string_view what)
{
    expectWire(r, pbf_wire_type::varint, what);
    return r.get_uint64();
}

std::string_view bytesField(pbf_reader& r, std::string_view what)
{
    expectWire(r, pbf_wire_type::length_delimited, what);
    const auto v = r.get_view();
    return { v.data(), v.size() };
}

void Import::note(std::string message)
{
    addError(std::move(message));
}

void Import::addError(std::string message)
{
    ++m_out.errorCount;
    if (m_out.errors.size() < m_maxErrors)
        m_out.errors.push_back({ 0, std::move(message) });
}

/// A cma event: its fields checked as the text parser checks them, then kept.
void Import::cmaEvent(EventType type, const CmaFields& f, std::uint64_t ts, std::uint32_t pid, std::uint32_t cpu,
    bool fromInfo, std::string_view kernelName)
{
    // a typed cma_alloc_start without count: Perfetto's CmaAllocStartFtraceEvent has no request_count (6.18+)
    const bool noCount = type == EventType::AllocStart && !f.hasCount;
    const char* missing = missingCmaField(type,
        { .count = f.hasCount || noCount,
            .align = f.hasAlign,
            .available = f.hasAvailable,
            .total = f.hasTotal,
            .pfn = f.hasPfn,
            .page = f.hasPage || fromInfo });
    if (missing)
        return addError(std::string(kernelName) + " at " + std::to_string(ts) + " ns (CPU " + std::to_string(cpu)
            + ", pid " + std::to_string(pid) + "): missing " + missing);
    PendingEvent p;
    TraceEvent& ev = p.event;
    p.fromInfo = fromInfo;
    ev.type = type;
    ev.timestampNs = ts;
    ev.cpu = static_cast<std::int16_t>(std::min<std::uint32_t>(cpu, 32767));
    ev.taskId = pid;
    ev.pfn = f.pfn;
    ev.count = f.count;
    if (noCount)
        ev.flags |= TraceEvent::NoCount;
    if (f.hasAlign) {
        ev.align = static_cast<std::uint8_t>(f.align);
        ev.flags |= TraceEvent::HasAlign;
    }
    if (f.hasErrno) {
        ev.errorno = static_cast<std::int32_t>(f.errorno);
        ev.flags |= TraceEvent::HasErrno;
    }
    if (f.hasAvailable && f.hasTotal) {
        ev.availableCount = static_cast<std::uint32_t>(f.available);
        ev.totalCount = static_cast<std::uint32_t>(f.total);
        ev.flags |= TraceEvent::HasAvailable;
    }
    const bool nullPage = f.hasPage && f.page == 0;
    if (nullPage)
        ev.flags |= TraceEvent::NullPage;
    if ((type == EventType::AllocFinish || type == EventType::LegacyAlloc)
        && ((f.hasErrno && ev.errorno != 0) || nullPage || ev.pfn == ~0ull))
        ev.flags |= TraceEvent::Failed;
    ev.areaId = m_areas.intern(f.hasName ? f.name : kUnnamedArea);
    if (type == EventType::AllocFinish && !fromInfo)
        m_sawFinish = true;
    --m_out.skippedLines;
    m_events.push_back(p);
}

/// An ftrace print: its buf without leading blanks and trailing whitespace (as the text shows it).
void Import::marker(std::string_view text, std::uint64_t ts, std::uint32_t pid, std::uint32_t cpu)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    PendingEvent p;
    p.event.type = EventType::Marker;
    p.event.timestampNs = ts;
    p.event.cpu = static_cast<std::int16_t>(std::min<std::uint32_t>(cpu, 32767));
    p.event.taskId = pid;
    p.event.markerId = m_markers.intern(text);
    m_events.push_back(p);
}

/// ProcessTree: processes 1 (pid 1, cmdline 3, cmdline_is_comm 9), threads 2 (tid 1, name 2).
void Import::processTree(std::string_view bytes)
{
    pbf_reader r(bytes.data(), bytes.size());
    while (r.next()) {
        if (r.tag() != 1 && r.tag() != 2) {
            r.skip();
            continue;
        }
        const bool thread = r.tag() == 2;
        const std::string_view item = bytesField(r, thread ? "ProcessTree.threads" : "ProcessTree.processes");
        pbf_reader ir(item.data(), item.size());
        std::int64_t pid = -1;
        std::string_view name;
        bool first = true, isComm = false;
        while (ir.next()) {
            if (ir.tag() == 1)
                pid = static_cast<std::int32_t>(varintField(ir, "ProcessTree pid/tid"));
            else if (thread && ir.tag() == 2)
                name = bytesField(ir, "ProcessTree.Thread.name");
            else if (!thread && ir.tag() == 3 && first) {
                name = bytesField(ir, "ProcessTree.Process.cmdline");
                first = false;
            } else if (!thread && ir.tag() == 9)
                isComm = varintField(ir, "ProcessTree.Process.cmdline_is_comm") != 0;
            else
                ir.skip();
        }
        if (thread || isComm) {
            setComm(pid, name);
        } else if (pid >= 0 && !name.empty()) { // argv[0]'s base name, cut as the kernel cuts a comm
            const auto slash = name.rfind('/');
            m_cmdline[static_cast<std::uint32_t>(pid)] =
                std::string(name.substr(slash == name.npos ? 0 : slash + 1, 15));
        }
    }
}

/// FtraceStats: phase 1 (1 start, 2 end), cpu_stats 2 (FtraceCpuStats: cpu 1, overrun 3, dropped_events 8).
void Import::ftraceStats(std::string_view bytes)
{
    std::uint64_t phase = 0;
    std::map<std::uint64_t, std::uint64_t> loss;
    pbf_reader r(bytes.data(), bytes.size());
    while (r.next()) {
        if (r.tag() == 1) {
            phase = varintField(r, "FtraceStats.phase");
        } else if (r.tag() == 2) {
            const std::string_view c = bytesField(r, "FtraceStats.cpu_stats");
            pbf_reader cr(c.data(), c.size());
            std::uint64_t cpu = 0, lost = 0;
            while (cr.next()) {
                if (cr.tag() == 1)
                    cpu = varintField(cr, "FtraceCpuStats.cpu");
                else if (cr.tag() == 3 || cr.tag() == 8)
                    lost += varintField(cr, "FtraceCpuStats.overrun/dropped_events");
                else
                    cr.skip();
            }
            loss[cpu] = lost;
        } else {
            r.skip();
        }
    }
    if (phase == 1)
        m_lossStart = std::move(loss);
    else if (phase == 2)
        m_lossEnd = std::move(loss);
}

std::string Import::taskName(std::uint32_t pid) const
{
    if (auto it = m_comm.find(pid); it != m_comm.end())
        return it->second + "-" + std::to_string(pid);
    if (auto it = m_cmdline.find(pid); it != m_cmdline.end())
        return it->second + "-" + std::to_string(pid);
    return "<...>-" + std::to_string(pid);
}

std::vector<TraceEvent> Import::finish()
{
    if (m_sawFinish) // Android's cma_alloc_info beside cma_alloc_finish would count each allocation twice
        std::erase_if(m_events, [this](const PendingEvent& p) {
            if (p.fromInfo)
                ++m_out.skippedLines;
            return p.fromInfo;
        });
    std::stable_sort(m_events.begin(), m_events.end(), [](const PendingEvent& a, const PendingEvent& b) {
        if (a.event.timestampNs != b.event.timestampNs)
            return a.event.timestampNs < b.event.timestampNs;
        return a.event.cpu < b.event.cpu;
    });
    std::unordered_map<std::uint32_t, std::uint32_t> taskOfPid;
    std::vector<TraceEvent> out;
    out.reserve(m_events.size());
    for (const PendingEvent& p : m_events) {
        TraceEvent ev = p.event;
        const std::uint32_t pid = ev.taskId;
        auto [it, isNew] = taskOfPid.try_emplace(pid, 0);
        if (isNew)
            it->second = m_out.tasks.intern(taskName(pid));
        ev.taskId = it->second;
        if (ev.areaId != TraceEvent::kNoId)
            ev.areaId = m_out.areas.intern(m_areas[ev.areaId]);
        if (ev.markerId != TraceEvent::kNoId)
            ev.markerId = m_out.markers.intern(m_markers[ev.markerId]);
        ev.line = static_cast<std::uint32_t>(std::min<std::size_t>(out.size() + 1, 0xffffffffu));
        ++m_out.perType[static_cast<std::size_t>(ev.type)];
        out.push_back(ev);
    }
    m_events.clear();
    std::uint64_t lost = 0;
    for (const auto& [cpu, end] : m_lossEnd) {
        const auto start = m_lossStart.find(cpu);
        const std::uint64_t before = start == m_lossStart.end() ? 0 : start->second;
        lost += end > before ? end - before : 0;
    }
    m_out.lostEvents += std::max(lost, m_lostBundles);
    return out;
}

} // namespace cmascope::perfetto
