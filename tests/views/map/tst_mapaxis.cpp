// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map's axis modes (views/map/mapaxis.h) with its geometry: which mode a project gets, address <->
// pixel on every mode's tracks, hit testing on tracks, regions, chunks and breaks.
#include "map/mapaxis.h"
#include "map/mapgeometry.h"
#include "map/memorymapwidget.h"
#include "support/mapcontents.h"

#include <QSignalSpy>
#include <QTest>

using namespace cmascope::views;
namespace test = cmascope::test;

namespace {
constexpr quint64 MiB = 1024 * 1024;
constexpr quint64 GiB = 1024 * MiB;
const QSizeF kSize(1920, 900);

/// Two 256 MiB banks 30 GiB apart, a 64 MiB region at the start of each, a chunk in the second.
MapContent twoBanksFarApart()
{
    MapContent c;
    c.banks.push_back({ QStringLiteral("dram0"), 0x40000000, 256 * MiB });
    c.banks.push_back({ QStringLiteral("dram1"), 0x800000000, 256 * MiB });
    for (int b = 0; b < 2; ++b) {
        MapRegion r;
        r.name = QStringLiteral("cma%1").arg(b);
        r.base = c.banks[b].base + 64 * MiB;
        r.size = 64 * MiB;
        r.bank = b;
        r.firstChunk = 0;
        c.regions.push_back(r);
    }
    c.chunks.push_back({ 0x800000000 + 80 * MiB, 4 * MiB, 1, 0, 0, 7 });
    c.regions[1].chunkCount = 1;
    c.owners.push_back(QStringLiteral("dev"));
    return c;
}

MapContent contentNamed(const QString& name)
{
    if (name == QLatin1String("numa"))
        return test::numaAreasMap();
    if (name == QLatin1String("far banks"))
        return twoBanksFarApart();
    return test::oneRegionMap(512 * MiB, 16 * MiB);
}
} // namespace

class TestMapAxis : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void suggestedMode_data();
    void suggestedMode();
    void hitTesting_data();
    void hitTesting();
    void perAreaTracksFillTheWidth();
    void compactBreakIsNoRegion();
    void perAreaZoomShowsTheSameShare();
    void widgetChoosesAndKeepsTheMode();
};

void TestMapAxis::suggestedMode_data()
{
    QTest::addColumn<QString>("content");
    QTest::addColumn<double>("width");
    QTest::addColumn<AxisMode>("mode");

    QTest::newRow("one region in a bank") << QStringLiteral("one") << 1800.0 << AxisMode::Physical;
    QTest::newRow("banks 30 GiB apart") << QStringLiteral("far banks") << 1800.0 << AxisMode::Compact;
    QTest::newRow("numa capture's areas") << QStringLiteral("numa") << 1800.0 << AxisMode::PerArea;
    QTest::newRow("numa, narrow window") << QStringLiteral("numa") << 400.0 << AxisMode::PerArea;
}

void TestMapAxis::suggestedMode()
{
    QFETCH(QString, content);
    QFETCH(double, width);
    QFETCH(AxisMode, mode);
    const MapContent c = contentNamed(content);
    QCOMPARE(MapAxis::suggestedMode(c, width), mode);
    QVERIFY(MapAxis::narrowestArea(c, mode, width) >= MapAxis::kReadableWidth);
    if (mode != AxisMode::Physical)
        QVERIFY(MapAxis::narrowestArea(c, AxisMode::Physical, width) < MapAxis::kReadableWidth);
}

void TestMapAxis::hitTesting_data()
{
    QTest::addColumn<QString>("content");
    QTest::addColumn<AxisMode>("mode");
    for (const AxisMode m : { AxisMode::Physical, AxisMode::Compact, AxisMode::PerArea })
        for (const char* name : { "numa", "far banks" })
            QTest::addRow("%s, %s", name, qPrintable(MapAxis::modeName(m))) << QString::fromLatin1(name) << m;
}

// In every mode: a point a quarter into each region (zoomed to it) lies on that region's track, hits the region
// and reads back the address within a pixel's worth of bytes; the chunk is hit where it is drawn.
void TestMapAxis::hitTesting()
{
    QFETCH(QString, content);
    QFETCH(AxisMode, mode);
    const MapContent c = contentNamed(content);
    MapAxis axis;
    axis.setContent(c, mode);
    axis.setPixelWidth(MapGeometry::plotRect(kSize).width());
    for (int i = 0; i < c.regions.size(); ++i) {
        const MapRegion& r = c.regions[i];
        axis.showRange(r.base, r.base + r.size, mode == AxisMode::PerArea ? i : -1);
        const MapGeometry g(c, axis, MapLayout::Linear, kSize);
        const quint64 address = r.base + r.size / 4;
        const double x = g.xFor(i, address);
        const int track = g.trackOfRegion(i);
        QVERIFY(track >= 0);
        const QPointF pos(x, g.trackRect(track).center().y());
        QCOMPARE(g.trackAt(pos), track);
        QCOMPARE(g.regionAt(pos), i);
        const auto read = g.addressAtPos(pos);
        QVERIFY(read);
        QVERIFY2(std::abs(double(*read) - double(address)) <= axis.bytesPerPixel(i, address) + 1,
            qPrintable(QStringLiteral("region %1: read 0x%2").arg(i).arg(*read, 0, 16)));
        // The region fills most of the plot when zoomed to it, on every axis.
        QVERIFY(g.regionRect(i).width() > g.plotRect().width() * 0.9);
        QCOMPARE(g.labelAt(QPointF(10, pos.y())), track);
    }
    if (c.chunks.isEmpty())
        return;
    const MapChunk& ch = c.chunks.front();
    axis.view().fitAll();
    const MapGeometry g(c, axis, MapLayout::Linear, kSize);
    const QPointF onChunk((g.xFor(ch.region, ch.base) + g.xFor(ch.region, ch.base + ch.size)) / 2,
        g.trackRect(g.trackOfRegion(ch.region)).bottom() - 10);
    QCOMPARE(g.chunkAt(onChunk), 0);
}

