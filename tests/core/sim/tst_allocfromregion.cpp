// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 cma_alloc_from_region() (docs/cma2010.md#private-regions): a request by region handle, no map. The
// rows follow the checks of v3 patch 2/6 (<6a924738f412a7ad738e99123411b7a20f761ae1.1281100495.git.m.nazarewicz@
// samsung.com>): -EINVAL for size 0, an alignment that is not a power of two or a region never registered;
// -ENOMEM when free_space is below the size or the allocator fails. The board is Jonathan Corbet's viafb
// example (<20100720145238.29111716@bike.lwn.net>): a frame-buffer pool its driver registers itself.
#include "support/simulations.h"

#include <cmascope/model/maplang.h>
#include <cmascope/model/project.h>
#include <cmascope/plan/planner.h>
#include <cmascope/plan/wouldfit.h>
#include <cmascope/sim/simulator.h>

#include <QTest>

using namespace cmascope;

namespace {

enum Region_ : int { Common, Fbpool, Fw, Empty, Lost };

/// A 256 MiB bank at 0x40000000: "common" (4 MiB at its start, the map's region), "fbpool" (8 MiB at
/// 0x41000000, 2010 private, registered by viafb, 2010 best fit), "fw" (a 1 MiB carve-out), "empty" (size 0)
/// and "lost" (failed to reserve at boot). The map sends viafb to "common". Dialect v3.
Platform viafbBoard()
{
    Platform p;
    p.name = "viafb";
    p.mapDialect = MapDialect::V3;
    p.banks.push_back({ "ram", 0x40000000, 256 * MiB, 0 });
    const auto fixed = [](const char* name, std::uint64_t size, std::uint64_t start) {
        Region r;
        r.name = name;
        r.size = size;
        r.placement = Placement::Fixed;
        r.start = start;
        r.policy = PolicyKind::BestFit2010;
        return r;
    };
    p.regions.push_back(fixed("common", 4 * MiB, 0x40000000));
    p.regions.push_back(fixed("fbpool", 8 * MiB, 0x41000000));
    p.regions[Fbpool].privateHandle = true;
    p.regions[Fbpool].privateTo = "viafb";
    p.regions.push_back(fixed("fw", 1 * MiB, 0x42000000));
    p.regions[Fw].type = RegionType::Carveout;
    p.regions.push_back(fixed("empty", 0, 0));
    p.regions.push_back(fixed("lost", 4 * MiB, 0x90000000));
    p.regions[Lost].placementFailure = "cma: Failed to reserve 4 MiB at 0x90000000 (outside every bank)";
    p.devices.push_back({ "viafb", 0, 64, {}, {} });
    p.rules.push_back({ { "viafb" }, { "common" } });
    return p;
}

/// What comes before the request under test: nothing, 6 of fbpool's 8 MiB, or fbpool full with its 1st and
/// 3rd quarters freed (4 MiB free in two 2 MiB holes).
enum class Before { Nothing, SixMiB, Fragmented };

void prefill(Scenario& sc, Before before)
{
    if (before == Before::SixMiB) {
        sc.allocateFromRegion(Fbpool, "viafb", 6 * MiB, "six");
    } else if (before == Before::Fragmented) {
        for (const char* q : { "q0", "q1", "q2", "q3" })
            sc.allocateFromRegion(Fbpool, "viafb", 2 * MiB, q);
        sc.free("q0");
        sc.free("q2");
    }
}

} // namespace

class TestAllocFromRegion : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void allocatesThereAndFrees();
    void refusals_data();
    void refusals();
    void alignment_data();
    void alignment();
    void wouldFit_data();
    void wouldFit();
    void plannerSizesTheRegion();
    void plannerKnowsWhatNoSizeServes_data();
    void plannerKnowsWhatNoSizeServes();
};

