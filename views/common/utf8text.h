// SPDX-License-Identifier: GPL-2.0-or-later
// UTF-8 text of the core (names in symbol tables, verdicts) as QString.
#pragma once

#include <QString>

#include <string_view>

namespace cmascope::views {

inline QString fromUtf8(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

} // namespace cmascope::views
