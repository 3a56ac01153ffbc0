// SPDX-License-Identifier: GPL-2.0-or-later
#include "lesson/narrationhtml.h"

#include "common/document.h"

namespace cmascope::views {

std::optional<StepNarration> currentNarration(const Document& doc)
{
    const Simulation* sim = doc.simulation();
    const auto step = doc.currentStep();
    if (!sim || !step || *step >= sim->records().size())
        return std::nullopt;
    return narrate(*sim, *step);
}

QString narrationHtml(const StepNarration& narration)
{
    QString html = QStringLiteral("<p><b>%1</b></p>").arg(QString::fromStdString(narration.headline).toHtmlEscaped());
    for (const std::string& line : narration.lines)
        html += QStringLiteral("<p>%1</p>").arg(QString::fromStdString(line).toHtmlEscaped());
    return html;
}

QString narrationText(const StepNarration& narration)
{
    QString text = QString::fromStdString(narration.headline);
    for (const std::string& line : narration.lines)
        text += QLatin1Char('\n') + QString::fromStdString(line);
    return text;
}

} // namespace cmascope::views
