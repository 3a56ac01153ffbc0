// SPDX-License-Identifier: GPL-2.0-or-later
// Looking notes up in a lesson, and the lesson a scenario shows (docs/lessons.md).
#include <cmascope/model/lesson.h>
#include <cmascope/model/scenario.h>

#include <algorithm>

namespace cmascope {

const LessonNote* Lesson::noteAt(std::size_t step) const
{
    const auto it = std::find_if(notes.begin(), notes.end(), [step](const LessonNote& n) { return n.step == step; });
    return it == notes.end() ? nullptr : &*it;
}

const LessonNote* Lesson::nextNote(std::optional<std::size_t> step) const
{
    const auto it =
        std::find_if(notes.begin(), notes.end(), [step](const LessonNote& n) { return !step || n.step > *step; });
    return it == notes.end() ? nullptr : &*it;
}

const LessonNote* Lesson::previousNote(std::size_t step) const
{
    const auto it = std::find_if(notes.rbegin(), notes.rend(), [step](const LessonNote& n) { return n.step < step; });
    return it == notes.rend() ? nullptr : &*it;
}

std::optional<Lesson> shownLesson(const Scenario& scenario)
{
    if (scenario.lesson)
        return scenario.lesson;
    if (scenario.description.empty())
        return std::nullopt;
    Lesson fromDescription;
    fromDescription.title = scenario.name;
    fromDescription.introduction = scenario.description;
    return fromDescription;
}

} // namespace cmascope
