// SPDX-License-Identifier: GPL-2.0-or-later
// Replay of the captures made by traces/capture/capture.sh (traces/kernel/k612-*; see
// traces/README.md, "Captures made with traces/capture"): several areas with order_per_bit 0 and
// 9, cma_alloc_busy_retry under pinned movable pages, tracing started after boot, and areas from
// device-tree reserved-memory nodes and per NUMA node. For every
// capture, every recorded outcome is predicted by the kernel policy and, at every CHECKPOINT
// marker, each area's replayed bitmap, used and maxchunk equal the kernel's snapshot byte for byte.
#include "support/captures.h"

#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/report.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/trace/events.h>

#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using namespace cmascope;
using namespace cmascope::test;
namespace fs = std::filesystem;

namespace {

/// The area directories of one snapshot (those with a `bitmap` file), by name.
std::vector<std::string> snapshotAreas(const fs::path& snap)
{
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(snap))
        if (e.is_directory() && fs::exists(e.path() / "bitmap"))
            names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

/// Seeded from the capture's first snapshot (taken right after tracing was switched on).
ReplayInputs seededInputs(const fs::path& dir)
{
    ReplayInputs in;
    seedFromFirstSnapshot(in, dir);
    return in;
}

/// An area at a marker, as 6.12's mm/cma_debug.c shows it: `used` is the bitmap weight <<
/// order_per_bit (usedBitPages(); newer kernels show count - available_count, usedPages()).
struct AreaState
{
    std::string bitmap; ///< range 0's (the whole area's when it has one range)
    std::uint64_t used = 0, maxchunk = 0;
    std::uint64_t usedPages = 0; ///< count - available_count: what 6.15+ kernels show as `used`
    std::vector<std::string> rangeBitmaps; ///< every range's, in the area's order
};
using MarkerStates = std::map<std::uint32_t, std::map<std::string, AreaState>>; // marker line -> area -> state

ReplayResult replayWithStates(const TraceData& data, const ReplayInputs& in, MarkerStates& states,
    LateStartInference inference = LateStartInference::Auto)
{
    ReplayOptions opt;
    opt.lateStart = inference;
    opt.onMarker = [&](const ReplayMarker& m, std::span<const ReplayAreaResult> areas) {
        for (const auto& a : areas) {
            AreaState st { a.state.debugfsBitmapText(), a.usedBitPages(), a.maxchunkPages(), a.usedPages(), {} };
            for (std::size_t r = 0; r < a.rangeCount(); ++r)
                st.rangeBitmaps.push_back(a.rangeState(r).debugfsBitmapText());
            states[m.line][a.area.name] = std::move(st);
        }
    };
    return replayTrace(data, in, opt);
}

/// The multi-range areas of the capture's first snapshot, as --area specs from the ranges/N/{base_pfn,count} files
/// the capture module writes (the boot log gives no range bases; traces/README.md).
std::vector<AreaSpec> multiRangeSpecs(const fs::path& dir)
{
    std::vector<AreaSpec> specs;
    const fs::path snap = dir / "snapshots" / checkpoints(dir).at(0).dir;
    for (const auto& name : snapshotAreas(snap)) {
        if (!fs::exists(snap / name / "ranges" / "1"))
            continue;
        std::string text = name + "=";
        for (int r = 0; fs::exists(snap / name / "ranges" / std::to_string(r)); ++r) {
            const fs::path rd = snap / name / "ranges" / std::to_string(r);
            text += (r ? "," : "") + std::to_string(std::stoull(slurp(rd / "base_pfn"))) + "+"
                + std::to_string(std::stoull(slurp(rd / "count")));
        }
        text += "/" + std::to_string(std::stoul(slurp(snap / name / "order_per_bit")));
        specs.push_back(std::get<AreaSpec>(parseAreaSpec(text)));
    }
    return specs;
}

bool allZero(const std::string& bitmapText)
{
    return bitmapText.find_first_not_of("0 \n") == std::string::npos;
}

} // namespace

