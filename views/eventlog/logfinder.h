// SPDX-License-Identifier: GPL-2.0-or-later
// Find next / previous in the event log (docs/event-log.md): the next row, in the order shown, one of whose
// cells contains the text (any column, case-insensitive), wrapping around at the end.
#pragma once

#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace cmascope::views {

class RowTextMatcher;
class StepFilterProxy;
class StepTableModel;

/// Searches the rows a StepFilterProxy shows. Each row is matched (RowTextMatcher, the filter's matching:
/// ~integer work per row) when the search first walks past it and remembered for the text and run, so a
/// find stops at the next match, and F3 after F3 only walks the rows.
class LogFinder : public QObject
{
    Q_OBJECT
public:
    /// @p proxy must show @p model.
    LogFinder(const StepTableModel* model, const StepFilterProxy* proxy, QObject* parent = nullptr);
    ~LogFinder() override;

    /// The proxy row of the first matching row after (@p forward) or before proxy row @p from, wrapping around;
    /// @p from -1 starts at the first (last) row. -1 when no shown row matches (or @p text is empty).
    int find(const QString& text, int from, bool forward);
    /// The last find() went past the end (or the start) to find its row.
    bool wrapped() const { return m_wrapped; }

private:
    /// Whether step @p step matches m_text (asked of m_matcher once).
    bool stepMatches(int step);
    /// Forgets what is known of every row.
    void invalidate();

    const StepTableModel* m_model;
    const StepFilterProxy* m_proxy;
    QString m_text;
    std::unique_ptr<RowTextMatcher> m_matcher; ///< for m_text and the run shown; null = not made yet
    std::vector<std::int8_t> m_match; ///< per step: -1 not asked yet, 0 no, 1 yes
    bool m_wrapped = false;
};

} // namespace cmascope::views
