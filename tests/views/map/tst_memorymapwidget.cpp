// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/legendwidget.h"
#include "map/mapcontent.h"
#include "map/memorymapwidget.h"
#include "support/mapcontents.h"

#include <QApplication>
#include <QImage>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include <memory>

using namespace cmascope;
using namespace cmascope::views;

class TestMemoryMapWidget : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void contentFromPlatform();
    void paintsSomething();
    void wheelZoomsAroundCursor();
    void dragPans();
    void keysZoomAndFit();
    void hitTesting();
    void clickSelects();
    void levelOfDetail();
    void adjacentChunksAreSeparated_data();
    void adjacentChunksAreSeparated();
    void largeTypeKeepsRegionNames();
    void gridLayoutCells();
    void ctrlDragDrawsRegion();
    void ctrlDragInRegionPicksRange();
    void rightClickAsksForAContextMenu();
    void doubleClickBankLabel();
    void longBankLabelsElideInTheMiddle();
    void legendExplainsDensity();

private:
    static MapContent sample();
};

MapContent TestMemoryMapWidget::sample()
{
    Platform pf;
    pf.banks.push_back({ "ram0", 0x40000000, 256 * MiB, 0 });
    Region r;
    r.name = "video";
    r.size = 64 * MiB;
    r.placement = Placement::Fixed;
    r.start = 0x44000000;
    pf.regions.push_back(r);
    Region fw;
    fw.name = "fw";
    fw.type = RegionType::Carveout;
    fw.size = 16 * MiB;
    fw.placedBase = 0x4a000000;
    pf.regions.push_back(fw);
    Region empty;
    empty.name = "dma";
    empty.size = 0;
    pf.regions.push_back(empty);
    auto c = MapContent::fromPlatform(pf);
    c.owners = { QStringLiteral("camera") };
    c.chunks.push_back({ 0x44000000, 8 * MiB, 0, 0, 0, 7 });
    c.regions[0].firstChunk = 0;
    c.regions[0].chunkCount = 1;
    return c;
}

void TestMemoryMapWidget::contentFromPlatform()
{
    const auto c = sample();
    QCOMPARE(c.banks.size(), 1);
    QCOMPARE(c.regions.size(), 2);
    QCOMPARE(c.regions[0].bank, 0);
    QVERIFY(c.regions[1].carveout);
    QCOMPARE(c.regions[1].base, quint64(0x4a000000));
    QCOMPARE(c.unplaced, QVector<QString> { QStringLiteral("dma") });
    QCOMPARE(c.lowestAddress(), quint64(0x40000000));
    QCOMPARE(c.highestAddress(), quint64(0x50000000));
}

void TestMemoryMapWidget::paintsSomething()
{
    MemoryMapWidget w;
    w.resize(800, 200);
    w.setContent(sample());
    const QImage img = w.grab().toImage();
    // The region fill, the chunk colour and the background must all appear: not a blank map.
    const QRectF track = w.trackRect(0);
    QVERIFY(track.width() > 600);
    const QColor background = img.pixelColor(5, img.height() - 2);
    const int regionX = int(track.left() + w.axis().xForAddress(0x46000000));
    const int chunkX = int(track.left() + w.axis().xForAddress(0x44100000));
    const QColor regionColour = img.pixelColor(regionX, int(track.center().y()));
    const QColor chunkColour = img.pixelColor(chunkX, int(track.center().y()) + 4);
    QVERIFY(regionColour != background);
    QVERIFY(chunkColour != regionColour);
    QVERIFY(chunkColour != background);
}

void TestMemoryMapWidget::wheelZoomsAroundCursor()
{
    MemoryMapWidget w;
    w.resize(900, 200);
    w.setContent(sample());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QPoint pos(500, 80);
    const quint64 before = w.addressAt(pos.x());
    const quint64 spanBefore = w.axis().viewEnd() - w.axis().viewBegin();
    QWheelEvent wheel(QPointF(pos), QPointF(w.mapToGlobal(pos)), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
        Qt::NoScrollPhase, false);
    QApplication::sendEvent(&w, &wheel);
    const quint64 spanAfter = w.axis().viewEnd() - w.axis().viewBegin();
    QVERIFY(spanAfter < spanBefore);
    QVERIFY(std::abs(double(w.addressAt(pos.x())) - double(before)) <= w.axis().bytesPerPixel() + 1);
}

