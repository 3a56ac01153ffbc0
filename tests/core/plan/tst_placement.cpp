// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/plan/placement.h>

#include <QTest>

using namespace cmascope;

Q_DECLARE_METATYPE(cmascope::Platform)

namespace {

Bank bank(const char* name, std::uint64_t base, std::uint64_t size)
{
    Bank b;
    b.name = name;
    b.base = base;
    b.size = size;
    return b;
}

Region dyn(const char* name, std::uint64_t size, std::uint64_t alignment = 0)
{
    Region r;
    r.name = name;
    r.size = size;
    r.alignment = alignment;
    return r;
}

Region fixed(const char* name, std::uint64_t start, std::uint64_t size)
{
    Region r = dyn(name, size);
    r.placement = Placement::Fixed;
    r.start = start;
    return r;
}

Region carveout(Region r)
{
    r.type = RegionType::Carveout;
    return r;
}

Region limited(Region r, std::uint64_t limit)
{
    r.limit = limit;
    return r;
}

Region ranged(Region r, std::vector<AddressRange> ranges)
{
    r.allocRanges = std::move(ranges);
    return r;
}

Platform platform(std::vector<Bank> banks, std::vector<Region> regions)
{
    Platform p;
    p.name = "test";
    p.mapMode = MapMode::Modern; // mainline reservation rules (docs/kernel-cma.md#reservation-at-boot)
    p.banks = std::move(banks);
    p.regions = std::move(regions);
    return p;
}

QString hex(std::uint64_t v)
{
    return QStringLiteral("0x") + QString::number(v, 16);
}

/// "name@0x..." for placed regions, "name!" for failures, "name-" for size-0 regions (ok, nothing reserved).
QStringList outcome(const Platform& p, const PlacementResult& r)
{
    QStringList out;
    for (std::size_t i = 0; i < p.regions.size(); ++i) {
        const QString name = QString::fromStdString(p.regions[i].name);
        if (p.regions[i].placedBase) {
            out << name + u'@' + hex(*p.regions[i].placedBase);
        } else {
            out << name + (r.regions[i].ok ? u'-' : u'!');
        }
    }
    return out;
}

QStringList L(const char* s)
{
    return QString::fromLatin1(s).split(u' ', Qt::SkipEmptyParts);
}

constexpr std::uint64_t kDramBase = 0x40000000; // 1 GiB bank at 1 GiB
constexpr std::uint64_t kHighBase = 0x100000000;

} // namespace

class TestPlacement : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void place_data();
    void place();
    void roundingAndAlignment();
    void kernelMessages();
    void clearsStaleResults();
    void framework2010UsesPageAlignment();
};

