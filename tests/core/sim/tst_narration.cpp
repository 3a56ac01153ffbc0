// SPDX-License-Identifier: GPL-2.0-or-later
// Step narration (docs/teaching.md#narration): for each policy, a 32-page region with three holes of different
// sizes where the policies choose differently; the sentence must name the hole the policy took and its reason.
// Also a free that merges both sides, a failure and the map rule line.
#include "support/platforms.h"
#include "support/simulations.h"

#include <cmascope/sim/narration.h>
#include <cmascope/util/units.h>

#include <QTest>

using namespace cmascope;

namespace {

/// All the narration's sentences on one line each, for messages and matching.
std::string joined(const StepNarration& n)
{
    std::string s = n.headline;
    for (const auto& line : n.lines)
        s += "\n" + line;
    return s;
}

/// Region r (onePool(32), at 0x1000000) with pages [0,2), [6,8) and [11,12) held by firmware (Place steps), so
/// the free holes are A = [2,6) 4 pages, B = [8,11) 3 pages, C = [12,32) 20 pages. Step 3 "pre" asks for 5 pages
/// (only C holds them); step 4 optionally pins page 8; the last step "x" asks for @p pages pages at @p alignBytes.
Scenario holesScenario(std::uint64_t pages, std::uint64_t alignBytes, bool pin)
{
    Scenario sc;
    sc.place(0, 0, 2, "fw", "fw0");
    sc.place(0, 6, 2, "fw", "fw1");
    sc.place(0, 11, 1, "fw", "fw2");
    sc.allocate("video", "", 5 * 4 * KiB, "pre");
    if (pin)
        sc.pin(0, 8, 1);
    sc.allocate("video", "", pages * 4 * KiB, "x", alignBytes);
    return sc;
}

} // namespace

class TestNarration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void policyChoice_data();
    void policyChoice();
    void freeMergesBothSides();
    void failureSaysWhy();
    void mapRuleLine();
    void kernelRefusalWithRoom();
};

void TestNarration::policyChoice_data()
{
    QTest::addColumn<PolicyKind>("policy");
    QTest::addColumn<quint64>("pages");
    QTest::addColumn<quint64>("alignBytes");
    QTest::addColumn<bool>("pin");
    QTest::addColumn<QString>("choice");
    QTest::addColumn<QString>("placed");
    // The bitmap search from the region's start: A has no 4-page-aligned window of 3 pages, B at page 8 has.
    QTest::newRow("kernel") << PolicyKind::Kernel << quint64(3) << quint64(16 * KiB) << false
                            << "r (kernel bitmap): bitmap_find_next_zero_area_off() scans the bitmap from the region's "
                               "start for the first free window of 3 bits (one bit per page) aligned to 4 pages, in "
                               "the hole 12 KiB at 0x1008000."
                            << "Placed at 0x1008000 (12 KiB); it fills the hole exactly.";
    // Page 8 pinned: the window at bit 8 is busy, the search resumes at bit + mask + 1 = 12 and finds bit 20.
    QTest::newRow("kernel busy") << PolicyKind::Kernel << quint64(3) << quint64(16 * KiB) << true
                                 << "in the hole 60 KiB at 0x1011000; alloc_contig_range() found 1 earlier window busy "
                                    "(pinned pages) and the search retried 1 time at bit + mask + 1."
                                 << "Placed at 0x1014000 (12 KiB); 12 KiB stays free before it and 36 KiB stays free "
                                    "after it.";
    QTest::newRow("bf") << PolicyKind::BestFit2010 << quint64(3) << quint64(0) << false
                        << "r (best fit, 2010): the smallest hole that fits is 12 KiB at 0x1008000; the chunk goes at "
                           "the hole's start."
                        << "Placed at 0x1008000 (12 KiB); it fills the hole exactly.";
    // 6 pages aligned to 2: B is too small, C' = [17,32) has its first even page at 18; the 8 pages left after
    // [18,24) are a multiple of the alignment, so __cma_bf_hole_take() slides the chunk to the end, [26,32).
    QTest::newRow("bf slide") << PolicyKind::BestFit2010 << quint64(6) << quint64(8 * KiB) << false
                              << "r (best fit, 2010): the smallest hole that fits is 60 KiB at 0x1011000; the chunk "
                                 "slides to the end of the hole so one hole remains."
                              << "Placed at 0x101a000 (24 KiB); 36 KiB stays free before it.";
    QTest::newRow("first-fit")
        << PolicyKind::FirstFit << quint64(3) << quint64(0) << false
        << "r (first fit): scanning from the region's start, the lowest hole that fits is 16 KiB "
           "at 0x1002000, the first hole."
        << "Placed at 0x1002000 (12 KiB); 4 KiB stays free after it.";
    // "pre" went to C at page 12 and left the rover at page 17.
    QTest::newRow("next-fit") << PolicyKind::NextFit << quint64(3) << quint64(0) << false
                              << "r (next fit): the search starts where the last one stopped, at 0x1011000, and takes "
                                 "the first hole from there that fits: 60 KiB at 0x1011000."
                              << "Placed at 0x1011000 (12 KiB); 48 KiB stays free after it.";
    QTest::newRow("worst-fit") << PolicyKind::WorstFit << quint64(3) << quint64(0) << false
                               << "r (worst fit): the largest hole that holds it aligned is 60 KiB at 0x1011000 (ties: "
                                  "the lowest address); the chunk goes at its first aligned page."
                               << "Placed at 0x1011000 (12 KiB); 48 KiB stays free after it.";
    // "pre" (order 3) split the order-4 block at 16; the order-2 block [12,16) is free and taken whole.
    QTest::newRow("buddy") << PolicyKind::Buddy << quint64(3) << quint64(0) << false
                           << "r (buddy): 3 pages round up to an order-2 block (4 pages); the smallest free order that "
                              "serves it is 2, the block at 0x100c000, taken whole."
                           << "Placed at 0x100c000 (16 KiB); it fills the hole exactly.";
    QTest::newRow("tlsf")
        << PolicyKind::Tlsf << quint64(3) << quint64(0) << false
        << "r (TLSF): good fit: 3 pages (the request plus alignment slack) round up to the size class "
           "of 3 pages, and the newest block of the first non-empty list at or above it is the hole "
           "12 KiB at 0x1008000; the chunk goes at its first aligned page."
        << "Placed at 0x1008000 (12 KiB); it fills the hole exactly.";
}

