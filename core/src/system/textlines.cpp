// SPDX-License-Identifier: GPL-2.0-or-later
#include "textlines.h"

#include <charconv>

namespace cmascope::systeminternal {

std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        lines.push_back(line);
        if (nl == std::string_view::npos)
            break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

std::vector<std::string_view> splitWords(std::string_view line)
{
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        const std::size_t b = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > b)
            words.push_back(line.substr(b, i - b));
    }
    return words;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

namespace {
std::optional<std::uint64_t> parseBase(std::string_view s, int base)
{
    if (s.empty())
        return std::nullopt;
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc {} || ptr != s.data() + s.size())
        return std::nullopt;
    return v;
}
} // namespace

std::optional<std::uint64_t> parseDecimal(std::string_view s)
{
    return parseBase(s, 10);
}

std::optional<std::uint64_t> parseHex(std::string_view s)
{
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s.remove_prefix(2);
    return parseBase(s, 16);
}

std::string lineError(std::string_view file, std::size_t line, std::string_view message)
{
    return std::string(file) + ':' + std::to_string(line) + ": " + std::string(message);
}

} // namespace cmascope::systeminternal
