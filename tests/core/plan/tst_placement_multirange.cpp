// SPDX-License-Identifier: GPL-2.0-or-later
// Placement of multi-range areas (Region::maxRanges > 1) as cma_declare_contiguous_multi() places them
// (docs/kernel-cma.md#multi-range-areas-in-plans): checked against a real 7.2 boot, the kernel's list handling,
// placing twice, saving, and requests served range by range.
#include "support/captures.h"

#include <cmascope/config/configio.h>
#include <cmascope/model/maplang.h>
#include <cmascope/model/project.h>
#include <cmascope/model/scenariotext.h>
#include <cmascope/plan/placement.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/validation/validation.h>

#include <QRegularExpression>
#include <QTest>

using namespace cmascope;

namespace {

constexpr std::uint64_t G = GiB;

Platform board(std::vector<Bank> banks)
{
    Platform p;
    p.name = "board";
    p.mapMode = MapMode::Modern;
    p.banks = std::move(banks);
    return p;
}

Bank bank(std::uint64_t base, std::uint64_t size, int node = 0)
{
    return Bank { "memory@" + std::to_string(base), base, size, node };
}

Region hugetlb(std::uint64_t size, unsigned maxRanges = kCmaMaxRanges, int node = 0)
{
    Region r;
    r.name = "hugetlb" + std::to_string(node);
    r.size = size;
    r.alignment = G;
    r.params.orderPerBit = 9;
    r.numaNode = node;
    r.maxRanges = maxRanges;
    return r;
}

/// "base+size" of every range, in the area's order.
QStringList rangesOf(const RegionPlacement& rp)
{
    QStringList out;
    for (const AddressRange& a : rp.ranges)
        out << QStringLiteral("0x%1+%2G").arg(a.base, 0, 16).arg(a.size / G);
    return out;
}

/// The banks of a capture: its memblock memory without the NOMAP ranges (for_each_free_mem_range() skips them).
std::vector<Bank> memblockBanks(const std::filesystem::path& dir)
{
    std::vector<Bank> banks;
    static const QRegularExpression line(QStringLiteral(R"(^\s*\d+: 0x([0-9a-f]+)\.\.0x([0-9a-f]+)\s+(\d+) (\w+))"),
        QRegularExpression::MultilineOption);
    const QString text = QString::fromStdString(test::slurp(dir / "memblock-memory.txt"));
    auto it = line.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.captured(4) != QLatin1String("NONE"))
            continue;
        const std::uint64_t lo = m.captured(1).toULongLong(nullptr, 16);
        const std::uint64_t hi = m.captured(2).toULongLong(nullptr, 16) + 1;
        banks.push_back(bank(lo, hi - lo, m.captured(3).toInt()));
    }
    return banks;
}

QStringList strings(std::initializer_list<const char*> items)
{
    QStringList out;
    for (const char* s : items)
        out << QString::fromLatin1(s);
    return out;
}

std::uint64_t readNumber(const std::filesystem::path& p)
{
    return std::stoull(test::slurp(p));
}

} // namespace

class TestPlacementMultiRange : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void realBoot72();
    void kernelListOrder_data();
    void kernelListOrder();
    void oneRangeWhenOneHolds();
    void failsWhenTooLittleAboveFourGiB();
    void nodeOnly();
    void placingTwiceAndSaving();
    void requestsRangeByRange();
    void validation();
};