void TestPlacement::place_data()
{
    QTest::addColumn<Platform>("platform");
    QTest::addColumn<bool>("bottomUp");
    QTest::addColumn<QStringList>("expected");

    const Bank dram = bank("dram", kDramBase, GiB);
    const Bank high = bank("high", kHighBase, GiB);

    QTest::newRow("fixed at start") << platform({ dram }, { fixed("fix", 0x60000000, 64 * MiB) }) << false
                                    << L("fix@0x60000000");
    QTest::newRow("dynamic top-down") << platform({ dram }, { dyn("a", 256 * MiB), dyn("b", 64 * MiB) }) << false
                                      << L("a@0x70000000 b@0x6c000000");
    QTest::newRow("fixed first, whatever the order")
        << platform({ dram }, { dyn("d", 64 * MiB), fixed("top", 0x7c000000, 64 * MiB) }) << false
        << L("d@0x78000000 top@0x7c000000");
    QTest::newRow("dynamic skips a hole too small") << platform(
        { dram }, { fixed("f1", 0x7c000000, 64 * MiB), fixed("f2", 0x76000000, 64 * MiB), dyn("d", 64 * MiB) })
                                                    << false << L("f1@0x7c000000 f2@0x76000000 d@0x72000000");
    QTest::newRow("dynamic uses a hole that fits") << platform(
        { dram }, { fixed("f1", 0x7c000000, 64 * MiB), fixed("f2", 0x74000000, 64 * MiB), dyn("d", 64 * MiB) })
                                                   << false << L("f1@0x7c000000 f2@0x74000000 d@0x78000000");
    QTest::newRow("alloc-ranges: first with room")
        << platform({ dram }, { ranged(dyn("d", 64 * MiB), { { 0x40000000, 256 * MiB }, { 0x50000000, 256 * MiB } }) })
        << false << L("d@0x4c000000");
    QTest::newRow("alloc-ranges: second when first is full") << platform({ dram },
        { ranged(dyn("a", 192 * MiB), { { 0x40000000, 256 * MiB } }),
            ranged(dyn("b", 128 * MiB), { { 0x40000000, 256 * MiB }, { 0x50000000, 256 * MiB } }) })
                                                             << false << L("a@0x44000000 b@0x58000000");
    QTest::newRow("alloc-range clipped to memory")
        << platform({ dram }, { ranged(dyn("d", 64 * MiB), { { 0x0, 0x48000000 } }) }) << false << L("d@0x44000000");
    QTest::newRow("alloc-range outside memory")
        << platform({ dram }, { ranged(dyn("d", 64 * MiB), { { 0x0, 0x40000000 } }) }) << false << L("d!");
    QTest::newRow("highest bank first") << platform({ dram, high }, { dyn("d", 64 * MiB) }) << false
                                        << L("d@0x13c000000");
    QTest::newRow("limit keeps it low") << platform({ dram, high }, { limited(dyn("d", 64 * MiB), 0x80000000) })
                                        << false << L("d@0x7c000000");
    QTest::newRow("limit rounded down to alignment")
        << platform({ dram }, { limited(dyn("d", 4 * MiB), 0x7fffffff) }) << false << L("d@0x7fa00000");
    QTest::newRow("falls to lower bank when high is full") << platform({ dram, high },
        { dyn("big", GiB), dyn("d", 64 * MiB) }) << false << L("big@0x100000000 d@0x7c000000");
    QTest::newRow("bottom-up above 4G option")
        << platform({ dram, high }, { dyn("d", 64 * MiB) }) << true << L("d@0x100000000");
    QTest::newRow("bottom-up needs limit >= 4G + size")
        << platform({ dram, high }, { limited(dyn("d", 64 * MiB), 0x80000000) }) << true << L("d@0x7c000000");
    QTest::newRow("bottom-up not for alloc-ranges")
        << platform({ dram, high }, { ranged(dyn("d", 64 * MiB), { { kHighBase, GiB } }) }) << true
        << L("d@0x13c000000");
    QTest::newRow("too large") << platform({ dram }, { dyn("huge", 2 * GiB) }) << false << L("huge!");
    QTest::newRow("fixed outside memory")
        << platform({ dram }, { fixed("f", 0x20000000, 64 * MiB) }) << false << L("f!");
    QTest::newRow("fixed crossing the bank end")
        << platform({ dram }, { fixed("f", 0x7e000000, 64 * MiB) }) << false << L("f!");
    QTest::newRow("fixed spanning adjacent banks") << platform(
        { bank("lo", 0x40000000, 512 * MiB), bank("hi", 0x60000000, 512 * MiB) }, { fixed("f", 0x5e000000, 64 * MiB) })
                                                   << false << L("f@0x5e000000");
    QTest::newRow("fixed misaligned") << platform({ dram }, { fixed("f", 0x60100000, 64 * MiB) }) << false << L("f!");
    QTest::newRow("fixed overlap: second fails")
        << platform({ dram }, { fixed("a", 0x60000000, 64 * MiB), fixed("b", 0x62000000, 64 * MiB) }) << false
        << L("a@0x60000000 b!");
    QTest::newRow("fixed beyond limit") << platform({ dram }, { limited(fixed("f", 0x60000000, 64 * MiB), 0x61000000) })
                                        << false << L("f!");
    QTest::newRow("size 0 reserves nothing")
        << platform({ dram }, { dyn("zero", 0), fixed("zf", 0x60000000, 0) }) << false << L("zero- zf-");
    QTest::newRow("failure does not stop others")
        << platform({ dram }, { dyn("huge", 2 * GiB), dyn("d", 64 * MiB) }) << false << L("huge! d@0x7c000000");
    QTest::newRow("carve-out: page alignment only")
        << platform({ dram }, { carveout(dyn("fw", 0x1800)), dyn("d", 64 * MiB) }) << false
        << L("fw@0x7fffe000 d@0x7be00000");
    QTest::newRow("no banks") << platform({}, { dyn("d", 64 * MiB) }) << false << L("d!");
    QTest::newRow("non power-of-two alignment")
        << platform({ dram }, { dyn("d", 64 * MiB, 3 * MiB) }) << false << L("d!");
}