void TestAllocFromRegion::allocatesThereAndFrees()
{
    const Platform pf = viafbBoard();
    Scenario sc;
    sc.allocateFromRegion(Fbpool, "viafb", 4 * MiB, "fb0"); // by handle: fbpool
    sc.allocate("viafb", "", 1 * MiB, "m"); // through the map: common, never fbpool
    sc.free("fb0");
    sc.allocateFromRegion(Fbpool, "viafb", 8 * MiB, "all"); // the whole pool: only after the free
    const Simulation sim = test::ranSimulation(pf, sc);
    const auto& rec = sim.records();
    QCOMPARE(rec[0].outcome, Outcome::Allocated);
    QCOMPARE(rec[0].region, std::uint16_t(Fbpool));
    QCOMPARE(rec[0].pages, 1024u);
    QCOMPARE(rec[1].outcome, Outcome::Allocated);
    QCOMPARE(rec[1].region, std::uint16_t(Common));
    QCOMPARE(rec[2].outcome, Outcome::Freed);
    QCOMPARE(rec[2].region, std::uint16_t(Fbpool));
    QCOMPARE(rec[2].chunk, rec[0].chunk);
    QCOMPARE(rec[3].outcome, Outcome::Allocated);
    QCOMPARE(rec[3].region, std::uint16_t(Fbpool));
    QCOMPARE(rec[3].offset, 0u);
    QCOMPARE(rec[3].pages, 2048u);
    QCOMPARE(sim.stateAt(1).regions[Fbpool].liveBytes, 4 * MiB);
    QCOMPARE(sim.stateAt(3).regions[Fbpool].livePages, std::uint64_t(0));
    const RunSummary summary = sim.summary();
    QCOMPARE(summary.allocations, std::uint64_t(3));
    QCOMPARE(summary.failures, std::uint64_t(0));
    QCOMPARE(summary.frees, std::uint64_t(1));
    const Diagnosis dg = sim.diagnose(0);
    QVERIFY(dg.succeeded);
    QCOMPARE(
        dg.mapSummary, std::string("cma_alloc_from_region() on region 'fbpool', by its handle: the map is not read"));
    QCOMPARE(dg.summary, std::string("viafb asked region fbpool by its handle for 4 MiB: placed"));
}

void TestAllocFromRegion::refusals_data()
{
    QTest::addColumn<int>("region");
    QTest::addColumn<quint64>("size");
    QTest::addColumn<quint64>("align");
    QTest::addColumn<QByteArray>("platform"); ///< "v3", "v4", "legacy", "v1", "modern"
    QTest::addColumn<int>("before");
    QTest::addColumn<int>("refusal");
    QTest::addColumn<QString>("verdict");

    const auto none = int(Refusal::None);
    const auto nothing = int(Before::Nothing);
    QTest::newRow("served") << int(Fbpool) << quint64(4 * MiB) << quint64(0) << QByteArray("v3") << nothing << none
                            << "fits at page offset 0";
    QTest::newRow("served, v4") << int(Fbpool) << quint64(4 * MiB) << quint64(0) << QByteArray("v4") << nothing << none
                                << "fits at page offset 0";
    QTest::newRow("served, no dialect") << int(Fbpool) << quint64(4 * MiB) << quint64(0) << QByteArray("legacy")
                                        << nothing << none << "fits at page offset 0";
    QTest::newRow("a named region") << int(Common) << quint64(1 * MiB) << quint64(0) << QByteArray("v3") << nothing
                                    << none << "fits at page offset 0";
    QTest::newRow("size 0") << int(Fbpool) << quint64(0) << quint64(0) << QByteArray("v3") << nothing
                            << int(Refusal::ZeroSize) << "cma_alloc_from_region(): size 0: -EINVAL";
    QTest::newRow("align 3K") << int(Fbpool) << quint64(4 * MiB) << quint64(3 * KiB) << QByteArray("v3") << nothing
                              << int(Refusal::InvalidArgument)
                              << "cma_alloc_from_region(): alignment 3 KiB is not a power of two: -EINVAL";
    QTest::newRow("a carve-out") << int(Fw) << quint64(4 * KiB) << quint64(0) << QByteArray("v3") << nothing
                                 << int(Refusal::InvalidArgument)
                                 << "cma_alloc_from_region(): region 'fw' is a carve-out, never registered as a CMA "
                                    "region: -EINVAL";
    QTest::newRow("a size-0 region") << int(Empty) << quint64(4 * KiB) << quint64(0) << QByteArray("v3") << nothing
                                     << int(Refusal::InvalidArgument)
                                     << "cma_alloc_from_region(): region 'empty' reserves no memory (size 0), never "
                                        "registered as a CMA region: -EINVAL";
    QTest::newRow("not reserved") << int(Lost) << quint64(4 * KiB) << quint64(0) << QByteArray("v3") << nothing
                                  << int(Refusal::NotReserved)
                                  << "cma_alloc_from_region(): region 'lost' was not reserved at boot, so it was never "
                                     "registered: -EINVAL (cma: Failed to reserve 4 MiB at 0x90000000 (outside every "
                                     "bank))";
    QTest::newRow("free_space < size") << int(Fbpool) << quint64(4 * MiB) << quint64(0) << QByteArray("v3")
                                       << int(Before::SixMiB) << int(Refusal::NotEnoughFree)
                                       << "cma_alloc_from_region(): region 'fbpool' has 2 MiB free, 4 MiB asked "
                                          "(reg->free_space < size): -ENOMEM";
    QTest::newRow("larger than the region")
        << int(Fbpool) << quint64(16 * MiB) << quint64(0) << QByteArray("v3") << nothing << int(Refusal::NotEnoughFree)
        << "cma_alloc_from_region(): region 'fbpool' has 8 MiB free, 16 MiB "
           "asked (reg->free_space < size): -ENOMEM";
    QTest::newRow("the allocator fails") << int(Fbpool) << quint64(4 * MiB) << quint64(0) << QByteArray("v3")
                                         << int(Before::Fragmented) << int(Refusal::Fragmented)
                                         << "cma_alloc_from_region(): the allocator failed: -ENOMEM: needs 4 MiB";
    QTest::newRow("v1") << int(Fbpool) << quint64(4 * MiB) << quint64(0) << QByteArray("v1") << nothing
                        << int(Refusal::NoSuchCall)
                        << "cma_alloc_from_region(): not in v1; private regions and cma_alloc_from_region() came "
                           "with v2";
    QTest::newRow("modern") << int(Fbpool) << quint64(4 * MiB) << quint64(0) << QByteArray("modern") << nothing
                            << int(Refusal::NoSuchCall)
                            << "cma_alloc_from_region(): a modern platform has no such call (it belongs to the 2010 "
                               "framework)";
}

