// SPDX-License-Identifier: GPL-2.0-or-later
// The replay passes of a late start (docs/late-start.md): a first pass that observes; when a late
// start is detected, inference passes that add seeds until nothing new is found; and a final pass from
// the inferred seeds, kept only when it predicts at least as many placements as the first.
#include "latestartcollector.h"

#include <algorithm>
#include <utility>

namespace cmascope::replayinternal {

namespace {

constexpr int kMaxInferencePasses = 6;

/// Adds the bits of @p from to @p into; areas in @p skip (seeded from debugfs) are left out. Returns
/// how many bits were new.
std::uint64_t mergeSeeds(SeedMap& into, const SeedMap& from, const std::vector<std::string>& skip)
{
    std::uint64_t added = 0;
    for (const auto& [name, bits] : from) {
        if (std::find(skip.begin(), skip.end(), name) != skip.end())
            continue;
        std::vector<bool>& dst = into[name];
        if (dst.size() < bits.size())
            dst.resize(bits.size(), false);
        for (std::size_t b = 0; b < bits.size(); ++b)
            if (bits[b] && !dst[b]) {
                dst[b] = true;
                ++added;
            }
    }
    return added;
}

/// The seeds as runs of pages, by area (for the report).
void describeSeeds(const ReplayResult& r, const SeedMap& seeds, LateStart& late)
{
    for (const auto& ar : r.areas) {
        const auto it = seeds.find(ar.area.name);
        if (it == seeds.end())
            continue;
        const unsigned opb = ar.area.orderPerBit;
        const std::vector<bool>& bits = it->second;
        for (std::size_t b = 0; b < bits.size();) {
            if (!bits[b]) {
                ++b;
                continue;
            }
            std::size_t e = b;
            while (e < bits.size() && bits[e])
                ++e;
            const std::uint64_t pages = std::uint64_t(e - b) << opb;
            late.seeds.push_back({ ar.area.name, ar.area.basePfn + (std::uint64_t(b) << opb), pages });
            late.inferredPages += pages;
            b = e;
        }
    }
}

/// The states a pass showed at its markers, kept until it is known whether its result is the one returned.
struct MarkerLog
{
    std::vector<std::pair<ReplayMarker, std::vector<ReplayAreaResult>>> calls;
    void replayTo(const ReplayOptions& options) const
    {
        for (const auto& [m, areas] : calls)
            options.onMarker(m, areas);
    }
};

/// Inference passes until no new seed is found, then the final pass from the seeds with @p options.
/// nullopt (with first.lateStart.note saying why) when nothing was inferred or it did not help.
std::optional<ReplayResult> inferAndReplay(const PassFn& pass, const ReplayOptions& options,
    const LateStartCollector& first, const std::vector<std::string>& seeded, ReplayResult& firstResult)
{
    LateStart& late = firstResult.lateStart;
    SeedMap seeds;
    std::uint64_t total = mergeSeeds(seeds, first.newSeeds(), seeded);
    ReplayOptions quiet = options;
    quiet.onMarker = {};
    quiet.keepRequests = false;
    quiet.buildTimeline = false;
    quiet.maxWarnings = quiet.maxDivergences = 0;
    for (int i = 0; i < kMaxInferencePasses; ++i) {
        LateStartCollector c(&first.placedBits());
        const auto res = pass({ &seeds, &c }, quiet);
        ++late.passes;
        const std::uint64_t added = res ? mergeSeeds(seeds, c.newSeeds(), seeded) : 0;
        total += added;
        if (added == 0)
            break;
    }
    if (total == 0) {
        const bool allSeeded = !firstResult.areas.empty() && seeded.size() == firstResult.areas.size();
        late.note = allSeeded ? "every area is seeded from a debugfs snapshot"
                              : "no page allocated before the trace explains what was recorded";
        return std::nullopt;
    }
    LateStartCollector last;
    std::optional<ReplayResult> fin = pass({ &seeds, &last }, options);
    ++late.passes;
    if (!fin)
        return fin;
    if (last.placementsMatched() < first.placementsMatched()) {
        late.note = "the inferred occupancy predicted fewer placements; not applied";
        return std::nullopt;
    }
    LateStart kept = late;
    kept.inferred = true;
    kept.predictedAfter = last.placementsMatched();
    kept.placementsAfter = last.placementsChecked();
    describeSeeds(*fin, seeds, kept);
    fin->lateStart = std::move(kept);
    return fin;
}

} // namespace

std::optional<ReplayResult> replayWithLateStart(const PassFn& pass, const ReplayOptions& options)
{
    LateStartCollector first;
    ReplayOptions firstOptions = options;
    MarkerLog log;
    if (options.onMarker)
        firstOptions.onMarker = [&log](const ReplayMarker& m, std::span<const ReplayAreaResult> areas) {
            log.calls.emplace_back(m, std::vector<ReplayAreaResult>(areas.begin(), areas.end()));
        };
    std::optional<ReplayResult> r = pass({ nullptr, &first }, firstOptions);
    if (!r)
        return r;
    r->lateStart = first.verdict();
    LateStart& late = r->lateStart;
    const bool wanted = options.lateStart == LateStartInference::Always
        || (options.lateStart == LateStartInference::Auto && late.detected);
    std::vector<std::string> seeded; // areas whose start state a debugfs snapshot gives
    for (const auto& ar : r->areas)
        if (!ar.area.initialBitmap.empty())
            seeded.push_back(ar.area.name);
    if (!wanted || !options.fidelity || !r->error.empty()) {
        if (late.detected && options.lateStart == LateStartInference::Off)
            late.note = "inference turned off";
    } else if (auto fin = inferAndReplay(pass, options, first, seeded, *r)) {
        *r = std::move(*fin);
        return r;
    }
    if (options.onMarker)
        log.replayTo(options);
    return r;
}

} // namespace cmascope::replayinternal
