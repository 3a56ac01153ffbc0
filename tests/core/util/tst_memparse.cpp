// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/util/memparse.h>

#include <QTest>

#include <limits>

using namespace cmascope;

class TestMemparse : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void startPosition();
    void formatSize_data();
    void formatSize();
    void formatRoundTrip();
    void nearTextTruncates();
};

void TestMemparse::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<quint64>("value");
    QTest::addColumn<int>("end");
    QTest::addColumn<bool>("digits");
    QTest::addColumn<bool>("overflow");

    constexpr quint64 max = std::numeric_limits<quint64>::max();
    constexpr quint64 K = 1024;
    constexpr quint64 M = K * 1024;
    constexpr quint64 G = M * 1024;
    constexpr quint64 T = G * 1024;
    constexpr quint64 P = T * 1024;
    constexpr quint64 E = P * 1024;
    // decimal
    QTest::newRow("zero") << QByteArray("0") << quint64(0) << 1 << true << false;
    QTest::newRow("decimal") << QByteArray("123") << quint64(123) << 3 << true << false;
    QTest::newRow("bytes, no suffix") << QByteArray("128") << quint64(128) << 3 << true << false;
    // hex: "0x" needs a hex digit after it
    QTest::newRow("hex") << QByteArray("0x1F") << quint64(0x1f) << 4 << true << false;
    QTest::newRow("hex upper X") << QByteArray("0X1f") << quint64(0x1f) << 4 << true << false;
    QTest::newRow("hex address") << QByteArray("0x40000000") << quint64(0x40000000) << 10 << true << false;
    QTest::newRow("0x alone is octal 0") << QByteArray("0x") << quint64(0) << 1 << true << false;
    QTest::newRow("0x then non-hex") << QByteArray("0xg") << quint64(0) << 1 << true << false;
    // octal: a leading 0
    QTest::newRow("octal") << QByteArray("010") << quint64(8) << 3 << true << false;
    QTest::newRow("octal 0777") << QByteArray("0777") << quint64(511) << 4 << true << false;
    QTest::newRow("octal stops at 8") << QByteArray("08") << quint64(0) << 1 << true << false;
    QTest::newRow("octal stops at 9") << QByteArray("0190") << quint64(1) << 2 << true << false;
    // suffixes, either case
    QTest::newRow("K") << QByteArray("4K") << 4 * K << 2 << true << false;
    QTest::newRow("k") << QByteArray("512k") << 512 * K << 4 << true << false;
    QTest::newRow("M") << QByteArray("64M") << 64 * M << 3 << true << false;
    QTest::newRow("m") << QByteArray("64m") << 64 * M << 3 << true << false;
    QTest::newRow("G") << QByteArray("1G") << G << 2 << true << false;
    QTest::newRow("g") << QByteArray("3g") << 3 * G << 2 << true << false;
    QTest::newRow("T") << QByteArray("2T") << 2 * T << 2 << true << false;
    QTest::newRow("p") << QByteArray("1p") << P << 2 << true << false;
    QTest::newRow("E") << QByteArray("1E") << E << 2 << true << false;
    QTest::newRow("e") << QByteArray("15e") << 15 * E << 3 << true << false;
    QTest::newRow("hex with suffix") << QByteArray("0x10M") << 16 * M << 5 << true << false;
    QTest::newRow("octal with suffix") << QByteArray("010K") << 8 * K << 4 << true << false;
    QTest::newRow("only one suffix") << QByteArray("1KK") << K << 2 << true << false;
    QTest::newRow("B is no suffix") << QByteArray("1B") << quint64(1) << 1 << true << false;
    // stop position
    QTest::newRow("stops at @") << QByteArray("64M@512M") << 64 * M << 3 << true << false;
    QTest::newRow("stops at -") << QByteArray("0-4G") << quint64(0) << 1 << true << false;
    QTest::newRow("stops at .") << QByteArray("1.5G") << quint64(1) << 1 << true << false;
    // no digits
    QTest::newRow("empty") << QByteArray("") << quint64(0) << 0 << false << false;
    QTest::newRow("suffix alone, like the kernel") << QByteArray("K") << quint64(0) << 1 << false << false;
    QTest::newRow("no sign") << QByteArray("-1") << quint64(0) << 0 << false << false;
    QTest::newRow("no leading blank") << QByteArray(" 1") << quint64(0) << 0 << false << false;
    QTest::newRow("letters") << QByteArray("abc") << quint64(0) << 0 << false << false;
    // overflow is reported, not wrapped
    QTest::newRow("max decimal") << QByteArray("18446744073709551615") << max << 20 << true << false;
    QTest::newRow("max + 1 decimal") << QByteArray("18446744073709551616") << max << 20 << true << true;
    QTest::newRow("max hex") << QByteArray("0xffffffffffffffff") << max << 18 << true << false;
    QTest::newRow("17 hex digits") << QByteArray("0x10000000000000000") << max << 19 << true << true;
    QTest::newRow("huge octal") << QByteArray("02000000000000000000000") << max << 23 << true << true;
    QTest::newRow("16E = 2^64") << QByteArray("16E") << max << 3 << true << true;
    QTest::newRow("16384P = 2^64") << QByteArray("16384P") << max << 6 << true << true;
    QTest::newRow("16383P fits") << QByteArray("16383P") << 16383 * P << 6 << true << false;
    QTest::newRow("17179869184G = 2^64") << QByteArray("17179869184G") << max << 12 << true << true;
}

