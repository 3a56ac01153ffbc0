// SPDX-License-Identifier: GPL-2.0-or-later
// A lesson's notes following edits of the steps (docs/lessons.md#editing-a-scenario-that-has-a-lesson).
#include <cmascope/model/lessonedit.h>

#include <algorithm>

namespace cmascope {

namespace {
void sortNotes(Lesson& lesson)
{
    std::stable_sort(lesson.notes.begin(), lesson.notes.end(),
        [](const LessonNote& x, const LessonNote& y) { return x.step < y.step; });
}
} // namespace

void lessonStepsInserted(Lesson& lesson, std::size_t at, std::size_t count)
{
    for (LessonNote& n : lesson.notes)
        if (n.step >= at)
            n.step += count;
}

void lessonStepsRemoved(Lesson& lesson, std::vector<std::size_t> removed)
{
    std::sort(removed.begin(), removed.end());
    removed.erase(std::unique(removed.begin(), removed.end()), removed.end());
    std::erase_if(
        lesson.notes, [&](const LessonNote& n) { return std::binary_search(removed.begin(), removed.end(), n.step); });
    for (LessonNote& n : lesson.notes)
        n.step -= std::size_t(std::lower_bound(removed.begin(), removed.end(), n.step) - removed.begin());
}

void lessonStepsSwapped(Lesson& lesson, std::size_t a, std::size_t b)
{
    for (LessonNote& n : lesson.notes) {
        if (n.step == a)
            n.step = b;
        else if (n.step == b)
            n.step = a;
    }
    sortNotes(lesson);
}

void lessonStepsTruncated(Lesson& lesson, std::size_t stepCount)
{
    std::erase_if(lesson.notes, [stepCount](const LessonNote& n) { return n.step >= stepCount; });
}

} // namespace cmascope
