// SPDX-License-Identifier: GPL-2.0-or-later
// The machine and human forms of a comparison (docs/compare.md#output): JSON, CSV (one row per variant)
// and the plain-text table `cmascope-cli compare` prints.
#pragma once

#include <cmascope/compare/compare.h>

#include <string>

namespace cmascope {

/// {"format": "cmascope-compare", "version": 1, "subject", "steps", "variants": [...]}; figures a trace
/// variant does not have are null.
std::string compareReportJson(const Comparison& comparison);
/// A header line and one RFC 4180 row per variant; empty fields where a trace variant has no figure.
std::string compareReportCsv(const Comparison& comparison);
/// Aligned columns, one line per variant, then the first difference of each variant in words.
std::string compareReportTable(const Comparison& comparison);

} // namespace cmascope
