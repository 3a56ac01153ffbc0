// SPDX-License-Identifier: GPL-2.0-or-later
// A /sys/kernel/debug/page_owner dump (the kernel's print_page_owner()): who allocated each allocated page,
// with pid, tgid, comm, timestamp, migratetypes and the allocation stack (docs/evidence-imports.md).
// Standard C++20, no Qt, no global state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// One record: the pages [pfn, pfn + 2^order).
struct PageOwnerRecord
{
    std::uint64_t pfn = 0;
    unsigned order = 0;
    std::uint32_t gfpMask = 0;
    std::string gfpFlags; ///< "GFP_HIGHUSER_MOVABLE|__GFP_COMP" (the text in parentheses)
    std::int64_t pid = 0, tgid = 0;
    std::string comm;
    std::uint64_t tsNs = 0;
    std::string pageType; ///< the migratetype of the allocation (from its gfp mask): "Movable", ...
    std::string blockType; ///< the pageblock's migratetype: "CMA" inside a CMA area
    std::string flags; ///< the page flags text
    std::vector<std::string> stack; ///< innermost first, as printed ("post_alloc_hook+0x20/0x2c")
    std::string migrateReason; ///< "Page has been migrated, last migrate reason: X": X
    std::uint32_t line = 0; ///< of "Page allocated via ..."

    std::uint64_t pages() const { return std::uint64_t { 1 } << order; }
    /// The first frames after the page allocator's own (post_alloc_hook, get_page_from_freelist, ...).
    std::vector<std::string> callerFrames(std::size_t count) const;
};

struct PageOwnerDump
{
    std::vector<PageOwnerRecord> records; ///< sorted by pfn
    /// The records that overlap [firstPfn, endPfn).
    std::vector<const PageOwnerRecord*> overlapping(std::uint64_t firstPfn, std::uint64_t endPfn) const;
};

struct PageOwnerParse
{
    std::optional<PageOwnerDump> dump;
    std::string error; ///< "FILE:LINE: ..."
};

PageOwnerParse parsePageOwner(std::string_view text, std::string_view fileName);

} // namespace cmascope
