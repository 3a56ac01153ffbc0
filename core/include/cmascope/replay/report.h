// SPDX-License-Identifier: GPL-2.0-or-later
// The JSON report of a replay (the `cmascope-cli replay` contract). Standard C++20, no Qt.
#pragma once

#include <string>
#include <string_view>

namespace cmascope {

struct ReplayResult;

/// The JSON report of the `cmascope-cli replay` contract (lines, events, skipped_lines, errors,
/// allocations, releases, fidelity, markers, areas with the debugfs bitmap text, ...).
std::string replayReportJson(const ReplayResult& result, std::string_view traceName);

} // namespace cmascope
