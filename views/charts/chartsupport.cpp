// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/chartsupport.h"

#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QValueAxis>

#include <algorithm>
#include <cmath>

namespace cmascope::views {

double pageBytes(const Simulation* sim, std::uint16_t r)
{
    if (!sim || r >= sim->platform().regions.size())
        return 4096.0;
    const std::uint32_t ps = sim->platform().regions[r].pageSize;
    return double(ps ? ps : sim->platform().pageSize);
}

double niceCeil(double v)
{
    if (v <= 0)
        return 1;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : { 1.0, 2.0, 5.0, 10.0 })
        if (m * p >= v)
            return m * p;
    return 10 * p;
}

double xOfPosition(std::size_t position)
{
    return double(position) - 1.0;
}

std::size_t positionOfX(double x, std::size_t steps)
{
    return std::size_t(std::clamp(std::floor(x + 0.5) + 1.0, 0.0, double(steps)));
}

QValueAxis* newValueAxis(const QString& title, const QString& format)
{
    auto* axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setLabelFormat(format);
    return axis;
}

void setAnchoredTicks(QValueAxis* axis, double lo, double hi, double interval)
{
    // The interval before the range: a wide range with the last (small) interval would lay out a tick item for
    // every step of it first.
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(interval);
    axis->setRange(lo, hi);
}

void setStepTicks(QValueAxis* axis, double lo, double hi)
{
    setAnchoredTicks(axis, lo, hi, std::max(1.0, niceCeil((hi - lo) / 6.0)));
}

void setTimeTicks(QValueAxis* axis, double lo, double hi)
{
    hi = std::max(hi, lo + 1e-6);
    const double interval = niceCeil((hi - lo) / 6.0);
    const int decimals = std::clamp(int(-std::floor(std::log10(interval))), 0, 6);
    axis->setLabelFormat(QStringLiteral("%.") + QString::number(decimals) + QStringLiteral("f"));
    // Anchored at a multiple of the interval near lo, so the labels stay round far from 0 (late traces); the
    // interval before the range, as in setAnchoredTicks().
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(std::floor(lo / interval) * interval);
    axis->setTickInterval(interval);
    axis->setRange(lo, hi);
}

ChartColours chartColours(const QPalette& pal)
{
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    ChartColours c;
    c.text = pal.color(QPalette::WindowText);
    c.grid = pal.color(QPalette::WindowText);
    c.grid.setAlpha(dark ? 45 : 35);
    c.line = pal.color(QPalette::WindowText);
    c.line.setAlpha(120);
    c.used = dark ? QColor(0x6a, 0xa8, 0xff) : QColor(0x1f, 0x5f, 0xbf);
    c.free = dark ? QColor(0xa8, 0xa8, 0xa8) : QColor(0x70, 0x70, 0x70);
    c.largest = dark ? QColor(0x5f, 0xd3, 0x8a) : QColor(0x1e, 0x8e, 0x48);
    c.relFrag = dark ? QColor(0xf0, 0xa0, 0x50) : QColor(0xd0, 0x70, 0x10);
    c.extfrag = dark ? QColor(0xc8, 0x96, 0xf5) : QColor(0x80, 0x3c, 0xa8);
    c.unusable = dark ? QColor(0x4f, 0xd0, 0xd0) : QColor(0x10, 0x90, 0x90);
    c.cursor = dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xd0, 0x30, 0x30);
    c.bars = c.used;
    c.usage = c.largest;
    return c;
}

QPen cosmeticPen(const QColor& colour, qreal width, Qt::PenStyle style)
{
    QPen p(colour, width, style);
    p.setCosmetic(true);
    return p;
}

ThemedChart::ThemedChart()
{
    setBackgroundRoundness(0);
    setMargins(QMargins(4, 4, 4, 4));
    legend()->setAlignment(Qt::AlignBottom);
}

void ThemedChart::applyPalette(const QPalette& pal)
{
    const ChartColours c = chartColours(pal);
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    setBackgroundBrush(pal.color(QPalette::Window));
    setBackgroundPen(Qt::NoPen);
    setBackgroundRoundness(0);
    setTitleBrush(c.text);
    legend()->setLabelColor(c.text);
    for (QAbstractAxis* axis : axes()) {
        axis->setLabelsColor(c.text);
        axis->setTitleBrush(c.text);
        axis->setLinePenColor(c.line);
        axis->setGridLineColor(c.grid);
        axis->setMinorGridLineColor(c.grid);
    }
    applySeriesColours(c);
}

namespace {

/// Resizes a chart for an export and back again when it goes out of scope.
class ExportSize
{
public:
    ExportSize(QChart* chart, QSize size)
        : m_chart(chart)
        , m_old(chart->size())
        , m_resized(QSizeF(size) != m_old)
    {
        if (m_resized)
            resize(size);
    }
    ~ExportSize()
    {
        if (m_resized)
            resize(m_old);
    }
    ExportSize(const ExportSize&) = delete;
    ExportSize& operator=(const ExportSize&) = delete;

private:
    void resize(QSizeF size)
    {
        m_chart->resize(size);
        if (m_chart->layout())
            m_chart->layout()->activate();
    }

    QChart* m_chart;
    QSizeF m_old;
    bool m_resized;
};

bool writeSvg(QChart* chart, const QString& path, QSize size, const QRectF& source)
{
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(chart->title());
    svg.setDescription(ThemedChart::tr("Chart exported by cmascope"));
    bool ok = false;
    QPainter p;
    if (p.begin(&svg)) {
        p.setRenderHint(QPainter::Antialiasing);
        chart->scene()->render(&p, QRectF(QPointF(0, 0), QSizeF(size)), source);
        ok = p.end();
    }
    return ok && QFileInfo(path).size() > 0;
}

bool writeRaster(
    QChart* chart, const QString& path, QSize size, const QRectF& source, qreal dpr, const QColor& background)
{
    QImage image(size * dpr, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(background);
    {
        QPainter p(&image);
        p.setRenderHint(QPainter::Antialiasing);
        chart->scene()->render(&p, QRectF(QPointF(0, 0), QSizeF(size)), source);
    }
    const QByteArray format = QFileInfo(path).suffix().isEmpty() ? QByteArrayLiteral("PNG") : QByteArray();
    return image.save(path, format.isEmpty() ? nullptr : format.constData());
}

} // namespace

bool exportChartImage(QChartView& view, const QString& path, qreal dpr, const QColor& background)
{
    QChart* chart = view.chart();
    // The size on screen when the chart is shown, else a 16:9 image at a readable size.
    QSize size = view.viewport()->size();
    if (!view.isVisible() || size.width() < 200 || size.height() < 150)
        size = QSize(960, 540);
    const ExportSize resized(chart, size);
    const QRectF source(chart->scenePos(), QSizeF(size));
    if (QFileInfo(path).suffix().compare(QLatin1String("svg"), Qt::CaseInsensitive) == 0)
        return writeSvg(chart, path, size, source);
    return writeRaster(chart, path, size, source, std::max<qreal>(1.0, dpr), background);
}

} // namespace cmascope::views
