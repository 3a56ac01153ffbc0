// SPDX-License-Identifier: GPL-2.0-or-later
// First fit, next fit, worst fit, binary buddy and TLSF against hand-computed cases.
#include "support/pinnedpages.h"

#include <cmascope/policies/buddy.h>
#include <cmascope/policies/firstfit.h>
#include <cmascope/policies/nextfit.h>
#include <cmascope/policies/tlsf.h>
#include <cmascope/policies/worstfit.h>

#include <QTest>

#include <set>

using namespace cmascope;

namespace {

using test::PinnedPages;

using Extents = std::vector<std::pair<std::uint64_t, std::uint64_t>>; // (start, size)

template <typename P> P fresh(std::uint64_t pages, std::uint64_t basePfn = 0, P policy = P())
{
    if (policy.reset(RegionGeometry { basePfn, pages }))
        qFatal("reset failed");
    return policy;
}

/// Everything allocated except @p holes, released in the given order.
template <typename P> P withHoles(std::uint64_t pages, const Extents& holes, P policy = P())
{
    policy = fresh<P>(pages, 0, std::move(policy));
    if (!policy.reserve(0, pages))
        qFatal("reserve failed");
    for (const auto& [start, size] : holes) {
        if (!policy.release(start, size))
            qFatal("release failed");
    }
    return policy;
}

Extents holesByStart(const HoleListPolicy& p)
{
    Extents out;
    for (const auto& [start, hole] : p.holes())
        out.emplace_back(start, hole.size);
    return out;
}

constexpr std::uint64_t kRefused = ~std::uint64_t { 0 };

std::uint64_t place(AllocationPolicy& p, std::uint64_t pages, unsigned align = 0)
{
    const PolicyResult r = p.allocate({ pages, align }, nullptr);
    return r.ok ? r.offset : kRefused;
}

std::vector<std::uint64_t> setToVector(const std::set<std::uint64_t>& s)
{
    return { s.begin(), s.end() };
}

TlsfPolicy makeTlsf(unsigned sli)
{
    PolicyParams p;
    p.tlsfSecondLevelLog2 = sli;
    return TlsfPolicy(p);
}

} // namespace

