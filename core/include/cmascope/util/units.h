// SPDX-License-Identifier: GPL-2.0-or-later
// Sizes and addresses: the one checked arithmetic and the one spelling used by the whole program.
//
// Every size or address computation that can meet user input (a project file, a trace, a command line)
// goes through these helpers, which report overflow instead of wrapping, and every size or address shown
// to a person (CLI, messages, every view) is spelled by sizeText() / hexText(). Config syntax ("64M" for
// cma=) is memparse.h's formatSize(), which is a different thing: a value the kernel parses back.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace cmascope {

inline constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

/// a + b, or nullopt when it does not fit in 64 bits.
constexpr std::optional<std::uint64_t> checkedAdd(std::uint64_t a, std::uint64_t b) noexcept
{
    if (b > kU64Max - a)
        return std::nullopt;
    return a + b;
}

/// a * b, or nullopt when it does not fit in 64 bits.
constexpr std::optional<std::uint64_t> checkedMul(std::uint64_t a, std::uint64_t b) noexcept
{
    if (a != 0 && b > kU64Max / a)
        return std::nullopt;
    return a * b;
}

/// The kernel's ALIGN(v, a) for any a > 0 (not only powers of two); a == 0 leaves v as it is. nullopt when the
/// result does not fit in 64 bits (the kernel would wrap to a small number).
constexpr std::optional<std::uint64_t> alignUp(std::uint64_t v, std::uint64_t a) noexcept
{
    if (a <= 1)
        return v;
    const std::uint64_t rem = v % a;
    if (rem == 0)
        return v;
    return checkedAdd(v - rem, a);
}

/// ALIGN_DOWN(v, a); a == 0 leaves v as it is. Never overflows.
constexpr std::uint64_t alignDown(std::uint64_t v, std::uint64_t a) noexcept
{
    return a <= 1 ? v : v - v % a;
}

/// Pages needed to hold @p bytes: DIV_ROUND_UP(bytes, pageSize), computed without the intermediate
/// `bytes + pageSize - 1` that wraps for sizes near 2^64. @p pageSize must not be 0.
constexpr std::uint64_t pagesFor(std::uint64_t bytes, std::uint64_t pageSize) noexcept
{
    return bytes / pageSize + (bytes % pageSize != 0);
}

/// The end of [base, base + size), or nullopt when it passes 2^64.
constexpr std::optional<std::uint64_t> rangeEnd(std::uint64_t base, std::uint64_t size) noexcept
{
    return checkedAdd(base, size);
}

/// How every size is shown to a person, exactly: the largest binary unit that holds the size in whole
/// quarters ("64 MiB", "1.5 MiB", "1.25 GiB", "768 KiB"), else the largest that holds it whole
/// ("1540 KiB"), else bytes ("4097 bytes", "1 byte"). Units up to EiB, so every 64-bit value is spelled.
std::string sizeText(std::uint64_t bytes);

/// For axes and other places with little room: three significant digits ("1.5 MiB", "117 MiB", "2.34 GiB").
/// Not exact; never for a value a person must act on.
std::string approxSizeText(double bytes);

/// How every address, PFN or other hexadecimal number is shown: "0x40000000" (lower case, no padding).
std::string hexText(std::uint64_t value);

/// Addresses as the kernel prints them with %pa on 64-bit, for messages that quote the kernel:
/// "0x0000000040000000" (16 digits).
std::string hexAddress(std::uint64_t value);

} // namespace cmascope
