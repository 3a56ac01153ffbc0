// SPDX-License-Identifier: GPL-2.0-or-later
#include "lesson/captionband.h"

#include "common/document.h"
#include "lesson/lessonhtml.h"
#include "lesson/narrationhtml.h"

#include <cmascope/model/lesson.h>

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <optional>

namespace cmascope::views {

namespace {
constexpr int kMargin = 12; ///< around the text
constexpr double kMaxHeightShare = 0.5; ///< the band never takes more than this share of the page
constexpr double kMinScale = 0.6; ///< long texts shrink down to this share of the asked size, then are cut
} // namespace

CaptionBand::CaptionBand(Document* document, QWidget* page)
    : QWidget(page)
    , m_doc(document)
    , m_page(page)
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("presentationCaption"));
    m_text.setDocumentMargin(kMargin);
    m_timer->setSingleShot(true);
    m_timer->setInterval(0);
    connect(m_timer, &QTimer::timeout, this, &CaptionBand::refresh);
    connect(m_doc, &Document::positionChanged, m_timer, qOverload<>(&QTimer::start));
    connect(m_doc, &Document::runFinished, m_timer, qOverload<>(&QTimer::start));
    connect(m_doc, &Document::projectChanged, m_timer, qOverload<>(&QTimer::start));
    page->installEventFilter(this);
    hide();
}

void CaptionBand::setFontScale(double scale)
{
    m_scale = std::clamp(scale, 0.5, 4.0);
    if (isVisible())
        refresh();
}

bool CaptionBand::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_page && event->type() == QEvent::Resize && isVisible())
        relayout();
    return QWidget::eventFilter(watched, event);
}

void CaptionBand::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayout(); // a new width wraps the text anew; only the height changes in return
}

void CaptionBand::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refresh();
}

QString CaptionBand::captionHtml() const
{
    const auto step = m_doc->currentStep();
    const auto& scenarios = m_doc->project().scenarios;
    const int index = m_doc->scenarioIndex();
    std::optional<Lesson> lesson;
    if (index >= 0 && std::size_t(index) < scenarios.size())
        lesson = shownLesson(scenarios[std::size_t(index)]);
    QString html;
    // At the start (before step 0 and at step 0) the lesson's title and introduction, as the Lesson pane shows them.
    if (lesson && (!step || *step == 0)) {
        if (!lesson->title.empty())
            html += QStringLiteral("<p><big><b>%1</b></big></p>")
                        .arg(QString::fromStdString(lesson->title).toHtmlEscaped());
        html += lessonParagraphs(lesson->introduction);
    }
    if (!m_doc->simulation() || !step)
        return html + QStringLiteral("<p><b>%1</b></p>").arg(tr("Before the first step"));
    html += QStringLiteral("<p><small>%1</small></p>").arg(tr("Step %1 of %2").arg(*step).arg(m_doc->stepCount()));
    if (const LessonNote* note = lesson ? lesson->noteAt(*step) : nullptr)
        html += QStringLiteral("<div style=\"font-style: italic\">%1</div>").arg(lessonParagraphs(note->note));
    if (const auto narration = currentNarration(*m_doc))
        html += narrationHtml(*narration);
    return html;
}

void CaptionBand::refresh()
{
    if (!isVisible())
        return;
    m_text.setHtml(captionHtml());
    relayout();
}

void CaptionBand::relayout()
{
    const int width = std::max(200, this->width());
    const int maxHeight = std::max(60, int(m_page->height() * kMaxHeightShare));
    QFont font = QApplication::font(); // the page's own type is enlarged when presenting
    const qreal asked = QFont(font).pointSizeF() * m_scale;
    // The asked size first; a text too long for the band gets smaller type before it gets cut.
    for (qreal size = asked; size >= asked * kMinScale - 0.01; size -= asked * 0.1) {
        font.setPointSizeF(size);
        m_text.setDefaultFont(font);
        m_text.setTextWidth(width);
        if (m_text.size().height() <= maxHeight)
            break;
    }
    const int needed = int(std::ceil(m_text.size().height()));
    m_complete = needed <= maxHeight;
    setFixedHeight(std::min(maxHeight, needed));
    update();
}

void CaptionBand::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QColor band = palette().color(QPalette::ToolTipBase);
    QPainterPath path;
    path.addRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
    p.fillPath(path, band);
    p.setPen(palette().color(QPalette::Mid));
    p.drawPath(path);
    p.setClipPath(path);
    QAbstractTextDocumentLayout::PaintContext context;
    context.palette.setColor(QPalette::Text, palette().color(QPalette::ToolTipText));
    context.clip = QRectF(rect());
    m_text.documentLayout()->draw(&p, context);
}

} // namespace cmascope::views
