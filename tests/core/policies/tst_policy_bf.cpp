// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 "bf" best-fit allocator against hand-computed cases (docs/cma2010.md#the-bf-best-fit-allocator).
#include "support/pinnedpages.h"

#include <cmascope/policies/bestfit2010.h>

#include <QTest>

#include <set>

using namespace cmascope;

namespace {

using test::PinnedPages;

using Extents = std::vector<std::pair<std::uint64_t, std::uint64_t>>; // (start, size)

BestFit2010Policy makeBf(std::uint64_t pages, std::uint64_t basePfn = 0)
{
    BestFit2010Policy bf;
    if (bf.reset(RegionGeometry { basePfn, pages }))
        qFatal("reset failed");
    return bf;
}

/// A region with everything allocated except @p holes, released in the given order.
BestFit2010Policy withHoles(std::uint64_t pages, const Extents& holes, std::uint64_t basePfn = 0)
{
    BestFit2010Policy bf = makeBf(pages, basePfn);
    if (!bf.reserve(0, pages))
        qFatal("reserve failed");
    for (const auto& [start, size] : holes) {
        if (!bf.release(start, size))
            qFatal("release failed");
    }
    return bf;
}

Extents holesByStart(const HoleListPolicy& p)
{
    Extents out;
    for (const auto& [start, hole] : p.holes())
        out.emplace_back(start, hole.size);
    return out;
}

std::uint64_t place(BestFit2010Policy& bf, std::uint64_t pages, unsigned align = 0)
{
    const PolicyResult r = bf.allocate({ pages, align }, nullptr);
    if (!r.ok)
        return ~std::uint64_t { 0 };
    return r.offset;
}

} // namespace

