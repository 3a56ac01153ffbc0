// SPDX-License-Identifier: GPL-2.0-or-later
// The system-file parsers (docs/evidence-imports.md): /proc/vmstat, /sys/kernel/mm/cma, /proc/pagetypeinfo, dmesg
// "PFNs busy" lines and page_owner dumps, in the kernel's own formats, and their errors on bad input.
#include <cmascope/system/busylog.h>
#include <cmascope/system/cmasysfs.h>
#include <cmascope/system/pageowner.h>
#include <cmascope/system/pagetypeinfo.h>
#include <cmascope/system/vmstat.h>
#include <cmascope/util/units.h>

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

using namespace cmascope;

namespace {

// mm/vmstat.c pagetypeinfo_show() on a 4 KiB-page arm64 guest (11 orders), one zone.
constexpr const char* kPagetypeinfo =
    "Page block order: 9\n"
    "Pages per block:  512\n"
    "\n"
    "Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      "
    "9     10 \n"
    "Node    0, zone      DMA, type    Unmovable     12      5      3      1      0      1      0      0      1      "
    "0      0 \n"
    "Node    0, zone      DMA, type      Movable    210     98     40     20      9      4      1      0      0      "
    "1     40 \n"
    "Node    0, zone      DMA, type  Reclaimable      1      0      0      0      0      0      0      0      0      "
    "0      0 \n"
    "Node    0, zone      DMA, type   HighAtomic      0      0      0      0      0      0      0      0      0      "
    "0      0 \n"
    "Node    0, zone      DMA, type          CMA      3      2      1      0      0      0      0      0      0      "
    "0      2 \n"
    "Node    0, zone      DMA, type      Isolate      0      0      0      0      0      0      0      0      0      "
    "0      0 \n"
    "\n"
    "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \n"
    "Node 0, zone      DMA           40          160            4            0           64            0 \n";

std::string testPath(const char* rel)
{
    return std::string(CMASCOPE_SOURCE_DIR) + "/" + rel;
}

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

class TestSystemParsers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vmstat_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qlonglong>("success"); // -1: an error is expected
        QTest::addColumn<qlonglong>("fail");
        QTest::addColumn<qlonglong>("freeCma");
        QTest::addColumn<QByteArray>("error"); // part of the message
        QTest::newRow("7.2 lines") << QByteArray("nr_free_pages 81234\nnr_free_cma 20412\npgfault 9\n"
                                                 "cma_alloc_success 301\ncma_alloc_fail 7\n")
                                   << 301LL << 7LL << 20412LL << QByteArray();
        QTest::newRow("only nr_free_cma (before 5.12)")
            << QByteArray("nr_free_cma 10\n") << -2LL << -2LL << 10LL << QByteArray();
        QTest::newRow("not a number") << QByteArray("nr_free_cma 10\ncma_alloc_success 3x\n") << -1LL << 0LL << 0LL
                                      << QByteArray("vmstat:2: cma_alloc_success: \"3x\" is not a decimal count");
        QTest::newRow("three words") << QByteArray("nr_free_cma 1 2\n") << -1LL << 0LL << 0LL
                                     << QByteArray("vmstat:1: expected \"name value\"");
        QTest::newRow("no cma line") << QByteArray("pgfault 9\n") << -1LL << 0LL << 0LL
                                     << QByteArray("no cma_alloc_success");
        QTest::newRow("overflow") << QByteArray("cma_alloc_fail 18446744073709551616\n") << -1LL << 0LL << 0LL
                                  << QByteArray("vmstat:1:");
    }
    void vmstat()
    {
        QFETCH(QByteArray, text);
        QFETCH(qlonglong, success);
        QFETCH(qlonglong, fail);
        QFETCH(qlonglong, freeCma);
        QFETCH(QByteArray, error);
        const auto r = parseVmstat(text.toStdString(), "vmstat");
        if (success == -1) {
            QVERIFY(!r.vmstat);
            QVERIFY2(r.error.find(error.toStdString()) != std::string::npos, r.error.c_str());
            return;
        }
        QVERIFY2(r.vmstat, r.error.c_str());
        QCOMPARE(r.vmstat->allocSuccess ? qlonglong(*r.vmstat->allocSuccess) : -2LL, success);
        QCOMPARE(r.vmstat->allocFail ? qlonglong(*r.vmstat->allocFail) : -2LL, fail);
        QCOMPARE(qlonglong(r.vmstat->freeCma.value_or(0)), freeCma);
    }

    void cmaSysfsText_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("area");
        QTest::addColumn<qlonglong>("success"); // -1: an error is expected
        QTest::addColumn<qlonglong>("available");
        QTest::addColumn<QByteArray>("error");
        QTest::newRow("capture form") << QByteArray(
            "reserved alloc_pages_fail 1836\nreserved alloc_pages_success 7408\n"
            "reserved available_pages 25360\nvideo total_pages 2048\n")
                                      << QByteArray("reserved") << 7408LL << 25360LL << QByteArray();
        QTest::newRow("grep -r form") << QByteArray("/sys/kernel/mm/cma/camera@5c000000/alloc_pages_success:3392\n"
                                                    "/sys/kernel/mm/cma/camera@5c000000/available_pages:704\n")
                                      << QByteArray("camera@5c000000") << 3392LL << 704LL << QByteArray();
        QTest::newRow("unknown file kept out") << QByteArray("reserved future_counter 5\nreserved total_pages 8\n")
                                               << QByteArray("reserved") << -2LL << -2LL << QByteArray();
        QTest::newRow("bad value") << QByteArray("reserved total_pages 8\nreserved available_pages -3\n")
                                   << QByteArray() << -1LL << 0LL
                                   << QByteArray("cma-sysfs.txt:2: reserved/available_pages: \"-3\"");
        QTest::newRow("two words") << QByteArray("reserved 8\n") << QByteArray() << -1LL << 0LL
                                   << QByteArray("cma-sysfs.txt:1: expected \"AREA FILE VALUE\"");
        QTest::newRow("empty") << QByteArray("\n") << QByteArray() << -1LL << 0LL << QByteArray("no CMA area");
    }
    void cmaSysfsText()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, area);
        QFETCH(qlonglong, success);
        QFETCH(qlonglong, available);
        QFETCH(QByteArray, error);
        const auto r = parseCmaSysfsText(text.toStdString(), "cma-sysfs.txt");
        if (success == -1) {
            QVERIFY(!r.snapshot);
            QVERIFY2(r.error.find(error.toStdString()) != std::string::npos, r.error.c_str());
            return;
        }
        QVERIFY2(r.snapshot, r.error.c_str());
        const CmaSysfsArea* a = r.snapshot->find(area.toStdString());
        QVERIFY(a);
        QCOMPARE(a->allocPagesSuccess ? qlonglong(*a->allocPagesSuccess) : -2LL, success);
        QCOMPARE(a->availablePages ? qlonglong(*a->availablePages) : -2LL, available);
    }

    // A copy of /sys/kernel/mm/cma (one folder per area), one area's folder, and a bad file in one.
    void cmaSysfsDirectory()
    {
        QTemporaryDir tmp;
        const std::filesystem::path root = tmp.path().toStdString();
        std::filesystem::create_directories(root / "cma" / "reserved");
        std::filesystem::create_directories(root / "cma" / "video");
        std::ofstream(root / "cma" / "reserved" / "alloc_pages_success") << "32\n";
        std::ofstream(root / "cma" / "reserved" / "total_pages") << "32768\n";
        std::ofstream(root / "cma" / "video" / "available_pages") << "1024\n";
        auto r = readCmaSysfs(root / "cma");
        QVERIFY2(r.snapshot, r.error.c_str());
        QCOMPARE(r.snapshot->areas.size(), std::size_t(2));
        QCOMPARE(*r.snapshot->find("reserved")->totalPages, std::uint64_t(32768));
        QCOMPARE(*r.snapshot->find("video")->availablePages, std::uint64_t(1024));
        r = readCmaSysfs(root / "cma" / "video");
        QVERIFY2(r.snapshot && r.snapshot->find("video"), r.error.c_str());
        std::ofstream(root / "cma" / "video" / "total_pages") << "lots\n";
        r = readCmaSysfs(root / "cma");
        QVERIFY(!r.snapshot);
        QVERIFY2(r.error.find("video/total_pages:1: not a decimal count") != std::string::npos, r.error.c_str());
        QVERIFY(!readCmaSysfs(root / "missing").snapshot);
    }

    void pagetypeinfo_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qlonglong>("freePages"); // -1: an error is expected
        QTest::addColumn<bool>("capped");
        QTest::addColumn<QByteArray>("error");
        // CMA row: 3 + 2*2 + 1*4 + 2*1024
        QTest::newRow("7.2 layout") << QByteArray(kPagetypeinfo) << 2059LL << false << QByteArray();
        QByteArray capped(kPagetypeinfo);
        capped.replace("type          CMA      3", "type          CMA >100000");
        QTest::newRow(">100000") << capped << 100000LL + 2056 << true << QByteArray();
        QByteArray shortRow(kPagetypeinfo);
        shortRow.replace("type          CMA      3      2", "type          CMA      3");
        QTest::newRow("a count missing") << shortRow << -1LL << false
                                         << QByteArray("pagetypeinfo:9: 10 counts, the header has 11 columns");
        QByteArray word(kPagetypeinfo);
        word.replace("type          CMA      3", "type          CMA      x");
        QTest::newRow("not a count") << word << -1LL << false << QByteArray("pagetypeinfo:9: expected \"Node N");
        QTest::newRow("no CMA row") << QByteArray("Page block order: 9\n") << -1LL << false
                                    << QByteArray("no \"type CMA\" row");
        QByteArray huge(kPagetypeinfo);
        huge.replace("type          CMA      3      2", "type          CMA      3 18446744073709551615");
        QTest::newRow("saturates, never wraps") << huge << qlonglong(-2) << false << QByteArray();
        QTest::newRow("row before header") << QByteArray("Node    0, zone      DMA, type          CMA      3\n") << -1LL
                                           << false << QByteArray("pagetypeinfo:1: a row outside its table");
    }
    void pagetypeinfo()
    {
        QFETCH(QByteArray, text);
        QFETCH(qlonglong, freePages);
        QFETCH(bool, capped);
        QFETCH(QByteArray, error);
        const auto r = parsePagetypeinfo(text.toStdString(), "pagetypeinfo");
        if (freePages == -1) {
            QVERIFY(!r.info);
            QVERIFY2(r.error.find(error.toStdString()) != std::string::npos, r.error.c_str());
            return;
        }
        QVERIFY2(r.info, r.error.c_str());
        if (freePages == -2) {
            QCOMPARE(r.info->cmaFreePages(), kU64Max);
            return;
        }
        QCOMPARE(r.info->pageBlockOrder, 9u);
        QCOMPARE(r.info->pagesPerBlock, std::uint64_t(512));
        QCOMPARE(r.info->cmaFree.size(), std::size_t(1));
        QCOMPARE(r.info->cmaFree[0].zone, std::string("DMA"));
        QCOMPARE(r.info->cmaFree[0].line, 9u);
        QCOMPARE(qlonglong(r.info->cmaFreePages()), freePages);
        QCOMPARE(r.info->capped(), capped);
        QCOMPARE(r.info->cmaBlocks.size(), std::size_t(1));
        QCOMPARE(r.info->cmaBlocks[0].blocks, std::uint64_t(64));
    }

    void busyLog_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("lines"); // -1: an error is expected
        QTest::addColumn<qulonglong>("start");
        QTest::addColumn<qulonglong>("end");
        QTest::addColumn<qlonglong>("ns"); // -1: no timestamp
        QTest::addColumn<QByteArray>("error");
        // As quoted on linux-mm (Message-ID <20210301150945.77012-1-david@redhat.com> and its thread).
        QTest::newRow("with time") << QByteArray("[  180.058992] alloc_contig_range: [1b8000, 1c0000) PFNs busy\n") << 1
                                   << 0x1b8000ULL << 0x1c0000ULL << 180058992000LL << QByteArray();
        QTest::newRow("no time, among others")
            << QByteArray("cma: Reserved 16 MiB\nalloc_contig_range: [28500, 28600) PFNs busy\nfoo\n") << 1
            << 0x28500ULL << 0x28600ULL << -1LL << QByteArray();
        QTest::newRow("none") << QByteArray("cma: Reserved 16 MiB\n") << 0 << 0ULL << 0ULL << -1LL << QByteArray();
        QTest::newRow("bad hex") << QByteArray("x\nalloc_contig_range: [zz, 28600) PFNs busy\n") << -1 << 0ULL << 0ULL
                                 << -1LL << QByteArray("dmesg:2: the PFN range is not [START, END)");
        QTest::newRow("empty range") << QByteArray("alloc_contig_range: [28600, 28600) PFNs busy\n") << -1 << 0ULL
                                     << 0ULL << -1LL << QByteArray("dmesg:1:");
    }
    void busyLog()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, lines);
        QFETCH(qulonglong, start);
        QFETCH(qulonglong, end);
        QFETCH(qlonglong, ns);
        QFETCH(QByteArray, error);
        const auto r = parseBusyLog(text.toStdString(), "dmesg");
        if (lines == -1) {
            QVERIFY2(r.error.find(error.toStdString()) != std::string::npos, r.error.c_str());
            return;
        }
        QVERIFY2(r.error.empty(), r.error.c_str());
        QCOMPARE(int(r.lines.size()), lines);
        if (!lines)
            return;
        QCOMPARE(r.lines[0].startPfn, std::uint64_t(start));
        QCOMPARE(r.lines[0].endPfn, std::uint64_t(end));
        QCOMPARE(r.lines[0].function, std::string("alloc_contig_range"));
        QCOMPARE(r.lines[0].timestampNs ? qlonglong(*r.lines[0].timestampNs) : -1LL, ns);
    }

    void pageOwnerFixture()
    {
        const auto r = parsePageOwner(slurp(testPath("tests/data/page-owner-k72-busy-areas.txt")), "page_owner");
        QVERIFY2(r.dump, r.error.c_str());
        QCOMPARE(r.dump->records.size(), std::size_t(4));
        const PageOwnerRecord& dd = r.dump->records[1];
        QCOMPARE(dd.pfn, std::uint64_t(0x54204));
        QCOMPARE(dd.order, 2u);
        QCOMPARE(dd.pages(), std::uint64_t(4));
        QCOMPARE(dd.comm, std::string("dd"));
        QCOMPARE(dd.pid, std::int64_t(112));
        QCOMPARE(dd.gfpMask, std::uint32_t(0x140dca));
        QCOMPARE(dd.gfpFlags, std::string("GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP"));
        QCOMPARE(dd.tsNs, std::uint64_t(10915322480));
        QCOMPARE(dd.pageType, std::string("Movable"));
        QCOMPARE(dd.blockType, std::string("CMA"));
        QCOMPARE(dd.line, 20u);
        QCOMPARE(dd.callerFrames(2),
            std::vector<std::string>({ "shmem_alloc_folio+0x64/0x94", "shmem_alloc_and_add_folio+0xd8/0x434" }));
        QCOMPARE(r.dump->records[2].migrateReason, std::string("compaction"));
        QCOMPARE(r.dump->records[2].callerFrames(1),
            std::vector<std::string>({ "cmascope_cma_pin+0x9c/0x1d0 [cmascope_cma]" }));
        // [0x54205, 0x54381): the order-2 record reaches into it, the order-0 one at 0x54380 too
        const auto hits = r.dump->overlapping(0x54205, 0x54381);
        QCOMPARE(hits.size(), std::size_t(2));
        QCOMPARE(hits[0]->pfn, std::uint64_t(0x54204));
        QCOMPARE(hits[1]->pfn, std::uint64_t(0x54380));
        QVERIFY(r.dump->overlapping(0x54208, 0x54380).empty());
    }

    void pageOwnerOlderAndBad_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qulonglong>("pfn"); // 0: an error is expected
        QTest::addColumn<QByteArray>("error");
        // 5.x: no tgid/comm, a free_ts, the PFN in decimal.
        QTest::newRow("older layout") << QByteArray("Page allocated via order 0, mask 0x100cca(GFP_HIGHUSER_MOVABLE), "
                                                    "pid 1, ts 3 ns, free_ts 0 ns\n"
                                                    "PFN 262144 type Movable Block 512 type CMA Flags 0x0()\n"
                                                    " post_alloc_hook+0x1/0x2\n")
                                      << 262144ULL << QByteArray();
        QTest::newRow("no PFN line") << QByteArray(
            "Page allocated via order 0, mask 0x0(), pid 1, tgid 1 (a), ts 3 ns\n"
            " post_alloc_hook+0x1/0x2\n")
                                     << 0ULL << QByteArray("page_owner:2: expected \"PFN 0x");
        QTest::newRow("bad head") << QByteArray("Page allocated via order x, mask 0x0()\n") << 0ULL
                                  << QByteArray("page_owner:1: expected \"Page allocated via order N");
        QTest::newRow("past 2^64") << QByteArray("Page allocated via order 4, mask 0x0(), pid 1, tgid 1 (a), ts 3 ns\n"
                                                 "PFN 0xfffffffffffffff8 type Movable Block 0 type CMA Flags 0x0()\n")
                                   << 0ULL << QByteArray("page_owner:2: the PFN plus 2^order pages passes 2^64");
        QTest::newRow("stray line") << QByteArray("hello\n") << 0ULL
                                    << QByteArray("page_owner:1: expected \"Page allocated");
        QTest::newRow("empty") << QByteArray("\n\n") << 0ULL << QByteArray("no \"Page allocated via order\" record");
    }
    void pageOwnerOlderAndBad()
    {
        QFETCH(QByteArray, text);
        QFETCH(qulonglong, pfn);
        QFETCH(QByteArray, error);
        const auto r = parsePageOwner(text.toStdString(), "page_owner");
        if (!pfn) {
            QVERIFY(!r.dump);
            QVERIFY2(r.error.find(error.toStdString()) != std::string::npos, r.error.c_str());
            return;
        }
        QVERIFY2(r.dump, r.error.c_str());
        QCOMPARE(r.dump->records.at(0).pfn, std::uint64_t(pfn));
        QCOMPARE(r.dump->records.at(0).tgid, std::int64_t(1));
        QCOMPARE(r.dump->records.at(0).comm, std::string());
    }
};

QTEST_APPLESS_MAIN(TestSystemParsers)
#include "tst_system_parsers.moc"
