// SPDX-License-Identifier: GPL-2.0-or-later
// The map's overview strip (views/map/mapoverview.h): it marks the map's view, moves it, and shows occupancy.
#include "map/mapoverview.h"
#include "map/mapstyle.h"
#include "map/memorymapwidget.h"
#include "support/mapcontents.h"

#include <QTest>

using namespace cmascope::views;
namespace test = cmascope::test;

namespace {
constexpr quint64 MiB = 1024 * 1024;

/// The map and its strip, as the main window stacks them: the same width.
struct Stack
{
    MemoryMapWidget map;
    MapOverview overview { &map };
    explicit Stack(MapContent content)
    {
        map.resize(1600, 500);
        overview.resize(1600, MapOverview::kHeight);
        map.setContent(std::move(content));
    }
    double plotLeft() const { return map.leftMargin(); }
    double plotRight() const { return 1600 - MapGeometry::kRightMargin; }
};
} // namespace

class TestMapOverview : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void viewportFollowsTheMap_data();
    void viewportFollowsTheMap();
    void dragMovesTheView();
    void doubleClickShowsEverything();
    void occupancyShaded();
};

void TestMapOverview::viewportFollowsTheMap_data()
{
    QTest::addColumn<AxisMode>("mode");
    QTest::newRow("physical") << AxisMode::Physical;
    QTest::newRow("compact") << AxisMode::Compact;
    QTest::newRow("per-area") << AxisMode::PerArea;
}

void TestMapOverview::viewportFollowsTheMap()
{
    QFETCH(AxisMode, mode);
    Stack s(test::numaAreasMap());
    s.map.setAxisMode(mode);
    s.map.fitAll();
    auto [x0, x1] = s.overview.viewportSpan();
    QVERIFY(std::abs(x0 - s.plotLeft()) < 1.0);
    QVERIFY(std::abs(x1 - s.plotRight()) < 1.0);
    // Zoomed in twice around the middle: a quarter of the strip, centred.
    s.map.zoomIn();
    s.map.zoomIn();
    std::tie(x0, x1) = s.overview.viewportSpan();
    const double width = s.plotRight() - s.plotLeft();
    QVERIFY2(std::abs((x1 - x0) - width / 4) < 2.0, qPrintable(QString::number(x1 - x0)));
    QVERIFY(std::abs((x0 + x1) / 2 - (s.plotLeft() + width / 2)) < 2.0);
}

void TestMapOverview::dragMovesTheView()
{
    Stack s(test::numaAreasMap());
    s.map.setAxisMode(AxisMode::Compact);
    s.map.zoomIn();
    s.map.zoomIn();
    const quint64 span = s.map.axis().viewEnd() - s.map.axis().viewBegin();
    const int x = int(s.plotLeft() + 100);
    QTest::mousePress(&s.overview, Qt::LeftButton, Qt::NoModifier, QPoint(x, 10));
    // Near the left end the view is clamped to the start, keeping its width.
    QCOMPARE(s.map.axis().viewBegin(), s.map.axis().boundsBegin());
    QCOMPARE(s.map.axis().viewEnd() - s.map.axis().viewBegin(), span);
    const int middle = int((s.plotLeft() + s.plotRight()) / 2);
    QTest::mouseMove(&s.overview, QPoint(middle, 10));
    QMouseEvent move(
        QEvent::MouseMove, QPointF(middle, 10), QPointF(middle, 10), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&s.overview, &move);
    const auto [x0, x1] = s.overview.viewportSpan();
    QVERIFY2(std::abs((x0 + x1) / 2 - middle) < 2.0, qPrintable(QString::number((x0 + x1) / 2)));
    QCOMPARE(s.map.axis().viewEnd() - s.map.axis().viewBegin(), span);
}

void TestMapOverview::doubleClickShowsEverything()
{
    Stack s(test::numaAreasMap());
    s.map.zoomIn();
    QVERIFY(s.map.axis().viewEnd() - s.map.axis().viewBegin() < s.map.axis().boundsEnd() - s.map.axis().boundsBegin());
    QTest::mouseDClick(&s.overview, Qt::LeftButton, Qt::NoModifier, QPoint(400, 10));
    QCOMPARE(s.map.axis().viewBegin(), s.map.axis().boundsBegin());
    QCOMPARE(s.map.axis().viewEnd(), s.map.axis().boundsEnd());
}

void TestMapOverview::occupancyShaded()
{
    // One region, its first half held by one chunk: the strip's row is the owner's colour there, free after.
    MapContent c = test::oneRegionMap(64 * MiB, 64 * MiB);
    c.chunks.push_back({ 0x40000000, 32 * MiB, 0, 0, 0, 1 });
    c.regions[0].chunkCount = 1;
    c.owners.push_back(QStringLiteral("dev"));
    Stack s(std::move(c));
    const QImage image = s.overview.grab().toImage();
    const MapStyle style(s.overview.palette());
    const double width = s.plotRight() - s.plotLeft();
    const int y = MapOverview::kHeight / 2;
    QCOMPARE(image.pixelColor(int(s.plotLeft() + width / 4), y).rgb(), style.ownerColor(0).rgb());
    QCOMPARE(image.pixelColor(int(s.plotLeft() + width * 3 / 4), y).rgb(), style.regionFill.rgb());
}

QTEST_MAIN(TestMapOverview)
#include "tst_mapoverview.moc"
