// SPDX-License-Identifier: GPL-2.0-or-later
// Find next / previous in the event log (docs/event-log.md): the next row, in the order shown, one of whose
// cells contains the text (any column, case-insensitive), wrapping around at the end.
#pragma once

#include <QObject>
#include <QString>

#include <cstdint>
#include <vector>

namespace cmascope::views {

class StepFilterProxy;
class StepTableModel;

/// Searches the rows a StepFilterProxy shows. The rows that match a text are computed once per text and run
/// (matchRowText(), the filter's matching: ~integer work per row), so F3 after F3 only walks the rows.
class LogFinder : public QObject
{
    Q_OBJECT
public:
    /// @p proxy must show @p model.
    LogFinder(const StepTableModel* model, const StepFilterProxy* proxy, QObject* parent = nullptr);

    /// The proxy row of the first matching row after (@p forward) or before proxy row @p from, wrapping around;
    /// @p from -1 starts at the first (last) row. -1 when no shown row matches (or @p text is empty).
    int find(const QString& text, int from, bool forward);
    /// The last find() went past the end (or the start) to find its row.
    bool wrapped() const { return m_wrapped; }

private:
    /// The match of every step for @p text (cached).
    const std::vector<std::uint8_t>& matchesOf(const QString& text);

    const StepTableModel* m_model;
    const StepFilterProxy* m_proxy;
    QString m_text;
    std::vector<std::uint8_t> m_match; ///< per step, for m_text; empty = not computed
    bool m_valid = false;
    bool m_wrapped = false;
};

} // namespace cmascope::views
