// SPDX-License-Identifier: GPL-2.0-or-later
// The textbook demo (resources/demos/textbook-fits.json): the same allocs and frees on a 64-page heap under
// every policy, each landing where the policy's textbook rule puts it (the answers of the lesson's questions).
// The project runs first fit; the others are variants (applyVariant(), docs/compare.md), as in the Compare pane.
#include "../../support/demos.h"

#include <cmascope/plan/whatif.h>

#include <QTest>

using namespace cmascope;
using namespace cmascope::test;

namespace {
constexpr int kFails = -1;
// The request steps: A..F fill the heap, G, H, I after the frees of A, C, E; J after the free of B; K last.
constexpr std::size_t kA = 1, kF = 6, kG = 12, kH = 13, kI = 14, kJ = 16, kK = 17;
} // namespace

Q_DECLARE_METATYPE(std::vector<int>)

class TestDemosTextbook : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theProjectRunsFirstFit();
    void everyPolicyLandsWhereTheTextbookSays_data();
    void everyPolicyLandsWhereTheTextbookSays();
    void worstFitFailsFromFragmentation();
    void buddyRoundsUp();
};

void TestDemosTextbook::theProjectRunsFirstFit()
{
    const Project p = demoProject("textbook-fits.json");
    QCOMPARE(p.platform.regions.size(), std::size_t(1));
    QCOMPARE(p.platform.regions[0].size, std::uint64_t(64 * 4096));
    QCOMPARE(p.platform.regions[0].policy, PolicyKind::FirstFit);
    const Scenario& sc = p.scenarios.at(0);
    QCOMPARE(sc.steps.size(), std::size_t(18));
    for (const std::size_t step : { kF, std::size_t(10), kG, kI, kJ, kK })
        QVERIFY2(sc.lesson->noteAt(step), qPrintable(QStringLiteral("no note on step %1").arg(step)));
}

void TestDemosTextbook::everyPolicyLandsWhereTheTextbookSays_data()
{
    // Page offsets of the requests from the heap's start (kFails: refused): A B C D E F | G H I J K.
    QTest::addColumn<QString>("policy");
    QTest::addColumn<std::vector<int>>("fill");
    QTest::addColumn<std::vector<int>>("after");
    const std::vector<int> packed { 0, 8, 20, 26, 36, 40 };
    QTest::newRow("first fit") << "first-fit" << packed << std::vector<int> { 0, 5, 20, 8, 56 };
    QTest::newRow("next fit") << "next-fit" << packed << std::vector<int> { 56, 61, 0, 6, 16 };
    QTest::newRow("best fit (bf)") << "bf" << packed << std::vector<int> { 20, 36, 0, 6, 56 };
    QTest::newRow("worst fit") << "worst-fit" << packed << std::vector<int> { 0, 56, 20, 5, kFails };
    QTest::newRow("buddy") << "buddy" << std::vector<int> { 0, 16, 8, 32, 48, kFails }
                           << std::vector<int> { 0, 8, 48, 16, 56 };
    QTest::newRow("kernel bitmap") << "kernel" << packed << std::vector<int> { 0, 5, 20, 8, 56 };
}

void TestDemosTextbook::everyPolicyLandsWhereTheTextbookSays()
{
    QFETCH(QString, policy);
    QFETCH(std::vector<int>, fill);
    QFETCH(std::vector<int>, after);
    const Project p = demoProject("textbook-fits.json");
    PlatformVariant variant;
    variant.policy = policyFromId(policy.toStdString());
    QVERIFY(variant.policy);
    auto applied = applyVariant(p.platform, variant);
    QVERIFY(std::holds_alternative<Platform>(applied));
    const Simulation sim = placedAndRan(std::get<Platform>(applied), p.scenarios.at(0));
    const auto landed = [&](std::size_t step) {
        const StepRecord& r = sim.records().at(step);
        return r.outcome == Outcome::Allocated ? int(r.offset) : kFails;
    };
    std::vector<int> gotFill, gotAfter;
    for (std::size_t s = kA; s <= kF; ++s)
        gotFill.push_back(landed(s));
    for (const std::size_t s : { kG, kH, kI, kJ, kK })
        gotAfter.push_back(landed(s));
    QCOMPARE(gotFill, fill);
    QCOMPARE(gotAfter, after);
    for (const auto& r : sim.records())
        QVERIFY(r.outcome != Outcome::FreeUnknown);
}

void TestDemosTextbook::worstFitFailsFromFragmentation()
{
    const Project p = demoProject("textbook-fits.json");
    PlatformVariant variant;
    variant.policy = PolicyKind::WorstFit;
    const Simulation sim = placedAndRan(std::get<Platform>(applyVariant(p.platform, variant)), p.scenarios[0]);
    QCOMPARE(failedSteps(sim), std::vector<std::size_t> { kK });
    QCOMPARE(sim.records()[kK].refusal, Refusal::Fragmented);
    const Diagnosis d = sim.diagnose(kK);
    QCOMPARE(d.attempts.at(0).freePages, std::uint64_t(14)); // enough pages...
    QCOMPARE(d.attempts[0].largestFree, std::uint64_t(5)); // ...but not in one run
}

void TestDemosTextbook::buddyRoundsUp()
{
    // A 8 + B 16 + C 8 + D 16 + E 4 = 52 pages for 50 asked: F's 16 pages do not exist.
    const Project p = demoProject("textbook-fits.json");
    PlatformVariant variant;
    variant.policy = PolicyKind::Buddy;
    const Simulation sim = placedAndRan(std::get<Platform>(applyVariant(p.platform, variant)), p.scenarios[0]);
    QCOMPARE(failedSteps(sim), std::vector<std::size_t> { kF });
    QCOMPARE(sim.records()[kF].refusal, Refusal::NotEnoughFree);
    QCOMPARE(sim.records()[kF - 1].usedPages, 52U);
    // Under first fit every request fits, K in the last hole.
    QCOMPARE(failedSteps(demoRun("textbook-fits.json")), std::vector<std::size_t> {});
}

QTEST_GUILESS_MAIN(TestDemosTextbook)
#include "tst_demos_textbook.moc"
