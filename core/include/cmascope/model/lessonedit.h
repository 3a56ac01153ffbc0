// SPDX-License-Identifier: GPL-2.0-or-later
// Keeping a lesson's notes on the steps they were written for while the scenario's steps are edited (inserted,
// removed, moved): docs/lessons.md#editing-a-scenario-that-has-a-lesson.
#pragma once

#include <cmascope/model/lesson.h>

#include <cstddef>
#include <vector>

namespace cmascope {

/// @p count steps were inserted before step @p at: the notes from step @p at on move on by @p count.
void lessonStepsInserted(Lesson& lesson, std::size_t at, std::size_t count = 1);
/// The steps @p removed (any order) were deleted: their notes go, the notes after them move back.
void lessonStepsRemoved(Lesson& lesson, std::vector<std::size_t> removed);
/// Steps @p a and @p b changed places: so do their notes.
void lessonStepsSwapped(Lesson& lesson, std::size_t a, std::size_t b);
/// Drops the notes on steps at or past @p stepCount (a scenario replaced by a shorter one).
void lessonStepsTruncated(Lesson& lesson, std::size_t stepCount);

} // namespace cmascope
