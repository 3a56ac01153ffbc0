// SPDX-License-Identifier: GPL-2.0-or-later
#include "support/platforms.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/sim/simulator.h>

#include <QTest>

#include <atomic>
#include <latch>
#include <memory>
#include <random>
#include <thread>

using namespace cmascope;
using cmascope::test::onePool;

namespace {

/// One bank, one fixed kernel-policy region of @p pages pages at PFN 0x1000, rule "video=r".
Simulation make(const Platform& pf, Scenario sc, SimulationOptions opt = {})
{
    auto v = Simulation::create(pf, std::move(sc), opt);
    if (auto* err = std::get_if<std::string>(&v))
        qFatal("%s", err->c_str());
    return std::move(std::get<Simulation>(v));
}

/// Everything stateAt() reconstructs, compared field by field.
bool sameState(const SimState& a, const SimState& b)
{
    if (a.position != b.position || a.chunksCreated != b.chunksCreated || a.liveByLabel != b.liveByLabel
        || a.regions.size() != b.regions.size())
        return false;
    for (std::size_t i = 0; i < a.regions.size(); ++i) {
        const auto& x = a.regions[i];
        const auto& y = b.regions[i];
        if (!(x.occupancy == y.occupancy) || x.live != y.live || x.pinned != y.pinned || x.liveBytes != y.liveBytes
            || x.livePages != y.livePages)
            return false;
    }
    return true;
}

/// A diagnosis as one text: the summary, the map's words and every attempt's answer and verdict.
std::string diagnosisText(const Diagnosis& dg)
{
    std::string text = dg.summary + "|" + dg.mapSummary + "|" + std::to_string(dg.bytes);
    for (const auto& line : dg.mapTrail)
        text += "|" + line;
    for (const auto& a : dg.attempts)
        text += "|" + a.region + ":" + std::to_string(a.result.ok) + ":" + std::to_string(a.result.offset) + ":"
            + std::to_string(int(a.result.refusal)) + ":" + std::to_string(a.freePages) + ":"
            + std::to_string(a.largestAligned) + ":" + std::to_string(a.extfragIndex) + ":" + a.verdict;
    return text;
}

} // namespace

class TestSimulator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void handComputedKernelRun();
    void noRuleMatches();
    void fragmentedDiagnosis();
    void notEnoughMemoryDiagnosis();
    void pinnedPagesCauseBusyRetries();
    void fallbackRegion();
    void placeAndPartialRelease();
    void releaseSpanningChunks();
    void resetFreesEverything();
    void unknownFree();
    void refusedRequestFromATrace();
    void alignmentIsNotFragmentation();
    void stateAtMatchesSteppingFromZero_data();
    void stateAtMatchesSteppingFromZero();
    void summaryFigures();
    void rejectsUnplacedRegion();
    void regionThatFailedToReserveDoesNotExist_data();
    void regionThatFailedToReserveDoesNotExist();
    void absurdRequestSizeDoesNotWrap();
    void extfragWordsAgreeWithTheVerdict();
    void constMembersAreSafeFromManyThreads();
};

void TestSimulator::handComputedKernelRun()
{
    Scenario sc;
    sc.allocate("video", "", 16 * KiB, "A"); // 4 pages at 0
    sc.allocate("video", "", 32 * KiB, "B", 32 * KiB); // 8 pages, order 3: first zero 4 -> aligned 8
    sc.free("A");
    sc.allocate("video", "", 16 * KiB, "C"); // first fit: back at 0
    auto sim = make(onePool(64), sc);
    QVERIFY(sim.run());
    const auto& rec = sim.records();
    QCOMPARE(rec.size(), std::size_t(4));
    QCOMPARE(rec[0].outcome, Outcome::Allocated);
    QCOMPARE(rec[0].offset, 0u);
    QCOMPARE(rec[1].offset, 8u);
    QCOMPARE(rec[1].pages, 8u);
    QCOMPARE(rec[1].usedPages, 12u);
    QCOMPARE(rec[1].freeRuns, 2u); // [4,8) and [16,64)
    QCOMPARE(rec[1].largestFree, 48u);
    QCOMPARE(rec[2].outcome, Outcome::Freed);
    QCOMPARE(rec[2].chunk, rec[0].chunk);
    QCOMPARE(rec[2].usedPages, 8u);
    QCOMPARE(rec[3].offset, 0u);
    QCOMPARE(sim.chunks().size(), std::size_t(3));
    QCOMPARE(sim.chunks()[0].diedStep, 2u);
    QCOMPARE(sim.chunks()[2].bornStep, 3u);
}

