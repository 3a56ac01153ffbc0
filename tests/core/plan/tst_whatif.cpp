// SPDX-License-Identifier: GPL-2.0-or-later
// What-if: a project's scenario on a platform variant (whatif.h), compared step by step with the
// original run; and the replay what-if (replay/tracewhatif.h) limited to one area, with releases spanning
// several recorded allocations.
#include "support/platforms.h"

#include <cmascope/plan/whatif.h>
#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/tracewhatif.h>
#include <cmascope/trace/events.h>
#include <cmascope/trace/parser.h>

#include <QTest>

using namespace cmascope;

Q_DECLARE_METATYPE(cmascope::PlatformVariant)

namespace {

/// test::onePool plus a size-0 region "sys" (requests there fall back to the system allocator).
Platform onePool(std::uint64_t pages)
{
    Platform pf = test::onePool(pages);
    Region sys;
    sys.name = "sys";
    sys.size = 0;
    pf.regions.push_back(sys);
    return pf;
}

/// Four 4-page buffers fill 16 pages; freeing the 1st and 3rd leaves two 4-page holes, so an 8-page
/// request fails on the original platform.
Scenario fragmenting()
{
    Scenario sc;
    for (const char* l : { "a", "b", "c", "d" })
        sc.allocate("video", "", 16 * KiB, l);
    sc.free("a"); // step 4
    sc.free("c"); // step 5
    sc.allocate("video", "", 32 * KiB, "e"); // step 6
    return sc;
}

std::vector<StepRecord> run(const Platform& pf, const Scenario& sc)
{
    auto v = Simulation::create(pf, sc);
    if (auto* err = std::get_if<std::string>(&v))
        qFatal("%s", err->c_str());
    Simulation& sim = std::get<Simulation>(v);
    if (!sim.run())
        qFatal("run cancelled");
    return { sim.records().begin(), sim.records().end() };
}

ReplayResult replayText(const std::string& text)
{
    const TraceData data = parseTraceText(text);
    ReplayInputs in;
    in.areaSpecs.push_back({ "a", 0x1000, 16, 0 });
    in.areaSpecs.push_back({ "b", 0x2000, 16, 0 });
    return replayTrace(data, in);
}

std::string line(int n, const char* event, const std::string& args)
{
    char buf[256];
    std::snprintf(buf, sizeof buf, "          camera-12      [000] .....     %d.%06d: %s: %s\n", 1 + n / 100,
        (n % 100) * 1000, event, args.c_str());
    return buf;
}

/// a: two 4-page buffers released by one 8-page cma_release, then 8 pages; b: 16 pages.
std::string twoAreaTrace()
{
    std::string t;
    int n = 0;
    auto alloc = [&](const char* area, unsigned count, const char* pfn) {
        t += line(n++, "cma_alloc_start", "name=" + std::string(area) + " count=" + std::to_string(count) + " align=0");
        t += line(n++, "cma_alloc_finish",
            "name=" + std::string(area) + " pfn=" + pfn + " page=0000000012345678 count=" + std::to_string(count)
                + " align=0 errorno=0");
    };
    alloc("a", 4, "0x1000");
    alloc("a", 4, "0x1004");
    t += line(n++, "cma_release", "name=a pfn=0x1000 page=0000000012345678 count=8");
    alloc("a", 8, "0x1000");
    alloc("b", 16, "0x2000");
    t += line(n++, "cma_release", "name=b pfn=0x2000 page=0000000012345678 count=16");
    return t;
}

} // namespace

class TstWhatIf : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void variantRuns_data();
    void variantRuns();
    void variantErrors_data();
    void variantErrors();
    void describe();
    void replayOneArea();
};

void TstWhatIf::variantRuns_data()
{
    QTest::addColumn<PlatformVariant>("variant");
    QTest::addColumn<QList<int>>("changedSteps");
    QTest::addColumn<int>("nowSucceed");
    QTest::addColumn<int>("nowFail");
    QTest::addColumn<int>("peakAfter"); // pages, region r

    QTest::newRow("unchanged") << PlatformVariant {} << QList<int> {} << 0 << 0 << 16;
    PlatformVariant bigger;
    bigger.region = 0;
    bigger.sizeBytes = 24 * 4096;
    QTest::newRow("24 pages: the 8-page request fits after the four") << bigger << QList<int> { 6 } << 1 << 0 << 16;
    PlatformVariant smaller;
    smaller.region = 0;
    smaller.sizeBytes = 12 * 4096;
    // d no longer fits; after a and c go, the holes are still 4 pages each.
    QTest::newRow("12 pages: d fails") << smaller << QList<int> { 3 } << 0 << 1 << 12;
    PlatformVariant coarse;
    coarse.orderPerBit = 3; // every region: each 4-page buffer takes an 8-page bit
    // a and b take all 16 pages, c and d fail, freeing a leaves 8 pages: e fits.
    QTest::newRow("order_per_bit 3: c, d fail, e fits") << coarse << QList<int> { 2, 3, 6 } << 1 << 2 << 16;
}

