// SPDX-License-Identifier: GPL-2.0-or-later
// /sys/kernel/mm/cma/<area>/ counters: alloc_pages_success, alloc_pages_fail and
// release_pages_success count PAGES (a failed 1024-page request adds 1024), total_pages is the area's size and
// available_pages its available_count (docs/evidence-imports.md, "/sys/kernel/mm/cma").
// Standard C++20, no Qt, no global state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

struct CmaSysfsArea
{
    std::string name;
    std::optional<std::uint64_t> allocPagesSuccess, allocPagesFail, releasePagesSuccess, totalPages, availablePages;
};

struct CmaSysfsSnapshot
{
    std::vector<CmaSysfsArea> areas; ///< in the order first seen
    const CmaSysfsArea* find(std::string_view name) const;
};

struct CmaSysfsRead
{
    std::optional<CmaSysfsSnapshot> snapshot;
    std::string error; ///< names the file (and line) that was malformed
};

/// Parses the one-file form: "AREA FILE VALUE" per line, or the ".../AREA/FILE:VALUE" lines of
/// `grep -r . /sys/kernel/mm/cma`. Unknown FILEs are kept out; a VALUE that is not a
/// decimal number is an error naming @p fileName and the line.
CmaSysfsRead parseCmaSysfsText(std::string_view text, std::string_view fileName);
/// Reads @p path: a file in the one-file form, a copy of /sys/kernel/mm/cma (one folder per area), or one area's
/// folder (named after the area).
CmaSysfsRead readCmaSysfs(const std::filesystem::path& path);

} // namespace cmascope
