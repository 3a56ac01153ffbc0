// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/util/memparse.h>

#include <limits>

namespace cmascope {

namespace {

int digitValue(char c) noexcept
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return 99;
}

bool isXDigit(char c) noexcept
{
    return digitValue(c) < 16;
}

/// The size suffixes of memparse(), largest first: each letter is a further << 10.
constexpr struct
{
    unsigned shift;
    char suffix;
} kSuffixes[] = { { 60, 'E' }, { 50, 'P' }, { 40, 'T' }, { 30, 'G' }, { 20, 'M' }, { 10, 'K' } };

/// The shift a suffix letter (either case) stands for; 0 for any other character.
unsigned suffixShift(char c) noexcept
{
    const char upper = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    for (const auto& u : kSuffixes) {
        if (u.suffix == upper) {
            return u.shift;
        }
    }
    return 0;
}

/// _parse_integer(): consumes the digits valid in @p base from @p i on. On overflow the digits are still
/// consumed and @p overflow is set.
std::uint64_t parseDigits(std::string_view text, std::size_t& i, unsigned base, bool& overflow) noexcept
{
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t value = 0;
    while (i < text.size()) {
        const int d = digitValue(text[i]);
        if (d >= static_cast<int>(base)) {
            break;
        }
        if (!overflow) {
            if (value > (max - static_cast<std::uint64_t>(d)) / base) {
                overflow = true;
            } else {
                value = value * base + static_cast<std::uint64_t>(d);
            }
        }
        ++i;
    }
    return value;
}

} // namespace

MemparseResult memparse(std::string_view text, std::size_t pos) noexcept
{
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    MemparseResult r;
    std::size_t i = pos;
    const auto at = [&](std::size_t k) -> char { return k < text.size() ? text[k] : '\0'; };

    // _parse_integer_fixup_radix(): base 0.
    unsigned base = 10;
    if (at(i) == '0') {
        if ((at(i + 1) == 'x' || at(i + 1) == 'X') && isXDigit(at(i + 2))) {
            base = 16;
            i += 2;
        } else {
            base = 8;
        }
    }

    bool overflow = false;
    const std::size_t digitsStart = i;
    std::uint64_t value = parseDigits(text, i, base, overflow);
    r.digits = i > digitsStart;
    if (!r.digits) {
        i = pos; // simple_strtoull leaves *endp at the start when nothing was parsed
    }

    // memparse(): suffix.
    const unsigned shift = suffixShift(at(i));
    if (shift != 0) {
        ++i;
        if (!overflow && value > (max >> shift)) {
            overflow = true;
        }
        if (!overflow) {
            value <<= shift;
        }
    }
    r.overflow = overflow;
    r.value = overflow ? max : value;
    r.end = i;
    return r;
}

std::string nearText(std::string_view text, std::size_t pos, std::size_t maxChars)
{
    if (pos >= text.size()) {
        return {};
    }
    std::string s(text.substr(pos, maxChars));
    if (text.size() - pos > maxChars) {
        s += "...";
    }
    return s;
}

std::string formatSize(std::uint64_t bytes)
{
    if (bytes != 0) {
        for (const auto& u : kSuffixes) {
            const std::uint64_t mask = (std::uint64_t { 1 } << u.shift) - 1;
            if ((bytes & mask) == 0) {
                return std::to_string(bytes >> u.shift) + u.suffix;
            }
        }
    }
    return std::to_string(bytes);
}

} // namespace cmascope
