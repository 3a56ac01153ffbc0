// SPDX-License-Identifier: GPL-2.0-or-later
// Compare (core/include/cmascope/compare/): a scenario under several variants, with figures worked out by hand
// on test::fragmentedProject() (16 pages, two 4-page holes, an 8-page request that fails); the spec errors; a
// demo checked against the simulator's own summary and the what-if comparison; a trace; determinism; cancel.
#include "support/captures.h"
#include "support/platforms.h"

#include <cmascope/compare/compare.h>
#include <cmascope/compare/comparereport.h>
#include <cmascope/compare/variantspec.h>
#include <cmascope/plan/whatif.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/tracewhatif.h>

#include <QTest>

using namespace cmascope;

namespace {

Comparison compared(const Project& p, const std::vector<std::string>& specs)
{
    auto r = compareProject(p, 0, specs);
    if (auto* err = std::get_if<std::string>(&r))
        qFatal("%s", err->c_str());
    return std::move(std::get<Comparison>(r));
}

} // namespace

class TestCompare : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void figures_data();
    void figures();
    void badSpec_data();
    void badSpec();
    void specRoundTrip();
    void alignIsPlatformWide();
    void demoAgreesWithSimulatorAndWhatIf();
    void trace();
    void deterministicAndCancellable();
    void reports();
};

void TestCompare::figures_data()
{
    // Worked out by hand. fragmentedProject: step 0 phase, steps 1-4 four 4-page buffers at pages 0, 4, 8, 12,
    // steps 5-6 free the 1st and 3rd, step 7 asks for 8 pages (2010 map: no alignment).
    QTest::addColumn<QByteArray>("spec");
    QTest::addColumn<quint64>("failures");
    QTest::addColumn<quint64>("peakUsedKiB");
    QTest::addColumn<quint64>("largestFreeEndKiB");
    QTest::addColumn<quint64>("largestFreeMinKiB");
    QTest::addColumn<double>("fragEnd");
    QTest::addColumn<double>("fragPeak");
    QTest::addColumn<int>("firstDifference"); // -1 = none
    QTest::addColumn<quint64>("differingSteps");
    QTest::addColumn<QByteArray>("difference");
    // Base: full after step 4 (largest free 0), holes of 4 + 4 pages at the end: 1 - 4/8.
    QTest::newRow("base") << QByteArray() << quint64(1) << quint64(64) << quint64(16) << quint64(0) << 0.5 << 0.5 << -1
                          << quint64(0) << QByteArray();
    // First fit on a hole list places exactly as the kernel bitmap here.
    QTest::newRow("first-fit") << QByteArray("policy=first-fit") << quint64(1) << quint64(64) << quint64(16)
                               << quint64(0) << 0.5 << 0.5 << -1 << quint64(0) << QByteArray();
    // 32 pages: the 8-page request fits at page 16; at the end free runs [0,4) [8,12) [24,32): 1 - 8/16. The
    // smallest largest run is 8 pages (end), before that [16,32) = 16 pages.
    QTest::newRow("32 pages") << QByteArray("size=128K") << quint64(0) << quint64(64) << quint64(32) << quint64(32)
                              << 0.5 << 0.5 << 7 << quint64(1)
                              << QByteArray("step 7: base failed (fragmented); here placed in r at "
                                            "page 16 (8 pages)");
    // One bit per 8 pages: the 1st buffer takes pages 0-7, the 2nd 8-15, the 3rd and 4th fail, freeing the 3rd
    // frees nothing, the 8-page request takes pages 0-7 again. Every step but the phase differs.
    QTest::newRow("order_per_bit 3") << QByteArray("order_per_bit=3") << quint64(2) << quint64(64) << quint64(0)
                                     << quint64(0) << 0.0 << 0.0 << 1 << quint64(7)
                                     << QByteArray("step 1: base placed in r at page 0 (4 pages); here placed in r "
                                                   "at page 0 (8 pages)");
}

