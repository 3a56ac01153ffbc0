// SPDX-License-Identifier: GPL-2.0-or-later
// The sandbox's scenario edits and input (views/sandbox/sandboxedit.h, sandboxinput.h): steps inserted right
// after the current step, fresh labels, how a live chunk is freed (by label, by a label given to its request,
// by releasing its pages), sizes that are refused with a reason, the pages a drag covers, and the device the
// map sends to a region.
#include "sandbox/sandboxedit.h"
#include "sandbox/sandboxinput.h"
#include "support/platforms.h"

#include <cmascope/model/maplang.h>

#include <QTest>

#include <limits>

using namespace cmascope;
using namespace cmascope::views;

class TestSandboxEdit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void freshLabelSkipsUsedOnes();
    void insertAllocateAfterCurrentStep();
    void freeByLabel();
    void freeUnlabelledGivesItALabel();
    void shadowedLabelAndPlaceAreReleased();
    void requestSize_data();
    void requestSize();
    void alignment_data();
    void alignment();
    void pagesTouched_data();
    void pagesTouched();
    void requesterForRegion();

private:
    /// Runs @p sc on onePool(16) ("video/*" → r) and returns the simulation and the state after @p position.
    static std::pair<Simulation, SimState> run(const Scenario& sc, std::size_t position)
    {
        Platform pf = test::onePool(16, PolicyKind::Kernel, "video/*");
        auto created = Simulation::create(pf, sc);
        auto sim = std::move(std::get<Simulation>(created));
        sim.run();
        SimState st = sim.stateAt(position);
        return { std::move(sim), std::move(st) };
    }
};

void TestSandboxEdit::freshLabelSkipsUsedOnes()
{
    Scenario sc;
    QCOMPARE(freshLabel(sc), std::string("s1"));
    sc.allocate("video", "a", 4096, "s1");
    sc.free("s2"); // a free names a label too
    sc.phase("s3"); // a phase text is no label
    QCOMPARE(freshLabel(sc), std::string("s3"));
}

void TestSandboxEdit::insertAllocateAfterCurrentStep()
{
    Scenario sc = test::fragmentedProject().scenarios.front();
    const std::size_t before = sc.steps.size();
    const std::string label = insertAllocate(sc, 3, { "video", "a", 8192, 64 * KiB, {} });
    QCOMPARE(label, std::string("s1"));
    QCOMPARE(sc.steps.size(), before + 1);
    const Step& s = sc.steps[3];
    QCOMPARE(s.type, StepType::Allocate);
    QCOMPARE(sc.symbols.name(s.device), std::string_view("video"));
    QCOMPARE(sc.symbols.name(s.kind), std::string_view("a"));
    QCOMPARE(s.size, std::uint64_t(8192));
    QCOMPARE(s.alignLog2, std::uint8_t(16));
    QCOMPARE(sc.symbols.name(s.label), std::string_view("s1"));
    QCOMPARE(sc.symbols.name(sc.steps[4].label), std::string_view("c2")); // the old step 3 moved on
    // Past the end: appended; a named label is kept.
    QCOMPARE(insertAllocate(sc, 1000, { "video", "", 4096, 0, "mine" }), std::string("mine"));
    QCOMPARE(sc.symbols.name(sc.steps.back().label), std::string_view("mine"));
    // Trace times stay parallel to the steps.
    Scenario timed;
    timed.phase("a");
    timed.phase("b");
    timed.timesNs = { 10, 20 };
    insertPhase(timed, 1, "between");
    QCOMPARE(timed.timesNs, (std::vector<std::uint64_t> { 10, 10, 20 }));
    QCOMPARE(timed.symbols.name(timed.steps[1].label), std::string_view("between"));
    // A lesson's notes stay on the steps they were written for (docs/lessons.md).
    Scenario taught = test::fragmentedProject().scenarios.front();
    taught.lesson = Lesson {};
    taught.lesson->notes = { { 2, "before", {}, {} }, { 3, "at", {}, {} }, { 7, "after", {}, {} } };
    insertPhase(taught, 3, "inserted");
    QCOMPARE(taught.lesson->notes[0].step, std::size_t(2));
    QCOMPARE(taught.lesson->notes[1].step, std::size_t(4));
    QCOMPARE(taught.lesson->notes[2].step, std::size_t(8));
    QCOMPARE(taught.symbols.name(taught.steps[8].label), std::string_view("big"));
}

