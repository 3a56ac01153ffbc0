// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/stepchartview.h"

#include <QApplication>
#include <QMouseEvent>
#include <QRubberBand>

#include <algorithm>
#include <cstdlib>

namespace cmascope::views {

StepChartView::StepChartView(QChart* chart, QWidget* parent)
    : QChartView(chart, parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
}

QRect StepChartView::plotRect() const
{
    return mapFromScene(chart()->mapToScene(chart()->plotArea())).boundingRect();
}

double StepChartView::valueAt(const QPoint& viewportPos) const
{
    return chart()->mapToValue(chart()->mapFromScene(mapToScene(viewportPos))).x();
}

void StepChartView::mousePressEvent(QMouseEvent* e)
{
    const QPoint p = e->position().toPoint();
    if (e->button() != Qt::LeftButton || !plotRect().contains(p)) {
        QChartView::mousePressEvent(e);
        return;
    }
    m_origin = p;
    m_dragging = true;
    if (!m_band)
        m_band = new QRubberBand(QRubberBand::Rectangle, viewport());
    m_band->setGeometry(bandRect(p));
    e->accept();
}

void StepChartView::mouseMoveEvent(QMouseEvent* e)
{
    if (m_dragging) {
        const QPoint p = e->position().toPoint();
        m_band->setGeometry(bandRect(p));
        if (std::abs(p.x() - m_origin.x()) >= QApplication::startDragDistance())
            m_band->show();
    }
    QChartView::mouseMoveEvent(e); // hover tooltips of the series
}

void StepChartView::mouseReleaseEvent(QMouseEvent* e)
{
    if (!m_dragging || e->button() != Qt::LeftButton) {
        QChartView::mouseReleaseEvent(e);
        return;
    }
    m_dragging = false;
    m_band->hide();
    const QRect plot = plotRect();
    const int x1 = std::clamp(m_origin.x(), plot.left(), plot.right());
    const int x2 = std::clamp(e->position().toPoint().x(), plot.left(), plot.right());
    const int y = plot.center().y();
    if (std::abs(x2 - x1) >= QApplication::startDragDistance()) {
        if (onRange)
            onRange(valueAt(QPoint(std::min(x1, x2), y)), valueAt(QPoint(std::max(x1, x2), y)));
    } else if (onClick) {
        onClick(valueAt(QPoint(x2, y)));
    }
    e->accept();
}

void StepChartView::mouseDoubleClickEvent(QMouseEvent* e)
{
    if (e->button() == Qt::LeftButton && onReset) {
        onReset();
        e->accept();
        return;
    }
    QChartView::mouseDoubleClickEvent(e);
}

QRect StepChartView::bandRect(const QPoint& p) const
{
    const QRect plot = plotRect();
    const int x1 = std::clamp(m_origin.x(), plot.left(), plot.right());
    const int x2 = std::clamp(p.x(), plot.left(), plot.right());
    return QRect(QPoint(std::min(x1, x2), plot.top()), QPoint(std::max(x1, x2), plot.bottom()));
}

} // namespace cmascope::views
