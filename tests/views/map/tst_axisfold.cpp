// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map's folds (views/map/axisfold.h): address <-> axis coordinate on the physical, compact and
// per-area axes, collapsed gaps included, without wrapping near 2^64.
#include "map/axisfold.h"

#include <QTest>

#include <cmath>

using namespace cmascope::views;

namespace {
constexpr quint64 MiB = 1024 * 1024;
constexpr quint64 GiB = 1024 * MiB;
constexpr quint64 kBank = 0x40000000;
constexpr quint64 kA = 0x50000000; // 16 MiB
constexpr quint64 kB = 0x70000000; // 8 MiB
constexpr quint64 kBreak = 24 * MiB / 40; // a fortieth of the kept bytes

AxisFold twoRegionsInABank()
{
    return AxisFold::compact(kBank, kBank + GiB, { { kB, kB + 8 * MiB }, { kA, kA + 16 * MiB } });
}
} // namespace

class TestAxisFold : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void compactMapping_data();
    void compactMapping();
    void compactBreaks();
    void roundTrip_data();
    void roundTrip();
    void smallGapsStay();
    void breaksNeverTakeMoreThanAQuarter();
    void overlappingKeptRangesMerge();
    void scaledArea();
    void identityNearTheTop();
};

void TestAxisFold::compactMapping_data()
{
    QTest::addColumn<quint64>("address");
    QTest::addColumn<double>("expected"); // axis coordinate minus the bank's base

    QTest::newRow("bank start") << kBank << 0.0;
    QTest::newRow("middle of the first gap") << quint64(0x48000000) << kBreak / 2.0;
    QTest::newRow("region A start") << kA << double(kBreak);
    QTest::newRow("inside A, bytes kept") << kA + 0x1234 << double(kBreak + 0x1234);
    QTest::newRow("region A end: second break") << kA + 16 * MiB << double(kBreak + 16 * MiB);
    QTest::newRow("region B start") << kB << double(2 * kBreak + 16 * MiB);
    QTest::newRow("region B end") << kB + 8 * MiB << double(2 * kBreak + 24 * MiB);
    QTest::newRow("bank end") << kBank + GiB << double(3 * kBreak + 24 * MiB);
}

void TestAxisFold::compactMapping()
{
    QFETCH(quint64, address);
    QFETCH(double, expected);
    const AxisFold fold = twoRegionsInABank();
    QCOMPARE(double(fold.toVirtual(address) - kBank), expected);
}

void TestAxisFold::compactBreaks()
{
    const AxisFold fold = twoRegionsInABank();
    const auto breaks = fold.breaks();
    QCOMPARE(breaks.size(), std::size_t(3));
    QCOMPARE(breaks[0].physBegin, kBank);
    QCOMPARE(breaks[0].physEnd, kA);
    QCOMPARE(breaks[1].physBegin, kA + 16 * MiB);
    QCOMPARE(breaks[1].physEnd, kB);
    QCOMPARE(breaks[2].physEnd, kBank + GiB);
    for (const auto& b : breaks)
        QCOMPARE(b.virtEnd - b.virtBegin, kBreak);
    QCOMPARE(fold.physicalBegin(), kBank);
    QCOMPARE(fold.physicalEnd(), kBank + GiB);
    QCOMPARE(fold.virtualEnd() - fold.virtualBegin(), 24 * MiB + 3 * kBreak);
    QCOMPARE(double(fold.bytesPerUnit(kA + 5)), 1.0);
    QVERIFY(fold.bytesPerUnit(kBank + 5) > 100.0);
}

void TestAxisFold::roundTrip_data()
{
    QTest::addColumn<quint64>("address");
    for (const quint64 a : { kA, kA + 1, kA + 16 * MiB - 1, kB, kB + 4096, kB + 8 * MiB - 1 })
        QTest::addRow("0x%llx", static_cast<unsigned long long>(a)) << a;
}

