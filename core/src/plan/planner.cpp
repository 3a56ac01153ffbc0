// SPDX-License-Identifier: GPL-2.0-or-later
// The planner (docs/planner.md): start from sizes that serve every chosen scenario, then shrink one region at a
// time by bisection on its granule while every scenario still succeeds, round after round, until a whole round
// shrinks nothing. In that last round every resized region was re-run one granule smaller, with the final
// sizes of all the others, and failed: each region is minimal given the others (not the smallest total).
#include "plannerinternal.h"

#include <cmascope/model/maplang.h>
#include <cmascope/plan/dmareach.h>
#include <cmascope/plan/planner.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/util/units.h>
#include <cmascope/validation/validation.h>

#include <algorithm>
#include <bit>
#include <optional>
#include <utility>

namespace cmascope {

std::string_view planRoleName(PlanRole role) noexcept
{
    switch (role) {
    case PlanRole::Resized:
        return "resized";
    case PlanRole::Kept:
        return "kept";
    case PlanRole::SizeZero:
        return "size-0";
    case PlanRole::Carveout:
        return "carve-out";
    }
    return "kept";
}

std::uint64_t planGranule(const Platform& platform, const Region& region) noexcept
{
    std::uint64_t g = effectiveAlignment(platform, region);
    if (region.policy == PolicyKind::Kernel && region.params.orderPerBit < 32) {
        const std::uint64_t bit = std::uint64_t { region.pageSize } << region.params.orderPerBit;
        g = std::max(g, bit);
    }
    return std::max<std::uint64_t>(g, 1);
}

namespace {

using planner::saturatingAdd;

/// What one candidate set of sizes does.
struct Verdict
{
    bool ok = false;
    bool placed = true; ///< false: the candidate cannot be placed (or simulated); `why` says why
    std::string why;
    std::size_t scenario = 0; ///< placed && !ok: the first chosen scenario with a failed request ...
    std::uint32_t step = 0; ///< ... and its first failed request
};

class Planner
{
public:
    Planner(const Project& project, const PlannerOptions& options, PlanResult& out)
        : m_project(project)
        , m_options(options)
        , m_out(out)
        , m_base(project.platform)
    { }

    void run()
    {
        if (chooseScenarios() && classifyRegions() && checkRequests() && findStart() && shrinkToFixpoint())
            finish();
    }

private:
    bool chooseScenarios();
    bool classifyRegions();
    /// Lowers the limit of every dynamic region below the reach of the devices that can be given it.
    void applyDmaLimits();
    bool checkRequests();
    bool findStart();
    /// Shrinks every resizable region that cannot be placed at its size in @p sizes to the largest size
    /// that can, in placement order (fixed regions, then dynamic ones); false (with @p why) when one cannot be
    /// placed at all.
    bool fit(std::vector<std::uint64_t>& sizes, std::string& why);
    /// The largest multiple of region @p r's granule up to sizes[r] at which it can be placed; 0 if none.
    std::uint64_t largestPlaceable(std::vector<std::uint64_t> sizes, std::size_t r, std::string& why);
    /// The next sizes to try when @p sizes (fitted to @p fitted) still fail: every resizable region that
    /// placement did not cap doubles. False when none can grow.
    bool grow(std::vector<std::uint64_t>& sizes, const std::vector<std::uint64_t>& fitted, const Verdict& v) const;
    /// The regions the failed step of @p v tried: its map list, or the region a Place/Pin step names.
    std::vector<std::size_t> triedRegions(const Verdict& v) const;
    bool shrinkToFixpoint();
    /// One region's turn in a round: is one granule less enough, and if so the bisection below it.
    bool shrinkRegion(std::size_t r, bool& changed);
    Verdict evaluate(const std::vector<std::uint64_t>& sizes);
    Platform withSizes(const std::vector<std::uint64_t>& sizes) const;
    bool cancelled();
    std::string verdictText(const Verdict& v) const;
    std::string noPlanText(const Verdict& v, const std::vector<std::uint64_t>& sizes);
    void setBinding(std::size_t r, const Verdict& v, bool minimum);
    void finish();
    bool noPlan(std::string reason)
    {
        m_out.reason = std::move(reason);
        return false;
    }

