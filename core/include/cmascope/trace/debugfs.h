// SPDX-License-Identifier: GPL-2.0-or-later
// mm/cma_debug.c debugfs snapshots of a CMA area: geometry, usage and the allocation bitmap.
// Standard C++20, no global state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// One range of a 6.15+ area: <debugfs>/cma/<name>/ranges/<N>/ (docs/kernel-cma.md, "What changed in 6.15").
struct DebugfsRange
{
    std::uint64_t basePfn = 0;
    std::uint64_t count = 0; ///< pages: ranges/N/count (written by cmascope's capture module, not the kernel)
    std::vector<std::uint32_t> bitmap;
    bool operator==(const DebugfsRange&) const = default;
};

/// One area's state as read from <debugfs>/cma/<name>/.
struct DebugfsSnapshot
{
    std::string name; ///< the directory name
    std::uint64_t basePfn = 0;
    std::uint64_t count = 0; ///< pages
    std::uint32_t orderPerBit = 0;
    std::uint64_t used = 0; ///< pages
    std::uint64_t maxchunk = 0; ///< pages
    std::vector<std::uint32_t> bitmap; ///< bit i of word j = bitmap bit 32*j+i (range 0's on 6.15+)
    /// The ranges/N directories in order (6.15+; empty for older kernels, whose area is one range: basePfn,
    /// count, bitmap). basePfn and bitmap above are then range 0's, count the sum of the ranges'.
    std::vector<DebugfsRange> ranges;
    bool operator==(const DebugfsSnapshot&) const = default;
};

struct DebugfsReadResult
{
    std::optional<DebugfsSnapshot> snapshot;
    std::string error; ///< names the file that was missing or malformed
};

/// Reads base_pfn (or ranges/0/base_pfn), count, order_per_bit, used, maxchunk and bitmap from `dir`, and each
/// ranges/N/{base_pfn,count,bitmap} when there are ranges. A range's count may be left out when the area has one
/// range; each bitmap must have DIV_ROUND_UP(count >> order_per_bit, 32) words and the counts must add up to
/// `count`. Errors name the file.
DebugfsReadResult readDebugfsSnapshot(const std::filesystem::path& dir);

/// The debugfs `bitmap` text: decimal u32 words separated by single spaces, then '\n'.
std::string formatDebugfsBitmap(std::span<const std::uint32_t> words);
/// Parses that text (any whitespace between words). On error returns nullopt and sets `error`.
std::optional<std::vector<std::uint32_t>> parseDebugfsBitmap(std::string_view text, std::string* error = nullptr);
/// Number of set bits shifted by orderPerBit: what old kernels print as `used`.
std::uint64_t bitmapUsedPages(std::span<const std::uint32_t> words, std::uint32_t orderPerBit);

} // namespace cmascope