void TestPlacement::place()
{
    QFETCH(Platform, platform);
    QFETCH(bool, bottomUp);
    QFETCH(QStringList, expected);
    PlacementOptions options;
    options.bottomUpAbove4G = bottomUp;
    const PlacementResult r = placeRegions(platform, options);
    QCOMPARE(outcome(platform, r), expected);
    const bool allOk =
        std::none_of(expected.begin(), expected.end(), [](const QString& s) { return s.endsWith(u'!'); });
    QCOMPARE(r.ok(), allOk);
    // Every placed region lies inside memory, is aligned, and overlaps no other.
    for (std::size_t i = 0; i < r.regions.size(); ++i) {
        const RegionPlacement& a = r.regions[i];
        if (!a.base) {
            continue;
        }
        QCOMPARE(*a.base % a.alignment, std::uint64_t(0));
        for (std::size_t j = 0; j < i; ++j) {
            const RegionPlacement& b = r.regions[j];
            if (b.base) {
                QVERIFY(*a.base + a.size <= *b.base || *b.base + b.size <= *a.base);
            }
        }
    }
}

void TestPlacement::roundingAndAlignment()
{
    Platform p = platform({ bank("dram", kDramBase, GiB) },
        { dyn("small", 3 * MiB), dyn("aligned", 1 * MiB, 16 * MiB), dyn("low", 64 * MiB, 4 * KiB) });
    PlacementResult r = placeRegions(p);
    QVERIFY(r.ok());
    // 4 KiB pages << pageblock order 9 = 2 MiB: CMA alignment raised, size rounded up to it
    // (docs/kernel-cma.md#reservation-at-boot).
    QCOMPARE(r.regions[0].alignment, 2 * MiB);
    QCOMPARE(r.regions[0].size, 4 * MiB);
    QCOMPARE(*p.regions[0].placedBase, std::uint64_t(0x7fc00000));
    QCOMPARE(r.regions[1].alignment, 16 * MiB);
    QCOMPARE(r.regions[1].size, 16 * MiB);
    QCOMPARE(*p.regions[1].placedBase, std::uint64_t(0x7e000000));
    QCOMPARE(r.regions[2].alignment, 2 * MiB);

    // pageblock order 10: the minimum becomes 4 MiB.
    p.pageblockOrder = 10;
    r = placeRegions(p);
    QCOMPARE(r.regions[0].alignment, 4 * MiB);
    QCOMPARE(r.regions[0].size, 4 * MiB);
    QCOMPARE(*p.regions[0].placedBase, std::uint64_t(0x7fc00000));

    // 64 KiB pages: 32 MiB minimum.
    p.pageblockOrder = 9;
    for (Region& reg : p.regions) {
        reg.pageSize = 64 * KiB;
    }
    r = placeRegions(p);
    QCOMPARE(r.regions[0].alignment, 32 * MiB);
    QCOMPARE(r.regions[0].size, 32 * MiB);
    QCOMPARE(*p.regions[0].placedBase, std::uint64_t(0x7e000000));
}

