// SPDX-License-Identifier: GPL-2.0-or-later
// The replay's JSON report (the `cmascope-cli replay --report` contract) and request explanations
// (ReplayResult::explainRequest).
#include "arearanges.h"
#include "failurecause.h"

#include <cmascope/policies/kernelranges.h>
#include <cmascope/replay/latency.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/report.h>
#include <cmascope/util/units.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace cmascope {

namespace {

nlohmann::json seconds(std::uint64_t ns)
{
    return double(ns / 1000u) / 1e6; // microseconds, like the trace's own timestamps
}

/// One `requests[]` record (docs/trace-analysis.md, "Report").
nlohmann::json requestRecord(const ReplayResult& r, std::size_t i)
{
    using nlohmann::json;
    const ReplayRequest& q = r.requests[i];
    json x = json::object();
    x["line"] = q.finishLine ? q.finishLine : q.startLine;
    x["time"] = seconds(q.timestampNs);
    x["task"] = q.task < r.tasks.size() ? r.tasks[q.task] : std::string();
    x["area"] = q.area < r.areas.size() ? r.areas[q.area].area.name : std::string();
    x["count"] = q.count;
    x["align"] = q.align;
    x["outcome"] = !q.complete ? "incomplete" : q.succeeded ? "allocated" : "failed";
    if (q.complete && !q.succeeded) {
        x["cause"] = q.cause == FailureCause::None ? json(nullptr) : json(std::string(failureCauseName(q.cause)));
        x["errno"] = q.errorno;
    }
    x["retries"] = q.busyRetries;
    x["latency_s"] = q.hasLatency() ? seconds(q.latencyNs()) : json(nullptr);
    x["pfn"] = q.succeeded ? json(hexText(q.pfn)) : json(nullptr);
    const auto predicted = r.predictedPfn(i);
    x["predicted_pfn"] = predicted ? json(hexText(*predicted)) : json(nullptr);
    x["check"] = q.check == ReplayRequest::Matched ? "matched"
        : q.check == ReplayRequest::Diverged       ? "diverged"
                                                   : "not-checked";
    return x;
}

nlohmann::json causesOf(const std::array<std::uint64_t, kFailureCauseCount>& counts)
{
    nlohmann::json causes = nlohmann::json::object();
    for (std::size_t c = 1; c < kFailureCauseCount; ++c)
        causes[std::string(failureCauseName(FailureCause(c)))] = counts[c];
    return causes;
}

nlohmann::json unplacedRecord(const ReplayUnplacedRequest& u)
{
    using nlohmann::json;
    return json { { "line", u.line }, { "time", seconds(u.timestampNs) }, { "task", u.task }, { "area", u.area },
        { "count", u.count }, { "align", u.align }, { "outcome", "failed" }, { "cause", "no-area" },
        { "errno", u.errorno }, { "retries", 0 }, { "latency_s", nullptr }, { "pfn", nullptr },
        { "predicted_pfn", nullptr }, { "check", "not-checked" } };
}

nlohmann::json areasJson(const ReplayResult& r)
{
    using nlohmann::json;
    json areas = json::array();
    auto bitmapText = [](const KernelBitmapPolicy& st) {
        std::string bitmap = st.debugfsBitmapText();
        if (!bitmap.empty() && bitmap.back() == '\n')
            bitmap.pop_back();
        return bitmap;
    };
    for (const auto& a : r.areas) {
        const std::string bitmap = bitmapText(a.state);
        // debugfs ranges/<N>/{base_pfn,bitmap} (6.15+); the top-level base_pfn and bitmap are range 0's, count
        // the area's (docs/kernel-cma.md); a single-range area is its range 0
        json ranges = json::array();
        for (std::size_t n = 0; n < a.rangeCount(); ++n)
            ranges.push_back({ { "base_pfn", a.area.range(n).basePfn }, { "count", a.area.range(n).pages },
                { "bitmap", n == 0 ? bitmap : bitmapText(a.rangeState(n)) } });
        areas.push_back({ { "name", a.area.name }, { "base_pfn", a.area.basePfn }, { "count", a.area.totalPages() },
            { "order_per_bit", a.area.orderPerBit }, { "source", std::string(areaSourceName(a.area.source)) },
            { "origin", a.area.origin }, { "seeded_from", a.area.initialBitmapOrigin }, { "used_pages", a.usedPages() },
            { "used_bit_pages", a.usedBitPages() }, { "maxchunk_pages", a.maxchunkPages() },
            { "requested", a.requested }, { "succeeded", a.succeeded }, { "failed", a.failed },
            { "releases", a.releases }, { "unknown_release_pages", a.unknownReleasePages },
            { "busy_retries", a.busyRetries }, { "busy_requests", a.busyRequests },
            { "failures_by_cause", causesOf(a.failuresByCause) }, { "bitmap", bitmap }, { "ranges", ranges } });
    }
    return areas;
}

nlohmann::json lateStartJson(const ReplayResult& r)
{
    using nlohmann::json;
    json inferred = json::array(); // docs/late-start.md
    for (const auto& s : r.lateStart.seeds)
        inferred.push_back({ { "area", s.area }, { "pfn", hexText(s.pfn) }, { "pages", s.pages } });
    return { { "detected", r.lateStart.detected }, { "evidence", r.lateStart.evidence },
        { "inferred_pages", r.lateStart.inferredPages }, { "inferred", inferred },
        { "predicted_before", r.lateStart.predictedBefore }, { "predicted_after", r.lateStart.predictedAfter } };
}

nlohmann::json tasksJson(const ReplayResult& r)
{
    using nlohmann::json;
    json tasks = json::array();
    for (const auto& t : taskStatistics(r))
        tasks.push_back({ { "task", r.tasks[t.task] }, { "requested", t.requested }, { "succeeded", t.succeeded },
            { "failed", t.failed }, { "requested_pages", t.requestedPages }, { "busy_retries", t.busyRetries },
            { "busy_requests", t.busyRequests }, { "failures_by_cause", causesOf(t.failuresByCause) } });
    return tasks;
}

} // namespace

