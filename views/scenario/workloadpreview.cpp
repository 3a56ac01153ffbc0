// SPDX-License-Identifier: GPL-2.0-or-later
// The workload dialog's preview (docs/workload.md, "The dialog").
#include "scenario/workloadpreview.h"

#include <cmascope/util/units.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace cmascope::views {

WorkloadSparkline::WorkloadSparkline(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("workloadSparkline"));
    setMinimumSize(120, 32);
    setToolTip(tr("Live allocations over the workload's ticks"));
}

void WorkloadSparkline::setSeries(std::vector<std::uint64_t> series)
{
    m_series = std::move(series);
    update();
}

QSize WorkloadSparkline::sizeHint() const
{
    return { 260, fontMetrics().height() * 3 };
}

void WorkloadSparkline::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(2, 2, -2, -2);
    p.fillRect(rect(), palette().color(QPalette::Base));
    if (m_series.size() < 2)
        return;
    const double top = double(std::max<std::uint64_t>(1, *std::max_element(m_series.begin(), m_series.end())));
    QPainterPath line;
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        const QPointF pt(area.left() + area.width() * double(i) / double(m_series.size() - 1),
            area.bottom() - area.height() * double(m_series[i]) / top);
        i == 0 ? line.moveTo(pt) : line.lineTo(pt);
    }
    QPainterPath fill = line;
    fill.lineTo(area.bottomRight());
    fill.lineTo(area.bottomLeft());
    QColor tint = palette().color(QPalette::Highlight);
    tint.setAlpha(60);
    p.fillPath(fill, tint);
    p.setPen(QPen(palette().color(QPalette::Highlight), 1.5));
    p.drawPath(line);
}

WorkloadPreview::WorkloadPreview(QWidget* parent)
    : QWidget(parent)
{
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("workloadSummary"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_sparkline = new WorkloadSparkline(this);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text, 3);
    layout->addWidget(m_sparkline, 2);
}

void WorkloadPreview::showStats(std::size_t steps, const WorkloadStats& stats)
{
    m_text->setStyleSheet({});
    const QString count = steps == 1 ? tr("1 step") : tr("%1 steps").arg(steps);
    m_text->setText(tr("%1: %2 requests, %3 frees; at most %4 live at once (%5); %6 live at the end.")
                        .arg(count)
                        .arg(stats.allocations)
                        .arg(stats.frees)
                        .arg(stats.peakLive)
                        .arg(QString::fromStdString(sizeText(stats.peakLiveBytes)))
                        .arg(stats.liveAtEnd));
    m_sparkline->setSeries(stats.liveSeries);
}

void WorkloadPreview::showMessage(const QString& text, bool error)
{
    m_text->setStyleSheet(error ? QStringLiteral("color: #c0392b") : QString());
    m_text->setText(text);
    m_sparkline->setSeries({});
}

QString WorkloadPreview::text() const
{
    return m_text->text();
}

} // namespace cmascope::views