/// traces/kernel/k72-hugetlb-multirange booted Linux 7.2.13 with `cma=16M hugetlb_cma=2G` on 7 GiB with four
/// 64 KiB no-map holes: placement must find the kernel's two ranges, in its order, and its boot messages.
void TestPlacementMultiRange::realBoot72()
{
    const auto dir = test::captureDir("k72-hugetlb-multirange");
    const Platform base = board(memblockBanks(dir));
    QCOMPARE(base.banks.size(), std::size_t(5));
    // arm64 places the default area below its DMA limit (4 GiB here): cma=16M@0-4G says the same.
    ImportOptions opts;
    opts.base = &base;
    const ImportResult imported = importCmdline("cma=16M@0-4G hugetlb_cma=2G", opts);
    QVERIFY2(imported.ok(), imported.errorText().c_str());
    Platform pf = imported.project->platform;
    const Region* area = pf.findRegion("hugetlb0");
    QVERIFY(area);
    QCOMPARE(area->maxRanges, kCmaMaxRanges);

    const PlacementResult res = placeRegions(pf, PlacementOptions { .bottomUpAbove4G = true });
    QVERIFY(res.ok());
    const std::string dmesg = test::slurp(dir / "dmesg-cma.txt");
    QVERIFY(dmesg.find("cma: Reserved 16 MiB at 0x00000000ff000000") != std::string::npos);
    QCOMPARE(*pf.findRegion("reserved")->placedBase, std::uint64_t { 0xff000000 });
    // The kernel's message, then where the ranges are (which it does not print).
    const RegionPlacement* hp = res.find("hugetlb0");
    QVERIFY(hp);
    QVERIFY(dmesg.find("cma: Reserved 2048 MiB in 2 ranges\n") != std::string::npos);
    QVERIFY2(hp->message.starts_with("cma: Reserved 2048 MiB in 2 ranges ("), hp->message.c_str());
    // debugfs of the same boot, with the capture module's ranges/N/count.
    const auto snap = dir / "snapshots" / "00-boot" / "hugetlb0" / "ranges";
    QCOMPARE(hp->ranges.size(), std::size_t(2));
    for (std::size_t r = 0; r < 2; ++r) {
        const auto rdir = snap / std::to_string(r);
        QCOMPARE(hp->ranges[r].base, readNumber(rdir / "base_pfn") * 4096);
        QCOMPARE(hp->ranges[r].size, readNumber(rdir / "count") * 4096);
    }
    // Range 0 is the area's region; range 1 a region of its own, as the replay of the same capture shows it.
    QCOMPARE(pf.findRegion("hugetlb0")->size, G);
    const Region* later = pf.findRegion("hugetlb0 range 1");
    QVERIFY(later);
    QCOMPARE(later->rangeOf, std::string("hugetlb0"));
    QCOMPARE(*later->placedBase, std::uint64_t { 0x180000000 });
    QCOMPARE(later->params.orderPerBit, 9u);
}

/// Free stretches above 4 GiB chosen and ordered as mm/cma.c's list_insert_sorted() does: it puts an entry before
/// the first larger one (before the last entry when none is larger), so its lists are not always sorted.
void TestPlacementMultiRange::kernelListOrder_data()
{
    QTest::addColumn<std::vector<Bank>>("banks");
    QTest::addColumn<std::uint64_t>("total");
    QTest::addColumn<unsigned>("maxRanges");
    QTest::addColumn<QStringList>("expected");

    // Stretches X1 (4G, 1G), X2 (6G, 2G), X3 (9G, 1G).
    const std::vector<Bank> three { bank(4 * G, G), bank(6 * G, 2 * G), bank(9 * G, G) };
    // The size list becomes [X3, X2, X1]; X3 then X2 make 3 GiB. A sorted list would have taken X2 and X1.
    QTest::newRow("3G of 4G: X1 left out") << three << 3 * G << 8u << strings({ "0x180000000+2G", "0x240000000+1G" });
    // All three: the address list becomes [X2, X1, X3], and the area tries them in that order.
    QTest::newRow("4G: not ascending") << three << 4 * G << 8u
                                       << strings({ "0x180000000+2G", "0x100000000+1G", "0x240000000+1G" });
    // Two ranges at most: the list is full after X1 and X2 ([X2, X1]); X3 (1G) is not smaller than its last entry
    // (X1, 1G) and replaces it.
    QTest::newRow("max 2: a stretch of equal size replaces the last")
        << three << 3 * G << 2u << strings({ "0x180000000+2G", "0x240000000+1G" });
    // The last range is used in part, from its start.
    // Two 2 GiB stretches for 3 GiB: the last range of the area's order is used in part, from its start.
    QTest::newRow("last range in part") << std::vector<Bank> { bank(4 * G, 2 * G + G / 2), bank(7 * G, 2 * G + G / 2) }
                                        << 3 * G << 8u << strings({ "0x100000000+2G", "0x1c0000000+1G" });
}

