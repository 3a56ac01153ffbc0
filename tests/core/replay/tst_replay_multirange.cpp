// SPDX-License-Identifier: GPL-2.0-or-later
// The replay of a 6.15+ multi-range area (docs/kernel-cma.md, "Multi-range areas in cmascope"): requests served
// range by range in the area's order, releases and busy windows in the range that holds them, failures read over
// every range, the report's `ranges`, the timeline's region per range, the explanation's per-range dump, and the
// debugfs ranges/N directories as geometry and initial state.
#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/report.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/trace/debugfs.h>
#include <cmascope/trace/parser.h>

#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace cmascope;
namespace fs = std::filesystem;

namespace {

/// Area h: range 0 of 1024 pages at 0x200000, then range 1 of 1024 pages at 0x100000 (the area's order is not
/// the address order, as a hugetlb area's can be); order_per_bit 0. 6.18 start events.
ReplayInputs twoRangeInputs()
{
    ReplayInputs in;
    in.areaSpecs.push_back(std::get<AreaSpec>(parseAreaSpec("h=0x200000+1024,0x100000+1024")));
    return in;
}

std::string start(int task, double t, unsigned count, unsigned align, unsigned available)
{
    return "  t-" + std::to_string(task) + " [000] .....  " + std::to_string(t)
        + ": cma_alloc_start: name=h request_count=" + std::to_string(count)
        + " available_count=" + std::to_string(available) + " total_count=2048 align=" + std::to_string(align) + "\n";
}

std::string finish(int task, double t, const char* pfn, unsigned count, unsigned align, int err = 0)
{
    return "  t-" + std::to_string(task) + " [000] .....  " + std::to_string(t) + ": cma_alloc_finish: name=h pfn="
        + pfn + (err ? " page=0000000000000000" : " page=00000000deadbeef") + " count=" + std::to_string(count)
        + " align=" + std::to_string(align) + " errorno=" + std::to_string(err) + "\n";
}

std::string release(double t, const char* pfn, unsigned count)
{
    return "  t-1 [000] .....  " + std::to_string(t) + ": cma_release: name=h pfn=" + pfn
        + " page=00000000deadbeef count=" + std::to_string(count) + "\n";
}

/// Fills range 0 with 1024 pages, puts 512 in range 1, releases 256 of range 1, then asks 1536 (no range holds
/// it: refused) and 256 (range 1, in the hole the release left).
std::string twoRangeTrace()
{
    return start(1, 1.0, 1024, 0, 2048) + finish(1, 1.1, "0x200000", 1024, 0) + start(1, 1.2, 512, 9, 1024)
        + finish(1, 1.3, "0x100000", 512, 9) + release(1.4, "0x100000", 256) + start(1, 1.5, 1536, 0, 768)
        + finish(1, 1.6, "0x0", 1536, 0, -16) + start(1, 1.7, 256, 8, 768) + finish(1, 1.8, "0x100000", 256, 8);
}

void writeFile(const fs::path& file, const std::string& text)
{
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

} // namespace

class TestReplayMultiRange : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rangeByRange()
    {
        const ReplayResult r = replayTrace(parseTraceText(twoRangeTrace()), twoRangeInputs());
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.requested, 4u);
        QCOMPARE(r.matched, 4u);
        QCOMPARE(r.warningCount, 0u);
        const ReplayAreaResult* h = r.findArea("h");
        QVERIFY(h);
        QCOMPARE(h->rangeCount(), std::size_t(2));
        QCOMPARE(h->state.usedPages(), 1024u); // range 0 full
        QCOMPARE(h->moreStates.at(0).usedPages(), 512u); // 512 - 256 + 256
        QCOMPARE(h->availablePages(), 512u);
        QCOMPARE(h->maxchunkPages(), 512u);
        // the 1536-page request fits in no range, even an empty one
        QCOMPARE(r.requests.at(2).cause, FailureCause::Alignment);
        QVERIFY2(
            r.failureEvidence(2).find("any of the area's 2 ranges") != std::string::npos, r.failureEvidence(2).c_str());
    }

    // The kernel serves range 0 first: a trace that says range 1 while range 0 had room diverges.
    void rangeOrderIsChecked()
    {
        const std::string trace = start(1, 1.0, 512, 0, 2048) + finish(1, 1.1, "0x100000", 512, 0);
        const ReplayResult r = replayTrace(parseTraceText(trace), twoRangeInputs());
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.divergenceCount, 1u);
        QCOMPARE(r.divergences.at(0).predictedPfn, std::uint64_t(0x200000));
        // the recorded placement is applied in the range that holds it
        QCOMPARE(r.findArea("h")->moreStates.at(0).usedPages(), 512u);
    }

    // A busy window in range 0 moves the search on inside range 0, then to range 1.
    void busyWindowsByPfn()
    {
        const std::string busy = "  t-1 [000] .....  1.15: cma_alloc_busy_retry: name=h pfn=0x200000 "
                                 "page=00000000deadbeef count=1024 align=0\n";
        const std::string trace = start(1, 1.0, 1024, 0, 2048) + busy + finish(1, 1.2, "0x100000", 1024, 0);
        const ReplayResult r = replayTrace(parseTraceText(trace), twoRangeInputs());
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.matched, 1u);
        QCOMPARE(r.busyRetries, 1u);
    }

    void reportAndTimeline()
    {
        const ReplayResult r = replayTrace(parseTraceText(twoRangeTrace()), twoRangeInputs());
        const auto j = nlohmann::json::parse(replayReportJson(r, "t"));
        const auto& area = j["areas"][0];
        QCOMPARE(area["count"].get<std::uint64_t>(), 2048u);
        QCOMPARE(area["ranges"].size(), std::size_t(2));
        QCOMPARE(area["ranges"][1]["base_pfn"].get<std::uint64_t>(), std::uint64_t(0x100000));
        QCOMPARE(area["ranges"][1]["count"].get<std::uint64_t>(), 1024u);
        // range 1: bits 0..511 set (16 words of ones), the rest clear, in the debugfs format
        std::string expected;
        for (int w = 0; w < 32; ++w)
            expected += std::string(w ? " " : "") + (w < 16 ? "4294967295" : "0");
        QCOMPARE(area["ranges"][1]["bitmap"].get<std::string>(), expected);
        QVERIFY(area["ranges"][0]["bitmap"] == area["bitmap"]);
        // one timeline region per range; range 1's placements are on its region, at offsets in the range
        QCOMPARE(r.platform.regions.size(), std::size_t(2));
        QCOMPARE(r.platform.regions[1].name, std::string("h range 1"));
        QCOMPARE(*r.platform.regions[1].placedBase, std::uint64_t(0x100000) * 4096);
        QCOMPARE(r.findArea("h")->regions, (std::vector<std::uint16_t> { 0, 1 }));
        std::size_t onRange1 = 0;
        for (const Step& s : r.scenario.steps)
            onRange1 += s.region == 1 && s.type == StepType::Place && s.offset == 0 ? 1u : 0u;
        QCOMPARE(onRange1, std::size_t(2)); // the 512 and the later 256 at 0x100000
        auto created = Simulation::create(r.platform, r.scenario);
        QVERIFY(std::holds_alternative<Simulation>(created));
        QVERIFY(std::get<Simulation>(created).run());
        // the explanation rebuilds every range and prints 6.15's per-range dump
        const std::string text = r.explainRequest(2);
        QVERIFY2(text.find("range 0: \n") != std::string::npos, text.c_str()); // range 0 had no free run
        QVERIFY2(
            text.find("range 1: +256@0+512@512\n=> 768 free of 2048 total pages") != std::string::npos, text.c_str());
    }

    // debugfs on 6.15+: ranges/N/{base_pfn,bitmap} plus the capture module's ranges/N/count.
    void debugfsRanges()
    {
        QTemporaryDir tmp;
        const fs::path dir = fs::path(tmp.path().toStdString()) / "h";
        std::string ones16, zeros;
        for (int w = 0; w < 32; ++w) {
            ones16 += std::string(w ? " " : "") + (w < 16 ? "4294967295" : "0");
            zeros += std::string(w ? " " : "") + "0";
        }
        writeFile(dir / "base_pfn", "2097152\n");
        writeFile(dir / "count", "2048\n");
        writeFile(dir / "order_per_bit", "0\n");
        writeFile(dir / "used", "512\n");
        writeFile(dir / "maxchunk", "1024\n");
        writeFile(dir / "bitmap", zeros + "\n");
        writeFile(dir / "ranges" / "0" / "base_pfn", "2097152\n");
        writeFile(dir / "ranges" / "0" / "bitmap", zeros + "\n");
        writeFile(dir / "ranges" / "0" / "count", "1024\n");
        writeFile(dir / "ranges" / "1" / "base_pfn", "1048576\n");
        writeFile(dir / "ranges" / "1" / "bitmap", ones16 + "\n");
        writeFile(dir / "ranges" / "1" / "count", "1024\n");
        const DebugfsReadResult read = readDebugfsSnapshot(dir);
        QVERIFY2(read.snapshot, read.error.c_str());
        QCOMPARE(read.snapshot->ranges.size(), std::size_t(2));
        QCOMPARE(read.snapshot->ranges[1].basePfn, std::uint64_t(0x100000));
        // as the replay's geometry and initial state: a request then goes to range 0 (empty)
        ReplayInputs in;
        in.debugfs.push_back(*read.snapshot);
        in.debugfsOrigins.push_back(dir.string());
        const ReplayResult r =
            replayTrace(parseTraceText(start(1, 1.0, 512, 0, 1536) + finish(1, 1.1, "0x200000", 512, 0)), in);
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.matched, 1u);
        QCOMPARE(r.findArea("h")->usedPages(), 1024u);
        QCOMPARE(r.findArea("h")->area.source, AreaSource::Debugfs);
        // without the module's count files the kernel's debugfs does not give a range's size
        fs::remove(dir / "ranges" / "1" / "count");
        QVERIFY(readDebugfsSnapshot(dir).error.find("ranges/1/count: missing") != std::string::npos);
        writeFile(dir / "ranges" / "1" / "count", "1000\n");
        const std::string sum = readDebugfsSnapshot(dir).error;
        QVERIFY2(sum.find("ranges/1/bitmap: 32 words, expected 32") == std::string::npos && !sum.empty(), sum.c_str());
        writeFile(dir / "ranges" / "1" / "count", "1024\n");
        writeFile(dir / "count", "4096\n");
        QVERIFY2(readDebugfsSnapshot(dir).error.find("4096 pages, but its ranges hold 2048") != std::string::npos,
            readDebugfsSnapshot(dir).error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestReplayMultiRange)
#include "tst_replay_multirange.moc"