void TestNarration::policyChoice()
{
    QFETCH(PolicyKind, policy);
    QFETCH(quint64, pages);
    QFETCH(quint64, alignBytes);
    QFETCH(bool, pin);
    QFETCH(QString, choice);
    QFETCH(QString, placed);
    const Simulation sim = test::ranSimulation(test::onePool(32, policy), holesScenario(pages, alignBytes, pin));
    const std::size_t last = sim.stepCount() - 1;
    QCOMPARE(sim.records()[last].outcome, Outcome::Allocated);
    const StepNarration n = narrate(sim, last);
    QCOMPARE(n.headline,
        "video asks for " + sizeText(pages * 4 * KiB) + (alignBytes ? " aligned to " + sizeText(alignBytes) : "")
            + ".");
    const std::string all = joined(n);
    QVERIFY2(all.find(choice.toStdString()) != std::string::npos, all.c_str());
    QVERIFY2(all.find(placed.toStdString()) != std::string::npos, all.c_str());
    QVERIFY2(all.find("Free space in r: ") != std::string::npos, all.c_str());
    // The one-line outcome (the compare pane's maps) is the policy's choice.
    QVERIFY2(n.outcome.find(choice.toStdString()) != std::string::npos, n.outcome.c_str());
}

void TestNarration::freeMergesBothSides()
{
    Scenario sc;
    for (const char* label : { "c0", "c1", "c2", "c3" })
        sc.allocate("video", "", 8 * KiB, label);
    sc.free("c0");
    sc.free("c2");
    sc.free("c1");
    const Simulation sim = test::ranSimulation(test::onePool(32, PolicyKind::FirstFit), std::move(sc));
    const StepNarration n = narrate(sim, 6);
    QCOMPARE(n.headline, std::string("'c1' (8 KiB at 0x1002000 in r) is freed."));
    QCOMPARE(n.lines.size(), std::size_t(2));
    QCOMPARE(n.lines[0],
        std::string("It merges with the free hole before it (8 KiB) and after it (8 KiB) into one 24 "
                    "KiB hole."));
    QCOMPARE(n.outcome, n.lines[0]);
    QCOMPARE(n.lines[1],
        std::string("Free space in r: 120 KiB in 2 holes, largest 96 KiB (was 112 KiB in 3 holes, "
                    "largest 96 KiB)."));
    // The first free has no free neighbour.
    QCOMPARE(narrate(sim, 4).lines.at(0), std::string("No free neighbour: it becomes a hole of its own."));
}