void TestPlacementMultiRange::kernelListOrder()
{
    QFETCH(std::vector<Bank>, banks);
    QFETCH(std::uint64_t, total);
    QFETCH(unsigned, maxRanges);
    QFETCH(QStringList, expected);
    Platform pf = board(banks);
    pf.regions.push_back(hugetlb(total, maxRanges));
    const PlacementResult res = placeRegions(pf);
    QVERIFY2(res.ok(), res.regions[0].message.c_str());
    QCOMPARE(rangesOf(res.regions[0]), expected);
    QCOMPARE(pf.regions.size(), std::size_t(expected.size()));
    // The area's regions follow the area's order: what a request tries first.
    const MapResolution mr = resolveRegions(pf, "hugetlb", "", G);
    QCOMPARE(mr.regions.size(), std::size_t(0)); // no device binds it: hugetlb areas serve gigantic pages only
    for (qsizetype k = 0; k < expected.size(); ++k) {
        const Region& r = pf.regions[std::size_t(k)];
        QCOMPARE(QStringLiteral("0x%1+%2G").arg(*r.placedBase, 0, 16).arg(r.size / G), expected[k]);
        QCOMPARE(r.name, k == 0 ? std::string("hugetlb0") : "hugetlb0 range " + std::to_string(k));
    }
}

void TestPlacementMultiRange::oneRangeWhenOneHolds()
{
    Platform pf = board({ bank(0x40000000, 3 * G), bank(4 * G, 4 * G) });
    pf.regions.push_back(hugetlb(2 * G));
    const PlacementResult res = placeRegions(pf);
    QVERIFY(res.ok());
    QCOMPARE(pf.regions.size(), std::size_t(1));
    QCOMPARE(res.regions[0].ranges.size(), std::size_t(1));
    // The multi-range path always says how many ranges, even one.
    QVERIFY2(res.regions[0].message.starts_with("cma: Reserved 2048 MiB in 1 range ("), res.regions[0].message.c_str());
    QCOMPARE(pf.regions[0].size, 2 * G);
    QVERIFY(!pf.regions[0].split);
}

void TestPlacementMultiRange::failsWhenTooLittleAboveFourGiB()
{
    // No 1 GiB-aligned 2 GiB in one piece. Memory below 4 GiB counts for nothing, nor does the stretch from
    // 3.5 GiB that holds [4 GiB, 5 GiB): the kernel skips a stretch that starts below 4 GiB.
    Platform pf = board({ bank(G, G + G / 2), bank(3 * G + G / 2, 2 * G), bank(6 * G, G) });
    pf.regions.push_back(hugetlb(2 * G));
    const PlacementResult res = placeRegions(pf);
    QVERIFY(!res.ok());
    const std::string& m = res.regions[0].message;
    QVERIFY2(m.starts_with("cma: Failed to reserve 2048 MiB (hugetlb0: no free 0x0000000040000000-aligned"), m.c_str());
    QVERIFY2(m.find("largest free stretches above 4 GiB on node 0 hold 1 GiB") != std::string::npos, m.c_str());
    QCOMPARE(pf.regions.size(), std::size_t(1));
    QVERIFY(!pf.regions[0].placedBase);
    QVERIFY(!pf.regions[0].placementFailure.empty());
    // With one range allowed, the same area fails without the multi-range search.
    pf.regions[0].maxRanges = 1;
    const PlacementResult one = placeRegions(pf);
    QVERIFY(one.regions[0].message.find("above 4 GiB") == std::string::npos);
}

void TestPlacementMultiRange::nodeOnly()
{
    // Node 1 has 1 GiB: hugetlb1 cannot take node 0's memory.
    Platform pf = board({ bank(4 * G, 4 * G, 0), bank(8 * G, G, 1) });
    pf.regions.push_back(hugetlb(2 * G, kCmaMaxRanges, 1));
    pf.regions.push_back(hugetlb(G, kCmaMaxRanges, 2));
    const PlacementResult res = placeRegions(pf);
    QVERIFY(!res.regions[0].ok);
    QVERIFY2(res.regions[0].message.find("on node 1 hold 1 GiB") != std::string::npos, res.regions[0].message.c_str());
    QVERIFY2(res.regions[1].message.find("no memory bank on NUMA node 2") != std::string::npos,
        res.regions[1].message.c_str());
    pf.regions[0].size = G;
    QVERIFY(placeRegions(pf).regions[0].ok);
    QCOMPARE(*pf.regions[0].placedBase, 8 * G);
}

