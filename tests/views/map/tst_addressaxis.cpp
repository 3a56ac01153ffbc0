// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/addressaxis.h"

#include <QTest>

using cmascope::views::AddressAxis;

class TestAddressAxis : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mapping_data();
    void mapping();
    void zoomKeepsAnchor_data();
    void zoomKeepsAnchor();
    void panClamps();
    void zoomLimits();
    void highAddresses();
};

void TestAddressAxis::mapping_data()
{
    QTest::addColumn<quint64>("begin");
    QTest::addColumn<quint64>("end");
    QTest::addColumn<double>("width");
    QTest::addColumn<double>("zoom"); // zoom factor applied at the left edge first
    QTest::addColumn<quint64>("address");
    QTest::addColumn<double>("x");

    QTest::newRow("identity") << quint64(0) << quint64(1000) << 1000.0 << 1.0 << quint64(250) << 250.0;
    QTest::newRow("scaled") << quint64(0x40000000) << quint64(0x80000000) << 1024.0 << 1.0 << quint64(0x60000000)
                            << 512.0;
    QTest::newRow("offset base") << quint64(0x7dc00000) << quint64(0x7ec00000) << 800.0 << 1.0 << quint64(0x7e400000)
                                 << 400.0;
    QTest::newRow("zoom 2x at left") << quint64(0) << quint64(1 << 20) << 512.0 << 2.0 << quint64(1 << 18) << 256.0;
    QTest::newRow("zoom 4x at left") << quint64(0) << quint64(1 << 20) << 512.0 << 4.0 << quint64(1 << 17) << 256.0;
    QTest::newRow("outside view") << quint64(0) << quint64(1 << 20) << 512.0 << 4.0 << quint64(1 << 19) << 1024.0;
    QTest::newRow("below the zoom floor") << quint64(0) << quint64(4096) << 512.0 << 2.0 << quint64(1024) << 128.0;
}

void TestAddressAxis::mapping()
{
    QFETCH(quint64, begin);
    QFETCH(quint64, end);
    QFETCH(double, width);
    QFETCH(double, zoom);
    QFETCH(quint64, address);
    QFETCH(double, x);
    AddressAxis axis;
    axis.setPixelWidth(width);
    axis.setBounds(begin, end);
    axis.zoom(zoom, 0.0);
    QCOMPARE(axis.xForAddress(address), x);
    if (x >= 0 && x < width) {
        // The inverse maps back into the pixel's address range.
        const quint64 back = axis.addressForX(x);
        QVERIFY(back <= address && address - back < axis.bytesPerPixel() + 1);
    }
}

void TestAddressAxis::zoomKeepsAnchor_data()
{
    QTest::addColumn<double>("factor");
    QTest::addColumn<double>("anchor");
    QTest::newRow("in at centre") << 2.0 << 500.0;
    QTest::newRow("in at quarter") << 3.0 << 250.0;
    QTest::newRow("in at 90%") << 1.25 << 900.0;
    QTest::newRow("out after in") << 0.8 << 100.0;
}

void TestAddressAxis::zoomKeepsAnchor()
{
    QFETCH(double, factor);
    QFETCH(double, anchor);
    AddressAxis axis;
    axis.setPixelWidth(1000);
    axis.setBounds(0x40000000, 0x80000000);
    axis.zoom(8.0, 500); // start zoomed in so that zooming out keeps within bounds
    const quint64 before = axis.addressForX(anchor);
    const quint64 spanBefore = axis.viewEnd() - axis.viewBegin();
    axis.zoom(factor, anchor);
    const quint64 after = axis.addressForX(anchor);
    const double tolerance = axis.bytesPerPixel() + 1;
    QVERIFY2(std::abs(double(after) - double(before)) <= tolerance,
        qPrintable(QStringLiteral("%1 vs %2").arg(before, 0, 16).arg(after, 0, 16)));
    QVERIFY(std::abs(double(axis.viewEnd() - axis.viewBegin()) - double(spanBefore) / factor) <= 2.0);
}

void TestAddressAxis::panClamps()
{
    AddressAxis axis;
    axis.setPixelWidth(100);
    axis.setBounds(1000, 11000);
    axis.zoom(4.0, 0); // view = [1000, 3500)
    QCOMPARE(axis.viewBegin(), quint64(1000));
    QCOMPARE(axis.viewEnd(), quint64(3500));
    axis.panPixels(10); // 10 px = 250 bytes
    QCOMPARE(axis.viewBegin(), quint64(1250));
    axis.panPixels(-1000);
    QCOMPARE(axis.viewBegin(), quint64(1000));
    axis.panPixels(100000);
    QCOMPARE(axis.viewEnd(), quint64(11000));
    QCOMPARE(axis.viewEnd() - axis.viewBegin(), quint64(2500));
}

void TestAddressAxis::zoomLimits()
{
    AddressAxis axis;
    axis.setPixelWidth(100);
    axis.setBounds(0, 1 << 20);
    for (int i = 0; i < 100; ++i)
        axis.zoom(2.0, 50);
    QCOMPARE(axis.viewEnd() - axis.viewBegin(), axis.minimumSpan());
    for (int i = 0; i < 100; ++i)
        axis.zoom(0.5, 50);
    QCOMPARE(axis.viewBegin(), quint64(0));
    QCOMPARE(axis.viewEnd(), quint64(1 << 20));
}

void TestAddressAxis::highAddresses()
{
    AddressAxis axis;
    axis.setPixelWidth(1000);
    const quint64 top = 0xfff0000000000000ull;
    axis.setBounds(top, top + 0x100000);
    QCOMPARE(axis.xForAddress(top + 0x80000), 500.0);
    axis.zoom(16.0, 500);
    QVERIFY(axis.viewBegin() >= top);
    QVERIFY(axis.viewEnd() <= top + 0x100000);
    QVERIFY(axis.addressForX(500) >= top + 0x80000 - 0x100 && axis.addressForX(500) <= top + 0x80000 + 0x100);
}

QTEST_GUILESS_MAIN(TestAddressAxis)
#include "tst_addressaxis.moc"
