// SPDX-License-Identifier: GPL-2.0-or-later
// Busy windows joined to a page_owner dump (docs/evidence-imports.md, "Who pins the page").
#include <cmascope/replay/replay.h>
#include <cmascope/system/busylog.h>
#include <cmascope/system/pageowner.h>
#include <cmascope/system/pinners.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace cmascope {

namespace {

/// Does dmesg line @p b fit request @p q: a window of q.count pages ending at b.endPfn, inside the area,
/// aligned as asked, printed while the request ran (when both carry times; 1 ms of slack for the two clocks).
bool busyLineFits(const BusyLogLine& b, const ReplayRequest& q, const ReplayArea& a)
{
    if (q.count == 0 || b.endPfn < q.count)
        return false;
    const std::uint64_t window = b.endPfn - q.count;
    const std::optional<std::size_t> range = a.rangeOf(window); // the window lies in one range
    if (!range)
        return false;
    const AreaRange g = a.range(*range);
    const std::uint64_t rangeEnd = checkedAdd(g.basePfn, g.pages).value_or(kU64Max);
    if (b.endPfn > rangeEnd || b.startPfn > window)
        return false;
    if (q.align < 64 && window % (std::uint64_t { 1 } << q.align) != 0)
        return false;
    if (!b.timestampNs)
        return true;
    constexpr std::uint64_t slack = 1'000'000;
    const std::uint64_t from = q.startLine ? q.startNs : q.timestampNs;
    return *b.timestampNs + slack >= from && *b.timestampNs <= q.timestampNs + slack;
}

} // namespace

std::vector<BusyEvidence> busyEvidence(const ReplayResult& r, std::span<const BusyLogLine> dmesg)
{
    std::vector<BusyEvidence> out;
    for (const auto& w : r.busyWindows) {
        const auto count = w.request < r.requests.size() ? std::max<std::uint64_t>(r.requests[w.request].count, 1) : 1;
        out.push_back(BusyEvidence { w.request, w.pfn, checkedAdd(w.pfn, count).value_or(kU64Max), false, w.line });
    }
    std::vector<bool> used(dmesg.size(), false);
    for (std::size_t i = 0; i < r.requests.size(); ++i) {
        const ReplayRequest& q = r.requests[i];
        if (q.succeeded || !q.complete || q.busyRetries || q.area >= r.areas.size())
            continue;
        for (std::size_t d = 0; d < dmesg.size(); ++d)
            if (!used[d] && busyLineFits(dmesg[d], q, r.areas[q.area].area)) {
                used[d] = true;
                out.push_back(
                    BusyEvidence { std::uint32_t(i), dmesg[d].endPfn - q.count, dmesg[d].endPfn, true, dmesg[d].line });
            }
    }
    std::stable_sort(
        out.begin(), out.end(), [](const BusyEvidence& a, const BusyEvidence& b) { return a.request < b.request; });
    return out;
}

std::vector<PagePinner> pinnersOf(
    std::size_t request, std::span<const BusyEvidence> evidence, const PageOwnerDump& dump, std::size_t limit)
{
    // One owner: comm, pid, tgid and the first caller frame.
    std::map<std::tuple<std::string, std::int64_t, std::int64_t, std::string>, PagePinner> owners;
    std::map<std::uint64_t, bool> seen; // a page_owner record counted once even when windows overlap
    const auto first = std::lower_bound(
        evidence.begin(), evidence.end(), request, [](const BusyEvidence& e, std::size_t q) { return e.request < q; });
    for (auto e = first; e != evidence.end() && e->request == request; ++e) {
        for (const PageOwnerRecord* rec : dump.overlapping(e->firstPfn, e->endPfn)) {
            if (!seen.emplace(rec->pfn, true).second)
                continue;
            auto frames = rec->callerFrames(3);
            auto key = std::make_tuple(rec->comm, rec->pid, rec->tgid, frames.empty() ? std::string() : frames[0]);
            auto [it, fresh] = owners.try_emplace(std::move(key));
            PagePinner& p = it->second;
            if (fresh)
                p = PagePinner { rec->comm, rec->pid, rec->tgid, rec->pageType, rec->blockType, std::move(frames), 0,
                    rec->pfn, rec->line };
            const std::uint64_t lo = std::max(rec->pfn, e->firstPfn);
            const std::uint64_t hi = std::min(rec->pfn + rec->pages(), e->endPfn);
            p.pages += hi > lo ? hi - lo : 0;
            p.firstPfn = std::min(p.firstPfn, rec->pfn);
        }
    }
    std::vector<PagePinner> out;
    for (auto& [key, p] : owners)
        out.push_back(std::move(p));
    std::stable_sort(out.begin(), out.end(), [](const PagePinner& a, const PagePinner& b) {
        const bool am = a.pageType == "Movable", bm = b.pageType == "Movable";
        return am != bm ? bm : a.pages > b.pages;
    });
    if (out.size() > limit)
        out.resize(limit);
    return out;
}

std::string pinnerText(const PagePinner& p)
{
    std::string text = (p.comm.empty() ? std::string("?") : p.comm) + " (pid " + std::to_string(p.pid);
    if (p.tgid != p.pid)
        text += ", tgid " + std::to_string(p.tgid);
    text += "): " + std::to_string(p.pages) + (p.pages == 1 ? " page" : " pages") + " from " + hexText(p.firstPfn)
        + ", " + p.pageType + " in a " + p.blockType + " block";
    if (!p.frames.empty()) {
        text += ", via ";
        for (std::size_t i = 0; i < p.frames.size(); ++i)
            text += (i ? " < " : "") + p.frames[i];
    }
    return text;
}

} // namespace cmascope
