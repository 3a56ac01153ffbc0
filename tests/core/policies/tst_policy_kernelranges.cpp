// SPDX-License-Identifier: GPL-2.0-or-later
// A 6.15+ multi-range area (docs/kernel-cma.md, "What changed in 6.15 and 6.18"): ranges in the area's own order,
// an allocation never spanning two, available_count checked before any search, releases finding their range;
// and the --area form that names such an area.
#include <cmascope/policies/kernelranges.h>
#include <cmascope/replay/areas.h>

#include <QTest>

using namespace cmascope;

namespace {

/// Two ranges in the area's order, the first above the second (as a hugetlb area can have them): 1024 pages at
/// 0x200000, then 1024 pages at 0x100000; order_per_bit 0.
KernelAreaRanges twoRanges()
{
    KernelAreaRanges a;
    const auto err = a.reset({ { 0x200000, 1024 }, { 0x100000, 1024 } });
    if (err)
        qFatal("%s", err->c_str());
    return a;
}

} // namespace

class TestPolicyKernelRanges : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void allocations_data();
    void allocations();
    void releaseFindsTheRange();
    void badGeometry_data();
    void badGeometry();
    void areaSpecRanges_data();
    void areaSpecRanges();
};

void TestPolicyKernelRanges::allocations_data()
{
    // requests made one after the other on twoRanges(): "count/align" each; the expected pfn or refusal
    QTest::addColumn<QByteArrayList>("requests");
    QTest::addColumn<QByteArrayList>("expected"); // "range:pfn" or "refused:<Refusal>"
    QTest::newRow("first range first, in the area's order")
        << QByteArrayList { "512/9", "512/9", "512/9" } << QByteArrayList { "0:0x200000", "0:0x200200", "1:0x100000" };
    // 768 pages free in total but only 512 in range 0 and 1024 in range 1: range 1 serves it
    QTest::newRow("next range when the first has no window")
        << QByteArrayList { "512/0", "768/0" } << QByteArrayList { "0:0x200000", "1:0x100000" };
    // 2048 free in all, 1024 in each: a 1536-page request never spans the two
    QTest::newRow("never spans ranges") << QByteArrayList { "1536/0" } << QByteArrayList { "refused:TooLarge" };
    // range 0 has 512 pages free at 0x200200, but no PFN there is a multiple of 1024: range 1 serves it
    QTest::newRow("alignment on the absolute PFN")
        << QByteArrayList { "512/0", "256/10" } << QByteArrayList { "0:0x200000", "1:0x100000" };
    // range 0 full, range 1 with 1000 used: 24 pages left, a 100-page request gives up before searching
    QTest::newRow("available_count first") << QByteArrayList { "1024/0", "1000/0", "100/0",
        "24/0" } << QByteArrayList { "0:0x200000", "1:0x100000", "refused:NotEnoughFree", "1:0x1003e8" };
    // 512 free in range 0 and 256 in range 1 (768 in all), a 600-page request: room in total, in no range
    QTest::newRow("fragmented over ranges") << QByteArrayList { "512/0", "768/0", "600/0" }
                                            << QByteArrayList { "0:0x200000", "1:0x100000", "refused:Fragmented" };
}

void TestPolicyKernelRanges::allocations()
{
    QFETCH(QByteArrayList, requests);
    QFETCH(QByteArrayList, expected);
    KernelAreaRanges a = twoRanges();
    QCOMPARE(a.totalPages(), 2048u);
    std::uint64_t used = 0;
    for (int i = 0; i < requests.size(); ++i) {
        const QByteArrayList parts = requests[i].split('/');
        const std::uint64_t count = parts[0].toULongLong();
        const RangePlacement p = a.allocate(count, parts[1].toUInt());
        const QByteArray refusal = p.refusal == Refusal::NotEnoughFree ? "NotEnoughFree"
            : p.refusal == Refusal::TooLarge                           ? "TooLarge"
                                                                       : "Fragmented";
        QByteArray got = "refused:" + refusal;
        if (p.ok)
            got = QByteArray::number(qulonglong(p.range)) + ":0x" + QByteArray::number(qulonglong(p.pfn), 16);
        QCOMPARE(got, expected[i]);
        used += p.ok ? count : 0;
        QCOMPARE(a.availableCount(), 2048u - used);
    }
}

