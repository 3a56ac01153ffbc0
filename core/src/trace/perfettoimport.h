// SPDX-License-Identifier: GPL-2.0-or-later
// The state of one Perfetto import (internal to src/trace, not installed): perfetto.cpp reads the packets,
// perfettobundle.cpp the ftrace event bundles in them. Field numbers: docs/perfetto.md.
#pragma once

#include <cmascope/trace/events.h>

#include <cstdint>
#include <map>
#include <protozero/pbf_reader.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cmascope::perfetto {

/// A protobuf field of the wrong wire type, or another inconsistency protozero does not check.
struct ProtoError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

/// Throws ProtoError unless the current field of @p r has wire type @p want; @p what names the field.
void expectWire(const protozero::pbf_reader& r, protozero::pbf_wire_type want, std::string_view what);
/// The current field as a varint (any integer type: int32/64 sign-extended, uint32/64), a string/bytes.
std::uint64_t varintField(protozero::pbf_reader& r, std::string_view what);
std::string_view bytesField(protozero::pbf_reader& r, std::string_view what);

/// One field of a self-describing generic event (GenericEventDescriptor): its name and protobuf type.
struct DescribedField
{
    std::string name;
    int type = 0; ///< google.protobuf.FieldDescriptorProto.Type (9 string, 3 int64, 4 uint64, 5 int32, ...)
};
/// The fields of one self-describing generic event, by field number.
struct DescribedEvent
{
    std::string group, name;
    std::map<std::uint32_t, DescribedField> fields;
};

/// A cma:* event's fields by kernel name, as the typed, generic and self-describing forms give them.
struct CmaFields
{
    std::string_view name;
    std::uint64_t pfn = 0, page = 0, count = 0, available = 0, total = 0;
    std::int64_t errorno = 0;
    std::uint32_t align = 0;
    bool hasName = false, hasPfn = false, hasPage = false, hasCount = false, hasAvailable = false, hasTotal = false,
         hasErrno = false, hasAlign = false;
    /// Sets the field called @p field (kernel names; request_count is count); false if it is none of them.
    bool setNumber(std::string_view field, std::uint64_t value);
};

/// One imported event before the names are known.
struct PendingEvent
{
    TraceEvent event; ///< taskId holds the pid until the end
    bool fromInfo = false; ///< Android's cma_alloc_info (kept only if the trace has no cma_alloc_finish)
};

/// Collects events, names and loss counts over the packets of one trace.
class Import
{
public:
    Import(TraceData& out, std::size_t maxErrors)
        : m_out(out)
        , m_maxErrors(maxErrors)
    { }

    /// One FtraceEventBundle (TracePacket field 1).
    void bundle(std::string_view bytes);
    /// One ProcessTree (TracePacket field 2): thread names and comm-only cmdlines.
    void processTree(std::string_view bytes);
    /// One FtraceStats (TracePacket field 34): overruns and dropped events per CPU.
    void ftraceStats(std::string_view bytes);
    /// Sorts the events, resolves the task names and the loss counts into the TraceData; returns the events
    /// in their final order (for the consumer).
    std::vector<TraceEvent> finish();
    /// A problem not tied to one event (e.g. an unknown clock), kept as a TraceError with line 0.
    void note(std::string message);

private:
    void event(
        std::string_view bytes, std::uint32_t cpu, const std::unordered_map<std::uint32_t, DescribedEvent>& described);
    void compactSched(std::string_view bytes);
    void cmaEvent(EventType type, const CmaFields& f, std::uint64_t ts, std::uint32_t pid, std::uint32_t cpu,
        bool fromInfo, std::string_view kernelName);
    void marker(std::string_view text, std::uint64_t ts, std::uint32_t pid, std::uint32_t cpu);
    void genericEvent(std::string_view bytes, std::uint64_t ts, std::uint32_t pid, std::uint32_t cpu);
    void describedEvent(
        const DescribedEvent& d, std::string_view bytes, std::uint64_t ts, std::uint32_t pid, std::uint32_t cpu);
    void typedCma(std::uint32_t id, std::string_view bytes, std::uint64_t ts, std::uint32_t pid, std::uint32_t cpu);
    void setComm(std::int64_t pid, std::string_view comm);
    void addError(std::string message);
    std::string taskName(std::uint32_t pid) const;

    TraceData& m_out;
    std::size_t m_maxErrors;
    std::vector<PendingEvent> m_events;
    StringTable m_areas, m_markers; ///< in file order; renumbered in time order by finish()
    std::unordered_map<std::uint32_t, std::string> m_comm; ///< last comm recorded per pid
    std::unordered_map<std::uint32_t, std::string> m_cmdline; ///< base name of cmdline[0] (a weaker guess)
    std::map<std::uint64_t, std::uint64_t> m_lossStart, m_lossEnd; ///< per CPU: overrun + dropped events
    std::uint64_t m_lostBundles = 0;
    bool m_sawFinish = false;
    bool m_clockNoted = false;
};

} // namespace cmascope::perfetto