std::string replayReportJson(const ReplayResult& r, std::string_view traceName)
{
    using nlohmann::json;
    json j;
    j["trace"] = std::string(traceName);
    j["lines"] = r.lines;
    j["events"] = r.events;
    j["skipped_lines"] = r.skippedLines;
    j["error_count"] = r.errorCount;
    json errors = json::array();
    for (const auto& e : r.errors)
        errors.push_back({ { "line", e.line }, { "message", e.message } });
    j["errors"] = errors;
    j["lost_events"] = r.lostEvents;
    j["allocations"] = { { "requested", r.requested }, { "succeeded", r.succeeded }, { "failed", r.failed },
        { "busy_retries", r.busyRetries }, { "incomplete", r.incomplete } };
    j["releases"] = r.releases;
    json div = json::array();
    for (const auto& d : r.divergences) {
        json x = { { "line", d.line }, { "area", d.area }, { "task", d.task }, { "count", d.count },
            { "align", d.align }, { "recorded_pfn", d.recordedOk ? json(hexText(d.recordedPfn)) : json(nullptr) },
            { "predicted_pfn", d.predictedOk ? json(hexText(d.predictedPfn)) : json(nullptr) }, { "text", d.text } };
        div.push_back(std::move(x));
    }
    j["fidelity"] = { { "compared", r.compared }, { "matched", r.matched }, { "divergence_count", r.divergenceCount },
        { "divergences", div }, { "concurrent_groups", r.concurrentGroups }, { "reordered", r.reordered } };
    json markers = json::array();
    for (const auto& m : r.markers)
        markers.push_back({ { "text", m.text }, { "line", m.line } });
    j["markers"] = markers;
    if (r.stoppedAtMarker)
        j["stopped_at_line"] = r.stopLine;
    j["areas"] = areasJson(r);
    j["latency"] = latencyJson(replayLatency(r)); // docs/time-and-latency.md
    j["late_start"] = lateStartJson(r); // docs/late-start.md
    j["kernel"] = { { "semantics", std::string(kernelSemanticsName(r.kernel.semantics)) },
        { "source", r.kernel.source }, { "reason", r.kernel.reason } }; // docs/kernel-cma.md
    j["notes"] = r.notes;
    json warnings = json::array();
    for (const auto& w : r.warnings)
        warnings.push_back({ { "line", w.line }, { "message", w.message } });
    j["warning_count"] = r.warningCount;
    j["warnings"] = warnings;
    if (!r.error.empty())
        j["error"] = r.error;
    j["failures_by_cause"] = causesOf(r.failuresByCause);
    j["tasks"] = tasksJson(r);
    // The request records are written one per line after the rest, not built as one JSON tree: a long
    // trace has millions of them.
    std::string out = j.dump(2);
    out.pop_back(); // the closing brace
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
        out.pop_back();
    out += ",\n  \"requests\": [";
    for (std::size_t i = 0; i < r.requests.size(); ++i)
        out += (i ? ",\n    " : "\n    ") + requestRecord(r, i).dump();
    for (std::size_t i = 0; i < r.unplaced.size(); ++i)
        out += (i || !r.requests.empty() ? ",\n    " : "\n    ") + unplacedRecord(r.unplaced[i]).dump();
    out += r.requests.empty() && r.unplaced.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return out;
}

