// SPDX-License-Identifier: GPL-2.0-or-later
// Comma-separated values as RFC 4180 writes them, for the event-log export.
#pragma once

#include <string>
#include <string_view>

namespace cmascope {

/// One field of an RFC 4180 record: quoted (inner quotes doubled) when it holds a comma, a quote, a carriage
/// return or a line feed, or begins or ends with a blank (which spreadsheets would otherwise trim).
std::string csvField(std::string_view value);

} // namespace cmascope
