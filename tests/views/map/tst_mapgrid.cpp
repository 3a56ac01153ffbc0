// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map's block grid (views/map/mapgrid.h, docs/map-grid.md): cell size and pages per cell for
// small to huge regions at common window sizes, hit tests, the shading of cells of several pages, and the
// map widget's text for such a cell.
#include "map/mapcontent.h"
#include "map/mapgeometry.h"
#include "map/mapgrid.h"
#include "map/mapgridpainter.h"
#include "map/mappainter.h"
#include "map/mapstyle.h"
#include "map/memorymapwidget.h"
#include "support/mapcontents.h"

#include <QApplication>
#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>

#include <bit>

using namespace cmascope;
using namespace cmascope::views;

namespace {

constexpr std::uint64_t kPage = 4096;

/// One region "cma" of @p pages pages at 0x40000000 (pfn 0x40000), in a bank of the same size.
MapContent regionOfPages(std::uint64_t pages)
{
    MapContent c = test::oneRegionMap(pages * kPage, pages * kPage);
    c.owners = { QStringLiteral("a"), QStringLiteral("b") };
    return c;
}

void addChunk(MapContent& c, std::uint64_t firstPage, std::uint64_t pages, int owner, std::uint64_t requestedPages = 0)
{
    const auto& r = c.regions[0];
    c.chunks.push_back(
        { r.base + firstPage * kPage, pages * kPage, 0, owner, 0, quint32(c.chunks.size()), requestedPages * kPage });
    c.regions[0].chunkCount = int(c.chunks.size());
}

/// The grid of @p content in a map of @p size, as the widget and `cmascope-cli render` lay it out.
MapGeometry gridGeometry(const MapContent& content, const MapAxis& axis, QSize size)
{
    return MapGeometry(content, axis, MapLayout::Grid, QSizeF(size));
}

/// The centre of cell @p index of region @p region's block.
QPointF cellCentre(const MapGridBlock& b, std::uint64_t index)
{
    const auto columns = std::uint64_t(b.columns);
    return QPointF(b.rect.left() + (double(index % columns) + 0.5) * b.cell,
        b.rect.top() + (double(index / columns) + 0.5) * b.cell);
}

bool near(QColor a, QColor b)
{
    return std::abs(a.red() - b.red()) <= 1 && std::abs(a.green() - b.green()) <= 1
        && std::abs(a.blue() - b.blue()) <= 1;
}

QString colourText(QColor c)
{
    return c.name();
}

} // namespace

class TestMapGrid : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cellsForRegionSizes_data();
    void cellsForRegionSizes();
    void severalRegionsShareTheHeight();
    void hitTests();
    void aggregatedHitTests();
    void onePagePerCellLooksAsBefore();
    void aggregatedShading();
    void widgetDescribesACell();
};

void TestMapGrid::cellsForRegionSizes_data()
{
    QTest::addColumn<quint64>("pagesArg");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<quint64>("pagesPerCell"); // 0 = check the invariants only
    QTest::addColumn<double>("cell");
    const QSize hd(1920, 1080), laptop(1366, 768), small(400, 200);
    // 1920x1080: cells in 1904 x 1020 px. 4 px cells: 476 x 255 = 121380 of them.
    QTest::newRow("16 pages, 1920x1080") << quint64(16) << hd << quint64(1) << 28.0;
    QTest::newRow("8192 pages, 1920x1080") << quint64(8192) << hd << quint64(1) << 15.0;
    QTest::newRow("65536 pages, 1920x1080") << quint64(65536) << hd << quint64(1) << 5.0;
    QTest::newRow("262144 pages, 1920x1080") << quint64(262144) << hd << quint64(4) << 5.0;
    QTest::newRow("2^24 pages, 1920x1080") << (quint64(1) << 24) << hd << quint64(256) << 5.0;
    // 1366x768: 1350 x 708 px, 337 x 177 = 59649 cells of 4 px.
    QTest::newRow("16 pages, 1366x768") << quint64(16) << laptop << quint64(1) << 28.0;
    QTest::newRow("8192 pages, 1366x768") << quint64(8192) << laptop << quint64(1) << 10.0;
    QTest::newRow("65536 pages, 1366x768") << quint64(65536) << laptop << quint64(2) << 5.0;
    QTest::newRow("262144 pages, 1366x768") << quint64(262144) << laptop << quint64(8) << 5.0;
    QTest::newRow("2^24 pages, 1366x768") << (quint64(1) << 24) << laptop << quint64(512) << 5.0;
    // 400x200: 384 x 140 px, 96 x 35 = 3360 cells of 4 px.
    QTest::newRow("16 pages, 400x200") << quint64(16) << small << quint64(1) << 28.0;
    QTest::newRow("1000 pages, 400x200") << quint64(1000) << small << quint64(1) << 7.0;
    QTest::newRow("8192 pages, 400x200") << quint64(8192) << small << quint64(4) << 5.0;
    QTest::newRow("262144 pages, 400x200") << quint64(262144) << small << quint64(128) << 5.0;
    QTest::newRow("2^24 pages, 400x200") << (quint64(1) << 24) << small << quint64(8192) << 5.0;
    // Sizes between the powers of two.
    for (const quint64 pages : { 3ull, 777ull, 100000ull, 1234567ull, 50000000ull })
        for (const QSize s : { hd, laptop, small })
            QTest::addRow("%llu pages, %dx%d", pages, s.width(), s.height()) << pages << s << quint64(0) << 0.0;
}

