// SPDX-License-Identifier: GPL-2.0-or-later
// The replay against the kernel's own failure dumps (docs/kernel-cma.md, "Failures in dmesg"): in every capture
// whose dmesg has them, each "alloc failed" line joins a refused request of the replay and the free runs the kernel
// printed equal the replayed state at that request, bit for bit, range by range (6.12's one-line dump and 7.2's
// per-range one, including a full range of a multi-range area).
#include "support/captures.h"

#include <cmascope/replay/dmesgcheck.h>
#include <cmascope/replay/replay.h>
#include <cmascope/trace/dmesgfailures.h>

#include <QTest>

using namespace cmascope;
using namespace cmascope::test;
namespace fs = std::filesystem;

class TestDmesgCheck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void captures_data()
    {
        QTest::addColumn<QByteArray>("capture");
        QTest::addColumn<QByteArray>("multiRange"); // an --area for the multi-range area, or empty
        QTest::addColumn<int>("failures");
        QTest::addColumn<int>("suppressed"); // "callbacks suppressed" by the rate limit
        // the shared capture of concurrent kworkers: the rate limit dropped 28 messages, so the joins go by time
        QTest::newRow("k612-reserved-mixed") << QByteArray("k612-reserved-mixed") << QByteArray() << 20 << 28;
        QTest::newRow("k612-busy-retry") << QByteArray("k612-busy-retry") << QByteArray() << 7 << 0;
        QTest::newRow("k612-dt-numa") << QByteArray("k612-dt-numa") << QByteArray() << 4 << 0;
        QTest::newRow("k72-busy-areas") << QByteArray("k72-busy-areas") << QByteArray() << 7 << 0;
        QTest::newRow("k72-hugetlb-multirange") << QByteArray("k72-hugetlb-multirange")
                                                << QByteArray("hugetlb0=0x100000+262144,0x180000+262144/9") << 1 << 0;
    }
    void captures()
    {
        QFETCH(QByteArray, capture);
        QFETCH(QByteArray, multiRange);
        QFETCH(int, failures);
        QFETCH(int, suppressed);
        const fs::path dir = captureDir(capture);
        ReplayInputs in = bootInputs(dir);
        if (!multiRange.isEmpty())
            in.areaSpecs.push_back(std::get<AreaSpec>(parseAreaSpec(multiRange.toStdString())));
        const ReplayResult r = replayTrace(loadTrace(traceFile(dir)), in);
        QVERIFY2(r.error.empty(), r.error.c_str());
        const DmesgFailuresRead read = parseDmesgFailures(slurp(dir / "dmesg-cma.txt"));
        QVERIFY(read.errors.empty());
        QCOMPARE(read.failures.size(), std::size_t(failures));
        const DmesgCheckResult check = checkDmesgFailures(r, read);
        for (const auto& line : check.lines())
            qDebug("%s", line.c_str());
        QCOMPARE(check.matched, std::size_t(failures));
        std::size_t dumps = 0;
        for (const auto& f : read.failures)
            dumps += f.hasDump ? 1u : 0u;
        QVERIFY(dumps > 0);
        QCOMPARE(check.dumpsCompared, dumps);
        QCOMPARE(check.dumpsEqual, dumps);
        QCOMPARE(check.suppressed, std::uint64_t(suppressed));
    }

    // k72-perfetto was traced beside a Perfetto session, which sets ftrace to the boot clock: the trace's time
    // stamps run 2.5 s behind the printk ones. The messages still join, with the offset that joins them all; and
    // seeded with the snapshot taken when tracing began, both dumps equal the replay, from the text and from
    // the protobuf trace alike.
    void traceOnAnotherClock_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::newRow("text") << QByteArray("trace.txt");
        QTest::newRow("perfetto") << QByteArray("trace.perfetto-trace");
    }
    void traceOnAnotherClock()
    {
        QFETCH(QByteArray, file);
        const fs::path dir = captureDir("k72-perfetto");
        const DmesgFailuresRead read = parseDmesgFailures(slurp(dir / "dmesg-cma.txt"));
        QCOMPARE(read.failures.size(), std::size_t(2));
        ReplayInputs in = bootInputs(dir);
        const auto unseeded = checkDmesgFailures(replayTrace(loadTrace(dir / file.toStdString()), in), read);
        QCOMPARE(unseeded.matched, std::size_t(2));
        QVERIFY(unseeded.clockOffsetNs);
        QVERIFY2(*unseeded.clockOffsetNs < -2500000000LL && *unseeded.clockOffsetNs > -2540000000LL,
            std::to_string(*unseeded.clockOffsetNs).c_str());
        QCOMPARE(unseeded.dumpsEqual, std::size_t(0)); // the 32 pages allocated before tracing are unknown ...
        QVERIFY2(
            unseeded.checks[0].text.find("give --debugfs a snapshot taken when tracing began") != std::string::npos,
            unseeded.checks[0].text.c_str()); // ... and the check says so
        seedFromFirstSnapshot(in, dir);
        const auto seeded = checkDmesgFailures(replayTrace(loadTrace(dir / file.toStdString()), in), read);
        QCOMPARE(seeded.matched, std::size_t(2));
        QCOMPARE(seeded.dumpsEqual, std::size_t(2));
        const std::vector<std::string> lines = seeded.lines();
        QVERIFY2(lines.size() >= 2 && lines[1].find("run 2.5") != std::string::npos
                && lines[1].find("behind") != std::string::npos,
            lines.size() >= 2 ? lines[1].c_str() : "one line");
    }

    // A dump that is not the replay's state is named with its first differing run.
    void differenceIsNamed()
    {
        const fs::path dir = captureDir("k612-dt-numa");
        const ReplayResult r = replayTrace(loadTrace(traceFile(dir)), bootInputs(dir));
        std::string text = slurp(dir / "dmesg-cma.txt");
        const std::string run = "140@116";
        const auto at = text.find(run);
        QVERIFY(at != std::string::npos);
        text.replace(at, run.size(), "140@117");
        const DmesgCheckResult check = checkDmesgFailures(r, parseDmesgFailures(text));
        QCOMPARE(check.dumpsEqual + 1, check.dumpsCompared);
        bool named = false;
        for (const auto& c : check.checks)
            named = named || c.text == "free run 2: the kernel printed 140@117, the replay has 140@116";
        QVERIFY(named);
    }
};

QTEST_GUILESS_MAIN(TestDmesgCheck)
#include "tst_dmesgcheck.moc"
