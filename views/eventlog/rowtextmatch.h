// SPDX-License-Identifier: GPL-2.0-or-later
// Free text over the event log's rows (docs/event-log.md): which rows have a cell that contains the text, as
// QString::contains (case-insensitive) on the displayed cells would say, computed from the run's compact
// records. The filter (stepfilterproxy.h) and find next (logfinder.h) both use it.
#pragma once

#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace cmascope {
class Simulation;
struct ReplayResult;
} // namespace cmascope

namespace cmascope::views {

class StepTableModel;

/// Whether a row has a cell containing a text, row by row (find next asks only the rows it walks past).
/// Holds on to @p model and @p sim: a new run needs a new matcher.
class RowTextMatcher
{
public:
    RowTextMatcher(const StepTableModel& model, const Simulation& sim, const ReplayResult* trace, const QString& text);
    ~RowTextMatcher();
    RowTextMatcher(const RowTextMatcher&) = delete;
    RowTextMatcher& operator=(const RowTextMatcher&) = delete;
    bool matches(std::size_t row);

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Clears @p rows[r] of every row none of whose cells contains @p text (rows already 0 are not looked at).
/// Names are matched once per symbol or region; sizes, alignments and outcomes once per distinct value
/// (formatted by @p model, so the text is exactly what the cell shows); numbers are written to a buffer and
/// only when the text could occur in them. @p trace: StepTableModel::trace(). GUI thread (it asks @p model).
void matchRowText(const StepTableModel& model, const Simulation& sim, const ReplayResult* trace, const QString& text,
    std::vector<std::uint8_t>& rows);

} // namespace cmascope::views