void TestPolicyKernelRanges::releaseFindsTheRange()
{
    KernelAreaRanges a = twoRanges();
    QVERIFY(a.allocate(1024, 0).ok); // range 0, full
    const RangePlacement p = a.allocate(256, 0);
    QVERIFY(p.ok);
    QCOMPARE(p.range, std::size_t(1));
    QCOMPARE(a.maxchunkPages(), 768u); // the largest free run of any one range
    QVERIFY(!a.release(0x100000 + 200, 100)); // not allocated past page 256: nothing changes
    QVERIFY(!a.release(0x300000, 16)); // in no range
    QVERIFY(!a.release(0x2003f0, 32)); // runs past range 0's end
    QCOMPARE(a.availableCount(), 768u);
    QVERIFY(a.release(0x100000, 256));
    QCOMPARE(a.availableCount(), 1024u);
    QVERIFY(a.range(1).usedPages() == 0);
    QVERIFY(a.release(0x200000, 1024));
    QCOMPARE(a.availableCount(), 2048u);
}

void TestPolicyKernelRanges::badGeometry_data()
{
    QTest::addColumn<int>("ranges");
    QTest::addColumn<bool>("overlap");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("none") << 0 << false << QByteArray("at least one range");
    QTest::newRow("nine") << 9 << false << QByteArray("at most 8 (CMA_MAX_RANGES)");
    QTest::newRow("overlap") << 2 << true << QByteArray("range 1 overlaps range 0");
}

void TestPolicyKernelRanges::badGeometry()
{
    QFETCH(int, ranges);
    QFETCH(bool, overlap);
    QFETCH(QByteArray, message);
    std::vector<RegionGeometry> g;
    for (int i = 0; i < ranges; ++i)
        g.push_back({ std::uint64_t(0x100000) + std::uint64_t(i) * (overlap ? 512 : 0x1000), 1024 });
    KernelAreaRanges a;
    const auto err = a.reset(g);
    QVERIFY(err);
    QVERIFY2(err->find(message.toStdString()) != std::string::npos, err->c_str());
    QCOMPARE(a.rangeCount(), std::size_t(0));
}

void TestPolicyKernelRanges::areaSpecRanges_data()
{
    QTest::addColumn<QByteArray>("spec");
    QTest::addColumn<QByteArray>("error"); // empty: valid
    QTest::addColumn<int>("ranges");
    QTest::newRow("one range") << QByteArray("reserved=0x7dc00+4096") << QByteArray() << 1;
    QTest::newRow("two ranges, opb 9") << QByteArray("hugetlb0=0x140000+0x40000,0x80000+0x40000/9") << QByteArray()
                                       << 2;
    QTest::newRow("bad second range") << QByteArray("h=0x100000+1024,0x200000+abc") << QByteArray("PAGES 'abc'") << 0;
    QTest::newRow("second range unaligned")
        << QByteArray("h=0x100000+1024,0x200100+1024/9")
        << QByteArray("BASE_PFN must be a multiple of 2^ORDER_PER_BIT (512) (range 1)") << 0;
    QTest::newRow("overlap") << QByteArray("h=0x100000+1024,0x100200+1024") << QByteArray("range 1 overlaps range 0")
                             << 0;
    QTest::newRow("empty range") << QByteArray("h=0x100000+1024,") << QByteArray("expected BASE_PFN+PAGES, not ''")
                                 << 0;
    QTest::newRow("nine ranges") << QByteArray("h=1+1,2+1,3+1,4+1,5+1,6+1,7+1,8+1,9+1")
                                 << QByteArray("9 ranges: an area has at most 8") << 0;
}

void TestPolicyKernelRanges::areaSpecRanges()
{
    QFETCH(QByteArray, spec);
    QFETCH(QByteArray, error);
    QFETCH(int, ranges);
    const auto parsed = parseAreaSpec(spec.toStdString());
    if (!error.isEmpty()) {
        QVERIFY(std::holds_alternative<std::string>(parsed));
        const std::string& msg = std::get<std::string>(parsed);
        QVERIFY2(msg.find(error.toStdString()) != std::string::npos, msg.c_str());
        return;
    }
    QVERIFY(std::holds_alternative<AreaSpec>(parsed));
    const AreaSpec& a = std::get<AreaSpec>(parsed);
    QCOMPARE(int(a.moreRanges.size()) + 1, ranges);
    if (ranges == 2) {
        QCOMPARE(a.basePfn, std::uint64_t(0x140000));
        QCOMPARE(a.pages, std::uint64_t(0x40000));
        QCOMPARE(a.moreRanges[0].basePfn, std::uint64_t(0x80000));
        QCOMPARE(a.orderPerBit, 9u);
    }
}

QTEST_GUILESS_MAIN(TestPolicyKernelRanges)
#include "tst_policy_kernelranges.moc"
