// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/memorymapwidget.h"

#include "common/document.h"
#include "common/textformat.h"
#include "map/mapstyle.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QRubberBand>
#include <QSvgGenerator>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace cmascope::views {

namespace {
constexpr double kLeftMargin = 120.0; // bank and region names
constexpr double kRightMargin = 12.0;
constexpr double kRulerHeight = 40.0;
constexpr double kMinTrackHeight = 48.0;
constexpr double kMaxTrackHeight = 120.0;
constexpr double kTrackGap = 18.0;
constexpr double kChunkTop = 20.0; // chunks start below the region's name
constexpr quint32 kNone = 0xFFFFFFFF;

QColor blend(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
        float(a.greenF() + (b.greenF() - a.greenF()) * t), float(a.blueF() + (b.blueF() - a.blueF()) * t));
}
} // namespace

MemoryMapWidget::MemoryMapWidget(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Memory map"));
}

MemoryMapWidget::~MemoryMapWidget() = default;

void MemoryMapWidget::setDocument(Document* document)
{
    m_doc = document;
    // An edit keeps the zoom and pan (within the new extent); a new project is shown whole.
    connect(m_doc, &Document::projectChanged, this, [this] { refreshFromDocument(false); });
    connect(m_doc, &Document::projectReplaced, this, [this] { refreshFromDocument(true); });
    // While a run is going the old simulation is gone: show the platform only.
    connect(m_doc, &Document::runStarted, this, [this] { refreshFromDocument(false); });
    connect(m_doc, &Document::runFinished, this, [this] { refreshFromDocument(false); });
    connect(m_doc, &Document::positionChanged, this, [this] { refreshFromDocument(false); });
    connect(m_doc, &Document::selectionChanged, this, &MemoryMapWidget::setSelectedChunk);
    connect(this, &MemoryMapWidget::chunkClicked, m_doc, &Document::setSelectedChunk);
    refreshFromDocument(true);
}

void MemoryMapWidget::refreshFromDocument(bool resetView)
{
    MapContent content = m_doc->simulation() ? MapContent::fromSimulation(*m_doc->simulation(), m_doc->state())
                                             : MapContent::fromPlatform(m_doc->placedPlatform());
    if (resetView) {
        setContent(std::move(content));
        zoomToRegions();
        return;
    }
    // Same project: keep the zoom and pan, within the extent of what is shown now (an edit may add or move banks).
    m_content = std::move(content);
    const std::uint64_t lo = m_content.lowestAddress();
    const std::uint64_t hi = std::max(m_content.highestAddress(), lo + 1);
    if (lo != m_axis.boundsBegin() || hi != m_axis.boundsEnd()) {
        const std::uint64_t begin = m_axis.viewBegin(), end = m_axis.viewEnd();
        m_axis.setBounds(lo, hi);
        updateAxisWidth();
        m_axis.setView(begin, end);
        Q_EMIT viewChanged();
    }
    layoutGrid();
    update();
    Q_EMIT contentChanged();
}

void MemoryMapWidget::setContent(MapContent content)
{
    m_content = std::move(content);
    m_axis.setBounds(m_content.lowestAddress(), std::max(m_content.highestAddress(), m_content.lowestAddress() + 1));
    updateAxisWidth();
    layoutGrid();
    update();
    Q_EMIT viewChanged();
    Q_EMIT contentChanged();
}

bool MemoryMapWidget::exportImage(const QString& path, QSize size)
{
    if (size.isEmpty())
        size = this->size();
    const QSize old = this->size();
    resize(size);
    bool ok = false;
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(tr("cmascope memory map"));
        QPainter painter;
        if (painter.begin(&svg)) {
            render(&painter);
            ok = painter.end();
        }
    } else {
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        image.fill(palette().color(QPalette::Base));
        {
            QPainter painter(&image);
            render(&painter);
        }
        ok = image.save(path);
    }
    resize(old);
    return ok;
}

void MemoryMapWidget::setLayoutMode(Layout layout)
{
    if (layout == m_layout)
        return;
    m_layout = layout;
    layoutGrid();
    update();
}

void MemoryMapWidget::setColourBy(ColourBy by)
{
    if (by == m_colourBy)
        return;
    m_colourBy = by;
    update();
    Q_EMIT contentChanged();
}

QVector<QPair<QString, QColor>> MemoryMapWidget::legend() const
{
    const MapStyle style(palette());
    const auto& names = m_colourBy == ColourBy::Device ? m_content.owners : m_content.kinds;
    QVector<QPair<QString, QColor>> out;
    for (int i = 0; i < names.size(); ++i)
        out.push_back({ names[i].isEmpty() ? tr("(no kind)") : names[i], style.ownerColor(i) });
    return out;
}

