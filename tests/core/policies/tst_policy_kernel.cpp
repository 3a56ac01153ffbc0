// SPDX-License-Identifier: GPL-2.0-or-later
// The mainline CMA bitmap policy against hand-computed cases (docs/kernel-cma.md, allocation algorithm and debugfs).
#include "support/pinnedpages.h"

#include <cmascope/policies/kernelbitmap.h>

#include <QTest>

#include <algorithm>
#include <random>
#include <set>

using namespace cmascope;

namespace {

/// Pages that alloc_contig_range() cannot migrate.
using test::PinnedPages;

class EverythingBusy : public BusyOracle
{
public:
    bool isBusy(std::uint64_t, std::uint64_t) const override { return true; }
};

KernelBitmapPolicy makeKernel(
    std::uint64_t basePfn, std::uint64_t pages, unsigned opb = 0, std::optional<unsigned> maxAlign = std::nullopt)
{
    PolicyParams p;
    p.orderPerBit = opb;
    p.maxAlignOrder = maxAlign;
    KernelBitmapPolicy k(p);
    const auto err = k.reset(RegionGeometry { basePfn, pages });
    if (err)
        qFatal("reset failed: %s", err->c_str());
    return k;
}

/// lib/bitmap.c transliterated bit by bit, as an independent reference for the word-wise search.
std::uint64_t naiveFindNextZeroArea(const std::vector<bool>& map, std::uint64_t size, std::uint64_t start,
    std::uint64_t nr, std::uint64_t mask, std::uint64_t offset)
{
    for (;;) {
        std::uint64_t index = std::min(start, size); // find_next_zero_bit() returns size when start >= size
        while (index < size && map[index])
            ++index;
        index = ((index + offset + mask) & ~mask) - offset;
        const std::uint64_t end = index + nr;
        if (end > size)
            return end;
        std::uint64_t i = index;
        while (i < end && !map[i])
            ++i;
        if (i < end) {
            start = i + 1;
            continue;
        }
        return index;
    }
}

} // namespace