void TestSandboxEdit::freeByLabel()
{
    const Scenario sc = test::fragmentedProject().scenarios.front();
    auto [sim, st] = run(sc, 5); // after c0..c3 were allocated
    const std::uint32_t c1 = sim.records()[2].chunk;
    const auto req = freeRequestFor(sim, st, c1);
    QVERIFY(req);
    QCOMPARE(req->kind, FreeRequest::Kind::FreeLabel);
    QCOMPARE(req->label, std::string("c1"));
    Scenario edited = sc;
    insertFree(edited, 5, *req);
    QCOMPARE(edited.steps[5].type, StepType::Free);
    QCOMPARE(edited.symbols.name(edited.steps[5].label), std::string_view("c1"));
    // Freed at step 5 (c0): not live after it.
    auto [sim2, st2] = run(sc, 6);
    QVERIFY(!freeRequestFor(sim2, st2, sim2.records()[1].chunk));
    QVERIFY(!freeRequestFor(sim2, st2, kNoChunk));
}

void TestSandboxEdit::freeUnlabelledGivesItALabel()
{
    Scenario sc;
    sc.allocate("video", "a", 8192, "");
    sc.allocate("video", "a", 8192, "s1");
    auto [sim, st] = run(sc, 2);
    const auto req = freeRequestFor(sim, st, sim.records()[0].chunk);
    QVERIFY(req);
    QCOMPARE(req->kind, FreeRequest::Kind::LabelAndFree);
    QCOMPARE(req->label, std::string("s2"));
    QCOMPARE(req->originStep, std::size_t(0));
    insertFree(sc, 2, *req);
    QCOMPARE(sc.symbols.name(sc.steps[0].label), std::string_view("s2"));
    QCOMPARE(sc.steps[2].type, StepType::Free);
    // The rerun frees exactly that chunk.
    auto [after, st2] = run(sc, 3);
    QCOMPARE(after.records()[2].outcome, Outcome::Freed);
    QCOMPARE(after.records()[2].chunk, after.records()[0].chunk);
}

void TestSandboxEdit::shadowedLabelAndPlaceAreReleased()
{
    Scenario sc;
    sc.allocate("video", "a", 8192, "x"); // pages 0-1... wherever the kernel policy puts it
    sc.allocate("video", "a", 8192, "x"); // `free x` would free this one
    sc.place(0, 12, 2, "video");
    auto [sim, st] = run(sc, 3);
    const std::uint32_t first = sim.records()[0].chunk;
    const auto req = freeRequestFor(sim, st, first);
    QVERIFY(req);
    QCOMPARE(req->kind, FreeRequest::Kind::Release);
    QCOMPARE(req->region, std::uint16_t(0));
    QCOMPARE(req->offset, std::uint64_t(sim.records()[0].offset));
    QCOMPARE(req->pages, std::uint64_t(2));
    const auto placed = freeRequestFor(sim, st, sim.records()[2].chunk);
    QVERIFY(placed);
    QCOMPARE(placed->kind, FreeRequest::Kind::Release);
    QCOMPARE(placed->offset, std::uint64_t(12));
    insertFree(sc, 3, *req);
    auto [after, st2] = run(sc, 4);
    QCOMPARE(after.records()[3].outcome, Outcome::Freed);
    QCOMPARE(after.records()[3].chunk, first);
}

void TestSandboxEdit::requestSize_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<quint64>("bytes"); // 0: refused
    QTest::addColumn<QString>("error");
    QTest::newRow("4K") << "4K" << quint64(4096) << QString();
    QTest::newRow("blanks") << " 6M " << quint64(6 * MiB) << QString();
    QTest::newRow("hex") << "0x1000" << quint64(4096) << QString();
    QTest::newRow("odd bytes") << "4097" << quint64(4097) << QString();
    QTest::newRow("the whole bank") << "64M" << quint64(64 * MiB) << QString();
    QTest::newRow("zero") << "0" << quint64(0) << "at least one byte";
    QTest::newRow("empty") << "" << quint64(0) << "type a size";
    QTest::newRow("letters") << "abc" << quint64(0) << "'abc' is not a size";
    QTest::newRow("trailing junk") << "4K2" << quint64(0) << "'4K2' is not a size";
    QTest::newRow("suffix alone") << "K" << quint64(0) << "'K' is not a size";
    QTest::newRow("2^64 - 1") << "18446744073709551615" << quint64(0) << "larger than the largest memory bank";
    QTest::newRow("16E overflows") << "16E" << quint64(0) << "does not fit in 64 bits";
    QTest::newRow("2^64") << "18446744073709551616" << quint64(0) << "does not fit in 64 bits";
    QTest::newRow("a bank and a byte") << "67108865" << quint64(0) << "larger than the largest memory bank (64 MiB)";
}