    const Project& m_project;
    const PlannerOptions& m_options;
    PlanResult& m_out;
    Platform m_base; ///< the project's platform, with the DMA limits applied (applyDmaLimits())
    std::vector<const Scenario*> m_scenarios;
    std::vector<std::size_t> m_resizable; ///< region indexes, declaration order
    std::vector<std::uint64_t> m_granule; ///< per region
    std::vector<std::uint64_t> m_sizes; ///< the current candidate (serves every chosen scenario)
    std::uint64_t m_span = 0; ///< the largest stretch of memory
    std::uint64_t m_stepsPerRun = 0; ///< steps of one evaluation (every chosen scenario)
    std::uint64_t m_total = 0; ///< progress estimate
    bool m_cancelled = false;
};

bool Planner::chooseScenarios()
{
    if (m_options.scenarios.empty()) {
        for (std::size_t i = 0; i < m_project.scenarios.size(); ++i)
            m_out.scenarios.push_back(i);
    } else {
        for (const std::size_t i : m_options.scenarios) {
            if (i >= m_project.scenarios.size()) {
                m_out.badInput = true;
                return noPlan("no scenario " + std::to_string(i) + " (the project has "
                    + std::to_string(m_project.scenarios.size()) + ")");
            }
            if (std::find(m_out.scenarios.begin(), m_out.scenarios.end(), i) == m_out.scenarios.end())
                m_out.scenarios.push_back(i);
        }
    }
    if (m_out.scenarios.empty()) {
        m_out.badInput = true;
        return noPlan("the project has no scenario to plan for");
    }
    for (const std::size_t i : m_out.scenarios) {
        m_scenarios.push_back(&m_project.scenarios[i]);
        m_stepsPerRun += m_project.scenarios[i].steps.size();
    }
    return true;
}

/// Which regions the planner resizes (docs/planner.md#what-it-resizes) and their granules.
bool Planner::classifyRegions()
{
    const Platform& pf = m_project.platform;
    for (const std::string& name : m_options.keepSizes) {
        if (!pf.findRegion(name)) {
            m_out.badInput = true;
            return noPlan("no region named '" + name + "' to keep");
        }
    }
    for (std::size_t i = 0; i < pf.regions.size(); ++i) {
        const Region& r = pf.regions[i];
        PlannedRegion p;
        p.index = i;
        p.name = r.name;
        p.sizeBefore = p.size = r.size;
        p.granuleBytes = planGranule(pf, r);
        const bool kept =
            std::find(m_options.keepSizes.begin(), m_options.keepSizes.end(), r.name) != m_options.keepSizes.end()
            || (r.placement == Placement::Fixed && !m_options.resizeFixed);
        p.role = r.type == RegionType::Carveout ? PlanRole::Carveout
            : r.size == 0                       ? PlanRole::SizeZero
            : kept                              ? PlanRole::Kept
                                                : PlanRole::Resized;
        if (p.role == PlanRole::Resized)
            m_resizable.push_back(i);
        m_granule.push_back(p.granuleBytes);
        m_sizes.push_back(r.size);
        m_out.regions.push_back(std::move(p));
    }
    m_span = largestMemorySpan(pf.banks);
    if (m_options.dmaLimits)
        applyDmaLimits();
    return true;
}

void Planner::applyDmaLimits()
{
    const auto reach = regionDmaReach(m_base);
    for (std::size_t i = 0; i < m_base.regions.size(); ++i) {
        Region& r = m_base.regions[i];
        if (!reach[i] || r.type != RegionType::Cma || r.size == 0 || r.placement != Placement::Dynamic)
            continue;
        if (r.limit != 0 && r.limit <= reach[i]->limit)
            continue;
        r.limit = reach[i]->limit;
        m_out.regions[i].dmaLimit = reach[i]->limit;
        m_out.regions[i].dmaDevice = reach[i]->device;
    }
}

/// Requests no size can serve: larger than any stretch of memory, or mapped to no region at all.
bool Planner::checkRequests()
{
    for (std::size_t k = 0; k < m_scenarios.size(); ++k) {
        const Scenario& sc = *m_scenarios[k];
        for (std::size_t i = 0; i < sc.steps.size(); ++i) {
            const Step& s = sc.steps[i];
            const std::string step =
                "scenario '" + sc.name + "' step " + std::to_string(i) + " (" + planner::stepText(sc, i) + ")";
            if ((s.type == StepType::Allocate || s.type == StepType::AllocateFromRegion) && s.size > m_span)
                return noPlan(step + " asks for more than the largest stretch of memory (" + sizeText(m_span) + ")");
            if (s.type == StepType::AllocateFromRegion) {
                const std::string why = planner::fromRegionWhatever(m_base, s);
                if (!why.empty())
                    return noPlan(step + ": " + why);
            }
        }
    }
    return true;
}

Platform Planner::withSizes(const std::vector<std::uint64_t>& sizes) const
{
    Platform pf = m_base;
    for (std::size_t i = 0; i < sizes.size(); ++i)
        pf.regions[i].size = sizes[i];
    return pf;
}

bool Planner::cancelled()
{
    if (!m_cancelled && !m_options.progress(m_out.simulatedSteps, std::max(m_total, m_out.simulatedSteps)))
        m_cancelled = true;
    return m_cancelled;
}

/// Places @p sizes and runs every chosen scenario on them, in order, up to the first that fails.
Verdict Planner::evaluate(const std::vector<std::uint64_t>& sizes)
{
    Verdict v;
    Platform pf = withSizes(sizes);
    placeRegions(pf, m_options.placement);
    for (const Region& r : pf.regions) {
        if (r.size != 0 && !r.placementFailure.empty()) {
            v.placed = false;
            v.why = r.placementFailure;
            return v;
        }
    }
    for (std::size_t k = 0; k < m_scenarios.size() && !cancelled(); ++k) {
        auto created = Simulation::create(pf, *m_scenarios[k]);
        if (auto* err = std::get_if<std::string>(&created)) {
            v.placed = false;
            v.why = *err;
            return v;
        }
        auto& sim = std::get<Simulation>(created);
        const std::uint64_t base = m_out.simulatedSteps;
        const bool finished = sim.run([&](std::uint64_t done, std::uint64_t) {
            return m_options.progress(base + done, std::max(m_total, base + done));
        });
        ++m_out.runs;
        m_out.simulatedSteps += sim.stepCount();
        if (!finished) {
            m_cancelled = true;
            return v;
        }
        const auto& steps = m_scenarios[k]->steps;
        for (std::size_t i = 0; i < sim.records().size(); ++i) {
            // A Refused step is a refusal recorded in a trace, not a request the model places.
            if (sim.records()[i].outcome == Outcome::Failed && steps[i].type != StepType::Refused) {
                v.scenario = m_out.scenarios[k];
                v.step = static_cast<std::uint32_t>(i);
                return v;
            }
        }
    }
    v.ok = !m_cancelled;
    return v;
}

std::uint64_t Planner::largestPlaceable(std::vector<std::uint64_t> sizes, std::size_t r, std::string& why)
{
    const std::uint64_t g = m_granule[r];
    auto places = [&](std::uint64_t k) {
        sizes[r] = k * g;
        Platform pf = withSizes(sizes);
        const PlacementResult pr = placeRegions(pf, m_options.placement);
        if (!pr.regions[r].ok)
            why = pr.regions[r].message;
        return pr.regions[r].ok;
    };
    std::uint64_t hi = sizes[r] / g; // fails
    if (!places(1))
        return 0;
    std::uint64_t lo = 1;
    while (hi - lo > 1) {
        const std::uint64_t mid = lo + (hi - lo) / 2;
        (places(mid) ? lo : hi) = mid;
    }
    return lo * g;
}

bool Planner::fit(std::vector<std::uint64_t>& sizes, std::string& why)
{
    const auto& regions = m_project.platform.regions;
    std::vector<std::size_t> order;
    for (const Placement kind : { Placement::Fixed, Placement::Dynamic })
        for (const std::size_t r : m_resizable)
            if (regions[r].placement == kind)
                order.push_back(r);
    for (const std::size_t r : order) {
        Platform pf = withSizes(sizes);
        if (placeRegions(pf, m_options.placement).regions[r].ok)
            continue;
        sizes[r] = largestPlaceable(sizes, r, why);
        if (sizes[r] == 0)
            return false;
    }
    Platform pf = withSizes(sizes);
    for (const RegionPlacement& rp : placeRegions(pf, m_options.placement).regions) {
        if (!rp.ok) {
            why = rp.message;
            return false;
        }
    }
    return true;
}

std::vector<std::size_t> Planner::triedRegions(const Verdict& v) const
{
    const Platform& pf = m_project.platform;
    const Scenario& sc = m_project.scenarios[v.scenario];
    const Step& s = sc.steps[v.step];
    std::vector<std::size_t> tried;
    if (s.type != StepType::Allocate) {
        tried.push_back(s.region);
        return tried;
    }
    const auto res = resolveRegions(pf, sc.symbols.name(s.device), sc.symbols.name(s.kind), s.size);
    for (const std::string& name : res.regions)
        for (std::size_t i = 0; i < pf.regions.size(); ++i)
            if (pf.regions[i].name == name)
                tried.push_back(i);
    return tried;
}

bool Planner::grow(std::vector<std::uint64_t>& sizes, const std::vector<std::uint64_t>& fitted, const Verdict& v) const
{
    bool grew = false;
    const std::vector<std::size_t> tried = v.placed ? triedRegions(v) : std::vector<std::size_t>();
    for (const std::size_t r : m_resizable) {
        const std::uint64_t cap = alignDown(m_span, m_granule[r]);
        if (std::find(tried.begin(), tried.end(), r) == tried.end() || fitted[r] < sizes[r] || sizes[r] >= cap)
            continue; // the failed request did not try it, or placement or the banks cap it already
        sizes[r] = std::min(cap, sizes[r] > cap / 2 ? cap : sizes[r] * 2);
        grew = true;
    }
    return grew;
}

/// The first sizes that serve every chosen scenario: each region's peak demand, doubled while some scenario
/// still fails (docs/planner.md#where-it-starts).
bool Planner::findStart()
{
    const auto demand = planner::peakDemand(m_project.platform, m_scenarios);
    std::vector<std::uint64_t> sizes = m_sizes;
    for (const std::size_t r : m_resizable) {
        const std::uint64_t g = m_granule[r];
        const std::uint64_t cap = std::max(g, alignDown(m_span, g));
        sizes[r] = std::clamp(alignUp(demand[r], g).value_or(cap), g, cap);
    }
    std::optional<std::pair<Verdict, std::vector<std::uint64_t>>> last; // the last failure
    for (;;) {
        std::vector<std::uint64_t> fitted = sizes;
        std::string why;
        if (!fit(fitted, why)) // grown so far that another region no longer fits: the last failure stands
            return noPlan(last ? noPlanText(last->first, last->second) : "the regions cannot be placed: " + why);
        m_total = std::max(m_total, m_out.simulatedSteps + m_stepsPerRun * (4 + 16 * m_resizable.size()));
        const Verdict v = evaluate(fitted);
        if (m_cancelled)
            return false;
        if (v.ok) {
            m_sizes = std::move(fitted);
            return true;
        }
        if (!grow(sizes, fitted, v))
            return noPlan(noPlanText(v, fitted));
        last.emplace(v, std::move(fitted));
    }
}

bool Planner::shrinkToFixpoint()
{
    while (m_out.rounds < m_options.maxRounds) {
        ++m_out.rounds;
        bool changed = false;
        for (const std::size_t r : m_resizable)
            if (!shrinkRegion(r, changed))
                return false;
        if (!changed)
            return true;
    }
    return noPlan("no fixpoint after " + std::to_string(m_options.maxRounds) + " rounds");
}

bool Planner::shrinkRegion(std::size_t r, bool& changed)
{
    const std::uint64_t g = m_granule[r];
    const std::uint64_t k = m_sizes[r] / g;
    if (k <= 1) {
        setBinding(r, {}, true);
        return true;
    }
    unsigned levels = static_cast<unsigned>(std::bit_width(k));
    m_total = std::max(m_total, m_out.simulatedSteps + m_stepsPerRun * (levels + m_resizable.size()));
    std::vector<std::uint64_t> trial = m_sizes;
    trial[r] = (k - 1) * g;
    Verdict below = evaluate(trial);
    if (m_cancelled)
        return false;
    if (!below.ok) {
        setBinding(r, below, false);
        return true;
    }
    // One granule less serves every scenario: bisect on [1, k - 1] granules for the smallest that does.
    std::uint64_t lo = 0, hi = k - 1;
    bool minimum = true;
    while (hi - lo > 1) {
        const std::uint64_t mid = lo + (hi - lo) / 2;
        trial[r] = mid * g;
        Verdict v = evaluate(trial);
        if (m_cancelled)
            return false;
        if (v.ok) {
            hi = mid;
        } else {
            lo = mid;
            below = std::move(v);
            minimum = false;
        }
    }
    m_sizes[r] = hi * g;
    changed = true;
    setBinding(r, below, minimum);
    return true;
}

std::string Planner::verdictText(const Verdict& v) const
{
    if (!v.placed)
        return "cannot be placed: " + v.why;
    const Scenario& sc = m_project.scenarios[v.scenario];
    return "scenario '" + sc.name + "' step " + std::to_string(v.step) + " (" + planner::stepText(sc, v.step)
        + ") fails";
}

std::string Planner::noPlanText(const Verdict& v, const std::vector<std::uint64_t>& sizes)
{
    if (!v.placed)
        return "the regions cannot be simulated: " + v.why;
    const auto tried = triedRegions(v);
    const bool anyResized = std::any_of(tried.begin(), tried.end(),
        [&](std::size_t r) { return std::find(m_resizable.begin(), m_resizable.end(), r) != m_resizable.end(); });
    std::string text;
    if (!anyResized) {
        text = verdictText(v) + " whatever the sizes: it tries no region the planner sizes";
    } else {
        // The regions the failed request tried: the ones grown (a region it never reaches stays at its demand).
        text = "even at the largest sizes the banks and placement allow (";
        bool first = true;
        for (const std::size_t r : m_resizable) {
            if (std::find(tried.begin(), tried.end(), r) == tried.end())
                continue;
            text += (first ? "" : ", ") + m_project.platform.regions[r].name + " " + sizeText(sizes[r]);
            first = false;
        }
        text += "), " + verdictText(v);
    }
    Platform pf = withSizes(sizes);
    placeRegions(pf, m_options.placement);
    auto created = Simulation::create(pf, m_project.scenarios[v.scenario]);
    if (auto* sim = std::get_if<Simulation>(&created); sim && sim->run())
        text += ": " + sim->diagnose(v.step).summary;
    return text;
}

void Planner::setBinding(std::size_t r, const Verdict& v, bool minimum)
{
    PlannedRegion& p = m_out.regions[r];
    p.bindingScenario.reset();
    p.bindingStep.reset();
    const std::uint64_t g = m_granule[r];
    if (minimum) {
        p.binding = "one granule (" + sizeText(g) + "), the least the kernel reserves: smaller would be no region";
        return;
    }
    const std::uint64_t smaller = m_sizes[r] - g;
    p.binding = "at " + sizeText(smaller) + " (one granule less) " + verdictText(v);
    if (v.placed) {
        p.bindingScenario = v.scenario;
        p.bindingStep = v.step;
    } else {
        p.bindingScenario.reset();
    }
}

void Planner::finish()
{
    m_out.platform = withSizes(m_sizes);
    const PlacementResult pr = placeRegions(m_out.platform, m_options.placement);
    m_out.placementLog = pr.log;
    for (PlannedRegion& p : m_out.regions) {
        p.size = m_sizes[p.index];
        p.start = m_out.platform.regions[p.index].placedBase;
        if (p.index < pr.regions.size() && pr.regions[p.index].ranges.size() > 1)
            p.ranges = pr.regions[p.index].ranges;
        if (p.role != PlanRole::Resized)
            p.binding = p.role == PlanRole::Kept ? "size kept as asked"
                : p.role == PlanRole::SizeZero   ? "size-0 region: the system allocator serves it"
                                                 : "carve-out: not allocatable, size kept";
    }
    m_out.ok = true;
}

} // namespace

PlanResult planRegions(const Project& project, const PlannerOptions& options)
{
    PlanResult out;
    Planner(project, options, out).run();
    if (!out.ok && out.reason.empty())
        out.cancelled = true;
    if (out.cancelled)
        out.reason = "cancelled";
    return out;
}

Platform withPlannedSizes(Platform platform, const PlanResult& plan)
{
    for (const PlannedRegion& p : plan.regions) {
        if (p.index >= platform.regions.size())
            continue;
        platform.regions[p.index].size = p.size;
        if (p.dmaLimit)
            platform.regions[p.index].limit = *p.dmaLimit;
    }
    return platform;
}

} // namespace cmascope