void MemoryMapWidget::setSelectedChunk(quint32 id)
{
    if (id == m_selected)
        return;
    m_selected = id;
    update();
}

QRectF MemoryMapWidget::plotRect() const
{
    return QRectF(kLeftMargin, kRulerHeight, std::max(1.0, width() - kLeftMargin - kRightMargin),
        std::max(1.0, height() - kRulerHeight));
}

void MemoryMapWidget::updateAxisWidth()
{
    m_axis.setPixelWidth(plotRect().width());
}

double MemoryMapWidget::trackHeight() const
{
    // Tracks share the height, within limits, so a single bank fills a good part of the view.
    const auto banks = std::max<qsizetype>(1, m_content.banks.size());
    const double available = (plotRect().height() - 24.0) / double(banks) - kTrackGap;
    return std::clamp(available * 0.6, kMinTrackHeight, kMaxTrackHeight);
}

QRectF MemoryMapWidget::trackRect(int bankIndex) const
{
    if (bankIndex < 0 || bankIndex >= m_content.banks.size())
        return {};
    const auto& b = m_content.banks[bankIndex];
    const QRectF plot = plotRect();
    const double x0 = std::max(plot.left() + m_axis.xForAddress(b.base), plot.left() - 1.0);
    const double x1 = std::min(plot.left() + m_axis.xForAddress(b.base + b.size), plot.right() + 1.0);
    const double th = trackHeight();
    const double y = plot.top() + kTrackGap / 2 + bankIndex * (th + kTrackGap);
    return QRectF(x0, y, std::max(0.0, x1 - x0), th);
}

void MemoryMapWidget::layoutGrid()
{
    m_grid.clear();
    if (m_layout != Layout::Grid || m_content.regions.isEmpty())
        return;
    // Each region gets a block of rows; a cell is one page (or, for large regions, several pages).
    const QRectF plot = plotRect().adjusted(0, 4, 0, -26); // room for the failure line at the bottom
    const int n = int(m_content.regions.size());
    const double blockHeight = plot.height() / n;
    for (int i = 0; i < n; ++i) {
        const auto& r = m_content.regions[i];
        GridGeometry g;
        const std::uint64_t pages = std::max<std::uint64_t>(1, r.size / r.pageSize);
        const double w = plot.width();
        const double h = std::max(8.0, blockHeight - 22.0);
        // The largest cell that fits all pages; below one pixel, several pages share a cell.
        double cell = std::floor(std::sqrt(w * h / double(pages)));
        g.pagesPerCell = 1;
        if (cell < 1.0) {
            cell = 1.0;
            g.pagesPerCell = std::uint64_t(std::ceil(double(pages) / (std::floor(w) * std::floor(h))));
        }
        cell = std::min(cell, 28.0);
        const std::uint64_t cells = (pages + g.pagesPerCell - 1) / g.pagesPerCell;
        g.columns = std::max(1, int(std::floor(w / cell)));
        g.rows = int((cells + std::uint64_t(g.columns) - 1) / std::uint64_t(g.columns));
        g.cell = cell;
        g.rect = QRectF(plot.left(), plot.top() + i * blockHeight + 18.0, g.columns * cell, g.rows * cell);
        m_grid.push_back(g);
    }
}

QRectF MemoryMapWidget::gridRect(int regionIndex) const
{
    return regionIndex >= 0 && regionIndex < m_grid.size() ? m_grid[regionIndex].rect : QRectF();
}

std::uint64_t MemoryMapWidget::addressAt(double x) const
{
    return m_axis.addressForX(x - plotRect().left());
}

std::optional<std::uint64_t> MemoryMapWidget::addressAtPos(QPointF pos) const
{
    if (m_layout == Layout::Linear)
        return addressAt(pos.x());
    for (int i = 0; i < m_grid.size(); ++i) {
        const auto& g = m_grid[i];
        if (!g.rect.contains(pos))
            continue;
        const int col = int((pos.x() - g.rect.left()) / g.cell);
        const int row = int((pos.y() - g.rect.top()) / g.cell);
        const std::uint64_t page =
            (std::uint64_t(row) * std::uint64_t(g.columns) + std::uint64_t(col)) * g.pagesPerCell;
        const auto& r = m_content.regions[i];
        if (page * r.pageSize >= r.size)
            return std::nullopt;
        return r.base + page * r.pageSize;
    }
    return std::nullopt;
}