void TestMapAxis::perAreaTracksFillTheWidth()
{
    const MapContent c = test::numaAreasMap();
    MapAxis axis;
    axis.setContent(c, AxisMode::PerArea);
    axis.setPixelWidth(MapGeometry::plotRect(kSize).width());
    const MapGeometry g(c, axis, MapLayout::Linear, kSize);
    QCOMPARE(g.tracks().size(), c.regions.size());
    for (int i = 0; i < c.regions.size(); ++i) {
        QCOMPARE(g.trackOfRegion(i), i);
        QVERIFY(std::abs(g.trackRect(i).width() - g.plotRect().width()) <= 1.0);
        QCOMPARE(g.trackName(i), c.regions[i].name);
        // The area's ends are the plot's ends: its own ruler.
        QCOMPARE(g.xFor(i, c.regions[i].base), g.plotRect().left());
        QCOMPARE(g.xFor(i, c.regions[i].base + c.regions[i].size), g.plotRect().right());
    }
    // Tracks stack with room for each one's ruler; off every track there is no address.
    QVERIFY(g.trackTop(1) - (g.trackTop(0) + g.trackHeight()) >= MapGeometry::kTrackRuler);
    QVERIFY(!g.addressAtPos(QPointF(500, g.trackTop(1) - 4)));
}

void TestMapAxis::compactBreakIsNoRegion()
{
    const MapContent c = twoBanksFarApart();
    MapAxis axis;
    axis.setContent(c, AxisMode::Compact);
    axis.setPixelWidth(MapGeometry::plotRect(kSize).width());
    const auto breaks = axis.sharedFold().breaks();
    // Before, between and after the two regions (the gap between the banks included).
    QCOMPARE(breaks.size(), std::size_t(3));
    const MapGeometry g(c, axis, MapLayout::Linear, kSize);
    const double x0 = g.xForAddress(breaks[1].physBegin), x1 = g.xForAddress(breaks[1].physEnd);
    QVERIFY(x1 - x0 > 20 && x1 - x0 < 100);
    const QPointF inBreak((x0 + x1) / 2, g.trackRect(0).center().y());
    QCOMPARE(g.regionAt(inBreak), -1);
    const auto a = g.addressAtPos(inBreak);
    QVERIFY(a && *a >= breaks[1].physBegin && *a < breaks[1].physEnd);
    // Its tooltip names the range it skips; on a region there is no break.
    const auto gap = g.breakAt(inBreak);
    QVERIFY(gap && gap->physBegin == breaks[1].physBegin);
    QVERIFY(MemoryMapWidget::breakToolTip(*gap).startsWith(QStringLiteral("0x48000000–0x804000000: ")));
    QVERIFY(!g.breakAt(QPointF(g.regionRect(0).center())));
    // Both regions are wide: together more than four fifths of the plot.
    QVERIFY(g.regionRect(0).width() + g.regionRect(1).width() > 0.8 * g.plotRect().width());
}

void TestMapAxis::perAreaZoomShowsTheSameShare()
{
    const MapContent c = test::numaAreasMap();
    MapAxis axis;
    axis.setContent(c, AxisMode::PerArea);
    axis.setPixelWidth(1000);
    // The second half of the camera pool: every area shows its second half.
    axis.showRange(0x70000000 + 4 * MiB, 0x70000000 + 8 * MiB, 1);
    for (int i = 0; i < c.regions.size(); ++i) {
        const auto [begin, end] = axis.visibleRange(i);
        QCOMPARE(begin, c.regions[i].base + c.regions[i].size / 2);
        QCOMPARE(end, c.regions[i].base + c.regions[i].size);
        QCOMPARE(axis.xFor(i, begin), 0.0);
    }
}

void TestMapAxis::widgetChoosesAndKeepsTheMode()
{
    MemoryMapWidget w;
    w.resize(1600, 600);
    QSignalSpy changed(&w, &MemoryMapWidget::axisModeChanged);
    w.setContent(test::numaAreasMap());
    QCOMPARE(w.axisMode(), AxisMode::PerArea);
    QCOMPARE(changed.count(), 1);
    // Every area readable without zooming.
    for (int t = 0; t < 4; ++t)
        QVERIFY(w.trackRect(t).width() > 1000);
    w.setContent(twoBanksFarApart());
    QCOMPARE(w.axisMode(), AxisMode::Compact);
    // The user's choice sticks across projects until automatic is chosen again.
    w.setAxisMode(AxisMode::Physical);
    w.setContent(test::numaAreasMap());
    QCOMPARE(w.axisMode(), AxisMode::Physical);
    w.setAutomaticAxis(true);
    QCOMPARE(w.axisMode(), AxisMode::PerArea);
    // The label margin fits the longest area name.
    QVERIFY(w.fontMetrics().horizontalAdvance(QStringLiteral("camera@70000000")) < w.leftMargin() - 12);
}

QTEST_MAIN(TestMapAxis)
#include "tst_mapaxis.moc"