void TestCompare::figures()
{
    QFETCH(QByteArray, spec);
    const Project p = test::fragmentedProject();
    std::vector<std::string> specs;
    if (!spec.isEmpty())
        specs.push_back(spec.toStdString());
    const Comparison c = compared(p, specs);
    QCOMPARE(c.variants.size(), specs.size() + 1);
    QCOMPARE(c.simulations.size(), c.variants.size());
    QCOMPARE(c.steps, quint64(8));
    QVERIFY(!c.cancelled);
    const VariantFigures& v = c.variants.back();
    QCOMPARE(v.spec, spec.toStdString());
    QCOMPARE(v.requests, quint64(5));
    QTEST(quint64(v.failures), "failures");
    QTEST(quint64(v.peakUsedBytes / KiB), "peakUsedKiB");
    QTEST(quint64(v.largestFreeEndBytes / KiB), "largestFreeEndKiB");
    QTEST(quint64(v.largestFreeMinBytes / KiB), "largestFreeMinKiB");
    QTEST(v.fragmentationEnd, "fragEnd");
    QTEST(v.fragmentationPeak, "fragPeak");
    QTEST(v.firstDifference ? int(*v.firstDifference) : -1, "firstDifference");
    QTEST(quint64(v.differingSteps), "differingSteps");
    QTEST(QByteArray::fromStdString(v.difference), "difference");
    // One region: its figures are the variant's.
    QCOMPARE(v.regions.size(), std::size_t(1));
    QCOMPARE(v.regions[0].name, std::string("r"));
    QCOMPARE(v.regions[0].peakUsedBytes, v.peakUsedBytes);
    QCOMPARE(v.regions[0].largestFreeMinBytes, v.largestFreeMinBytes);
    QCOMPARE(v.regions[0].fragmentationEnd, v.fragmentationEnd);
}

void TestCompare::badSpec_data()
{
    QTest::addColumn<QByteArray>("spec");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("empty") << QByteArray("") << QByteArray("--variant : expected region=NAME");
    QTest::newRow("not key=value") << QByteArray("policy") << QByteArray("--variant policy: 'policy' is not KEY=VALUE");
    QTest::newRow("unknown key") << QByteArray("colour=red") << QByteArray("unknown key 'colour'");
    QTest::newRow("unknown policy") << QByteArray("policy=magic")
                                    << QByteArray("--variant policy=magic: policy 'magic' is unknown (one of: "
                                                  "kernel, bf,");
    QTest::newRow("bad size") << QByteArray("size=lots")
                              << QByteArray("--variant size=lots: size 'lots' is not a size");
    QTest::newRow("size not pages") << QByteArray("size=6K")
                                    << QByteArray("--variant size=6K: region r: size 6144 must be a non-zero "
                                                  "multiple of the page size (4096 bytes)");
    QTest::newRow("size not placeable") << QByteArray("size=1G")
                                        << QByteArray("--variant size=1G: the regions cannot be placed");
    QTest::newRow("unknown region") << QByteArray("region=nope,policy=bf")
                                    << QByteArray("region 'nope' is not in the project (regions: r)");
    QTest::newRow("order_per_bit") << QByteArray("order_per_bit=21")
                                   << QByteArray("order_per_bit '21' must be a number from 0 to 20");
    QTest::newRow("align low") << QByteArray("align=1") << QByteArray("align '1' must be a page order from 2 to 12");
    QTest::newRow("align with region") << QByteArray("region=r,align=4")
                                       << QByteArray("CONFIG_CMA_ALIGNMENT is platform-wide");
    QTest::newRow("nothing") << QByteArray("region=r") << QByteArray("--variant region=r: changes nothing");
}

void TestCompare::badSpec()
{
    QFETCH(QByteArray, spec);
    QFETCH(QByteArray, message);
    // The good spec first: the error is about the bad one, and nothing ran.
    auto r = compareProject(test::fragmentedProject(), 0, { "policy=bf", spec.toStdString() });
    QVERIFY(std::holds_alternative<std::string>(r));
    const std::string error = std::get<std::string>(r);
    QVERIFY2(error.find(message.toStdString()) != std::string::npos, error.c_str());
}

