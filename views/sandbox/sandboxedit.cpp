// SPDX-License-Identifier: GPL-2.0-or-later
#include "sandbox/sandboxedit.h"

#include <cmascope/model/lessonedit.h>

#include <algorithm>
#include <iterator>
#include <unordered_set>

namespace cmascope::views {

namespace {

/// Moves the step just appended to index @p at, keeping the trace times parallel (a copy of the time
/// before it: the sandbox never inserts into a recorded trace, but the pair must stay consistent) and the
/// lesson's notes on the steps they were written for (docs/lessons.md).
void moveLastStepTo(Scenario& sc, std::size_t at)
{
    at = std::min(at, sc.steps.size() - 1);
    std::rotate(sc.steps.begin() + std::ptrdiff_t(at), std::prev(sc.steps.end()), sc.steps.end());
    if (sc.timesNs.size() + 1 == sc.steps.size())
        sc.timesNs.insert(sc.timesNs.begin() + std::ptrdiff_t(at), at > 0 ? sc.timesNs[at - 1] : 0);
    if (sc.lesson)
        lessonStepsInserted(*sc.lesson, at);
}

bool labelsChunks(StepType t)
{
    return t == StepType::Allocate || t == StepType::AllocateFromRegion || t == StepType::Place || t == StepType::Free;
}

} // namespace

bool isRecordedTrace(const Scenario& scenario)
{
    return !scenario.timesNs.empty();
}

std::string freshLabel(const Scenario& scenario)
{
    std::unordered_set<std::uint32_t> used;
    for (const Step& s : scenario.steps)
        if (labelsChunks(s.type))
            used.insert(s.label);
    for (std::uint64_t n = 1;; ++n) {
        std::string label = "s" + std::to_string(n);
        const std::uint32_t id = scenario.symbols.find(label);
        if (id == UINT32_MAX || !used.contains(id))
            return label;
    }
}

std::string insertAllocate(Scenario& scenario, std::size_t at, const AllocateRequest& request)
{
    std::string label = request.label.empty() ? freshLabel(scenario) : request.label;
    scenario.allocate(request.device, request.kind, request.bytes, label, request.alignment);
    moveLastStepTo(scenario, at);
    return label;
}

void insertPhase(Scenario& scenario, std::size_t at, std::string_view text)
{
    scenario.phase(text);
    moveLastStepTo(scenario, at);
}

std::optional<FreeRequest> freeRequestFor(const Simulation& sim, const SimState& state, std::uint32_t chunk)
{
    const auto& chunks = sim.chunks();
    if (chunk >= chunks.size())
        return std::nullopt;
    const ChunkInfo& c = chunks[chunk];
    if (c.region >= state.regions.size())
        return std::nullopt;
    const auto& live = state.regions[c.region].live;
    const auto it = live.find(c.offset);
    if (it == live.end() || it->second != chunk)
        return std::nullopt;
    FreeRequest r;
    r.originStep = c.originStep;
    const Scenario& sc = sim.scenario();
    const Step& origin = sc.steps.at(c.originStep);
    if (origin.label != 0) {
        const auto labelled = state.liveByLabel.find(origin.label);
        if (labelled != state.liveByLabel.end() && !labelled->second.empty() && labelled->second.back() == chunk) {
            r.label = std::string(sc.symbols.name(origin.label));
            return r;
        }
    } else if ((origin.type == StepType::Allocate || origin.type == StepType::AllocateFromRegion)
        && c.bornStep == c.originStep) {
        r.kind = FreeRequest::Kind::LabelAndFree;
        r.label = freshLabel(sc);
        return r;
    }
    r.kind = FreeRequest::Kind::Release;
    r.region = c.region;
    r.offset = c.offset;
    r.pages = c.pages;
    return r;
}

void insertFree(Scenario& scenario, std::size_t at, const FreeRequest& request)
{
    switch (request.kind) {
    case FreeRequest::Kind::LabelAndFree:
        scenario.steps.at(request.originStep).label = scenario.symbols.intern(request.label);
        [[fallthrough]];
    case FreeRequest::Kind::FreeLabel:
        scenario.free(request.label);
        break;
    case FreeRequest::Kind::Release:
        scenario.release(request.region, request.offset, request.pages);
        break;
    }
    moveLastStepTo(scenario, at);
}

} // namespace cmascope::views
