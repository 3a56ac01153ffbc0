// SPDX-License-Identifier: GPL-2.0-or-later
// A trace's placement at order_per_bit > 0 holds the kernel bitmap's whole bits (docs/map-traces.md):
// the simulator's chunk, occupancy and used pages agree with the bitmap (debugfs `used`), and a release of
// the recorded count gives all of them back.
#include "support/platforms.h"

#include <cmascope/sim/simulator.h>

#include <QTest>

using namespace cmascope;

namespace {
Simulation make(const Platform& pf, Scenario sc)
{
    auto v = Simulation::create(pf, std::move(sc));
    if (auto* err = std::get_if<std::string>(&v))
        qFatal("%s", err->c_str());
    return std::move(std::get<Simulation>(v));
}
} // namespace

class TestPlaceBits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void placeHoldsWholeBits_data();
    void placeHoldsWholeBits();
    void releaseGivesBackTheBits();
    void otherPoliciesHoldWhatIsPlaced();
};

void TestPlaceBits::placeHoldsWholeBits_data()
{
    QTest::addColumn<unsigned>("orderPerBit");
    QTest::addColumn<quint64>("pages");
    QTest::addColumn<quint64>("held");
    QTest::newRow("opb 0, 1 page") << 0u << quint64(1) << quint64(1);
    QTest::newRow("opb 9, 1 page") << 9u << quint64(1) << quint64(512);
    QTest::newRow("opb 9, 512 pages") << 9u << quint64(512) << quint64(512);
    QTest::newRow("opb 9, 513 pages") << 9u << quint64(513) << quint64(1024);
    QTest::newRow("opb 2, 5 pages") << 2u << quint64(5) << quint64(8);
}

void TestPlaceBits::placeHoldsWholeBits()
{
    QFETCH(unsigned, orderPerBit);
    QFETCH(quint64, pages);
    QFETCH(quint64, held);
    Platform pf = test::onePool(4096);
    pf.regions[0].params.orderPerBit = orderPerBit;
    Scenario sc;
    sc.place(0, 1024, pages, "hugetlb-1");
    auto sim = make(pf, sc);
    QVERIFY(sim.run());
    const StepRecord& rec = sim.records()[0];
    QCOMPARE(rec.outcome, Outcome::Allocated);
    QCOMPARE(quint64(rec.pages), held);
    QCOMPARE(quint64(rec.usedPages), held); // what debugfs `used` says: set bits << order_per_bit
    const ChunkInfo& ch = sim.chunks().at(0);
    QCOMPARE(quint64(ch.pages), held);
    QCOMPARE(quint64(ch.requestPages), pages);
    const SimState end = sim.stateAt(1);
    QCOMPARE(quint64(end.regions[0].occupancy.freePages()), 4096 - held);
    // The held bits are taken: a placement in the rest of the last bit is refused, as the kernel's bitmap would.
    if (held > pages) {
        Scenario again = sc;
        again.place(0, 1024 + pages, 1, "other-2");
        auto sim2 = make(pf, again);
        QVERIFY(sim2.run());
        QCOMPARE(sim2.records()[1].outcome, Outcome::Failed);
    }
}

void TestPlaceBits::releaseGivesBackTheBits()
{
    Platform pf = test::onePool(4096);
    pf.regions[0].params.orderPerBit = 9;
    Scenario sc;
    sc.place(0, 512, 1, "hugetlb-1");
    sc.place(0, 1024, 3, "hugetlb-1");
    sc.release(0, 512, 1); // cma_release() of the count that was asked for
    auto sim = make(pf, sc);
    QVERIFY(sim.run());
    QCOMPARE(sim.records()[1].usedPages, 1024u);
    QCOMPARE(sim.records()[2].outcome, Outcome::Freed);
    QCOMPARE(sim.records()[2].usedPages, 512u);
    QCOMPARE(sim.stateAt(3).regions[0].occupancy.freePages(), std::uint64_t(4096 - 512));
}

void TestPlaceBits::otherPoliciesHoldWhatIsPlaced()
{
    Platform pf = test::onePool(4096, PolicyKind::FirstFit);
    pf.regions[0].params.orderPerBit = 9; // read by the kernel policy only
    Scenario sc;
    sc.place(0, 0, 1, "a-1");
    auto sim = make(pf, sc);
    QVERIFY(sim.run());
    QCOMPARE(sim.records()[0].usedPages, 1u);
    QCOMPARE(sim.chunks().at(0).pages, 1u);
}

QTEST_GUILESS_MAIN(TestPlaceBits)
#include "tst_placebits.moc"
