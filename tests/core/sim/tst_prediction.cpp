// SPDX-License-Identifier: GPL-2.0-or-later
// Predict, then reveal (docs/teaching.md#predict-then-reveal): each verdict a guess can get, under several
// policies, on a region whose holes make the policies choose differently; the score tally; the one line for the
// steps between two questions.
#include "support/platforms.h"
#include "support/simulations.h"

#include <cmascope/sim/prediction.h>
#include <cmascope/util/units.h>

#include <QTest>

#include <stdexcept>

using namespace cmascope;

namespace {

constexpr quint64 kBase = 0x1000000; // onePool's region r

/// onePool(32) plus a second region "s" of 16 pages at 0x2000000 that no rule reaches (for a guess in the wrong
/// region). Pages [0,2), [6,8) and [11,12) of r are held by firmware, "pre" (5 pages) takes 5 pages, and the last
/// step "x" asks for @p pages pages. Before it, first fit and the kernel see A = [2,6), B = [8,11) and the rest
/// of C = [12,32) (bf's "pre" slides to C's end; worst fit's takes C's start).
Simulation holesRun(PolicyKind policy, std::uint64_t pages)
{
    Platform pf = test::onePool(32, policy);
    Region s = pf.regions[0];
    s.name = "s";
    s.size = 16 * 4096;
    s.start = 0x2000000;
    pf.regions.push_back(s);
    Scenario sc;
    sc.place(0, 0, 2, "fw", "fw0");
    sc.place(0, 6, 2, "fw", "fw1");
    sc.place(0, 11, 1, "fw", "fw2");
    sc.allocate("video", "", 5 * 4 * KiB, "pre");
    sc.phase("the question");
    sc.allocate("video", "", pages * 4 * KiB, "x");
    return test::ranSimulation(pf, std::move(sc));
}

} // namespace

class TestPrediction : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verdict_data();
    void verdict();
    void score();
    void predictableSteps();
    void badGuessesAreErrors();
    void systemAllocatorIsNoFit();
    void skippedSteps();
};

void TestPrediction::verdict_data()
{
    QTest::addColumn<PolicyKind>("policy");
    QTest::addColumn<quint64>("pages");
    QTest::addColumn<int>("region"); // -1: "it will not fit"
    QTest::addColumn<quint64>("address");
    QTest::addColumn<PredictionVerdict>("expected");
    QTest::addColumn<QString>("reason");
    const auto ff = PolicyKind::FirstFit;
    const auto bf = PolicyKind::BestFit2010;
    // First fit: 3 pages go to the lowest hole, A = [2,6): the chunk is [2,5).
    QTest::newRow("first-fit exact") << ff << quint64(3) << 0 << kBase + 0x3000 << PredictionVerdict::Exact
                                     << "Exact: 0x1003000 is inside the chunk, 0x1002000 (12 KiB) in r; first fit "
                                        "takes the lowest hole that fits, 0x1002000 (16 KiB).";
    QTest::newRow("first-fit right hole") << ff << quint64(3) << 0 << kBase + 0x5000 << PredictionVerdict::RightHole
                                          << "Right hole: first fit takes the lowest hole that fits, 0x1002000 (16 "
                                             "KiB); the chunk went to 0x1002000 (12 KiB), not at 0x1005000.";
    QTest::newRow("first-fit other hole") << ff << quint64(3) << 0 << kBase + 0x9000 << PredictionVerdict::RightRegion
                                          << "Right region, wrong hole: 0x1009000 is in the hole 0x1008000 (12 KiB);";
    QTest::newRow("first-fit page in use")
        << ff << quint64(3) << 0 << kBase << PredictionVerdict::RightRegion << "0x1000000 is on a page in use;";
    QTest::newRow("first-fit wrong region") << ff << quint64(3) << 1 << quint64(0x2000000)
                                            << PredictionVerdict::WrongRegion << "Wrong region: it went to r, not s;";
    QTest::newRow("first-fit fits after all") << ff << quint64(3) << -1 << quint64(0) << PredictionVerdict::FitAfterAll
                                              << "It fits: first fit takes the lowest hole that fits, 0x1002000 (16 "
                                                 "KiB) in r, and the chunk went to 0x1002000 (12 KiB).";
    // Best fit: the 3-page hole B = [8,11) is the smallest that fits; A is now the wrong hole.
    QTest::newRow("bf exact") << bf << quint64(3) << 0 << kBase + 0xa000 << PredictionVerdict::Exact
                              << "best fit takes the smallest hole that fits, 0x1008000 (12 KiB).";
    QTest::newRow("bf where first fit goes")
        << bf << quint64(3) << 0 << kBase + 0x2000 << PredictionVerdict::RightRegion
        << "0x1002000 is in the hole 0x1002000 (16 KiB); best fit takes the "
           "smallest hole that fits, 0x1008000 (12 KiB)";
    // Worst fit: the largest hole, the rest of C = [17,32); a guess at its far end is the right hole.
    QTest::newRow("worst-fit right hole")
        << PolicyKind::WorstFit << quint64(3) << 0 << kBase + 0x1f000 << PredictionVerdict::RightHole
        << "worst fit takes the largest hole, "
           "0x1011000 (60 KiB)";
    QTest::newRow("kernel exact") << PolicyKind::Kernel << quint64(3) << 0 << kBase + 0x2000 << PredictionVerdict::Exact
                                  << "the kernel's bitmap search takes the lowest free window";
    // 16 pages: no hole holds them (the largest is 15 pages).
    QTest::newRow("bf right failure") << bf << quint64(16) << -1 << quint64(0) << PredictionVerdict::RightFailure
                                      << "Right: it does not fit — r: fragmented.";
    QTest::newRow("first-fit did not fit") << ff << quint64(16) << 0 << kBase + 0x11000 << PredictionVerdict::DidNotFit
                                           << "It does not fit — r: fragmented.";
    QTest::newRow("worst-fit too much") << PolicyKind::WorstFit << quint64(40) << -1 << quint64(0)
                                        << PredictionVerdict::RightFailure << "r: larger than the region";
}