class TestPolicyBestFit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void smallestFittingHole()
    {
        auto bf = withHoles(100, { { 10, 10 }, { 30, 5 }, { 50, 8 } });
        QCOMPARE(place(bf, 6), std::uint64_t { 50 }); // 8 is the smallest hole >= 6
        QCOMPARE(holesByStart(bf), (Extents { { 10, 10 }, { 30, 5 }, { 56, 2 } }));
        QCOMPARE(place(bf, 5), std::uint64_t { 30 }); // case 1: the whole hole
        QCOMPARE(holesByStart(bf), (Extents { { 10, 10 }, { 56, 2 } }));
        QCOMPARE(place(bf, 9), std::uint64_t { 10 });
        QCOMPARE(place(bf, 2), std::uint64_t { 56 });
        QCOMPARE(place(bf, 1), std::uint64_t { 19 });
        QCOMPARE(bf.freePages(), std::uint64_t { 0 });
    }

    void tieMostRecentFirst()
    {
        // Equal sizes: the rb-tree insert goes left on value <= node, so the newest hole comes first.
        auto bf = withHoles(100, { { 10, 5 }, { 40, 5 }, { 70, 5 } });
        QCOMPARE(bf.holesBySize(), (Extents { { 70, 5 }, { 40, 5 }, { 10, 5 } }));
        QCOMPARE(place(bf, 5), std::uint64_t { 70 });
        QCOMPARE(place(bf, 3), std::uint64_t { 40 }); // hole [43,45) is re-inserted with size 2
        QCOMPARE(place(bf, 5), std::uint64_t { 10 });
        QCOMPARE(bf.holesBySize(), (Extents { { 43, 2 } }));
    }

    void reinsertedHoleBecomesNewest()
    {
        // Release order A = [10,16), B = [41,47), C = [72,79); an 8-aligned page only fits C.
        auto bf = withHoles(100, { { 10, 6 }, { 41, 6 }, { 72, 7 } });
        QCOMPARE(place(bf, 1, 3), std::uint64_t { 72 }); // B and A cannot hold an 8-aligned page
        // C shrank to [73,79), six pages, and was re-inserted last: it now leads the size-6 holes.
        QCOMPARE(bf.holesBySize(), (Extents { { 73, 6 }, { 41, 6 }, { 10, 6 } }));
        QCOMPARE(place(bf, 6), std::uint64_t { 73 });
        QCOMPARE(place(bf, 6), std::uint64_t { 41 });
    }

    void walksSuccessorsForAlignment()
    {
        // The smallest hole >= 4 is [1,5) but ALIGN(1, 4) = 4 leaves one page; its successor serves.
        auto bf = withHoles(32, { { 8, 6 }, { 1, 4 } });
        QCOMPARE(place(bf, 4, 2), std::uint64_t { 8 });
        QCOMPARE(holesByStart(bf), (Extents { { 1, 4 }, { 12, 2 } }));
    }

    void take_data()
    {
        QTest::addColumn<quint64>("basePfn");
        QTest::addColumn<quint64>("holeStart");
        QTest::addColumn<quint64>("holeSize");
        QTest::addColumn<quint64>("pages");
        QTest::addColumn<uint>("align");
        QTest::addColumn<quint64>("expectedOffset");
        QTest::addColumn<QList<quint64>>("expectedHoles"); // start, size pairs by start

        // case 2 at the start of the hole
        QTest::newRow("case 2 start") << quint64(0) << quint64(8) << quint64(10) << quint64(4) << 2U << quint64(8)
                                      << QList<quint64> { 12, 6 };
        // case 3, left = 20 - 8 = 12, 12 % 4 == 0 -> slide to the end
        QTest::newRow("slide to end") << quint64(0) << quint64(1) << quint64(19) << quint64(4) << 2U << quint64(16)
                                      << QList<quint64> { 1, 15 };
        // case 3, left = 19 - 8 = 11 -> tail hole [8,19), leading [1,4)
        QTest::newRow("tail hole") << quint64(0) << quint64(1) << quint64(18) << quint64(4) << 2U << quint64(4)
                                   << QList<quint64> { 1, 3, 8, 11 };
        // ALIGN(1, 4) = 4 and the chunk ends with the hole: case 2 at the end
        QTest::newRow("case 2 end") << quint64(0) << quint64(1) << quint64(7) << quint64(4) << 2U << quint64(4)
                                    << QList<quint64> { 1, 3 };
        // alignment on the absolute PFN: base 3, hole [0,20): ALIGN(3, 4) = 4 -> offset 1; left 15 -> tail
        QTest::newRow("absolute pfn") << quint64(3) << quint64(0) << quint64(20) << quint64(4) << 2U << quint64(1)
                                      << QList<quint64> { 0, 1, 5, 15 };
        // absolute PFN and slide: base 3, hole [0,21): chunk [1,5), left 16 -> slide to 17 (PFN 20)
        QTest::newRow("absolute slide") << quint64(3) << quint64(0) << quint64(21) << quint64(4) << 2U << quint64(17)
                                        << QList<quint64> { 0, 17 };
    }

    void take()
    {
        QFETCH(quint64, basePfn);
        QFETCH(quint64, holeStart);
        QFETCH(quint64, holeSize);
        QFETCH(quint64, pages);
        QFETCH(uint, align);
        QFETCH(quint64, expectedOffset);
        QFETCH(QList<quint64>, expectedHoles);
        auto bf = withHoles(64, { { holeStart, holeSize } }, basePfn);
        const PolicyResult r = bf.allocate({ pages, align }, nullptr);
        QVERIFY(r.ok);
        QCOMPARE(quint64(r.offset), expectedOffset);
        QCOMPARE(quint64(r.reservedPages), pages);
        QList<quint64> holes;
        for (const auto& [start, size] : holesByStart(bf))
            holes << start << size;
        QCOMPARE(holes, expectedHoles);
    }

    void tailInsertedBeforeLeadingHole()
    {
        // Hole [1,11): chunk [4,8), left 3 -> tail [8,11) is inserted, then the leading [1,4) is
        // re-inserted: both have 3 pages and the leading one is newer, so it comes first.
        auto bf = withHoles(32, { { 1, 10 } });
        QCOMPARE(place(bf, 4, 2), std::uint64_t { 4 });
        QCOMPARE(bf.holesBySize(), (Extents { { 1, 3 }, { 8, 3 } }));
        QCOMPARE(place(bf, 3), std::uint64_t { 1 });
        QCOMPARE(place(bf, 3), std::uint64_t { 8 });
    }

    void mergeOnFree()
    {
        auto bf = makeBf(30);
        QCOMPARE(place(bf, 10), std::uint64_t { 0 });
        QCOMPARE(place(bf, 10), std::uint64_t { 10 });
        QCOMPARE(place(bf, 10), std::uint64_t { 20 }); // case 1, the last hole
        QVERIFY(bf.holes().empty());
        QVERIFY(bf.release(0, 10));
        QVERIFY(bf.release(20, 10));
        QCOMPARE(holesByStart(bf), (Extents { { 0, 10 }, { 20, 10 } }));
        QVERIFY(!bf.release(5, 10)); // [5,10) is free already
        QVERIFY(bf.release(10, 10)); // merges with both neighbours
        QCOMPARE(holesByStart(bf), (Extents { { 0, 30 } }));
        QCOMPARE(place(bf, 30), std::uint64_t { 0 });
        // partial release of a chunk
        QVERIFY(bf.release(12, 3));
        QCOMPARE(holesByStart(bf), (Extents { { 12, 3 } }));
        QVERIFY(bf.release(15, 2)); // merges with the left neighbour
        QCOMPARE(holesByStart(bf), (Extents { { 12, 5 } }));
    }

    void refusals()
    {
        auto bf = withHoles(30, { { 1, 10 }, { 20, 10 } });
        QCOMPARE(bf.allocate({ 0, 0 }, nullptr).refusal, Refusal::ZeroSize);
        QCOMPARE(bf.allocate({ 31, 0 }, nullptr).refusal, Refusal::TooLarge);
        QCOMPARE(bf.allocate({ 21, 0 }, nullptr).refusal, Refusal::NotEnoughFree);
        QCOMPARE(bf.allocate({ 15, 0 }, nullptr).refusal, Refusal::Fragmented);
        // 8-aligned: [20,30) offers 24 and [1,11) offers 8, neither leaves ten pages
        QCOMPARE(bf.allocate({ 10, 3 }, nullptr).refusal, Refusal::Fragmented);
        QCOMPARE(bf.freePages(), std::uint64_t { 20 });
        const PolicyResult r = bf.allocate({ 10, 2 }, nullptr);
        QVERIFY(r.ok);
        QCOMPARE(r.offset, std::uint64_t { 20 });
    }

    void busyWindows()
    {
        // canonical chunk [0,4) (case 2) is busy -> next aligned window of the same hole
        auto bf = makeBf(32);
        const PinnedPages pinned0({ 0 });
        const PolicyResult r = bf.allocate({ 4, 2 }, &pinned0);
        QVERIFY(r.ok);
        QCOMPARE(r.offset, std::uint64_t { 4 });
        QCOMPARE(r.busyOffsets, (std::vector<std::uint64_t> { 0 }));
        QCOMPARE(holesByStart(bf), (Extents { { 0, 4 }, { 8, 24 } }));

        // canonical chunk slid to [16,20) is busy -> windows from ALIGN(hole.start) upward
        auto slid = withHoles(32, { { 1, 19 } });
        const PinnedPages pinned17({ 17 });
        const PolicyResult s = slid.allocate({ 4, 2 }, &pinned17);
        QVERIFY(s.ok);
        QCOMPARE(s.offset, std::uint64_t { 4 });
        QCOMPARE(s.busyOffsets, (std::vector<std::uint64_t> { 16 }));

        // every window busy -> Busy, nothing changed
        auto all = withHoles(32, { { 0, 8 } });
        const PinnedPages pinned({ 1, 5 });
        const PolicyResult t = all.allocate({ 4, 2 }, &pinned);
        QCOMPARE(t.refusal, Refusal::Busy);
        QCOMPARE(t.busyOffsets, (std::vector<std::uint64_t> { 0, 4 }));
        QCOMPARE(holesByStart(all), (Extents { { 0, 8 } }));
    }

    void cloneIsDeep()
    {
        auto bf = withHoles(64, { { 0, 8 }, { 20, 8 } });
        auto copy = bf.clone();
        QCOMPARE(place(bf, 8), std::uint64_t { 20 });
        const PolicyResult r = copy->allocate({ 8, 0 }, nullptr);
        QCOMPARE(r.offset, std::uint64_t { 20 });
        QCOMPARE(place(bf, 8), std::uint64_t { 0 });
    }
};

QTEST_GUILESS_MAIN(TestPolicyBestFit)
#include "tst_policy_bf.moc"
