// SPDX-License-Identifier: GPL-2.0-or-later
// The replay engine, events in: each cma:* event goes to its area's bitmap state, its request or the
// group of requests in flight (requestgroup.cpp), and to the timeline; areas are resolved when first met.
#include "replayer.h"

#include <cmascope/util/units.h>

#include <algorithm>
#include <new>
#include <utility>

namespace cmascope {

bool Replayer::feed(const TraceData& data, std::span<const TraceEvent> events)
{
    for (const TraceEvent& e : events) {
        if (m_stopped || !m_res.error.empty())
            return false;
        ++m_eventsFed;
        m_kernelEvidence.observe(e);
        if (e.type == EventType::Marker) {
            if (!feedMarker(data, e))
                return false;
            continue;
        }
        const std::uint32_t area = areaFor(data, e.areaId);
        if (area == kNone) {
            if (!m_res.error.empty())
                return false;
            countUnplaced(data, e); // an area nothing describes: counted, not replayed
            continue;
        }
        feedAreaEvent(data, e, area);
        if (m_open.empty() && !m_group.empty())
            processGroup(data, false);
    }
    return !m_stopped;
}

/// A marker: emitted now, or queued behind the requests in flight. False when it is the stop marker.
bool Replayer::feedMarker(const TraceData& data, const TraceEvent& e)
{
    if (m_group.empty())
        emitMarker(data, e);
    else {
        m_group.push_back(e);
        m_reqOfEvent.push_back(kNone);
    }
    if (!m_opt.untilMarker.empty() && data.markerText(e).find(m_opt.untilMarker) != std::string_view::npos) {
        m_stopped = true;
        m_res.stoppedAtMarker = true;
        m_res.stopLine = e.line;
        return false;
    }
    return true;
}

/// An event of a known area, by type.
void Replayer::feedAreaEvent(const TraceData& data, const TraceEvent& e, std::uint32_t area)
{
    const std::uint64_t key = (std::uint64_t(e.taskId) << 32) | e.areaId;
    switch (e.type) {
    case EventType::AllocStart:
        openRequest(e, area, key);
        break;
    case EventType::BusyRetry:
        recordBusyRetry(e, area, key);
        break;
    case EventType::AllocFinish:
    case EventType::LegacyAlloc:
        closeRequest(e, area, key);
        break;
    case EventType::Release:
        if (m_group.empty()) {
            applyRelease(data, e, area);
        } else {
            m_group.push_back(e);
            m_reqOfEvent.push_back(kNone);
        }
        break;
    case EventType::Marker:
        break;
    }
}

/// cma_alloc_start: a new request in flight (one still open for the same task and area lost its finish).
void Replayer::openRequest(const TraceEvent& e, std::uint32_t area, std::uint64_t key)
{
    if (auto it = m_open.find(key); it != m_open.end()) {
        warn(m_reqs[it->second].start.line,
            "cma_alloc_start without cma_alloc_finish (lost event?): the request is left out");
        m_reqs[it->second].hasStart = false; // becomes incomplete and inert
        m_reqs[it->second].settled = true;
        m_open.erase(it);
    }
    if (m_setup.collector)
        m_setup.collector->started();
    GroupRequest r;
    r.start = e;
    r.hasStart = true;
    r.area = area;
    m_open.emplace(key, static_cast<std::uint32_t>(m_reqs.size()));
    m_reqOfEvent.push_back(static_cast<std::uint32_t>(m_reqs.size()));
    m_reqs.push_back(std::move(r));
    m_group.push_back(e);
}

/// cma_alloc_busy_retry: a window the open request of this task found busy.
void Replayer::recordBusyRetry(const TraceEvent& e, std::uint32_t area, std::uint64_t key)
{
    ++m_res.busyRetries;
    ++m_res.areas[area].busyRetries;
    auto it = m_open.find(key);
    if (it == m_open.end()) {
        warn(e.line, "cma_alloc_busy_retry outside a request of this task (tracing started late?)");
        if (m_setup.collector)
            m_setup.collector->orphan(e.line);
        return;
    }
    m_reqs[it->second].busy.push_back({ e.pfn, e.timestampNs, e.line, kNone });
    const auto& a = m_res.areas[area].area;
    if (a.rangeOf(e.pfn))
        m_reqs[it->second].busyPfns.push_back(e.pfn);
    else
        warn(e.line, "cma_alloc_busy_retry at pfn " + hexText(e.pfn) + " outside area " + a.name);
}

/// cma_alloc_finish or legacy cma_alloc: the end of the open request, or a one-shot request of its own.
void Replayer::closeRequest(const TraceEvent& e, std::uint32_t area, std::uint64_t key)
{
    std::uint32_t idx;
    if (auto it = m_open.find(key); it != m_open.end() && e.type == EventType::AllocFinish) {
        idx = it->second;
        m_open.erase(it);
    } else {
        // one-shot: a legacy cma_alloc, or a finish whose start predates the trace
        if (m_setup.collector && e.type == EventType::AllocFinish)
            m_setup.collector->orphan(e.line);
        GroupRequest r;
        r.area = area;
        idx = static_cast<std::uint32_t>(m_reqs.size());
        m_reqs.push_back(std::move(r));
        TraceEvent s = e;
        s.type = EventType::AllocStart;
        m_group.push_back(s); // its window opens at its end
        m_reqOfEvent.push_back(idx);
    }
    m_reqs[idx].finish = e;
    m_reqs[idx].hasFinish = true;
    m_group.push_back(e);
    m_reqOfEvent.push_back(idx);
}

void Replayer::emitMarker(const TraceData& data, const TraceEvent& e)
{
    ReplayMarker m { std::string(data.markerText(e)), e.line, e.timestampNs };
    addIdleAreas(); // the described areas exist from the first marker on, events or not (docs/late-start.md)
    if (m_opt.onMarker)
        m_opt.onMarker(m, m_res.areas);
    m_res.markers.push_back(std::move(m));
    pushOp({ TimelineEntry::Marker, kNone, static_cast<std::uint32_t>(m_res.markers.size() - 1), 0, 0 });
}

/// A finished request of an area nothing describes: counted (failures have no PFN to infer an area from).
void Replayer::countUnplaced(const TraceData& data, const TraceEvent& e)
{
    if (e.type != EventType::AllocFinish && e.type != EventType::LegacyAlloc)
        return;
    ++m_res.requested;
    if (!e.failed()) {
        ++m_res.succeeded;
        return;
    }
    ++m_res.failed;
    ++m_res.failuresByCause[static_cast<std::size_t>(FailureCause::NoArea)];
    if (m_res.unplaced.size() < m_opt.maxDivergences)
        m_res.unplaced.push_back({ std::string(data.areaName(e)), data.tasks[e.taskId], e.count, e.timestampNs, e.line,
            e.align, static_cast<std::int16_t>(e.errorno) });
}

void Replayer::applyRelease(const TraceData& data, const TraceEvent& e, std::uint32_t areaIndex)
{
    auto& ar = m_res.areas[areaIndex];
    const auto& a = ar.area;
    ++m_res.releases;
    ++ar.releases;
    if (e.count == 0)
        return;
    // cma_release() finds the range holding the first page; the whole release must lie in it
    const std::optional<std::size_t> range = a.rangeOf(e.pfn);
    const AreaRange g = range ? a.range(*range) : AreaRange {};
    if (!range || e.count > g.basePfn + g.pages - e.pfn) {
        warn(e.line,
            "cma_release of pfn " + hexText(e.pfn) + "+" + std::to_string(e.count) + " outside area " + a.name + " ("
                + hexText(a.basePfn) + "+" + std::to_string(a.pages)
                + (a.rangeCount() > 1 ? " and " + std::to_string(a.rangeCount() - 1) + " more ranges" : "")
                + "): ignored");
        return;
    }
    const std::uint64_t offset = e.pfn - g.basePfn;
    if (offset % (std::uint64_t { 1 } << a.orderPerBit) != 0) {
        warn(e.line, "cma_release of pfn " + hexText(e.pfn) + " not on a bitmap bit boundary: ignored");
        return;
    }
    const std::uint32_t task = taskIndex(data, e.taskId);
    if (ar.rangeState(*range).release(offset, e.count)) {
        ar.releasedPages += e.count;
        TimelineOp op { TimelineEntry::Release, areaIndex, e.line, offset, e.count, e.timestampNs, task };
        op.range = static_cast<std::uint8_t>(*range);
        pushOp(op);
        return;
    }
    releaseUnknown(e, areaIndex, *range, task);
}

/// A release some of whose pages were not known as allocated: tracing started after they were allocated.
/// The kernel clears the bits regardless; clear the runs that are set.
void Replayer::releaseUnknown(const TraceEvent& e, std::uint32_t areaIndex, std::size_t range, std::uint32_t task)
{
    auto& ar = m_res.areas[areaIndex];
    KernelBitmapPolicy& st = ar.rangeState(range);
    const unsigned opb = ar.area.orderPerBit;
    const std::uint64_t offset = e.pfn - st.geometry().basePfn;
    const std::uint64_t firstBit = offset >> opb;
    const std::uint64_t nbits = ((e.count + (std::uint64_t { 1 } << opb) - 1) >> opb);
    std::uint64_t unknown = 0;
    for (std::uint64_t b = firstBit; b < firstBit + nbits;) {
        if (!st.testBit(b)) {
            if (m_setup.collector && ar.rangeCount() == 1)
                m_setup.collector->unknownRelease(ar, b, e.line);
            ++b;
            ++unknown;
            continue;
        }
        std::uint64_t end = b;
        while (end < firstBit + nbits && st.testBit(end))
            ++end;
        const std::uint64_t pages = (end - b) << opb;
        st.release(b << opb, pages);
        ar.releasedPages += pages;
        TimelineOp op { TimelineEntry::Release, areaIndex, e.line, b << opb, pages, e.timestampNs, task };
        op.range = static_cast<std::uint8_t>(range);
        pushOp(op);
        b = end;
    }
    ar.unknownReleasePages += unknown << opb;
    warn(e.line,
        "cma_release of pfn " + hexText(e.pfn) + "+" + std::to_string(e.count) + ": " + std::to_string(unknown << opb)
            + " pages were not known to be allocated (tracing started after their allocation?)");
}

std::uint32_t Replayer::areaFor(const TraceData& data, std::uint32_t traceAreaId)
{
    if (traceAreaId >= m_areaOfTrace.size()) {
        m_areaOfTrace.resize(traceAreaId + 1, kNone);
        m_areaLooked.resize(traceAreaId + 1, false);
    }
    if (m_areaLooked[traceAreaId])
        return m_areaOfTrace[traceAreaId];
    m_areaLooked[traceAreaId] = true;
    const std::string name = data.areas[traceAreaId];
    std::optional<ReplayArea> area = resolveArea(m_inputs, m_inferred, name, m_res.notes);
    if (!area) {
        m_unresolvedNames.push_back(name);
        return kNone;
    }
    for (std::size_t i = 0; i < m_res.areas.size(); ++i)
        if (m_res.areas[i].area.name == area->name) { // added before its first event (addIdleAreas)
            m_areaOfTrace[traceAreaId] = static_cast<std::uint32_t>(i);
            return m_areaOfTrace[traceAreaId];
        }
    if (auto err = addArea(std::move(*area))) {
        m_res.error = *err;
        return kNone;
    }
    m_areaOfTrace[traceAreaId] = static_cast<std::uint32_t>(m_res.areas.size() - 1);
    return m_areaOfTrace[traceAreaId];
}

std::uint32_t Replayer::taskIndex(const TraceData& data, std::uint32_t traceTask)
{
    if (traceTask >= m_taskOfTrace.size())
        m_taskOfTrace.resize(traceTask + 1, kNone);
    if (m_taskOfTrace[traceTask] == kNone) {
        m_taskOfTrace[traceTask] = static_cast<std::uint32_t>(m_res.tasks.size());
        m_res.tasks.push_back(traceTask < data.tasks.size() ? data.tasks[traceTask] : std::string("?"));
    }
    return m_taskOfTrace[traceTask];
}

void Replayer::warn(std::uint32_t line, std::string message)
{
    ++m_res.warningCount;
    if (m_res.warnings.size() < m_opt.maxWarnings)
        m_res.warnings.push_back({ line, std::move(message) });
}

void Replayer::pushOp(const TimelineOp& op)
{
    if (!m_opt.buildTimeline || !m_opt.keepRequests)
        return;
    Scenario& sc = m_res.scenario;
    const std::uint16_t region = regionOf(op.area, op.range);
    std::uint64_t timeNs = 0;
    switch (op.kind) {
    case TimelineEntry::Seed:
        sc.place(region, op.offset, op.pages,
            op.index == TimelineEntry::kInferredSeed ? "(inferred before trace)" : "(before trace)");
        break;
    case TimelineEntry::Request: {
        const ReplayRequest& q = m_res.requests[op.index];
        if (q.succeeded)
            sc.place(region, op.offset, op.pages, m_res.tasks[q.task]);
        else
            sc.refused(region, q.count, q.align, m_res.tasks[q.task], "trace line " + std::to_string(q.finishLine));
        timeNs = q.timestampNs;
        break;
    }
    case TimelineEntry::Release:
        sc.release(region, op.offset, op.pages, op.task < m_res.tasks.size() ? m_res.tasks[op.task] : std::string());
        timeNs = op.timeNs;
        break;
    case TimelineEntry::Marker:
        sc.phase(m_res.markers[op.index].text);
        timeNs = m_res.markers[op.index].timestampNs;
        break;
    }
    m_res.timeline.push_back({ op.kind, op.index });
    sc.timesNs.push_back(timeNs);
}

void Replayer::reserveFor(std::uint64_t events)
{
    if (!m_opt.buildTimeline || !m_opt.keepRequests || events == 0)
        return;
    // A request is at least two events (start + finish) unless the trace is of the legacy single-event
    // kind; a timeline step is at most one event. Capped so a huge file cannot ask for absurd room.
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(events, std::uint64_t { 1 } << 26));
    try {
        m_res.requests.reserve(n);
        m_res.timeline.reserve(n);
        m_res.scenario.steps.reserve(n);
        m_res.scenario.timesNs.reserve(n);
    } catch (const std::bad_alloc&) {
        // growth will do
    }
}

