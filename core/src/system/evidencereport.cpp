// SPDX-License-Identifier: GPL-2.0-or-later
// The evidence imports in the replay report (docs/evidence-imports.md).
#include <cmascope/replay/replay.h>
#include <cmascope/system/countercheck.h>
#include <cmascope/system/evidencereport.h>
#include <cmascope/system/pinners.h>
#include <cmascope/util/units.h>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace cmascope {

namespace {

/// Every check of the imports against the replay's final state, by import name.
std::vector<std::pair<std::string, CounterCheckResult>> allChecks(const ReplayResult& r, const EvidenceInputs& in)
{
    std::vector<std::pair<std::string, CounterCheckResult>> out;
    if (in.sysfs)
        out.emplace_back("cma_sysfs", checkCmaSysfs(*in.sysfs, r, r.areas, 0));
    if (in.vmstat)
        out.emplace_back("vmstat", checkVmstat(*in.vmstat, r, r.areas, 0));
    if (in.pagetypeinfo)
        out.emplace_back("pagetypeinfo", checkPagetypeinfo(*in.pagetypeinfo, r, r.areas));
    return out;
}

std::vector<BusyEvidence> evidenceOf(const ReplayResult& r, const EvidenceInputs& in)
{
    static const std::vector<BusyLogLine> none;
    return busyEvidence(r, in.busyLines ? *in.busyLines : none);
}

std::size_t dmesgJoined(std::span<const BusyEvidence> ev)
{
    std::size_t n = 0;
    for (const auto& e : ev)
        n += e.fromDmesg;
    return n;
}

/// The requests with busy windows, each once: failed ones first, each group in request order.
std::vector<std::size_t> busyRequests(const ReplayResult& r, std::span<const BusyEvidence> ev)
{
    std::vector<std::size_t> out;
    for (const auto& e : ev)
        if (out.empty() || out.back() != e.request)
            out.push_back(e.request);
    std::stable_partition(out.begin(), out.end(), [&](std::size_t q) { return !r.requests[q].succeeded; });
    return out;
}

nlohmann::json checksJson(const CounterCheckResult& c)
{
    static constexpr const char* relation[] = { "equal", "kernel_at_least", "kernel_at_most" };
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& k : c.checks)
        checks.push_back({ { "area", k.area }, { "counter", k.counter }, { "kernel", k.kernel }, { "replay", k.replay },
            { "relation", relation[k.relation] }, { "ok", k.ok } });
    return { { "checks", checks }, { "notes", c.notes }, { "ok", c.ok() } };
}

nlohmann::json pinnersJson(const ReplayResult& r, std::span<const BusyEvidence> ev, const PageOwnerDump& dump)
{
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t q : busyRequests(r, ev)) {
        nlohmann::json owners = nlohmann::json::array();
        for (const auto& p : pinnersOf(q, ev, dump))
            owners.push_back({ { "comm", p.comm }, { "pid", p.pid }, { "tgid", p.tgid }, { "pages", p.pages },
                { "first_pfn", hexText(p.firstPfn) }, { "page_type", p.pageType }, { "block_type", p.blockType },
                { "stack", p.frames }, { "page_owner_line", p.line } });
        const ReplayRequest& rq = r.requests[q];
        out.push_back({ { "request_line", rq.finishLine }, { "succeeded", rq.succeeded }, { "owners", owners } });
    }
    return out;
}

} // namespace

std::vector<std::string> evidenceTextLines(const ReplayResult& r, const EvidenceInputs& in)
{
    std::vector<std::string> lines;
    for (const auto& [name, result] : allChecks(r, in)) {
        lines.push_back("evidence " + name + ": " + (result.ok() ? "agrees with the replay" : "DIFFERS from the replay")
            + " (" + std::to_string(result.checks.size() - result.failures()) + " of "
            + std::to_string(result.checks.size()) + " checks)");
        for (const auto& c : result.checks)
            lines.push_back("  " + counterCheckText(c));
        for (const auto& n : result.notes)
            lines.push_back("  note: " + n);
    }
    const auto ev = evidenceOf(r, in);
    if (in.busyLines)
        lines.push_back("evidence dmesg: " + std::to_string(in.busyLines->size()) + " \"PFNs busy\" lines, "
            + std::to_string(dmesgJoined(ev)) + " joined to failed requests without busy retry");
    if (in.pageOwner) {
        lines.push_back("evidence page_owner: " + std::to_string(in.pageOwner->records.size())
            + " records; the owners of the busy windows' pages when the dump was taken, failed requests first");
        constexpr std::size_t kShown = 20;
        const auto requests = busyRequests(r, ev);
        for (std::size_t i = 0; i < requests.size() && i < kShown; ++i) {
            const ReplayRequest& q = r.requests[requests[i]];
            const auto pinners = pinnersOf(requests[i], ev, *in.pageOwner, 3);
            lines.push_back("  request, line " + std::to_string(q.finishLine) + " (" + r.tasks[q.task] + ", "
                + std::to_string(q.count) + " pages, " + (q.succeeded ? "succeeded" : "failed") + "): "
                + (pinners.empty() ? std::string("no page_owner record in its busy windows") : "pages held by"));
            for (const auto& p : pinners)
                lines.push_back("    " + pinnerText(p));
        }
        if (requests.size() > kShown)
            lines.push_back("  ... " + std::to_string(requests.size() - kShown) + " more (--report FILE.json)");
    }
    return lines;
}

bool evidenceAgrees(const ReplayResult& r, const EvidenceInputs& in)
{
    for (const auto& [name, check] : allChecks(r, in))
        if (!check.ok())
            return false;
    return true;
}

void appendEvidenceJson(std::string& report, const ReplayResult& r, const EvidenceInputs& in)
{
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [name, result] : allChecks(r, in))
        j[name] = checksJson(result);
    if (in.vmstat) { // every line whose name has "cma", as the kernel printed it
        nlohmann::json lines = nlohmann::json::object();
        for (const auto& [name, value] : in.vmstat->lines)
            lines[name] = value;
        j["vmstat"]["lines"] = lines;
    }
    const auto ev = evidenceOf(r, in);
    if (in.busyLines)
        j["dmesg_busy"] = { { "lines", in.busyLines->size() }, { "joined", dmesgJoined(ev) } };
    if (in.pageOwner)
        j["page_owner"] = { { "records", in.pageOwner->records.size() },
            { "requests", pinnersJson(r, ev, *in.pageOwner) } };
    // The report ends with "\n}\n" (report.cpp writes its requests by hand): the section goes before it.
    while (!report.empty() && (report.back() == '\n' || report.back() == ' '))
        report.pop_back();
    if (report.empty() || report.back() != '}')
        return;
    report.pop_back();
    while (!report.empty() && (report.back() == '\n' || report.back() == ' '))
        report.pop_back();
    std::string section = j.dump(2);
    for (std::size_t at = section.find('\n'); at != std::string::npos; at = section.find('\n', at + 1))
        section.insert(at + 1, "  ");
    report += ",\n  \"evidence\": " + section + "\n}\n";
}

} // namespace cmascope
