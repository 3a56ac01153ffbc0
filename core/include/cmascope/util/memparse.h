// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's memparse() (lib/cmdline.c) and the inverse formatting used for exports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cmascope {

/// Result of memparse(). Mirrors the kernel's `memparse(ptr, &retptr)`: the value and where parsing stopped.
struct MemparseResult
{
    std::uint64_t value = 0; ///< parsed value in bytes; UINT64_MAX when overflow is set
    std::size_t end = 0; ///< index into the input of the first character not consumed (kernel `*retptr`)
    bool digits = false; ///< at least one digit was consumed (the kernel accepts "K" alone as 0)
    bool overflow = false; ///< the number or the suffix shift does not fit in 64 bits (the kernel would wrap)

    /// True when a number was read without overflow (what callers usually want to check).
    bool ok() const noexcept { return digits && !overflow; }
};

/// The kernel's memparse(): simple_strtoull(s, &end, 0) — "0x"/"0X" followed by a hex digit selects hex, a
/// leading '0' octal, otherwise decimal; no sign, no leading blanks — then one optional suffix K/M/G/T/P/E in
/// either case (each a further << 10). Parsing starts at @p pos. Unlike the kernel, overflow is reported
/// instead of wrapping. Like the kernel, a suffix is consumed even after zero digits ("K" -> 0, end 1).
MemparseResult memparse(std::string_view text, std::size_t pos = 0) noexcept;

/// Convenience for error messages in the kernel style ("param: invalid size near %s"): the rest of the input
/// from @p pos, at most @p maxChars characters.
std::string nearText(std::string_view text, std::size_t pos, std::size_t maxChars = 24);

/// Shortest exact memparse()-compatible spelling of @p bytes: the largest suffix that divides it exactly
/// ("64M", "1G", "512K", "4K"), plain decimal otherwise ("4097", "0"). memparse(formatSize(x)).value == x.
std::string formatSize(std::uint64_t bytes);

} // namespace cmascope
