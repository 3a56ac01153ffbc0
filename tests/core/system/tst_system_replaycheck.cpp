// SPDX-License-Identifier: GPL-2.0-or-later
// The system imports against a replay (docs/evidence-imports.md): the /sys/kernel/mm/cma counters of the real 7.2
// captures at every checkpoint equal what the replay counted up to it; vmstat and pagetypeinfo relations; dmesg
// "PFNs busy" lines joined to failed requests; page_owner records joined to the busy windows.
#include "support/captures.h"

#include <cmascope/replay/replay.h>
#include <cmascope/system/busylog.h>
#include <cmascope/system/cmasysfs.h>
#include <cmascope/system/countercheck.h>
#include <cmascope/system/evidencereport.h>
#include <cmascope/system/pageowner.h>
#include <cmascope/system/pagetypeinfo.h>
#include <cmascope/system/pinners.h>
#include <cmascope/system/vmstat.h>
#include <cmascope/trace/parser.h>

#include <QTest>

#include <nlohmann/json.hpp>

#include <map>

using namespace cmascope;
using namespace cmascope::test;
namespace fs = std::filesystem;

namespace {

/// The replay with every area's state at every marker (by marker line).
ReplayResult replayWithAreas(
    const TraceData& data, const ReplayInputs& in, std::map<std::uint32_t, std::vector<ReplayAreaResult>>& atMarker)
{
    ReplayOptions opt;
    opt.onMarker = [&](const ReplayMarker& m, std::span<const ReplayAreaResult> areas) {
        atMarker[m.line].assign(areas.begin(), areas.end());
    };
    return replayTrace(data, in, opt);
}

// A 6.1-format trace (no busy retry, no errorno): one success, then a failure while dmesg printed PFNs busy.
constexpr const char* kTrace61 =
    "# tracer: nop\n"
    "          insmod-187     [001] .....    10.000100: cma_alloc_start: name=reserved count=512 align=9\n"
    "          insmod-187     [001] .....    10.000300: cma_alloc_finish: name=reserved pfn=0x40000 "
    "page=00000000217f192f count=512 align=9\n"
    "          insmod-187     [001] .....    10.000400: cma_alloc_start: name=reserved count=256 align=8\n"
    "          insmod-187     [001] .....    10.000900: cma_alloc_finish: name=reserved pfn=0xffffffffffffffff "
    "page=0000000000000000 count=256 align=8\n";

ReplayInputs area40000()
{
    ReplayInputs in;
    in.areaSpecs.push_back(std::get<AreaSpec>(parseAreaSpec("reserved=0x40000+1024")));
    return in;
}

} // namespace

class TestSystemReplayCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sysfsAtEveryCheckpoint_data()
    {
        QTest::addColumn<QByteArray>("capture");
        QTest::addColumn<QByteArray>("snapshot");
        for (const char* capture : { "k72-busy-areas", "k72-hugetlb-multirange", "k72-busy-evidence" })
            for (const auto& cp : checkpoints(captureDir(capture)))
                QTest::newRow((std::string(capture) + "/" + cp.dir).c_str())
                    << QByteArray(capture) << QByteArray::fromStdString(cp.dir);
    }
    // mm/cma_sysfs.c's five files of every area equal the replay's counts up to the checkpoint's begin marker.
    void sysfsAtEveryCheckpoint()
    {
        QFETCH(QByteArray, capture);
        QFETCH(QByteArray, snapshot);
        const fs::path dir = captureDir(capture);
        std::uint32_t line = 0;
        for (const auto& cp : checkpoints(dir))
            if (cp.dir == snapshot.toStdString())
                line = cp.beginLine;
        const auto sysfs = readCmaSysfs(dir / "snapshots" / snapshot.toStdString() / "cma-sysfs.txt");
        QVERIFY2(sysfs.snapshot, sysfs.error.c_str());
        std::map<std::uint32_t, std::vector<ReplayAreaResult>> atMarker;
        ReplayInputs inputs = bootInputs(dir);
        if (capture == "k72-hugetlb-multirange") // the ranges the capture module recorded (traces/README.md)
            inputs.areaSpecs.push_back(std::get<AreaSpec>(parseAreaSpec("hugetlb0=0x100000+262144,0x180000+262144/9")));
        const ReplayResult r = replayWithAreas(loadTrace(traceFile(dir)), inputs, atMarker);
        QVERIFY2(r.error.empty(), r.error.c_str());
        QVERIFY(atMarker.count(line));
        const auto& areas = atMarker[line];
        const CounterCheckResult check = checkCmaSysfs(*sysfs.snapshot, r, areas, line);
        QCOMPARE(check.checks.size(), 5 * areas.size());
        // every counter agrees, total_pages and available_pages of the two-range hugetlb0 included
        for (const auto& c : check.checks) {
            QVERIFY2(c.ok, counterCheckText(c).c_str());
            QCOMPARE(c.kernel, c.replay);
        }
        for (const auto& n : check.notes)
            QVERIFY2(n.find("not in the replay (yet)") != std::string::npos, n.c_str());
    }

    // k72-busy-evidence also kept /proc/vmstat and /proc/pagetypeinfo at every checkpoint: cma_alloc_success and
    // cma_alloc_fail equal the replay's calls, nr_free_cma and the CMA rows' free pages are at most its available
    // pages (equal where nothing borrowed the area), and both free counts agree with each other.
    void vmstatAndPagetypeinfoAtEveryCheckpoint_data()
    {
        QTest::addColumn<QByteArray>("snapshot");
        QTest::addColumn<bool>("allFree"); // nothing borrows the area: free == available
        for (const auto& cp : checkpoints(captureDir("k72-busy-evidence")))
            QTest::newRow(cp.dir.c_str()) << QByteArray::fromStdString(cp.dir) << (cp.name == "boot");
    }
    void vmstatAndPagetypeinfoAtEveryCheckpoint()
    {
        QFETCH(QByteArray, snapshot);
        QFETCH(bool, allFree);
        const fs::path dir = captureDir("k72-busy-evidence");
        const fs::path snap = dir / "snapshots" / snapshot.toStdString();
        std::uint32_t line = 0;
        for (const auto& cp : checkpoints(dir))
            if (cp.dir == snapshot.toStdString())
                line = cp.beginLine;
        std::map<std::uint32_t, std::vector<ReplayAreaResult>> atMarker;
        const ReplayResult r = replayWithAreas(loadTrace(traceFile(dir)), bootInputs(dir), atMarker);
        QVERIFY2(r.error.empty(), r.error.c_str());
        QVERIFY(!r.lateStart.detected);
        const auto& areas = atMarker.at(line);
        const auto vm = parseVmstat(slurp(snap / "vmstat.txt"), "vmstat.txt");
        QVERIFY2(vm.vmstat, vm.error.c_str());
        const auto v = checkVmstat(*vm.vmstat, r, areas, line);
        QCOMPARE(v.checks.size(), std::size_t(3));
        for (const auto& c : v.checks)
            QVERIFY2(c.ok, counterCheckText(c).c_str());
        QCOMPARE(v.checks[0].relation, CounterCheck::Equal);
        QVERIFY(v.checks[0].kernel > 0 || snapshot == "00-boot");
        const auto pti = parsePagetypeinfo(slurp(snap / "pagetypeinfo.txt"), "pagetypeinfo.txt");
        QVERIFY2(pti.info, pti.error.c_str());
        QCOMPARE(pti.info->cmaBlocks.at(0).blocks * pti.info->pagesPerBlock, areas.at(0).area.pages);
        const auto p = checkPagetypeinfo(*pti.info, r, areas);
        QVERIFY2(p.ok(), counterCheckText(p.checks.at(0)).c_str());
        QCOMPARE(pti.info->cmaFreePages(), *vm.vmstat->freeCma);
        if (allFree)
            QCOMPARE(*vm.vmstat->freeCma, areas.at(0).state.availableCount());
    }

    // A difference is reported: one page more in the kernel's alloc_pages_fail than the replay counted.
    void sysfsDifferenceFound()
    {
        const fs::path dir = captureDir("k72-busy-areas");
        std::string text = slurp(dir / "snapshots" / "06-end" / "cma-sysfs.txt");
        const auto at = text.find("reserved alloc_pages_fail ");
        QVERIFY(at != std::string::npos);
        const auto end = text.find('\n', at);
        const auto value = std::stoull(text.substr(at + 27, end - at - 27));
        text.replace(at + 27, end - at - 27, std::to_string(value + 1));
        const auto sysfs = parseCmaSysfsText(text, "cma-sysfs.txt");
        QVERIFY(sysfs.snapshot);
        const ReplayResult r = replayTrace(loadTrace(traceFile(dir)), bootInputs(dir));
        const auto check = checkCmaSysfs(*sysfs.snapshot, r, r.areas, 0);
        QCOMPARE(check.failures(), std::size_t(1));
        for (const auto& c : check.checks)
            if (!c.ok) {
                QCOMPARE(c.area, std::string("reserved"));
                QCOMPARE(c.counter, std::string("alloc_pages_fail"));
                QCOMPARE(c.kernel, c.replay + 1);
                QVERIFY(counterCheckText(c).find("DIFFERS") != std::string::npos);
            }
    }

    // vmstat counts calls of all areas; nr_free_cma and pagetypeinfo's free CMA pages are at most the available.
    void vmstatAndPagetypeinfo_data()
    {
        QTest::addColumn<int>("successDelta");
        QTest::addColumn<int>("freeCmaDelta"); // added to the available pages of the replay
        QTest::addColumn<int>("failures");
        QTest::newRow("agrees") << 0 << 0 << 0;
        QTest::newRow("one call more") << 1 << -5 << 1;
        QTest::newRow("more free than available") << 0 << 1 << 2; // nr_free_cma and pagetypeinfo
    }
    void vmstatAndPagetypeinfo()
    {
        QFETCH(int, successDelta);
        QFETCH(int, freeCmaDelta);
        QFETCH(int, failures);
        const fs::path dir = captureDir("k72-busy-areas");
        const ReplayResult r = replayTrace(loadTrace(traceFile(dir)), bootInputs(dir));
        std::uint64_t available = 0;
        for (const auto& a : r.areas)
            available += a.state.availableCount();
        const std::uint64_t freeCma = available + std::uint64_t(std::int64_t(freeCmaDelta));
        const std::string vm = "nr_free_cma " + std::to_string(freeCma) + "\ncma_alloc_success "
            + std::to_string(r.succeeded + std::uint64_t(successDelta)) + "\ncma_alloc_fail " + std::to_string(r.failed)
            + "\n";
        const auto vmstat = parseVmstat(vm, "vmstat");
        QVERIFY2(vmstat.vmstat, vmstat.error.c_str());
        const auto v = checkVmstat(*vmstat.vmstat, r, r.areas, 0);
        QCOMPARE(v.checks.size(), std::size_t(3));
        // pagetypeinfo: the same free pages, as order-0 blocks
        const std::string pti = "Free pages count per migrate type at order 0 \nNode 0, zone DMA, type CMA "
            + std::to_string(freeCma) + "\n";
        const auto info = parsePagetypeinfo(pti, "pagetypeinfo");
        QVERIFY2(info.info, info.error.c_str());
        const auto p = checkPagetypeinfo(*info.info, r, r.areas);
        QCOMPARE(v.failures() + p.failures(), std::size_t(failures));
    }

    // The first busy window of k72-busy-areas (0x54200, 512 pages) holds the fixture's init page (Unmovable,
    // listed first) and 5 pages of dd pid 112; dd pid 113's page at 0x54600 is outside every window of it.
    void pinnersOfBusyWindow()
    {
        const fs::path dir = captureDir("k72-busy-areas");
        const ReplayResult r = replayTrace(loadTrace(traceFile(dir)), bootInputs(dir));
        const auto dump = parsePageOwner(
            slurp(fs::path(CMASCOPE_SOURCE_DIR) / "tests" / "data" / "page-owner-k72-busy-areas.txt"), "page_owner");
        QVERIFY2(dump.dump, dump.error.c_str());
        const auto ev = busyEvidence(r, {});
        QCOMPARE(ev.size(), std::size_t(r.busyRetries));
        const auto first =
            std::find_if(ev.begin(), ev.end(), [](const BusyEvidence& e) { return e.firstPfn == 0x54200; });
        QVERIFY(first != ev.end());
        QCOMPARE(first->endPfn, std::uint64_t(0x54400));
        const auto pinners = pinnersOf(first->request, ev, *dump.dump);
        QVERIFY(pinners.size() >= 2);
        QCOMPARE(pinners[0].comm, std::string("init"));
        QCOMPARE(pinners[0].pageType, std::string("Unmovable"));
        QCOMPARE(pinners[0].frames.at(0), std::string("cmascope_cma_pin+0x9c/0x1d0 [cmascope_cma]"));
        QCOMPARE(pinners[1].comm, std::string("dd"));
        QCOMPARE(pinners[1].pid, std::int64_t(112));
        QCOMPARE(pinners[1].pages, std::uint64_t(5));
        QCOMPARE(pinners[1].firstPfn, std::uint64_t(0x54200));
        QVERIFY(pinnerText(pinners[1])
                    .find("dd (pid 112): 5 pages from 0x54200, Movable in a CMA block, via "
                          "shmem_alloc_folio")
            != std::string::npos);
    }

    // dmesg lines join a failed request without busy retry when a window of its size and alignment ends where
    // the line's range ends, inside the area, printed while the request ran.
    void dmesgBusyLinesJoin_data()
    {
        QTest::addColumn<QByteArray>("dmesg");
        QTest::addColumn<qulonglong>("window"); // 0: not joined
        QTest::newRow("joins") << QByteArray("[   10.000700] alloc_contig_range: [40200, 40300) PFNs busy\n")
                               << 0x40200ULL;
        QTest::newRow("outer start below the window")
            << QByteArray("[   10.000700] alloc_contig_range: [40000, 40300) PFNs busy\n") << 0x40200ULL;
        QTest::newRow("no time: by PFN only")
            << QByteArray("alloc_contig_range: [40300, 40400) PFNs busy\n") << 0x40300ULL;
        QTest::newRow("printed before the request")
            << QByteArray("[    9.000000] alloc_contig_range: [40200, 40300) PFNs busy\n") << 0ULL;
        QTest::newRow("window not aligned to 2^8")
            << QByteArray("[   10.000700] alloc_contig_range: [40210, 40310) PFNs busy\n") << 0ULL;
        QTest::newRow("outside the area")
            << QByteArray("[   10.000700] alloc_contig_range: [40400, 40500) PFNs busy\n") << 0ULL;
    }
    void dmesgBusyLinesJoin()
    {
        QFETCH(QByteArray, dmesg);
        QFETCH(qulonglong, window);
        const ReplayResult r = replayTrace(parseTraceText(kTrace61), area40000());
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(r.failed, std::uint64_t(1));
        QCOMPARE(r.busyRetries, std::uint64_t(0));
        const auto lines = parseBusyLog(dmesg.toStdString(), "dmesg");
        QCOMPARE(lines.lines.size(), std::size_t(1));
        const auto ev = busyEvidence(r, lines.lines);
        QCOMPARE(ev.size(), std::size_t(window ? 1 : 0));
        if (!window)
            return;
        QVERIFY(ev[0].fromDmesg);
        QCOMPARE(ev[0].firstPfn, std::uint64_t(window));
        QCOMPARE(ev[0].endPfn, std::uint64_t(window + 256));
        QVERIFY(!r.requests[ev[0].request].succeeded);
    }

    // The JSON report gains one "evidence" section and stays valid JSON.
    void reportSection()
    {
        const fs::path dir = captureDir("k72-busy-areas");
        const ReplayResult r = replayTrace(loadTrace(traceFile(dir)), bootInputs(dir));
        EvidenceInputs in;
        in.sysfs = readCmaSysfs(dir / "snapshots" / "06-end" / "cma-sysfs.txt").snapshot;
        in.pageOwner = parsePageOwner(
            slurp(fs::path(CMASCOPE_SOURCE_DIR) / "tests" / "data" / "page-owner-k72-busy-areas.txt"), "p")
                           .dump;
        std::string report = "{\n  \"trace\": \"x\",\n  \"requests\": []\n}\n";
        appendEvidenceJson(report, r, in);
        const auto j = nlohmann::json::parse(report);
        QCOMPARE(j["trace"].get<std::string>(), std::string("x"));
        QVERIFY(j["evidence"]["cma_sysfs"]["ok"].get<bool>());
        QCOMPARE(j["evidence"]["cma_sysfs"]["checks"].size(), std::size_t(15));
        const auto& reqs = j["evidence"]["page_owner"]["requests"];
        QVERIFY(!reqs.empty());
        QCOMPARE(reqs[0]["owners"][0]["comm"].get<std::string>(), std::string("init"));
        const auto lines = evidenceTextLines(r, in);
        QVERIFY(!lines.empty());
        QCOMPARE(lines[0], std::string("evidence cma_sysfs: agrees with the replay (15 of 15 checks)"));
    }
};

QTEST_APPLESS_MAIN(TestSystemReplayCheck)
#include "tst_system_replaycheck.moc"