void TestPrediction::verdict()
{
    QFETCH(PolicyKind, policy);
    QFETCH(quint64, pages);
    QFETCH(int, region);
    QFETCH(quint64, address);
    QFETCH(PredictionVerdict, expected);
    QFETCH(QString, reason);
    const Simulation sim = holesRun(policy, pages);
    const std::size_t last = sim.stepCount() - 1;
    const PredictionGuess guess =
        region < 0 ? PredictionGuess::willNotFit() : PredictionGuess::at(std::uint16_t(region), address);
    const PredictionJudgement j = judgePrediction(sim, last, guess);
    QVERIFY2(j.verdict == expected, j.reason.c_str());
    QVERIFY2(j.reason.find(reason.toStdString()) != std::string::npos, j.reason.c_str());
    QCOMPARE(j.step, last);
    QCOMPARE(j.right(), isRightVerdict(expected));
    QCOMPARE(j.placed, sim.records()[last].outcome == Outcome::Allocated);
    if (j.placed) {
        QCOMPARE(j.chunkBytes, pages * 4096);
        QVERIFY(j.chunkAddress >= j.holeAddress && j.chunkAddress + j.chunkBytes <= j.holeAddress + j.holeBytes);
    }
}

void TestPrediction::score()
{
    const Simulation sim = holesRun(PolicyKind::FirstFit, 3);
    const std::size_t last = sim.stepCount() - 1;
    PredictionScore s;
    QCOMPARE(s.text(), std::string("No questions answered yet"));
    s.add(judgePrediction(sim, last, PredictionGuess::at(0, kBase + 0x2000))); // exact
    s.add(judgePrediction(sim, last, PredictionGuess::at(0, kBase + 0x5000))); // right hole
    s.add(judgePrediction(sim, last, PredictionGuess::at(0, kBase + 0x9000))); // wrong hole
    s.add(judgePrediction(sim, last, PredictionGuess::willNotFit())); // it fit
    const Simulation failing = holesRun(PolicyKind::FirstFit, 16);
    s.add(judgePrediction(failing, failing.stepCount() - 1, PredictionGuess::willNotFit())); // right failure
    QCOMPARE(s.asked, 5u);
    QCOMPARE(s.right, 3u);
    QCOMPARE(s.exact, 1u);
    QCOMPARE(s.text(), std::string("3 of 5 right, 1 exact"));
}

void TestPrediction::predictableSteps()
{
    const Simulation sim = holesRun(PolicyKind::FirstFit, 3);
    // Steps: 0-2 place (fixed placements, nothing to predict), 3 "pre", 4 phase, 5 "x".
    QVERIFY(!isPredictable(sim, 0));
    QVERIFY(isPredictable(sim, 3));
    QVERIFY(!isPredictable(sim, 4));
    QVERIFY(isPredictable(sim, 5));
    QVERIFY(!isPredictable(sim, 6));
    QCOMPARE(nextPredictable(sim, 0), std::optional<std::size_t>(3));
    QCOMPARE(nextPredictable(sim, 4), std::optional<std::size_t>(5));
    QCOMPARE(nextPredictable(sim, 6), std::nullopt);
}

void TestPrediction::badGuessesAreErrors()
{
    const Simulation sim = holesRun(PolicyKind::FirstFit, 3);
    try {
        judgePrediction(sim, 4, PredictionGuess::willNotFit());
        QFAIL("a phase step was judged");
    } catch (const std::invalid_argument& e) {
        QCOMPARE(std::string(e.what()), std::string("step 4 is not a recorded request"));
    }
    try {
        judgePrediction(sim, 5, PredictionGuess::at(7, kBase));
        QFAIL("a guess in a region that does not exist was judged");
    } catch (const std::invalid_argument& e) {
        QCOMPARE(std::string(e.what()), std::string("guess: region 7 does not exist"));
    }
}

// A size-0 region hands its requests to the system allocator (Verkuil's proposal, docs/cma2010.md): no CMA region
// placed the chunk, so "it will not fit" is right and an address is not.
void TestPrediction::systemAllocatorIsNoFit()
{
    const Platform pf = test::poolWithSystemFallback();
    Scenario sc;
    sc.allocate("ivtv", "", 1 * MiB, "small");
    const Simulation sim = test::ranSimulation(pf, std::move(sc));
    QCOMPARE(sim.records()[0].outcome, Outcome::AllocatedFallback);
    const PredictionJudgement noFit = judgePrediction(sim, 0, PredictionGuess::willNotFit());
    QCOMPARE(noFit.verdict, PredictionVerdict::RightFailure);
    QCOMPARE(
        noFit.reason, std::string("Right: it does not fit — no CMA region placed it: the system allocator served it."));
    QVERIFY(!noFit.placed);
    QCOMPARE(judgePrediction(sim, 0, PredictionGuess::at(0, kBase)).verdict, PredictionVerdict::DidNotFit);
}

void TestPrediction::skippedSteps()
{
    const Simulation sim = holesRun(PolicyKind::FirstFit, 3);
    QCOMPARE(skippedStepsText(sim, 0, 3), std::string("Steps 0–2 applied: 3 places."));
    QCOMPARE(skippedStepsText(sim, 4, 5), std::string("Step 4 applied: 1 phase ('the question')."));
    QCOMPARE(skippedStepsText(sim, 5, 5), std::string());
}

QTEST_GUILESS_MAIN(TestPrediction)
#include "tst_prediction.moc"