void TestSimulator::noRuleMatches()
{
    Scenario sc;
    sc.allocate("camera", "", 16 * KiB, "x");
    auto sim = make(onePool(64), sc);
    QVERIFY(sim.run());
    QCOMPARE(sim.records()[0].outcome, Outcome::Failed);
    QCOMPARE(sim.records()[0].region, kNoRegion);
    const auto dg = sim.diagnose(0);
    QVERIFY(!dg.succeeded);
    QVERIFY(dg.attempts.empty());
    QVERIFY2(QString::fromStdString(dg.summary).contains(QStringLiteral("no region")), dg.summary.c_str());
}

void TestSimulator::fragmentedDiagnosis()
{
    Scenario sc;
    for (int i = 0; i < 4; ++i)
        sc.allocate("video", "", 16 * KiB, "c" + std::to_string(i));
    sc.free("c0");
    sc.free("c2");
    sc.allocate("video", "", 32 * KiB, "big"); // 8 pages: 8 free, but in two runs of 4
    auto sim = make(onePool(16), sc);
    QVERIFY(sim.run());
    const auto& r = sim.records().back();
    QCOMPARE(r.outcome, Outcome::Failed);
    QCOMPARE(r.refusal, Refusal::Fragmented);
    const auto dg = sim.diagnose(6);
    QCOMPARE(dg.attempts.size(), std::size_t(1));
    const auto& a = dg.attempts[0];
    QCOMPARE(a.region, std::string("r"));
    QCOMPARE(a.neededPages, std::uint64_t(8));
    QCOMPARE(a.freePages, std::uint64_t(8));
    QCOMPARE(a.largestFree, std::uint64_t(4));
    // Two order-2 blocks, order-3 request: 1000 - (1000 + 8000/8) / 2 = 0 (lack of memory).
    QCOMPARE(a.extfragIndex, 0);
    QVERIFY2(QString::fromStdString(a.verdict).contains(QStringLiteral("fragmented")), a.verdict.c_str());
}

void TestSimulator::notEnoughMemoryDiagnosis()
{
    Scenario sc;
    sc.allocate("video", "", 48 * KiB, "a"); // 12 of 16 pages
    sc.allocate("video", "", 32 * KiB, "b"); // 8 > 4 available
    auto sim = make(onePool(16), sc);
    QVERIFY(sim.run());
    QCOMPARE(sim.records()[1].refusal, Refusal::NotEnoughFree);
    const auto dg = sim.diagnose(1);
    QVERIFY2(QString::fromStdString(dg.attempts.at(0).verdict).contains(QStringLiteral("not enough memory")),
        dg.attempts.at(0).verdict.c_str());
    QVERIFY(!sim.diagnose(0).attempts.empty());
    QVERIFY(sim.diagnose(0).succeeded);
}

void TestSimulator::pinnedPagesCauseBusyRetries()
{
    Scenario sc;
    sc.pin(0, 0, 2);
    sc.allocate("video", "", 16 * KiB, "x"); // windows [0,4) and [1,5) are busy; [2,6) is not
    auto sim = make(onePool(64), sc);
    QVERIFY(sim.run());
    QCOMPARE(sim.records()[0].outcome, Outcome::Pinned);
    QCOMPARE(sim.records()[1].outcome, Outcome::Allocated);
    QCOMPARE(sim.records()[1].offset, 2u);
    QCOMPARE(sim.records()[1].busyRetries, 2u);
}

