// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/sim/freeextents.h>

#include <QTest>

#include <array>
#include <limits>
#include <random>
#include <vector>

using cmascope::FreeExtents;

class TestFreeExtents : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void handComputedIndices_data();
    void handComputedIndices();
    void alignedQueries();
    void admitsAligned_data();
    void admitsAligned();
    void takeGiveMerge();
    void rejectsInvalid();
    void randomisedAgainstPageVector();

private:
    // 16 pages, pages 1, 5, 9 and 13 used: runs [0,1) [2,5) [6,9) [10,13) [14,16).
    static FreeExtents comb(std::uint64_t basePfn = 0);
};

FreeExtents TestFreeExtents::comb(std::uint64_t basePfn)
{
    FreeExtents fe(basePfn, 16);
    for (std::uint64_t p : { 1, 5, 9, 13 })
        fe.take(p, 1);
    return fe;
}

void TestFreeExtents::admitsAligned_data()
{
    QTest::addColumn<quint64>("basePfn");
    QTest::addColumn<quint64>("pages");
    QTest::addColumn<quint64>("request");
    QTest::addColumn<unsigned>("order");
    QTest::addColumn<bool>("admits");
    // A 1 GiB gigantic page (2^18 pages at order 18) in a 1 GiB area.
    QTest::newRow("1 GiB area at 2 GiB") << quint64(0x80000) << quint64(262144) << quint64(262144) << 18u << true;
    QTest::newRow("1 GiB area 2 MiB off") << quint64(0x80200) << quint64(262144) << quint64(262144) << 18u << false;
    QTest::newRow("one page less fits nowhere either")
        << quint64(0x80200) << quint64(262144) << quint64(261632) << 18u << false; // skip 261632 leaves 512
    QTest::newRow("the rest after the first aligned PFN")
        << quint64(0x80200) << quint64(262144 + 261632) << quint64(262144) << 18u << true;
    QTest::newRow("16 MiB cma=16M at 0x7dc00000, 16 MiB aligned")
        << quint64(0x7dc00) << quint64(4096) << quint64(4096) << 12u << false;
    QTest::newRow("12 MiB of it is") << quint64(0x7dc00) << quint64(4096) << quint64(3072) << 12u << true;
    QTest::newRow("order 0 fits when the size does") << quint64(3) << quint64(5) << quint64(5) << 0u << true;
    QTest::newRow("larger than the region") << quint64(0) << quint64(5) << quint64(6) << 0u << false;
    QTest::newRow("no aligned PFN below 2^64")
        << quint64(std::numeric_limits<std::uint64_t>::max() - 10) << quint64(5) << quint64(1) << 4u << false;
    QTest::newRow("order 64") << quint64(16) << quint64(16) << quint64(1) << 64u << false;
}

void TestFreeExtents::admitsAligned()
{
    QFETCH(quint64, basePfn);
    QFETCH(quint64, pages);
    QFETCH(quint64, request);
    QFETCH(unsigned, order);
    QFETCH(bool, admits);
    FreeExtents fe(basePfn, pages);
    QCOMPARE(fe.admitsAligned(request, order), admits);
    if (order < 64) // the occupancy does not matter: a full region admits what an empty one does
        QCOMPARE(fe.firstFit(request, order).has_value(), admits);
    fe.take(0, pages);
    QCOMPARE(fe.admitsAligned(request, order), admits);
}

void TestFreeExtents::handComputedIndices_data()
{
    // Blocks: [0] o0, [2,4) o1 + [4] o0, [6,8) o1 + [8] o0, [10,12) o1 + [12] o0, [14,16) o1
    // -> k0 = 4, k1 = 4; F = 12 free pages, B = 8 blocks.
    QTest::addColumn<unsigned>("order");
    QTest::addColumn<int>("unusable");
    QTest::addColumn<int>("extfrag");
    QTest::newRow("order 0") << 0u << 0 << -1000;
    QTest::newRow("order 1") << 1u << 333 << -1000; // (12 - 8) * 1000 / 12
    QTest::newRow("order 2") << 2u << 1000 << 500; // 1000 - (1000 + 12000/4) / 8
    QTest::newRow("order 3") << 3u << 1000 << 688; // 1000 - (1000 + 12000/8) / 8 = 1000 - 312
    QTest::newRow("order 6") << 6u << 1000 << 852; // 1000 - (1000 + 12000/64) / 8 = 1000 - 148
}

void TestFreeExtents::handComputedIndices()
{
    QFETCH(unsigned, order);
    QFETCH(int, unusable);
    QFETCH(int, extfrag);
    const FreeExtents fe = comb();
    QCOMPARE(fe.freePages(), std::uint64_t(12));
    QCOMPARE(fe.runCount(), std::size_t(5));
    QCOMPARE(fe.largestRun(), std::uint64_t(3));
    QCOMPARE(fe.blocksPerOrder()[0], std::uint64_t(4));
    QCOMPARE(fe.blocksPerOrder()[1], std::uint64_t(4));
    QCOMPARE(fe.unusableIndex(order), unusable);
    QCOMPARE(fe.extfragIndex(order), extfrag);
}