void TestMemoryMapWidget::dragPans()
{
    MemoryMapWidget w;
    w.resize(900, 200);
    w.setContent(sample());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.zoomIn();
    w.zoomIn();
    const quint64 begin = w.axis().viewBegin();
    QTest::mousePress(&w, Qt::LeftButton, Qt::NoModifier, QPoint(500, 80));
    QTest::mouseMove(&w, QPoint(400, 80));
    QTest::mouseRelease(&w, Qt::LeftButton, Qt::NoModifier, QPoint(400, 80));
    // Dragging the content left by 100 px shows higher addresses.
    const double expected = 100 * w.axis().bytesPerPixel();
    QVERIFY(w.axis().viewBegin() > begin);
    QVERIFY(std::abs(double(w.axis().viewBegin() - begin) - expected) <= w.axis().bytesPerPixel() + 1);
}

void TestMemoryMapWidget::keysZoomAndFit()
{
    MemoryMapWidget w;
    w.resize(900, 200);
    w.setContent(sample());
    const quint64 full = w.axis().viewEnd() - w.axis().viewBegin();
    QTest::keyClick(&w, Qt::Key_Plus);
    QCOMPARE(w.axis().viewEnd() - w.axis().viewBegin(), full / 2);
    QTest::keyClick(&w, Qt::Key_Right);
    QVERIFY(w.axis().viewBegin() > w.axis().boundsBegin());
    QTest::keyClick(&w, Qt::Key_0);
    QCOMPARE(w.axis().viewBegin(), w.axis().boundsBegin());
    QCOMPARE(w.axis().viewEnd() - w.axis().viewBegin(), full);
}

void TestMemoryMapWidget::hitTesting()
{
    MemoryMapWidget w;
    w.resize(900, 200);
    w.setContent(sample());
    const QRectF track = w.trackRect(0);
    const double y = track.center().y();
    const double chunkX = track.left() + w.axis().xForAddress(0x44200000);
    const double regionX = track.left() + w.axis().xForAddress(0x47000000);
    const double freeX = track.left() + w.axis().xForAddress(0x4f000000);
    QCOMPARE(w.regionAt(QPointF(chunkX, y)), 0);
    QCOMPARE(w.chunkAt(QPointF(chunkX, y)), 0);
    QCOMPARE(w.regionAt(QPointF(regionX, y)), 0);
    QCOMPARE(w.chunkAt(QPointF(regionX, y)), -1);
    QCOMPARE(w.regionAt(QPointF(freeX, y)), -1);
    QCOMPARE(w.regionAt(QPointF(chunkX, track.bottom() + 30)), -1);
}

void TestMemoryMapWidget::clickSelects()
{
    MemoryMapWidget w;
    w.resize(900, 200);
    w.setContent(sample());
    QSignalSpy clicked(&w, &MemoryMapWidget::chunkClicked);
    const QRectF track = w.trackRect(0);
    const QPoint onChunk(int(track.left() + w.axis().xForAddress(0x44200000)), int(track.center().y()));
    QTest::mouseClick(&w, Qt::LeftButton, Qt::NoModifier, onChunk);
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).toUInt(), 7u);
    QCOMPARE(w.selectedChunk(), 7u);
    // The selected chunk is outlined: the pixel just above the chunk changes colour.
    const QImage img = w.grab().toImage();
    MemoryMapWidget plain;
    plain.resize(900, 200);
    plain.setContent(sample());
    const QImage before = plain.grab().toImage();
    const QPoint edge(onChunk.x(), int(track.top() + 19));
    QVERIFY(img.pixelColor(edge) != before.pixelColor(edge));
    // Clicking empty memory clears the selection.
    QTest::mouseClick(
        &w, Qt::LeftButton, Qt::NoModifier, QPoint(int(track.left() + w.axis().xForAddress(0x4f000000)), onChunk.y()));
    QCOMPARE(w.selectedChunk(), 0xFFFFFFFFu);
}