void TestSimulator::fallbackRegion()
{
    const Platform pf = test::poolWithSystemFallback();
    Scenario sc;
    sc.allocate("ivtv", "", 1 * MiB, "small");
    sc.allocate("ivtv", "", 8 * MiB, "huge");
    sc.free("small");
    auto sim = make(pf, sc);
    QVERIFY(sim.run());
    QCOMPARE(sim.records()[0].outcome, Outcome::AllocatedFallback);
    QCOMPARE(sim.records()[1].outcome, Outcome::Failed);
    QCOMPARE(sim.records()[1].refusal, Refusal::TooLarge);
    QCOMPARE(sim.records()[2].outcome, Outcome::Freed);
    const auto dg = sim.diagnose(1);
    QVERIFY(dg.attempts.at(0).fallbackRegion);
    QVERIFY2(QString::fromStdString(dg.attempts[0].verdict).contains(QStringLiteral("at most 4 MiB")),
        dg.attempts[0].verdict.c_str());
}

void TestSimulator::placeAndPartialRelease()
{
    Scenario sc;
    sc.place(0, 5, 10, "kworker/0:1-42");
    sc.release(0, 7, 2); // pages 7 and 8 of the chunk [5, 15)
    sc.release(0, 9, 6); // the tail piece, exactly
    sc.release(0, 30, 2); // nothing there: reported, not fatal
    sc.place(0, 4, 2, "x"); // overlaps page 5: refused
    auto sim = make(onePool(64), sc);
    QVERIFY(sim.run());
    const auto& rec = sim.records();
    QCOMPARE(rec[0].outcome, Outcome::Allocated);
    QCOMPARE(rec[1].outcome, Outcome::Freed);
    QCOMPARE(rec[1].usedPages, 8u);
    QCOMPARE(rec[1].freeRuns, 3u); // [0,5) [7,9) [15,64)
    const auto& ch = sim.chunks();
    QCOMPARE(ch.size(), std::size_t(3)); // the original and two pieces
    QCOMPARE(ch[0].diedStep, 1u);
    QCOMPARE(ch[1].offset, 5u);
    QCOMPARE(ch[1].pages, 2u);
    QCOMPARE(ch[2].offset, 9u);
    QCOMPARE(ch[2].pages, 6u);
    QCOMPARE(ch[2].originStep, 0u);
    QCOMPARE(rec[2].chunk, 2u);
    QCOMPARE(rec[2].usedPages, 2u);
    QCOMPARE(rec[3].outcome, Outcome::FreeUnknown);
    QCOMPARE(rec[4].outcome, Outcome::Failed);
}

void TestSimulator::releaseSpanningChunks()
{
    // The kernel's cma_release() clears whatever the range covers: one release may give back two
    // adjacent allocations, or one whole and part of the next, and pages around them that were free.
    Scenario sc;
    sc.place(0, 0, 4, "a-1");
    sc.place(0, 4, 6, "b-2");
    sc.place(0, 10, 5, "c-3");
    sc.place(0, 20, 4, "d-4");
    sc.release(0, 0, 10); // a and b exactly
    sc.release(0, 12, 10); // the tail of c, the free gap, and the head of d
    auto sim = make(onePool(64), sc);
    QVERIFY(sim.run());
    const auto& rec = sim.records();
    QCOMPARE(rec[4].outcome, Outcome::Freed);
    QCOMPARE(rec[4].usedPages, 9u); // c (5) + d (4)
    QCOMPARE(rec[4].chunk, 0u);
    const auto& ch = sim.chunks();
    QCOMPARE(ch[0].diedStep, 4u);
    QCOMPARE(ch[1].diedStep, 4u);
    QCOMPARE(rec[5].outcome, Outcome::Freed);
    QCOMPARE(rec[5].usedPages, 4u); // c's head [10,12) and d's tail [22,24)
    QCOMPARE(ch[2].diedStep, 5u);
    QCOMPARE(ch[3].diedStep, 5u);
    QCOMPARE(ch.size(), std::size_t(6));
    QCOMPARE(ch[4].offset, 10u);
    QCOMPARE(ch[4].pages, 2u);
    QCOMPARE(ch[5].offset, 22u);
    QCOMPARE(ch[5].pages, 2u);
    // stepping back and forth agrees with the run
    const SimState at5 = sim.stateAt(5);
    QCOMPARE(at5.regions[0].livePages, 9u);
    QCOMPARE(at5.regions[0].live.size(), std::size_t(2));
}

