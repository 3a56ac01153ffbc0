// SPDX-License-Identifier: GPL-2.0-or-later
// A lesson carried by a scenario: a title, an introduction shown before the run starts, and notes on the steps
// that matter, each with an optional question and answer (docs/lessons.md).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cmascope {

struct Scenario;

/// What a teacher says about one step. `step` is numbered from 0, as the event log's rows are.
struct LessonNote
{
    std::size_t step = 0;
    std::string note;
    std::string question; ///< empty: no question
    std::string answer; ///< empty: no answer (only meaningful with a question)
    bool operator==(const LessonNote&) const = default;
};

struct Lesson
{
    std::string title;
    std::string introduction; ///< plain text; paragraphs separated by blank lines
    std::vector<LessonNote> notes; ///< sorted by step, at most one per step (the reader ensures it)
    bool operator==(const Lesson&) const = default;

    /// The note on @p step, or null.
    const LessonNote* noteAt(std::size_t step) const;
    /// The first note on a step after @p step (nullopt for none): std::nullopt as @p step means "before step 0".
    const LessonNote* nextNote(std::optional<std::size_t> step) const;
    const LessonNote* previousNote(std::size_t step) const;
};

/// The lesson a scenario shows: its own, or — when it has none but a description — one whose title is the
/// scenario's name and whose introduction is the description. nullopt when there is neither.
std::optional<Lesson> shownLesson(const Scenario& scenario);

} // namespace cmascope
