// SPDX-License-Identifier: GPL-2.0-or-later
// The demos from the 2010 patch series and its review thread (docs/cma2010.md#the-use-cases-of-the-thread): each
// run headless with its story asserted: which steps fail and why, where the key requests land, the final use.
#include "../../support/demos.h"

#include <QTest>

using namespace cmascope;
using namespace cmascope::test;

class TestDemos2010 : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mfcTwoBanks();
    void mfcFailsWhenBankBIsFull();
    void jpegBorrowsIdleVideo();
    void verkuilMemoryTypes();
    void verkuilFallbackLimits();
};

void TestDemos2010::mfcTwoBanks()
{
    // cma=vf=1M/128K;a=20M;b=20M@512M cma_map=video/a=a;video/b=b;video/f=vf (<op.vf8sxqro7p4s8u@pikus>).
    const Project p = demoProject("mfc-two-banks-2010.json");
    QCOMPARE(p.platform.mapMode, MapMode::Map2010);
    QCOMPARE(p.platform.regions.size(), std::size_t(3));
    const Simulation sim = demoRun("mfc-two-banks-2010.json");
    const Platform& pf = sim.platform();
    const Region& vf = pf.regions[regionNamed(pf, "vf")];
    const Region& a = pf.regions[regionNamed(pf, "a")];
    const Region& b = pf.regions[regionNamed(pf, "b")];
    QCOMPARE(vf.alignment, std::uint64_t(128 * KiB));
    QCOMPARE(*vf.placedBase % (128 * KiB), std::uint64_t(0));
    QCOMPARE(*b.placedBase, std::uint64_t(512 * MiB)); // where the command line puts it, in the first bank
    QCOMPARE(pf.banks.at(1).base, std::uint64_t(0x40000000));
    QVERIFY(*a.placedBase >= pf.banks[1].base); // a in the other bank: the two kinds in two banks
    QCOMPARE(*a.placedBase, std::uint64_t(0x4eb00000));
    // The firmware at the start of vf, filling it; the frames in b, the stream buffers in a.
    QCOMPARE(sim.records()[1].region, std::uint16_t(regionNamed(pf, "vf")));
    QCOMPARE(sim.records()[1].offset, 0U);
    QCOMPARE(sim.records()[3].region, std::uint16_t(regionNamed(pf, "a")));
    for (std::size_t i = 6; i <= 11; ++i) {
        QCOMPARE(sim.records()[i].outcome, Outcome::Allocated);
        QCOMPARE(sim.records()[i].region, std::uint16_t(regionNamed(pf, "b")));
    }
    QCOMPARE(finalUsedPages(sim, "vf"), std::uint64_t(256)); // the new firmware
    QCOMPARE(finalUsedPages(sim, "a"), std::uint64_t(0));
    QCOMPARE(finalUsedPages(sim, "b"), std::uint64_t(0));
    QCOMPARE(sim.records()[26].outcome, Outcome::Allocated); // the update, once the old image is freed
}

void TestDemos2010::mfcFailsWhenBankBIsFull()
{
    const Simulation sim = demoRun("mfc-two-banks-2010.json");
    QCOMPARE(failedSteps(sim), (std::vector<std::size_t> { 12, 24 }));
    // The seventh frame: b has 2120 KiB, a has room, but the map names only b.
    const Diagnosis frame = sim.diagnose(12);
    QCOMPARE(frame.attempts.size(), std::size_t(1));
    QCOMPARE(frame.attempts[0].region, std::string("b"));
    QCOMPARE(frame.attempts[0].result.refusal, Refusal::NotEnoughFree);
    QCOMPARE(frame.attempts[0].freePages, std::uint64_t(2120 / 4));
    const SimState st = sim.stateAt(12);
    QCOMPARE(st.regions[regionNamed(sim.platform(), "a")].occupancy.freePages(), std::uint64_t(5120 - 1152));
    // The second firmware image while the first still fills vf.
    const Diagnosis fw = sim.diagnose(24);
    QCOMPARE(fw.attempts.size(), std::size_t(1));
    QCOMPARE(fw.attempts[0].region, std::string("vf"));
    QCOMPARE(fw.attempts[0].freePages, std::uint64_t(0));
    QCOMPARE(fw.attempts[0].alignOrder, 5U); // 128 KiB = 2^5 pages
}

