// SPDX-License-Identifier: GPL-2.0-or-later
// A lesson's texts as the Lesson panel shows them (docs/lessons.md): plain text, paragraphs at blank lines.
#pragma once

#include <cmascope/model/lesson.h>

#include <QString>

#include <optional>

namespace cmascope::views {

/// @p text (plain, as written in the project file) as HTML paragraphs: escaped, a blank line starts a new
/// paragraph, a single line break stays one.
QString lessonParagraphs(const std::string& text);

/// What the panel shows at @p step (nullopt = before step 0) of a scenario with @p stepCount steps: the
/// introduction at the start (before step 0 and at step 0), the step's note and question, or where the next
/// note is. The answer is not part of it (the panel adds it on request: lessonAnswerHtml()).
QString lessonStepHtml(const Lesson& lesson, std::optional<std::size_t> step, std::size_t stepCount);

/// The answer to @p note's question.
QString lessonAnswerHtml(const LessonNote& note);

} // namespace cmascope::views
