// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario text form (docs/scenario-text.md): one step per line, short enough to type, paste and keep in
// version control, and exact: formatScenarioText() then parseScenarioText() gives the same steps back.
//
//     scenario "HD decode"
//     alloc mfc/a 6M align=128K as hd0
//     phase "video conference"
//     pin video@2M+1M
//     free hd0
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/model/scenario.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// One problem in a scenario text: where (1-based line and column) and why.
struct ScenarioTextError
{
    std::size_t line = 0;
    std::size_t column = 0;
    std::string message;
};

struct ScenarioTextOptions
{
    /// Regions named by pin/unpin/place/release/refused and `alloc ... from-region` steps are looked up here
    /// (their page size too); a physical address (`pin 0x4e000000+2M`) needs its regions placed
    /// (Region::placedBase or Fixed).
    /// Without a platform, only alloc, free, phase and reset steps can be read.
    const Platform* platform = nullptr;
    /// Reading stops after this many errors.
    std::size_t maxErrors = 100;
};

struct ScenarioTextResult
{
    /// One scenario per `scenario` line; steps before the first one go to an unnamed scenario. Empty when
    /// there are errors: a text is read whole or not at all.
    std::vector<Scenario> scenarios;
    std::vector<ScenarioTextError> errors;
    bool ok() const { return errors.empty(); }
    /// Every error as "SOURCE:LINE:COLUMN: error: MESSAGE", one per line (@p source: a file name).
    std::string errorText(std::string_view source) const;
};

ScenarioTextResult parseScenarioText(std::string_view text, const ScenarioTextOptions& options = {});

/// The text form of @p scenario, starting with its `scenario` line (and `description`, if any). Region steps
/// name the region from @p platform ("#N" when it has no region N). Trace times are not part of the form.
std::string formatScenarioText(const Scenario& scenario, const Platform& platform);

} // namespace cmascope
