// SPDX-License-Identifier: GPL-2.0-or-later
// The base of the charts over the steps of a run (usagechart.h, fragmentationchart.h): lines of metrics
// of a MetricSeries against a step axis or a time axis (x as StepAxis::xOfPosition(), common/stepaxis.h), a value
// axis, and a cursor line at the current step. Hovering a line shows its value after that step. On the time axis
// the lines are stairs: the state holds from one step's time to the next, so the gaps between events show.
#pragma once

#include "charts/chartsupport.h"
#include "common/stepaxis.h"

#include <cmascope/sim/metricseries.h>

#include <QList>
#include <QPointF>

#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

class QLineSeries;
class QValueAxis;

namespace cmascope::views {

class OverStepsChart : public ThemedChart
{
    Q_OBJECT
public:
    /// Shows @p series (null: no lines) of a run of @p stepCount steps on @p axis.
    void setSeries(const MetricSeries* series, std::size_t stepCount, const StepAxis& axis = {});
    /// The axis the series is drawn on.
    const StepAxis& axis() const { return m_axis; }
    /// Draws the cursor line at @p x across the value axis; nullopt hides it.
    void setCursor(std::optional<double> x);
    /// The x of the cursor line, or nullopt when it is not shown.
    std::optional<double> cursor() const;
    /// The points of the line of @p metric (empty if the chart has none): decimated buckets add their
    /// minimum and maximum at their first position, so a one-step spike stays visible.
    QList<QPointF> points(Metric metric) const;
    /// Where @p x is drawn halfway up the value axis, in scene coordinates.
    QPointF scenePoint(double x); // not const: QChart::mapToPosition() is not

protected:
    /// A chart with a line named .second for each metric .first of @p lines (in that order, over each other),
    /// a value axis titled @p valueTitle, labelled in the printf format @p valueFormat, showing [lo, hi].
    OverStepsChart(std::initializer_list<std::pair<Metric, QString>> lines, const QString& valueTitle,
        const QString& valueFormat, double lo, double hi);

    QLineSeries* line(Metric metric) const;
    QValueAxis* valueAxis() const { return m_valueAxis; }
    /// The factor from the metrics of @p series to the value axis' unit.
    virtual double valueScale(const MetricSeries& series) const = 0;
    /// Sets the value axis for @p series.
    virtual void setValueRange(const MetricSeries& series) = 0;
    /// The hover text of value @p y.
    virtual QString valueText(double y) const = 0;
    /// Draws the cursor line; subclasses colour their lines and call this.
    void applySeriesColours(const ChartColours& colours) override;

private:
    /// Shows the step and value of @p point of @p line as a tooltip (or hides it when @p state is false).
    void showHover(const QLineSeries* line, const QPointF& point, bool state) const;

    QValueAxis* m_stepAxis = nullptr;
    QValueAxis* m_valueAxis = nullptr;
    std::vector<std::pair<Metric, QLineSeries*>> m_lines;
    QLineSeries* m_cursor = nullptr;
    std::size_t m_stepCount = 0; ///< of the run shown, for the hover texts
    StepAxis m_axis;
};

} // namespace cmascope::views
