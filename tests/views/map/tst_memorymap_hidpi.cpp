// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map on a high-DPI screen (device pixel ratio 2, set before the application starts):
// the level of detail works per *device* pixel column, so a region of alternating used and free
// pages shows as many transitions as there are device pixels, more than the logical width could,
// and hit testing stays in logical coordinates.
#include "map/mapcontent.h"
#include "map/memorymapwidget.h"
#include "support/mapcontents.h"

#include <QApplication>
#include <QImage>
#include <QTest>

using namespace cmascope;
using namespace cmascope::views;

class TestMemoryMapHiDpi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void devicePixelColumns_data();
    void devicePixelColumns();
};

void TestMemoryMapHiDpi::devicePixelColumns_data()
{
    QTest::addColumn<AxisMode>("mode");
    QTest::newRow("physical") << AxisMode::Physical;
    QTest::newRow("compact") << AxisMode::Compact;
    QTest::newRow("per-area") << AxisMode::PerArea;
}

// On every axis mode.
void TestMemoryMapHiDpi::devicePixelColumns()
{
    QFETCH(AxisMode, mode);
    // 4096 pages; every other page allocated (alternating owners).
    MapContent c = test::oneRegionMap(16 * MiB, 16 * MiB);
    const MapRegion r = c.regions[0];
    for (int i = 0; i < 2048; ++i)
        c.chunks.push_back({ r.base + std::uint64_t(2 * i) * 4096, 4096, 0, 0, 0, quint32(i) });
    c.regions[0].chunkCount = int(c.chunks.size());
    c.owners = { QStringLiteral("camera") };

    MemoryMapWidget w;
    w.resize(1400, 240);
    w.setContent(c);
    w.setAxisMode(mode);
    w.fitAll();
    QCOMPARE(w.devicePixelRatioF(), 2.0);
    const QImage img = w.grab().toImage();
    QCOMPARE(img.width(), 2800); // painted at device resolution
    QCOMPARE(img.devicePixelRatio(), 2.0);

    const QRectF track = w.trackRect(0);
    const double x0 = w.xFor(0, r.base);
    const double x1 = w.xFor(0, r.base + r.size);
    const double logicalWidth = x1 - x0;
    QVERIFY2(logicalWidth > 1000 && logicalWidth < 2048, qPrintable(QString::number(logicalWidth)));
    // 4096 pages over ~2 x logicalWidth device pixels: under 2 pages per device column, so neighbouring
    // device columns differ often; at 1x every column would hold 3+ pages and blend to one colour.
    const int y = int(2 * (track.top() + track.height() * 0.6));
    int transitions = 0;
    for (int x = int(2 * x0) + 4; x < int(2 * x1) - 4; ++x)
        transitions += img.pixel(x, y) != img.pixel(x + 1, y);
    QVERIFY2(transitions > logicalWidth,
        qPrintable(QStringLiteral("%1 transitions over %2 logical pixels").arg(transitions).arg(logicalWidth)));
    // Hit testing is in logical pixels: the first page is a chunk, the middle of the region too.
    QVERIFY(w.chunkAt(QPointF(x0 + 0.2, track.center().y())) >= 0);
}

int main(int argc, char** argv)
{
    qputenv("QT_SCALE_FACTOR", "2");
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestMemoryMapHiDpi t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_memorymap_hidpi.moc"
