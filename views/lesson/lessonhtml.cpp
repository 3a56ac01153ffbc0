// SPDX-License-Identifier: GPL-2.0-or-later
#include "lesson/lessonhtml.h"

#include <QCoreApplication>
#include <QStringList>

namespace cmascope::views {

namespace {
QString tr(const char* text)
{
    // the context lupdate files a free function's tr() under: its namespace (the template, app/CMakeLists.txt)
    return QCoreApplication::translate("cmascope::views", text);
}
} // namespace

QString lessonParagraphs(const std::string& text)
{
    QString html;
    const QString plain = QString::fromStdString(text);
    for (const QString& para : plain.split(QStringLiteral("\n\n"), Qt::SkipEmptyParts)) {
        const QString trimmed = para.trimmed();
        if (!trimmed.isEmpty())
            html += QStringLiteral("<p>%1</p>")
                        .arg(trimmed.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    }
    return html;
}

QString lessonStepHtml(const Lesson& lesson, std::optional<std::size_t> step, std::size_t stepCount)
{
    QString html;
    const bool atStart = !step || *step == 0;
    if (atStart)
        html += lessonParagraphs(lesson.introduction);
    const LessonNote* note = step ? lesson.noteAt(*step) : nullptr;
    if (note) {
        html += QStringLiteral("<h4>%1</h4>").arg(tr("Step %1").arg(*step)) + lessonParagraphs(note->note);
        if (!note->question.empty())
            html += QStringLiteral("<p><b>%1</b> %2</p>")
                        .arg(tr("Question:"), QString::fromStdString(note->question).toHtmlEscaped());
    } else if (!atStart) {
        html += QStringLiteral("<p><i>%1</i></p>").arg(tr("No note on step %1 of %2.").arg(*step).arg(stepCount));
    }
    if (const LessonNote* next = lesson.nextNote(step); next && next != note)
        html += QStringLiteral("<p><i>%1</i></p>").arg(tr("Next note: step %1 (Next Note).").arg(next->step));
    else if (!lesson.notes.empty() && !lesson.nextNote(step))
        html += QStringLiteral("<p><i>%1</i></p>").arg(tr("That was the last note."));
    return html;
}

QString lessonAnswerHtml(const LessonNote& note)
{
    return QStringLiteral("<p><b>%1</b> %2</p>")
        .arg(tr("Answer:"), QString::fromStdString(note.answer).toHtmlEscaped());
}

} // namespace cmascope::views