void TestAllocFromRegion::refusals()
{
    QFETCH(int, region);
    QFETCH(quint64, size);
    QFETCH(quint64, align);
    QFETCH(QByteArray, platform);
    QFETCH(int, before);
    QFETCH(int, refusal);
    QFETCH(QString, verdict);
    Platform pf = viafbBoard();
    if (platform == "modern")
        pf.mapMode = MapMode::Modern;
    else
        pf.mapDialect = platform == "legacy" ? std::nullopt : mapDialectFromId(platform.toStdString());
    Scenario sc;
    prefill(sc, Before(before));
    const std::size_t step = sc.steps.size();
    sc.allocateFromRegion(std::uint16_t(region), "viafb", size, "fb", align);
    sc.free("fb");
    const Simulation sim = test::ranSimulation(pf, sc);
    const StepRecord& rec = sim.records()[step];
    const bool served = refusal == int(Refusal::None);
    QCOMPARE(rec.outcome, served ? Outcome::Allocated : Outcome::Failed);
    QCOMPARE(int(rec.refusal), refusal);
    QCOMPARE(rec.region, std::uint16_t(region));
    QCOMPARE(sim.records()[step + 1].outcome, served ? Outcome::Freed : Outcome::FreeUnknown);
    QCOMPARE(sim.summary().failures, std::uint64_t(served ? 0 : 1));
    const Diagnosis dg = sim.diagnose(step);
    QCOMPARE(dg.succeeded, served);
    QCOMPARE(dg.attempts.size(), std::size_t(1));
    QCOMPARE(int(dg.attempts[0].result.refusal), refusal);
    const QString got = QString::fromStdString(dg.attempts[0].verdict);
    QVERIFY2(got.startsWith(verdict), qPrintable(got));
    const QString summary = QString::fromStdString(dg.summary);
    QVERIFY2(summary.startsWith(QStringLiteral("viafb asked region %1 by its handle for ")
                                    .arg(QString::fromStdString(pf.regions[std::size_t(region)].name))),
        qPrintable(summary));
    QVERIFY2(served || summary.endsWith(got), qPrintable(summary));
}

void TestAllocFromRegion::alignment_data()
{
    QTest::addColumn<quint64>("align");
    QTest::addColumn<quint64>("alignedTo"); ///< pages the chunk's offset must be a multiple of

    // cma_alloc_from_region() raises the alignment to PAGE_SIZE; fbpool starts on a 16 MiB boundary.
    QTest::newRow("none") << quint64(0) << quint64(1);
    QTest::newRow("below a page") << quint64(1 * KiB) << quint64(1);
    QTest::newRow("1 MiB") << quint64(1 * MiB) << quint64(256);
    QTest::newRow("4 MiB") << quint64(4 * MiB) << quint64(1024);
}

