// SPDX-License-Identifier: GPL-2.0-or-later
// The Lesson panel: the open scenario's lesson (docs/lessons.md) — its title and introduction at the start,
// then the note and question on the current step, the answer behind "Show answer". It follows the document's
// current step as every view does, and its Previous/Next Note buttons move it. Below the lesson, the narration of
// the current step (docs/teaching.md#narration): what the allocator did and why, for any scenario.
#pragma once

#include <cmascope/model/lesson.h>

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTextBrowser;
class QTimer;

namespace cmascope::views {

class Document;

class LessonPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LessonPanel(Document* document, QWidget* parent = nullptr);

    /// Whether the scenario shown has a lesson (or a description standing in for one).
    bool hasLesson() const { return m_lesson.has_value(); }
    QString title() const;
    /// The text shown below the title, as plain text (tests).
    QString plainText() const;
    QPushButton* answerButton() const { return m_answerButton; }
    QPushButton* nextButton() const { return m_next; }
    QPushButton* previousButton() const { return m_previous; }
    bool isAnswerShown() const { return m_answerShown; }

    /// The narration of the current step as plain text (empty before step 0 or without a run). Brought up to
    /// date when the panel is visible (the narration is built for the step shown, not for every step passed).
    QString narrationText() const;

    /// Shows the answer to the current step's question (what "Show answer" does); false when there is none.
    bool showAnswer();

private:
    void reload();
    void render();
    void goToNote(bool forward);
    const LessonNote* currentNote() const;
    /// Builds the current step's narration now when the panel is visible, else when it is next shown.
    void renderNarration();

protected:
    void showEvent(QShowEvent* event) override;

private:
    Document* m_doc;
    std::optional<Lesson> m_lesson;
    QLabel* m_title = nullptr;
    QTextBrowser* m_text = nullptr;
    QPushButton* m_answerButton = nullptr;
    QPushButton* m_previous = nullptr;
    QPushButton* m_next = nullptr;
    QTextBrowser* m_narration = nullptr;
    QTimer* m_narrationTimer = nullptr; ///< coalesces the step changes of a drag or a playback into one narration
    bool m_narrationStale = true;
    bool m_answerShown = false;
};

} // namespace cmascope::views
