// SPDX-License-Identifier: GPL-2.0-or-later
// The modern-board demo with a real kernel trace (resources/demos/k612-dt-trace.json): the capture
// traces/kernel/k612-dt-numa replayed onto the device tree it booted with (replayOntoProject(), written by
// `cmascope-cli replay --write-project --onto`). Its story: the four refusals of the trace and why, the state the
// kernel's debugfs snapshots recorded, and that the demo's steps are exactly the capture's.
#include "../../support/captures.h"
#include "../../support/demos.h"

#include <cmascope/replay/replay.h>
#include <cmascope/replay/replayonto.h>

#include <QTest>

using namespace cmascope;
using namespace cmascope::test;

class TestDemosTrace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theDeviceTreeAreas();
    void theRecordedRefusals();
    void theKernelSnapshotsAgree();
    void theStepsAreTheCapture();
};

void TestDemosTrace::theDeviceTreeAreas()
{
    const Project p = demoProject("k612-dt-trace.json");
    QCOMPARE(p.platform.mapMode, MapMode::Modern);
    const Region& cma = p.platform.regions.at(regionNamed(p.platform, "linux,cma"));
    QVERIFY(cma.isDefault);
    QCOMPARE(cma.size, std::uint64_t(16 * MiB));
    QCOMPARE(cma.placement, Placement::Dynamic); // the kernel places it
    const Region& camera = p.platform.regions.at(regionNamed(p.platform, "camera"));
    QCOMPARE(camera.placement, Placement::Fixed);
    QCOMPARE(camera.start, std::uint64_t(0x70000000));
    QCOMPARE(camera.size, std::uint64_t(8 * MiB));
    // Where the kernel put linux,cma (dmesg-cma.txt: "created CMA memory pool at 0x000000017f000000"), the
    // placement at boot puts it too.
    const Simulation sim = demoRun("k612-dt-trace.json");
    QCOMPARE(*sim.platform().regions[regionNamed(sim.platform(), "linux,cma")].placedBase, std::uint64_t(0x17f000000));
    for (const Step& s : sim.scenario().steps)
        QVERIFY(s.type == StepType::Place || s.type == StepType::Release || s.type == StepType::Refused
            || s.type == StepType::Phase);
}

void TestDemosTrace::theRecordedRefusals()
{
    const Simulation sim = demoRun("k612-dt-trace.json");
    QCOMPARE(failedSteps(sim), (std::vector<std::size_t> { 12, 14, 17, 18 }));
    const struct
    {
        std::size_t step;
        const char* region;
        Refusal refusal;
        std::uint64_t freePages;
    } want[] = {
        { 12, "camera", Refusal::Fragmented, 924 }, // 600 pages at order 2; largest run 512
        { 14, "camera", Refusal::NotEnoughFree, 924 }, // 1024 pages at order 10
        { 17, "linux,cma", Refusal::NotEnoughFree, 1059 }, // 2000 pages
        { 18, "camera", Refusal::NotEnoughFree, 891 }, // 2000 pages
    };
    for (const auto& w : want) {
        QCOMPARE(sim.scenario().steps[w.step].type, StepType::Refused);
        const Diagnosis d = sim.diagnose(w.step);
        QCOMPARE(d.attempts.size(), std::size_t(1));
        QCOMPARE(d.attempts[0].region, std::string(w.region));
        QCOMPARE(d.attempts[0].result.refusal, w.refusal);
        QCOMPARE(d.attempts[0].freePages, w.freePages);
    }
    QCOMPARE(sim.diagnose(12).attempts[0].largestAligned, std::uint64_t(512));
}

void TestDemosTrace::theKernelSnapshotsAgree()
{
    // checkpoints.tsv: 'scripted' linux,cma used=3303 camera used=1157; 'stressed' camera used=399; 'end' 256 / 0.
    const Simulation sim = demoRun("k612-dt-trace.json");
    const auto cma = regionNamed(sim.platform(), "linux,cma");
    const auto camera = regionNamed(sim.platform(), "camera");
    const SimState scripted = sim.stateAt(21); // the 'CHECKPOINT scripted begin' phase is step 21
    QCOMPARE(scripted.regions[cma].occupancy.usedPages(), std::uint64_t(3303));
    QCOMPARE(scripted.regions[camera].occupancy.usedPages(), std::uint64_t(1157));
    const SimState stressed = sim.stateAt(332);
    QCOMPARE(stressed.regions[camera].occupancy.usedPages(), std::uint64_t(399));
    QCOMPARE(finalUsedPages(sim, "linux,cma"), std::uint64_t(256));
    QCOMPARE(finalUsedPages(sim, "camera"), std::uint64_t(0));
}

void TestDemosTrace::theStepsAreTheCapture()
{
    // Replaying the capture onto the demo's platform now gives the demo's steps, step for step: the demo is the
    // recording, not an edited copy. The hugetlb_cma areas are not in the device tree: left out, with a note each.
    const auto dir = captureDir("k612-dt-numa");
    const ReplayResult r = replayTrace(loadTrace(traceFile(dir)), bootInputs(dir));
    QVERIFY2(r.error.empty(), r.error.c_str());
    Project base = demoProject("k612-dt-trace.json");
    const Scenario demo = base.scenarios.at(0);
    base.scenarios.clear();
    const auto onto = replayOntoProject(r, base, "again");
    QVERIFY2(onto.project, onto.error.c_str());
    QCOMPARE(onto.notes.size(), std::size_t(2));
    const Scenario& again = onto.project->scenarios.at(0);
    QCOMPARE(again.steps.size(), demo.steps.size());
    for (std::size_t i = 0; i < demo.steps.size(); ++i) {
        const Step &a = again.steps[i], &d = demo.steps[i];
        QCOMPARE(a.type, d.type);
        QCOMPARE(a.region, d.region);
        QCOMPARE(a.offset, d.offset);
        QCOMPARE(a.size, d.size);
        QCOMPARE(again.symbols.name(a.device), demo.symbols.name(d.device));
    }
    QCOMPARE(again.timesNs, demo.timesNs);
}

QTEST_GUILESS_MAIN(TestDemosTrace)
#include "tst_demos_trace.moc"