int MemoryMapWidget::regionAt(QPointF pos) const
{
    if (m_layout == Layout::Grid) {
        for (int i = 0; i < m_grid.size(); ++i)
            if (m_grid[i].rect.contains(pos) && addressAtPos(pos))
                return i;
        return -1;
    }
    const std::uint64_t a = addressAt(pos.x());
    for (int i = 0; i < m_content.regions.size(); ++i) {
        const auto& r = m_content.regions[i];
        if (r.bank < 0)
            continue;
        const QRectF track = trackRect(r.bank);
        if (pos.y() < track.top() || pos.y() > track.bottom())
            continue;
        if (a >= r.base && a - r.base < r.size)
            return i;
    }
    return -1;
}

int MemoryMapWidget::chunkAt(QPointF pos) const
{
    const int region = regionAt(pos);
    if (region < 0)
        return -1;
    const auto address = addressAtPos(pos);
    if (!address)
        return -1;
    const std::uint64_t a = *address;
    // Half a pixel of slack so that chunks narrower than a pixel can still be hovered (linear layout).
    const auto slack = m_layout == Layout::Linear ? static_cast<std::uint64_t>(m_axis.bytesPerPixel() / 2) : 0;
    const auto& r = m_content.regions[region];
    const auto begin = m_content.chunks.begin() + r.firstChunk;
    const auto end = begin + r.chunkCount;
    // Chunks of a region are sorted by address: the candidate is the last one starting at or before a.
    auto it = std::upper_bound(begin, end, a + slack, [](std::uint64_t v, const MapChunk& c) { return v < c.base; });
    if (it == begin)
        return -1;
    --it;
    if (a < it->base + it->size + slack)
        return int(it - m_content.chunks.begin());
    return -1;
}