void TestMemoryMapWidget::levelOfDetail()
{
    // 20 000 one-page chunks in the first half of a 1 GiB region, nothing in the second half: far more
    // chunks than pixel columns, so the widget aggregates per column.
    MapContent c = test::oneRegionMap(1 * GiB, 1 * GiB);
    const MapRegion r = c.regions[0];
    const std::uint64_t half = 512 * MiB;
    const std::uint64_t stride = half / 20000;
    for (int i = 0; i < 20000; ++i)
        c.chunks.push_back({ r.base + std::uint64_t(i) * stride, 4096, 0, i % 3, 0, quint32(i) });
    c.regions[0].chunkCount = int(c.chunks.size());
    c.owners = { QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c") };
    MemoryMapWidget w;
    w.resize(1000, 240);
    w.setContent(c);
    w.fitAll();
    const QImage img = w.grab().toImage();
    const QRectF track = w.trackRect(0);
    const int y = int(track.top() + track.height() * 0.6);
    const int usedX = int(track.left() + w.axis().xForAddress(r.base + half / 2));
    const int freeX = int(track.left() + w.axis().xForAddress(r.base + half + half / 2));
    // Every column of the first half shows chunks (never the bare region colour), the second half is free.
    const QColor freeColour = img.pixelColor(freeX, y);
    QVERIFY(img.pixelColor(usedX, y) != freeColour);
    int usedColumns = 0;
    for (double x = track.left() + w.axis().xForAddress(r.base) + 2; x < usedX; x += 7)
        usedColumns += img.pixelColor(int(x), y) != freeColour;
    const int probed = int((usedX - (track.left() + w.axis().xForAddress(r.base) + 2)) / 7) + 1;
    QVERIFY2(usedColumns >= probed - 1, qPrintable(QStringLiteral("%1 of %2").arg(usedColumns).arg(probed)));
    // Hovering anywhere in the dense half finds a chunk thanks to the half-pixel slack.
    QVERIFY(w.chunkAt(QPointF(usedX, y)) >= 0);
    QCOMPARE(w.chunkAt(QPointF(freeX, y)), -1);
}

void TestMemoryMapWidget::adjacentChunksAreSeparated_data()
{
    QTest::addColumn<int>("width");
    // Widths where the chunk edges fall on fractions of a pixel (the camera demo's b2 at 1366x768 lost two of its
    // five separators: the next chunk's fill covered the line drawn on the previous one's right edge).
    for (int width : { 1300, 1310, 1389, 1600, 1877 })
        QTest::newRow(qPrintable(QString::number(width))) << width;
}

void TestMemoryMapWidget::adjacentChunksAreSeparated()
{
    QFETCH(int, width);
    // Five 3060 KiB chunks side by side at the start of a 16 MiB region, as five HD frames fill the demo's b2.
    MapContent c = test::oneRegionMap(16 * MiB, 16 * MiB);
    const std::uint64_t chunk = 3060 * KiB;
    for (int i = 0; i < 5; ++i)
        c.chunks.push_back({ c.regions[0].base + std::uint64_t(i) * chunk, chunk, 0, 0, 0, quint32(i) });
    c.regions[0].chunkCount = int(c.chunks.size());
    c.owners = { QStringLiteral("s3c-mfc5") };
    MemoryMapWidget w;
    w.resize(width, 200);
    w.setContent(c);
    w.fitAll();
    const QImage img = w.grab().toImage();
    const QRectF track = w.trackRect(0);
    const int y = int(track.center().y()) + 4;
    const QColor inside = img.pixelColor(int(track.left() + w.axis().xForAddress(c.regions[0].base + chunk / 2)), y);
    // Along the row from the first chunk's start to the last one's end: one run of separator columns per edge.
    int separators = 0;
    bool inSeparator = false;
    const int from = int(track.left() + w.axis().xForAddress(c.regions[0].base)) + 1;
    const int to = int(std::ceil(track.left() + w.axis().xForAddress(c.regions[0].base + 5 * chunk)));
    for (int x = from; x <= to; ++x) {
        const bool separator = img.pixelColor(x, y) != inside;
        separators += separator && !inSeparator;
        inSeparator = separator;
    }
    QCOMPARE(separators, 5);
}

void TestMemoryMapWidget::largeTypeKeepsRegionNames()
{
    // Presentation mode sets the map's type 1.5 times larger: the chunks move down so that the region's name line
    // still fits above them (it used to be left out when taller than the fixed 20 pixels).
    MemoryMapWidget w;
    w.resize(1000, 240);
    w.setContent(sample());
    QFont big = w.font();
    big.setPointSizeF(big.pointSizeF() * 2.0);
    w.setFont(big);
    const QImage img = w.grab().toImage();
    const QRectF track = w.trackRect(0);
    const int x = int(track.left() + w.axis().xForAddress(0x44100000)); // inside the 8 MiB chunk
    const QColor chunk = img.pixelColor(x, int(track.bottom()) - 10);
    // Every row of the name's line, from the track's top, is clear of the chunk's colour.
    for (int y = int(track.top()) + 2; y < int(track.top()) + QFontMetrics(big).height(); ++y)
        QVERIFY2(img.pixelColor(x, y) != chunk, qPrintable(QString::number(y - track.top())));
}

void TestMemoryMapWidget::gridLayoutCells()
{
    MapContent c;
    c.banks.push_back({ QStringLiteral("ram"), 0x40000000, 1 * MiB });
    MapRegion r;
    r.name = QStringLiteral("small");
    r.base = 0x40000000;
    r.size = 64 * 4096; // 64 pages
    r.bank = 0;
    c.regions.push_back(r);
    c.chunks.push_back({ r.base + 16 * 4096, 8 * 4096, 0, 1, 0, 5 }); // pages 16..23
    c.regions[0].chunkCount = 1;
    c.owners = { QStringLiteral("a"), QStringLiteral("b") };
    MemoryMapWidget w;
    w.resize(800, 400);
    w.setContent(c);
    w.setLayoutMode(MemoryMapWidget::Layout::Grid);
    const QRectF g = w.gridRect(0);
    QVERIFY(g.width() > 100);
    const QImage img = w.grab().toImage();
    // Find the centre of page p's cell through the widget's own hit testing.
    auto cellCentre = [&](std::uint64_t page) -> QPoint {
        for (int y = int(g.top()); y < int(g.bottom()); ++y)
            for (int x = int(g.left()); x < int(g.right()); ++x) {
                const auto a = w.addressAtPos(QPointF(x + 0.5, y + 0.5));
                if (a && *a == r.base + page * 4096)
                    return QPoint(x + 2, y + 2);
            }
        return {};
    };
    const QPoint used = cellCentre(20);
    const QPoint free = cellCentre(40);
    QVERIFY(!used.isNull() && !free.isNull());
    QVERIFY(img.pixelColor(used) != img.pixelColor(free));
    QCOMPARE(w.chunkAt(used), 0);
    QCOMPARE(w.chunkAt(free), -1);
    QCOMPARE(w.regionAt(free), 0);
}

void TestMemoryMapWidget::ctrlDragDrawsRegion()
{
    MemoryMapWidget w;
    w.resize(900, 200);
    w.setContent(sample());
    w.fitAll();
    QSignalSpy drawn(&w, &MemoryMapWidget::regionDrawn);
    const QRectF track = w.trackRect(0);
    const int y = int(track.center().y());
    const int x0 = int(track.left() + w.axis().xForAddress(0x4c000000));
    const int x1 = int(track.left() + w.axis().xForAddress(0x4e000000));
    const quint64 viewBegin = w.axis().viewBegin();
    QTest::mousePress(&w, Qt::LeftButton, Qt::ControlModifier, QPoint(x0, y));
    QTest::mouseMove(&w, QPoint(x1, y));
    QTest::mouseRelease(&w, Qt::LeftButton, Qt::ControlModifier, QPoint(x1, y));
    QCOMPARE(drawn.count(), 1);
    const quint64 base = drawn.at(0).at(0).toULongLong();
    const quint64 size = drawn.at(0).at(1).toULongLong();
    const double tolerance = w.axis().bytesPerPixel() + 1;
    QVERIFY(std::abs(double(base) - double(0x4c000000)) <= tolerance);
    QVERIFY(std::abs(double(base + size) - double(0x4e000000)) <= tolerance);
    QCOMPARE(w.axis().viewBegin(), viewBegin); // drawing a region does not zoom
}

void TestMemoryMapWidget::ctrlDragInRegionPicksRange()
{
    // With the sandbox's region drag on, a Ctrl+drag that starts inside a region picks a range of it (clamped to
    // the region) instead of drawing a new region; outside every region it still draws one.
    MemoryMapWidget w;
    w.resize(900, 200);
    w.setContent(sample());
    w.setRegionDragEnabled(true);
    w.setView(0x43000000, 0x49000000);
    QSignalSpy picked(&w, &MemoryMapWidget::regionRangeDragged);
    QSignalSpy drawn(&w, &MemoryMapWidget::regionDrawn);
    const QRectF track = w.trackRect(0);
    const int y = int(track.bottom() - 4);
    const auto x = [&](quint64 a) { return int(track.left() + w.axis().xForAddress(a)); };
    QTest::mousePress(&w, Qt::LeftButton, Qt::ControlModifier, QPoint(x(0x46000000), y));
    QTest::mouseMove(&w, QPoint(x(0x48800000), y));
    QTest::mouseRelease(&w, Qt::LeftButton, Qt::ControlModifier, QPoint(x(0x48800000), y));
    QCOMPARE(picked.count(), 1);
    QCOMPARE(drawn.count(), 0);
    QCOMPARE(picked.at(0).at(0).toInt(), 0);
    const double tolerance = w.axis().bytesPerPixel() + 1;
    QVERIFY(std::abs(double(picked.at(0).at(1).toULongLong()) - double(0x46000000)) <= tolerance);
    QCOMPARE(picked.at(0).at(2).toULongLong(), quint64(0x48000000)); // the region's end
    // Starting left of the region: a new region, as before.
    QTest::mousePress(&w, Qt::LeftButton, Qt::ControlModifier, QPoint(x(0x43400000), y));
    QTest::mouseMove(&w, QPoint(x(0x43c00000), y));
    QTest::mouseRelease(&w, Qt::LeftButton, Qt::ControlModifier, QPoint(x(0x43c00000), y));
    QCOMPARE(picked.count(), 1);
    QCOMPARE(drawn.count(), 1);
}

void TestMemoryMapWidget::rightClickAsksForAContextMenu()
{
    MemoryMapWidget w;
    w.resize(900, 200);
    w.setContent(sample());
    w.setView(0x43000000, 0x49000000);
    QList<QVariantList> asked;
    connect(
        &w, &MemoryMapWidget::contextMenuRequested, this, [&](QMenu* menu, quint32 chunk, int region, quint64 address) {
            QVERIFY(menu);
            asked.push_back({ chunk, region, address });
        });
    const QRectF track = w.trackRect(0);
    const int y = int(track.bottom() - 4);
    std::unique_ptr<QMenu> menu(w.createContextMenu(QPointF(track.left() + w.axis().xForAddress(0x44400000), y)));
    QVERIFY(menu->isEmpty()); // nobody added anything
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked[0][0].toUInt(), 7u); // the chunk under the click
    QCOMPARE(asked[0][1].toInt(), 0);
    menu.reset(w.createContextMenu(QPointF(track.left() + w.axis().xForAddress(0x46000000), y)));
    QCOMPARE(asked[1][0].toUInt(), 0xFFFFFFFFu); // empty space in the region
    QCOMPARE(asked[1][1].toInt(), 0);
    // A right click (no drag) builds it; the menu is empty here, so nothing is shown and the view stays.
    const quint64 begin = w.axis().viewBegin();
    QTest::mouseClick(&w, Qt::RightButton, {}, QPoint(int(track.left() + w.axis().xForAddress(0x46000000)), y));
    QCOMPARE(asked.size(), 3);
    QCOMPARE(w.axis().viewBegin(), begin);
}

