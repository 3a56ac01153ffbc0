// SPDX-License-Identifier: GPL-2.0-or-later
// Replay of the real kernel captures in traces/kernel/ (see traces/README.md): every recorded
// outcome is predicted by the kernel policy, and at every CHECKPOINT marker the replayed bitmap,
// used and maxchunk equal the debugfs snapshot the kernel wrote at that moment. Also: the other
// text forms, late-started traces seeded from a snapshot, area resolution and inference, the
// timeline through the Simulation, and what-if runs.
#include "support/captures.h"

#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/report.h>
#include <cmascope/replay/tracewhatif.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/debugfs.h>
#include <cmascope/trace/events.h>
#include <cmascope/trace/parser.h>

#include <QTest>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace cmascope;
using namespace cmascope::test;
namespace fs = std::filesystem;

namespace {

/// Events of @p data before @p lastLine (exclusive) as a new TraceData sharing the string tables.
TraceData prefix(const TraceData& data, std::function<bool(const TraceEvent&)> keep)
{
    TraceData d;
    d.tasks = data.tasks;
    d.areas = data.areas;
    d.markers = data.markers;
    for (const auto& e : data.events)
        if (keep(e))
            d.events.push_back(e);
    return d;
}

DebugfsSnapshot snapshotOf(const ReplayAreaResult& a)
{
    DebugfsSnapshot s;
    s.name = a.area.name;
    s.basePfn = a.area.basePfn;
    s.count = a.area.pages;
    s.orderPerBit = a.area.orderPerBit;
    s.used = a.state.usedPages();
    s.maxchunk = a.state.maxchunkPages();
    s.bitmap = *parseDebugfsBitmap(a.state.debugfsBitmapText());
    return s;
}

} // namespace

