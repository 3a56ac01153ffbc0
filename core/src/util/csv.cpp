// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/util/csv.h>

namespace cmascope {

std::string csvField(std::string_view value)
{
    const bool blankEdge = !value.empty()
        && (value.front() == ' ' || value.front() == '\t' || value.back() == ' ' || value.back() == '\t');
    if (value.find_first_of(",\"\r\n") == std::string_view::npos && !blankEdge)
        return std::string(value);
    std::string out;
    out.reserve(value.size() + 2);
    out += '"';
    for (const char c : value) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

} // namespace cmascope