void TestSimulator::resetFreesEverything()
{
    Scenario sc;
    sc.allocate("video", "", 64 * KiB, "a");
    sc.pin(0, 40, 4);
    sc.reset();
    sc.allocate("video", "", 256 * KiB, "all"); // the whole region: only possible after the reset
    auto sim = make(onePool(64), sc);
    QVERIFY(sim.run());
    QCOMPARE(sim.records()[2].outcome, Outcome::Reset);
    QCOMPARE(sim.records()[2].usedPages, 0u);
    QCOMPARE(sim.records()[3].outcome, Outcome::Allocated);
    QCOMPARE(sim.chunks()[0].diedStep, 2u);
    const SimState st = sim.stateAt(3);
    QVERIFY(st.regions[0].pinned.empty());
    QVERIFY(st.liveByLabel.empty());
}

void TestSimulator::unknownFree()
{
    Scenario sc;
    sc.free("ghost");
    auto sim = make(onePool(16), sc);
    QVERIFY(sim.run());
    QCOMPARE(sim.records()[0].outcome, Outcome::FreeUnknown);
}

void TestSimulator::refusedRequestFromATrace()
{
    Scenario sc;
    sc.name = "trace";
    sc.place(0, 0, 4, "kworker/0:1-7");
    sc.place(0, 8, 4, "kworker/0:1-7");
    sc.refused(0, 8, 3, "kworker/0:1-7", "trace line 12"); // 8 pages at order 3: 8 free, no aligned window
    sc.refused(0, 20, 0, "kworker/0:1-7"); // more than the 8 free pages
    sc.refused(0, 2, 0, "kworker/0:1-7"); // a window exists: the kernel found it busy
    auto sim = make(onePool(16), sc);
    QVERIFY(sim.run());
    const auto& rec = sim.records();
    QCOMPARE(rec[2].outcome, Outcome::Failed);
    QCOMPARE(rec[2].refusal, Refusal::Fragmented);
    QCOMPARE(rec[2].usedPages, 8u); // nothing changed
    QCOMPARE(rec[3].refusal, Refusal::TooLarge);
    QCOMPARE(rec[4].refusal, Refusal::Busy);
    QCOMPARE(sim.summary().failures, std::uint64_t(3));
    const Diagnosis dg = sim.diagnose(2);
    QCOMPARE(dg.device, std::string("kworker/0:1-7"));
    QCOMPARE(dg.bytes, 8 * 4096ull);
    QCOMPARE(dg.attempts.size(), std::size_t(1));
    QCOMPARE(dg.attempts[0].neededPages, std::uint64_t(8));
    QCOMPARE(dg.attempts[0].alignOrder, 3u);
    QCOMPARE(dg.attempts[0].result.refusal, Refusal::Fragmented);
    QVERIFY2(QString::fromStdString(dg.mapSummary).contains(QStringLiteral("recorded in a kernel trace")),
        dg.mapSummary.c_str());
    QVERIFY2(QString::fromStdString(dg.summary).contains(QStringLiteral("asked for 32 KiB")), dg.summary.c_str());
    // The project format keeps refused steps.
    Project p;
    p.platform = onePool(16);
    p.scenarios.push_back(sc);
    const auto back = parseProject(serializeProject(p));
    QVERIFY2(back.ok(), back.errorText().c_str());
    const Step& s = back.project->scenarios[0].steps[2];
    QCOMPARE(s.type, StepType::Refused);
    QCOMPARE(s.size, std::uint64_t(8));
    QCOMPARE(int(s.alignLog2), 3);
}