class TestPolicyKernel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void workedExample()
    {
        // First worked example of docs/kernel-cma.md#the-allocation-algorithm: opb = 0, base_pfn 0x40000, count 16384.
        auto k = makeKernel(0x40000, 16384);
        const PolicyResult a = k.allocate({ 5, 2 }, nullptr);
        QVERIFY(a.ok);
        QCOMPARE(0x40000 + a.offset, std::uint64_t { 0x40000 });
        QCOMPARE(a.reservedPages, std::uint64_t { 5 });
        const PolicyResult b = k.allocate({ 3, 2 }, nullptr);
        QVERIFY(b.ok);
        // first zero bit is 5, aligned up to 8
        QCOMPARE(0x40000 + b.offset, std::uint64_t { 0x40008 });
        QCOMPARE(k.availableCount(), std::uint64_t { 16384 - 8 });
    }

    void alignedOffset_data()
    {
        QTest::addColumn<quint64>("basePfn");
        QTest::addColumn<uint>("opb");
        QTest::addColumn<quint64>("pages");
        QTest::addColumn<uint>("align");
        QTest::addColumn<int>("maxAlign"); // -1 = no cap
        QTest::addColumn<quint64>("expectedPfn");
        QTest::addColumn<quint64>("expectedMask");
        QTest::addColumn<quint64>("expectedOffset");

        // Second worked example of docs/kernel-cma.md: mask 1023, offset 0x200 ->
        // index ((0 + 512 + 1023) & ~1023) - 512 = 512 -> pfn 0x40400.
        QTest::newRow("spec 4MiB") << quint64(0x40200) << 0U << quint64(1024) << 10U << -1 << quint64(0x40400)
                                   << quint64(1023) << quint64(512);
        // CONFIG_CMA_ALIGNMENT = 8 caps the order: mask 255, offset 0 -> the first page.
        QTest::newRow("capped at 8") << quint64(0x40200) << 0U << quint64(1024) << 10U << 8 << quint64(0x40200)
                                     << quint64(255) << quint64(0);
        // opb 2: mask (1 << 8) - 1, offset (0x40200 & 1023) >> 2 = 128 -> bit 128 -> page 512.
        QTest::newRow("opb 2") << quint64(0x40200) << 2U << quint64(1024) << 10U << -1 << quint64(0x40400)
                               << quint64(255) << quint64(128);
        // align <= opb: mask 0, the request only rounds to whole bits.
        QTest::newRow("align below opb") << quint64(0x40200) << 3U << quint64(5) << 2U << -1 << quint64(0x40200)
                                         << quint64(0) << quint64(0);
        // base 0x40003 (odd), align 2: offset 3 -> index ((0 + 3 + 3) & ~3) - 3 = 1 -> pfn 0x40004.
        QTest::newRow("odd base") << quint64(0x40003) << 0U << quint64(4) << 2U << -1 << quint64(0x40004) << quint64(3)
                                  << quint64(3);
    }

    void alignedOffset()
    {
        QFETCH(quint64, basePfn);
        QFETCH(uint, opb);
        QFETCH(quint64, pages);
        QFETCH(uint, align);
        QFETCH(int, maxAlign);
        QFETCH(quint64, expectedPfn);
        QFETCH(quint64, expectedMask);
        QFETCH(quint64, expectedOffset);
        const std::optional<unsigned> cap = maxAlign < 0 ? std::nullopt : std::optional<unsigned>(maxAlign);
        auto k = makeKernel(basePfn, 8192, opb, cap);
        const PolicyRequest req { pages, align };
        const auto sp = k.searchParams(req);
        QCOMPARE(quint64(sp.mask), expectedMask);
        QCOMPARE(quint64(sp.offset), expectedOffset);
        const PolicyResult r = k.allocate(req, nullptr);
        QVERIFY(r.ok);
        QCOMPARE(quint64(basePfn + r.offset), expectedPfn);
    }

    void orderPerBitRounding()
    {
        auto k = makeKernel(0, 64, 2);
        QCOMPARE(k.maxno(), std::uint64_t { 16 });
        const PolicyResult a = k.allocate({ 5, 0 }, nullptr);
        QVERIFY(a.ok);
        QCOMPARE(a.offset, std::uint64_t { 0 });
        QCOMPARE(a.reservedPages, std::uint64_t { 8 }); // ALIGN(5, 4) = 8 pages = 2 bits
        QVERIFY(k.testBit(0));
        QVERIFY(k.testBit(1));
        QVERIFY(!k.testBit(2));
        // available_count drops by count, not by nbits << opb
        QCOMPARE(k.availableCount(), std::uint64_t { 59 });
        QCOMPARE(k.usedPages(), std::uint64_t { 5 });
        QCOMPARE(k.usedBitPages(), std::uint64_t { 8 });
        const PolicyResult b = k.allocate({ 3, 0 }, nullptr);
        QVERIFY(b.ok);
        QCOMPARE(b.offset, std::uint64_t { 8 });
        QCOMPARE(b.reservedPages, std::uint64_t { 4 });
        QCOMPARE(k.availableCount(), std::uint64_t { 56 });
        QVERIFY(k.release(0, 5));
        QCOMPARE(k.availableCount(), std::uint64_t { 61 });
        QVERIFY(!k.testBit(0));
        QVERIFY(!k.testBit(1));
    }

    void availableCountFastFail()
    {
        // 16 pages, 4 pages per bit: two 5-page requests fill all 4 bits but leave available_count at 6.
        auto k = makeKernel(0, 16, 2);
        QVERIFY(k.allocate({ 5, 0 }, nullptr).ok);
        QVERIFY(k.allocate({ 5, 0 }, nullptr).ok);
        QCOMPARE(k.availableCount(), std::uint64_t { 6 });
        QCOMPARE(k.maxchunkPages(), std::uint64_t { 0 });
        // 6 <= available_count passes the fast fail; the bitmap search then finds nothing.
        QCOMPARE(k.allocate({ 6, 0 }, nullptr).refusal, Refusal::Fragmented);
        QCOMPARE(k.allocate({ 7, 0 }, nullptr).refusal, Refusal::NotEnoughFree);
        QCOMPARE(k.allocate({ 1, 0 }, nullptr).refusal, Refusal::Fragmented);
    }

    void refusals_data()
    {
        QTest::addColumn<uint>("opb");
        QTest::addColumn<quint64>("pages");
        QTest::addColumn<quint64>("request");
        QTest::addColumn<int>("refusal");
        QTest::newRow("zero") << 0U << quint64(16) << quint64(0) << int(Refusal::ZeroSize);
        QTest::newRow("region+1") << 0U << quint64(16) << quint64(17) << int(Refusal::TooLarge);
        QTest::newRow("nbits > maxno") << 2U << quint64(16) << quint64(17) << int(Refusal::TooLarge);
        QTest::newRow("whole region") << 2U << quint64(16) << quint64(16) << int(Refusal::None);
        QTest::newRow("rounds to whole region") << 2U << quint64(16) << quint64(13) << int(Refusal::None);
    }

    void refusals()
    {
        QFETCH(uint, opb);
        QFETCH(quint64, pages);
        QFETCH(quint64, request);
        QFETCH(int, refusal);
        auto k = makeKernel(0, pages, opb);
        const PolicyResult r = k.allocate({ request, 0 }, nullptr);
        QCOMPARE(int(r.refusal), refusal);
        QCOMPARE(r.ok, refusal == int(Refusal::None));
    }

    void busyRetryAtNextAlignedSlot_data()
    {
        QTest::addColumn<QList<quint64>>("pinned");
        QTest::addColumn<quint64>("count");
        QTest::addColumn<uint>("align");
        QTest::addColumn<QList<quint64>>("expectedBusy");
        QTest::addColumn<qint64>("expectedOffset"); // -1: refused with Busy

        // mask 3: [0,4) holds pinned page 3 -> retry at 0 + 3 + 1 = 4.
        QTest::newRow("align 2") << QList<quint64> { 3 } << quint64(4) << 2U << QList<quint64> { 0 } << qint64(4);
        // mask 0: the retry advances one bit at a time: 0, 1, 2, 3 all contain page 3.
        QTest::newRow("align 0") << QList<quint64> { 3 } << quint64(4) << 0U << QList<quint64> { 0, 1, 2, 3 }
                                 << qint64(4);
        // mask 7: windows at 0 and 8 hold pinned pages 1 and 9.
        QTest::newRow("align 3 twice") << QList<quint64> { 1, 9 } << quint64(2) << 3U << QList<quint64> { 0, 8 }
                                       << qint64(16);
        // every 32-aligned window of a 64-page area is pinned -> -EBUSY after two tries
        QTest::newRow("all busy") << QList<quint64> { 0, 32 } << quint64(2) << 5U << QList<quint64> { 0, 32 }
                                  << qint64(-1);
    }

    void busyRetryAtNextAlignedSlot()
    {
        QFETCH(QList<quint64>, pinned);
        QFETCH(quint64, count);
        QFETCH(uint, align);
        QFETCH(QList<quint64>, expectedBusy);
        QFETCH(qint64, expectedOffset);
        auto k = makeKernel(0, 64);
        const PinnedPages oracle(std::set<std::uint64_t>(pinned.begin(), pinned.end()));
        const PolicyResult r = k.allocate({ count, align }, &oracle);
        QCOMPARE(QList<quint64>(r.busyOffsets.begin(), r.busyOffsets.end()), expectedBusy);
        if (expectedOffset < 0) {
            QVERIFY(!r.ok);
            QCOMPARE(r.refusal, Refusal::Busy);
            QCOMPARE(k.availableCount(), std::uint64_t { 64 }); // bitmap_clear + available_count restored
            QCOMPARE(k.maxchunkPages(), std::uint64_t { 64 });
        } else {
            QVERIFY(r.ok);
            QCOMPARE(qint64(r.offset), expectedOffset);
        }
    }

    void busyEverywhere()
    {
        auto k = makeKernel(0, 64);
        QVERIFY(k.allocate({ 8, 0 }, nullptr).ok);
        const EverythingBusy oracle;
        const PolicyResult r = k.allocate({ 8, 3 }, &oracle);
        QCOMPARE(r.refusal, Refusal::Busy);
        // aligned slots 8, 16, ..., 56 tried in order
        QCOMPARE(r.busyOffsets, (std::vector<std::uint64_t> { 8, 16, 24, 32, 40, 48, 56 }));
    }

    void debugfsFiles()
    {
        auto k = makeKernel(0x80000, 96);
        QCOMPARE(QByteArray::fromStdString(k.debugfsBitmapText()), QByteArray("0 0 0\n"));
        QVERIFY(k.allocate({ 40, 0 }, nullptr).ok);
        // the example of docs/kernel-cma.md#debugfs
        QCOMPARE(QByteArray::fromStdString(k.debugfsBitmapText()), QByteArray("4294967295 255 0\n"));
        QCOMPARE(k.usedPages(), std::uint64_t { 40 });
        QCOMPARE(k.maxchunkPages(), std::uint64_t { 56 });
        QCOMPARE(QByteArray::fromStdString(k.showAreasText()),
            QByteArray("number of available pages: 56@40=> 56 free of 96 total pages"));
        QVERIFY(k.release(10, 5));
        QCOMPARE(QByteArray::fromStdString(k.debugfsBitmapText()),
            QByteArray::number(0xffffffffU & ~(0x1fU << 10)) + " 255 0\n");
        QCOMPARE(QByteArray::fromStdString(k.showAreasText()),
            QByteArray("number of available pages: 5@10+56@40=> 61 free of 96 total pages"));
        // 65 bits -> DIV_ROUND_UP(65, 32) = 3 words; maxchunk in pages with opb 1
        auto k2 = makeKernel(0, 130, 1);
        QVERIFY(k2.allocate({ 3, 0 }, nullptr).ok);
        QCOMPARE(QByteArray::fromStdString(k2.debugfsBitmapText()), QByteArray("3 0 0\n"));
        QCOMPARE(k2.maxchunkPages(), std::uint64_t { 126 });
    }

    void loadDebugfsBitmap()
    {
        auto k = makeKernel(0, 96);
        QVERIFY(!k.loadDebugfsBitmap("4294967295 255 0\n").has_value());
        QCOMPARE(k.availableCount(), std::uint64_t { 56 });
        QVERIFY(k.testBit(39));
        QVERIFY(!k.testBit(40));
        const PolicyResult r = k.allocate({ 1, 0 }, nullptr);
        QVERIFY(r.ok);
        QCOMPARE(r.offset, std::uint64_t { 40 });
        QCOMPARE(QByteArray::fromStdString(k.debugfsBitmapText()), QByteArray("4294967295 511 0\n"));

        const std::string before = k.debugfsBitmapText();
        QVERIFY(k.loadDebugfsBitmap("1 2").has_value()); // too few words
        QVERIFY(k.loadDebugfsBitmap("1 2 3 4").has_value()); // too many
        QVERIFY(k.loadDebugfsBitmap("1 x 3").has_value()); // not a number
        QVERIFY(k.loadDebugfsBitmap("1 2 4294967296").has_value()); // not a u32
        QCOMPARE(k.debugfsBitmapText(), before);

        auto odd = makeKernel(0, 40); // 40 bits: the second word may only use bits 0..7
        QVERIFY(odd.loadDebugfsBitmap("0 256").has_value());
        QVERIFY(!odd.loadDebugfsBitmap("0 128").has_value());
        QCOMPARE(odd.availableCount(), std::uint64_t { 39 });
    }

    void partialRelease()
    {
        auto k = makeKernel(0, 32);
        const PolicyResult a = k.allocate({ 10, 0 }, nullptr);
        QVERIFY(a.ok);
        QVERIFY(k.release(2, 3));
        QCOMPARE(k.availableCount(), std::uint64_t { 25 });
        QVERIFY(!k.release(2, 3)); // those bits are clear now
        QVERIFY(!k.release(4, 2)); // bit 4 clear, bit 5 set: not allocated as a whole
        QCOMPARE(k.availableCount(), std::uint64_t { 25 });
        const PolicyResult b = k.allocate({ 3, 0 }, nullptr);
        QVERIFY(b.ok);
        QCOMPARE(b.offset, std::uint64_t { 2 });
        QVERIFY(!k.release(30, 5)); // beyond the region
        QVERIFY(!k.release(0, 0));
    }

    void reserveSeeds()
    {
        auto k = makeKernel(0, 64, 1);
        QVERIFY(!k.reserve(3, 2)); // not on a bit boundary
        QVERIFY(k.reserve(4, 6));
        QVERIFY(!k.reserve(8, 2)); // overlaps
        QCOMPARE(k.availableCount(), std::uint64_t { 58 });
        const PolicyResult r = k.allocate({ 6, 0 }, nullptr);
        QVERIFY(r.ok);
        QCOMPARE(r.offset, std::uint64_t { 10 });
    }

    void resetValidation()
    {
        PolicyParams p;
        p.orderPerBit = 2;
        KernelBitmapPolicy k(p);
        QVERIFY(k.reset(RegionGeometry { 0, 18 }).has_value());
        QVERIFY(k.reset(RegionGeometry { 2, 16 }).has_value());
        QVERIFY(k.reset(RegionGeometry { 0, 0 }).has_value());
        QVERIFY(!k.reset(RegionGeometry { 4, 16 }).has_value());
        QCOMPARE(k.maxno(), std::uint64_t { 4 });
        QCOMPARE(k.availableCount(), std::uint64_t { 16 });
    }

    void cloneIsDeep()
    {
        auto k = makeKernel(0, 64);
        QVERIFY(k.allocate({ 5, 0 }, nullptr).ok);
        auto copy = k.clone();
        QVERIFY(k.allocate({ 5, 0 }, nullptr).ok);
        const PolicyResult r = copy->allocate({ 5, 0 }, nullptr);
        QVERIFY(r.ok);
        QCOMPARE(r.offset, std::uint64_t { 5 }); // the copy did not see the original's second allocation
        QCOMPARE(static_cast<KernelBitmapPolicy&>(*copy).availableCount(), std::uint64_t { 54 });
    }

    void searchMatchesBitByBitReference()
    {
        // Random bitmaps and arguments: the word-wise search must agree with lib/bitmap.c bit by bit.
        std::mt19937_64 rng(20240611);
        for (int round = 0; round < 300; ++round) {
            const std::uint64_t pages = 1 + rng() % (round < 150 ? 300 : 3000);
            auto k = makeKernel(0, pages);
            std::vector<bool> map(pages, false);
            const unsigned density = static_cast<unsigned>(rng() % 100);
            for (std::uint64_t i = 0; i < pages; ++i) {
                if (rng() % 100 < density) {
                    QVERIFY(k.reserve(i, 1));
                    map[i] = true;
                }
            }
            for (int q = 0; q < 20; ++q) {
                const std::uint64_t nr = 1 + rng() % 40;
                const unsigned alignBits = static_cast<unsigned>(rng() % 7);
                const std::uint64_t mask = (std::uint64_t { 1 } << alignBits) - 1;
                const std::uint64_t offset = mask == 0 ? 0 : rng() % (mask + 1);
                const std::uint64_t start = rng() % (pages + 2);
                const std::uint64_t expected = naiveFindNextZeroArea(map, pages, start, nr, mask, offset);
                const std::uint64_t got = k.findNextZeroArea(start, nr, mask, offset);
                QCOMPARE(got, expected);
                // the indexed search used by allocate() finds the same area, or reports none
                const std::uint64_t fast = k.findArea(start, nr, mask, offset);
                if (expected < pages)
                    QCOMPARE(fast, expected);
                else
                    QVERIFY(fast >= pages);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestPolicyKernel)
#include "tst_policy_kernel.moc"