void TestMapGrid::cellsForRegionSizes()
{
    QFETCH(quint64, pagesArg);
    QFETCH(QSize, size);
    QFETCH(quint64, pagesPerCell);
    const auto pages = std::uint64_t(pagesArg);
    QFETCH(double, cell);
    const MapContent c = regionOfPages(pages);
    const MapAxis axis;
    const MapGeometry geometry = gridGeometry(c, axis, size);
    QCOMPARE(geometry.grids().size(), qsizetype(1));
    const MapGridBlock& b = geometry.grids()[0];
    if (pagesPerCell != 0) {
        QCOMPARE(b.pagesPerCell, std::uint64_t(pagesPerCell));
        QCOMPARE(b.cell, cell);
    }
    QVERIFY2(
        b.cell >= MapGridLayout::kMinCell && b.cell <= MapGridLayout::kMaxCell, qPrintable(QString::number(b.cell)));
    QVERIFY(std::has_single_bit(b.pagesPerCell));
    // Every page has a cell, and no cell is empty but the rest of the last row.
    QCOMPARE(b.cells, (pages + b.pagesPerCell - 1) / b.pagesPerCell);
    QVERIFY(std::uint64_t(b.columns) * std::uint64_t(b.rows) >= b.cells);
    QVERIFY(std::uint64_t(b.columns) * std::uint64_t(b.rows - 1) < b.cells);
    // The fewest pages per cell: half as many would not fit at the smallest cells.
    const QRectF area = MapGridLayout::area(QSizeF(size));
    if (b.pagesPerCell > 1) {
        const double h = area.height() - MapGridLayout::kTitleHeight - MapGridLayout::kBlockGap;
        const auto room = std::uint64_t(area.width() / 4) * std::uint64_t(h / 4);
        QVERIFY(pages > room * (b.pagesPerCell / 2));
    }
    // Nothing cut off: the block and its title lie inside the map, above the failure line.
    QVERIFY2(area.contains(b.rect), qPrintable(QStringLiteral("%1 %2").arg(b.rect.bottom()).arg(area.bottom())));
    QVERIFY(b.rect.bottom() <= size.height() - 22);
    QVERIFY(area.contains(b.title));
    QVERIFY(b.title.bottom() <= b.rect.top());
}

void TestMapGrid::severalRegionsShareTheHeight()
{
    // A small region gets the room it needs at the largest cells; the big ones share the rest, none overlapping.
    MapContent c = regionOfPages(262144);
    MapRegion small = c.regions[0];
    small.name = QStringLiteral("small");
    small.size = 16 * kPage;
    MapRegion mid = small;
    mid.name = QStringLiteral("mid");
    mid.size = 8192 * kPage;
    c.regions.push_back(small);
    c.regions.push_back(mid);
    c.regions.push_back(c.regions[0]);
    const MapAxis axis;
    const MapGeometry geometry = gridGeometry(c, axis, QSize(1366, 768));
    const auto& blocks = geometry.grids();
    QCOMPARE(blocks.size(), qsizetype(4));
    // The 1 GiB regions cannot show every page at 4 px: the small and mid regions keep one page per cell, the
    // big ones share the rest.
    QCOMPARE(blocks[1].pagesPerCell, std::uint64_t(1));
    QCOMPARE(blocks[2].pagesPerCell, std::uint64_t(1));
    QVERIFY(blocks[0].pagesPerCell > 1);
    for (int i = 0; i < blocks.size(); ++i) {
        QVERIFY(blocks[i].cell >= MapGridLayout::kMinCell);
        QVERIFY(MapGridLayout::area(QSizeF(1366, 768)).contains(blocks[i].rect));
        if (i > 0)
            QVERIFY(blocks[i].title.top() >= blocks[i - 1].rect.bottom());
    }
    QCOMPARE(blocks[0].pagesPerCell, blocks[3].pagesPerCell);
    // Without the big ones there is room for large cells: the small region is one row of the largest cells.
    c.regions.removeAt(3);
    c.regions.removeAt(0);
    const MapGeometry roomy = gridGeometry(c, axis, QSize(1366, 768));
    QCOMPARE(roomy.grids()[0].cell, MapGridLayout::kMaxCell);
    QCOMPARE(roomy.grids()[0].rows, 1);
    QVERIFY(roomy.grids()[1].cell > MapGridLayout::kMinCell);
}