void TestDemos2010::jpegBorrowsIdleVideo()
{
    const Simulation sim = demoRun("jpeg-borrows-video-2010.json");
    const Platform& pf = sim.platform();
    const auto video = std::uint16_t(regionNamed(pf, "video"));
    // Video idle: the JPEG picture at the start of video, and video empty again after the photo.
    QCOMPARE(sim.records()[3].outcome, Outcome::Allocated);
    QCOMPARE(sim.records()[3].region, video);
    QCOMPARE(sim.records()[3].offset, 0U);
    QCOMPARE(sim.stateAt(7).regions[video].occupancy.usedPages(), std::uint64_t(0));
    // Video starts while the second photo is held: two frames fit, the third and fourth do not.
    QCOMPARE(failedSteps(sim), (std::vector<std::size_t> { 14, 15 }));
    for (const std::size_t step : { std::size_t(14), std::size_t(15) }) {
        const Diagnosis d = sim.diagnose(step);
        QCOMPARE(d.device, std::string("s3c-mfc5"));
        QCOMPARE(d.attempts.size(), std::size_t(1)); // no fallback region in the rule
        QCOMPARE(d.attempts[0].result.refusal, Refusal::NotEnoughFree);
        QCOMPARE(d.attempts[0].freePages, std::uint64_t(2468 / 4));
    }
    // The JPEG codec done, the retries land where the picture was.
    QCOMPARE(sim.records()[19].outcome, Outcome::Allocated);
    QCOMPARE(sim.records()[19].offset, 0U);
    QCOMPARE(sim.records()[20].outcome, Outcome::Allocated);
    QCOMPARE(finalUsedPages(sim, "video"), std::uint64_t(16336 / 4)); // 2 x 2 MiB + 4 x 3060 KiB
    QCOMPARE(finalUsedPages(sim, "fw"), std::uint64_t(256));
}

void TestDemos2010::verkuilMemoryTypes()
{
    // dma/ivtv=500M;dma=0;common=16M (<201008011526.13566.hverkuil@xs4all.nl>).
    const Project p = demoProject("verkuil-memory-types.json");
    QCOMPARE(p.platform.mapMode, MapMode::Verkuil);
    const Simulation sim = demoRun("verkuil-memory-types.json");
    const Platform& pf = sim.platform();
    const auto ivtv = std::uint16_t(regionNamed(pf, "dma_ivtv"));
    for (std::size_t i = 1; i <= 15; ++i) { // five boards, 100 MiB each, in their own pool
        QCOMPARE(sim.records()[i].outcome, Outcome::Allocated);
        QCOMPARE(sim.records()[i].region, ivtv);
    }
    QCOMPARE(finalUsedPages(sim, "dma_ivtv"), std::uint64_t(500 * 256));
    QCOMPARE(finalUsedPages(sim, "common"), std::uint64_t(16 * 256));
    QCOMPARE(sim.records()[23].region, std::uint16_t(regionNamed(pf, "common")));
    QCOMPARE(sim.records()[25].outcome, Outcome::Allocated); // the last 4 MiB of common
    QCOMPARE(sim.summary().fallbacks, std::uint64_t(3));
    for (const std::size_t step : { std::size_t(18), std::size_t(20), std::size_t(26) })
        QCOMPARE(sim.records()[step].outcome, Outcome::AllocatedFallback);
}

void TestDemos2010::verkuilFallbackLimits()
{
    const Simulation sim = demoRun("verkuil-memory-types.json");
    QCOMPARE(failedSteps(sim), (std::vector<std::size_t> { 17, 21, 24, 28 }));
    // The sixth board: the pool is full and 32 MiB is more than kmalloc's 4 MiB.
    const Diagnosis full = sim.diagnose(17);
    QCOMPARE(full.attempts.size(), std::size_t(1));
    QCOMPARE(full.attempts[0].region, std::string("dma_ivtv"));
    QVERIFY(full.attempts[0].fallbackRegion);
    QVERIFY2(QString::fromStdString(full.attempts[0].verdict).contains(QStringLiteral("KMALLOC_MAX_SIZE")),
        full.attempts[0].verdict.c_str());
    // saa7134: the size-0 dma region passes 8 MiB to kmalloc, which refuses it.
    const Diagnosis zero = sim.diagnose(21);
    QCOMPARE(zero.attempts.at(0).region, std::string("dma"));
    QVERIFY(QString::fromStdString(zero.attempts[0].verdict).contains(QStringLiteral("size-0")));
    // common: 4 MiB left, 6 MiB asked, and kmalloc gives at most 4 MiB.
    const Diagnosis common = sim.diagnose(24);
    QCOMPARE(common.attempts.at(0).region, std::string("common"));
    QCOMPARE(common.attempts[0].freePages, std::uint64_t(1024));
    // A request without a type: no region at all.
    const Diagnosis untyped = sim.diagnose(28);
    QVERIFY(untyped.attempts.empty());
    QVERIFY2(
        QString::fromStdString(untyped.mapSummary).contains(QStringLiteral("compulsory")), untyped.mapSummary.c_str());
}

QTEST_GUILESS_MAIN(TestDemos2010)
#include "tst_demos_2010.moc"
