// SPDX-License-Identifier: GPL-2.0-or-later
// The allocation latency chart (latencychart.h, docs/time-and-latency.md).
#include "charts/latencychart.h"

#include "common/document.h"

#include <cmascope/replay/replay.h>

#include <QCursor>
#include <QToolTip>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>

namespace cmascope::views {

namespace {

constexpr double kMinLogMs = 0.001; ///< 1 us: the resolution of trace times (trace/tracetime.h)

/// The requests with a latency, by kind: (step, latency in ns).
using Samples = std::array<std::vector<std::pair<std::size_t, std::uint64_t>>, LatencyChart::KindCount>;

Samples samplesOf(const ReplayResult& replay, std::size_t stepCount)
{
    Samples out;
    for (std::size_t step = 0; step < stepCount; ++step) {
        const ReplayRequest* q = replay.requestAtStep(step);
        if (!q || !q->hasLatency())
            continue;
        const auto kind = !q->succeeded ? LatencyChart::Failed
            : q->busyRetries > 0        ? LatencyChart::BusyRetried
                                        : LatencyChart::Allocated;
        out[kind].emplace_back(step, q->latencyNs());
    }
    return out;
}

/// Keeps the slowest sample of each run of neighbours so that at most @p max remain.
bool thin(std::vector<std::pair<std::size_t, std::uint64_t>>& v, std::size_t max)
{
    if (v.size() <= max)
        return false;
    const std::size_t run = (v.size() + max - 1) / max;
    std::vector<std::pair<std::size_t, std::uint64_t>> kept;
    for (std::size_t i = 0; i < v.size(); i += run) {
        const auto end = v.begin() + std::ptrdiff_t(std::min(v.size(), i + run));
        kept.push_back(*std::max_element(
            v.begin() + std::ptrdiff_t(i), end, [](const auto& a, const auto& b) { return a.second < b.second; }));
    }
    v = std::move(kept);
    return true;
}

} // namespace

LatencyChart::LatencyChart()
{
    m_xAxis = newValueAxis(tr("step"), QStringLiteral("%d"));
    m_linear = newValueAxis(tr("latency (ms)"), QStringLiteral("%.4g"));
    m_logAxis = new QLogValueAxis;
    m_logAxis->setTitleText(tr("latency (ms, log)"));
    m_logAxis->setLabelFormat(QStringLiteral("%g"));
    m_logAxis->setBase(10);
    addAxis(m_xAxis, Qt::AlignBottom);
    addAxis(m_linear, Qt::AlignLeft);
    const std::array<QString, KindCount> names { tr("allocated"), tr("busy-retried"), tr("failed") };
    for (int k = 0; k < KindCount; ++k) {
        auto* s = new QScatterSeries;
        s->setName(names[std::size_t(k)]);
        s->setMarkerSize(k == Allocated ? 6 : 9);
        s->setMarkerShape(k == Failed ? QScatterSeries::MarkerShapeRectangle : QScatterSeries::MarkerShapeCircle);
        addSeries(s);
        s->attachAxis(m_xAxis);
        s->attachAxis(m_linear);
        m_series[std::size_t(k)] = s;
        connect(s, &QScatterSeries::hovered, this,
            [this, k](const QPointF& p, bool state) { showHover(Kind(k), p, state); });
        connect(s, &QScatterSeries::clicked, this, [this, k](const QPointF& p) {
            if (const auto i = indexOf(Kind(k), p))
                Q_EMIT requestClicked(m_steps[std::size_t(k)][*i]);
        });
    }
    m_cursor = new QLineSeries;
    m_cursor->setName(tr("current step"));
    addSeries(m_cursor);
    m_cursor->attachAxis(m_xAxis);
    m_cursor->attachAxis(m_linear);
}

LatencyChart::~LatencyChart()
{
    // The axis not shown belongs to no chart.
    if (m_log)
        delete m_linear;
    else
        delete m_logAxis;
}

void LatencyChart::setReplay(const ReplayResult* replay, const StepAxis& axis, std::size_t stepCount)
{
    m_axis = axis;
    m_stepCount = stepCount;
    m_thinned = false;
    setTitle(replay ? tr("Allocation latency (cma_alloc_start to cma_alloc_finish)") : tr("No trace"));
    Samples samples = replay ? samplesOf(*replay, std::min(stepCount, replay->timeline.size())) : Samples {};
    std::vector<std::uint64_t> all;
    for (const auto& kind : samples)
        for (const auto& s : kind)
            all.push_back(s.second);
    m_stats = latencyStats(all);
    m_thinned = thin(samples[Allocated], kMaxPoints);
    m_maxMs = std::max(double(m_stats.maxNs) / 1e6, 0.01);
    for (std::size_t k = 0; k < KindCount; ++k) {
        m_steps[k].clear();
        m_latencies[k].clear();
        for (const auto& [step, ns] : samples[k]) {
            m_steps[k].push_back(step);
            m_latencies[k].push_back(ns);
        }
    }
    m_xAxis->setTitleText(axis.title());
    // Without a trace there is nothing to draw: no axis over the steps of a project (a million-step run would
    // only cost tick items).
    const double lo = axis.xOfPosition(positionAfterStep(0)),
                 hi = replay ? axis.xOfPosition(std::max<std::size_t>(stepCount, 2)) : lo + 1.0;
    if (axis.isTime())
        setTimeTicks(m_xAxis, lo, hi);
    else {
        m_xAxis->setLabelFormat(QStringLiteral("%d"));
        setStepTicks(m_xAxis, lo, hi);
    }
    updatePoints();
    updateRange();
}

void LatencyChart::setLogScale(bool log)
{
    if (log == m_log)
        return;
    m_log = log;
    m_cursor->clear(); // no zero left for the log axis: the cursor is drawn again by updateRange()
    updatePoints();
    attachValueAxis();
    updateRange();
}

void LatencyChart::attachValueAxis()
{
    QAbstractAxis* from = m_log ? static_cast<QAbstractAxis*>(m_linear) : m_logAxis;
    QAbstractAxis* to = m_log ? static_cast<QAbstractAxis*>(m_logAxis) : m_linear;
    removeAxis(from); // detaches every series; the axis is ours again
    addAxis(to, Qt::AlignLeft);
    for (QScatterSeries* s : m_series)
        s->attachAxis(to);
    m_cursor->attachAxis(to);
}

/// The points of every series in the value axis' unit.
void LatencyChart::updatePoints()
{
    for (std::size_t k = 0; k < KindCount; ++k) {
        QList<QPointF> pts;
        pts.reserve(qsizetype(m_steps[k].size()));
        for (std::size_t i = 0; i < m_steps[k].size(); ++i) {
            const double ms = double(m_latencies[k][i]) / 1e6;
            pts.append(
                QPointF(m_axis.xOfPosition(positionAfterStep(m_steps[k][i])), m_log ? std::max(ms, kMinLogMs) : ms));
        }
        m_series[k]->replace(pts);
    }
}

/// The value range and the cursor across it.
void LatencyChart::updateRange()
{
    if (m_log)
        m_logAxis->setRange(kMinLogMs, niceCeil(m_maxMs * 1.05));
    else
        m_linear->setRange(0.0, niceCeil(m_maxMs * 1.05));
    drawCursor();
}

void LatencyChart::drawCursor()
{
    if (!m_cursorPosition || m_stepCount == 0) {
        m_cursor->clear();
        return;
    }
    const double x = m_axis.xOfPosition(*m_cursorPosition);
    m_cursor->replace({ QPointF(x, m_log ? kMinLogMs : 0.0), QPointF(x, niceCeil(m_maxMs * 1.05)) });
}

void LatencyChart::setCursorPosition(std::optional<std::size_t> position)
{
    m_cursorPosition = position;
    drawCursor();
}

std::optional<double> LatencyChart::cursor() const
{
    if (m_cursor->count() == 0)
        return std::nullopt;
    return m_cursor->at(0).x();
}

QList<QPointF> LatencyChart::points(Kind kind) const
{
    return m_series[std::size_t(kind)]->points();
}

QPointF LatencyChart::scenePoint(Kind kind, std::size_t index)
{
    QScatterSeries* s = m_series[std::size_t(kind)];
    return mapToScene(mapToPosition(s->at(qsizetype(index)), s));
}

std::optional<std::size_t> LatencyChart::indexOf(Kind kind, const QPointF& point) const
{
    // The nearest point of the series (a click reports the point's own value, so normally an exact match).
    const QScatterSeries* s = m_series[std::size_t(kind)];
    std::optional<std::size_t> best;
    double bestDistance = 0;
    for (qsizetype i = 0; i < s->count(); ++i) {
        const QPointF d = s->at(i) - point;
        const double distance = d.x() * d.x() + d.y() * d.y();
        if (!best || distance < bestDistance) {
            best = std::size_t(i);
            bestDistance = distance;
        }
    }
    return best;
}

void LatencyChart::showHover(Kind kind, const QPointF& point, bool state) const
{
    const auto i = state ? indexOf(kind, point) : std::nullopt;
    if (!i) {
        QToolTip::hideText();
        return;
    }
    const std::size_t k = std::size_t(kind);
    QString at = m_axis.positionText(positionAfterStep(m_steps[k][*i]));
    at.replace(0, 1, at.at(0).toUpper());
    QToolTip::showText(QCursor::pos(),
        tr("%1: %2, latency %3").arg(at, m_series[k]->name(), QString::fromStdString(latencyText(m_latencies[k][*i]))));
}

void LatencyChart::applySeriesColours(const ChartColours& colours)
{
    const std::array<QColor, KindCount> fill { colours.used, colours.relFrag, colours.cursor };
    for (std::size_t k = 0; k < KindCount; ++k) {
        m_series[k]->setColor(fill[k]);
        m_series[k]->setBorderColor(fill[k].darker(130));
    }
    m_cursor->setPen(cosmeticPen(colours.cursor, 1.5));
    for (QLegendMarker* m : legend()->markers(m_cursor))
        m->setVisible(false);
}

} // namespace cmascope::views