void TestAllocFromRegion::alignment()
{
    QFETCH(quint64, align);
    QFETCH(quint64, alignedTo);
    Scenario sc;
    sc.allocateFromRegion(Fbpool, "viafb", 4 * KiB, "small"); // page 0
    sc.allocateFromRegion(Fbpool, "viafb", 64 * KiB, "aligned", align);
    const Simulation sim = test::ranSimulation(viafbBoard(), sc);
    const StepRecord& rec = sim.records()[1];
    QCOMPARE(rec.outcome, Outcome::Allocated);
    QVERIFY(rec.offset >= 1);
    QCOMPARE(rec.offset % alignedTo, quint64(0));
}

void TestAllocFromRegion::wouldFit_data()
{
    QTest::addColumn<quint64>("size");
    QTest::addColumn<quint64>("align");
    QTest::addColumn<QString>("error"); ///< empty: a size is found
    QTest::newRow("size 0") << quint64(0) << quint64(0)
                            << "cma_alloc_from_region(): size 0: -EINVAL: no region size or policy changes that";
    QTest::newRow("align 3K") << quint64(4 * MiB) << quint64(3 * KiB)
                              << "cma_alloc_from_region(): alignment 3 KiB is not a power of two: -EINVAL: no region "
                                 "size or policy changes that";
    QTest::newRow("free_space < size") << quint64(4 * MiB) << quint64(0) << QString();
}

void TestAllocFromRegion::wouldFit()
{
    QFETCH(quint64, size);
    QFETCH(quint64, align);
    QFETCH(QString, error);
    Platform pf = viafbBoard();
    pf.regions.resize(2);
    Scenario sc;
    prefill(sc, Before::SixMiB);
    sc.allocateFromRegion(Fbpool, "viafb", size, "fb", align);
    const WouldFitResult fit = whatWouldHaveFit(pf, sc, 1);
    QCOMPARE(QString::fromStdString(fit.error), error);
    if (error.isEmpty()) {
        QCOMPARE(fit.size.status, WouldFitSizeStatus::Found);
        QCOMPARE(fit.size.region, std::string("fbpool"));
    }
}

void TestAllocFromRegion::plannerSizesTheRegion()
{
    Project project;
    project.platform = viafbBoard();
    project.platform.regions.resize(2); // common and fbpool
    project.platform.regions[Fbpool].size = 1 * MiB;
    Scenario sc;
    sc.name = "framebuffers";
    sc.allocateFromRegion(Fbpool, "viafb", 6 * MiB, "fb0");
    sc.allocate("viafb", "", 1 * MiB, "m");
    project.scenarios.push_back(std::move(sc));
    const PlanResult plan = planRegions(project);
    QVERIFY2(plan.ok, plan.reason.c_str());
    QVERIFY(plan.regions[Fbpool].size >= 6 * MiB);
    QVERIFY(plan.regions[Common].size >= 1 * MiB);
    QVERIFY(plan.regions[Common].size < 6 * MiB); // the by-handle request never counts in common
}

void TestAllocFromRegion::plannerKnowsWhatNoSizeServes_data()
{
    QTest::addColumn<quint64>("size");
    QTest::addColumn<quint64>("align");
    QTest::addColumn<QByteArray>("dialect");
    QTest::addColumn<QString>("reason");

    QTest::newRow("size 0") << quint64(0) << quint64(0) << QByteArray("v3") << "-EINVAL";
    QTest::newRow("align 3K") << quint64(4 * KiB) << quint64(3 * KiB) << QByteArray("v3") << "-EINVAL";
    QTest::newRow("v1") << quint64(4 * KiB) << quint64(0) << QByteArray("v1") << "does not exist in this kernel";
}

void TestAllocFromRegion::plannerKnowsWhatNoSizeServes()
{
    QFETCH(quint64, size);
    QFETCH(quint64, align);
    QFETCH(QByteArray, dialect);
    QFETCH(QString, reason);
    Project project;
    project.platform = viafbBoard();
    project.platform.regions.resize(2);
    project.platform.mapDialect = mapDialectFromId(dialect.toStdString());
    Scenario sc;
    sc.name = "s";
    sc.allocateFromRegion(Fbpool, "viafb", size, "fb0", align);
    project.scenarios.push_back(std::move(sc));
    const PlanResult plan = planRegions(project);
    QVERIFY(!plan.ok);
    const QString why = QString::fromStdString(plan.reason);
    QVERIFY2(why.contains(QStringLiteral("step 0 (viafb ")) && why.contains(reason), qPrintable(why));
}

QTEST_APPLESS_MAIN(TestAllocFromRegion)
#include "tst_allocfromregion.moc"
