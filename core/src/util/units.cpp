// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/util/units.h>

#include <array>
#include <cinttypes>
#include <cstdio>

namespace cmascope {

namespace {

constexpr std::array<const char*, 7> kUnits = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };

} // namespace

std::string sizeText(std::uint64_t bytes)
{
    if (bytes == 1)
        return "1 byte";
    // Whole quarters of the largest unit that is not more than the size, else the largest unit that
    // divides it, else bytes.
    for (unsigned u = kUnits.size() - 1; u >= 1; --u) {
        const unsigned shift = 10 * u;
        const std::uint64_t unit = std::uint64_t { 1 } << shift;
        if (bytes < unit)
            continue;
        const std::uint64_t quarter = unit / 4;
        if (bytes % quarter == 0) {
            const std::uint64_t whole = bytes >> shift;
            const unsigned quarters = static_cast<unsigned>((bytes & (unit - 1)) / quarter);
            static constexpr std::array<const char*, 4> kFraction = { "", ".25", ".5", ".75" };
            return std::to_string(whole) + kFraction[quarters] + " " + kUnits[u];
        }
        for (unsigned v = u; v >= 1; --v) {
            const std::uint64_t lower = std::uint64_t { 1 } << (10 * v);
            if (bytes % lower == 0)
                return std::to_string(bytes / lower) + " " + kUnits[v];
        }
        break;
    }
    return std::to_string(bytes) + " bytes";
}

std::string approxSizeText(double bytes)
{
    if (!(bytes >= 0))
        bytes = 0;
    unsigned u = 0;
    while (bytes >= 1024.0 && u + 1 < kUnits.size()) {
        bytes /= 1024.0;
        ++u;
    }
    if (u == 0) {
        const auto whole = static_cast<std::uint64_t>(bytes + 0.5);
        return std::to_string(whole) + (whole == 1 ? " byte" : " bytes");
    }
    // Three significant digits without an exponent ("1.5", "117", "1020"), trailing zeros dropped.
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", bytes < 10 ? 2 : bytes < 100 ? 1 : 0, bytes);
    std::string s = buf;
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0')
            s.pop_back();
        if (s.back() == '.')
            s.pop_back();
    }
    return s + " " + kUnits[u];
}

std::string hexText(std::uint64_t value)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, value);
    return buf;
}

std::string hexAddress(std::uint64_t value)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016" PRIx64, value);
    return buf;
}

} // namespace cmascope
