// SPDX-License-Identifier: GPL-2.0-or-later
#include "lesson/lessonpanel.h"

#include "common/document.h"
#include "lesson/lessonhtml.h"
#include "lesson/narrationhtml.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace cmascope::views {

LessonPanel::LessonPanel(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("lessonTitle"));
    m_title->setWordWrap(true);
    QFont big = m_title->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_title->setFont(big);
    layout->addWidget(m_title);
    auto* split = new QSplitter(Qt::Vertical, this);
    m_text = new QTextBrowser(split);
    m_text->setObjectName(QStringLiteral("lessonText"));
    m_text->setOpenLinks(false);
    m_narration = new QTextBrowser(split);
    m_narration->setObjectName(QStringLiteral("lessonNarration"));
    m_narration->setOpenLinks(false);
    m_narration->setToolTip(tr("What the allocator did at the current step, and why"));
    split->addWidget(m_text);
    split->addWidget(m_narration);
    split->setStretchFactor(0, 1); // the note and the narration share the height: both matter at a step
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);
    m_narrationTimer = new QTimer(this);
    m_narrationTimer->setSingleShot(true);
    m_narrationTimer->setInterval(0);
    connect(m_narrationTimer, &QTimer::timeout, this, &LessonPanel::renderNarration);

    auto* row = new QHBoxLayout;
    m_previous = new QPushButton(tr("Previous Note"), this);
    m_previous->setObjectName(QStringLiteral("lessonPrevious"));
    m_previous->setToolTip(tr("Go to the step of the previous note"));
    m_next = new QPushButton(tr("Next Note"), this);
    m_next->setObjectName(QStringLiteral("lessonNext"));
    m_next->setToolTip(tr("Go to the step of the next note"));
    m_answerButton = new QPushButton(tr("Show answer"), this);
    m_answerButton->setObjectName(QStringLiteral("lessonShowAnswer"));
    row->addWidget(m_previous);
    row->addWidget(m_next);
    row->addStretch();
    row->addWidget(m_answerButton);
    layout->addLayout(row);
    connect(m_answerButton, &QPushButton::clicked, this, &LessonPanel::showAnswer);
    connect(m_previous, &QPushButton::clicked, this, [this] { goToNote(false); });
    connect(m_next, &QPushButton::clicked, this, [this] { goToNote(true); });

    connect(m_doc, &Document::projectChanged, this, &LessonPanel::reload);
    connect(m_doc, &Document::scenariosChanged, this, &LessonPanel::reload);
    connect(m_doc, &Document::runFinished, this, &LessonPanel::render);
    connect(m_doc, &Document::positionChanged, this, [this] {
        m_answerShown = false;
        render();
    });
    const auto narrationStale = [this] {
        m_narrationStale = true;
        m_narrationTimer->start();
    };
    connect(m_doc, &Document::runFinished, this, narrationStale);
    connect(m_doc, &Document::positionChanged, this, narrationStale);
    reload();
}

QString LessonPanel::title() const
{
    return m_title->text();
}

QString LessonPanel::plainText() const
{
    return m_text->toPlainText();
}

QString LessonPanel::narrationText() const
{
    return m_narration->toPlainText();
}

void LessonPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_narrationStale)
        m_narrationTimer->start();
}

void LessonPanel::renderNarration()
{
    if (!isVisible())
        return; // built when shown (showEvent)
    m_narrationStale = false;
    const auto narration = currentNarration(*m_doc);
    const auto step = m_doc->currentStep();
    if (narration) {
        m_narration->setHtml(
            QStringLiteral("<h4>%1</h4>").arg(tr("What happened at step %1").arg(*step)) + narrationHtml(*narration));
    } else {
        m_narration->setHtml(
            QStringLiteral("<p><i>%1</i></p>")
                .arg(m_doc->simulation() ? tr("Before the first step: nothing has happened yet.")
                                         : tr("The narration of each step appears here once the scenario has run.")));
    }
}

void LessonPanel::reload()
{
    const auto& scenarios = m_doc->project().scenarios;
    const int index = m_doc->scenarioIndex();
    m_lesson.reset();
    if (index >= 0 && std::size_t(index) < scenarios.size())
        m_lesson = shownLesson(scenarios[std::size_t(index)]);
    m_answerShown = false;
    render();
}

const LessonNote* LessonPanel::currentNote() const
{
    const auto step = m_doc->currentStep();
    return m_lesson && step ? m_lesson->noteAt(*step) : nullptr;
}

void LessonPanel::render()
{
    if (!m_lesson) {
        m_title->setText(tr("No lesson"));
        m_text->setHtml(tr("<p><i>This scenario has no lesson. A project file can carry one: a title, an "
                           "introduction and notes on its steps (docs/lessons.md).</i></p>"));
        m_answerButton->setVisible(false);
        m_previous->setEnabled(false);
        m_next->setEnabled(false);
        return;
    }
    m_title->setText(QString::fromStdString(m_lesson->title));
    m_title->setVisible(!m_lesson->title.empty());
    const auto step = m_doc->currentStep();
    const LessonNote* note = currentNote();
    QString html = lessonStepHtml(*m_lesson, step, m_doc->stepCount());
    if (note && m_answerShown)
        html += lessonAnswerHtml(*note);
    m_text->setHtml(html);
    m_answerButton->setVisible(note && !note->question.empty() && !note->answer.empty());
    m_answerButton->setEnabled(!m_answerShown);
    m_previous->setEnabled(step && m_lesson->previousNote(*step));
    m_next->setEnabled(m_doc->simulation() && m_lesson->nextNote(step));
}

bool LessonPanel::showAnswer()
{
    const LessonNote* note = currentNote();
    if (!note || note->answer.empty())
        return false;
    m_answerShown = true;
    render();
    return true;
}

void LessonPanel::goToNote(bool forward)
{
    if (!m_lesson || !m_doc->simulation())
        return;
    const auto step = m_doc->currentStep();
    const LessonNote* target = forward ? m_lesson->nextNote(step) : (step ? m_lesson->previousNote(*step) : nullptr);
    if (target)
        m_doc->setCurrentStep(target->step);
}

} // namespace cmascope::views
