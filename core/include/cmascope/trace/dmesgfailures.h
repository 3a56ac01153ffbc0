// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's own account of a refused CMA allocation in dmesg: the "alloc failed" line and the free runs that
// cma_debug_show_areas() prints after it, in the forms of 6.1 to 7.2 (docs/kernel-cma.md, "Failures in dmesg").
// Standard C++20, no Qt, no global state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// One free run of a failure's dump: `pages` free pages from bitmap bit `bit` of range `range`.
struct DmesgFreeRun
{
    std::uint32_t range = 0; ///< 0 on kernels before 6.15 (one range per area)
    std::uint64_t pages = 0;
    std::uint64_t bit = 0;
    bool operator==(const DmesgFreeRun&) const = default;
};

/// "cma: <function>: <area>: alloc failed, req-size: <n> pages, ret: <errno>" and the dump after it.
struct DmesgFailure
{
    std::uint32_t line = 0; ///< 1-based, of the "alloc failed" line
    std::optional<std::uint64_t> timeNs; ///< the line's "[seconds.micros]" stamp (printk's clock, like ftrace's local)
    std::string function; ///< cma_alloc (6.1-6.12), __cma_alloc (6.15+), __cma_alloc_frozen (7.x), ...
    std::string area;
    std::uint64_t count = 0; ///< req-size, pages
    int ret = 0; ///< -12 (ENOMEM) or -16 (EBUSY)
    bool hasDump = false; ///< a "number of available pages:" dump followed
    bool perRange = false; ///< the dump has "range N:" lines (6.15+)
    std::vector<DmesgFreeRun> freeRuns; ///< in the order printed
    std::optional<std::uint64_t> freePages, totalPages; ///< "=> X free of Y total pages" when it was kept
};

struct DmesgFailuresRead
{
    std::vector<DmesgFailure> failures;
    std::vector<std::string> errors; ///< "line N: why" for a failure line or dump that does not parse
    /// Failure messages the kernel's rate limit dropped ("__cma_alloc: 28 callbacks suppressed"), in all.
    std::uint64_t suppressed = 0;
};

/// Finds every CMA "alloc failed" line of a dmesg text and the free runs printed after it (the dump may be
/// interleaved with other messages; lines not starting with "cma: " are skipped while reading it).
DmesgFailuresRead parseDmesgFailures(std::string_view text);

} // namespace cmascope
