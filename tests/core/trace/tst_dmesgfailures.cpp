// SPDX-License-Identifier: GPL-2.0-or-later
// CMA failures in dmesg (docs/kernel-cma.md, "Failures in dmesg"): the "alloc failed" line of every kernel from
// 6.1 to 7.2 (cma_alloc, __cma_alloc, __cma_alloc_frozen) and cma_debug_show_areas()'s dump in its two forms,
// the single line of 6.1-6.14 and the "range N:" lines of 6.15+; the lines are the captures' own
// (traces/kernel/*/dmesg-cma.txt).
#include <cmascope/trace/dmesgfailures.h>

#include <QTest>

using namespace cmascope;

class TestDmesgFailures : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void forms_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("function");
        QTest::addColumn<QByteArray>("area");
        QTest::addColumn<qulonglong>("count");
        QTest::addColumn<int>("ret");
        QTest::addColumn<QByteArray>("runs"); // "range:pages@bit ..." as parsed
        QTest::addColumn<QByteArray>("totals"); // "free/total" or ""
        QTest::newRow("6.1, no dump (k61-nvme)")
            << QByteArray("[   16.840958] cma: cma_alloc: reserved: alloc failed, req-size: 13 pages, ret: -12\n")
            << QByteArray("cma_alloc") << QByteArray("reserved") << 13ull << -12 << QByteArray() << QByteArray();
        QTest::newRow("6.12, one line (k612-dt-numa)")
            << QByteArray(
                   "[    4.870221] cma: __cma_alloc: camera@70000000: alloc failed, req-size: 600 pages, ret: -12\n"
                   "[    4.870517] cma: number of available pages: 15@1+140@116+257@767+512@1536=> 924 free of "
                   "2048 total pages\n")
            << QByteArray("__cma_alloc") << QByteArray("camera@70000000") << 600ull << -12
            << QByteArray("0:15@1 0:140@116 0:257@767 0:512@1536") << QByteArray("924/2048");
        QTest::newRow("7.2, per range (k72-hugetlb-multirange)")
            << QByteArray("[   17.475124] cma: __cma_alloc_frozen: hugetlb0: alloc failed, req-size: 262144 pages, "
                          "ret: -16\n[   17.475205] cma: number of available pages: \n"
                          "[   17.475248] cma: range 0: +3072@4+2048@12+7680@33+204800@112\n[   17.476121] cma: \n"
                          "[   17.476141] cma: range 1: \n[   17.476150] cma: \n")
            << QByteArray("__cma_alloc_frozen") << QByteArray("hugetlb0") << 262144ull << -16
            << QByteArray("0:3072@4 0:2048@12 0:7680@33 0:204800@112") << QByteArray();
        // the totals' pr_cont in a record of its own, without the "cma: " prefix; another CPU's line before the dump
        QTest::newRow("7.2, totals on their own line")
            << QByteArray("[ 5.0] cma: __cma_alloc_frozen: video: alloc failed, req-size: 1024 pages, ret: -16\n"
                          "[ 5.1] nvme nvme0: pci function 0000:00:02.0\n"
                          "[ 5.2] cma: number of available pages: \n[ 5.3] cma: range 0: +512@1536\n"
                          "[ 5.4] cma: range 1: +4@0\n[ 5.5] => 516 free of 4096 total pages\n"
                          "[ 5.6] cma: Reserved 16 MiB at 0x00000000ff000000\n")
            << QByteArray("__cma_alloc_frozen") << QByteArray("video") << 1024ull << -16
            << QByteArray("0:512@1536 1:4@0") << QByteArray("516/4096");
    }
    void forms()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, function);
        QFETCH(QByteArray, area);
        QFETCH(qulonglong, count);
        QFETCH(int, ret);
        QFETCH(QByteArray, runs);
        QFETCH(QByteArray, totals);
        const DmesgFailuresRead read = parseDmesgFailures(text.toStdString());
        QVERIFY2(read.errors.empty(), read.errors.empty() ? "" : read.errors.front().c_str());
        QCOMPARE(read.failures.size(), std::size_t(1));
        const DmesgFailure& f = read.failures.front();
        QCOMPARE(f.line, 1u);
        QCOMPARE(QByteArray::fromStdString(f.function), function);
        QCOMPARE(QByteArray::fromStdString(f.area), area);
        QCOMPARE(f.count, std::uint64_t(count));
        QCOMPARE(f.ret, ret);
        QByteArrayList got;
        for (const auto& r : f.freeRuns)
            got << QByteArray::number(r.range) + ":" + QByteArray::number(qulonglong(r.pages)) + "@"
                    + QByteArray::number(qulonglong(r.bit));
        QCOMPARE(got.join(' '), runs);
        QCOMPARE(f.totalPages
                ? QByteArray::number(qulonglong(*f.freePages)) + "/" + QByteArray::number(qulonglong(*f.totalPages))
                : QByteArray(),
            totals);
        QCOMPARE(f.hasDump, !runs.isEmpty() || f.perRange);
    }

    // The printk stamp joins a message to its request; the rate limit's "callbacks suppressed" says how many
    // messages are missing (k612-reserved-mixed has "__cma_alloc: 28 callbacks suppressed").
    void stampsAndRateLimit()
    {
        const DmesgFailuresRead read = parseDmesgFailures(
            "[    8.159248] __cma_alloc: 28 callbacks suppressed\n"
            "[    8.159467] cma: __cma_alloc: reserved: alloc failed, req-size: 49 pages, ret: -12\n"
            "cma: __cma_alloc: reserved: alloc failed, req-size: 49 pages, ret: -12\n"
            "[    9.000000] cma_alloc_frozen: 3 callbacks suppressed\n[    9.5] foo: 4 callbacks suppressed\n");
        QCOMPARE(read.failures.size(), std::size_t(2));
        QCOMPARE(read.failures[0].timeNs, std::optional<std::uint64_t>(8159467000ull));
        QCOMPARE(read.failures[1].timeNs, std::optional<std::uint64_t>());
        QCOMPARE(read.suppressed, 31u); // not foo's
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("error");
        QTest::newRow("no size") << QByteArray(
            "cma: cma_alloc: reserved: alloc failed, req-size: many pages, ret: -12\n")
                                 << QByteArray("line 1: not an \"alloc failed, req-size: N pages, ret: ERRNO\" line");
        QTest::newRow("errno out of range")
            << QByteArray("cma: cma_alloc: r: alloc failed, req-size: 4 pages, ret: -99999\n")
            << QByteArray("line 1: not an \"alloc failed");
        QTest::newRow("bad run") << QByteArray("cma: __cma_alloc: r: alloc failed, req-size: 4 pages, ret: -12\n"
                                               "cma: number of available pages: 15@1+x@3=> 15 free of 64 total pages\n")
                                 << QByteArray("line 2: the free runs of the failure on line 1 do not read");
        QTest::newRow("bad range line") << QByteArray(
            "cma: __cma_alloc: r: alloc failed, req-size: 4 pages, ret: -16\n"
            "cma: number of available pages: \ncma: range 0: +1@2\ncma: range 9: +1@2\n")
                                        << QByteArray("line 4: the free runs of the failure on line 1 do not read");
    }
    void malformed()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, error);
        const DmesgFailuresRead read = parseDmesgFailures(text.toStdString());
        QCOMPARE(read.errors.size(), std::size_t(1));
        QVERIFY2(read.errors.front().starts_with(error.toStdString()), read.errors.front().c_str());
    }
};

QTEST_GUILESS_MAIN(TestDmesgFailures)
#include "tst_dmesgfailures.moc"
