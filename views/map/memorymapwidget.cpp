// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/memorymapwidget.h"

#include "common/document.h"
#include "common/textformat.h"
#include "map/mapbusy.h"
#include "map/mapstyle.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace cmascope::views {

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
    // A kernel trace: the windows its request at this step found busy (docs/map-traces.md).
    if (const auto step = m_doc->currentStep(); step && m_doc->simulation() && m_doc->replay())
        addBusyWindows(content, *m_doc->replay(), *step);
    if (resetView) {
        // A new project gets its own axis (docs/memory-map.md); its saved view state may choose one after.
        m_automaticAxis = true;
        setContent(std::move(content));
        zoomToRegions();
        return;
    }
    updateContent(std::move(content));
}

void MemoryMapWidget::updateContent(MapContent content)
{
    // Same project: keep the zoom and pan, within the extent of what is shown now (an edit may add or move banks).
    m_content = std::move(content);
    if (m_axis.updateContent(m_content))
        Q_EMIT viewChanged();
    // The names may have changed (an edit): the label margin follows them.
    m_leftMargin = MapGeometry::leftMarginFor(m_content, m_axis.mode(), font());
    updateAxisWidth();
    update();
    Q_EMIT contentChanged();
}

void MemoryMapWidget::setContent(MapContent content)
{
    m_content = std::move(content);
    AxisMode mode = m_axis.mode();
    if (m_automaticAxis)
        mode = MapAxis::suggestedMode(m_content, suggestionWidth());
    const bool modeChanged = mode != m_axis.mode();
    resetAxis(mode);
    update();
    Q_EMIT viewChanged();
    Q_EMIT contentChanged();
    if (modeChanged)
        Q_EMIT axisModeChanged();
}

double MemoryMapWidget::suggestionWidth() const
{
    // Before the window is laid out the widget has its default size: judge at a typical width instead.
    return isVisible() ? MapGeometry::plotRect(size()).width() : 1400.0;
}

void MemoryMapWidget::resetAxis(AxisMode mode)
{
    m_axis.setContent(m_content, mode);
    m_leftMargin = MapGeometry::leftMarginFor(m_content, mode, font());
    updateAxisWidth();
}

void MemoryMapWidget::setAxisMode(AxisMode mode)
{
    m_automaticAxis = false;
    switchAxis(mode);
}

void MemoryMapWidget::setAutomaticAxis(bool automatic)
{
    m_automaticAxis = automatic;
    if (automatic)
        switchAxis(MapAxis::suggestedMode(m_content, suggestionWidth()));
}

void MemoryMapWidget::switchAxis(AxisMode mode)
{
    if (mode == m_axis.mode())
        return;
    resetAxis(mode);
    zoomToRegions();
    Q_EMIT axisModeChanged();
}

void MemoryMapWidget::viewUpdated()
{
    update();
    Q_EMIT viewChanged();
}

bool MemoryMapWidget::exportImage(const QString& path, QSize size)
{
    if (size.isEmpty())
        size = this->size();
    // The view as it is, at the export's width.
    MapAxis axis = m_axis;
    axis.setPixelWidth(MapGeometry::plotRect(size, m_leftMargin).width());
    const MapGeometry geometry(m_content, axis, m_layout, size, m_leftMargin);
    const MapStyle style(palette());
    return painterFor(geometry, style).writeFile(path);
}

