// SPDX-License-Identifier: GPL-2.0-or-later
// The replay engine (internal to src/replay, not installed): turns cma:* events into the kernel's bitmap
// state, checks every recorded outcome against the kernel policy, and reorders concurrent requests like the
// kernel served them. replayer.cpp takes the events in (areas, releases, markers, the timeline);
// requestgroup.cpp replays a group of requests that were in flight together.
#pragma once

#include "arearesolver.h"
#include "latestartcollector.h"

#include <cmascope/replay/replay.h>
#include <cmascope/trace/events.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace cmascope {

/// The streaming engine behind replayTrace() and replayTraceFile().
class Replayer
{
public:
    static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

    Replayer(const ReplayInputs& inputs, const ReplayOptions& options, const InferredAreas& inferred,
        const replayinternal::PassSetup& setup = {})
        : m_inputs(inputs)
        , m_opt(options)
        , m_inferred(inferred)
        , m_setup(setup)
    {
        if (!inputs.eventFormats.empty()) // the format files are the trace's header: their evidence comes first
            m_kernelEvidence.observeEventFormats(inputs.eventFormats);
    }

    /// Feeds events in trace order. Returns false once the stop marker was seen.
    bool feed(const TraceData& data, std::span<const TraceEvent> events);
    /// Decides the kernel rules on the evidence so far (partial().kernel): a live replay's requests are explained
    /// with them before the end of input, which decides again on all of it.
    void refreshKernel();
    /// Reserves room for about @p events trace events so the timeline never copies itself while growing.
    /// Capacity that is never written stays virtual: an over-estimate costs no resident memory.
    void reserveFor(std::uint64_t events);
    /// Ends the replay: flushes in-flight requests, adds idle areas, builds the timeline.
    ReplayResult finish(const TraceData& data);
    /// Areas met that no source describes (their events were not replayed).
    const std::vector<std::string>& unresolved() const { return m_unresolvedNames; }
    std::uint64_t eventsFed() const { return m_eventsFed; }
    /// The result so far (requests settled, areas met), before finish(): the live view of a followed trace.
    const ReplayResult& partial() const { return m_res; }

private:
    struct GroupRequest
    {
        TraceEvent start {}; // type AllocStart when seen; line 0 = none
        TraceEvent finish {};
        bool hasStart = false, hasFinish = false;
        std::uint32_t area = kNone; // result area index
        std::vector<std::uint64_t> busyPfns; // absolute, for the kernel policy's probe
        std::vector<ReplayBusyWindow> busy; // every busy retry (request index filled when recorded)
        std::uint32_t resultIndex = kNone;
        bool settled = false; // reserved (success) or confirmed failing
    };

    // replayer.cpp: events in
    bool feedMarker(const TraceData& data, const TraceEvent& e);
    void feedAreaEvent(const TraceData& data, const TraceEvent& e, std::uint32_t area);
    void openRequest(const TraceEvent& e, std::uint32_t area, std::uint64_t key);
    void recordBusyRetry(const TraceEvent& e, std::uint32_t area, std::uint64_t key);
    void closeRequest(const TraceEvent& e, std::uint32_t area, std::uint64_t key);
    std::uint32_t areaFor(const TraceData& data, std::uint32_t traceAreaId);
    std::optional<std::string> addArea(ReplayArea area);
    void addIdleAreas();
    void addBootLogIdleAreas();
    void seedInferred(std::uint32_t index, ReplayAreaResult& ar);
    void buildTimelinePlatform(const TraceData& data);
    void warn(std::uint32_t line, std::string message);
    void applyRelease(const TraceData& data, const TraceEvent& e, std::uint32_t area);
    void releaseUnknown(const TraceEvent& e, std::uint32_t areaIndex, std::size_t range, std::uint32_t task);
    void seedBitmap(std::uint32_t index, std::size_t range, const KernelBitmapPolicy& st);
    std::optional<std::string> loadRanges(ReplayAreaResult& ar, std::uint32_t index);
    void countUnplaced(const TraceData& data, const TraceEvent& e);
    void emitMarker(const TraceData& data, const TraceEvent& e);
    std::uint32_t taskIndex(const TraceData& data, std::uint32_t traceTask);

    // requestgroup.cpp: the group of requests in flight together
    void processGroup(const TraceData& data, bool atEnd);
    void endRequest(const TraceData& data, std::uint32_t ri, std::vector<std::uint32_t>& active);
    void warnIncomplete(bool atEnd);
    void countReordered(const std::vector<std::uint32_t>& finishOrder);
    void settle(const TraceData& data, std::vector<std::uint32_t>& active);
    bool attempt(GroupRequest& r, bool keepOnMatch, bool& predictedOk, std::uint64_t& predictedPfn);
    void reserveForced(const TraceData& data, GroupRequest& r);
    void finalize(const TraceData& data, GroupRequest& r, bool matched, bool predictedOk, std::uint64_t predictedPfn);
    void addDivergence(const TraceData& data, const GroupRequest& r, bool predictedOk, std::uint64_t predictedPfn);
    std::uint32_t recordRequest(const TraceData& data, GroupRequest& r);

    const ReplayInputs& m_inputs;
    const ReplayOptions& m_opt;
    const InferredAreas& m_inferred;
    replayinternal::PassSetup m_setup; // late start: seeds and the collector (latestartcollector.h)
    ReplayResult m_res;
    std::vector<std::uint32_t> m_areaOfTrace; // trace area id -> result area (kNone = unresolved)
    std::vector<bool> m_areaLooked;
    std::vector<std::string> m_unresolvedNames;
    std::vector<std::uint32_t> m_taskOfTrace; // trace task id -> ReplayResult::tasks index
    std::uint64_t m_eventsFed = 0;
    bool m_stopped = false;
    KernelEvidence m_kernelEvidence; // which kernel rules the events follow (kernelsemantics.h)

    // the group of in-flight requests
    std::vector<TraceEvent> m_group;
    std::vector<GroupRequest> m_reqs;
    std::vector<std::uint32_t> m_reqOfEvent; // parallel to m_group: request index or kNone
    std::unordered_map<std::uint64_t, std::uint32_t> m_open; // (task << 32 | area) -> m_reqs index

    // timeline pieces, appended to ReplayResult::scenario/timeline as they happen (no staging copy:
    // a staging vector and the final one would both be resident at the end of a long trace)
    struct TimelineOp
    {
        TimelineEntry::Kind kind;
        std::uint32_t area;
        std::uint32_t index; // request / marker / line
        std::uint64_t offset, pages;
        std::uint64_t timeNs = 0; // releases: the event's time (requests and markers keep their own)
        std::uint32_t task = kNone; // releases: ReplayResult::tasks index
        std::uint8_t range = 0; // the area's range the offset is in
    };
    /// The timeline region of (area, range): the area's index for range 0; for later ranges the provisional
    /// liveRangeRegion() that finish() turns into the regions after every area's first (numberedRegion()).
    static std::uint16_t regionOf(std::uint32_t area, std::size_t range)
    {
        return range == 0 ? static_cast<std::uint16_t>(area) : liveRangeRegion(area, range);
    }
    void renumberRangeRegions();
    void pushOp(const TimelineOp& op);
};

} // namespace cmascope
