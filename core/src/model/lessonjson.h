// SPDX-License-Identifier: GPL-2.0-or-later
// A scenario's "lesson" object in a project file (docs/lessons.md, docs/project-format.md). Not installed.
#pragma once

#include "jsonfields.h"

#include <cmascope/model/lesson.h>

namespace cmascope::projectjson {

/// Reads the "lesson" object @p v at @p path of a scenario with @p stepCount steps: a note on a step the
/// scenario does not have, two notes on one step and wrong types are errors naming the field.
Lesson readLesson(Reader& r, const json& v, const std::string& path, std::size_t stepCount);

/// The lesson as its JSON object (empty texts left out, notes in step order).
json lessonJson(const Lesson& lesson);

} // namespace cmascope::projectjson