/// A 4 MiB region at 0x1100000 (aligned to 1 MiB, not 4 MiB): 4 MiB at 4 MiB alignment fits nowhere in it, even
/// empty. The cause is the alignment, for a request and for a refusal a trace recorded, and the diagnosis says
/// so with the numbers; 1 MiB at 1 MiB alignment fits.
void TestSimulator::alignmentIsNotFragmentation()
{
    Platform pf = onePool(1024);
    pf.regions[0].start = 0x1100000;
    pf.regions[0].params.maxAlignOrder.reset(); // cma_alloc() itself: no CONFIG_CMA_ALIGNMENT cap
    Scenario sc;
    sc.allocate("video", "", 4 * MiB, "whole", 4 * MiB);
    sc.allocate("video", "", 1 * MiB, "one", 1 * MiB);
    sc.refused(0, 1024, 10, "kworker/0:1-7");
    sc.allocate("video", "", 4 * MiB, "again"); // the default alignment (order 8, 1 MiB) fits the empty region
    auto sim = make(pf, sc);
    QVERIFY(sim.run());
    const auto& rec = sim.records();
    QCOMPARE(rec[0].outcome, Outcome::Failed);
    QCOMPARE(rec[0].refusal, Refusal::Alignment);
    QCOMPARE(rec[1].outcome, Outcome::Allocated);
    QCOMPARE(rec[2].refusal, Refusal::Alignment);
    QCOMPARE(rec[3].outcome, Outcome::Failed); // 1 MiB is taken: not enough free, alignment is not the cause
    QCOMPARE(rec[3].refusal, Refusal::NotEnoughFree);
    for (const std::size_t step : { 0, 2 }) {
        const Diagnosis dg = sim.diagnose(step);
        QCOMPARE(dg.attempts.size(), std::size_t(1));
        QCOMPARE(dg.attempts[0].result.refusal, Refusal::Alignment);
        QVERIFY2(dg.attempts[0].verdict.find("the alignment, not fragmentation") != std::string::npos,
            dg.attempts[0].verdict.c_str());
        QVERIFY2(dg.attempts[0].verdict.find("0x1400") != std::string::npos, dg.attempts[0].verdict.c_str());
    }
    QCOMPARE(refusalName(Refusal::Alignment), std::string_view("alignment"));
}

void TestSimulator::stateAtMatchesSteppingFromZero_data()
{
    QTest::addColumn<int>("policy");
    for (const auto k : allPolicies())
        QTest::newRow(policyId(k).data()) << int(k);
}

void TestSimulator::stateAtMatchesSteppingFromZero()
{
    QFETCH(int, policy);
    std::mt19937 rng(42);
    Scenario sc;
    std::vector<std::string> live;
    for (int i = 0; i < 6000; ++i) {
        const auto roll = rng() % 100;
        if (roll < 55 || live.empty()) {
            const std::string label = "c" + std::to_string(i);
            sc.allocate("video", "", (1 + rng() % 64) * 4096, label, roll < 10 ? 64 * KiB : 0);
            live.push_back(label);
        } else if (roll < 97) {
            const std::size_t k = rng() % live.size();
            sc.free(live[k]);
            live.erase(live.begin() + long(k));
        } else if (roll < 99) {
            sc.pin(0, rng() % 1000, 1 + rng() % 8);
        } else {
            sc.unpin(0, 0, 1024);
        }
    }
    SimulationOptions opt;
    opt.minCheckpointInterval = 100;
    opt.maxCheckpointInterval = 400;
    auto sim = make(onePool(1024, PolicyKind(policy)), sc, opt);
    QVERIFY(sim.run());
    QVERIFY(sim.checkpointCount() > 10);
    // Walk forward once, comparing against stateAt() at random positions and the records.
    SimState walk = sim.stateAt(0);
    std::vector<std::size_t> probes;
    for (int i = 0; i < 40; ++i)
        probes.push_back(rng() % (sc.steps.size() + 1));
    std::sort(probes.begin(), probes.end());
    for (const std::size_t p : probes) {
        sim.advance(walk, p);
        const SimState jumped = sim.stateAt(p);
        QCOMPARE(jumped.position, std::uint32_t(p));
        QVERIFY(jumped.regions[0].occupancy == walk.regions[0].occupancy);
        QCOMPARE(jumped.regions[0].live, walk.regions[0].live);
        QCOMPARE(jumped.regions[0].pinned, walk.regions[0].pinned);
        if (p > 0) {
            const auto& rec = sim.records()[p - 1];
            if (rec.region == 0) {
                QCOMPARE(std::uint64_t(rec.usedPages), jumped.regions[0].occupancy.usedPages());
                QCOMPARE(std::uint64_t(rec.largestFree), jumped.regions[0].occupancy.largestRun());
            }
        }
    }
    // Backwards jumps work too.
    const SimState early = sim.stateAt(probes.front());
    QCOMPARE(early.position, std::uint32_t(probes.front()));
}