/// Placement undoes its own split first; saving and exporting write the area as declared.
void TestPlacementMultiRange::placingTwiceAndSaving()
{
    Platform pf = board({ bank(4 * G, G + G / 2), bank(6 * G, G + G / 2) });
    pf.regions.push_back(hugetlb(2 * G));
    Project project;
    project.platform = pf;
    QVERIFY(placeRegions(pf).ok());
    QCOMPARE(pf.regions.size(), std::size_t(2));
    const Platform once = pf;
    QVERIFY(placeRegions(pf).ok());
    QVERIFY(pf == once);

    Project placed = project;
    placed.platform = pf;
    const std::string saved = serializeProject(placed);
    QCOMPARE(QString::fromStdString(saved), QString::fromStdString(serializeProject(project)));
    const ExportResult cmdline = exportCmdline(pf);
    QVERIFY(cmdline.ok());
    QCOMPARE(cmdline.text, std::string("hugetlb_cma=0:2G\n"));
    // A size changed after the split is kept; the later ranges go.
    pf.regions[0].size = 3 * G;
    undoRangeSplits(pf);
    QCOMPARE(pf.regions.size(), std::size_t(1));
    QCOMPARE(pf.regions[0].size, 3 * G);
    // The project file keeps max_ranges.
    const auto loaded = parseProject(serializeProject(project));
    QVERIFY(loaded.project);
    QCOMPARE(loaded.project->platform.regions[0].maxRanges, kCmaMaxRanges);
}

/// A device bound to the area tries its ranges in the area's order and never gets one request in two ranges.
void TestPlacementMultiRange::requestsRangeByRange()
{
    Platform pf = board({ bank(4 * G, G + G / 2), bank(6 * G, G + G / 2) });
    pf.regions.push_back(hugetlb(2 * G));
    Device gigantic;
    gigantic.name = "gigantic";
    gigantic.memoryRegions = { "hugetlb0" };
    pf.devices.push_back(gigantic);
    QVERIFY(placeRegions(pf).ok());
    const MapResolution mr = resolveRegions(pf, "gigantic", "", G);
    QCOMPARE(mr.regions, (std::vector<std::string> { "hugetlb0", "hugetlb0 range 1" }));

    const auto text = parseScenarioText("alloc gigantic 512M as a\n"
                                        "alloc gigantic 1G as b\n"
                                        "alloc gigantic 512M as c\n"
                                        "alloc gigantic 1G as d\n"
                                        "free a\n"
                                        "alloc gigantic 1G as e\n",
        { &pf });
    QVERIFY2(text.ok(), text.errorText("steps").c_str());
    auto created = Simulation::create(pf, text.scenarios.front());
    if (const auto* error = std::get_if<std::string>(&created))
        QFAIL(error->c_str());
    Simulation& sim = std::get<Simulation>(created);
    QVERIFY(sim.run());
    const auto& rec = sim.records();
    const auto regionOf = [&](std::size_t i) { return rec[i].outcome == Outcome::Allocated ? int(rec[i].region) : -1; };
    QCOMPARE(regionOf(0), 0); // range 0 has room
    QCOMPARE(regionOf(1), 1); // 512 MiB left in range 0: the next range serves 1 GiB
    QCOMPARE(regionOf(2), 0);
    QCOMPARE(rec[3].outcome, Outcome::Failed); // 512 MiB free in all, none of it in one range
    QCOMPARE(regionOf(5), -1); // 512 MiB freed in range 0 is still not 1 GiB in one range
}

void TestPlacementMultiRange::validation()
{
    Platform pf = board({ bank(4 * G, 4 * G) });
    Region fixedArea = hugetlb(G);
    fixedArea.placement = Placement::Fixed;
    fixedArea.start = 4 * G;
    pf.regions.push_back(fixedArea);
    Region tooMany = hugetlb(G, 9, 0);
    tooMany.name = "many";
    pf.regions.push_back(tooMany);
    Region limited = hugetlb(G, 2, 0);
    limited.name = "limited";
    limited.limit = 6 * G;
    pf.regions.push_back(limited);
    QStringList found;
    for (const Diagnostic& d : validate(pf))
        if (d.check == "multi-range")
            found << QString::fromStdString(d.path);
    QCOMPARE(found, strings({ "regions[0].maxRanges", "regions[1].maxRanges", "regions[2].limit" }));
}

QTEST_GUILESS_MAIN(TestPlacementMultiRange)
#include "tst_placement_multirange.moc"