void TestFreeExtents::alignedQueries()
{
    const FreeExtents fe = comb();
    QCOMPARE(fe.footprint(), std::uint64_t(14)); // the last run reaches the end of the region
    QCOMPARE(fe.relativeFragmentation(), 0.75);
    QCOMPARE(fe.largestAligned(0), std::uint64_t(3));
    QCOMPARE(fe.largestAligned(1), std::uint64_t(3));
    QCOMPARE(fe.largestAligned(2), std::uint64_t(1));
    QCOMPARE(fe.firstFit(2, 1), std::optional<std::uint64_t>(2));
    QCOMPARE(fe.firstFit(3, 0), std::optional<std::uint64_t>(2));
    QCOMPARE(fe.firstFit(3, 2), std::optional<std::uint64_t>());
    // Alignment is on the absolute PFN: with base PFN 1 the same runs start one PFN later.
    const FreeExtents shifted = comb(1);
    QCOMPARE(shifted.firstFit(2, 1), std::optional<std::uint64_t>(3)); // PFN 4
    QCOMPARE(shifted.largestAligned(2), std::uint64_t(2)); // e.g. PFNs 4..5
    // PFN runs [1] [3,6) [7,10) [11,14) [15,17): order-0 blocks at 1, 3, 7, 11, 15, 16; order-1 at 4, 8, 12.
    QCOMPARE(shifted.blocksPerOrder()[0], std::uint64_t(6));
    QCOMPARE(shifted.blocksPerOrder()[1], std::uint64_t(3));
}

void TestFreeExtents::takeGiveMerge()
{
    FreeExtents fe(0x40000, 100);
    QVERIFY(fe.take(10, 10));
    QVERIFY(fe.take(30, 10));
    QCOMPARE(fe.runCount(), std::size_t(3));
    QCOMPARE(fe.usedPages(), std::uint64_t(20));
    QVERIFY(fe.isUsed(10, 10));
    QVERIFY(!fe.isUsed(9, 2));
    QVERIFY(fe.give(12, 3)); // partial give splits the used range
    QCOMPARE(fe.runCount(), std::size_t(4));
    QVERIFY(fe.give(10, 2));
    QVERIFY(fe.give(15, 5)); // merges [10,20) with both neighbours
    QCOMPARE(fe.runCount(), std::size_t(2));
    QCOMPARE(fe.largestRun(), std::uint64_t(60));
    QVERIFY(fe.give(30, 10));
    QCOMPARE(fe.runCount(), std::size_t(1));
    QCOMPARE(fe.freePages(), std::uint64_t(100));
    QCOMPARE(fe.footprint(), std::uint64_t(0));
}

void TestFreeExtents::rejectsInvalid()
{
    FreeExtents fe(0, 32);
    QVERIFY(fe.take(4, 4));
    QVERIFY(!fe.take(6, 4)); // overlaps used pages
    QVERIFY(!fe.take(30, 4)); // beyond the end
    QVERIFY(!fe.give(0, 2)); // already free
    QVERIFY(!fe.give(3, 2)); // half free
    QCOMPARE(fe.usedPages(), std::uint64_t(4));
    QCOMPARE(fe.runCount(), std::size_t(2));
    // A range whose end would pass 2^64 is never free (offset + pages once wrapped to a small end).
    const std::uint64_t top = ~std::uint64_t { 0 };
    QVERIFY(!fe.isFree(top, 2));
    QVERIFY(!fe.isFree(9, top));
    QVERIFY(!fe.take(top, 2));
    QVERIFY(!fe.take(9, top));
    QCOMPARE(fe.usedPages(), std::uint64_t(4));
    QCOMPARE(fe.runCount(), std::size_t(2));
}

void TestFreeExtents::randomisedAgainstPageVector()
{
    std::mt19937_64 rng(20101119);
    const std::uint64_t base = 0x7dc00, pages = 512;
    FreeExtents fe(base, pages);
    std::vector<bool> used(pages, false);
    for (int i = 0; i < 20000; ++i) {
        const std::uint64_t off = rng() % pages;
        const std::uint64_t len = 1 + rng() % std::min<std::uint64_t>(32, pages - off);
        bool allFree = true, allUsed = true;
        for (std::uint64_t p = off; p < off + len; ++p) {
            allFree = allFree && !used[p];
            allUsed = allUsed && used[p];
        }
        if (rng() & 1) {
            QCOMPARE(fe.take(off, len), allFree);
            if (allFree)
                std::fill(used.begin() + long(off), used.begin() + long(off + len), true);
        } else {
            QCOMPARE(fe.give(off, len), allUsed);
            if (allUsed)
                std::fill(used.begin() + long(off), used.begin() + long(off + len), false);
        }
        // Recompute every metric from the page vector.
        std::uint64_t freeCount = 0, runs = 0, largest = 0, cur = 0, top = 0;
        std::array<std::uint64_t, 64> blocks {};
        for (std::uint64_t p = 0; p <= pages; ++p) {
            if (p < pages && !used[p]) {
                ++freeCount;
                ++cur;
                continue;
            }
            if (p < pages)
                top = p + 1;
            if (cur) {
                ++runs;
                largest = std::max(largest, cur);
                std::uint64_t pfn = base + p - cur;
                const std::uint64_t end = base + p;
                while (pfn < end) {
                    unsigned o = 0;
                    while (((pfn >> o) & 1) == 0 && pfn + (2ull << o) <= end)
                        ++o;
                    while (pfn + (1ull << o) > end)
                        --o;
                    ++blocks[o];
                    pfn += 1ull << o;
                }
            }
            cur = 0;
        }
        QCOMPARE(fe.freePages(), freeCount);
        QCOMPARE(fe.runCount(), std::size_t(runs));
        QCOMPARE(fe.largestRun(), largest);
        QCOMPARE(fe.footprint(), top);
        for (unsigned o = 0; o < 10; ++o)
            QCOMPARE(fe.blocksPerOrder()[o], blocks[o]);
    }
}

QTEST_GUILESS_MAIN(TestFreeExtents)
#include "tst_freeextents.moc"