void TestSimulator::summaryFigures()
{
    Scenario sc;
    sc.allocate("video", "", 10 * KiB, "a"); // 3 pages set aside for 10 KiB: 2 KiB of rounding waste
    sc.allocate("video", "", 16 * KiB, "b");
    sc.free("a");
    sc.allocate("video", "", 1 * MiB, "too-big");
    auto sim = make(onePool(16), sc);
    QVERIFY(sim.run());
    const auto s = sim.summary();
    QCOMPARE(s.allocations, std::uint64_t(3));
    QCOMPARE(s.failures, std::uint64_t(1));
    QCOMPARE(s.frees, std::uint64_t(1));
    QCOMPARE(s.regions.size(), std::size_t(1));
    QCOMPARE(s.regions[0].peakUsedPages, std::uint64_t(7));
    QCOMPARE(s.regions[0].peakFootprintPages, std::uint64_t(7));
    QCOMPARE(s.regions[0].peakLiveBytes, std::uint64_t(26 * KiB));
    QCOMPARE(s.regions[0].internalWasteBytesAtPeak, std::uint64_t(2 * KiB));
    QCOMPARE(s.regions[0].jwFragmentation4, (28.0 - 26.0) / 26.0);
    const auto key = std::make_pair(sim.scenario().symbols.find("video"), std::uint32_t(0));
    QCOMPARE(s.byDeviceKind.at(key).requests, std::uint64_t(3));
    QCOMPARE(s.byDeviceKind.at(key).failures, std::uint64_t(1));
}

void TestSimulator::rejectsUnplacedRegion()
{
    Platform pf = onePool(16);
    pf.regions[0].placement = Placement::Dynamic;
    auto v = Simulation::create(pf, Scenario {});
    QVERIFY(std::holds_alternative<std::string>(v));
    QVERIFY(QString::fromStdString(std::get<std::string>(v)).contains(QStringLiteral("no address")));
}

void TestSimulator::regionThatFailedToReserveDoesNotExist_data()
{
    QTest::addColumn<quint64>("start"); // the fixed start of region "first"
    QTest::addColumn<QString>("why"); // part of the boot log's reason
    QTest::newRow("outside every bank") << quint64(0x90000000) << QStringLiteral("not inside any memory bank");
    QTest::newRow("overlapping") << quint64(0x1600000) << QStringLiteral("already reserved by 'second'");
    QTest::newRow("misaligned") << quint64(0x3000800) << QStringLiteral("must be aligned");
}

