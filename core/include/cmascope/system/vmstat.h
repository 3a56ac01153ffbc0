// SPDX-License-Identifier: GPL-2.0-or-later
// /proc/vmstat, the CMA lines: cma_alloc_success and cma_alloc_fail count cma_alloc() CALLS of every area since
// boot; nr_free_cma is the free pages in CMA pageblocks (docs/evidence-imports.md, "/proc/vmstat").
// Standard C++20, no Qt, no global state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cmascope {

struct VmstatCma
{
    std::optional<std::uint64_t> allocSuccess; ///< cma_alloc_success: successful cma_alloc() calls, all areas
    std::optional<std::uint64_t> allocFail; ///< cma_alloc_fail: failed cma_alloc() calls, all areas
    std::optional<std::uint64_t> freeCma; ///< nr_free_cma: free pages (buddy) in CMA pageblocks
    /// Every line whose name contains "cma", in file order (name, value).
    std::vector<std::pair<std::string, std::uint64_t>> lines;
    bool any() const { return allocSuccess || allocFail || freeCma; }
};

struct VmstatParse
{
    std::optional<VmstatCma> vmstat;
    std::string error; ///< "FILE:LINE: ..." when a line is not "name value"
};

/// Parses /proc/vmstat text ("name value" per line). @p fileName names the file in the error.
VmstatParse parseVmstat(std::string_view text, std::string_view fileName);

} // namespace cmascope
