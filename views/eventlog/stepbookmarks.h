// SPDX-License-Identifier: GPL-2.0-or-later
// Bookmarks in the event log (docs/event-log.md): steps the user marked to come back to. Kept with the
// project's view state (a JSON array of step numbers), so they survive saving and opening the project.
#pragma once

#include <QJsonArray>
#include <QObject>

#include <cstddef>
#include <optional>
#include <vector>

namespace cmascope::views {

class StepBookmarks : public QObject
{
    Q_OBJECT
public:
    explicit StepBookmarks(QObject* parent = nullptr);

    bool contains(std::size_t step) const;
    /// The bookmarked steps, ascending.
    const std::vector<std::size_t>& steps() const { return m_steps; }
    bool isEmpty() const { return m_steps.empty(); }

    /// Bookmarks @p step, or removes its bookmark.
    void toggle(std::size_t step);
    /// Replaces every bookmark (duplicates dropped).
    void setSteps(std::vector<std::size_t> steps);
    void clear() { setSteps({}); }

    /// The first bookmark after @p from (from the first when @p from is nullopt), wrapping around to the
    /// first; nullopt without bookmarks.
    std::optional<std::size_t> next(std::optional<std::size_t> from) const;
    /// The last bookmark before @p from (the last when nullopt), wrapping around to the last.
    std::optional<std::size_t> previous(std::optional<std::size_t> from) const;

    /// [12, 40, 977]: the steps, for the project's view state.
    QJsonArray toJson() const;
    /// Reads toJson()'s array; entries that are not non-negative whole numbers are skipped.
    void setJson(const QJsonArray& array);

Q_SIGNALS:
    /// One step gained or lost its bookmark.
    void toggled(std::size_t step);
    /// The whole set was replaced.
    void reset();

private:
    std::vector<std::size_t> m_steps; ///< ascending, no duplicates
};

} // namespace cmascope::views