void TestSimulator::regionThatFailedToReserveDoesNotExist()
{
    QFETCH(quint64, start);
    QFETCH(QString, why);
    // Bank [16 MiB, 80 MiB). "second" (4 MiB fixed at 20 MiB, declared first) is reserved; "first" is moved
    // somewhere boot-time placement rejects. Requests of "video" try first, then second.
    Platform pf = onePool(1024);
    pf.regions[0].name = "second";
    pf.regions[0].start = 0x1400000;
    Region first = pf.regions[0];
    first.name = "first";
    first.start = start;
    pf.regions.push_back(first);
    pf.rules = { { { "video" }, { "first", "second" } } };
    const PlacementResult placed = placeRegions(pf);
    QVERIFY(placed.regions[0].ok);
    QVERIFY(!placed.regions[1].ok);
    QVERIFY2(QString::fromStdString(placed.regions[1].message).contains(why), placed.regions[1].message.c_str());
    QCOMPARE(pf.regions[1].placementFailure, placed.regions[1].message);
    QVERIFY(pf.regions[0].placementFailure.empty());

    Scenario sc;
    sc.allocate("video", "", 64 * KiB, "a");
    sc.allocate("video", "", 8 * MiB, "huge"); // larger than "second": refused by every region that exists
    auto sim = make(pf, sc);
    QVERIFY(sim.run());
    // Like the kernel: "first" was never created, so the request goes on to "second".
    QCOMPARE(sim.records()[0].outcome, Outcome::Allocated);
    QCOMPARE(sim.records()[0].region, std::uint16_t(0));
    QCOMPARE(sim.stateAt(1).regions[1].occupancy.pages(), std::uint64_t(0));
    const Diagnosis ok = sim.diagnose(0);
    QVERIFY(ok.succeeded);
    QCOMPARE(ok.attempts.size(), std::size_t(2));
    QCOMPARE(ok.attempts[0].region, std::string("first"));
    QCOMPARE(ok.attempts[0].result.refusal, Refusal::NotReserved);
    QVERIFY2(QString::fromStdString(ok.attempts[0].verdict).contains(QStringLiteral("not reserved at boot")),
        ok.attempts[0].verdict.c_str());
    QVERIFY2(QString::fromStdString(ok.attempts[0].verdict).contains(why), ok.attempts[0].verdict.c_str());
    QCOMPARE(sim.records()[1].outcome, Outcome::Failed);
    QCOMPARE(sim.diagnose(1).attempts.at(0).result.refusal, Refusal::NotReserved);
    QCOMPARE(sim.diagnose(1).attempts.at(1).result.refusal, Refusal::TooLarge);
}

void TestSimulator::absurdRequestSizeDoesNotWrap()
{
    // 0xFFFFFFFFFFFFF001 bytes: (bytes + 4095) / 4096 wraps to 0 pages, "a request of zero bytes".
    Scenario sc;
    sc.allocate("video", "", 0xFFFFFFFFFFFFF001ull, "x");
    auto sim = make(onePool(16), sc);
    QVERIFY(sim.run());
    QCOMPARE(sim.records()[0].outcome, Outcome::Failed);
    QCOMPARE(sim.records()[0].refusal, Refusal::TooLarge);
    const auto dg = sim.diagnose(0);
    const auto& a = dg.attempts.at(0);
    QCOMPARE(a.neededPages, std::uint64_t(0x10000000000000ull));
    QVERIFY2(!QString::fromStdString(a.verdict).contains(QStringLiteral("zero")), a.verdict.c_str());
    QVERIFY2(QString::fromStdString(a.verdict).contains(QStringLiteral("but the whole region is 64 KiB")),
        a.verdict.c_str());
    QVERIFY2(QString::fromStdString(dg.summary).contains(QStringLiteral("asked for 18446744073709547521 bytes")),
        dg.summary.c_str());
}

void TestSimulator::extfragWordsAgreeWithTheVerdict()
{
    // Not enough memory, yet many small free runs give a high extfrag index: the index is not the cause.
    Scenario sc;
    for (int i = 0; i < 16; ++i)
        sc.allocate("video", "", 4 * KiB, "p" + std::to_string(i));
    for (int i = 0; i < 16; i += 2)
        sc.free("p" + std::to_string(i)); // 8 free pages, each alone
    sc.allocate("video", "", 64 * KiB, "big"); // 16 pages > 8 free
    auto sim = make(onePool(16), sc);
    QVERIFY(sim.run());
    const auto dg = sim.diagnose(sc.steps.size() - 1);
    const auto& a = dg.attempts.at(0);
    QCOMPARE(a.result.refusal, Refusal::NotEnoughFree);
    QVERIFY(a.extfragIndex > 500);
    QCOMPARE(std::string(refusalVerdict(a.result.refusal)), std::string("not enough memory"));
    QVERIFY2(QString::fromStdString(a.verdict).contains(QStringLiteral("not enough memory")), a.verdict.c_str());
    QVERIFY2(!QString::fromStdString(a.verdict).contains(QStringLiteral("fragmentation")), a.verdict.c_str());
    QVERIFY2(QString::fromStdString(a.extfragNote).contains(QStringLiteral("not the cause")), a.extfragNote.c_str());
    // And a fragmented refusal with a low index says the kernel would call it lack of memory, and why not.
    QCOMPARE(extfragText(0, Refusal::Fragmented).find("lack of memory") != std::string::npos, true);
    QCOMPARE(extfragText(930, Refusal::Fragmented),
        std::string("kernel extfrag index 0.930, which the kernel too reads as fragmentation"));
    QCOMPARE(extfragText(-1000, Refusal::Fragmented), std::string());
}

