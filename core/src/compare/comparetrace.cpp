// SPDX-License-Identifier: GPL-2.0-or-later
// Compare for a replayed trace: the recording as the base, the what-if runs as the variants
// (docs/compare.md, replay/tracewhatif.h).
#include <cmascope/compare/compare.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/tracewhatif.h>
#include <cmascope/util/units.h>

#include <utility>

namespace cmascope {

namespace {

std::string describeSpec(const WhatIfSpec& spec)
{
    std::string out = spec.area ? "area " + *spec.area + ":" : std::string("every area:");
    if (spec.policy)
        out += " policy " + std::string(policyId(*spec.policy)) + ",";
    if (spec.pages)
        out += " " + std::to_string(*spec.pages) + " pages,";
    if (spec.orderPerBit)
        out += " order_per_bit " + std::to_string(*spec.orderPerBit) + ",";
    if (!spec.policy && !spec.pages && !spec.orderPerBit)
        out += " the kernel policy as recorded,";
    out.pop_back();
    return out;
}

/// The base: the recorded timeline run as a project, with the recorded requests counted.
std::variant<std::shared_ptr<const Simulation>, std::string> recordedRun(
    const ReplayResult& replay, std::uint64_t total, const Progress& progress)
{
    Project project = replayProject(replay, "trace");
    if (project.scenarios.empty())
        return std::string("the replay has no timeline");
    auto created = Simulation::create(project.platform, std::move(project.scenarios.front()));
    if (auto* err = std::get_if<std::string>(&created))
        return "the trace: " + *err;
    auto sim = std::make_shared<Simulation>(std::move(std::get<Simulation>(created)));
    if (!sim->run([&](std::uint64_t d, std::uint64_t) { return progress(d, total); }))
        return std::shared_ptr<const Simulation>();
    return std::shared_ptr<const Simulation>(std::move(sim));
}

/// The what-if's record run as a Simulation: the variant's occupancy, for its metrics and maps. Null when it
/// cannot be run (the figures then have the counts only).
std::shared_ptr<const Simulation> recordRun(const WhatIfResult& w)
{
    if (!w.record)
        return nullptr;
    auto created = Simulation::create(w.record->platform, w.record->scenario);
    auto* sim = std::get_if<Simulation>(&created);
    if (!sim || !sim->run())
        return nullptr;
    return std::make_shared<const Simulation>(std::move(*sim));
}

/// The figures of one what-if: the counts and the first request whose outcome differs from the recording,
/// from the what-if; peak use, free extents and fragmentation from its record's run @p sim, when there is one.
VariantFigures whatIfFigures(
    const ReplayResult& replay, const WhatIfResult& w, const std::vector<std::uint32_t>& stepOf, const Simulation* sim)
{
    VariantFigures f = sim ? figuresOf(*sim) : VariantFigures {};
    f.hasMetrics = sim != nullptr;
    f.requests = w.requests;
    f.failures = w.failed;
    f.differingSteps = w.changes.size();
    if (w.changes.empty())
        return f;
    const WhatIfChange& ch = w.changes.front();
    const ReplayRequest& q = replay.requests[ch.request];
    f.firstDifference = stepOf[ch.request];
    f.difference = "step " + std::to_string(*f.firstDifference) + ": recorded "
        + (ch.recordedOk ? "placed at PFN " + hexText(q.pfn) : std::string("failed")) + "; here "
        + (ch.whatIfOk ? "placed at PFN " + hexText(ch.whatIfPfn)
                       : "failed (" + std::string(refusalVerdict(ch.refusal)) + ")");
    return f;
}

} // namespace

std::variant<Comparison, std::string> compareTrace(
    const ReplayResult& replay, const std::vector<std::string>& specs, const Progress& progress)
{
    if (replay.timeline.size() != replay.scenario.steps.size() || replay.timeline.empty())
        return std::string("the replay has no timeline to compare");
    const std::uint32_t pageSize = replay.platform.pageSize ? replay.platform.pageSize : 4096;
    std::vector<WhatIfSpec> parsed;
    for (const auto& spec : specs) {
        auto p = parseWhatIfSpec(spec, pageSize, "--variant");
        if (auto* err = std::get_if<std::string>(&p))
            return *err;
        parsed.push_back(std::get<WhatIfSpec>(p));
    }
    Comparison c;
    c.subject = "trace";
    c.steps = replay.timeline.size();
    const std::uint64_t total = c.steps * (specs.size() + 1);
    auto base = recordedRun(replay, total, progress);
    if (auto* err = std::get_if<std::string>(&base))
        return *err;
    auto sim = std::get<std::shared_ptr<const Simulation>>(std::move(base));
    if (!sim) {
        c.cancelled = true;
        return c;
    }
    std::vector<std::uint32_t> stepOf(replay.requests.size(), 0);
    VariantFigures f0 = figuresOf(*sim);
    f0.description = "base (the recording)";
    f0.requests = f0.failures = 0;
    for (std::size_t i = 0; i < replay.timeline.size(); ++i) {
        const TimelineEntry& t = replay.timeline[i];
        if (t.kind != TimelineEntry::Request || t.index >= replay.requests.size())
            continue;
        stepOf[t.index] = static_cast<std::uint32_t>(i);
        if (replay.requests[t.index].area >= replay.areas.size())
            continue;
        ++f0.requests;
        f0.failures += !replay.requests[t.index].succeeded;
    }
    c.variants.push_back(std::move(f0));
    c.simulations.push_back(std::move(sim));
    c.positions.emplace_back();
    for (std::size_t i = 0; i < parsed.size(); ++i) {
        const std::uint64_t offset = c.steps * (i + 1);
        const WhatIfResult w = runWhatIf(
            replay, parsed[i], [&](std::uint64_t d, std::uint64_t) { return progress(offset + d, total); }, true);
        if (w.cancelled) {
            c.cancelled = true;
            return c;
        }
        if (!w.error.empty())
            return "--variant " + specs[i] + ": " + w.error;
        auto run = recordRun(w);
        VariantFigures f = whatIfFigures(replay, w, stepOf, run.get());
        f.spec = specs[i];
        f.description = describeSpec(parsed[i]);
        c.variants.push_back(std::move(f));
        c.positions.push_back(run ? w.record->positionOf : std::vector<std::uint32_t> {});
        c.simulations.push_back(std::move(run));
    }
    return c;
}

} // namespace cmascope
