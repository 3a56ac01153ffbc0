// SPDX-License-Identifier: GPL-2.0-or-later
// The sandbox's edits of a scenario (docs/sandbox.md): a request or a phase marker inserted right after the
// current step, and how a live chunk is freed — by its label when `free LABEL` frees exactly that chunk, by a
// label given to its unlabelled request, or by releasing its pages. Plain functions on the core's types.
#pragma once

#include <cmascope/model/scenario.h>
#include <cmascope/sim/simulator.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmascope::views {

/// A scenario replayed from a kernel trace (it carries event times): its steps are the kernel's recorded
/// placements, so the sandbox does not edit it.
bool isRecordedTrace(const Scenario& scenario);

/// "sN" with the smallest N >= 1 that no step of @p scenario uses as its label.
std::string freshLabel(const Scenario& scenario);

/// What the request bar asks for.
struct AllocateRequest
{
    std::string device;
    std::string kind; ///< empty: no kind
    std::uint64_t bytes = 0;
    std::uint64_t alignment = 0; ///< bytes, a power of two; 0 = none asked
    std::string label; ///< empty: freshLabel()
};

/// Inserts an Allocate step at index @p at (at most the end); returns its label (the fresh one when the
/// request named none). Throws std::invalid_argument for an alignment that is not a power of two.
std::string insertAllocate(Scenario& scenario, std::size_t at, const AllocateRequest& request);
/// Inserts a phase marker @p text at index @p at (at most the end).
void insertPhase(Scenario& scenario, std::size_t at, std::string_view text);

/// How the sandbox frees one live chunk.
struct FreeRequest
{
    enum class Kind {
        FreeLabel, ///< `free label` frees exactly this chunk (the last one live under its label)
        LabelAndFree, ///< an unlabelled request: its Allocate step (originStep) gets `label`, then `free label`
        Release, ///< anything else (a Place step, a label shadowed by a later chunk, a piece left by a release)
    };
    Kind kind = Kind::FreeLabel;
    std::string label; ///< FreeLabel, LabelAndFree
    std::size_t originStep = 0; ///< the step that allocated the chunk
    std::uint16_t region = 0; ///< Release: pages [offset, offset + pages) of region
    std::uint64_t offset = 0;
    std::uint64_t pages = 0;
};

/// How to free chunk @p chunk of @p sim in @p state; nullopt when it is not live there (or has no pages in a
/// region: served by the system allocator).
std::optional<FreeRequest> freeRequestFor(const Simulation& sim, const SimState& state, std::uint32_t chunk);
/// Applies @p request to @p scenario (the scenario @p request was computed for), the freeing step at @p at.
void insertFree(Scenario& scenario, std::size_t at, const FreeRequest& request);

} // namespace cmascope::views