void TestSimulator::constMembersAreSafeFromManyThreads()
{
    // Three request keys (two rules, one unmatched device), pins and failures: every const path has work.
    Platform pf = onePool(256);
    pf.rules.push_back({ { "camera" }, { "gone", "r" } });
    std::mt19937 rng(7);
    Scenario sc;
    std::vector<std::string> live;
    const char* devices[] = { "video", "camera", "dsp" };
    for (int i = 0; i < 3000; ++i) {
        const auto roll = rng() % 100;
        if (roll < 55 || live.empty()) {
            const std::string label = "c" + std::to_string(i);
            sc.allocate(devices[rng() % 3], "", (1 + rng() % 32) * 4096, label, roll < 10 ? 64 * KiB : 0);
            live.push_back(label);
        } else if (roll < 96) {
            const std::size_t k = rng() % live.size();
            sc.free(live[k]);
            live.erase(live.begin() + long(k));
        } else if (roll < 99) {
            sc.pin(0, rng() % 250, 1 + rng() % 4);
        } else {
            sc.unpin(0, 0, 256);
        }
    }
    SimulationOptions opt;
    opt.minCheckpointInterval = 50;
    opt.maxCheckpointInterval = 200;
    auto owned = make(pf, sc, opt);
    QVERIFY(owned.run());
    const std::shared_ptr<const Simulation> sim = std::make_shared<const Simulation>(std::move(owned));

    // Single-threaded references: states at probe positions, the diagnosis of every request, the summary.
    std::vector<std::size_t> probes;
    for (int i = 0; i < 60; ++i)
        probes.push_back(rng() % (sc.steps.size() + 1));
    std::sort(probes.begin(), probes.end());
    std::vector<SimState> states;
    for (const std::size_t p : probes)
        states.push_back(sim->stateAt(p));
    std::vector<std::size_t> requests;
    std::vector<std::string> diagnoses;
    std::size_t failures = 0;
    for (std::size_t i = 0; i < sc.steps.size(); ++i)
        if (sc.steps[i].type == StepType::Allocate) {
            requests.push_back(i);
            diagnoses.push_back(diagnosisText(sim->diagnose(i)));
            failures += sim->records()[i].outcome == Outcome::Failed;
        }
    QVERIFY(failures > 100); // the unmatched device alone fails a third of the requests
    const RunSummary summary = sim->summary();

    // The same questions from several threads at once, each in its own order, released together.
    constexpr int kThreads = 4;
    std::atomic<int> mismatches { 0 };
    std::atomic<int> answers { 0 };
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            SimState walk = sim->stateAt(0);
            for (std::size_t i = 0; i < probes.size(); ++i) {
                const std::size_t k = (i + std::size_t(t) * 15) % probes.size(); // a rotated order per thread
                mismatches += !sameState(sim->stateAt(probes[k]), states[k]);
                sim->advance(walk, probes[i]); // forward walk in sorted order
                mismatches += !sameState(walk, states[i]);
                answers += 2;
            }
            for (std::size_t i = 0; i < requests.size(); i += std::size_t(kThreads - t)) {
                mismatches += diagnosisText(sim->diagnose(requests[i])) != diagnoses[i];
                ++answers;
            }
            const RunSummary again = sim->summary();
            mismatches += again.failures != summary.failures || again.allocations != summary.allocations
                || again.regions[0].peakUsedPages != summary.regions[0].peakUsedPages
                || again.regions[0].peakLiveBytes != summary.regions[0].peakLiveBytes;
            ++answers;
        });
    for (auto& th : threads)
        th.join();
    QVERIFY(answers > kThreads * 120);
    QCOMPARE(mismatches.load(), 0);
}

QTEST_GUILESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