void TestCompare::specRoundTrip()
{
    const Project p = test::loadDemo();
    for (const char* text : { "region=b1,policy=first-fit,size=24M", "order_per_bit=2,align=4", "policy=tlsf" }) {
        auto v = parseVariantSpec(text, p.platform);
        QVERIFY(std::holds_alternative<PlatformVariant>(v));
        QCOMPARE(variantSpecText(p.platform, std::get<PlatformVariant>(v)), std::string(text));
    }
    auto area = parseVariantSpec("area=b2,size=8M", p.platform); // the trace spelling of a region
    QCOMPARE(std::get<PlatformVariant>(area).region, std::optional<std::size_t>(2));
    // A region name with a comma (device-tree nodes: "linux,cma") is quoted.
    const Project dt = test::loadDemo("rzg2l-smarc-dt.json");
    auto quoted = parseVariantSpec("region=\"linux,cma\",size=128M", dt.platform);
    QCOMPARE(std::get<PlatformVariant>(quoted).region, std::optional<std::size_t>(0));
    QCOMPARE(
        variantSpecText(dt.platform, std::get<PlatformVariant>(quoted)), std::string("region=\"linux,cma\",size=128M"));
    QCOMPARE(std::get<std::string>(parseVariantSpec("region=\"linux,cma,size=1M", dt.platform)),
        std::string("--variant region=\"linux,cma,size=1M: a quote is not closed"));
}

void TestCompare::alignIsPlatformWide()
{
    const Project p = test::loadDemo("rzg2l-smarc-dt.json");
    auto applied = applyVariant(p.platform, std::get<PlatformVariant>(parseVariantSpec("align=4", p.platform)));
    const Platform& pf = std::get<Platform>(applied);
    QCOMPARE(pf.cmaAlignmentOrder, 4u);
    for (const Region& r : pf.regions)
        if (r.params.maxAlignOrder)
            QCOMPARE(*r.params.maxAlignOrder, 4u);
    // Modern map mode: a request's default alignment is its order capped at CONFIG_CMA_ALIGNMENT, so a lower cap
    // packs the requests differently.
    const Comparison c = compared(p, { "align=4" });
    QVERIFY(c.variants[1].firstDifference.has_value());
}

void TestCompare::demoAgreesWithSimulatorAndWhatIf()
{
    const Project p = test::loadDemo();
    const Comparison c = compared(p, { "region=b1,size=8M", "policy=first-fit" });
    for (std::size_t i = 0; i < c.variants.size(); ++i) {
        const Simulation& sim = *c.simulations[i];
        const RunSummary s = sim.summary();
        QCOMPARE(c.variants[i].failures, s.failures);
        QCOMPARE(c.variants[i].requests, s.allocations); // every request, failed or served
        // Peak of each region as the simulator's summary counts it.
        for (const RegionFigures& r : c.variants[i].regions) {
            const auto idx = std::size_t(sim.platform().findRegion(r.name) - sim.platform().regions.data());
            QCOMPARE(r.peakUsedBytes, s.regions[idx].peakUsedPages * sim.platform().regions[idx].pageSize);
        }
        if (i == 0)
            continue;
        // The what-if comparison of the same runs: its first outcome change is at or after the first difference.
        const RunComparison w = compareRuns(c.simulations[0]->records(), sim.records(), sim.platform().regions.size());
        QCOMPARE(w.failedAfter, c.variants[i].failures);
        if (!w.changes.empty())
            QVERIFY(*c.variants[i].firstDifference <= w.changes.front().step);
    }
    QCOMPARE(c.variants[1].failures, quint64(7)); // 8 MiB for b1 cannot hold the HD decode buffers
    QVERIFY(c.variants[1].firstDifference.has_value());
}