void MemoryMapWidget::zoomIn()
{
    m_axis.zoom(2.0, m_axis.pixelWidth() / 2);
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::zoomOut()
{
    m_axis.zoom(0.5, m_axis.pixelWidth() / 2);
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::fitAll()
{
    m_axis.fitAll();
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::zoomToRegions()
{
    std::uint64_t lo = UINT64_MAX, hi = 0;
    for (const auto& r : m_content.regions) {
        lo = std::min(lo, r.base);
        hi = std::max(hi, r.base + r.size);
    }
    if (lo >= hi) {
        fitAll();
        return;
    }
    const std::uint64_t margin = (hi - lo) / 20;
    m_axis.setView(lo > margin ? lo - margin : 0, hi + margin);
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::zoomToBank(int bankIndex)
{
    if (bankIndex < 0 || bankIndex >= m_content.banks.size() || m_layout != Layout::Linear)
        return;
    const auto& b = m_content.banks[bankIndex];
    m_axis.setView(b.base, b.base + b.size);
    update();
    Q_EMIT viewChanged();
}

QString MemoryMapWidget::bankLabelText(int bankIndex) const
{
    if (bankIndex < 0 || bankIndex >= m_content.banks.size())
        return {};
    // Names like "memory@800000000" differ at their end: elide in the middle (the tooltip has the full name).
    return fontMetrics().elidedText(m_content.banks[bankIndex].name, Qt::ElideMiddle, int(kLeftMargin - 12));
}

QString MemoryMapWidget::emptyMessage() const
{
    if (!m_content.banks.isEmpty())
        return {};
    if (!m_content.unplaced.isEmpty())
        return tr("This board has no memory banks, so its %n region(s) cannot be placed.\n\n"
                  "A device tree whose /memory node the bootloader fills in at boot (as on the Raspberry Pi 4) "
                  "describes no memory. Import it again and give the board's DRAM size when asked "
                  "(cmascope-cli import --memory SIZE[@BASE]), or add a bank in the Banks table.",
            nullptr, int(m_content.unplaced.size()));
    return tr("No memory banks defined: add a bank in the Banks table, or import a board.");
}

QString MemoryMapWidget::bankToolTip(int bankIndex) const
{
    if (bankIndex < 0 || bankIndex >= m_content.banks.size())
        return {};
    const auto& b = m_content.banks[bankIndex];
    return tr("%1: %2–%3, %4. Double-click to show this bank whole.")
        .arg(b.name, hexString(b.base), hexString(b.base + b.size), sizeString(b.size));
}

int MemoryMapWidget::bankLabelAt(QPointF pos) const
{
    if (m_layout != Layout::Linear || pos.x() < 0 || pos.x() >= plotRect().left())
        return -1;
    for (int i = 0; i < m_content.banks.size(); ++i) {
        const QRectF track = trackRect(i);
        if (pos.y() >= track.top() && pos.y() <= track.bottom())
            return i;
    }
    return -1;
}

void MemoryMapWidget::setView(quint64 begin, quint64 end)
{
    m_axis.setView(begin, end);
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::zoomToRegion(int regionIndex)
{
    if (regionIndex < 0 || regionIndex >= m_content.regions.size())
        return;
    const auto& r = m_content.regions[regionIndex];
    const std::uint64_t margin = r.size / 50;
    m_axis.setView(r.base > margin ? r.base - margin : 0, r.base + r.size + margin);
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    updateAxisWidth();
    layoutGrid();
}

void MemoryMapWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const MapStyle style(palette());
    p.fillRect(rect(), style.background);
    if (const QString empty = emptyMessage(); !empty.isEmpty()) {
        // Nothing to draw on an axis: say why and what to do instead of a ruler reading pfn 0x0.
        p.setPen(style.text);
        p.drawText(rect().adjusted(40, 40, -40, -40), Qt::AlignCenter | Qt::TextWordWrap, empty);
        return;
    }
    if (m_layout == Layout::Linear) {
        paintRuler(p, style);
        paintLinear(p, style);
    } else {
        paintGrid(p, style);
    }
    if (!m_content.ghostText.isEmpty()) {
        p.setPen(style.failure);
        p.drawText(QRectF(kLeftMargin, height() - 22, width() - kLeftMargin - kRightMargin, 20),
            Qt::AlignLeft | Qt::AlignVCenter, m_content.ghostText);
    }
}

void MemoryMapWidget::paintRuler(QPainter& p, const MapStyle& style)
{
    const QRectF plot = plotRect();
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    p.setFont(small);
    const double bpp = m_axis.bytesPerPixel();
    std::uint64_t step = 1;
    while (step < bpp * 120 && step < (std::uint64_t(1) << 62))
        step <<= 1;
    const std::uint64_t first = (m_axis.viewBegin() + step - 1) / step * step;
    p.setPen(style.grid);
    p.drawLine(QPointF(plot.left(), kRulerHeight - 4), QPointF(plot.right(), kRulerHeight - 4));
    const double lineHeight = p.fontMetrics().height();
    for (std::uint64_t a = first; a < m_axis.viewEnd() && a >= first; a += step) {
        const double x = plot.left() + m_axis.xForAddress(a);
        p.setPen(style.grid);
        p.drawLine(QPointF(x, kRulerHeight - 8), QPointF(x, height()));
        p.setPen(style.text);
        p.drawText(QRectF(x - 70, 1, 140, lineHeight), Qt::AlignHCenter | Qt::AlignTop, hexString(a));
        p.setPen(style.mutedText);
        p.drawText(QRectF(x - 70, 1 + lineHeight, 140, lineHeight), Qt::AlignHCenter | Qt::AlignTop,
            QStringLiteral("pfn %1").arg(hexString(a / std::max<std::uint64_t>(1, m_content.pageSize))));
    }
    p.setFont(font());
}

void MemoryMapWidget::paintLinear(QPainter& p, const MapStyle& style)
{
    const QRectF plot = plotRect();
    p.save();
    p.setClipRect(QRectF(plot.left(), 0, plot.width(), height()));
    for (int bi = 0; bi < m_content.banks.size(); ++bi) {
        const QRectF track = trackRect(bi);
        if (track.width() <= 0)
            continue;
        p.fillRect(track, style.freeMemory);
        p.setPen(style.trackBorder);
        p.drawRect(track.adjusted(0.5, 0.5, -0.5, -0.5));
    }
    for (const auto& r : m_content.regions) {
        if (r.bank < 0)
            continue;
        const QRectF track = trackRect(r.bank);
        const double x0 = plot.left() + m_axis.xForAddress(r.base);
        const double x1 = plot.left() + m_axis.xForAddress(r.base + r.size);
        QRectF rr(x0, track.top() + 4, std::max(1.0, x1 - x0), track.height() - 8);
        rr = rr.intersected(QRectF(plot.left() - 2, rr.top(), plot.width() + 4, rr.height()));
        if (rr.isEmpty())
            continue;
        if (r.carveout)
            p.fillRect(rr, QBrush(style.carveout, Qt::BDiagPattern));
        else
            p.fillRect(rr, style.regionFill);
        const QRectF chunkArea(rr.left(), track.top() + kChunkTop, rr.width(), track.height() - kChunkTop - 6);
        if (!r.carveout)
            paintRegionChunks(p, style, r, chunkArea);
        p.setPen(QPen(style.regionBorder, 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawRect(rr);
        if (rr.width() > 24) {
            p.setPen(style.text);
            p.drawText(rr.adjusted(4, 1, -4, -2), Qt::AlignLeft | Qt::AlignTop,
                p.fontMetrics().elidedText(r.name, Qt::ElideRight, int(rr.width() - 8)));
        }
    }
    // Pinned pages, the largest hole and the ghost of a failed request on top.
    for (const auto& pin : m_content.pinned) {
        const auto& r = m_content.regions[pin.region];
        const QRectF track = trackRect(r.bank);
        const double x0 = plot.left() + m_axis.xForAddress(pin.base);
        const double x1 = plot.left() + m_axis.xForAddress(pin.base + pin.size);
        p.fillRect(QRectF(x0, track.bottom() - 8, std::max(2.0, x1 - x0), 5), QBrush(style.failure, Qt::Dense4Pattern));
    }
    if (m_content.largestHole) {
        const auto& h = *m_content.largestHole;
        const auto& r = m_content.regions[h.region];
        paintOverlays(p, style, h, trackRect(r.bank));
    }
    if (m_content.ghost) {
        const auto& g = *m_content.ghost;
        const auto& r = m_content.regions[g.region];
        const QRectF track = trackRect(r.bank);
        const double x0 = plot.left() + m_axis.xForAddress(g.base);
        const double x1 = plot.left() + m_axis.xForAddress(g.base + g.size);
        const QRectF gr(x0, track.top() + kChunkTop - 6, std::max(3.0, x1 - x0), track.height() - kChunkTop);
        QColor fill = style.failure;
        fill.setAlphaF(0.25f);
        p.fillRect(gr, fill);
        p.setPen(QPen(style.failure, 2.0, Qt::DashLine));
        p.setBrush(Qt::NoBrush);
        p.drawRect(gr);
    }
    p.restore();

    // Bank labels in the left margin.
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    for (int bi = 0; bi < m_content.banks.size(); ++bi) {
        const auto& b = m_content.banks[bi];
        const double th = trackHeight();
        const double y = plot.top() + kTrackGap / 2 + bi * (th + kTrackGap);
        p.setFont(font());
        p.setPen(style.text);
        p.drawText(QRectF(6, y, kLeftMargin - 12, th / 2), Qt::AlignLeft | Qt::AlignBottom, bankLabelText(bi));
        p.setFont(small);
        p.setPen(style.mutedText);
        p.drawText(QRectF(6, y + th / 2, kLeftMargin - 12, th / 2), Qt::AlignLeft | Qt::AlignTop, sizeString(b.size));
    }
    p.setFont(font());
}

void MemoryMapWidget::paintOverlays(QPainter& p, const MapStyle& style, const MapRange& range, const QRectF& track)
{
    const QRectF plot = plotRect();
    const double x0 = plot.left() + m_axis.xForAddress(range.base);
    const double x1 = plot.left() + m_axis.xForAddress(range.base + range.size);
    p.setPen(QPen(style.highlight, 2.0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRectF(x0, track.top() + kChunkTop - 2, std::max(2.0, x1 - x0), track.height() - kChunkTop - 2));
}

void MemoryMapWidget::paintRegionChunks(QPainter& p, const MapStyle& style, const MapRegion& r, const QRectF& area)
{
    if (r.chunkCount == 0 || area.width() <= 0)
        return;
    const QRectF plot = plotRect();
    const auto begin = m_content.chunks.cbegin() + r.firstChunk;
    const auto end = begin + r.chunkCount;
    // Visible chunks only: binary search the view window.
    const std::uint64_t viewBegin = m_axis.viewBegin();
    const std::uint64_t viewEnd = m_axis.viewEnd();
    auto first = std::lower_bound(
        begin, end, viewBegin, [](const MapChunk& c, std::uint64_t v) { return c.base + c.size <= v; });
    auto last = std::lower_bound(first, end, viewEnd, [](const MapChunk& c, std::uint64_t v) { return c.base < v; });
    const qsizetype visible = last - first;
    if (visible == 0)
        return;
    const double bpp = m_axis.bytesPerPixel();
    const double left = std::max(area.left(), plot.left());
    const double right = std::min(area.right(), plot.right());
    if (right <= left)
        return;

    // Detailed drawing when chunks are few enough to be told apart.
    if (double(visible) * 3.0 <= right - left) {
        for (auto it = first; it != last; ++it) {
            const double x0 = plot.left() + m_axis.xForAddress(it->base);
            const double x1 = plot.left() + m_axis.xForAddress(it->base + it->size);
            const QRectF cr(x0, area.top(), std::max(1.0, x1 - x0), area.height());
            p.fillRect(cr, style.ownerColor(colourKey(*it)));
            if (cr.width() >= 6) {
                p.setPen(style.background);
                p.drawLine(cr.topRight(), cr.bottomRight());
            }
            if (it->id == m_selected) {
                p.setPen(QPen(style.text, 2.0));
                p.setBrush(Qt::NoBrush);
                p.drawRect(cr.adjusted(-1, -1, 1, 1));
            }
        }
        return;
    }

    // Level of detail: one device pixel column at a time. Each column gets the colour of the owner with
    // the largest single share in it, blended with free space by the share of the column in use (never
    // below 40%, so a single page stays visible in a column of megabytes).
    const qreal dpr = devicePixelRatioF();
    const int columns = std::max(1, int(std::ceil((right - left) * dpr)));
    if (m_scanline.width() < columns)
        m_scanline = QImage(columns, 1, QImage::Format_ARGB32_Premultiplied);
    auto* pixels = reinterpret_cast<QRgb*>(m_scanline.scanLine(0));
    thread_local std::vector<double> used;
    thread_local std::vector<double> bestShare;
    thread_local std::vector<int> bestKey;
    used.assign(std::size_t(columns), 0.0);
    bestShare.assign(std::size_t(columns), 0.0);
    bestKey.assign(std::size_t(columns), -1);
    const double colBytes = bpp / dpr;
    const double columnOrigin = m_axis.viewBegin() + (left - plot.left()) * bpp; // address at column 0
    int selectedFirst = -1, selectedLast = -1;
    for (auto it = first; it != last; ++it) {
        const double a0 = std::max(double(it->base), columnOrigin);
        const double a1 = std::min(double(it->base + it->size), columnOrigin + columns * colBytes);
        if (a1 <= a0)
            continue;
        int c0 = std::clamp(int((a0 - columnOrigin) / colBytes), 0, columns - 1);
        const int c1 = std::clamp(int((a1 - columnOrigin) / colBytes), 0, columns - 1);
        const int key = colourKey(*it);
        for (int c = c0; c <= c1; ++c) {
            const double cs = columnOrigin + c * colBytes;
            const double share = std::min(a1, cs + colBytes) - std::max(a0, cs);
            used[std::size_t(c)] += share;
            if (share > bestShare[std::size_t(c)]) {
                bestShare[std::size_t(c)] = share;
                bestKey[std::size_t(c)] = key;
            }
        }
        if (it->id == m_selected) {
            selectedFirst = c0;
            selectedLast = c1;
        }
    }
    const QColor freeColour = style.regionFill;
    for (int c = 0; c < columns; ++c) {
        if (bestKey[std::size_t(c)] < 0) {
            pixels[c] = freeColour.rgba();
            continue;
        }
        const double fraction = std::clamp(used[std::size_t(c)] / colBytes, 0.0, 1.0);
        pixels[c] = blend(freeColour, style.ownerColor(bestKey[std::size_t(c)]), 0.4 + 0.6 * fraction).rgba();
    }
    p.drawImage(QRectF(left, area.top(), right - left, area.height()), m_scanline, QRectF(0, 0, columns, 1));
    if (selectedFirst >= 0) {
        p.setPen(QPen(style.text, 2.0));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(left + selectedFirst / dpr - 1, area.top() - 1, (selectedLast - selectedFirst + 1) / dpr + 2,
            area.height() + 2));
    }
}

void MemoryMapWidget::paintGrid(QPainter& p, const MapStyle& style)
{
    for (int i = 0; i < m_grid.size() && i < m_content.regions.size(); ++i) {
        const auto& g = m_grid[i];
        const auto& r = m_content.regions[i];
        p.setPen(style.text);
        p.drawText(QRectF(6, g.rect.top() - 18, width() - 12, 16), Qt::AlignLeft | Qt::AlignVCenter,
            tr("%1 — %2, %3 pages%4")
                .arg(r.name, hexString(r.base))
                .arg(r.size / r.pageSize)
                .arg(g.pagesPerCell > 1 ? tr(", %1 pages per cell").arg(g.pagesPerCell) : QString()));
        // One pixel per cell, then scaled up without smoothing: the cost follows the cells.
        QImage cells(g.columns, g.rows, QImage::Format_ARGB32_Premultiplied);
        const std::uint64_t pages = r.size / r.pageSize;
        const std::uint64_t totalCells = (pages + g.pagesPerCell - 1) / g.pagesPerCell;
        const std::uint64_t columns = std::uint64_t(g.columns);
        // Cells as one linear array: row-major, so cell i is pixel i when the image has no row padding
        // (32-bit pixels: bytesPerLine == 4 * width).
        auto* px = reinterpret_cast<QRgb*>(cells.bits());
        const std::uint64_t allCells = columns * std::uint64_t(g.rows);
        std::fill(px, px + totalCells, (r.carveout ? style.carveout : style.freeMemory).rgba());
        std::fill(px + totalCells, px + allCells, style.background.rgba());
        auto paintPages = [&](std::uint64_t firstPage, std::uint64_t count, QRgb colour) {
            const std::uint64_t c0 = std::min(firstPage / g.pagesPerCell, totalCells);
            const std::uint64_t c1 = std::min((firstPage + count + g.pagesPerCell - 1) / g.pagesPerCell, totalCells);
            std::fill(px + c0, px + std::max(c0, c1), colour);
        };
        for (int ci = r.firstChunk; ci < r.firstChunk + r.chunkCount; ++ci) {
            const auto& c = m_content.chunks[ci];
            paintPages((c.base - r.base) / r.pageSize, c.size / r.pageSize, style.ownerColor(colourKey(c)).rgba());
        }
        for (const auto& pin : m_content.pinned)
            if (pin.region == i)
                paintPages((pin.base - r.base) / r.pageSize, pin.size / r.pageSize, style.failure.rgba());
        p.drawImage(g.rect, cells);
        if (g.cell >= 6) {
            p.setPen(style.background);
            for (int col = 0; col <= g.columns; ++col)
                p.drawLine(QPointF(g.rect.left() + col * g.cell, g.rect.top()),
                    QPointF(g.rect.left() + col * g.cell, g.rect.bottom()));
            for (int row = 0; row <= g.rows; ++row)
                p.drawLine(QPointF(g.rect.left(), g.rect.top() + row * g.cell),
                    QPointF(g.rect.right(), g.rect.top() + row * g.cell));
        }
        // The selected chunk and the ghost as outlines of their cells' rows.
        auto outline = [&](std::uint64_t base, std::uint64_t size, const QPen& pen) {
            const std::uint64_t c0 = std::min((base - r.base) / r.pageSize / g.pagesPerCell, totalCells);
            const std::uint64_t c1 =
                std::min(((base - r.base + size) / r.pageSize + g.pagesPerCell - 1) / g.pagesPerCell, totalCells);
            p.setPen(pen);
            p.setBrush(Qt::NoBrush);
            for (std::uint64_t row = c0 / std::uint64_t(g.columns); row * std::uint64_t(g.columns) < c1; ++row) {
                const std::uint64_t s = std::max(c0, row * std::uint64_t(g.columns));
                const std::uint64_t e = std::min(c1, (row + 1) * std::uint64_t(g.columns));
                p.drawRect(QRectF(g.rect.left() + double(s % std::uint64_t(g.columns)) * g.cell,
                    g.rect.top() + double(row) * g.cell, double(e - s) * g.cell, g.cell));
            }
        };
        for (int ci = r.firstChunk; ci < r.firstChunk + r.chunkCount; ++ci)
            if (m_content.chunks[ci].id == m_selected)
                outline(m_content.chunks[ci].base, m_content.chunks[ci].size, QPen(style.text, 2.0));
        if (m_content.ghost && m_content.ghost->region == i)
            outline(m_content.ghost->base, m_content.ghost->size, QPen(style.failure, 2.0, Qt::DashLine));
    }
}

QString MemoryMapWidget::describe(QPointF pos) const
{
    const auto address = addressAtPos(pos);
    if (!address)
        return {};
    const std::uint64_t a = *address;
    QString text =
        QStringLiteral("%1 (pfn %2)").arg(hexString(a), hexString(a / std::max<std::uint64_t>(1, m_content.pageSize)));
    const int ri = regionAt(pos);
    if (ri >= 0) {
        const auto& r = m_content.regions[ri];
        text += QStringLiteral(" — %1 [%2–%3) %4%5")
                    .arg(r.name, hexString(r.base), hexString(r.base + r.size), sizeString(r.size),
                        r.carveout ? tr(", carve-out") : QStringLiteral(", policy %1").arg(r.policy));
        const int ci = chunkAt(pos);
        if (ci >= 0) {
            const auto& c = m_content.chunks[ci];
            const QString who = m_content.describeChunk ? m_content.describeChunk(c.id) : QString();
            text += QStringLiteral("\n%1: [%2–%3) %4, pfn %5–%6")
                        .arg(who.isEmpty() ? tr("chunk") : who, hexString(c.base), hexString(c.base + c.size),
                            sizeString(c.size), hexString(c.base / r.pageSize),
                            hexString((c.base + c.size) / r.pageSize - 1));
        }
    }
    return text;
}

bool MemoryMapWidget::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        if (const int bank = bankLabelAt(he->pos()); bank >= 0) {
            QToolTip::showText(he->globalPos(), bankToolTip(bank), this);
        } else if (regionAt(he->pos()) >= 0) {
            QToolTip::showText(he->globalPos(), describe(he->pos()), this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(e);
}

void MemoryMapWidget::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0.0 || m_layout != Layout::Linear)
        return;
    m_axis.zoom(std::pow(1.25, steps), event->position().x() - plotRect().left());
    update();
    Q_EMIT viewChanged();
    event->accept();
}

void MemoryMapWidget::mousePressEvent(QMouseEvent* event)
{
    m_pressPos = event->position();
    m_lastDragPos = event->position();
    m_dragMoved = false;
    // Shift+drag or a right-button drag draws a rubber band to zoom to; Ctrl+drag draws a new region on a
    // bank; a left drag pans.
    const bool ctrl = event->button() == Qt::LeftButton && (event->modifiers() & Qt::ControlModifier);
    if (m_layout == Layout::Linear
        && (ctrl || event->button() == Qt::RightButton
            || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier)))) {
        m_rubberBanding = true;
        m_drawingRegion = ctrl;
        if (!m_rubberBand)
            m_rubberBand = new QRubberBand(QRubberBand::Rectangle, this);
        m_rubberBand->setGeometry(QRect(event->position().toPoint(), QSize(1, height())));
        m_rubberBand->show();
        return;
    }
    if (event->button() == Qt::LeftButton)
        m_dragging = true;
}

void MemoryMapWidget::mouseMoveEvent(QMouseEvent* event)
{
    if (m_rubberBanding) {
        const double x0 = std::min(m_pressPos.x(), event->position().x());
        const double x1 = std::max(m_pressPos.x(), event->position().x());
        m_rubberBand->setGeometry(
            QRect(int(x0), int(kRulerHeight), std::max(1, int(x1 - x0)), int(height() - kRulerHeight)));
        return;
    }
    if (m_dragging && !m_dragMoved && (event->position() - m_pressPos).manhattanLength() >= 4) {
        m_dragMoved = true;
        setCursor(Qt::ClosedHandCursor);
    }
    if (m_dragging && m_dragMoved && m_layout == Layout::Linear) {
        const double dx = event->position().x() - m_lastDragPos.x();
        m_lastDragPos = event->position();
        m_axis.panPixels(-dx);
        update();
        Q_EMIT viewChanged();
    }
    const auto address = addressAtPos(event->position());
    Q_EMIT hoveredAddressChanged(address.value_or(0), describe(event->position()));
}

void MemoryMapWidget::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_rubberBanding) {
        m_rubberBanding = false;
        m_rubberBand->hide();
        const double x0 = std::min(m_pressPos.x(), event->position().x());
        const double x1 = std::max(m_pressPos.x(), event->position().x());
        if (x1 - x0 < 4)
            return;
        const std::uint64_t a0 = addressAt(x0);
        const std::uint64_t a1 = addressAt(x1);
        if (m_drawingRegion) {
            // Only inside the bank under the press: clamp the range to it.
            for (int bi = 0; bi < m_content.banks.size(); ++bi) {
                const QRectF track = trackRect(bi);
                if (m_pressPos.y() < track.top() || m_pressPos.y() > track.bottom())
                    continue;
                const auto& b = m_content.banks[bi];
                const std::uint64_t lo = std::max<std::uint64_t>(a0, b.base);
                const std::uint64_t hi = std::min<std::uint64_t>(a1, b.base + b.size);
                if (hi > lo)
                    Q_EMIT regionDrawn(lo, hi - lo);
            }
            return;
        }
        m_axis.setView(a0, a1);
        update();
        Q_EMIT viewChanged();
        return;
    }
    if (event->button() == Qt::LeftButton && m_dragging) {
        m_dragging = false;
        unsetCursor();
        if (!m_dragMoved) {
            // A click, not a drag: select the chunk under the cursor (or clear the selection).
            const int ci = chunkAt(event->position());
            const quint32 id = ci >= 0 ? m_content.chunks[ci].id : kNone;
            setSelectedChunk(id);
            Q_EMIT chunkClicked(id);
        }
    }
}

void MemoryMapWidget::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (const int bank = bankLabelAt(event->position()); bank >= 0) {
        zoomToBank(bank);
        return;
    }
    const int ri = regionAt(event->position());
    if (ri >= 0 && m_layout == Layout::Linear)
        zoomToRegion(ri);
}

void MemoryMapWidget::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
        zoomOut();
        break;
    case Qt::Key_0:
        fitAll();
        break;
    case Qt::Key_Left:
        m_axis.panPixels(-m_axis.pixelWidth() / 8);
        update();
        Q_EMIT viewChanged();
        break;
    case Qt::Key_Right:
        m_axis.panPixels(m_axis.pixelWidth() / 8);
        update();
        Q_EMIT viewChanged();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace cmascope::views