namespace {

/// The kernel's dump of a failed allocation (cma_debug_show_areas()) for an area's ranges: the single-range
/// form, or on 6.15+ one "range N:" line per range and the area's totals (docs/kernel-cma.md).
std::string showAreas(const std::vector<KernelBitmapPolicy>& ranges)
{
    if (ranges.size() == 1)
        return ranges.front().showAreasText();
    std::string out;
    std::uint64_t available = 0, total = 0;
    for (std::size_t r = 0; r < ranges.size(); ++r) {
        out += "range " + std::to_string(r) + ": " + ranges[r].freeRunsText() + "\n";
        available += ranges[r].availableCount();
        total += ranges[r].geometry().pages;
    }
    return out + "=> " + std::to_string(available) + " free of " + std::to_string(total) + " total pages";
}

} // namespace

std::string ReplayResult::explainRequest(std::size_t index) const
{
    if (index >= requests.size())
        return "no request " + std::to_string(index);
    const ReplayRequest& q = requests[index];
    if (q.area >= areas.size())
        return "request " + std::to_string(index) + ": unknown area";
    const ReplayArea& area = areas[q.area].area;
    // Rebuild the area's ranges just before the request from the timeline.
    replayinternal::TimelineRanges rebuilt(*this, q.area);
    if (!rebuilt.error().empty())
        return rebuilt.error();
    bool found = false;
    for (std::size_t i = 0; i < timeline.size() && i < scenario.steps.size(); ++i) {
        const TimelineEntry& t = timeline[i];
        if (t.kind == TimelineEntry::Request && t.index == index) {
            found = true;
            break;
        }
        rebuilt.apply(i);
    }
    std::vector<KernelBitmapPolicy>& st = rebuilt.ranges();
    if (!found)
        return "request " + std::to_string(index) + " is not on the timeline";
    std::vector<KernelBitmapPolicy*> ptrs;
    std::uint64_t available = 0, maxchunk = 0;
    for (auto& r : st) {
        ptrs.push_back(&r);
        available += r.availableCount();
        maxchunk = std::max(maxchunk, r.maxchunkPages());
    }
    const std::vector<const KernelBitmapPolicy*> cptrs(ptrs.begin(), ptrs.end());
    const std::string who = q.task < tasks.size() ? tasks[q.task] : std::string("?");
    std::string out = who + " asked " + area.name + " for " + std::to_string(q.count) + " pages aligned to 2^"
        + std::to_string(q.align) + " pages (line " + std::to_string(q.finishLine) + "); the kernel "
        + (q.succeeded ? "placed it at " + hexText(q.pfn) : std::string("refused it")) + ".\n";
    out += "Before it: " + std::to_string(available) + " of " + std::to_string(area.totalPages())
        + " pages free, largest free run " + std::to_string(maxchunk) + " pages"
        + (st.size() > 1 ? " in one of its " + std::to_string(st.size()) + " ranges" : "")
        + ", largest free window at that alignment "
        + std::to_string(replayinternal::largestAlignedFree(cptrs, q.align)) + " pages";
    if (q.busyRetries)
        out += "; " + std::to_string(q.busyRetries) + " windows were busy (cma_alloc_busy_retry)";
    out += ".\n";
    auto probe = st;
    std::vector<KernelBitmapPolicy*> probePtrs;
    for (auto& r : probe)
        probePtrs.push_back(&r);
    const RangePlacement pr = allocateInRanges(probePtrs, q.count, q.align);
    if (pr.ok)
        out += "The kernel policy finds a window at " + hexText(pr.pfn)
            + (st.size() > 1 ? " in range " + std::to_string(pr.range) : "") + ".\n";
    else
        out += "The kernel policy refuses it: " + std::string(refusalName(pr.refusal)) + ".\n";
    out += showAreas(st);
    if (!out.empty() && out.back() != '\n')
        out += '\n';
    return out;
}

} // namespace cmascope
