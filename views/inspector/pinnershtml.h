// SPDX-License-Identifier: GPL-2.0-or-later
// The failure inspector's "who holds the busy pages" section: a trace request's busy windows joined to a
// page_owner dump (docs/evidence-imports.md, "Who pins the page").
#pragma once

#include <QString>

#include <cstddef>

namespace cmascope {
struct ReplayResult;
struct PageOwnerDump;
} // namespace cmascope

namespace cmascope::views {

/// HTML for request @p index of @p replay against @p dump (read from @p origin); empty when the request met no
/// busy window.
QString pinnersHtml(const ReplayResult& replay, std::size_t index, const PageOwnerDump& dump, const QString& origin,
    const QString& mutedColour);

} // namespace cmascope::views