void TestNarration::failureSaysWhy()
{
    const Project p = test::fragmentedProject();
    const Simulation sim = test::ranSimulation(p.platform, p.scenarios[0]);
    QCOMPARE(sim.records()[7].outcome, Outcome::Failed);
    const StepNarration n = narrate(sim, 7);
    const std::string all = joined(n);
    QVERIFY2(all.find("r: needs 32 KiB (8 pages, aligned to 32 KiB); 32 KiB free in 2 runs") != std::string::npos
            || all.find("r: needs 32 KiB (8 pages); 32 KiB free in 2 runs") != std::string::npos,
        all.c_str());
    QVERIFY2(all.find(": fragmented") != std::string::npos, all.c_str());
    QCOMPARE(n.lines.back(), std::string("Refused: video/b asked for 32 KiB: every region refused (1 tried)."));
    QCOMPARE(n.outcome, n.lines.back());
    QVERIFY(narrate(sim, 0).outcome.empty()); // a phase: the headline says it
}

void TestNarration::mapRuleLine()
{
    const Project p = test::fragmentedProject();
    const Simulation sim = test::ranSimulation(p.platform, p.scenarios[0]);
    const StepNarration n = narrate(sim, 1);
    QCOMPARE(n.headline, std::string("video/a asks for 16 KiB."));
    QVERIFY(!n.lines.empty());
    QVERIFY2(n.lines[0].rfind("Map: ", 0) == 0, n.lines[0].c_str());
    QVERIFY2(n.lines[0].find("rule #1 'video/*=r'") != std::string::npos, n.lines[0].c_str());
    QVERIFY2(n.lines[0].find("-> r.") != std::string::npos, n.lines[0].c_str());
    QCOMPARE(narrate(sim, 0).headline, std::string("Phase: fill."));
    // From a state walked forward (as the CLI does), the same sentences; from a state at another step, none.
    SimState walked = sim.stateAt(0);
    sim.advance(walked, 1);
    QCOMPARE(narrate(sim, 1, walked).lines, n.lines);
    QVERIFY(narrate(sim, 2, walked).headline.empty());
}

void TestNarration::kernelRefusalWithRoom()
{
    // A trace's refused request (cma_alloc gave up, -EBUSY) where the bitmap had room: the narration must say the
    // kernel refused and why that was not a lack of free pages, never that the request was placed.
    const Project p = test::fragmentedProject();
    Scenario sc;
    sc.refused(0, 4, 2, "init-145", "trace line 181");
    const Simulation sim = test::ranSimulation(p.platform, sc);
    const StepNarration n = narrate(sim, 0);
    const std::string all = joined(n);
    QCOMPARE(
        n.headline, std::string("init-145 asked for 4 pages at order 2 in a kernel trace, and the kernel refused."));
    QVERIFY2(all.find("placed") == std::string::npos, all.c_str());
    QVERIFY2(all.find("r: by its bitmap the request had room at page offset 0") != std::string::npos, all.c_str());
    QVERIFY2(all.find("not a lack of free pages") != std::string::npos, all.c_str());
    QVERIFY2(n.lines.back().rfind("Free space in r: ", 0) == 0, all.c_str());
    // Where the bitmap had no room either, that is the reason given.
    Scenario full;
    full.place(0, 0, 14, "fw", "fw");
    full.refused(0, 4, 2, "init-145", "trace line 9");
    const Simulation fullSim = test::ranSimulation(p.platform, full);
    const std::string fullText = joined(narrate(fullSim, 1));
    QVERIFY2(fullText.find("not a lack of free pages") == std::string::npos, fullText.c_str());
    QVERIFY2(fullText.find("no room by its bitmap either") != std::string::npos, fullText.c_str());
}

QTEST_GUILESS_MAIN(TestNarration)
#include "tst_narration.moc"
