// SPDX-License-Identifier: GPL-2.0-or-later
// What the charts of the charts panel share: the colours they take from the palette, their base class
// (ThemedChart: margins, legend, theme), axis ticks, the mapping between steps and the x of the over-steps
// charts, and the export of a chart to SVG or a raster image.
//
// Qt Charts is deprecated from Qt 6.10 (Qt 6.10 release notes): it is used only in this folder, behind
// chartspanel.h.
#pragma once

#include <cmascope/sim/simulator.h>

#include <QColor>
#include <QPen>
#include <QtCharts/QChart>

#include <cstddef>
#include <cstdint>

class QChartView;
class QValueAxis;

namespace cmascope::views {

/// Bytes per page of region @p r of @p sim (4096 if there is no such region).
double pageBytes(const Simulation* sim, std::uint16_t r);

/// The smallest 1, 2 or 5 times a power of ten that is >= @p v.
double niceCeil(double v);

/// The over-steps charts' x axis names steps as every view does (document.h): the value drawn at x = N is the
/// state right after step N, so the cursor of the current step N sits at N; the state before step 0 is at -1.
double xOfPosition(std::size_t position);
/// The position whose state is drawn nearest to @p x, clamped to [0, @p steps].
std::size_t positionOfX(double x, std::size_t steps);

/// A value axis titled @p title whose labels have the printf format @p format.
QValueAxis* newValueAxis(const QString& title, const QString& format);
/// Shows [lo, hi] on @p axis with ticks every @p interval, anchored at 0.
void setAnchoredTicks(QValueAxis* axis, double lo, double hi, double interval);
/// Shows steps [lo, hi] on @p axis with ticks at a round interval (about six of them).
void setStepTicks(QValueAxis* axis, double lo, double hi);
/// Shows seconds [lo, hi] on @p axis (at least a microsecond wide) with ticks at a round interval (about six),
/// labelled with as many decimals as the interval needs.
void setTimeTicks(QValueAxis* axis, double lo, double hi);

/// Axis colours and series colours that read on the window colour of the palette.
struct ChartColours
{
    QColor text, grid, line, used, free, largest, relFrag, extfrag, unusable, cursor, bars, usage;
};
ChartColours chartColours(const QPalette& pal);
/// A pen of @p width device pixels at any zoom.
QPen cosmeticPen(const QColor& colour, qreal width, Qt::PenStyle style = Qt::SolidLine);

/// A chart of the panel: no rounded corners, narrow margins, the legend at the bottom, in colours that follow
/// the palette. Subclasses colour their series in applySeriesColours().
class ThemedChart : public QChart
{
    Q_OBJECT
public:
    ThemedChart();
    /// The light or dark theme by the window colour of @p pal, with text, axes and series that read on it.
    void applyPalette(const QPalette& pal);

protected:
    virtual void applySeriesColours(const ChartColours& colours) = 0;
};

/// Writes the chart of @p view to @p path: SVG for a ".svg" suffix, otherwise a raster image in the format of
/// the suffix (PNG when there is none) at @p dpr on @p background. The size is the one on screen when the
/// chart is shown, else 960 × 540. Returns false if it could not be written.
bool exportChartImage(QChartView& view, const QString& path, qreal dpr, const QColor& background);

} // namespace cmascope::views
