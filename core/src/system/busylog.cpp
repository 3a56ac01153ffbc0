// SPDX-License-Identifier: GPL-2.0-or-later
// dmesg "PFNs busy" lines (docs/evidence-imports.md, "PFNs busy").
#include "textlines.h"

#include <cmascope/system/busylog.h>

namespace cmascope {

using namespace systeminternal;

namespace {

/// "[   12.345678] ..." -> ns; nullopt without that prefix.
std::optional<std::uint64_t> printkTime(std::string_view line)
{
    line = trim(line);
    if (line.empty() || line.front() != '[')
        return std::nullopt;
    const auto close = line.find(']');
    if (close == std::string_view::npos)
        return std::nullopt;
    const std::string_view t = trim(line.substr(1, close - 1));
    const auto dot = t.find('.');
    const auto secs = parseDecimal(t.substr(0, dot));
    if (!secs || *secs > 18'000'000'000ull)
        return std::nullopt;
    std::uint64_t ns = *secs * 1'000'000'000ull;
    if (dot != std::string_view::npos) {
        std::string frac(t.substr(dot + 1));
        if (frac.empty() || frac.size() > 9 || !parseDecimal(frac))
            return std::nullopt;
        frac.resize(9, '0');
        ns += *parseDecimal(frac);
    }
    return ns;
}

} // namespace

BusyLogParse parseBusyLog(std::string_view text, std::string_view fileName)
{
    BusyLogParse out;
    const auto lines = splitLines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        const auto busy = line.find(") PFNs busy");
        if (busy == std::string_view::npos)
            continue;
        const auto open = line.rfind('[', busy);
        const auto comma = line.find(',', open == std::string_view::npos ? 0 : open);
        const auto colon = open == std::string_view::npos || open < 2 ? std::string_view::npos : line.rfind(':', open);
        if (open == std::string_view::npos || comma == std::string_view::npos || comma > busy
            || colon == std::string_view::npos) {
            out.error = lineError(fileName, i + 1, "expected \"FUNCTION: [START, END) PFNs busy\"");
            return out;
        }
        const auto start = parseHex(trim(line.substr(open + 1, comma - open - 1)));
        const auto end = parseHex(trim(line.substr(comma + 1, busy - comma - 1)));
        if (!start || !end || *end <= *start) {
            out.error = lineError(fileName, i + 1, "the PFN range is not [START, END) in hexadecimal with START < END");
            return out;
        }
        const auto words = splitWords(line.substr(0, colon));
        BusyLogLine b;
        b.startPfn = *start;
        b.endPfn = *end;
        b.timestampNs = printkTime(line);
        b.function = words.empty() ? std::string() : std::string(words.back());
        b.line = std::uint32_t(i + 1);
        out.lines.push_back(std::move(b));
    }
    return out;
}

} // namespace cmascope