void TestSandboxEdit::requestSize()
{
    QFETCH(QString, text);
    QFETCH(quint64, bytes);
    QFETCH(QString, error);
    const SizeInput in = parseRequestSize(text, test::onePool(16)); // one 64 MiB bank
    if (bytes) {
        QCOMPARE(in.bytes, std::optional<std::uint64_t>(bytes));
        QVERIFY(in.error.isEmpty());
    } else {
        QVERIFY(!in.bytes);
        QVERIFY2(in.error.contains(error), qPrintable(in.error));
    }
}

void TestSandboxEdit::alignment_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("bytes"); // -1: refused
    QTest::newRow("none") << "" << qint64(0);
    QTest::newRow("64K") << "64K" << qint64(64 * KiB);
    QTest::newRow("1M") << "1M" << qint64(MiB);
    QTest::newRow("not a power of two") << "3K" << qint64(-1);
    QTest::newRow("junk") << "x" << qint64(-1);
}

void TestSandboxEdit::alignment()
{
    QFETCH(QString, text);
    QFETCH(qint64, bytes);
    const SizeInput in = parseAlignment(text);
    if (bytes < 0)
        QVERIFY(!in.bytes && !in.error.isEmpty());
    else
        QCOMPARE(in.bytes, std::optional<std::uint64_t>(std::uint64_t(bytes)));
}

void TestSandboxEdit::pagesTouched_data()
{
    QTest::addColumn<quint64>("begin");
    QTest::addColumn<quint64>("end");
    QTest::addColumn<quint64>("offset");
    QTest::addColumn<quint64>("pages"); // 0: none
    // A region of 16 pages of 4 KiB at 0x10000.
    QTest::newRow("exact pages") << quint64(0x10000 + 4 * 4096) << quint64(0x10000 + 8 * 4096) << quint64(4)
                                 << quint64(4);
    QTest::newRow("parts of pages count")
        << quint64(0x10000 + 4 * 4096 + 2048) << quint64(0x10000 + 7 * 4096 + 1) << quint64(4) << quint64(4);
    QTest::newRow("clamped to the region") << quint64(0) << quint64(0x10000 + 2 * 4096) << quint64(0) << quint64(2);
    QTest::newRow("past its end") << quint64(0x10000 + 15 * 4096) << std::numeric_limits<quint64>::max() << quint64(15)
                                  << quint64(1);
    QTest::newRow("outside") << quint64(0x90000) << quint64(0xa0000) << quint64(0) << quint64(0);
}

void TestSandboxEdit::pagesTouched()
{
    QFETCH(quint64, begin);
    QFETCH(quint64, end);
    QFETCH(quint64, offset);
    QFETCH(quint64, pages);
    const auto r = views::pagesTouched(0x10000, 16 * 4096, 4096, begin, end);
    if (pages == 0) {
        QVERIFY(!r);
        return;
    }
    QVERIFY(r);
    QCOMPARE(r->offset, offset);
    QCOMPARE(r->pages, pages);
}

void TestSandboxEdit::requesterForRegion()
{
    const Project demo = test::loadDemo();
    const Platform& pf = demo.platform;
    QVERIFY(!pf.regions.empty());
    // Every region some device reaches first is found, and the device found does go there.
    int found = 0;
    for (const Region& r : pf.regions) {
        const auto who = requesterFor(pf, r.name, 64 * KiB, {});
        if (!who)
            continue;
        ++found;
        const auto res = resolveRegions(pf, who->first, who->second, 64 * KiB);
        QCOMPARE(res.regions.front(), r.name);
        // A preferred requester that goes there is kept.
        QCOMPARE(requesterFor(pf, r.name, 64 * KiB, *who), who);
    }
    QVERIFY(found > 0);
    QVERIFY(!requesterFor(pf, "no such region", 64 * KiB, {}));
}

QTEST_GUILESS_MAIN(TestSandboxEdit)
#include "tst_sandboxedit.moc"
