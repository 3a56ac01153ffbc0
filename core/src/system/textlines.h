// SPDX-License-Identifier: GPL-2.0-or-later
// Line and number reading shared by the system-file parsers (internal to src/system).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope::systeminternal {

/// The lines of @p text without their '\n' (and a trailing '\r'); a final line without '\n' counts.
std::vector<std::string_view> splitLines(std::string_view text);
/// Whitespace-separated words.
std::vector<std::string_view> splitWords(std::string_view line);
std::string_view trim(std::string_view s);
/// A whole decimal number (no sign, no spaces); nullopt when not, or when it does not fit 64 bits.
std::optional<std::uint64_t> parseDecimal(std::string_view s);
/// A whole hexadecimal number, with or without "0x".
std::optional<std::uint64_t> parseHex(std::string_view s);
/// "FILE:LINE: message".
std::string lineError(std::string_view file, std::size_t line, std::string_view message);

} // namespace cmascope::systeminternal