class TestReplayCaptures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void captures_data()
    {
        QTest::addColumn<QByteArray>("capture");
        QTest::newRow("k61-nvme") << QByteArray("k61-nvme");
        QTest::newRow("k612-reserved-mixed") << QByteArray("k612-reserved-mixed");
    }

    // Every prediction matches and every checkpoint equals the kernel's debugfs snapshot.
    void fidelityAndCheckpoints_data() { captures_data(); }
    void fidelityAndCheckpoints()
    {
        QFETCH(QByteArray, capture);
        const fs::path dir = captureDir(capture);
        const TraceData data = loadTrace(dir / "trace.txt");
        const auto cps = checkpoints(dir);
        QVERIFY(!cps.empty());
        std::map<std::uint32_t, std::tuple<std::string, std::uint64_t, std::uint64_t>> seen; // line -> state
        ReplayOptions opt;
        opt.onMarker = [&](const ReplayMarker& m, std::span<const ReplayAreaResult> areas) {
            QCOMPARE(areas.size(), std::size_t(1));
            seen[m.line] = { areas[0].state.debugfsBitmapText(), areas[0].state.usedPages(),
                areas[0].state.maxchunkPages() };
        };
        const ReplayResult r = replayTrace(data, bootInputs(dir), opt);
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.areas.size(), std::size_t(1));
        QCOMPARE(r.areas[0].area.source, AreaSource::BootLog);
        QCOMPARE(r.requested, data.count(EventType::AllocFinish));
        QCOMPARE(r.releases, data.count(EventType::Release));
        QVERIFY(r.failed > 0);
        QCOMPARE(r.compared, r.requested);
        for (const auto& d : r.divergences)
            qWarning("divergence line %u: %s", d.line, d.text.c_str());
        QCOMPARE(r.divergenceCount, std::uint64_t(0));
        QCOMPARE(r.matched, r.compared);
        QCOMPARE(r.incomplete, std::uint64_t(0));
        for (const auto& cp : cps) {
            const fs::path snap = dir / "snapshots" / cp.dir / "reserved";
            const auto it = seen.find(cp.beginLine);
            QVERIFY2(it != seen.end(), cp.name.c_str());
            const auto& [bitmap, used, maxchunk] = it->second;
            QCOMPARE(bitmap, slurp(snap / "bitmap")); // byte for byte, like a script would compare
            QCOMPARE(std::to_string(used) + "\n", slurp(snap / "used"));
            QCOMPARE(std::to_string(maxchunk) + "\n", slurp(snap / "maxchunk"));
        }
        if (capture == "k61-nvme") {
            // the kworkers allocate concurrently: their reservations must be reordered
            QVERIFY(r.concurrentGroups > 0);
            QVERIFY(r.reordered > 0);
        }
    }

    // The timeline steps through the Simulation to the same checkpoint states.
    void timelineThroughSimulation_data() { captures_data(); }
    void timelineThroughSimulation()
    {
        QFETCH(QByteArray, capture);
        const fs::path dir = captureDir(capture);
        const ReplayResult r = replayTrace(loadTrace(dir / "trace.txt"), bootInputs(dir));
        QCOMPARE(r.timeline.size(), r.scenario.steps.size());
        // Every step has its time from the trace, in order (the timeline follows the kernel).
        QCOMPARE(r.scenario.timesNs.size(), r.scenario.steps.size());
        for (std::size_t i = 1; i < r.scenario.timesNs.size(); ++i)
            if (r.timeline[i].kind != TimelineEntry::Seed)
                QVERIFY(
                    r.scenario.timesNs[i] >= r.scenario.timesNs[i - 1] || r.timeline[i].kind == TimelineEntry::Request);
        QVERIFY(!r.platform.regions[0].params.maxAlignOrder.has_value());
        auto created = Simulation::create(r.platform, r.scenario);
        QVERIFY(std::holds_alternative<Simulation>(created));
        auto& sim = std::get<Simulation>(created);
        sim.run();
        // Every request the kernel refused is a Refused step that fails without changing anything; nothing
        // else fails. Each one is explained against the area's state at that moment.
        std::uint64_t refused = 0;
        for (std::size_t i = 0; i < sim.stepCount(); ++i) {
            const auto& rec = sim.records()[i];
            QVERIFY(rec.outcome != Outcome::FreeUnknown);
            const bool isRefused = r.scenario.steps[i].type == StepType::Refused;
            QCOMPARE(rec.outcome == Outcome::Failed, isRefused);
            if (!isRefused)
                continue;
            ++refused;
            if (i > 0)
                QCOMPARE(rec.usedPages,
                    sim.records()[i - 1].region == rec.region ? sim.records()[i - 1].usedPages : rec.usedPages);
            const Diagnosis dg = sim.diagnose(i);
            QCOMPARE(dg.attempts.size(), std::size_t(1));
            QCOMPARE(dg.attempts[0].region, r.platform.regions[0].name);
            QVERIFY(!dg.succeeded); // the kernel policy agrees with the kernel
            QVERIFY2(!dg.attempts[0].verdict.empty(), dg.summary.c_str());
        }
        QCOMPARE(refused, r.failed);
        const auto cps = checkpoints(dir);
        std::size_t checked = 0;
        for (std::size_t i = 0; i < r.timeline.size(); ++i) {
            if (r.timeline[i].kind != TimelineEntry::Marker)
                continue;
            const ReplayMarker& m = r.markers[r.timeline[i].index];
            for (const auto& cp : cps) {
                if (cp.beginLine != m.line)
                    continue;
                const SimState st = sim.stateAt(i);
                const auto* k = dynamic_cast<const KernelBitmapPolicy*>(st.regions[0].policy.get());
                QVERIFY(k);
                QCOMPARE(k->debugfsBitmapText(), slurp(dir / "snapshots" / cp.dir / "reserved" / "bitmap"));
                ++checked;
            }
        }
        QCOMPARE(checked, cps.size());
        // failed requests are on the timeline and explainable
        for (std::size_t i = 0; i < r.requests.size(); ++i) {
            if (r.requests[i].succeeded)
                continue;
            const std::string text = r.explainRequest(i);
            QVERIFY2(text.find("refused it") != std::string::npos, text.c_str());
            QVERIFY2(text.find("The kernel policy refuses it") != std::string::npos, text.c_str());
            break;
        }
    }

    // trace_pipe (no boot events, seeded from the boot part) and trace-cmd report end where trace.txt ends.
    void otherFormatsSameFinalState_data() { captures_data(); }
    void otherFormatsSameFinalState()
    {
        QFETCH(QByteArray, capture);
        const fs::path dir = captureDir(capture);
        const TraceData full = loadTrace(dir / "trace.txt");
        const ReplayResult ref = replayTrace(full, bootInputs(dir));
        const std::string finalBitmap = ref.areas.at(0).state.debugfsBitmapText();

        const TraceData report = loadTrace(dir / "trace-cmd-report.txt");
        QCOMPARE(report.format, TraceFormat::TraceCmdReport);
        const ReplayResult rr = replayTrace(report, bootInputs(dir));
        QCOMPARE(rr.divergenceCount, std::uint64_t(0));
        QCOMPARE(rr.requested, ref.requested);
        QCOMPARE(rr.areas.at(0).state.debugfsBitmapText(), finalBitmap);

        const TraceData pipe = loadTrace(dir / "trace_pipe.txt");
        QCOMPARE(pipe.format, TraceFormat::TracePipe);
        QVERIFY(!pipe.events.empty());
        const std::uint64_t firstPipe = pipe.events.front().timestampNs;
        const TraceData boot = prefix(full, [&](const TraceEvent& e) { return e.timestampNs + 1000000 < firstPipe; });
        QVERIFY(!boot.events.empty());
        const ReplayResult bootState = replayTrace(boot, bootInputs(dir));
        ReplayInputs seeded = bootInputs(dir);
        seeded.debugfs.push_back(snapshotOf(bootState.areas.at(0)));
        const ReplayResult pr = replayTrace(pipe, seeded);
        QCOMPARE(pr.areas.at(0).area.source, AreaSource::Debugfs);
        QCOMPARE(pr.divergenceCount, std::uint64_t(0));
        QCOMPARE(pr.areas.at(0).state.debugfsBitmapText(), finalBitmap);
        QCOMPARE(pr.areas.at(0).state.usedPages(), ref.areas.at(0).state.usedPages());
    }

    // Tracing started late: drop the lines before a checkpoint and seed from its snapshot.
    void lateStartSeededFromSnapshot_data() { captures_data(); }
    void lateStartSeededFromSnapshot()
    {
        QFETCH(QByteArray, capture);
        const fs::path dir = captureDir(capture);
        const TraceData full = loadTrace(dir / "trace.txt");
        const ReplayResult ref = replayTrace(full, bootInputs(dir));
        const auto cps = checkpoints(dir);
        const Checkpoint& cp = cps.at(cps.size() / 2);
        const TraceData late = prefix(full, [&](const TraceEvent& e) { return e.line > cp.beginLine; });

        ReplayInputs in;
        const auto snap = readDebugfsAreas(dir / "snapshots" / cp.dir);
        QVERIFY2(snap.error.empty(), snap.error.c_str());
        in.debugfs = snap.snapshots;
        in.debugfsOrigins = snap.origins;
        const ReplayResult r = replayTrace(late, in);
        QCOMPARE(r.areas.at(0).area.source, AreaSource::Debugfs);
        QCOMPARE(r.divergenceCount, std::uint64_t(0));
        QCOMPARE(r.warningCount, std::uint64_t(0));
        QCOMPARE(r.areas.at(0).state.debugfsBitmapText(), ref.areas.at(0).state.debugfsBitmapText());

        // Without the seed (and without the late-start inference, tst_latestart) the releases of earlier
        // allocations are warnings, not fatal.
        ReplayOptions noInference;
        noInference.lateStart = LateStartInference::Off;
        const ReplayResult unseeded = replayTrace(late, bootInputs(dir), noInference);
        QVERIFY(unseeded.error.empty());
        QVERIFY(unseeded.warningCount > 0);
        QVERIFY(unseeded.areas.at(0).unknownReleasePages > 0);
        bool mentions = false;
        for (const auto& w : unseeded.warnings)
            mentions = mentions || w.message.find("not known to be allocated") != std::string::npos;
        QVERIFY(mentions);
    }

    void areaResolutionOrder()
    {
        const fs::path dir = captureDir("k61-nvme");
        const TraceData data = loadTrace(dir / "trace.txt");
        Platform pf;
        Region reg;
        reg.name = "reserved";
        reg.size = 16 * MiB;
        reg.placement = Placement::Fixed;
        reg.start = 0x7dc00ull * 4096;
        reg.placedBase = reg.start;
        pf.regions.push_back(reg);
        const auto snaps = readDebugfsAreas(dir / "snapshots" / "00-nvme-bound");
        QVERIFY2(snaps.error.empty(), snaps.error.c_str());
        ReplayInputs in = bootInputs(dir);
        in.project = &pf;
        in.debugfs = snaps.snapshots;
        in.debugfsOrigins = snaps.origins;
        in.areaSpecs.push_back(std::get<AreaSpec>(parseAreaSpec("reserved=0x7d000+8192")));
        ReplayOptions opt;
        opt.fidelity = false;
        QCOMPARE(replayTrace(data, in, opt).areas.at(0).area.source, AreaSource::Project);
        in.project = nullptr;
        const ReplayResult fromDebugfs = replayTrace(data, in, opt);
        QCOMPARE(fromDebugfs.areas.at(0).area.source, AreaSource::Debugfs);
        QCOMPARE(fromDebugfs.areas.at(0).area.basePfn, std::uint64_t(515072));
        in.debugfs.clear();
        QCOMPARE(replayTrace(data, in, opt).areas.at(0).area.source, AreaSource::BootLog);
        in.bootLog.clear();
        const ReplayResult fromSpec = replayTrace(data, in, opt);
        QCOMPARE(fromSpec.areas.at(0).area.source, AreaSource::CommandLine);
        QCOMPARE(fromSpec.areas.at(0).area.pages, std::uint64_t(8192));
        in.areaSpecs.clear();
        QCOMPARE(replayTrace(data, in, opt).areas.at(0).area.source, AreaSource::Inferred);
    }

    // Without any source the area is the smallest pageblock-aligned range holding every recorded PFN.
    void inference_data() { captures_data(); }
    void inference()
    {
        QFETCH(QByteArray, capture);
        const fs::path dir = captureDir(capture);
        const TraceData data = loadTrace(dir / "trace.txt");
        const ReplayResult r = replayTrace(data, {});
        QCOMPARE(r.areas.size(), std::size_t(1));
        const auto& a = r.areas[0].area;
        QCOMPARE(a.source, AreaSource::Inferred);
        QCOMPARE(a.basePfn % 512, std::uint64_t(0));
        QCOMPARE(a.pages % 512, std::uint64_t(0));
        std::uint64_t lo = UINT64_MAX, hi = 0;
        for (const auto& e : data.events)
            if ((e.type == EventType::AllocFinish && !e.failed()) || e.type == EventType::Release) {
                lo = std::min(lo, e.pfn);
                hi = std::max(hi, e.pfn + e.count);
            }
        QVERIFY(a.basePfn <= lo && a.basePfn + 512 > lo);
        QVERIFY(a.basePfn + a.pages >= hi && a.basePfn + a.pages < hi + 512);
        bool noted = false;
        for (const auto& n : r.notes)
            noted = noted || n.find("inferred") != std::string::npos;
        QVERIFY(noted);
        QVERIFY(replayReportJson(r, "t").find("\"source\": \"inferred\"") != std::string::npos);
        // The inferred range is within the real area (from the boot log).
        const auto boot = parseBootLog(slurp(dir / "dmesg-cma.txt"));
        QVERIFY(!boot.empty() && boot[0].base);
        QVERIFY(a.basePfn >= *boot[0].base / 4096);
        QVERIFY(a.basePfn + a.pages <= *boot[0].base / 4096 + boot[0].size / 4096);
    }

    void areaSpecParsing()
    {
        auto ok = std::get<AreaSpec>(parseAreaSpec("reserved=0x7dc00+4096"));
        QCOMPARE(ok.name, std::string("reserved"));
        QCOMPARE(ok.basePfn, std::uint64_t(0x7dc00));
        QCOMPARE(ok.pages, std::uint64_t(4096));
        QCOMPARE(ok.orderPerBit, 0u);
        ok = std::get<AreaSpec>(parseAreaSpec("hugetlb0=1048576+0x40000/9"));
        QCOMPARE(ok.basePfn, std::uint64_t(1048576));
        QCOMPARE(ok.pages, std::uint64_t(0x40000));
        QCOMPARE(ok.orderPerBit, 9u);
        const std::pair<const char*, const char*> bad[] = {
            { "reserved", "NAME=BASE_PFN+PAGES" },
            { "=0x10+16", "NAME is empty" },
            { "r=0x10", "BASE_PFN+PAGES" },
            { "r=0xzz+16", "BASE_PFN" },
            { "r=16+abc", "PAGES" },
            { "r=16+0", "PAGES must be greater than 0" },
            { "r=16+16/", "ORDER_PER_BIT is empty" },
            { "r=16+16/x", "ORDER_PER_BIT" },
            { "r=0+100/3", "multiple of 2^ORDER_PER_BIT" },
            { "r=4+64/3", "BASE_PFN must be a multiple" },
            { "r=-1+64", "BASE_PFN" },
        };
        for (const auto& [text, expect] : bad) {
            const auto res = parseAreaSpec(text);
            QVERIFY2(std::holds_alternative<std::string>(res), text);
            const auto& msg = std::get<std::string>(res);
            QVERIFY2(msg.find(expect) != std::string::npos, msg.c_str());
            QVERIFY2(msg.find(text) != std::string::npos, msg.c_str());
        }
        QCOMPARE(parseReplayNumber("0x10"), std::optional<std::uint64_t>(16));
        QCOMPARE(parseReplayNumber("010"), std::optional<std::uint64_t>(10));
        QVERIFY(!parseReplayNumber("0x").has_value());
        QVERIFY(!parseReplayNumber("99999999999999999999999").has_value());
    }

    // Concurrent requests: finish order differs from reservation order.
    void concurrentReordering()
    {
        // A starts, B starts; B finishes at 0x1000 (first fit) and A at 0x1004: A must have reserved after B.
        const std::string text =
            "a-1 [000] ..... 1.000000: cma_alloc_start: name=x count=4 align=2\n"
            "b-2 [001] ..... 1.000001: cma_alloc_start: name=x count=4 align=2\n"
            "b-2 [001] ..... 1.000002: cma_alloc_finish: name=x pfn=0x1000 page=00000000c0ffee00 count=4 align=2\n"
            "a-1 [000] ..... 1.000003: cma_alloc_finish: name=x pfn=0x1004 page=00000000c0ffee00 count=4 align=2\n";
        ReplayInputs in;
        in.areaSpecs.push_back(std::get<AreaSpec>(parseAreaSpec("x=0x1000+512")));
        ReplayResult r = replayTrace(parseTraceText(text), in);
        QCOMPARE(r.divergenceCount, std::uint64_t(0));
        QCOMPARE(r.matched, std::uint64_t(2));
        QCOMPARE(r.concurrentGroups, std::uint64_t(1));
        // A finished at 0x1008 before B started: no reservation order explains it.
        const std::string impossible =
            "a-1 [000] ..... 1.000000: cma_alloc_start: name=x count=4 align=2\n"
            "a-1 [000] ..... 1.000002: cma_alloc_finish: name=x pfn=0x1008 page=00000000c0ffee00 count=4 align=2\n"
            "b-2 [001] ..... 1.000003: cma_alloc_start: name=x count=4 align=2\n"
            "b-2 [001] ..... 1.000004: cma_alloc_finish: name=x pfn=0x1000 page=00000000c0ffee00 count=4 align=2\n";
        r = replayTrace(parseTraceText(impossible), in);
        QCOMPARE(r.divergenceCount, std::uint64_t(1));
        QCOMPARE(r.divergences.at(0).line, 2u);
        QCOMPARE(r.divergences.at(0).recordedPfn, std::uint64_t(0x1008));
        QCOMPARE(r.divergences.at(0).predictedPfn, std::uint64_t(0x1000));
        QVERIFY(replayReportJson(r, "t").find("\"predicted_pfn\": \"0x1000\"") != std::string::npos);
        // the state still follows the kernel
        QVERIFY(r.areas[0].state.testBit(8) && r.areas[0].state.testBit(0));
    }

    // Busy windows recorded by cma_alloc_busy_retry steer the prediction.
    void busyRetryWindows()
    {
        const std::string busy =
            "a-1 [000] ..... 1.0: cma_alloc_start: name=x count=16 align=4\n"
            "a-1 [000] ..... 1.1: cma_alloc_busy_retry: name=x pfn=0x1000 page=00000000c0ffee00 count=16 align=4\n"
            "a-1 [000] ..... 1.2: cma_alloc_busy_retry: name=x pfn=0x1010 page=00000000c0ffee00 count=16 align=4\n"
            "a-1 [000] ..... 1.3: cma_alloc_finish: name=x pfn=0x1020 page=00000000c0ffee00 count=16 align=4\n";
        ReplayInputs in;
        in.areaSpecs.push_back(std::get<AreaSpec>(parseAreaSpec("x=0x1000+512")));
        ReplayResult r = replayTrace(parseTraceText(busy), in);
        QCOMPARE(r.busyRetries, std::uint64_t(2));
        QCOMPARE(r.divergenceCount, std::uint64_t(0));
        QCOMPARE(r.requests.at(0).busyRetries, 2u);
        // the same placement without the recorded busy windows is a divergence
        std::string noBusy = busy;
        for (int i = 0; i < 2; ++i) {
            const auto p = noBusy.find("a-1 [000] ..... 1.1");
            const auto q = noBusy.find("a-1 [000] ..... 1.2");
            noBusy.erase(i == 0 ? p : q, noBusy.find('\n', i == 0 ? p : q) + 1 - (i == 0 ? p : q));
        }
        ReplayOptions noInference; // (the late-start inference would explain it by pages allocated before)
        noInference.lateStart = LateStartInference::Off;
        r = replayTrace(parseTraceText(noBusy), in, noInference);
        QCOMPARE(r.divergenceCount, std::uint64_t(1));
        QCOMPARE(r.divergences.at(0).predictedPfn, std::uint64_t(0x1000));
    }

    void untilMarkerAndLegacyEvents()
    {
        const std::string text = "t-1 [000] .... 1.0: cma_alloc: pfn=1000 page=00000000c0ffee00 count=8 align=3\n"
                                 "t-1 [000] .... 1.1: tracing_mark_write: STOP here\n"
                                 "t-1 [000] .... 1.2: cma_alloc: pfn=1008 page=00000000c0ffee00 count=8 align=3\n";
        ReplayInputs in;
        in.areaSpecs.push_back(std::get<AreaSpec>(parseAreaSpec(std::string(kUnnamedArea) + "=0x1000+64")));
        ReplayOptions opt;
        opt.untilMarker = "STOP";
        const ReplayResult r = replayTrace(parseTraceText(text), in, opt);
        QVERIFY(r.stoppedAtMarker);
        QCOMPARE(r.stopLine, 2u);
        QCOMPARE(r.lines, std::uint64_t(2));
        QCOMPARE(r.requested, std::uint64_t(1));
        QCOMPARE(r.matched, std::uint64_t(1));
        QCOMPARE(r.areas.at(0).state.usedPages(), std::uint64_t(8));
        const ReplayResult all = replayTrace(parseTraceText(text), in);
        QCOMPARE(all.requested, std::uint64_t(2));
        QCOMPARE(all.areas.at(0).state.usedPages(), std::uint64_t(16));
    }

    void whatIf()
    {
        const fs::path dir = captureDir("k612-reserved-mixed");
        const ReplayResult r = replayTrace(loadTrace(dir / "trace.txt"), bootInputs(dir));
        WhatIfSpec same;
        WhatIfResult w = runWhatIf(r, same);
        QVERIFY2(w.error.empty(), w.error.c_str());
        QCOMPARE(w.requests, r.requested);
        QCOMPARE(w.changes.size(), std::size_t(0)); // the kernel policy on the same geometry reproduces the trace
        // It reports progress through the one Progress type, and can be cancelled (it could not).
        std::vector<std::pair<std::uint64_t, std::uint64_t>> reports;
        w = runWhatIf(r, same, [&](std::uint64_t done, std::uint64_t total) {
            reports.emplace_back(done, total);
            return true;
        });
        QVERIFY(!w.cancelled);
        QVERIFY(!reports.empty());
        QCOMPARE(reports.front(), std::make_pair(std::uint64_t(0), std::uint64_t(r.timeline.size())));
        w = runWhatIf(r, same, [](std::uint64_t, std::uint64_t) { return false; });
        QVERIFY(w.cancelled);
        QCOMPARE(w.error, std::string("cancelled"));
        QCOMPARE(w.requests, std::uint64_t(0));
        const auto half = parseWhatIfSpec("size=8M");
        QVERIFY(std::holds_alternative<WhatIfSpec>(half));
        w = runWhatIf(r, std::get<WhatIfSpec>(half));
        QVERIFY(w.nowFail > 0);
        const auto big = std::get<WhatIfSpec>(parseWhatIfSpec("policy=bf,size=64M"));
        w = runWhatIf(r, big);
        QVERIFY(w.nowSucceed > 0);
        QCOMPARE(w.succeeded + w.failed, w.requests);
        for (const auto& c : w.changes)
            QVERIFY(c.recordedOk != c.whatIfOk);
        QVERIFY(std::holds_alternative<std::string>(parseWhatIfSpec("policy=nope")));
        QVERIFY(std::holds_alternative<std::string>(parseWhatIfSpec("size=3")));
        QVERIFY(std::holds_alternative<std::string>(parseWhatIfSpec("colour=red")));
    }
};

QTEST_APPLESS_MAIN(TestReplayCaptures)
#include "tst_replay_captures.moc"
