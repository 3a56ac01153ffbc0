// SPDX-License-Identifier: GPL-2.0-or-later
// What would have served a failed request: other policies on the regions it tried, or a larger region
// (the size search is in sizesearch.cpp, the re-runs in wouldfitrunner.cpp).
#include "internal.h"

#include <cmascope/util/units.h>

#include <algorithm>

namespace cmascope {

std::string_view wouldFitSizeStatusName(WouldFitSizeStatus s) noexcept
{
    switch (s) {
    case WouldFitSizeStatus::NotSearched:
        return "not-searched";
    case WouldFitSizeStatus::Found:
        return "found";
    case WouldFitSizeStatus::NoRegion:
        return "no-region";
    case WouldFitSizeStatus::Unplaceable:
        return "unplaceable";
    case WouldFitSizeStatus::CannotGrow:
        return "cannot-grow";
    case WouldFitSizeStatus::ExceedsBanks:
        return "exceeds-banks";
    case WouldFitSizeStatus::ProbeLimit:
        return "probe-limit";
    }
    return "?";
}

namespace {

using namespace wouldfit;

/// "a, b and c" (@p last "and") or "a, b or c".
std::string listText(const std::vector<std::string>& items, const char* last)
{
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? (i + 1 == items.size() ? std::string(" ") + last + " " : std::string(", ")) : std::string())
            + items[i];
    return out;
}

/// The CMA regions that could grow among those the request tried, in order and once each (their names go to
/// @p out); @p neededPages gets the pages the first of them needed.
std::vector<std::size_t> triedCmaRegions(
    const Platform& platform, const Diagnosis& dg, WouldFitResult& out, std::uint64_t& neededPages)
{
    std::vector<std::size_t> tried;
    for (const auto& a : dg.attempts) {
        const auto it = std::find_if(
            platform.regions.begin(), platform.regions.end(), [&](const Region& r) { return r.name == a.region; });
        if (!a.exists || it == platform.regions.end() || it->type != RegionType::Cma || it->size == 0)
            continue;
        const auto index = static_cast<std::size_t>(it - platform.regions.begin());
        if (std::find(tried.begin(), tried.end(), index) != tried.end())
            continue;
        if (tried.empty())
            neededPages = a.neededPages;
        tried.push_back(index);
        out.triedRegions.push_back(a.region);
    }
    return tried;
}

/// What the re-runs with every other policy on the tried regions found.
struct PolicyTrials
{
    std::vector<std::string> serving; ///< policies that would have served the request
    bool anyOther = false; ///< some policy other than the current one was tried
};

/// Re-runs with each policy on every region tried (one row each into @p out); false if cancelled.
bool tryPolicies(const Platform& platform, const std::vector<std::size_t>& tried, const WouldFitRun& original,
    Runner& runner, WouldFitResult& out, PolicyTrials& trials)
{
    for (const PolicyKind k : allPolicies()) {
        WouldFitPolicyRow row;
        row.policy = k;
        row.current =
            std::all_of(tried.begin(), tried.end(), [&](std::size_t i) { return platform.regions[i].policy == k; });
        if (row.current) {
            row.run = original;
            row.text = std::string(policyId(k)) + " (now): fails";
        } else {
            trials.anyOther = true;
            Platform changed = platform;
            for (const std::size_t i : tried)
                changed.regions[i].policy = k;
            row.run = runner.run(changed);
            if (runner.cancelled())
                return false;
            row.text = std::string(policyId(k)) + ": " + runText(row.run);
            if (row.run.succeeds)
                trials.serving.push_back(std::string(policyId(k)));
        }
        out.policies.push_back(std::move(row));
    }
    return true;
}

/// The smallest size of the first region tried, into out.size; false if cancelled.
bool searchSize(const Platform& platform, const std::vector<std::size_t>& tried, std::uint64_t neededPages,
    Runner& runner, const WouldFitOptions& options, WouldFitResult& out)
{
    if (tried.empty()) {
        out.size.status = WouldFitSizeStatus::NoRegion;
        out.size.reason = "the request tried no CMA region that could grow";
    } else {
        const std::size_t t = tried.front();
        const Region& r = platform.regions[t];
        out.size.region = r.name;
        out.size.regionIndex = static_cast<std::uint16_t>(t);
        out.size.pageSize = r.pageSize ? r.pageSize : platform.pageSize;
        out.size.currentPages = r.size / out.size.pageSize;
        searchRegionSize(platform, t, neededPages, runner, options, out.size);
        if (runner.cancelled())
            return false;
    }
    if (out.size.status != WouldFitSizeStatus::Found && out.size.text.empty())
        out.size.text = "No region size can be given: " + out.size.reason + ".";
    return true;
}

/// The summary's sentence on other policies.
std::string policySummary(const WouldFitResult& out, const PolicyTrials& trials)
{
    if (out.triedRegions.empty())
        return "The request tried no CMA region: no policy changes its fate.";
    std::vector<std::string> quoted;
    for (const auto& name : out.triedRegions)
        quoted.push_back("'" + name + "'");
    const std::string regionsText = listText(quoted, "and");
    if (trials.anyOther && trials.serving.empty())
        return "No other policy on " + regionsText + " would have served it.";
    if (trials.anyOther)
        return "With " + listText(trials.serving, "or") + " on " + regionsText + " the request would have been served.";
    return {};
}

} // namespace

