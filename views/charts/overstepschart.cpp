// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/overstepschart.h"

#include "common/document.h"

#include <QCursor>
#include <QToolTip>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>

namespace cmascope::views {

OverStepsChart::OverStepsChart(std::initializer_list<std::pair<Metric, QString>> lines, const QString& valueTitle,
    const QString& valueFormat, double lo, double hi)
{
    // x names the step (xOfPosition()): the value at x = N is the state right after step N.
    m_stepAxis = newValueAxis(tr("step"), QStringLiteral("%d"));
    m_valueAxis = newValueAxis(valueTitle, valueFormat);
    addAxis(m_stepAxis, Qt::AlignBottom);
    addAxis(m_valueAxis, Qt::AlignLeft);
    for (const auto& [metric, name] : lines) {
        auto* s = new QLineSeries;
        s->setName(name);
        addSeries(s);
        s->attachAxis(m_stepAxis);
        s->attachAxis(m_valueAxis);
        m_lines.emplace_back(metric, s);
        connect(s, &QLineSeries::hovered, this,
            [this, s](const QPointF& point, bool state) { showHover(s, point, state); });
    }
    m_cursor = new QLineSeries;
    m_cursor->setName(tr("current step"));
    addSeries(m_cursor);
    m_cursor->attachAxis(m_stepAxis);
    m_cursor->attachAxis(m_valueAxis);
    m_valueAxis->setRange(lo, hi);
}

void OverStepsChart::showHover(const QLineSeries* line, const QPointF& point, bool state) const
{
    if (!state) {
        QToolTip::hideText();
        return;
    }
    QString at = m_axis.positionText(m_axis.positionOfX(point.x(), m_stepCount));
    at[0] = at[0].toUpper();
    QToolTip::showText(QCursor::pos(), at + QStringLiteral(": %1 %2").arg(line->name(), valueText(point.y())));
}

QLineSeries* OverStepsChart::line(Metric metric) const
{
    const auto it = std::find_if(m_lines.begin(), m_lines.end(), [metric](const auto& l) { return l.first == metric; });
    return it != m_lines.end() ? it->second : nullptr;
}

QList<QPointF> OverStepsChart::points(Metric metric) const
{
    const QLineSeries* s = line(metric);
    return s ? s->points() : QList<QPointF> {};
}

void OverStepsChart::setSeries(const MetricSeries* series, std::size_t stepCount, const StepAxis& axis)
{
    m_stepCount = stepCount;
    m_axis = axis;
    m_stepAxis->setTitleText(axis.title());
    if (!series) {
        for (const auto& [metric, s] : m_lines)
            s->clear();
        return;
    }
    const MetricSeries& ms = *series;
    const double scale = valueScale(ms);
    for (const auto& [metric, s] : m_lines) {
        QList<QPointF> pts;
        pts.reserve(qsizetype(ms.buckets.size() * (axis.isTime() ? 4 : 3)));
        // On the time axis a new value starts at its step's time: the line holds the old one until then.
        auto add = [&pts, &axis](double x, double y) {
            if (axis.isTime() && !pts.isEmpty() && pts.back().y() != y && pts.back().x() < x)
                pts.append(QPointF(x, pts.back().y()));
            pts.append(QPointF(x, y));
        };
        for (const MetricBucket& b : ms.buckets) {
            const MetricStat& st = b[metric];
            if (b.first != b.last) {
                // The extremes at the bucket's start, so a one-step spike stays visible.
                add(axis.xOfPosition(b.first), st.min * scale);
                if (st.max != st.min)
                    add(axis.xOfPosition(b.first), st.max * scale);
            }
            add(axis.xOfPosition(b.last), st.last * scale);
        }
        s->replace(pts);
    }
    const double lo = axis.xOfPosition(ms.first);
    const double hi = axis.xOfPosition(std::max(ms.last, ms.first + 1));
    if (axis.isTime())
        setTimeTicks(m_stepAxis, lo, hi);
    else {
        m_stepAxis->setLabelFormat(QStringLiteral("%d"));
        setStepTicks(m_stepAxis, lo, hi);
    }
    setValueRange(ms);
}

void OverStepsChart::setCursor(std::optional<double> x)
{
    if (!x) {
        m_cursor->clear();
        return;
    }
    m_cursor->replace({ QPointF(*x, m_valueAxis->min()), QPointF(*x, m_valueAxis->max()) });
}

std::optional<double> OverStepsChart::cursor() const
{
    if (m_cursor->count() == 0)
        return std::nullopt;
    return m_cursor->at(0).x();
}

QPointF OverStepsChart::scenePoint(double x)
{
    return mapToScene(mapToPosition(QPointF(x, (m_valueAxis->min() + m_valueAxis->max()) / 2), m_cursor));
}

void OverStepsChart::applySeriesColours(const ChartColours& colours)
{
    m_cursor->setPen(cosmeticPen(colours.cursor, 1.5));
    for (QLegendMarker* m : legend()->markers(m_cursor))
        m->setVisible(false);
}

} // namespace cmascope::views