void MemoryMapWidget::setLayoutMode(Layout layout)
{
    if (layout == m_layout)
        return;
    m_layout = layout;
    update();
    Q_EMIT contentChanged();
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

void MemoryMapWidget::updateAxisWidth()
{
    m_axis.setPixelWidth(MapGeometry::plotRect(size(), m_leftMargin).width());
}

QRectF MemoryMapWidget::trackRect(int track) const
{
    return mapGeometry().trackRect(track);
}

double MemoryMapWidget::xFor(int regionIndex, quint64 address) const
{
    return mapGeometry().xFor(regionIndex, address);
}

QRectF MemoryMapWidget::gridRect(int regionIndex) const
{
    return mapGeometry().gridRect(regionIndex);
}

std::uint64_t MemoryMapWidget::addressAt(double x) const
{
    return mapGeometry().addressAt(x);
}

std::optional<std::uint64_t> MemoryMapWidget::addressAtPos(QPointF pos) const
{
    return mapGeometry().addressAtPos(pos);
}

int MemoryMapWidget::regionAt(QPointF pos) const
{
    return mapGeometry().regionAt(pos);
}

int MemoryMapWidget::chunkAt(QPointF pos) const
{
    return mapGeometry().chunkAt(pos);
}

void MemoryMapWidget::zoomIn()
{
    m_axis.view().zoom(2.0, m_axis.pixelWidth() / 2);
    viewUpdated();
}

void MemoryMapWidget::zoomOut()
{
    m_axis.view().zoom(0.5, m_axis.pixelWidth() / 2);
    viewUpdated();
}

void MemoryMapWidget::fitAll()
{
    m_axis.view().fitAll();
    viewUpdated();
}

void MemoryMapWidget::zoomToRegions()
{
    // The compact axis has already dropped the space between regions, and per area each is whole.
    const auto view = m_content.regionsView();
    if (view && m_axis.mode() == AxisMode::Physical)
        m_axis.showRange(view->first, view->second);
    else
        m_axis.view().fitAll();
    viewUpdated();
}

void MemoryMapWidget::zoomToBank(int bankIndex)
{
    if (bankIndex < 0 || bankIndex >= m_content.banks.size() || m_layout != Layout::Linear)
        return;
    const auto& b = m_content.banks[bankIndex];
    if (m_axis.mode() == AxisMode::PerArea)
        m_axis.view().fitAll();
    else
        m_axis.showRange(b.base, b.base + b.size);
    viewUpdated();
}

QString MemoryMapWidget::labelText(int track) const
{
    const MapGeometry geometry = mapGeometry();
    if (track < 0 || track >= geometry.tracks().size())
        return {};
    return MapPainter::labelText(geometry.trackName(track), font(), m_leftMargin);
}

QString MemoryMapWidget::emptyMessage() const
{
    return MapPainter::emptyMessage(m_content);
}

QString MemoryMapWidget::labelToolTip(int track) const
{
    const MapGeometry geometry = mapGeometry();
    if (track < 0 || track >= geometry.tracks().size())
        return {};
    const MapTrack& t = geometry.tracks()[track];
    if (t.region >= 0) {
        const auto& r = m_content.regions[t.region];
        const QString bank = t.bank >= 0 ? tr(", in %1").arg(m_content.banks[t.bank].name) : QString();
        return tr("%1: %2–%3, %4%5.")
            .arg(r.name, hexString(r.base), hexString(r.base + r.size), sizeString(r.size), bank);
    }
    const auto& b = m_content.banks[t.bank];
    return tr("%1: %2–%3, %4. Double-click to show this bank whole.")
        .arg(b.name, hexString(b.base), hexString(b.base + b.size), sizeString(b.size));
}

QString MemoryMapWidget::breakToolTip(const FoldSegment& gap)
{
    return tr("%1–%2: %3 without a region, collapsed (compact axis). View ▸ Map Axis ▸ Physical shows it to scale.")
        .arg(hexString(gap.physBegin), hexString(gap.physEnd), sizeString(gap.physEnd - gap.physBegin));
}

int MemoryMapWidget::labelAt(QPointF pos) const
{
    return mapGeometry().labelAt(pos);
}

void MemoryMapWidget::setView(quint64 begin, quint64 end)
{
    // Per area, the share of the area holding begin.
    int region = -1;
    for (int i = 0; i < m_content.regions.size() && m_axis.mode() == AxisMode::PerArea; ++i)
        if (begin >= m_content.regions[i].base && begin - m_content.regions[i].base < m_content.regions[i].size)
            region = i;
    if (m_axis.mode() == AxisMode::PerArea && region < 0)
        return;
    m_axis.showRange(begin, end, region);
    viewUpdated();
}

void MemoryMapWidget::setAxisView(quint64 begin, quint64 end)
{
    m_axis.view().setView(begin, end);
    viewUpdated();
}

void MemoryMapWidget::zoomToRegion(int regionIndex)
{
    if (regionIndex < 0 || regionIndex >= m_content.regions.size())
        return;
    const auto& r = m_content.regions[regionIndex];
    const std::uint64_t margin = r.size / 50;
    if (m_axis.mode() == AxisMode::PerArea)
        m_axis.view().fitAll();
    else
        m_axis.showRange(r.base > margin ? r.base - margin : 0, r.base + r.size + margin);
    viewUpdated();
}

void MemoryMapWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    updateAxisWidth();
}

MapPainter MemoryMapWidget::painterFor(const MapGeometry& geometry, const MapStyle& style) const
{
    MapPainter painter(m_content, geometry, style, font());
    painter.setColourBy(m_colourBy);
    painter.setSelectedChunk(m_selected);
    painter.setDevicePixelRatio(devicePixelRatioF());
    return painter;
}

void MemoryMapWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const MapStyle style(palette());
    const MapGeometry geometry = mapGeometry();
    const MapPainter painter = painterFor(geometry, style);
    painter.paint(p);
    if (painter.densityShown() != m_densityShown) {
        m_densityShown = painter.densityShown();
        Q_EMIT densityShownChanged();
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
        if (m_layout == Layout::Grid)
            text += gridCellText(pos);
        const int ci = chunkAt(pos);
        if (ci >= 0) {
            const auto& c = m_content.chunks[ci];
            const QString who = m_content.describeChunk ? m_content.describeChunk(c.id) : QString();
            text += QStringLiteral("\n%1: [%2–%3) %4, pfn %5–%6")
                        .arg(who.isEmpty() ? tr("chunk") : who, hexString(c.base), hexString(c.base + c.size),
                            sizeString(c.size), hexString(c.base / r.pageSize),
                            hexString((c.base + c.size) / r.pageSize - 1));
            if (const QString held = m_content.heldText(ci); !held.isEmpty())
                text += QLatin1Char('\n') + held;
        }
        if (const QString busy = busyWindowText(m_content, ri, a); !busy.isEmpty())
            text += QLatin1Char('\n') + busy;
        if (!m_hint.isEmpty())
            text += QLatin1Char('\n') + m_hint;
    }
    return text;
}

QString MemoryMapWidget::gridCellText(QPointF pos) const
{
    // A cell of several pages (docs/map-grid.md): its page range and how much of it is in use.
    const MapGeometry geometry = mapGeometry();
    const auto cell = geometry.gridLayout().cellAt(pos);
    if (!cell || geometry.grids()[cell->region].pagesPerCell <= 1)
        return {};
    const auto& r = m_content.regions[cell->region];
    const MapGridCellUse use = geometry.gridLayout().use(*cell);
    QString text = tr("\ncell of %1 pages, pfn %2–%3, %4 in use")
                       .arg(cell->pages)
                       .arg(hexString(cell->base / r.pageSize), hexString((cell->base + cell->size) / r.pageSize - 1))
                       .arg(use.used);
    if (use.held > 0)
        text += tr(" (%1 held beyond the request)").arg(use.held);
    if (use.pinned > 0)
        text += tr(", %1 pinned").arg(use.pinned);
    return text;
}

} // namespace cmascope::views
