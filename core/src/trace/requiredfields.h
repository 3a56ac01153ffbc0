// SPDX-License-Identifier: GPL-2.0-or-later
// The fields each cma:* event needs (internal to src/trace, not installed): the text parser and the
// trace.dat reader reject the same events.
#pragma once

#include <cmascope/trace/events.h>

namespace cmascope {

/// Which fields one cma:* event carried.
struct CmaFieldsPresent
{
    bool count = false, align = false, available = false, total = false, pfn = false, page = false;
};

/// The first field an event of @p type needs that @p f lacks ("count", "align", ...), or nullptr.
inline const char* missingCmaField(EventType type, const CmaFieldsPresent& f)
{
    switch (type) {
    case EventType::AllocStart:
        if (!f.count)
            return "count";
        if (!f.align)
            return "align";
        if (f.available != f.total)
            return f.available ? "total_count" : "available_count";
        break;
    case EventType::AllocFinish:
    case EventType::BusyRetry:
    case EventType::Release:
    case EventType::LegacyAlloc:
        if (!f.pfn)
            return "pfn";
        if (!f.page)
            return "page";
        if (!f.count)
            return "count";
        if (!f.align && (type == EventType::AllocFinish || type == EventType::BusyRetry))
            return "align";
        break;
    case EventType::Marker:
        break;
    }
    return nullptr;
}

} // namespace cmascope
