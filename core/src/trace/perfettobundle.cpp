// SPDX-License-Identifier: GPL-2.0-or-later
// The ftrace event bundles of a Perfetto trace: the cma:* events in their typed, GenericFtraceEvent and
// self-describing forms, ftrace print markers, and the comms that name the tasks. The field numbers are
// those of Perfetto's protos (docs/perfetto.md lists them with their sources).
#include "perfettoimport.h"
#include "requiredfields.h"

#include <algorithm>
#include <string>

namespace cmascope::perfetto {

namespace {

using protozero::pbf_reader;
using protozero::pbf_wire_type;

// FtraceEventBundle (protos/perfetto/trace/ftrace/ftrace_event_bundle.proto)
constexpr std::uint32_t kBundleCpu = 1, kBundleEvent = 2, kBundleLost = 3, kBundleCompactSched = 4, kBundleClock = 5,
                        kBundleDescriptors = 11;
// FtraceEvent (ftrace_event.proto): common fields and the oneof members read here
constexpr std::uint32_t kEventTimestamp = 1, kEventPid = 2, kEventCommonFlags = 5;
constexpr std::uint32_t kPrint = 3, kSchedSwitch = 4, kTaskNewtask = 235, kTaskRename = 236, kGeneric = 327,
                        kCmaAllocStart = 465, kCmaAllocInfo = 466, kCmaAllocFinish = 576;

/// The event type of a cma:* kernel event name; false for any other name.
bool cmaType(std::string_view name, EventType& type)
{
    if (name == "cma_alloc_start")
        type = EventType::AllocStart;
    else if (name == "cma_alloc_finish")
        type = EventType::AllocFinish;
    else if (name == "cma_alloc_busy_retry")
        type = EventType::BusyRetry;
    else if (name == "cma_release")
        type = EventType::Release;
    else if (name == "cma_alloc")
        type = EventType::LegacyAlloc;
    else
        return false;
    return true;
}

/// Repeated integers, packed or not, appended to @p out.
void appendInts(pbf_reader& r, std::vector<std::int64_t>& out, std::string_view what)
{
    if (r.wire_type() == pbf_wire_type::length_delimited) {
        for (auto v : r.get_packed_int64())
            out.push_back(v);
        return;
    }
    out.push_back(static_cast<std::int64_t>(varintField(r, what)));
}

/// One GenericEventDescriptor: field_id 1, event_descriptor 2 (a DescriptorProto: name 1, field 2 with
/// FieldDescriptorProto name 1, number 3, type 5), group_name 3.
void readDescriptor(std::string_view bytes, std::unordered_map<std::uint32_t, DescribedEvent>& out)
{
    pbf_reader r(bytes.data(), bytes.size());
    std::uint32_t id = 0;
    DescribedEvent d;
    while (r.next()) {
        if (r.tag() == 1) {
            id = static_cast<std::uint32_t>(varintField(r, "GenericEventDescriptor.field_id"));
        } else if (r.tag() == 3) {
            d.group = bytesField(r, "GenericEventDescriptor.group_name");
        } else if (r.tag() == 2) {
            const std::string_view desc = bytesField(r, "GenericEventDescriptor.event_descriptor");
            pbf_reader dr(desc.data(), desc.size());
            while (dr.next()) {
                if (dr.tag() == 1) {
                    d.name = bytesField(dr, "DescriptorProto.name");
                    continue;
                }
                if (dr.tag() != 2) {
                    dr.skip();
                    continue;
                }
                const std::string_view fd = bytesField(dr, "DescriptorProto.field");
                pbf_reader fr(fd.data(), fd.size());
                std::uint32_t number = 0;
                DescribedField f;
                while (fr.next()) {
                    if (fr.tag() == 1)
                        f.name = bytesField(fr, "FieldDescriptorProto.name");
                    else if (fr.tag() == 3)
                        number = static_cast<std::uint32_t>(varintField(fr, "FieldDescriptorProto.number"));
                    else if (fr.tag() == 5)
                        f.type = static_cast<int>(varintField(fr, "FieldDescriptorProto.type"));
                    else
                        fr.skip();
                }
                d.fields[number] = std::move(f);
            }
        } else {
            r.skip();
        }
    }
    out[id] = std::move(d);
}

} // namespace

bool CmaFields::setNumber(std::string_view field, std::uint64_t value)
{
    if (field == "pfn") {
        pfn = value;
        hasPfn = true;
    } else if (field == "page") {
        page = value;
        hasPage = true;
    } else if (field == "count" || field == "request_count") {
        count = value;
        hasCount = true;
    } else if (field == "available_count") {
        available = value;
        hasAvailable = true;
    } else if (field == "total_count") {
        total = value;
        hasTotal = true;
    } else if (field == "align") {
        align = static_cast<std::uint32_t>(std::min<std::uint64_t>(value, 255));
        hasAlign = true;
    } else if (field == "errorno") {
        errorno = static_cast<std::int64_t>(value);
        hasErrno = true;
    } else {
        return false;
    }
    return true;
}

void Import::bundle(std::string_view bytes)
{
    std::uint32_t cpu = 0;
    std::unordered_map<std::uint32_t, DescribedEvent> described;
    pbf_reader r(bytes.data(), bytes.size());
    while (r.next()) { // first the bundle's own fields: the descriptors may follow the events
        switch (r.tag()) {
        case kBundleCpu:
            cpu = static_cast<std::uint32_t>(varintField(r, "FtraceEventBundle.cpu"));
            break;
        case kBundleLost:
            if (varintField(r, "FtraceEventBundle.lost_events") != 0)
                ++m_lostBundles;
            break;
        case kBundleCompactSched:
            compactSched(bytesField(r, "FtraceEventBundle.compact_sched"));
            break;
        case kBundleClock:
            if (const auto clock = varintField(r, "FtraceEventBundle.ftrace_clock"); clock != 0 && !m_clockNoted) {
                m_clockNoted = true;
                note("the ftrace clock is not \"boot\" (FtraceClock " + std::to_string(clock)
                    + "): timestamps are that clock's, not aligned to other clocks");
            }
            break;
        case kBundleDescriptors:
            readDescriptor(bytesField(r, "FtraceEventBundle.generic_event_descriptors"), described);
            break;
        default:
            r.skip();
        }
    }
    pbf_reader events(bytes.data(), bytes.size());
    while (events.next(kBundleEvent))
        event(bytesField(events, "FtraceEventBundle.event"), cpu, described);
}

void Import::event(
    std::string_view bytes, std::uint32_t cpu, const std::unordered_map<std::uint32_t, DescribedEvent>& described)
{
    pbf_reader r(bytes.data(), bytes.size());
    std::uint64_t ts = 0;
    std::uint32_t pid = 0, id = 0;
    std::string_view body;
    while (r.next()) {
        if (r.tag() == kEventTimestamp)
            ts = varintField(r, "FtraceEvent.timestamp");
        else if (r.tag() == kEventPid)
            pid = static_cast<std::uint32_t>(varintField(r, "FtraceEvent.pid"));
        else if (r.tag() != kEventCommonFlags && r.wire_type() == pbf_wire_type::length_delimited) {
            id = r.tag();
            body = bytesField(r, "FtraceEvent event");
        } else
            r.skip();
    }
    ++m_out.lines;
    pbf_reader b(body.data(), body.size());
    if (id == kPrint) {
        std::string_view text;
        while (b.next(2)) // PrintFtraceEvent.buf
            text = bytesField(b, "PrintFtraceEvent.buf");
        return marker(text, ts, pid, cpu);
    }
    ++m_out.skippedLines; // taken back by the cma events kept
    if (id == kSchedSwitch) { // prev_comm 1, prev_pid 2, next_comm 5, next_pid 6
        std::string_view prevComm, nextComm;
        std::int64_t prevPid = -1, nextPid = -1;
        while (b.next()) {
            if (b.tag() == 1)
                prevComm = bytesField(b, "SchedSwitchFtraceEvent.prev_comm");
            else if (b.tag() == 2)
                prevPid = static_cast<std::int32_t>(varintField(b, "SchedSwitchFtraceEvent.prev_pid"));
            else if (b.tag() == 5)
                nextComm = bytesField(b, "SchedSwitchFtraceEvent.next_comm");
            else if (b.tag() == 6)
                nextPid = static_cast<std::int32_t>(varintField(b, "SchedSwitchFtraceEvent.next_pid"));
            else
                b.skip();
        }
        setComm(prevPid, prevComm);
        setComm(nextPid, nextComm);
    } else if (id == kTaskNewtask || id == kTaskRename) { // pid 1; comm 2 (newtask) / newcomm 3 (rename)
        const std::uint32_t commTag = id == kTaskNewtask ? 2 : 3;
        std::int64_t child = -1;
        std::string_view comm;
        while (b.next()) {
            if (b.tag() == 1)
                child = static_cast<std::int32_t>(varintField(b, "Task*FtraceEvent.pid"));
            else if (b.tag() == commTag)
                comm = bytesField(b, "Task*FtraceEvent.comm");
            else
                b.skip();
        }
        setComm(child, comm);
    } else if (id == kGeneric) {
        genericEvent(body, ts, pid, cpu);
    } else if (id == kCmaAllocStart || id == kCmaAllocInfo || id == kCmaAllocFinish) {
        typedCma(id, body, ts, pid, cpu);
    } else if (auto it = described.find(id); it != described.end()) {
        describedEvent(it->second, body, ts, pid, cpu);
    }
}

/// CompactSched: intern_table 5, switch_next_pid 3, switch_next_comm_index 6, waking_pid 8, waking_comm_index 11.
void Import::compactSched(std::string_view bytes)
{
    std::vector<std::string_view> table;
    std::vector<std::int64_t> switchPid, switchComm, wakingPid, wakingComm;
    pbf_reader r(bytes.data(), bytes.size());
    while (r.next()) {
        switch (r.tag()) {
        case 5:
            table.push_back(bytesField(r, "CompactSched.intern_table"));
            break;
        case 3:
            appendInts(r, switchPid, "CompactSched.switch_next_pid");
            break;
        case 6:
            appendInts(r, switchComm, "CompactSched.switch_next_comm_index");
            break;
        case 8:
            appendInts(r, wakingPid, "CompactSched.waking_pid");
            break;
        case 11:
            appendInts(r, wakingComm, "CompactSched.waking_comm_index");
            break;
        default:
            r.skip();
        }
    }
    auto apply = [&](const std::vector<std::int64_t>& pids, const std::vector<std::int64_t>& comms) {
        for (std::size_t i = 0; i < pids.size() && i < comms.size(); ++i)
            if (comms[i] >= 0 && static_cast<std::size_t>(comms[i]) < table.size())
                setComm(pids[i], table[static_cast<std::size_t>(comms[i])]);
    };
    apply(wakingPid, wakingComm);
    apply(switchPid, switchComm);
}

void Import::setComm(std::int64_t pid, std::string_view comm)
{
    if (pid < 0 || pid > 0xffffffffLL || comm.empty())
        return;
    m_comm[static_cast<std::uint32_t>(pid)].assign(comm);
}

/// GenericFtraceEvent: event_name 1, field 2 (Field: name 1, str_value 3, int_value 4, uint_value 5).
void Import::genericEvent(std::string_view bytes, std::uint64_t ts, std::uint32_t pid, std::uint32_t cpu)
{
    std::string_view eventName;
    CmaFields f;
    pbf_reader r(bytes.data(), bytes.size());
    while (r.next()) {
        if (r.tag() == 1) {
            eventName = bytesField(r, "GenericFtraceEvent.event_name");
            continue;
        }
        if (r.tag() != 2) {
            r.skip();
            continue;
        }
        const std::string_view field = bytesField(r, "GenericFtraceEvent.field");
        pbf_reader fr(field.data(), field.size());
        std::string_view name, str;
        std::uint64_t value = 0;
        bool isString = false;
        while (fr.next()) {
            if (fr.tag() == 1)
                name = bytesField(fr, "GenericFtraceEvent.Field.name");
            else if (fr.tag() == 3) {
                str = bytesField(fr, "GenericFtraceEvent.Field.str_value");
                isString = true;
            } else if (fr.tag() == 4 || fr.tag() == 5)
                value = varintField(fr, "GenericFtraceEvent.Field.int_value/uint_value");
            else
                fr.skip();
        }
        if (isString && name == "name") {
            f.name = str;
            f.hasName = true;
        } else if (!isString) {
            f.setNumber(name, value);
        }
    }
    EventType type {};
    if (cmaType(eventName, type))
        cmaEvent(type, f, ts, pid, cpu, false, eventName);
}

/// A self-describing generic event: its fields decoded by the types of its bundle's descriptor.
void Import::describedEvent(
    const DescribedEvent& d, std::string_view bytes, std::uint64_t ts, std::uint32_t pid, std::uint32_t cpu)
{
    EventType type {};
    if ((d.group != "cma" && !d.group.empty()) || !cmaType(d.name, type))
        return;
    CmaFields f;
    pbf_reader r(bytes.data(), bytes.size());
    while (r.next()) {
        const auto it = d.fields.find(r.tag());
        if (it == d.fields.end()) {
            r.skip();
            continue;
        }
        const DescribedField& df = it->second;
        if (df.type == 9) { // TYPE_STRING
            const std::string_view s = bytesField(r, d.name + "." + df.name);
            if (df.name == "name") {
                f.name = s;
                f.hasName = true;
            }
        } else if (r.wire_type() == pbf_wire_type::varint) {
            std::uint64_t v = r.get_uint64();
            if (df.type == 17 || df.type == 18) // TYPE_SINT32 / TYPE_SINT64: zigzag
                v = static_cast<std::uint64_t>(protozero::decode_zigzag64(v));
            f.setNumber(df.name, v);
        } else if (r.wire_type() == pbf_wire_type::fixed64) {
            f.setNumber(df.name, r.get_fixed64());
        } else if (r.wire_type() == pbf_wire_type::fixed32) {
            f.setNumber(df.name, r.get_fixed32());
        } else {
            throw ProtoError(d.name + "." + df.name + ": wire type " + std::to_string(int(r.wire_type()))
                + " does not fit its descriptor type " + std::to_string(df.type));
        }
    }
    cmaEvent(type, f, ts, pid, cpu, false, d.name);
}

/// Perfetto's typed cma events: CmaAllocStartFtraceEvent (align 1, count 2, name 3), CmaAllocInfoFtraceEvent
/// (align 1, count 2, name 6, pfn 10), CmaAllocFinishFtraceEvent (name 1, pfn 2, page 3, count 4, align 5,
/// errorno 6).
void Import::typedCma(std::uint32_t id, std::string_view bytes, std::uint64_t ts, std::uint32_t pid, std::uint32_t cpu)
{
    static constexpr std::string_view kStart[] = { "", "align", "count", "name" };
    static constexpr std::string_view kInfo[] = { "", "align", "count", "", "", "", "name", "", "", "", "pfn" };
    static constexpr std::string_view kFinish[] = { "", "name", "pfn", "page", "count", "align", "errorno" };
    const std::string_view* names = id == kCmaAllocStart ? kStart : id == kCmaAllocInfo ? kInfo : kFinish;
    const std::size_t n = id == kCmaAllocStart ? std::size(kStart)
        : id == kCmaAllocInfo                  ? std::size(kInfo)
                                               : std::size(kFinish);
    CmaFields f;
    pbf_reader r(bytes.data(), bytes.size());
    while (r.next()) {
        const std::string_view field = r.tag() < n ? names[r.tag()] : std::string_view();
        if (field.empty()) {
            r.skip();
        } else if (field == "name") {
            f.name = bytesField(r, "Cma*FtraceEvent.name");
            f.hasName = true;
        } else if (field == "errorno") { // int32: a negative value is a sign-extended varint
            f.setNumber(field, static_cast<std::uint64_t>(static_cast<std::int32_t>(varintField(r, "errorno"))));
        } else {
            f.setNumber(field, varintField(r, field));
        }
    }
    const bool info = id == kCmaAllocInfo;
    const EventType type = id == kCmaAllocStart ? EventType::AllocStart : EventType::AllocFinish;
    cmaEvent(type, f, ts, pid, cpu, info, info ? "cma_alloc_info" : eventTypeName(type));
}

} // namespace cmascope::perfetto