void TestMapGrid::hitTests()
{
    // 1000 pages at 400x200: 7 px cells, 54 columns, 19 rows; the last row holds 1000 - 18 * 54 = 28 cells.
    MapContent c = regionOfPages(1000);
    addChunk(c, 100, 8, 1);
    const MapAxis axis;
    const MapGeometry geometry = gridGeometry(c, axis, QSize(400, 200));
    const MapGridLayout& grid = geometry.gridLayout();
    const MapGridBlock& b = grid.blocks()[0];
    QCOMPARE(b.cell, 7.0);
    QCOMPARE(b.columns, 54);
    QCOMPARE(b.rows, 19);
    const std::uint64_t base = c.regions[0].base;
    for (const std::uint64_t page : { 0, 1, 53, 54, 108, 999 }) {
        const auto cell = grid.cellAt(cellCentre(b, page));
        QVERIFY(cell);
        QCOMPARE(cell->index, page);
        QCOMPARE(cell->firstPage, page);
        QCOMPARE(cell->pages, std::uint64_t(1));
        QCOMPARE(geometry.addressAtPos(cellCentre(b, page)), std::optional<std::uint64_t>(base + page * kPage));
        QCOMPARE(geometry.regionAt(cellCentre(b, page)), 0);
    }
    // The cell's corners belong to it.
    QCOMPARE(grid.cellAt(b.rect.topLeft())->index, std::uint64_t(0));
    QCOMPARE(grid.cellAt(b.rect.topLeft() + QPointF(b.cell - 0.01, b.cell - 0.01))->index, std::uint64_t(0));
    QCOMPARE(grid.cellAt(b.rect.topLeft() + QPointF(b.cell, 0))->index, std::uint64_t(1));
    // Past the last cell of the partial last row, right of the block, above it, in the title: nothing.
    for (const QPointF outside : { cellCentre(b, 1000), cellCentre(b, 54 * 19 - 1), b.rect.topRight() + QPointF(1, 2),
             b.rect.topLeft() - QPointF(0, 1), b.title.center(), QPointF(5, 100) }) {
        QVERIFY(!grid.cellAt(outside));
        QCOMPARE(geometry.addressAtPos(outside), std::nullopt);
        QCOMPARE(geometry.regionAt(outside), -1);
        QCOMPARE(geometry.chunkAt(outside), -1);
    }
    QCOMPARE(geometry.chunkAt(cellCentre(b, 100)), 0);
    QCOMPARE(geometry.chunkAt(cellCentre(b, 107)), 0);
    QCOMPARE(geometry.chunkAt(cellCentre(b, 108)), -1);
}

