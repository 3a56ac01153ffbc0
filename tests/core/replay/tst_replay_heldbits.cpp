// SPDX-License-Identifier: GPL-2.0-or-later
// The recording of k612-hugetlb-opb9 (area hugetlb0 at order_per_bit 9) and its kernel what-if record, both
// run as scenarios, hold the bitmap's whole bits (docs/map-traces.md, docs/compare.md): their used pages are
// equal at every matching position and equal the bitmap's (debugfs `used`) at the end.
#include "support/captures.h"
#include "support/simulations.h"

#include <cmascope/replay/replay.h>
#include <cmascope/replay/tracewhatif.h>
#include <cmascope/sim/simulator.h>

#include <QTest>

using namespace cmascope;

namespace {
std::uint64_t usedPages(const SimState& s)
{
    std::uint64_t used = 0;
    for (const auto& r : s.regions)
        used += r.occupancy.usedPages();
    return used;
}
} // namespace

class TestReplayHeldBits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void recordingAndKernelWhatIfHoldWholeBits();
};

void TestReplayHeldBits::recordingAndKernelWhatIfHoldWholeBits()
{
    const auto dir = test::captureDir("k612-hugetlb-opb9");
    ReplayFileResult r = replayTraceFile(test::traceFile(dir), test::bootInputs(dir));
    QVERIFY2(r.ok() && r.result.error.empty(), r.error.c_str());
    const ReplayResult& replay = r.result;
    QCOMPARE(replay.findArea("hugetlb0")->area.orderPerBit, 9u);
    const Project project = replayProject(replay, "opb9");
    const Simulation recorded = test::ranSimulation(project.platform, project.scenarios.at(0));
    const WhatIfResult w = runWhatIf(replay, WhatIfSpec {}, {}, true);
    QVERIFY2(w.error.empty(), w.error.c_str());
    QVERIFY(w.record);
    const Simulation variant = test::ranSimulation(w.record->platform, w.record->scenario);
    std::uint64_t bitmapUsed = 0;
    for (const auto& a : replay.areas)
        bitmapUsed += a.state.usedBitPages();
    QCOMPARE(usedPages(recorded.stateAt(recorded.stepCount())), bitmapUsed);
    for (std::size_t p = 0; p < w.record->positionOf.size(); ++p)
        QCOMPARE(usedPages(variant.stateAt(w.record->positionOf[p])), usedPages(recorded.stateAt(p)));
}

QTEST_GUILESS_MAIN(TestReplayHeldBits)
#include "tst_replay_heldbits.moc"