void TstWhatIf::variantRuns()
{
    QFETCH(PlatformVariant, variant);
    QFETCH(QList<int>, changedSteps);
    QFETCH(int, nowSucceed);
    QFETCH(int, nowFail);
    QFETCH(int, peakAfter);
    const Platform pf = onePool(16);
    const Scenario sc = fragmenting();
    const auto before = run(pf, sc);
    QCOMPARE(before[6].outcome, Outcome::Failed);
    auto applied = applyVariant(pf, variant);
    if (const auto* err = std::get_if<std::string>(&applied))
        QFAIL(err->c_str());
    const Platform& variantPf = std::get<Platform>(applied);
    QCOMPARE(variantPf.regions[1].size, 0u); // the size-0 region is never resized
    const auto after = run(variantPf, sc);
    const RunComparison c = compareRuns(before, after, variantPf.regions.size());
    QCOMPARE(c.requests, 5u);
    QCOMPARE(c.failedBefore, 1u);
    QCOMPARE(int(c.nowSucceed), nowSucceed);
    QCOMPARE(int(c.nowFail), nowFail);
    QCOMPARE(c.failedAfter, 1u - nowSucceed + nowFail);
    QList<int> steps;
    for (const auto& ch : c.changes) {
        steps << int(ch.step);
        QVERIFY((ch.before == Outcome::Failed) != (ch.after == Outcome::Failed));
        if (ch.after == Outcome::Failed)
            QVERIFY(ch.refusalAfter != Refusal::None);
    }
    QCOMPARE(steps, changedSteps);
    QCOMPARE(c.peakUsedBefore.at(0), 16u);
    QCOMPARE(int(c.peakUsedAfter.at(0)), peakAfter);
}

void TstWhatIf::variantErrors_data()
{
    QTest::addColumn<PlatformVariant>("variant");
    QTest::addColumn<QString>("error");
    PlatformVariant badRegion;
    badRegion.region = 7;
    badRegion.policy = PolicyKind::BestFit2010;
    QTest::newRow("no such region") << badRegion << QStringLiteral("only 2 regions");
    PlatformVariant oddSize;
    oddSize.region = 0;
    oddSize.sizeBytes = 5000;
    QTest::newRow("size not in pages") << oddSize << QStringLiteral("multiple of the page size");
    PlatformVariant sizeZero;
    sizeZero.region = 1;
    sizeZero.policy = PolicyKind::Buddy;
    QTest::newRow("size-0 region") << sizeZero << QStringLiteral("system allocator");
    PlatformVariant opb;
    opb.orderPerBit = 21;
    QTest::newRow("order_per_bit too big") << opb << QStringLiteral("0 to 20");
}

void TstWhatIf::variantErrors()
{
    QFETCH(PlatformVariant, variant);
    QFETCH(QString, error);
    const auto applied = applyVariant(onePool(16), variant);
    const auto* err = std::get_if<std::string>(&applied);
    QVERIFY(err);
    QVERIFY2(QString::fromStdString(*err).contains(error), err->c_str());
}

void TstWhatIf::describe()
{
    const Platform pf = onePool(16);
    PlatformVariant v;
    QCOMPARE(describeVariant(pf, v), std::string("every region: unchanged"));
    v.region = 0;
    v.policy = PolicyKind::BestFit2010;
    v.sizeBytes = 24 * MiB;
    QCOMPARE(describeVariant(pf, v), std::string("r: policy bf, size 24 MiB"));
}

void TstWhatIf::replayOneArea()
{
    const ReplayResult r = replayText(twoAreaTrace());
    QVERIFY2(r.error.empty(), r.error.c_str());
    QCOMPARE(r.requested, 4u);
    QCOMPARE(r.matched, r.compared);

    // Area a at 8 pages: its two buffers are given back by the one release spanning both, so the
    // 8-page request still fits. b is not touched.
    auto spec = parseWhatIfSpec("pages=8,area=a");
    QVERIFY(std::holds_alternative<WhatIfSpec>(spec));
    WhatIfResult w = runWhatIf(r, std::get<WhatIfSpec>(spec));
    QVERIFY2(w.error.empty(), w.error.c_str());
    QCOMPARE(w.requests, 4u);
    QCOMPARE(w.nowFail, 0u);
    QVERIFY(w.changes.empty());

    // Every area at 8 pages: b's 16-page request fails.
    w = runWhatIf(r, std::get<WhatIfSpec>(parseWhatIfSpec("pages=8")));
    QCOMPARE(w.nowFail, 1u);
    QCOMPARE(w.changes.size(), std::size_t(1));
    QCOMPARE(r.areas[r.requests[w.changes[0].request].area].area.name, std::string("b"));

    // Area a at 6 pages: the second buffer no longer fits, and the 8-page request fails.
    w = runWhatIf(r, std::get<WhatIfSpec>(parseWhatIfSpec("pages=6,area=a")));
    QCOMPARE(w.nowFail, 2u);

    w = runWhatIf(r, std::get<WhatIfSpec>(parseWhatIfSpec("area=nope")));
    QVERIFY(QString::fromStdString(w.error).contains(QStringLiteral("no area named nope")));
    QVERIFY(std::holds_alternative<std::string>(parseWhatIfSpec("area=")));
}

QTEST_APPLESS_MAIN(TstWhatIf)
#include "tst_whatif.moc"