void Replayer::refreshKernel()
{
    KernelEvidence evidence = m_kernelEvidence; // the boot log is observed once, at the end
    evidence.observeBootLog(m_inputs.bootLogRelease, m_inputs.bootLog);
    m_res.kernel = evidence.decide(m_inputs.kernel);
}

ReplayResult Replayer::finish(const TraceData& data)
{
    if (!m_group.empty())
        processGroup(data, !m_stopped);
    if (m_setup.collector)
        m_setup.collector->finished(data.format);
    addIdleAreas();
    m_kernelEvidence.observeBootLog(m_inputs.bootLogRelease, m_inputs.bootLog);
    m_res.kernel = m_kernelEvidence.decide(m_inputs.kernel);
    for (const auto& n : m_unresolvedNames)
        m_res.notes.push_back(
            "area " + n + ": no geometry known and none could be inferred; its events were not replayed");
    if (m_opt.buildTimeline && m_opt.keepRequests)
        buildTimelinePlatform(data);
    m_res.lines = data.lines;
    m_res.events = data.events.size();
    m_res.skippedLines = data.skippedLines;
    m_res.errorCount = data.errorCount;
    m_res.lostEvents = data.lostEvents;
    m_res.errors = data.errors;
    return std::move(m_res);
}

} // namespace cmascope
