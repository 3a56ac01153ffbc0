// SPDX-License-Identifier: GPL-2.0-or-later
#include "compare/outcomelabel.h"

#include <QPainter>
#include <QTextLayout>

namespace cmascope::views {

OutcomeLabel::OutcomeLabel(int lines, QWidget* parent)
    : QWidget(parent)
    , m_lines(std::max(1, lines))
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void OutcomeLabel::setText(const QString& text)
{
    m_text = text;
    setToolTip(text);
    update();
}

QStringList OutcomeLabel::shownLines() const
{
    QStringList out;
    if (m_text.isEmpty())
        return out;
    const QFontMetricsF fm(font());
    QTextLayout layout(m_text, font());
    layout.beginLayout();
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(width());
        if (out.size() + 1 == m_lines) { // the last line shown takes the rest, elided
            const QString rest = m_text.mid(line.textStart());
            out << fm.elidedText(rest.simplified(), Qt::ElideRight, width());
            break;
        }
        out << m_text.mid(line.textStart(), line.textLength()).trimmed();
    }
    layout.endLayout();
    return out;
}

QSize OutcomeLabel::sizeHint() const
{
    return { 200, int(QFontMetricsF(font()).lineSpacing() * m_lines) + 2 };
}

QSize OutcomeLabel::minimumSizeHint() const
{
    return { 60, sizeHint().height() };
}

void OutcomeLabel::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setPen(palette().color(QPalette::WindowText));
    const qreal step = QFontMetricsF(font()).lineSpacing();
    qreal y = 0;
    for (const QString& line : shownLines()) {
        p.drawText(QRectF(0, y, width(), step), Qt::AlignLeft | Qt::AlignVCenter, line);
        y += step;
    }
}

} // namespace cmascope::views