void TestMapGrid::aggregatedHitTests()
{
    // 2 GiB (524288 pages) at 400x200: 256 pages per cell, 2048 cells; a cell reads an aligned PFN range.
    MapContent c = regionOfPages(524288);
    addChunk(c, 256 * 3 + 200, 100, 1); // pages 968..1067: the end of cell 3 and the start of cell 4
    c.pinned.push_back({ c.regions[0].base + 1030 * kPage, 2 * kPage, 0 }); // in cell 4
    const MapAxis axis;
    const MapGeometry geometry = gridGeometry(c, axis, QSize(400, 200));
    const MapGridLayout& grid = geometry.gridLayout();
    const MapGridBlock& b = grid.blocks()[0];
    QCOMPARE(b.pagesPerCell, std::uint64_t(256));
    const std::uint64_t base = c.regions[0].base;
    for (const std::uint64_t index : { 0, 3, 4, 1023 }) {
        const auto cell = grid.cellAt(cellCentre(b, index));
        QVERIFY(cell);
        QCOMPARE(cell->firstPage, index * 256);
        QCOMPARE(cell->pages, std::uint64_t(256));
        QCOMPARE(cell->base, base + index * 256 * kPage);
        QCOMPARE(cell->size, 256 * kPage);
        QCOMPARE(geometry.addressAtPos(cellCentre(b, index)), std::optional<std::uint64_t>(cell->base));
    }
    QCOMPARE(b.cells, std::uint64_t(2048));
    QVERIFY(!grid.cellAt(cellCentre(b, 2048)));
    // The chunk shows under both cells it touches, even where the cell's first page is free.
    QCOMPARE(geometry.chunkAt(cellCentre(b, 3)), 0);
    QCOMPARE(geometry.chunkAt(cellCentre(b, 4)), 0);
    QCOMPARE(geometry.chunkAt(cellCentre(b, 5)), -1);
    const MapGridCellUse three = grid.use(*grid.cellAt(cellCentre(b, 3)));
    QCOMPARE(three.used, std::uint64_t(56));
    QCOMPARE(three.pinned, std::uint64_t(0));
    const MapGridCellUse four = grid.use(*grid.cellAt(cellCentre(b, 4)));
    QCOMPARE(four.used, std::uint64_t(44));
    QCOMPARE(four.pinned, std::uint64_t(2));
    QCOMPARE(grid.cellSpan(0, base + 968 * kPage, 100 * kPage), std::make_pair(std::uint64_t(3), std::uint64_t(5)));
}

void TestMapGrid::onePagePerCellLooksAsBefore()
{
    // One page per cell: requested pages in the owner's colour, held ones in the lighter held fill, free ones free.
    MapContent c = regionOfPages(64);
    addChunk(c, 8, 8, 1, 4); // pages 8..11 requested, 12..15 held beyond the request
    c.pinned.push_back({ c.regions[0].base + 30 * kPage, kPage, 0 });
    const MapAxis axis;
    const MapGeometry geometry = gridGeometry(c, axis, QSize(800, 400));
    const MapStyle style(QApplication::palette());
    const MapGridPainter painter(c, geometry.gridLayout(), style);
    QCOMPARE(geometry.grids()[0].pagesPerCell, std::uint64_t(1));
    const QImage cells = painter.cellImage(0);
    const int columns = geometry.grids()[0].columns;
    auto at = [&](int cell) { return cells.pixel(cell % columns, cell / columns); };
    const QColor owner = style.ownerColor(1);
    QCOMPARE(at(0), style.freeMemory.rgba());
    QCOMPARE(at(8), owner.rgba());
    QCOMPARE(at(11), owner.rgba());
    QCOMPARE(at(12), style.heldFill(owner).rgba());
    QCOMPARE(at(15), style.heldFill(owner).rgba());
    QCOMPARE(at(16), style.freeMemory.rgba());
    QCOMPARE(at(30), style.failure.rgba());
    QVERIFY(!painter.title(0).contains(QLatin1String("per cell")));
}

