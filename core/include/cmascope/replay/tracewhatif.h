// SPDX-License-Identifier: GPL-2.0-or-later
// What-if over a replayed trace: the recorded requests and releases run again under another policy,
// area size or order_per_bit. Standard C++20, no Qt, no global state.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/model/scenario.h>
#include <cmascope/policies/policy.h>
#include <cmascope/util/progress.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cmascope {

struct ReplayResult;

struct WhatIfSpec
{
    std::optional<PolicyKind> policy; ///< default: the kernel policy
    std::optional<std::uint64_t> pages; ///< new area size in pages (default: unchanged)
    std::optional<unsigned> orderPerBit;
    std::optional<std::string> area; ///< only this area changes (default: every area)
};
/// Parses "policy=bf,size=32M,order_per_bit=2,area=reserved" (size: memparse syntax, or pages=N).
/// Errors begin with @p option and the text ("--what-if SPEC: ...").
std::variant<WhatIfSpec, std::string> parseWhatIfSpec(
    std::string_view text, std::uint32_t pageSize = 4096, std::string_view option = "--what-if");

struct WhatIfChange
{
    std::uint32_t request = 0; ///< index into ReplayResult::requests
    bool recordedOk = false;
    bool whatIfOk = false;
    std::uint64_t whatIfPfn = 0;
    Refusal refusal = Refusal::None;
};

/// What a what-if run did, as something a Simulation runs: the areas with the variant's size (kernel bitmap
/// bookkeeping: the placements are given; at the variant's order_per_bit under the kernel policy, so places hold
/// whole bits as in the recording, else at 0) and a scenario of the variant's own placements
/// (Place), releases (Release) and refusals (Refused), for figures and maps of the variant (docs/compare.md).
struct WhatIfRecord
{
    Platform platform;
    Scenario scenario;
    /// positionOf[p]: the record's position that matches position p of the replay's timeline (timeline size + 1
    /// entries). A release may become several Release steps; a request that failed in the trace and succeeds
    /// here is given back at once and leaves none.
    std::vector<std::uint32_t> positionOf;
};

struct WhatIfResult
{
    std::string error; ///< non-empty: the geometry/policy cannot be used, or the run was cancelled
    bool cancelled = false; ///< the Progress asked to stop: the figures cover only part of the trace
    std::uint64_t requests = 0, succeeded = 0, failed = 0;
    std::uint64_t nowFail = 0, nowSucceed = 0;
    std::vector<WhatIfChange> changes; ///< requests whose outcome differs from the recording
    std::vector<std::string> notes;
    std::shared_ptr<const WhatIfRecord> record; ///< when runWhatIf() was asked to record
};
/// Re-runs the recorded requests and releases of @p replay (needs keepRequests and buildTimeline)
/// under @p spec: each recorded request asks again, each release gives back the same part of the
/// allocation it belonged to (partial releases map to the same offsets inside the new placement; a release
/// spanning several allocations gives back its part of each).
/// @p progress gets (timeline entries done, total) every 16 Ki entries and may cancel.
/// With @p record, the result also holds the run as a WhatIfRecord.
WhatIfResult runWhatIf(
    const ReplayResult& replay, const WhatIfSpec& spec, const Progress& progress = {}, bool record = false);

} // namespace cmascope