class TestReplayOwnCaptures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void captures_data()
    {
        QTest::addColumn<QByteArray>("capture");
        QTest::addColumn<bool>("lateStart"); // no trace_event= at boot: replay seeded from snapshots/00-start
        QTest::addColumn<QByteArray>("areas"); // the areas the trace uses, separated by spaces
        QTest::newRow("k612-hugetlb-opb9")
            << QByteArray("k612-hugetlb-opb9") << false << QByteArray("hugetlb0 reserved");
        QTest::newRow("k612-busy-retry") << QByteArray("k612-busy-retry") << false << QByteArray("reserved");
        QTest::newRow("k612-nvme-late") << QByteArray("k612-nvme-late") << true << QByteArray("reserved");
        QTest::newRow("k612-dt-numa") << QByteArray("k612-dt-numa") << false
                                      << QByteArray("camera@70000000 hugetlb0 hugetlb1 linux,cma");
        // Linux 7.2.13 (6.15+ semantics: a full area returns -EBUSY, pfn=0x0 on failure; 6.18's start event).
        QTest::newRow("k72-busy-areas") << QByteArray("k72-busy-areas") << false
                                        << QByteArray("camera@5c000000 reserved video");
        // Linux 7.2.13: hugetlb0 in two ranges (0x100000 and 0x180000; docs/kernel-cma.md, "Multi-range areas").
        QTest::newRow("k72-hugetlb-multirange")
            << QByteArray("k72-hugetlb-multirange") << false << QByteArray("hugetlb0 reserved");
        // Its trace.txt, recorded in a second tracefs instance beside Perfetto (tst_perfetto_capture replays its
        // trace.perfetto-trace against this).
        QTest::newRow("k72-perfetto") << QByteArray("k72-perfetto") << true << QByteArray("reserved");
        QTest::newRow("k72-busy-evidence") << QByteArray("k72-busy-evidence") << false << QByteArray("reserved");
    }

    // Every prediction matches and every checkpoint equals the kernel's snapshot, for every area.
    void fidelityAndCheckpoints_data() { captures_data(); }
    void fidelityAndCheckpoints()
    {
        QFETCH(QByteArray, capture);
        QFETCH(bool, lateStart);
        QFETCH(QByteArray, areas);
        std::set<std::string> names;
        for (const auto& a : areas.split(' '))
            names.insert(a.toStdString());
        const fs::path dir = captureDir(capture);
        const TraceData data = loadTrace(traceFile(dir));
        const auto cps = checkpoints(dir);
        QVERIFY(cps.size() >= 3);
        MarkerStates states;
        ReplayInputs inputs = lateStart ? seededInputs(dir) : bootInputs(dir);
        inputs.areaSpecs = multiRangeSpecs(dir);
        const ReplayResult r = replayWithStates(data, inputs, states);
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.areas.size(), names.size());
        for (const auto& a : r.areas) {
            QVERIFY2(names.count(a.area.name) == 1, a.area.name.c_str());
            QCOMPARE(a.area.source,
                a.rangeCount() > 1 ? AreaSource::CommandLine
                    : lateStart    ? AreaSource::Debugfs
                                   : AreaSource::BootLog);
        }
        QCOMPARE(r.requested, data.count(EventType::AllocFinish));
        QCOMPARE(r.releases, data.count(EventType::Release));
        QCOMPARE(r.busyRetries, data.count(EventType::BusyRetry));
        QCOMPARE(r.compared, r.requested);
        for (const auto& d : r.divergences)
            qWarning("divergence line %u: %s", d.line, d.text.c_str());
        QCOMPARE(r.divergenceCount, std::uint64_t(0));
        QCOMPARE(r.matched, r.compared);
        QCOMPARE(r.incomplete, std::uint64_t(0));
        for (const auto& w : r.warnings)
            qWarning("warning line %u: %s", w.line, w.message.c_str());
        QCOMPARE(r.warningCount, std::uint64_t(0));

        std::size_t compared = 0;
        for (const auto& cp : cps) {
            const fs::path snap = dir / "snapshots" / cp.dir;
            const auto it = states.find(cp.beginLine);
            for (const auto& name : snapshotAreas(snap)) {
                const fs::path s = snap / name;
                if (it == states.end() || !it->second.contains(name)) {
                    // The replay reports an area from its first event on. Before that, the area is
                    // the seed (the late-start capture's first snapshot) or untouched, i.e. empty.
                    if (!(lateStart && cp.dir == cps.front().dir))
                        QVERIFY2(allZero(slurp(s / "bitmap")), (cp.dir + "/" + name).c_str());
                    continue;
                }
                const AreaState& state = it->second.at(name);
                const ReplayAreaResult* ar = r.findArea(name);
                QVERIFY(ar);
                QCOMPARE(std::to_string(ar->area.basePfn) + "\n", slurp(s / "base_pfn"));
                QCOMPARE(std::to_string(ar->area.totalPages()) + "\n", slurp(s / "count"));
                QCOMPARE(std::to_string(ar->area.orderPerBit) + "\n", slurp(s / "order_per_bit"));
                QCOMPARE(state.bitmap, slurp(s / "bitmap")); // byte for byte
                // 6.15+ (ranges/ present) shows count - available_count as `used`, 6.12 the bitmap's weight
                const bool ranges = fs::exists(s / "ranges" / "0");
                QCOMPARE(std::to_string(ranges ? state.usedPages : state.used) + "\n", slurp(s / "used"));
                QCOMPARE(std::to_string(state.maxchunk) + "\n", slurp(s / "maxchunk"));
                for (std::size_t n = 0; ranges && n < ar->rangeCount(); ++n) {
                    const fs::path rd = s / "ranges" / std::to_string(n);
                    QCOMPARE(std::to_string(ar->area.range(n).basePfn) + "\n", slurp(rd / "base_pfn"));
                    QCOMPARE(state.rangeBitmaps.at(n), slurp(rd / "bitmap")); // byte for byte, every range
                }
                QVERIFY(!fs::exists(s / "ranges" / std::to_string(ar->rangeCount())));
                ++compared;
            }
        }
        QVERIFY(compared >= cps.size() - 1);
    }

    // hugetlb_cma's area has order_per_bit = HUGETLB_PAGE_ORDER (9): requests are rounded up to
    // whole 512-page bits, alignment orders up to 9 add nothing, and the gigantic pages
    // (32 MiB: 8192 pages at align 13, 1 GiB: 262144 pages at align 18) come from it.
    void orderPerBitArea()
    {
        const fs::path dir = captureDir("k612-hugetlb-opb9");
        const TraceData data = loadTrace(traceFile(dir));
        MarkerStates states;
        const ReplayResult r = replayWithStates(data, bootInputs(dir), states);
        const ReplayAreaResult* huge = r.findArea("hugetlb0");
        QVERIFY(huge);
        QCOMPARE(huge->area.orderPerBit, 9u);
        QCOMPARE(huge->area.pages, std::uint64_t(262144)); // hugetlb_cma=1G, rounded to the 1 GiB gigantic page
        QCOMPARE(huge->area.basePfn % 262144, std::uint64_t(0));
        const ReplayAreaResult* def = r.findArea("reserved");
        QVERIFY(def);
        QCOMPARE(def->area.orderPerBit, 0u);
        bool oddSize = false, gigantic32M = false, gigantic1G = false;
        for (const auto& q : r.requests) {
            if (q.area != static_cast<std::uint32_t>(huge - r.areas.data()) || !q.succeeded)
                continue;
            QCOMPARE((q.pfn - huge->area.basePfn) % 512, std::uint64_t(0)); // a bit is 512 pages
            oddSize = oddSize || q.count % 512 != 0;
            gigantic32M = gigantic32M || (q.count == 8192 && q.align == 13);
            gigantic1G = gigantic1G || (q.count == 262144 && q.align == 18);
        }
        QVERIFY(oddSize);
        QVERIFY(gigantic32M);
        QVERIFY(gigantic1G);
        for (const auto& [line, areas] : states) {
            const auto it = areas.find("hugetlb0");
            if (it != areas.end())
                QCOMPARE(it->second.used % 512, std::uint64_t(0)); // used = bitmap weight << 9
        }
        QVERIFY(huge->releases > 0);
        QVERIFY(huge->succeeded > 0);
        QVERIFY(huge->failed > 0);
        // The report gives both spellings of debugfs `used`: 6.12's (set bits << 9) and the newer one.
        const auto report = nlohmann::json::parse(replayReportJson(r, "trace.txt"));
        bool seen = false;
        for (const auto& a : report.at("areas")) {
            if (a.at("name") != "hugetlb0")
                continue;
            seen = true;
            QCOMPARE(a.at("used_bit_pages").get<std::uint64_t>(), huge->state.usedBitPages());
            QCOMPARE(a.at("used_pages").get<std::uint64_t>(), huge->state.usedPages());
            QCOMPARE(a.at("used_bit_pages").get<std::uint64_t>() % 512, std::uint64_t(0));
        }
        QVERIFY(seen);
    }

    // Gigantic pages the kernel refused, replayed: each refusal's cause is the alignment exactly when the
    // empty area has no window of that size at that alignment, and fragmentation (or lack of memory) is never
    // blamed for it.
    void alignmentRefusals_data()
    {
        QTest::addColumn<QByteArray>("capture");
        QTest::newRow("k612-hugetlb-opb9") << QByteArray("k612-hugetlb-opb9");
        QTest::newRow("k612-dt-numa") << QByteArray("k612-dt-numa");
    }
    void alignmentRefusals()
    {
        QFETCH(QByteArray, capture);
        const fs::path dir = captureDir(capture);
        const ReplayResult r = replayTrace(loadTrace(traceFile(dir)), bootInputs(dir));
        QVERIFY2(r.error.empty(), r.error.c_str());
        auto created = Simulation::create(r.platform, r.scenario);
        QVERIFY(std::holds_alternative<Simulation>(created));
        auto& sim = std::get<Simulation>(created);
        QVERIFY(sim.run());
        std::size_t refused = 0;
        for (std::size_t i = 0; i < sim.stepCount(); ++i) {
            const Step& s = r.scenario.steps[i];
            if (s.type != StepType::Refused)
                continue;
            ++refused;
            const Region& region = r.platform.regions[s.region];
            const std::uint64_t pages = region.size / region.pageSize;
            const std::uint64_t align = std::uint64_t(1) << s.alignLog2;
            const std::uint64_t base = *region.placedBase / region.pageSize;
            const std::uint64_t skip = (align - base % align) % align;
            const bool impossible = skip > pages || s.size > pages - skip;
            const Refusal refusal = sim.records()[i].refusal;
            qInfo("step %zu: %llu pages at order %u in %s (%llu pages at PFN 0x%llx): %s", i,
                static_cast<unsigned long long>(s.size), unsigned(s.alignLog2), region.name.c_str(),
                static_cast<unsigned long long>(pages), static_cast<unsigned long long>(base),
                std::string(refusalName(refusal)).c_str());
            QCOMPARE(refusal == Refusal::Alignment, impossible);
            if (impossible) {
                const Diagnosis dg = sim.diagnose(i);
                QCOMPARE(dg.attempts.at(0).result.refusal, Refusal::Alignment);
                QVERIFY2(dg.attempts[0].verdict.find("not fragmentation") != std::string::npos,
                    dg.attempts[0].verdict.c_str());
            }
        }
        QVERIFY(refused > 0);
    }

    // Areas from device-tree reserved-memory shared-dma-pool nodes (named after the node: the
    // default `linux,cma` placed by the kernel, `camera@70000000` at its fixed `reg`) and one
    // hugetlb_cma area per NUMA node: all four come from the boot log alone.
    void deviceTreeAndNumaAreas()
    {
        const fs::path dir = captureDir("k612-dt-numa");
        const TraceData data = loadTrace(traceFile(dir));
        const ReplayResult r = replayTrace(data, bootInputs(dir));
        QVERIFY2(r.error.empty(), r.error.c_str());
        struct Want
        {
            const char* name;
            std::uint64_t basePfn, pages;
            unsigned orderPerBit;
        };
        for (const Want& w : { Want { "linux,cma", 0x17f000, 4096, 0 }, Want { "camera@70000000", 0x70000, 2048, 0 },
                 Want { "hugetlb0", 0x80000, 262144, 9 }, Want { "hugetlb1", 0x100000, 262144, 9 } }) {
            const ReplayAreaResult* a = r.findArea(w.name);
            QVERIFY2(a, w.name);
            QCOMPARE(a->area.source, AreaSource::BootLog);
            QCOMPARE(a->area.basePfn, w.basePfn);
            QCOMPARE(a->area.pages, w.pages);
            QCOMPARE(a->area.orderPerBit, w.orderPerBit);
            QVERIFY2(a->succeeded > 0 && a->releases > 0, w.name);
        }
        // the boot-time DMA atomic pools come from the device tree's default area
        const ReplayAreaResult* def = r.findArea("linux,cma");
        bool bootPool = false;
        for (const auto& q : r.requests)
            bootPool = bootPool
                || (q.area == static_cast<std::uint32_t>(def - r.areas.data()) && q.succeeded
                    && q.finishLine < checkpoints(dir).at(0).beginLine);
        QVERIFY(bootPool);
        QCOMPARE(r.divergenceCount, std::uint64_t(0));
    }

    // Pinned movable pages inside the area: cma_alloc() retries the next aligned window on -EBUSY.
    void busyRetries()
    {
        const fs::path dir = captureDir("k612-busy-retry");
        const TraceData data = loadTrace(traceFile(dir));
        const ReplayResult r = replayTrace(data, bootInputs(dir));
        QVERIFY(r.busyRetries > 0);
        QCOMPARE(r.divergenceCount, std::uint64_t(0));
        std::uint64_t failedAfterRetries = 0, succeededAfterRetries = 0, perRequest = 0;
        for (const auto& q : r.requests) {
            perRequest += q.busyRetries;
            if (q.busyRetries > 0)
                (q.succeeded ? succeededAfterRetries : failedAfterRetries) += 1;
        }
        QCOMPARE(perRequest, r.busyRetries);
        QVERIFY(failedAfterRetries > 0); // every window busy: the request fails (-EBUSY)
        QVERIFY(succeededAfterRetries > 0); // a later window had no pinned page
        // the kernel's errorno of the failures after retries is -EBUSY
        bool ebusy = false;
        for (const auto& e : data.events)
            ebusy = ebusy || (e.type == EventType::AllocFinish && e.failed() && e.errorno == -16);
        QVERIFY(ebusy);
    }

    // Tracing started after boot: seeded from snapshots/00-start the replay is exact (see
    // fidelityAndCheckpoints); unseeded it does not know the earlier allocations.
    void lateStartUnseeded()
    {
        const fs::path dir = captureDir("k612-nvme-late");
        const TraceData data = loadTrace(traceFile(dir));
        QVERIFY(slurp(dir / "cmdline.txt").find("trace_event=") == std::string::npos);
        const auto cps = checkpoints(dir);
        QCOMPARE(cps.at(0).name, std::string("start"));
        // nothing before the first checkpoint: tracing began there
        for (const auto& e : data.events)
            if (e.type != EventType::Marker)
                QVERIFY(e.line > cps.at(0).beginLine);
        // the area was not empty when tracing started
        QVERIFY(!allZero(slurp(dir / "snapshots" / cps.at(0).dir / "reserved" / "bitmap")));

        MarkerStates states;
        // (without the late-start inference of docs/late-start.md, which tst_latestart tests)
        const ReplayResult unseeded = replayWithStates(data, bootInputs(dir), states, LateStartInference::Off);
        QVERIFY(unseeded.error.empty());
        QCOMPARE(unseeded.areas.at(0).area.source, AreaSource::BootLog);
        QVERIFY(unseeded.warningCount > 0);
        QVERIFY(unseeded.areas.at(0).unknownReleasePages > 0);
        bool mentions = false;
        for (const auto& w : unseeded.warnings)
            mentions = mentions || w.message.find("not known to be allocated") != std::string::npos;
        QVERIFY(mentions);
        // placed into pages it believes free, the kernel policy cannot predict the driver's PFNs
        QVERIFY(unseeded.divergenceCount > 0);
        QVERIFY(unseeded.matched < unseeded.compared);
        // and its state differs from the kernel's at the next checkpoint
        const auto& next = states.at(cps.at(1).beginLine).at("reserved");
        QVERIFY(next.bitmap != slurp(dir / "snapshots" / cps.at(1).dir / "reserved" / "bitmap"));

        const ReplayResult seeded = replayTrace(data, seededInputs(dir));
        QCOMPARE(seeded.areas.at(0).area.source, AreaSource::Debugfs);
        QCOMPARE(seeded.divergenceCount, std::uint64_t(0));
        QCOMPARE(seeded.warningCount, std::uint64_t(0));
        QCOMPARE(seeded.areas.at(0).unknownReleasePages, std::uint64_t(0));
        QCOMPARE(seeded.areas.at(0).state.debugfsBitmapText(),
            slurp(dir / "snapshots" / cps.back().dir / "reserved" / "bitmap"));
    }
};

QTEST_APPLESS_MAIN(TestReplayOwnCaptures)
#include "tst_replay_owncaptures.moc"