WouldFitResult whatWouldHaveFit(
    const Platform& platform, const Scenario& scenario, std::size_t step, const WouldFitOptions& options)
{
    WouldFitResult out;
    out.step = static_cast<std::uint32_t>(step);
    if (step >= scenario.steps.size() || !isRequest(scenario.steps[step])) {
        out.error = "step " + std::to_string(step) + " is not an allocation request";
        return out;
    }
    // Only steps 0..step matter: every re-run stops at the request.
    Scenario prefix;
    prefix.name = scenario.name;
    prefix.symbols = scenario.symbols;
    prefix.steps.assign(scenario.steps.begin(), scenario.steps.begin() + static_cast<std::ptrdiff_t>(step) + 1);
    const Step& s = prefix.steps[step];
    Runner runner(prefix, step, options);
    runner.expectRuns(1 + (options.tryPolicies ? allPolicies().size() : 0));

    // The original run: the baseline outcomes, the regions tried, the size asked.
    Diagnosis dg;
    const WouldFitRun original = runner.run(platform, [&](const Simulation& sim) { dg = sim.diagnose(step); });
    auto finish = [&] {
        out.runs = runner.runs();
        out.simulatedSteps = runner.simulated();
        out.cancelled = runner.cancelled();
        if (out.cancelled && out.summary.empty())
            out.summary = "Cancelled.";
        return out;
    };
    if (!original.ran) {
        out.error = runner.cancelled() ? "cancelled" : "the platform cannot be simulated: " + original.error;
        return finish();
    }
    out.request = dg.device + (dg.kind.empty() ? std::string() : "/" + dg.kind) + " asked for " + sizeText(dg.bytes);
    if (original.succeeds) {
        out.error = s.type == StepType::Refused ? "the model serves this request with the current policy ("
                + original.region + ", page " + std::to_string(original.offset)
                + "): the kernel refused it for a reason the model does not see (pages busy at that moment?)"
                                                : "step " + std::to_string(step) + " did not fail";
        return finish();
    }
    if (s.type == StepType::AllocateFromRegion && !dg.attempts.empty()) {
        // Refused before the region's allocator ran (docs/cma2010.md#private-regions): no size or policy helps.
        const Refusal r = dg.attempts.front().result.refusal;
        if (r == Refusal::InvalidArgument || r == Refusal::ZeroSize || r == Refusal::NoSuchCall
            || r == Refusal::NotReserved) {
            out.error = dg.attempts.front().verdict + ": no region size or policy changes that";
            return finish();
        }
    }
    std::uint64_t neededPages = 0;
    const std::vector<std::size_t> tried = triedCmaRegions(platform, dg, out, neededPages);
    PolicyTrials trials;
    if (options.tryPolicies && !tried.empty() && !tryPolicies(platform, tried, original, runner, out, trials))
        return finish();
    if (options.searchSize && !searchSize(platform, tried, neededPages, runner, options, out))
        return finish();
    if (options.tryPolicies)
        out.summary = policySummary(out, trials);
    if (options.searchSize && !out.size.text.empty())
        out.summary += (out.summary.empty() ? "" : " ") + out.size.text;
    return finish();
}

} // namespace cmascope
