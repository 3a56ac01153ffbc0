// SPDX-License-Identifier: GPL-2.0-or-later
// Late starts on the real captures (docs/late-start.md): detected on the capture traced from after boot
// and on the trace_pipe files, never on the captures traced from boot; the inferred occupancy makes every
// placement predicted, holds only pages the kernel really had allocated, and changes nothing on a clean
// capture. Checks against the debugfs snapshots find no difference on clean captures and the one planted
// in a copy. Areas the boot log defines exist before their first event.
#include "support/captures.h"

#include <cmascope/replay/latestart.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/report.h>
#include <cmascope/replay/snapshotcheck.h>

#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <string_view>

using namespace cmascope;
using namespace cmascope::test;
namespace fs = std::filesystem;

namespace {

ReplayResult replayFile(const QByteArray& capture, const QByteArray& file, LateStartInference inference)
{
    const fs::path dir = captureDir(capture);
    ReplayOptions opt;
    opt.lateStart = inference;
    auto r = replayTraceFile(dir / file.toStdString(), bootInputs(dir), opt);
    if (!r.ok())
        qFatal("%s", r.error.c_str());
    return std::move(r.result);
}

/// Placements (successful requests) whose recorded PFN the kernel policy predicted.
std::uint64_t predictedPlacements(const ReplayResult& r)
{
    return std::uint64_t(std::count_if(r.requests.begin(), r.requests.end(),
        [](const ReplayRequest& q) { return q.succeeded && q.check == ReplayRequest::Matched; }));
}

bool bitSet(const std::vector<std::uint32_t>& words, std::uint64_t bit)
{
    return bit / 32 < words.size() && ((words[bit / 32] >> (bit % 32)) & 1u);
}

} // namespace