class TestPolicyOthers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ---- first fit ----
    void firstFit()
    {
        auto ff = withHoles<FirstFitPolicy>(64, { { 30, 34 }, { 10, 10 }, { 3, 3 } });
        QCOMPARE(place(ff, 3), std::uint64_t { 3 });
        QCOMPARE(place(ff, 4, 3), std::uint64_t { 16 }); // [10,20): ALIGN(10, 8) = 16, 16 + 4 <= 20
        QCOMPARE(place(ff, 5, 3), std::uint64_t { 32 }); // [10,16) cannot, [30,64) at 32
        QCOMPARE(place(ff, 2), std::uint64_t { 10 }); // lowest address, not the best fit
        QCOMPARE(holesByStart(ff), (Extents { { 12, 4 }, { 30, 2 }, { 37, 27 } }));
        QCOMPARE(ff.allocate({ 28, 0 }, nullptr).refusal, Refusal::Fragmented);
        QCOMPARE(ff.allocate({ 34, 0 }, nullptr).refusal, Refusal::NotEnoughFree);
    }

    void firstFitBusy()
    {
        auto ff = fresh<FirstFitPolicy>(64);
        const PinnedPages pinned({ 2, 5, 9 });
        const PolicyResult r = ff.allocate({ 4, 2 }, &pinned);
        QVERIFY(r.ok);
        QCOMPARE(r.offset, std::uint64_t { 12 });
        QCOMPARE(r.busyOffsets, (std::vector<std::uint64_t> { 0, 4, 8 }));
        QCOMPARE(holesByStart(ff), (Extents { { 0, 12 }, { 16, 48 } }));
    }

    // ---- next fit ----
    void nextFitRoves()
    {
        auto nf = fresh<NextFitPolicy>(100);
        QCOMPARE(place(nf, 10), std::uint64_t { 0 });
        QCOMPARE(place(nf, 10), std::uint64_t { 10 });
        QCOMPARE(nf.rover(), std::uint64_t { 20 });
        QVERIFY(nf.release(0, 10));
        QCOMPARE(place(nf, 5), std::uint64_t { 20 }); // first fit would take 0
        QCOMPARE(nf.rover(), std::uint64_t { 25 });
        // 85 free pages but no hole of 80: [25,100) has 75, then the search wraps to [0,10)
        QCOMPARE(nf.allocate({ 80, 0 }, nullptr).refusal, Refusal::Fragmented);
        QCOMPARE(place(nf, 75), std::uint64_t { 25 });
        QCOMPARE(nf.rover(), std::uint64_t { 100 });
        QCOMPARE(place(nf, 4), std::uint64_t { 0 }); // wrapped around
        QCOMPARE(place(nf, 4), std::uint64_t { 4 });
        QCOMPARE(place(nf, 3), kRefused);
        QCOMPARE(place(nf, 2), std::uint64_t { 8 });
    }

    void nextFitRoverInsideMergedHole()
    {
        auto nf = fresh<NextFitPolicy>(40);
        QCOMPARE(place(nf, 10), std::uint64_t { 0 });
        QCOMPARE(place(nf, 10), std::uint64_t { 10 });
        QCOMPARE(place(nf, 10), std::uint64_t { 20 });
        QVERIFY(nf.release(0, 30)); // rover 30 now lies inside the merged hole [0,40)
        QCOMPARE(place(nf, 5), std::uint64_t { 0 }); // that hole is searched from its start
    }

    // ---- worst fit ----
    void worstFit()
    {
        auto wf = withHoles<WorstFitPolicy>(100, { { 0, 10 }, { 20, 30 }, { 60, 20 } });
        QCOMPARE(place(wf, 5), std::uint64_t { 20 }); // largest hole 30
        QCOMPARE(place(wf, 5), std::uint64_t { 25 }); // still the largest (25)
        QCOMPARE(place(wf, 5), std::uint64_t { 30 }); // tie [30,50) vs [60,80): the lower address
        QCOMPARE(holesByStart(wf), (Extents { { 0, 10 }, { 35, 15 }, { 60, 20 } }));
        QCOMPARE(place(wf, 1), std::uint64_t { 60 });
    }

    void worstFitAlignmentFallsBack()
    {
        // [1,9) is the largest but holds no 8-aligned 4-page window; [16,22) does.
        auto wf = withHoles<WorstFitPolicy>(40, { { 1, 8 }, { 16, 6 } });
        QCOMPARE(place(wf, 4, 3), std::uint64_t { 16 });
        QCOMPARE(wf.allocate({ 6, 3 }, nullptr).refusal, Refusal::Fragmented);
    }

    // ---- buddy ----
    void buddySplitAndCoalesce()
    {
        auto b = fresh<BuddyPolicy>(16);
        QCOMPARE(b.maxOrder(), 4U);
        const PolicyResult a = b.allocate({ 3, 0 }, nullptr);
        QVERIFY(a.ok);
        QCOMPARE(a.offset, std::uint64_t { 0 });
        QCOMPARE(a.reservedPages, std::uint64_t { 4 });
        QCOMPARE(setToVector(b.freeBlocks(2)), (std::vector<std::uint64_t> { 4 }));
        QCOMPARE(setToVector(b.freeBlocks(3)), (std::vector<std::uint64_t> { 8 }));
        QCOMPARE(place(b, 1), std::uint64_t { 4 }); // splits the order-2 block, not the order-3 one
        QCOMPARE(setToVector(b.freeBlocks(0)), (std::vector<std::uint64_t> { 5 }));
        QCOMPARE(setToVector(b.freeBlocks(1)), (std::vector<std::uint64_t> { 6 }));
        QCOMPARE(place(b, 8), std::uint64_t { 8 });
        QCOMPARE(b.freePages(), std::uint64_t { 3 });
        QVERIFY(!b.release(0, 2)); // partial release of a 4-page block
        QVERIFY(!b.release(1, 2));
        QVERIFY(b.release(4, 1)); // coalesces 4+5, then with 6 -> order-2 block at 4
        QCOMPARE(setToVector(b.freeBlocks(2)), (std::vector<std::uint64_t> { 4 }));
        QVERIFY(b.freeBlocks(0).empty());
        QVERIFY(b.release(0, 3)); // -> order 3 at 0; its buddy at 8 is in use
        QCOMPARE(setToVector(b.freeBlocks(3)), (std::vector<std::uint64_t> { 0 }));
        QVERIFY(b.release(8, 8));
        QCOMPARE(setToVector(b.freeBlocks(4)), (std::vector<std::uint64_t> { 0 }));
        QCOMPARE(b.freePages(), std::uint64_t { 16 });
        QVERIFY(!b.release(8, 8));
    }

    void buddyNonPowerOfTwoRegion()
    {
        auto b = fresh<BuddyPolicy>(12);
        QCOMPARE(b.maxOrder(), 3U);
        QCOMPARE(setToVector(b.freeBlocks(3)), (std::vector<std::uint64_t> { 0 }));
        QCOMPARE(setToVector(b.freeBlocks(2)), (std::vector<std::uint64_t> { 8 }));
        QCOMPARE(place(b, 4), std::uint64_t { 8 }); // the smallest sufficient order
        QCOMPARE(b.allocate({ 9, 0 }, nullptr).refusal, Refusal::Unsupported); // rounds to 16 > 8
        QVERIFY(!b.lastRefusalDetail().empty());
        QCOMPARE(b.allocate({ 13, 0 }, nullptr).refusal, Refusal::TooLarge);
        QVERIFY(b.release(8, 4)); // does not merge with [0,8): the parent would stick out
        QCOMPARE(setToVector(b.freeBlocks(2)), (std::vector<std::uint64_t> { 8 }));
    }

    void buddyAbsoluteAlignment()
    {
        // base PFN 4: an 8-aligned PFN is at offset 4, 12, ...
        auto b = fresh<BuddyPolicy>(16, 4);
        const PolicyResult r = b.allocate({ 2, 3 }, nullptr);
        QVERIFY(r.ok);
        QCOMPARE(r.offset, std::uint64_t { 4 });
        QCOMPARE(r.reservedPages, std::uint64_t { 2 });
        QCOMPARE(setToVector(b.freeBlocks(3)), (std::vector<std::uint64_t> { 8 }));
        QCOMPARE(setToVector(b.freeBlocks(2)), (std::vector<std::uint64_t> { 0 }));
        QCOMPARE(setToVector(b.freeBlocks(1)), (std::vector<std::uint64_t> { 6 }));

        // base PFN 1: a 2-page block can never start on an even PFN
        auto odd = fresh<BuddyPolicy>(16, 1);
        QCOMPARE(odd.allocate({ 2, 1 }, nullptr).refusal, Refusal::Unsupported);
        QVERIFY(odd.lastRefusalDetail().find("not a multiple") != std::string::npos);
        // single pages can: PFN 8 is offset 7
        QCOMPARE(place(odd, 1, 3), std::uint64_t { 7 });
        QVERIFY(odd.lastRefusalDetail().empty());
    }

    void buddyBusyAndReserve()
    {
        auto b = fresh<BuddyPolicy>(16);
        const PinnedPages pinned({ 0 });
        const PolicyResult r = b.allocate({ 4, 0 }, &pinned);
        QVERIFY(r.ok);
        QCOMPARE(r.offset, std::uint64_t { 4 });
        QCOMPARE(r.busyOffsets, (std::vector<std::uint64_t> { 0 }));

        auto s = fresh<BuddyPolicy>(16);
        QVERIFY(s.reserve(3, 6)); // pieces 1@3, 4@4, 1@8
        QVERIFY(!s.reserve(8, 1));
        QCOMPARE(s.freePages(), std::uint64_t { 10 });
        QCOMPARE(setToVector(s.freeBlocks(0)), (std::vector<std::uint64_t> { 2, 9 }));
        QCOMPARE(setToVector(s.freeBlocks(1)), (std::vector<std::uint64_t> { 0, 10 }));
        QCOMPARE(setToVector(s.freeBlocks(2)), (std::vector<std::uint64_t> { 12 }));
        QCOMPARE(place(s, 4), std::uint64_t { 12 });
        QVERIFY(!s.release(3, 4)); // does not end on a block boundary
        QVERIFY(s.release(3, 6));
        QVERIFY(s.release(12, 4));
        QCOMPARE(setToVector(s.freeBlocks(4)), (std::vector<std::uint64_t> { 0 }));
    }

    // ---- TLSF ----
    void tlsfMapping_data()
    {
        QTest::addColumn<uint>("sli");
        QTest::addColumn<quint64>("size");
        QTest::addColumn<uint>("fl");
        QTest::addColumn<uint>("sl");
        QTest::addColumn<quint64>("rounded");
        QTest::newRow("small exact") << 2U << quint64(3) << 0U << 3U << quint64(3);
        QTest::newRow("4") << 2U << quint64(4) << 1U << 0U << quint64(4);
        QTest::newRow("5") << 2U << quint64(5) << 1U << 1U << quint64(5);
        QTest::newRow("13") << 2U << quint64(13) << 2U << 2U << quint64(14);
        QTest::newRow("15") << 2U << quint64(15) << 2U << 3U << quint64(16);
        QTest::newRow("64") << 2U << quint64(64) << 5U << 0U << quint64(64);
        QTest::newRow("1000 sli4") << 4U << quint64(1000) << 6U << 15U << quint64(1024);
        QTest::newRow("1025 sli4") << 4U << quint64(1025) << 7U << 0U << quint64(1088);
        QTest::newRow("sli0 5") << 0U << quint64(5) << 3U << 0U << quint64(8);
    }

    void tlsfMapping()
    {
        QFETCH(uint, sli);
        QFETCH(quint64, size);
        QFETCH(uint, fl);
        QFETCH(uint, sl);
        QFETCH(quint64, rounded);
        const TlsfPolicy t = makeTlsf(sli);
        QCOMPARE(t.listFor(size), (std::pair<unsigned, unsigned> { fl, sl }));
        QCOMPARE(quint64(t.roundUpToClass(size)), rounded);
    }

    void tlsfGoodFitIsIncomplete()
    {
        auto t = withHoles<TlsfPolicy>(64, { { 0, 13 } }, makeTlsf(2));
        // 13 rounds up to class [14,16): the 13-page block in class [12,14) is not searched
        QCOMPARE(t.allocate({ 13, 0 }, nullptr).refusal, Refusal::Fragmented);
        QCOMPARE(place(t, 12), std::uint64_t { 0 });
        QCOMPARE(holesByStart(t), (Extents { { 12, 1 } }));
    }

    void tlsfLifoLists()
    {
        auto t = withHoles<TlsfPolicy>(64, { { 0, 5 }, { 20, 5 } }, makeTlsf(2));
        QCOMPARE(t.firstLevelBitmap(), std::uint64_t { 1 } << 1);
        QCOMPARE(t.secondLevelBitmap(1), std::uint64_t { 1 } << 1);
        QCOMPARE(place(t, 5), std::uint64_t { 20 });
        QCOMPARE(place(t, 5), std::uint64_t { 0 });
        QCOMPARE(t.firstLevelBitmap(), std::uint64_t { 0 });
    }

    void tlsfAlignmentSplitsLeadingFragment()
    {
        auto t = withHoles<TlsfPolicy>(64, { { 1, 19 } }, makeTlsf(2));
        const PolicyResult r = t.allocate({ 4, 2 }, nullptr);
        QVERIFY(r.ok);
        QCOMPARE(r.offset, std::uint64_t { 4 });
        QCOMPARE(r.reservedPages, std::uint64_t { 4 });
        QCOMPARE(holesByStart(t), (Extents { { 1, 3 }, { 8, 12 } }));
        // fragment [1,4) sits in the exact list for 3 pages: fl 0, sl 3
        QCOMPARE(t.secondLevelBitmap(0), std::uint64_t { 1 } << 3);
    }

    void tlsfCoalesces()
    {
        auto t = fresh<TlsfPolicy>(64, 0, makeTlsf(2));
        QCOMPARE(t.firstLevelBitmap(), std::uint64_t { 1 } << 5);
        QCOMPARE(place(t, 10), std::uint64_t { 0 });
        QCOMPARE(place(t, 10), std::uint64_t { 10 });
        QVERIFY(t.release(0, 10));
        QVERIFY(t.release(10, 10));
        QCOMPARE(holesByStart(t), (Extents { { 0, 64 } }));
        QCOMPARE(t.firstLevelBitmap(), std::uint64_t { 1 } << 5);
        QCOMPARE(place(t, 64), std::uint64_t { 0 });
    }

    void tlsfBusySkipsToOtherBlocks()
    {
        auto t = withHoles<TlsfPolicy>(64, { { 0, 8 }, { 40, 8 } }, makeTlsf(2));
        const PinnedPages pinned({ 41, 46 });
        // head of the list is the newest block [40,48), whose windows 40, 41, 42 all hold a pinned page
        const PolicyResult r = t.allocate({ 6, 0 }, &pinned);
        QVERIFY(r.ok);
        QCOMPARE(r.offset, std::uint64_t { 0 });
        QCOMPARE(r.busyOffsets, (std::vector<std::uint64_t> { 40, 41, 42 }));
    }

    void clonesAreDeep()
    {
        std::vector<std::unique_ptr<AllocationPolicy>> policies;
        policies.push_back(std::make_unique<FirstFitPolicy>());
        policies.push_back(std::make_unique<NextFitPolicy>());
        policies.push_back(std::make_unique<WorstFitPolicy>());
        policies.push_back(std::make_unique<BuddyPolicy>());
        policies.push_back(std::make_unique<TlsfPolicy>());
        for (auto& p : policies) {
            QVERIFY(!p->reset(RegionGeometry { 0, 64 }));
            QVERIFY(p->allocate({ 16, 0 }, nullptr).ok);
            auto copy = p->clone();
            QCOMPARE(copy->id(), p->id());
            const PolicyResult a = p->allocate({ 16, 0 }, nullptr);
            const PolicyResult b = copy->allocate({ 16, 0 }, nullptr);
            QVERIFY(a.ok && b.ok);
            QCOMPARE(a.offset, b.offset); // the copy did not see the original's allocation
            QVERIFY(p->allocate({ 16, 0 }, nullptr).ok);
            QVERIFY(p->allocate({ 16, 0 }, nullptr).ok);
            QCOMPARE(p->allocate({ 16, 0 }, nullptr).refusal, Refusal::NotEnoughFree);
            QVERIFY(copy->allocate({ 16, 0 }, nullptr).ok);
        }
    }
};

QTEST_GUILESS_MAIN(TestPolicyOthers)
#include "tst_policy_others.moc"
