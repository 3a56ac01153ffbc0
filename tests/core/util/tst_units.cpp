// SPDX-License-Identifier: GPL-2.0-or-later
// The one checked size arithmetic and the one spelling of sizes and addresses (core/include/cmascope/util/units.h).
#include <cmascope/util/units.h>

#include <QTest>

using namespace cmascope;

class TestUnits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sizeText_data();
    void sizeText();
    void approxSizeText_data();
    void approxSizeText();
    void hexText();
    void alignUp_data();
    void alignUp();
    void pagesFor_data();
    void pagesFor();
    void checkedArithmetic();
};

void TestUnits::sizeText_data()
{
    QTest::addColumn<quint64>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << quint64(0) << QStringLiteral("0 bytes");
    QTest::newRow("one") << quint64(1) << QStringLiteral("1 byte");
    QTest::newRow("odd") << quint64(4097) << QStringLiteral("4097 bytes");
    QTest::newRow("page") << quint64(4096) << QStringLiteral("4 KiB");
    QTest::newRow("1.5 KiB") << quint64(1536) << QStringLiteral("1.5 KiB");
    // The same number is spelled the same everywhere: 1536 KiB is 1.5 MiB.
    QTest::newRow("1.5 MiB") << quint64(1536 * 1024) << QStringLiteral("1.5 MiB");
    QTest::newRow("1.25 GiB") << quint64(1280) * 1024 * 1024 << QStringLiteral("1.25 GiB");
    QTest::newRow("0.75 of a unit stays below") << quint64(768 * 1024) << QStringLiteral("768 KiB");
    QTest::newRow("not a quarter") << quint64(1540 * 1024) << QStringLiteral("1540 KiB");
    QTest::newRow("64 bytes") << quint64(64) << QStringLiteral("64 bytes");
    QTest::newRow("whole MiB") << quint64(64) * 1024 * 1024 << QStringLiteral("64 MiB");
    QTest::newRow("EiB") << (quint64(1) << 62) << QStringLiteral("4 EiB");
    QTest::newRow("max") << ~quint64(0) << QStringLiteral("18446744073709551615 bytes");
    QTest::newRow("max page") << (~quint64(0) & ~quint64(4095)) << QStringLiteral("18014398509481980 KiB");
}

void TestUnits::sizeText()
{
    QFETCH(quint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(QString::fromStdString(cmascope::sizeText(bytes)), text);
}

void TestUnits::approxSizeText_data()
{
    QTest::addColumn<double>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("bytes") << 100.0 << QStringLiteral("100 bytes");
    QTest::newRow("byte") << 1.0 << QStringLiteral("1 byte");
    QTest::newRow("1.5 MiB") << 1536.0 * 1024 << QStringLiteral("1.5 MiB");
    QTest::newRow("three digits") << 117.4 * 1024 * 1024 << QStringLiteral("117 MiB");
    QTest::newRow("no exponent") << 1023.9 * 1024 << QStringLiteral("1024 KiB");
    QTest::newRow("2.34 GiB") << 2.344 * 1024 * 1024 * 1024 << QStringLiteral("2.34 GiB");
    QTest::newRow("negative is 0") << -5.0 << QStringLiteral("0 bytes");
}

void TestUnits::approxSizeText()
{
    QFETCH(double, bytes);
    QFETCH(QString, text);
    QCOMPARE(QString::fromStdString(cmascope::approxSizeText(bytes)), text);
}

void TestUnits::hexText()
{
    QCOMPARE(QString::fromStdString(cmascope::hexText(0)), QStringLiteral("0x0"));
    QCOMPARE(QString::fromStdString(cmascope::hexText(0x40000000)), QStringLiteral("0x40000000"));
    QCOMPARE(QString::fromStdString(cmascope::hexText(~0ull)), QStringLiteral("0xffffffffffffffff"));
    // The kernel's %pa spelling, for messages that quote it (moved here from tst_validation with hexAddress).
    QCOMPARE(QByteArray::fromStdString(cmascope::hexAddress(0xfb000000)), QByteArray("0x00000000fb000000"));
}

void TestUnits::alignUp_data()
{
    QTest::addColumn<quint64>("value");
    QTest::addColumn<quint64>("align");
    QTest::addColumn<bool>("fits");
    QTest::addColumn<quint64>("result");
    QTest::newRow("aligned") << quint64(8192) << quint64(4096) << true << quint64(8192);
    QTest::newRow("up") << quint64(4097) << quint64(4096) << true << quint64(8192);
    QTest::newRow("not a power of two") << quint64(10) << quint64(3) << true << quint64(12);
    QTest::newRow("align 0") << quint64(5) << quint64(0) << true << quint64(5);
    QTest::newRow("top page") << (~quint64(0) & ~quint64(4095)) << quint64(4096) << true
                              << (~quint64(0) & ~quint64(4095));
    QTest::newRow("wraps") << quint64(0xFFFFFFFFFFFFF001ull) << quint64(4096) << false << quint64(0);
    QTest::newRow("max") << ~quint64(0) << quint64(2) << false << quint64(0);
}

void TestUnits::alignUp()
{
    QFETCH(quint64, value);
    QFETCH(quint64, align);
    QFETCH(bool, fits);
    QFETCH(quint64, result);
    const auto r = cmascope::alignUp(value, align);
    QCOMPARE(r.has_value(), fits);
    if (fits)
        QCOMPARE(quint64(*r), result);
    QCOMPARE(quint64(alignDown(value, align)) <= value, true);
}

void TestUnits::pagesFor_data()
{
    QTest::addColumn<quint64>("bytes");
    QTest::addColumn<quint64>("pages");
    QTest::newRow("0") << quint64(0) << quint64(0);
    QTest::newRow("1") << quint64(1) << quint64(1);
    QTest::newRow("page") << quint64(4096) << quint64(1);
    QTest::newRow("page+1") << quint64(4097) << quint64(2);
    // The old (bytes + 4095) / 4096 wrapped to 0 here.
    QTest::newRow("near 2^64") << quint64(0xFFFFFFFFFFFFF001ull) << quint64(0x10000000000000ull);
    QTest::newRow("max") << ~quint64(0) << quint64(0x10000000000000ull);
}

void TestUnits::pagesFor()
{
    QFETCH(quint64, bytes);
    QFETCH(quint64, pages);
    QCOMPARE(quint64(cmascope::pagesFor(bytes, 4096)), pages);
}

void TestUnits::checkedArithmetic()
{
    QCOMPARE(checkedAdd(1, 2).value(), std::uint64_t(3));
    QVERIFY(!checkedAdd(kU64Max, 1));
    QCOMPARE(checkedAdd(kU64Max - 1, 1).value(), kU64Max);
    QCOMPARE(checkedMul(1ull << 32, (1ull << 32) - 1).value(), (1ull << 32) * ((1ull << 32) - 1));
    QVERIFY(!checkedMul(1ull << 32, 1ull << 32));
    QCOMPARE(checkedMul(0, kU64Max).value(), std::uint64_t(0));
    QVERIFY(!rangeEnd(0xFFFFFFFFFFFFF000ull, 0x1000));
    QCOMPARE(rangeEnd(0xFFFFFFFFFFFFE000ull, 0x1000).value(), 0xFFFFFFFFFFFFF000ull);
}

QTEST_GUILESS_MAIN(TestUnits)
#include "tst_units.moc"
