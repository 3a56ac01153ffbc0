// SPDX-License-Identifier: GPL-2.0-or-later
// The text table and the JSON of a comparison of two traces (tracepair.h; `cmascope-cli compare-traces`,
// docs/time-and-latency.md). Standard C++20, no Qt.
#pragma once

#include <cmascope/compare/tracepair.h>

#include <string>
#include <string_view>

namespace cmascope {

/// One line per figure ("  failed   441   443   +2"), a block for the total and one per area (only the total's
/// when both traces have the same one area), then the matching and the first difference. @p nameA / @p nameB name the
/// traces in the heading.
std::string tracePairTable(const TracePairResult& result, std::string_view nameA, std::string_view nameB);

/// {"a": NAME, "b": NAME, "match": "key"|"order", "total": {"a": FIGURES, "b": FIGURES}, "areas": [{"area", "a",
/// "b"}], "matched", "only_in_a", "only_in_b", "differing_outcomes", "first_difference": {...} or null,
/// "failures_increased"}; FIGURES: requests, succeeded, failed, failures_by_cause {cause: n}, busy_retries,
/// busy_requests, latency {requests, median_s, p99_s, max_s}, peak_used_pages (null when unknown).
std::string tracePairJson(const TracePairResult& result, std::string_view nameA, std::string_view nameB);

} // namespace cmascope
