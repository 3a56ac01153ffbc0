// SPDX-License-Identifier: GPL-2.0-or-later
// The view of an over-steps chart: a left-button drag selects a range of x values (shown as a rubber band
// over the plot area), a click reports an x value, a double-click asks to show everything again.
#pragma once

#include <QtCharts/QChartView>

#include <functional>

class QRubberBand;

namespace cmascope::views {

class StepChartView : public QChartView
{
    Q_OBJECT
public:
    explicit StepChartView(QChart* chart, QWidget* parent = nullptr);

    std::function<void(double, double)> onRange; ///< the x values dragged over, lowest first
    std::function<void(double)> onClick;
    std::function<void()> onReset;

    /// Plot area in viewport coordinates.
    QRect plotRect() const;
    /// The x value drawn at @p viewportPos.
    double valueAt(const QPoint& viewportPos) const;

protected:
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;

private:
    /// The band from the drag's origin to @p p across the plot area, clamped to it.
    QRect bandRect(const QPoint& p) const;

    QRubberBand* m_band = nullptr;
    QPoint m_origin;
    bool m_dragging = false;
};

} // namespace cmascope::views
