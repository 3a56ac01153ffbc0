// SPDX-License-Identifier: GPL-2.0-or-later
// Reading and writing a scenario's lesson (docs/lessons.md).
#include "lessonjson.h"

#include <algorithm>

namespace cmascope::projectjson {

namespace {

void readNote(Reader& r, const json& v, const std::string& p, std::size_t stepCount, Lesson& lesson)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p, { "step", "note", "question", "answer" });
    LessonNote n;
    const auto sp = Reader::join(p, "step");
    if (!v.contains("step")) {
        r.error(sp, "is required");
        return;
    }
    if (!v["step"].is_number_unsigned()) {
        r.error(sp, "must be a step number (0 or more)");
        return;
    }
    n.step = v["step"].get<std::size_t>();
    r.string(v, p, "note", n.note, true);
    r.string(v, p, "question", n.question);
    r.string(v, p, "answer", n.answer);
    if (!n.answer.empty() && n.question.empty())
        r.warning(Reader::join(p, "answer"), "an answer without a question is not shown");
    if (n.step >= stepCount) {
        r.error(sp,
            "step " + std::to_string(n.step) + " does not exist (the scenario has " + std::to_string(stepCount)
                + " steps, numbered from 0)");
        return;
    }
    if (lesson.noteAt(n.step)) {
        r.error(sp, "step " + std::to_string(n.step) + " already has a note");
        return;
    }
    lesson.notes.push_back(std::move(n));
}

} // namespace

Lesson readLesson(Reader& r, const json& v, const std::string& path, std::size_t stepCount)
{
    Lesson lesson;
    r.checkKeys(v, path, { "title", "introduction", "notes" });
    r.string(v, path, "title", lesson.title);
    r.string(v, path, "introduction", lesson.introduction);
    r.array(v, path, "notes", [&](const json& e, const std::string& ep) { readNote(r, e, ep, stepCount, lesson); });
    std::stable_sort(lesson.notes.begin(), lesson.notes.end(),
        [](const LessonNote& a, const LessonNote& b) { return a.step < b.step; });
    return lesson;
}

json lessonJson(const Lesson& lesson)
{
    json j = json::object();
    if (!lesson.title.empty())
        j["title"] = lesson.title;
    if (!lesson.introduction.empty())
        j["introduction"] = lesson.introduction;
    json notes = json::array();
    for (const auto& n : lesson.notes) {
        json nj = { { "step", n.step }, { "note", n.note } };
        if (!n.question.empty())
            nj["question"] = n.question;
        if (!n.answer.empty())
            nj["answer"] = n.answer;
        notes.push_back(std::move(nj));
    }
    if (!notes.empty())
        j["notes"] = std::move(notes);
    return j;
}

} // namespace cmascope::projectjson