class TestLateStart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detection_data()
    {
        QTest::addColumn<QByteArray>("capture");
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<bool>("late");
        QTest::newRow("nvme-late trace.txt") << QByteArray("k612-nvme-late") << QByteArray("trace.txt") << true;
        QTest::newRow("k61-nvme trace_pipe") << QByteArray("k61-nvme") << QByteArray("trace_pipe.txt") << true;
        QTest::newRow("reserved-mixed trace_pipe")
            << QByteArray("k612-reserved-mixed") << QByteArray("trace_pipe.txt") << true;
        QTest::newRow("k61-nvme trace.txt") << QByteArray("k61-nvme") << QByteArray("trace.txt") << false;
        QTest::newRow("reserved-mixed trace.txt")
            << QByteArray("k612-reserved-mixed") << QByteArray("trace.txt") << false;
        QTest::newRow("busy-retry") << QByteArray("k612-busy-retry") << QByteArray("trace.txt") << false;
        QTest::newRow("hugetlb-opb9") << QByteArray("k612-hugetlb-opb9") << QByteArray("trace.txt") << false;
        QTest::newRow("dt-numa") << QByteArray("k612-dt-numa") << QByteArray("trace.txt") << false;
    }
    // Detected exactly where tracing began late; then inferred, and every placement is predicted.
    void detection()
    {
        QFETCH(QByteArray, capture);
        QFETCH(QByteArray, file);
        QFETCH(bool, late);
        const ReplayResult off = replayFile(capture, file, LateStartInference::Off);
        const ReplayResult r = replayFile(capture, file, LateStartInference::Auto);
        QCOMPARE(off.lateStart.detected, late);
        QCOMPARE(r.lateStart.detected, late);
        QCOMPARE(r.lateStart.inferred, late);
        QCOMPARE(off.lateStart.inferred, false);
        QCOMPARE(lateStartLines(r.lateStart).empty(), !late);
        // before = the uninferred replay's figures
        QCOMPARE(r.lateStart.predictedBefore, predictedPlacements(off));
        QCOMPARE(r.lateStart.predictedAfter, predictedPlacements(r));
        QCOMPARE(r.lateStart.placementsAfter, r.succeeded);
        if (!late) {
            QVERIFY(r.lateStart.evidence.empty());
            QVERIFY(r.lateStart.seeds.empty());
            QCOMPARE(r.divergenceCount, std::uint64_t(0));
            return;
        }
        QVERIFY(!r.lateStart.evidence.empty());
        QVERIFY(r.lateStart.predictedBefore < r.lateStart.placementsBefore / 5); // badly predicted without
        QCOMPARE(r.lateStart.predictedAfter, r.lateStart.placementsAfter); // all of them with
        QCOMPARE(r.divergenceCount, std::uint64_t(0));
        QVERIFY(r.lateStart.inferredPages > 0);
        // the seeds are on the timeline before the first request, marked as inferred
        std::uint64_t seeded = 0;
        bool requestSeen = false;
        for (std::size_t i = 0; i < r.timeline.size(); ++i) {
            requestSeen = requestSeen || r.timeline[i].kind == TimelineEntry::Request;
            if (r.timeline[i].kind != TimelineEntry::Seed)
                continue;
            QVERIFY(!requestSeen);
            QCOMPARE(r.timeline[i].index, TimelineEntry::kInferredSeed);
            QCOMPARE(r.scenario.symbols.name(r.scenario.steps[i].device), std::string_view("(inferred before trace)"));
            seeded += r.scenario.steps[i].size;
        }
        QCOMPARE(seeded, r.lateStart.inferredPages);
    }

    // Cut in the middle of a request: its finish has no start, and releases of earlier allocations follow.
    void cutTraceDetected()
    {
        const fs::path dir = captureDir("k612-reserved-mixed");
        TraceData data = loadTrace(dir / "trace.txt");
        std::size_t cut = 0;
        for (std::size_t i = data.events.size() / 2; i < data.events.size() && !cut; ++i)
            if (data.events[i].type == EventType::AllocStart)
                cut = i + 1; // keep its finish, drop its start
        QVERIFY(cut > 0);
        const std::uint32_t orphanLine = data.events[cut].line;
        data.events.erase(data.events.begin(), data.events.begin() + std::ptrdiff_t(cut));
        const ReplayResult r = replayTrace(data, bootInputs(dir));
        QVERIFY(r.lateStart.detected);
        const auto& ev = r.lateStart.evidence;
        const bool orphan = std::any_of(ev.begin(), ev.end(), [&](const std::string& e) {
            return e.find("before the first cma_alloc_start") != std::string::npos
                && e.find("line " + std::to_string(orphanLine)) != std::string::npos;
        });
        QVERIFY(orphan);
        QVERIFY(r.lateStart.inferred);
        QVERIFY(r.lateStart.predictedAfter > r.lateStart.predictedBefore);
    }

    // Every inferred page was allocated in the kernel when tracing began (snapshots/00-start), and
    // the inference is close to the smallest: it misses only pages nothing in the trace touches.
    void inferredPagesWereAllocated()
    {
        const fs::path dir = captureDir("k612-nvme-late");
        const ReplayResult r = replayFile("k612-nvme-late", "trace.txt", LateStartInference::Auto);
        const auto snap = readDebugfsAreas(dir / "snapshots" / "00-start");
        QVERIFY2(snap.error.empty(), snap.error.c_str());
        const DebugfsSnapshot& start = snap.snapshots.at(0);
        QVERIFY(!r.lateStart.seeds.empty());
        for (const auto& s : r.lateStart.seeds) {
            QCOMPARE(s.area, std::string("reserved"));
            for (std::uint64_t p = s.pfn; p < s.pfn + s.pages; ++p)
                QVERIFY2(bitSet(start.bitmap, p - start.basePfn), std::to_string(p).c_str());
        }
        QVERIFY(r.lateStart.inferredPages <= start.used);
        QVERIFY(r.lateStart.inferredPages >= start.used - 64);
    }

    // trace_pipe misses the three boot-time DMA atomic pools (3 x 32 pages at the area's base, never
    // released): what is inferred lies there.
    void tracePipeInfersTheBootPools_data()
    {
        QTest::addColumn<QByteArray>("capture");
        QTest::newRow("k61-nvme") << QByteArray("k61-nvme");
        QTest::newRow("reserved-mixed") << QByteArray("k612-reserved-mixed");
    }
    void tracePipeInfersTheBootPools()
    {
        QFETCH(QByteArray, capture);
        const ReplayResult r = replayFile(capture, "trace_pipe.txt", LateStartInference::Auto);
        const std::uint64_t base = r.areas.at(0).area.basePfn;
        QVERIFY(!r.lateStart.seeds.empty());
        for (const auto& s : r.lateStart.seeds)
            QVERIFY(s.pfn >= base && s.pfn + s.pages <= base + 96);
        QVERIFY(r.lateStart.inferredPages <= 96);
    }

    // Forcing the inference on a capture traced from boot changes nothing.
    void cleanCaptureUnchanged_data()
    {
        QTest::addColumn<QByteArray>("capture");
        for (const char* c : { "k61-nvme", "k612-reserved-mixed", "k612-busy-retry", "k612-hugetlb-opb9" })
            QTest::newRow(c) << QByteArray(c);
    }
    void cleanCaptureUnchanged()
    {
        QFETCH(QByteArray, capture);
        const ReplayResult off = replayFile(capture, "trace.txt", LateStartInference::Off);
        const ReplayResult forced = replayFile(capture, "trace.txt", LateStartInference::Always);
        QCOMPARE(forced.lateStart.inferred, false);
        QCOMPARE(forced.lateStart.inferredPages, std::uint64_t(0));
        QCOMPARE(forced.matched, off.matched);
        QCOMPARE(forced.compared, off.compared);
        QCOMPARE(forced.scenario.steps.size(), off.scenario.steps.size());
        QCOMPARE(forced.areas.size(), off.areas.size());
        for (std::size_t i = 0; i < off.areas.size(); ++i)
            QCOMPARE(forced.areas[i].state.debugfsBitmapText(), off.areas[i].state.debugfsBitmapText());
    }

    // A debugfs snapshot seeds the area: nothing is left to infer.
    void seededFromSnapshotNotLate()
    {
        const fs::path dir = captureDir("k612-nvme-late");
        ReplayInputs in = bootInputs(dir);
        seedFromFirstSnapshot(in, dir); // 00-start
        const auto r = replayTraceFile(traceFile(dir), in);
        QVERIFY(r.ok());
        QCOMPARE(r.result.lateStart.detected, false);
        QCOMPARE(r.result.divergenceCount, std::uint64_t(0));
    }

    void reportField()
    {
        const ReplayResult r = replayFile("k612-nvme-late", "trace.txt", LateStartInference::Auto);
        const auto j = nlohmann::json::parse(replayReportJson(r, "trace.txt"));
        const auto& l = j.at("late_start");
        QCOMPARE(l.at("detected").get<bool>(), true);
        QVERIFY(!l.at("evidence").empty());
        QCOMPARE(l.at("inferred_pages").get<std::uint64_t>(), r.lateStart.inferredPages);
        QCOMPARE(l.at("inferred").size(), r.lateStart.seeds.size());
        QCOMPARE(l.at("inferred")[0].at("area").get<std::string>(), std::string("reserved"));
        QVERIFY(l.at("predicted_before").get<std::uint64_t>() < l.at("predicted_after").get<std::uint64_t>());
        const auto clean = nlohmann::json::parse(
            replayReportJson(replayFile("k61-nvme", "trace.txt", LateStartInference::Auto), "trace.txt"));
        QCOMPARE(clean.at("late_start").at("detected").get<bool>(), false);
        QCOMPARE(clean.at("late_start").at("inferred_pages").get<std::uint64_t>(), std::uint64_t(0));
    }

    void snapshotsMatchCleanCaptures_data()
    {
        QTest::addColumn<QByteArray>("capture");
        QTest::addColumn<int>("areas");
        QTest::newRow("k61-nvme") << QByteArray("k61-nvme") << 1;
        QTest::newRow("reserved-mixed") << QByteArray("k612-reserved-mixed") << 1;
        QTest::newRow("busy-retry") << QByteArray("k612-busy-retry") << 1;
        QTest::newRow("hugetlb-opb9") << QByteArray("k612-hugetlb-opb9") << 2;
        QTest::newRow("dt-numa") << QByteArray("k612-dt-numa") << 4;
    }
    void snapshotsMatchCleanCaptures()
    {
        QFETCH(QByteArray, capture);
        QFETCH(int, areas);
        const fs::path dir = captureDir(capture);
        const auto check = checkTraceSnapshots(traceFile(dir), bootInputs(dir), dir / "snapshots");
        QVERIFY2(check.error.empty(), check.error.c_str());
        const auto cps = checkpoints(dir);
        QCOMPARE(check.result.checkpoints, cps.size());
        QCOMPARE(check.result.areasCompared, cps.size() * std::size_t(areas));
        QVERIFY2(check.result.ok(), snapshotCheckLines(check.result).front().c_str());
    }

    // One bitmap word changed in a copy of a snapshot: exactly that checkpoint and range are reported.
    void plantedDifferenceFound()
    {
        const fs::path dir = captureDir("k612-reserved-mixed");
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const fs::path copy = fs::path(tmp.path().toStdString()) / "snapshots";
        fs::copy(dir / "snapshots", copy, fs::copy_options::recursive);
        fs::copy_file(dir / "checkpoints.tsv", copy.parent_path() / "checkpoints.tsv");
        const auto cps = checkpoints(dir);
        const Checkpoint& cp = cps.at(3);
        const fs::path bitmapFile = copy / cp.dir / "reserved" / "bitmap";
        auto words = *parseDebugfsBitmap(slurp(bitmapFile));
        words.at(10) ^= 0x00000f00u; // bits 328..331 flipped
        std::ofstream(bitmapFile, std::ios::trunc) << formatDebugfsBitmap(words);

        const auto check = checkTraceSnapshots(traceFile(dir), bootInputs(dir), copy);
        QVERIFY2(check.error.empty(), check.error.c_str());
        QCOMPARE(check.result.differences.size(), std::size_t(1));
        const SnapshotDifference& d = check.result.differences.front();
        QCOMPARE(d.checkpoint, cp.name);
        QCOMPARE(d.area, std::string("reserved"));
        QCOMPARE(d.firstPfn, std::uint64_t(0x7dc00 + 328));
        QCOMPARE(d.runPages, std::uint64_t(4));
        QCOMPARE(d.differingPages, std::uint64_t(4));
        QVERIFY(d.text.find("4 pages differ") != std::string::npos);
    }

    void unusableSnapshotDirectory()
    {
        QTemporaryDir tmp;
        const auto read = readCheckpointSnapshots(tmp.path().toStdString());
        QVERIFY(read.snapshots.empty());
        QVERIFY(read.error.find("no snapshot here") != std::string::npos);
        QVERIFY(
            readCheckpointSnapshots(tmp.filePath(QStringLiteral("missing")).toStdString()).error.find("not a directory")
            != std::string::npos);
    }

    // Stopped at the first checkpoint, the areas of the boot log are all there, events or not.
    void bootLogAreasFromTheStart()
    {
        const fs::path dir = captureDir("k612-dt-numa");
        ReplayOptions opt;
        opt.untilMarker = "CHECKPOINT boot begin";
        const auto r = replayTraceFile(traceFile(dir), bootInputs(dir), opt);
        QVERIFY(r.ok());
        QVERIFY(r.result.stoppedAtMarker);
        QCOMPARE(r.result.areas.size(), std::size_t(4));
        for (const char* name : { "linux,cma", "camera@70000000", "hugetlb0", "hugetlb1" })
            QVERIFY2(r.result.findArea(name) != nullptr, name);
        QCOMPARE(r.result.findArea("hugetlb1")->area.orderPerBit, 9u);
    }
};

QTEST_GUILESS_MAIN(TestLateStart)
#include "tst_latestart.moc"