void TestMapGrid::aggregatedShading()
{
    // 2 GiB at 400x200: 256 pages per cell. Cell 0 full, cell 1 half used, cell 2 held beyond a tiny
    // request (counts half), cell 3 one page of another owner beside a larger share, cell 5 pinned, cell 6 free.
    MapContent c = regionOfPages(524288);
    addChunk(c, 0, 256, 0);
    addChunk(c, 256, 128, 0);
    addChunk(c, 512, 256, 0, 1);
    addChunk(c, 768, 1, 1);
    addChunk(c, 800, 100, 0);
    c.pinned.push_back({ c.regions[0].base + 5 * 256 * kPage + 10 * kPage, kPage, 0 });
    const MapAxis axis;
    const QSize size(400, 200);
    const MapGeometry geometry = gridGeometry(c, axis, size);
    const MapStyle style(QApplication::palette());
    const MapGridBlock& b = geometry.grids()[0];
    QCOMPARE(b.pagesPerCell, std::uint64_t(256));
    // Paint the whole map into an image and read each cell's centre.
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    {
        QPainter p(&image);
        MapPainter(c, geometry, style, QApplication::font()).paint(p);
    }
    auto at = [&](std::uint64_t cell) { return image.pixelColor(cellCentre(b, cell).toPoint()); };
    const QColor owner = style.ownerColor(0);
    auto shade = [&](double t) {
        const QColor f = style.freeMemory;
        return QColor(int(std::lround(f.red() + (owner.red() - f.red()) * t)),
            int(std::lround(f.green() + (owner.green() - f.green()) * t)),
            int(std::lround(f.blue() + (owner.blue() - f.blue()) * t)));
    };
    QVERIFY2(near(at(0), owner), qPrintable(colourText(at(0))));
    QVERIFY2(near(at(1), shade(0.4 + 0.6 * 0.5)), qPrintable(colourText(at(1))));
    QVERIFY(at(1) != at(0) && at(1) != style.freeMemory);
    // Held beyond the request counts half: about as light as the half-used cell.
    QVERIFY2(near(at(2), shade(0.4 + 0.6 * (1 + 0.5 * 255) / 256)), qPrintable(colourText(at(2))));
    // The dominant owner colours the cell, not the first chunk in it.
    QVERIFY2(near(at(3), shade(0.4 + 0.6 * 101 / 256)), qPrintable(colourText(at(3))));
    QVERIFY(near(at(5), style.failure));
    QVERIFY(near(at(6), style.freeMemory));
    // Lighter means closer to the free colour: half used lies between free and full.
    auto distance = [](QColor a, QColor b) {
        return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
    };
    QVERIFY(distance(at(1), style.freeMemory) < distance(at(0), style.freeMemory));
    // The title says how many pages share a cell.
    const MapGridPainter gridPainter(c, geometry.gridLayout(), style);
    QVERIFY(gridPainter.title(0).endsWith(QLatin1String("524288 pages, 256 pages per cell")));
    // In a narrow map the region's name gives way, not the figures.
    c.regions[0].name = QStringLiteral("a-very-long-reserved-memory-node-name@80000000");
    const QFontMetricsF metrics(QApplication::font());
    const double width = metrics.horizontalAdvance(gridPainter.title(0)) - 40;
    const QString narrow = gridPainter.title(0, &metrics, width);
    QVERIFY2(narrow.endsWith(QLatin1String("524288 pages, 256 pages per cell")), qPrintable(narrow));
    QVERIFY(!narrow.contains(c.regions[0].name));
    QVERIFY(metrics.horizontalAdvance(narrow) <= width);
    // Narrower still (a map of the compare pane): the base address goes, the figures stay.
    const double tinyWidth = metrics.horizontalAdvance(QStringLiteral("a-very-long: 524288 pages, 256 per cell"));
    const QString tiny = gridPainter.title(0, &metrics, tinyWidth);
    QVERIFY2(tiny.endsWith(QLatin1String(": 524288 pages, 256 per cell")), qPrintable(tiny));
    QVERIFY(!tiny.contains(QLatin1String("0x40000000")));
    QVERIFY(metrics.horizontalAdvance(tiny) <= tinyWidth);
}

void TestMapGrid::widgetDescribesACell()
{
    MapContent c = regionOfPages(524288);
    addChunk(c, 0, 100, 1, 60); // 60 pages requested, 40 held beyond
    MemoryMapWidget w;
    w.resize(400, 200);
    w.setContent(c);
    w.setLayoutMode(MemoryMapWidget::Layout::Grid);
    const MapGridBlock block = [&] {
        const MapAxis axis;
        return gridGeometry(c, axis, w.size()).grids()[0];
    }();
    QSignalSpy hovered(&w, &MemoryMapWidget::hoveredAddressChanged);
    auto hover = [&](QPointF pos) {
        QMouseEvent move(QEvent::MouseMove, pos, w.mapToGlobal(pos), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &move);
    };
    hover(cellCentre(block, 0));
    QCOMPARE(hovered.size(), 1);
    const QString text = hovered.last().at(1).toString();
    QVERIFY2(text.contains(QStringLiteral("cell of 256 pages, pfn 0x40000–0x400ff, 100 in use (40 held beyond the "
                                          "request)")),
        qPrintable(text));
    QCOMPARE(hovered.last().at(0).toULongLong(), c.regions[0].base);
    // A free cell says how much is in use too; the chunk's own line shows only where the cell holds it.
    hover(cellCentre(block, 1));
    QVERIFY2(hovered.last().at(1).toString().contains(QStringLiteral("pfn 0x40100–0x401ff, 0 in use")),
        qPrintable(hovered.last().at(1).toString()));
}

QTEST_MAIN(TestMapGrid)
#include "tst_mapgrid.moc"