void TestCompare::trace()
{
    const auto dir = test::captureDir("k61-nvme");
    const auto file = replayTraceFile(dir / "trace.txt", ReplayInputs {});
    QVERIFY(file.ok());
    const ReplayResult& replay = file.result;
    auto r = compareTrace(replay, { "policy=bf", "pages=2048" });
    QVERIFY(std::holds_alternative<Comparison>(r));
    const Comparison& c = std::get<Comparison>(r);
    QCOMPARE(c.variants.size(), std::size_t(3));
    for (std::size_t i = 0; i < c.variants.size(); ++i) {
        QVERIFY(c.variants[i].hasMetrics);
        QVERIFY(c.simulations[i]);
    }
    std::uint64_t recordedFailures = 0, requests = 0;
    for (const ReplayRequest& q : replay.requests) {
        requests += q.area < replay.areas.size();
        recordedFailures += !q.succeeded && q.area < replay.areas.size();
    }
    QCOMPARE(c.variants[0].requests, requests);
    QCOMPARE(c.variants[0].failures, recordedFailures);
    const WhatIfResult w = runWhatIf(replay, std::get<WhatIfSpec>(parseWhatIfSpec("pages=2048")));
    QCOMPARE(c.variants[2].failures, w.failed);
    QCOMPARE(c.variants[2].differingSteps, quint64(w.changes.size()));
    QVERIFY(!w.changes.empty());
    QCOMPARE(replay.timeline[*c.variants[2].firstDifference].index, w.changes.front().request);
    // The variant's record: its refusals are the what-if's failures; up to the first difference it placed
    // everything where the kernel did (the same policy on a smaller area), so the occupancy at that position is the
    // recording's, page for page; its peak fits the smaller area.
    const Simulation& base = *c.simulations[0];
    const Simulation& variant = *c.simulations[2];
    const std::vector<std::uint32_t>& positionOf = c.positions[2];
    QCOMPARE(positionOf.size(), replay.timeline.size() + 1);
    QVERIFY(std::is_sorted(positionOf.begin(), positionOf.end()));
    QCOMPARE(std::size_t(positionOf.back()), variant.stepCount());
    std::uint64_t refusals = 0;
    for (const StepRecord& rec : variant.records())
        refusals += rec.outcome == Outcome::Failed;
    QCOMPARE(refusals, w.failed);
    const std::size_t p = *c.variants[2].firstDifference;
    const SimState before = base.stateAt(p), after = variant.stateAt(positionOf[p]);
    QCOMPARE(after.regions.size(), before.regions.size());
    std::size_t live = 0;
    for (std::size_t k = 0; k < before.regions.size(); ++k) {
        QCOMPARE(after.regions[k].occupancy.usedPages(), before.regions[k].occupancy.usedPages());
        QCOMPARE(after.regions[k].live.size(), before.regions[k].live.size());
        for (const auto& [offset, chunk] : before.regions[k].live) {
            const auto it = after.regions[k].live.find(offset);
            QVERIFY(it != after.regions[k].live.end());
            QCOMPARE(variant.chunks()[it->second].pages, base.chunks()[chunk].pages);
            ++live;
        }
    }
    QVERIFY(live > 0);
    QVERIFY(c.variants[2].peakUsedBytes <= 2048 * 4096 * c.variants[2].regions.size());
    QVERIFY(c.variants[2].peakUsedBytes > 0);
    QCOMPARE(variant.platform().banks.size(), variant.platform().regions.size()); // the map has memory to draw
    auto bad = compareTrace(replay, { "align=4" });
    QCOMPARE(std::get<std::string>(bad),
        std::string("--variant align=4: unknown key 'align' (policy, size, pages, "
                    "order_per_bit, area)"));
}

void TestCompare::deterministicAndCancellable()
{
    const Project p = test::loadDemo();
    const std::vector<std::string> specs { "policy=first-fit", "region=b2,size=8M" };
    QCOMPARE(compareReportJson(compared(p, specs)), compareReportJson(compared(p, specs)));
    std::uint64_t lastTotal = 0;
    auto r = compareProject(p, 0, specs, [&](std::uint64_t done, std::uint64_t total) {
        lastTotal = total;
        return done < total / 2;
    });
    QVERIFY(std::get<Comparison>(r).cancelled);
    QCOMPARE(lastTotal, quint64(3 * p.scenarios[0].steps.size()));
}

void TestCompare::reports()
{
    const Comparison c = compared(test::fragmentedProject(), { "size=128K" });
    const std::string csv = compareReportCsv(c);
    QVERIFY(csv.starts_with("variant,description,requests,failures,peak_used_bytes"));
    QVERIFY2(
        csv.find("\nsize=128K,every region: size 128 KiB,5,0,65536,32768,32768,0.500,0.500,7,1,") != std::string::npos,
        csv.c_str());
    const std::string table = compareReportTable(c);
    QVERIFY2(table.find("size=128K  5         0         64 KiB") != std::string::npos, table.c_str());
    const std::string json = compareReportJson(c);
    QVERIFY(json.find("\"format\": \"cmascope-compare\"") != std::string::npos);
    QVERIFY(json.find("\"first_difference_step\": 7") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestCompare)
#include "tst_compare.moc"
