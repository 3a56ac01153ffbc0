// SPDX-License-Identifier: GPL-2.0-or-later
// The failure inspector's account of one request of a kernel trace: what was asked, what the kernel did and
// the kernel policy predicted, the cause of a failure with the numbers that prove it, the busy windows and the
// time it took (docs/trace-analysis.md).
#pragma once

#include <QString>

#include <cstddef>

namespace cmascope {
struct ReplayResult;
}

namespace cmascope::views {

/// Colours of the verdicts (readable on the view's background).
struct TraceVerdictColours
{
    QString ok, failed, muted;
};

/// HTML for request @p index of @p replay. Cheap: reads only what the replay recorded (no re-run).
/// @p afterOutcome (e.g. who holds the busy pages, pinnershtml.h) comes right after the outcome.
QString traceRequestHtml(const ReplayResult& replay, std::size_t index, std::size_t step,
    const TraceVerdictColours& colours, const QString& afterOutcome = {});

} // namespace cmascope::views
