// SPDX-License-Identifier: GPL-2.0-or-later
// The allocation latency of every request of a replayed trace (docs/time-and-latency.md, "Latency chart"): one
// point per request with a start and a finish, at its step or time (the panel's axis, common/stepaxis.h) and its
// start-to-finish time (ReplayRequest::latencyNs) in milliseconds on a linear or log scale. Requests that were
// busy-retried and failed requests are drawn in series of their own; a cursor line marks the current step.
// Clicking a point reports its step.
#pragma once

#include "charts/chartsupport.h"
#include "common/stepaxis.h"

#include <cmascope/replay/latency.h>

#include <QList>
#include <QPointF>

#include <array>
#include <cstddef>
#include <optional>
#include <vector>

class QLineSeries;
class QLogValueAxis;
class QScatterSeries;
class QValueAxis;

namespace cmascope {
struct ReplayResult;
}

namespace cmascope::views {

class LatencyChart : public ThemedChart
{
    Q_OBJECT
public:
    /// The series, by what happened to the request.
    enum Kind { Allocated, BusyRetried, Failed, KindCount };

    LatencyChart();
    ~LatencyChart() override;

    /// Shows the requests of @p replay (null: none) on @p axis for a run of @p stepCount steps.
    void setReplay(const ReplayResult* replay, const StepAxis& axis, std::size_t stepCount);
    /// Milliseconds on a log scale (latencies below 1 us are drawn at 1 us) or a linear one.
    void setLogScale(bool log);
    bool isLogScale() const { return m_log; }
    /// Draws the cursor at the x of @p position; nullopt hides it.
    void setCursorPosition(std::optional<std::size_t> position);
    std::optional<double> cursor() const;

    /// The points of @p kind (x on the axis, y in ms) and the step of each.
    QList<QPointF> points(Kind kind) const;
    std::size_t stepOfPoint(Kind kind, std::size_t index) const { return m_steps[kind].at(index); }
    /// Where point @p index of @p kind is drawn, in scene coordinates.
    QPointF scenePoint(Kind kind, std::size_t index);
    /// The statistics of the requests shown (all requests with a latency, before any thinning).
    const LatencyStats& stats() const { return m_stats; }
    /// True when allocated points were thinned out (more than kMaxPoints): each kept point is the slowest of a
    /// run of neighbours; busy-retried and failed requests are always all drawn.
    bool isThinned() const { return m_thinned; }
    static constexpr std::size_t kMaxPoints = 20000;

Q_SIGNALS:
    /// A point was clicked: the step of its request.
    void requestClicked(std::size_t step);

protected:
    void applySeriesColours(const ChartColours& colours) override;

private:
    void attachValueAxis();
    void updatePoints();
    void updateRange();
    void drawCursor();
    void showHover(Kind kind, const QPointF& point, bool state) const;
    std::optional<std::size_t> indexOf(Kind kind, const QPointF& point) const;

    QValueAxis* m_xAxis = nullptr;
    QValueAxis* m_linear = nullptr; ///< owned by the chart while shown, else by this object
    QLogValueAxis* m_logAxis = nullptr; ///< likewise
    std::array<QScatterSeries*, KindCount> m_series {};
    std::array<std::vector<std::size_t>, KindCount> m_steps; ///< parallel to each series' points
    std::array<std::vector<std::uint64_t>, KindCount> m_latencies; ///< ns, parallel to the points
    QLineSeries* m_cursor = nullptr;
    std::optional<std::size_t> m_cursorPosition; ///< the position the cursor marks
    StepAxis m_axis;
    std::size_t m_stepCount = 0;
    LatencyStats m_stats;
    bool m_log = false;
    bool m_thinned = false;
    double m_maxMs = 1.0;
};

} // namespace cmascope::views
