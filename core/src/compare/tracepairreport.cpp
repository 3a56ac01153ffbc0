// SPDX-License-Identifier: GPL-2.0-or-later
// The text table and the JSON of a comparison of two traces (tracepairreport.h).
#include <cmascope/compare/tracepairreport.h>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace cmascope {

namespace {

/// "+3", "-2", "0" for counts.
std::string change(std::uint64_t a, std::uint64_t b)
{
    if (a == b)
        return "0";
    return b > a ? "+" + std::to_string(b - a) : "-" + std::to_string(a - b);
}

void line(std::string& out, std::string_view label, const std::string& a, const std::string& b, const std::string& d)
{
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-22.*s %14s %14s %10s\n", int(label.size()), label.data(), a.c_str(), b.c_str(),
        d.c_str());
    out += buf;
}

void countLine(std::string& out, std::string_view label, std::uint64_t a, std::uint64_t b)
{
    line(out, label, std::to_string(a), std::to_string(b), change(a, b));
}

void latencyLine(std::string& out, std::string_view label, std::uint64_t a, std::uint64_t b)
{
    std::string d = "0";
    if (a != b)
        d = (b > a ? "+" : "-") + latencyText(b > a ? b - a : a - b);
    line(out, label, latencyText(a), latencyText(b), d);
}

void block(std::string& out, const TracePairRow& row, std::string_view heading = {})
{
    out += heading.empty() ? (row.area.empty() ? std::string("total") : "area " + row.area) : std::string(heading);
    if (!row.inA || !row.inB)
        out += row.inA ? " (only in A)" : " (only in B)";
    out += '\n';
    const TracePairFigures &a = row.a, &b = row.b;
    countLine(out, "requests", a.requests, b.requests);
    countLine(out, "failed", a.failed, b.failed);
    for (std::size_t c = 1; c < kFailureCauseCount; ++c)
        if (a.failuresByCause[c] || b.failuresByCause[c])
            countLine(
                out, "  " + std::string(failureCauseName(FailureCause(c))), a.failuresByCause[c], b.failuresByCause[c]);
    countLine(out, "busy retries", a.busyRetries, b.busyRetries);
    countLine(out, "busy-retried requests", a.busyRequests, b.busyRequests);
    countLine(out, "with a latency", a.latency.requests, b.latency.requests);
    latencyLine(out, "latency median", a.latency.medianNs, b.latency.medianNs);
    latencyLine(out, "latency p99", a.latency.p99Ns, b.latency.p99Ns);
    latencyLine(out, "latency max", a.latency.maxNs, b.latency.maxNs);
    if (a.peakUsedPages && b.peakUsedPages)
        countLine(out, "peak used pages", *a.peakUsedPages, *b.peakUsedPages);
}

nlohmann::json figuresJson(const TracePairFigures& f)
{
    nlohmann::json causes = nlohmann::json::object();
    for (std::size_t c = 1; c < kFailureCauseCount; ++c)
        causes[std::string(failureCauseName(FailureCause(c)))] = f.failuresByCause[c];
    return { { "requests", f.requests }, { "succeeded", f.succeeded }, { "failed", f.failed },
        { "failures_by_cause", causes }, { "busy_retries", f.busyRetries }, { "busy_requests", f.busyRequests },
        { "latency",
            { { "requests", f.latency.requests }, { "median_s", double(f.latency.medianNs) / 1e9 },
                { "p99_s", double(f.latency.p99Ns) / 1e9 }, { "max_s", double(f.latency.maxNs) / 1e9 } } },
        { "peak_used_pages", f.peakUsedPages ? nlohmann::json(*f.peakUsedPages) : nlohmann::json(nullptr) } };
}

} // namespace

std::string tracePairTable(const TracePairResult& r, std::string_view nameA, std::string_view nameB)
{
    std::string out = "A: " + std::string(nameA) + "\nB: " + std::string(nameB) + '\n';
    line(out, "", "A", "B", "B - A");
    // One area in both traces: its figures are the total's, shown once.
    if (r.areas.size() == 1 && r.areas[0].inA && r.areas[0].inB)
        block(out, r.total, "total (one area: " + r.areas[0].area + ")");
    else {
        block(out, r.total);
        for (const TracePairRow& row : r.areas)
            block(out, row);
    }
    out += "matched " + std::to_string(r.matched) + " requests by "
        + (r.match == TracePairMatch::ByKey ? std::string("task (without pid), area, count and align")
                                            : std::string("order"))
        + "; " + std::to_string(r.onlyInA) + " only in A, " + std::to_string(r.onlyInB) + " only in B; "
        + std::to_string(r.differingOutcomes) + " with a different outcome\n";
    if (r.firstDifference)
        out += "first difference: " + r.firstDifference->text + '\n';
    else
        out += "first difference: none (every matched request has the same outcome)\n";
    return out;
}

std::string tracePairJson(const TracePairResult& r, std::string_view nameA, std::string_view nameB)
{
    nlohmann::json j;
    j["a"] = std::string(nameA);
    j["b"] = std::string(nameB);
    j["match"] = std::string(tracePairMatchName(r.match));
    j["total"] = { { "a", figuresJson(r.total.a) }, { "b", figuresJson(r.total.b) } };
    nlohmann::json areas = nlohmann::json::array();
    for (const TracePairRow& row : r.areas)
        areas.push_back({ { "area", row.area }, { "a", row.inA ? figuresJson(row.a) : nlohmann::json(nullptr) },
            { "b", row.inB ? figuresJson(row.b) : nlohmann::json(nullptr) } });
    j["areas"] = std::move(areas);
    j["matched"] = r.matched;
    j["only_in_a"] = r.onlyInA;
    j["only_in_b"] = r.onlyInB;
    j["differing_outcomes"] = r.differingOutcomes;
    nlohmann::json first(nullptr);
    if (const auto& d = r.firstDifference)
        first = { { "request_a", d->requestA }, { "request_b", d->requestB },
            { "step_a", d->stepA ? nlohmann::json(*d->stepA) : nlohmann::json(nullptr) },
            { "step_b", d->stepB ? nlohmann::json(*d->stepB) : nlohmann::json(nullptr) }, { "text", d->text } };
    j["first_difference"] = std::move(first);
    j["failures_increased"] = r.failuresIncreased();
    return j.dump(2) + '\n';
}

} // namespace cmascope