void TestPlacement::kernelMessages()
{
    Platform p = platform({ bank("dram", kDramBase, GiB) },
        { dyn("big", 2 * GiB), fixed("f", 0x60000000, 64 * MiB), fixed("mis", 0x60100000, 64 * MiB), dyn("d", 64 * MiB),
            fixed("clash", 0x62000000, 64 * MiB) });
    const PlacementResult r = placeRegions(p);
    QVERIFY(!r.ok());
    // Fixed regions are reserved first, then the dynamic ones, each in declaration order.
    QCOMPARE(r.log.size(), std::size_t(5));
    QCOMPARE(QByteArray::fromStdString(r.log[0]), QByteArray("cma: Reserved 64 MiB at 0x0000000060000000 (f)"));
    QCOMPARE(QByteArray::fromStdString(r.log[1]),
        QByteArray("cma: Failed to reserve 64 MiB (mis: Region at 0x0000000060100000 must be aligned to "
                   "0x0000000000200000 bytes)"));
    QVERIFY2(r.log[2].find("cma: Failed to reserve 64 MiB (clash: ") == 0, r.log[2].c_str());
    QVERIFY2(r.log[2].find("already reserved by 'f'") != std::string::npos, r.log[2].c_str());
    QVERIFY2(r.log[2].find("-EBUSY") != std::string::npos, r.log[2].c_str());
    QVERIFY2(r.log[3].find("cma: Failed to reserve 2048 MiB (big: no free") == 0, r.log[3].c_str());
    QCOMPARE(QByteArray::fromStdString(r.log[4]), QByteArray("cma: Reserved 64 MiB at 0x000000007c000000 (d)"));
    QCOMPARE(r.find("mis")->message, r.log[1]);
    QVERIFY(!r.find("mis")->base);
    QVERIFY(r.find("nope") == nullptr);

    Platform outside = platform({ bank("dram", kDramBase, GiB) }, { fixed("f", 0x20000000, 64 * MiB) });
    const PlacementResult o = placeRegions(outside);
    QVERIFY2(
        o.regions[0].message.find("is not inside any memory bank") != std::string::npos, o.regions[0].message.c_str());
    Platform limit =
        platform({ bank("dram", kDramBase, GiB) }, { limited(fixed("f", 0x60000000, 64 * MiB), 0x61000000) });
    const PlacementResult l = placeRegions(limit);
    QVERIFY2(l.regions[0].message.find("Size (0x0000000004000000) of region at 0x0000000060000000 exceeds limit "
                                       "(0x0000000061000000)")
            != std::string::npos,
        l.regions[0].message.c_str());
}

void TestPlacement::clearsStaleResults()
{
    Platform p = platform({ bank("dram", kDramBase, GiB) }, { dyn("d", 64 * MiB), dyn("zero", 0) });
    p.regions[0].placedBase = 0x12345000;
    p.regions[1].placedBase = 0x40000000;
    PlacementResult r = placeRegions(p);
    QCOMPARE(*p.regions[0].placedBase, std::uint64_t(0x7c000000));
    QVERIFY(!p.regions[1].placedBase);
    // Placing twice gives the same answer (the free map starts from scratch).
    r = placeRegions(p);
    QCOMPARE(*p.regions[0].placedBase, std::uint64_t(0x7c000000));
    // A region that no longer fits loses its old placement.
    p.regions[0].size = 4 * GiB;
    r = placeRegions(p);
    QVERIFY(!p.regions[0].placedBase);
    QVERIFY(!r.ok());
}

void TestPlacement::framework2010UsesPageAlignment()
{
    // The 2010 framework normalised alignment to PAGE_SIZE (docs/cma2010.md#the-region-language): a 1 MiB
    // firmware region aligned to 128 KiB keeps that alignment and its size; mainline would raise both to the 2 MiB
    // pageblock minimum.
    Region fw;
    fw.name = "fw";
    fw.size = 1 * MiB;
    fw.alignment = 128 * KiB;
    Platform p = platform({ Bank { "ram", 0x30000000, 256 * MiB, 0 } }, { fw });
    p.mapMode = MapMode::Map2010;
    const auto r2010 = placeRegions(p);
    QVERIFY(r2010.ok());
    QCOMPARE(r2010.regions[0].alignment, 128 * KiB);
    QCOMPARE(r2010.regions[0].size, 1 * MiB);
    QCOMPARE(*p.regions[0].placedBase, std::uint64_t(0x30000000 + 256 * MiB - 1 * MiB)); // top-down
    p.mapMode = MapMode::Modern;
    const auto modern = placeRegions(p);
    QCOMPARE(modern.regions[0].alignment, 2 * MiB);
    QCOMPARE(modern.regions[0].size, 2 * MiB);
}

QTEST_GUILESS_MAIN(TestPlacement)
#include "tst_placement.moc"