void TestMemoryMapWidget::doubleClickBankLabel()
{
    // Two banks far apart (like a trace's areas): the small one is a sliver on the shared axis until its
    // label is double-clicked.
    MapContent c;
    c.banks.push_back({ QStringLiteral("small"), 0x70000000, 8 * MiB });
    c.banks.push_back({ QStringLiteral("big"), 0x100000000, 1 * GiB });
    for (int b = 0; b < 2; ++b) {
        MapRegion r;
        r.name = c.banks[b].name;
        r.base = c.banks[b].base;
        r.size = c.banks[b].size;
        r.bank = b;
        c.regions.push_back(r);
    }
    MemoryMapWidget w;
    w.resize(900, 300);
    w.setContent(c);
    // The automatic axis gives each area its own track; on the physical axis the small one is a sliver.
    QCOMPARE(w.axisMode(), AxisMode::PerArea);
    w.setAxisMode(AxisMode::Physical);
    QVERIFY(!w.automaticAxis());
    w.fitAll();
    QVERIFY(w.trackRect(0).width() < 10);
    const QPointF label(10, w.trackRect(0).center().y());
    QCOMPARE(w.labelAt(label), 0);
    QCOMPARE(w.labelAt(QPointF(10, w.trackRect(1).center().y())), 1);
    QCOMPARE(w.labelAt(QPointF(w.trackRect(1).center().x(), w.trackRect(1).center().y())), -1); // not a label
    QSignalSpy viewChanged(&w, &MemoryMapWidget::viewChanged);
    QTest::mouseDClick(&w, Qt::LeftButton, Qt::NoModifier, label.toPoint());
    QCOMPARE(viewChanged.count(), 1);
    QCOMPARE(w.axis().viewBegin(), quint64(0x70000000));
    QCOMPARE(w.axis().viewEnd(), quint64(0x70000000) + 8 * MiB);
    QVERIFY(w.trackRect(0).width() > 700);
}

