// SPDX-License-Identifier: GPL-2.0-or-later
// The real Perfetto capture traces/kernel/k72-perfetto (Debian unstable's perfetto 56 on Linux 7.2.13, beside a
// text capture of the same events in a second tracefs instance; traces/README.md): the import equals the text
// event for event, and the replay of either gives the same outcomes and the same area at every checkpoint.
#include "support/captures.h"

#include <cmascope/replay/replay.h>
#include <cmascope/trace/perfetto.h>

#include <QTest>

#include <map>
#include <string>

using namespace cmascope;
using namespace cmascope::test;
namespace fs = std::filesystem;

namespace {

/// The area states at each CHECKPOINT marker, by marker text (the two traces number their events differently).
using States = std::map<std::string, std::map<std::string, std::string>>;

ReplayResult replay(const TraceData& data, const fs::path& dir, States& states)
{
    ReplayInputs in; // tracing began after boot: seeded from the first snapshot
    seedFromFirstSnapshot(in, dir);
    in.bootLogRelease = bootLogKernelRelease(slurp(dir / "dmesg-cma.txt"));
    ReplayOptions opt;
    opt.onMarker = [&](const ReplayMarker& m, std::span<const ReplayAreaResult> areas) {
        for (const auto& a : areas)
            states[m.text][a.area.name] = a.state.debugfsBitmapText();
    };
    return replayTrace(data, in, opt);
}

} // namespace

class TestPerfettoCapture : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Same events in the same order, same task (comm-pid), CPU, type, area and fields. What Perfetto 56 does
    // not record: cma_alloc_start's request_count/available_count/total_count on 7.2 (its typed event has
    // `count`; the import says NoCount). Timestamps: each tracefs instance stamps its own copy of an event; the
    // text (microseconds) is at most 100 us after Perfetto's (nanoseconds) for a cma event, and a marker (two
    // writes, one per instance) at most 10 ms.
    void importEqualsText()
    {
        const fs::path dir = captureDir("k72-perfetto");
        const TraceData text = loadTrace(dir / "trace.txt");
        const TraceData pf = loadTrace(dir / "trace.perfetto-trace");
        QCOMPARE(pf.format, TraceFormat::Perfetto);
        QCOMPARE(pf.events.size(), text.events.size());
        QVERIFY(pf.events.size() > 100);
        QCOMPARE(pf.errorCount, std::uint64_t(0));
        QCOMPARE(pf.lostEvents, std::uint64_t(0));
        QCOMPARE(text.lostEvents, std::uint64_t(0));
        for (std::size_t t = 0; t < kEventTypeCount; ++t)
            QCOMPARE(pf.perType[t], text.perType[t]);
        QVERIFY(text.count(EventType::BusyRetry) > 0);
        for (std::size_t i = 0; i < pf.events.size(); ++i) {
            const TraceEvent& a = pf.events[i];
            const TraceEvent& b = text.events[i];
            const std::string where = "event " + std::to_string(i + 1) + " (text line " + std::to_string(b.line) + ")";
            QVERIFY2(a.type == b.type, where.c_str());
            QVERIFY2(pf.taskName(a) == text.taskName(b), (where + ": " + pf.taskName(a)).c_str());
            QVERIFY2(a.cpu == b.cpu, where.c_str());
            const std::uint64_t us = a.timestampNs / 1000 * 1000;
            const std::uint64_t slack = a.type == EventType::Marker ? 10'000'000 : 100'000;
            QVERIFY2(b.timestampNs >= us && b.timestampNs - us <= slack, where.c_str());
            if (a.type == EventType::Marker) {
                QCOMPARE(pf.markerText(a), text.markerText(b));
                continue;
            }
            QCOMPARE(pf.areaName(a), text.areaName(b));
            QCOMPARE(a.align, b.align);
            if (a.type == EventType::AllocStart) {
                QVERIFY2(a.has(TraceEvent::NoCount) && a.count == 0 && !a.has(TraceEvent::HasAvailable), where.c_str());
                QVERIFY(b.has(TraceEvent::HasAvailable) && b.count > 0);
                continue;
            }
            QCOMPARE(a.pfn, b.pfn);
            QCOMPARE(a.count, b.count);
            QCOMPARE(a.errorno, b.errorno);
            // the page pointer: raw in Perfetto, hashed (%p) in the text; only NULL is the same in both
            QCOMPARE(std::uint8_t(a.flags & ~TraceEvent::NoCount), b.flags);
        }
    }

    // The replay of the Perfetto trace is the replay of the text: outcomes, divergences, and each area's bitmap
    // at every checkpoint (equal to the kernel's snapshot, as tst_replay_owncaptures checks for the text).
    void replaySame()
    {
        const fs::path dir = captureDir("k72-perfetto");
        States textStates, pfStates;
        const ReplayResult t = replay(loadTrace(dir / "trace.txt"), dir, textStates);
        const ReplayResult p = replay(loadTrace(dir / "trace.perfetto-trace"), dir, pfStates);
        QVERIFY2(t.error.empty(), t.error.c_str());
        QVERIFY2(p.error.empty(), p.error.c_str());
        QCOMPARE(p.requested, t.requested);
        QCOMPARE(p.matched, t.matched);
        QCOMPARE(p.compared, t.compared);
        QCOMPARE(p.matched, p.compared);
        QCOMPARE(p.divergenceCount, std::uint64_t(0));
        QCOMPARE(p.busyRetries, t.busyRetries);
        QCOMPARE(p.releases, t.releases);
        QCOMPARE(p.kernel.semantics, t.kernel.semantics);
        QCOMPARE(p.kernel.semantics, KernelSemantics::K6_18); // from the boot log here
        // without the boot log: the size missing from Perfetto's cma_alloc_start is itself 6.18+ evidence
        KernelEvidence evidence;
        for (const auto& e : loadTrace(dir / "trace.perfetto-trace").events)
            evidence.observe(e);
        const KernelSemanticsChoice own = evidence.decide(std::nullopt);
        QCOMPARE(own.semantics, KernelSemantics::K6_18);
        QCOMPARE(own.reason,
            std::string("line 3: cma_alloc_start has no count in this Perfetto trace (the kernel's event "
                        "has request_count: 6.18 and later)"));
        QCOMPARE(p.areas.size(), t.areas.size());
        for (std::size_t i = 0; i < p.areas.size(); ++i) {
            QCOMPARE(p.areas[i].area.name, t.areas[i].area.name);
            QCOMPARE(p.areas[i].failed, t.areas[i].failed);
            QCOMPARE(p.areas[i].state.debugfsBitmapText(), t.areas[i].state.debugfsBitmapText());
        }
        QCOMPARE(pfStates, textStates);
        for (const auto& cp : checkpoints(dir)) {
            const auto it = pfStates.find("CHECKPOINT " + cp.name + " begin");
            QVERIFY2(it != pfStates.end(), cp.name.c_str());
            for (const auto& [area, bitmap] : it->second)
                QCOMPARE(bitmap, slurp(dir / "snapshots" / cp.dir / area / "bitmap"));
        }
    }
};

QTEST_GUILESS_MAIN(TestPerfettoCapture)
#include "tst_perfetto_capture.moc"
