// SPDX-License-Identifier: GPL-2.0-or-later
// A step's narration (docs/teaching.md#narration) as the Lesson panel and the presentation caption show it.
#pragma once

#include <cmascope/sim/narration.h>

#include <QString>

#include <optional>

namespace cmascope::views {

class Document;

/// The narration of the document's current step, or nullopt when there is none (no run, before step 0).
std::optional<StepNarration> currentNarration(const Document& doc);

/// @p narration as HTML: the headline in bold, then one paragraph per sentence.
QString narrationHtml(const StepNarration& narration);

/// @p narration as plain text: the headline, then one sentence per line.
QString narrationText(const StepNarration& narration);

} // namespace cmascope::views