void TestAxisFold::roundTrip()
{
    QFETCH(quint64, address);
    const AxisFold fold = twoRegionsInABank();
    QCOMPARE(fold.toPhysical(fold.toVirtual(address)), address);
    // Inside a break: back into the same gap.
    const quint64 inGap = fold.toPhysical(fold.toVirtual(0x60000000));
    QVERIFY(inGap >= kA + 16 * MiB && inGap < kB);
}

void TestAxisFold::smallGapsStay()
{
    // Two regions 4 KiB apart: the gap is narrower than a break would be, so it is drawn as it is.
    const AxisFold fold = AxisFold::compact(0, 2 * GiB, { { 0, GiB }, { GiB + 4096, 2 * GiB } });
    QVERIFY(fold.breaks().empty());
    QCOMPARE(double(fold.toVirtual(GiB + 4096)), double(GiB + 4096));
}

void TestAxisFold::breaksNeverTakeMoreThanAQuarter()
{
    // 100 regions of 1 MiB, 1 GiB apart: 99 gaps (plus the tail) would eat the axis at a fortieth each.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> kept;
    for (quint64 i = 0; i < 100; ++i)
        kept.emplace_back(i * GiB, i * GiB + MiB);
    const AxisFold fold = AxisFold::compact(0, 100 * GiB, kept);
    quint64 breakUnits = 0;
    for (const auto& b : fold.breaks())
        breakUnits += b.virtEnd - b.virtBegin;
    QCOMPARE(fold.breaks().size(), std::size_t(100));
    QVERIFY(breakUnits <= 100 * MiB / 4);
    QCOMPARE(fold.virtualEnd() - fold.virtualBegin(), 100 * MiB + breakUnits);
}

void TestAxisFold::overlappingKeptRangesMerge()
{
    const AxisFold fold = AxisFold::compact(0, GiB, { { 0x100000, 0x300000 }, { 0x200000, 0x400000 }, { 5, 1 } });
    QCOMPARE(fold.breaks().size(), std::size_t(2));
    QCOMPARE(fold.breaks()[1].physBegin, quint64(0x400000));
    // Nothing kept: the physical axis.
    const AxisFold none = AxisFold::compact(0x1000, 0x9000, {});
    QVERIFY(none.breaks().empty());
    QCOMPARE(double(none.toVirtual(0x5000)), double(0x5000));
}

void TestAxisFold::scaledArea()
{
    // An 8 MiB area over the units of a 1 GiB one: a byte of it is 128 units.
    const AxisFold fold = AxisFold::scaled(kB, kB + 8 * MiB, GiB);
    QCOMPARE(double(fold.toVirtual(kB)), 0.0);
    QCOMPARE(double(fold.toVirtual(kB + 4 * MiB)), double(GiB / 2));
    QCOMPARE(double(fold.toVirtual(kB + 8 * MiB)), double(GiB));
    QCOMPARE(fold.toPhysical(GiB / 4), kB + 2 * MiB);
    QCOMPARE(fold.toPhysical(-5.0L), kB);
    QCOMPARE(fold.toPhysical(2.0L * GiB), kB + 8 * MiB - 1);
    QCOMPARE(double(fold.bytesPerUnit(kB)), 1.0 / 128);
    // Past the end: the same slope, so a ghost overhanging the area stays proportional.
    QCOMPARE(double(fold.toVirtual(kB + 16 * MiB)), double(2 * GiB));
}

void TestAxisFold::identityNearTheTop()
{
    const quint64 top = ~quint64(0);
    const AxisFold fold = AxisFold::compact(top - 4 * GiB, top, { { top - GiB, top } });
    QCOMPARE(fold.breaks().size(), std::size_t(1));
    QCOMPARE(fold.toPhysical(fold.toVirtual(top - 1)), top - 1);
    QVERIFY(fold.toVirtual(top - GiB) < fold.toVirtual(top - 1));
    QVERIFY(fold.toVirtual(top - GiB) > fold.toVirtual(top - 4 * GiB));
    const AxisFold id = AxisFold::identity(top - 10, top);
    QCOMPARE(double(id.toVirtual(top - 3) - id.toVirtual(top - 10)), 7.0);
}

QTEST_GUILESS_MAIN(TestAxisFold)
#include "tst_axisfold.moc"