void TestMemparse::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(quint64, value);
    QFETCH(int, end);
    QFETCH(bool, digits);
    QFETCH(bool, overflow);

    const MemparseResult r = memparse(std::string_view(input.constData(), std::size_t(input.size())));
    QCOMPARE(quint64(r.value), value);
    QCOMPARE(int(r.end), end);
    QCOMPARE(r.digits, digits);
    QCOMPARE(r.overflow, overflow);
    QCOMPARE(r.ok(), digits && !overflow);
}

void TestMemparse::startPosition()
{
    // cma=64M@512M-4G, parsed piecewise as early_cma does.
    const std::string_view s = "cma=64M@512M-4G";
    const MemparseResult size = memparse(s, 4);
    QCOMPARE(quint64(size.value), quint64(64) << 20);
    QCOMPARE(int(size.end), 7);
    QCOMPARE(s[size.end], '@');
    const MemparseResult base = memparse(s, size.end + 1);
    QCOMPARE(quint64(base.value), quint64(512) << 20);
    QCOMPARE(s[base.end], '-');
    const MemparseResult limit = memparse(s, base.end + 1);
    QCOMPARE(quint64(limit.value), quint64(4) << 30);
    QCOMPARE(limit.end, s.size());
    // Past the end: nothing parsed, position unchanged.
    const MemparseResult past = memparse(s, s.size());
    QVERIFY(!past.digits);
    QCOMPARE(past.end, s.size());
    // A failed parse in the middle reports where it stopped, for "invalid size near %s".
    const std::string_view bad = "r1=xyz";
    const MemparseResult r = memparse(bad, 3);
    QVERIFY(!r.digits);
    QCOMPARE(int(r.end), 3);
    QCOMPARE(QByteArray::fromStdString(nearText(bad, r.end)), QByteArray("xyz"));
}

void TestMemparse::formatSize_data()
{
    QTest::addColumn<quint64>("bytes");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("0") << quint64(0) << QByteArray("0");
    QTest::newRow("1") << quint64(1) << QByteArray("1");
    QTest::newRow("4095") << quint64(4095) << QByteArray("4095");
    QTest::newRow("4097") << quint64(4097) << QByteArray("4097");
    QTest::newRow("4096") << quint64(4096) << QByteArray("4K");
    QTest::newRow("512K") << quint64(512) * 1024 << QByteArray("512K");
    QTest::newRow("1536K") << quint64(1536) * 1024 << QByteArray("1536K");
    QTest::newRow("64M") << (quint64(64) << 20) << QByteArray("64M");
    QTest::newRow("1536M") << (quint64(1536) << 20) << QByteArray("1536M");
    QTest::newRow("1G") << (quint64(1) << 30) << QByteArray("1G");
    QTest::newRow("4G") << (quint64(4) << 30) << QByteArray("4G");
    QTest::newRow("1T") << (quint64(1) << 40) << QByteArray("1T");
    QTest::newRow("3P") << (quint64(3) << 50) << QByteArray("3P");
    QTest::newRow("15E") << (quint64(15) << 60) << QByteArray("15E");
    QTest::newRow("max") << std::numeric_limits<quint64>::max() << QByteArray("18446744073709551615");
}

void TestMemparse::formatSize()
{
    QFETCH(quint64, bytes);
    QFETCH(QByteArray, text);
    QCOMPARE(QByteArray::fromStdString(cmascope::formatSize(bytes)), text);
}

void TestMemparse::formatRoundTrip()
{
    const quint64 values[] = { 0, 1, 7, 4096, 0x1800, 123456789, 1 << 20, 3ull << 30, 5ull << 40, 0x40000000,
        0xfb000000, 15ull << 60 };
    for (const quint64 v : values) {
        const std::string text = cmascope::formatSize(v);
        const MemparseResult r = memparse(text);
        QVERIFY2(r.ok(), text.c_str());
        QCOMPARE(quint64(r.value), v);
        QCOMPARE(r.end, text.size());
    }
}

void TestMemparse::nearTextTruncates()
{
    const std::string_view s = "r1=64M@0x40000000/1M:bf;r2=32M/4M:bf";
    QCOMPARE(QByteArray::fromStdString(nearText(s, 3, 10)), QByteArray("64M@0x4000..."));
    QCOMPARE(QByteArray::fromStdString(nearText(s, s.size())), QByteArray());
    QCOMPARE(QByteArray::fromStdString(nearText(s, 24)), QByteArray("r2=32M/4M:bf"));
}

QTEST_GUILESS_MAIN(TestMemparse)
#include "tst_memparse.moc"