void TestMemoryMapWidget::longBankLabelsElideInTheMiddle()
{
    // Device-tree bank names differ at their end ("memory@800000000" beside "memory@880000000"): the label
    // keeps both ends and fits the margin; the tooltip has the whole name.
    MapContent c;
    c.banks.push_back({ QStringLiteral("memory@800000000-first-bank-of-dram"), 0x800000000, 1 * GiB });
    c.banks.push_back({ QStringLiteral("ram"), 0x880000000, 1 * GiB });
    MemoryMapWidget w;
    w.resize(900, 300);
    w.setContent(c);
    const QString label = w.labelText(0);
    QVERIFY2(label.startsWith(QStringLiteral("mem")) && label.endsWith(QStringLiteral("ram"))
            && label.contains(QChar(0x2026)),
        qPrintable(label));
    QVERIFY(w.fontMetrics().horizontalAdvance(label) <= w.trackRect(0).left());
    QCOMPARE(w.labelText(1), QStringLiteral("ram")); // short names stay whole
    QVERIFY(w.labelToolTip(0).startsWith(QStringLiteral("memory@800000000-first-bank-of-dram: 0x800000000")));
}

void TestMemoryMapWidget::legendExplainsDensity()
{
    // 20 000 one-page chunks in 1 GiB: at fit-all many share a pixel column, so the map shades columns and the
    // legend says what a shade means; zoomed in to single chunks it draws them and the entry goes.
    MapContent c = test::oneRegionMap(GiB, GiB);
    for (quint32 i = 0; i < 20000; ++i)
        c.chunks.push_back({ 0x40000000 + std::uint64_t(i) * 3 * 4096, 4096, 0, int(i % 4), 0, i });
    c.regions[0].chunkCount = int(c.chunks.size());
    MemoryMapWidget w;
    w.resize(1000, 300);
    LegendWidget legend(&w);
    w.setContent(c);
    w.fitAll();
    w.grab();
    QVERIFY(w.densityShown());
    QVERIFY(legend.entries().contains(LegendWidget::densityEntry()));
    w.setView(0x40000000, 0x40000000 + 64 * 4096);
    w.grab();
    QVERIFY(!w.densityShown());
    QVERIFY(!legend.entries().contains(LegendWidget::densityEntry()));
}

QTEST_MAIN(TestMemoryMapWidget)
#include "tst_memorymapwidget.moc"
