// SPDX-License-Identifier: GPL-2.0-or-later
// /proc/pagetypeinfo: the CMA rows of "Free pages count per migrate type at order" (free CMA
// pages per order per zone) and the CMA column of "Number of blocks type" (docs/evidence-imports.md).
// Standard C++20, no Qt, no global state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// One "Node N, zone Z, type CMA c0 c1 ..." row.
struct PagetypeinfoCmaFree
{
    int node = 0;
    std::string zone;
    std::vector<std::uint64_t> counts; ///< free blocks per order (order = index)
    std::vector<bool> capped; ///< the kernel printed ">100000": it stopped counting
    std::uint32_t line = 0;
    /// Free pages: sum of count << order (a lower bound when any order is capped).
    std::uint64_t freePages() const;
};

struct PagetypeinfoCmaBlocks
{
    int node = 0;
    std::string zone;
    std::uint64_t blocks = 0; ///< pageblocks of migratetype CMA
    std::uint32_t line = 0;
};

struct Pagetypeinfo
{
    unsigned pageBlockOrder = 0;
    std::uint64_t pagesPerBlock = 0;
    std::vector<PagetypeinfoCmaFree> cmaFree;
    std::vector<PagetypeinfoCmaBlocks> cmaBlocks;
    std::uint64_t cmaFreePages() const; ///< all zones
    bool capped() const; ///< some count was ">100000"
};

struct PagetypeinfoParse
{
    std::optional<Pagetypeinfo> info;
    std::string error; ///< "FILE:LINE: ..."
};

/// Parses /proc/pagetypeinfo text. A file with no CMA row (a kernel without CONFIG_CMA) is an error.
PagetypeinfoParse parsePagetypeinfo(std::string_view text, std::string_view fileName);

} // namespace cmascope
