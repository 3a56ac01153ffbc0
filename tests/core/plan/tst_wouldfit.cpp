// SPDX-License-Identifier: GPL-2.0-or-later
// "What would have fit": hand-computed histories where another policy or a larger region serves a failed
// request, regions that cannot grow, and cancellation.
#include "support/platforms.h"

#include <cmascope/plan/wouldfit.h>

#include <QTest>

#include <atomic>

using namespace cmascope;

Q_DECLARE_METATYPE(cmascope::Platform)
Q_DECLARE_METATYPE(cmascope::Scenario)

namespace {

constexpr std::uint64_t kBase = 0x1000000;

/// test::onePool placed (the 2010 map: page alignment, so every size is a candidate), with @p orderPerBit.
Platform onePool(std::uint64_t pages, PolicyKind policy = PolicyKind::Kernel, unsigned orderPerBit = 0)
{
    Platform pf = test::onePool(pages, policy);
    pf.regions[0].placedBase = kBase;
    pf.regions[0].params.orderPerBit = orderPerBit;
    return pf;
}

void alloc(Scenario& sc, std::uint64_t pages, const std::string& label)
{
    sc.allocate("video", "", pages * 4096, label);
}

const WouldFitPolicyRow* row(const WouldFitResult& r, PolicyKind k)
{
    for (const auto& p : r.policies)
        if (p.policy == k)
            return &p;
    return nullptr;
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

/// Holes [0,4) and [5,7) in 16 pages; a request of 2 then of 4. First fit puts the 2 at page 0 and the 4
/// finds no hole; best fit puts the 2 in the 2-page hole and the 4 fits at page 0. Step 6 is the 4.
Scenario bestFitWins()
{
    Scenario sc;
    alloc(sc, 4, "A"); // [0,4)
    alloc(sc, 1, "B"); // [4,5)
    alloc(sc, 2, "C"); // [5,7)
    alloc(sc, 9, "D"); // [7,16)
    sc.free("A");
    sc.free("C");
    alloc(sc, 2, "E"); // kernel: [0,2); bf: [5,7)
    alloc(sc, 4, "F"); // kernel: holes of 2 and 2: fragmented; bf: [0,4)
    return sc;
}

/// Holes [0,6) and [7,12) in 16 pages; requests of 3, 3, 5. First fit packs the two 3s into the 6-page
/// hole and the 5 fits the 5-page one; best fit puts the first 3 into the 5-page hole and the 5 finds only
/// 3 + 2 free pages. Step 8 is the 5.
Scenario firstFitWins()
{
    Scenario sc;
    alloc(sc, 6, "A"); // [0,6)
    alloc(sc, 1, "B"); // [6,7)
    alloc(sc, 5, "C"); // [7,12)
    alloc(sc, 4, "D"); // [12,16)
    sc.free("A");
    sc.free("C");
    alloc(sc, 3, "E"); // first fit [0,3); bf [7,10)
    alloc(sc, 3, "F"); // first fit [3,6); bf [0,3)
    alloc(sc, 5, "G"); // first fit [7,12); bf: [3,6) and [10,12): fragmented
    return sc;
}

} // namespace

class TestWouldFit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void otherPolicy_data();
    void otherPolicy();
    void smallestSize_data();
    void smallestSize();
    void notMonotonic();
    void outOfReRuns();
    void noAnswer_data();
    void noAnswer();
    void refusedTraceRequest();
    void notAFailedRequest_data();
    void notAFailedRequest();
    void cancellation_data();
    void cancellation();
};

void TestWouldFit::otherPolicy_data()
{
    QTest::addColumn<int>("policy"); // the region's policy
    QTest::addColumn<int>("scenario"); // 0 = bestFitWins, 1 = firstFitWins
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("serves"); // a policy expected to serve the request
    QTest::addColumn<int>("fails"); // a policy expected to fail too
    QTest::newRow("kernel first fit fails, bf serves")
        << int(PolicyKind::Kernel) << 0 << 7 << int(PolicyKind::BestFit2010) << int(PolicyKind::FirstFit);
    QTest::newRow("bf fails, kernel first fit serves")
        << int(PolicyKind::BestFit2010) << 1 << 8 << int(PolicyKind::Kernel) << -1;
    QTest::newRow("bf fails, first-fit serves")
        << int(PolicyKind::BestFit2010) << 1 << 8 << int(PolicyKind::FirstFit) << -1;
}

void TestWouldFit::otherPolicy()
{
    QFETCH(int, policy);
    QFETCH(int, scenario);
    QFETCH(int, step);
    QFETCH(int, serves);
    QFETCH(int, fails);
    const Platform pf = onePool(16, PolicyKind(policy));
    const Scenario sc = scenario == 0 ? bestFitWins() : firstFitWins();
    WouldFitOptions opt;
    opt.searchSize = false;
    const WouldFitResult r = whatWouldHaveFit(pf, sc, std::size_t(step), opt);
    QVERIFY2(r.error.empty(), r.error.c_str());
    QVERIFY(!r.cancelled);
    QCOMPARE(r.triedRegions, std::vector<std::string> { "r" });
    QCOMPARE(r.policies.size(), allPolicies().size());
    QCOMPARE(r.runs, std::uint32_t(allPolicies().size())); // the original + every other policy
    const WouldFitPolicyRow* current = row(r, PolicyKind(policy));
    QVERIFY(current && current->current);
    QVERIFY(!current->run.succeeds);
    const WouldFitPolicyRow* good = row(r, PolicyKind(serves));
    QVERIFY(good && !good->current);
    QVERIFY2(good->run.succeeds, good->text.c_str());
    QCOMPARE(good->run.region, std::string("r"));
    QCOMPARE(good->run.earlierChanged, 0u); // every earlier request is served either way
    QVERIFY2(q(good->text).startsWith(q(std::string(policyId(PolicyKind(serves))) + ": succeeds")), good->text.c_str());
    if (fails >= 0) {
        const WouldFitPolicyRow* bad = row(r, PolicyKind(fails));
        QVERIFY(bad && bad->run.ran);
        QVERIFY2(!bad->run.succeeds, bad->text.c_str());
    }
    QVERIFY2(q(r.summary).contains(q(std::string(policyId(PolicyKind(serves))))), r.summary.c_str());
    QVERIFY2(q(r.summary).contains(QStringLiteral("would have been served")), r.summary.c_str());
    QCOMPARE(r.size.status, WouldFitSizeStatus::NotSearched);
}

void TestWouldFit::smallestSize_data()
{
    QTest::addColumn<Scenario>("scenario");
    QTest::addColumn<int>("step");
    QTest::addColumn<unsigned>("orderPerBit");
    QTest::addColumn<qulonglong>("pages"); // the smallest size that serves the request
    QTest::addColumn<qulonglong>("granule");
    QTest::addColumn<unsigned>("earlierNowSucceed"); // at that size
    {
        // 10 of 16 pages taken: 10 more need 20.
        Scenario sc;
        alloc(sc, 10, "a");
        alloc(sc, 10, "b");
        QTest::newRow("not enough memory: 4 more") << sc << 1 << 0u << 20ull << 1ull << 0u;
    }
    {
        // [0,4) free, [4,16) taken: 6 pages fit only in new pages [16,22).
        Scenario sc;
        alloc(sc, 4, "a");
        alloc(sc, 4, "b");
        alloc(sc, 8, "c");
        sc.free("a");
        alloc(sc, 6, "d");
        QTest::newRow("fragmented: 6 more") << sc << 4 << 0u << 22ull << 1ull << 0u;
    }
    {
        // order_per_bit 2: sizes go by 4 pages and 10 pages take 12. 12 + 12 = 24.
        Scenario sc;
        alloc(sc, 10, "a");
        alloc(sc, 10, "b");
        QTest::newRow("order_per_bit 2: 8 more") << sc << 1 << 2u << 24ull << 4ull << 0u;
    }
    {
        // The history changes with the size. With N pages: a [0,10); b (10) fits from N = 20, then c (4) needs
        // N >= 24 and d (8) N >= 32. Below 20, b fails, c takes [10,14) and d would need N >= 22: impossible.
        Scenario sc;
        alloc(sc, 10, "a");
        alloc(sc, 10, "b"); // fails now
        alloc(sc, 4, "c"); // [10,14) now
        alloc(sc, 8, "d"); // fails now: 2 free
        QTest::newRow("history changes: 16 more") << sc << 3 << 0u << 32ull << 1ull << 1u;
    }
}

void TestWouldFit::smallestSize()
{
    QFETCH(Scenario, scenario);
    QFETCH(int, step);
    QFETCH(unsigned, orderPerBit);
    QFETCH(qulonglong, pages);
    QFETCH(qulonglong, granule);
    QFETCH(unsigned, earlierNowSucceed);
    const Platform pf = onePool(16, PolicyKind::Kernel, orderPerBit);
    WouldFitOptions opt;
    opt.tryPolicies = false;
    const WouldFitResult r = whatWouldHaveFit(pf, scenario, std::size_t(step), opt);
    QVERIFY2(r.error.empty(), r.error.c_str());
    QVERIFY(r.policies.empty());
    const WouldFitSize& s = r.size;
    QVERIFY2(s.status == WouldFitSizeStatus::Found, (s.reason + s.text).c_str());
    QCOMPARE(s.region, std::string("r"));
    QCOMPARE(s.currentPages, std::uint64_t(16));
    QCOMPARE(s.granulePages, std::uint64_t(granule));
    QCOMPARE(s.pages, std::uint64_t(pages));
    QVERIFY(s.monotonic);
    // Every probe below the answer failed, the answer served; the one just below it was re-run or is now.
    bool sawAnswer = false, sawJustBelow = pages - granule == 16;
    for (const auto& p : s.probes) {
        QVERIFY(p.placed);
        QVERIFY(p.run.ran);
        QCOMPARE(p.pages % granule, 0ull);
        if (p.pages < pages)
            QVERIFY2(!p.run.succeeds, qPrintable(QString::number(p.pages)));
        if (p.pages == pages) {
            sawAnswer = true;
            QVERIFY(p.run.succeeds);
            QCOMPARE(p.run.earlierNowSucceed, earlierNowSucceed);
        }
        sawJustBelow = sawJustBelow || p.pages == pages - granule;
    }
    QVERIFY(sawAnswer);
    QVERIFY(sawJustBelow);
    const QString expected = QStringLiteral("The request fits in a region of %1 pages (").arg(pages);
    QVERIFY2(q(s.text).startsWith(expected), s.text.c_str());
    QVERIFY2(q(s.text).contains(QStringLiteral("%1 more than now").arg(pages - 16)), s.text.c_str());
    QVERIFY2(q(r.summary).contains(q(s.text)), r.summary.c_str());
}

void TestWouldFit::notMonotonic()
{
    // 10 pages, all taken by a. With N pages: b (7) fits from N = 17; c (6) fits at [10,16) while b fails
    // (N = 16), else only after b, from N = 23. So 16 serves, 17 to 22 do not, 23 and up do.
    Scenario sc;
    alloc(sc, 10, "a");
    alloc(sc, 7, "b");
    alloc(sc, 6, "c");
    WouldFitOptions opt;
    opt.tryPolicies = false;
    const WouldFitResult r = whatWouldHaveFit(onePool(10), sc, 2, opt);
    QVERIFY2(r.error.empty(), r.error.c_str());
    const WouldFitSize& s = r.size;
    QCOMPARE(s.status, WouldFitSizeStatus::Found);
    // Doubling: 11, 12, 14, 18 fail, 26 serves; halving: 22 fails, 24 and 23 serve. Then the sizes it skipped
    // below 23, in order: 13 and 15 fail, 16 serves. Above 16: 17 fails.
    QCOMPARE(s.pages, std::uint64_t(16));
    QVERIFY(!s.monotonic);
    QVERIFY(s.exhaustive);
    std::vector<std::uint64_t> order;
    for (const auto& p : s.probes)
        order.push_back(p.pages);
    QCOMPARE(order, (std::vector<std::uint64_t> { 11, 12, 14, 18, 26, 22, 24, 23, 13, 15, 16, 17 }));
    QVERIFY2(q(s.text).startsWith(QStringLiteral("The request fits in a region of 16 pages (64 KiB), 6 more than now "
                                                 "('r' has 10). Every size from 11 to 15 pages was re-run too and "
                                                 "fails. The outcome is not monotonic in the size: the binary "
                                                 "search's answer was 23 pages, yet 16 serves it; 17 pages does not "
                                                 "serve it again.")),
        s.text.c_str());
}

void TestWouldFit::outOfReRuns()
{
    Scenario sc; // needs 32 pages (see smallestSize, "history changes")
    alloc(sc, 10, "a");
    alloc(sc, 10, "b");
    alloc(sc, 4, "c");
    alloc(sc, 8, "d");
    WouldFitOptions opt;
    opt.tryPolicies = false;
    opt.maxSizeRuns = 3; // 17, 18, 20: all fail
    WouldFitResult r = whatWouldHaveFit(onePool(16), sc, 3, opt);
    QCOMPARE(r.size.status, WouldFitSizeStatus::ProbeLimit);
    QCOMPARE(r.size.reason, std::string("gave up after 3 re-runs"));
    QCOMPARE(r.runs, 4u);
    opt.maxSizeRuns = 5; // 17, 18, 20, 24 fail, 32 serves: an answer, maybe not the smallest
    r = whatWouldHaveFit(onePool(16), sc, 3, opt);
    QCOMPARE(r.size.status, WouldFitSizeStatus::Found);
    QCOMPARE(r.size.pages, std::uint64_t(32));
    QVERIFY(!r.size.exhaustive);
    QVERIFY2(q(r.size.text)
                 .contains(QStringLiteral("The search stopped after 5 re-runs: a size from 25 to 31 pages "
                                          "may serve it too.")),
        r.size.text.c_str());
}

void TestWouldFit::noAnswer_data()
{
    QTest::addColumn<Platform>("platform");
    QTest::addColumn<Scenario>("scenario");
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("status");
    QTest::addColumn<qulonglong>("limit");
    QTest::addColumn<QString>("reason");
    Scenario needs8; // 8 more pages would do
    alloc(needs8, 10, "a");
    alloc(needs8, 14, "b");
    {
        // "s" sits right after "r": r cannot take a single page more.
        Platform pf = onePool(16);
        Region s = pf.regions[0];
        s.name = "s";
        s.start = s.placedBase.value() + 16 * 4096;
        s.placedBase = s.start;
        pf.regions.push_back(s);
        QTest::newRow("fixed next to another region")
            << pf << needs8 << 1 << int(WouldFitSizeStatus::CannotGrow) << 16ull
            << QStringLiteral("'r' cannot grow beyond 16 pages (64 KiB): 's' could not be placed any more");
    }
    {
        // r fills 20 pages at the start of a 20-page bank; a larger bank elsewhere does not help a fixed region.
        Platform pf = onePool(16);
        pf.banks[0].size = 20 * 4096;
        pf.banks.push_back({ "high", 0x40000000, 64 * MiB, 0 });
        QTest::newRow("fixed at the end of its bank")
            << pf << needs8 << 1 << int(WouldFitSizeStatus::CannotGrow) << 20ull
            << QStringLiteral("'r' cannot grow beyond 20 pages (80 KiB), which does not serve the request either: "
                              "cma: Failed to reserve 0 MiB (r: [0x0000000001000000, 0x0000000001015000) is not "
                              "inside any memory bank)");
    }
    {
        Scenario sc;
        sc.allocate("video", "", 128 * MiB, "huge");
        QTest::newRow("larger than any bank")
            << onePool(16) << sc << 0 << int(WouldFitSizeStatus::ExceedsBanks) << 16384ull
            << QStringLiteral("the request alone (32768 pages (128 MiB)) is larger than the largest stretch of "
                              "memory (16384 pages (64 MiB))");
    }
    {
        Scenario sc;
        sc.allocate("camera", "", 4096, "x"); // no rule for camera
        QTest::newRow("no region tried") << onePool(16) << sc << 0 << int(WouldFitSizeStatus::NoRegion) << 0ull
                                         << QStringLiteral("the request tried no CMA region that could grow");
    }
}

void TestWouldFit::noAnswer()
{
    QFETCH(Platform, platform);
    QFETCH(Scenario, scenario);
    QFETCH(int, step);
    QFETCH(int, status);
    QFETCH(qulonglong, limit);
    QFETCH(QString, reason);
    const WouldFitResult r = whatWouldHaveFit(platform, scenario, std::size_t(step));
    QVERIFY2(r.error.empty(), r.error.c_str());
    QCOMPARE(int(r.size.status), status);
    QCOMPARE(r.size.limitPages, std::uint64_t(limit));
    QVERIFY2(q(r.size.reason).startsWith(reason), r.size.reason.c_str());
    QCOMPARE(r.size.pages, std::uint64_t(0));
    QVERIFY2(q(r.size.text).startsWith(QStringLiteral("No region size can be given: ")), r.size.text.c_str());
    if (status == int(WouldFitSizeStatus::NoRegion))
        QVERIFY(r.policies.empty());
    else
        QCOMPARE(r.policies.size(), allPolicies().size());
}

void TestWouldFit::refusedTraceRequest()
{
    // A replayed trace: pages placed at recorded offsets, then refused requests.
    Scenario sc;
    sc.place(0, 0, 4, "kworker/0:1-7");
    sc.place(0, 8, 4, "kworker/0:1-7");
    sc.refused(0, 8, 3, "kworker/0:1-7"); // 8 pages at order 3: no aligned window in 16 pages
    sc.refused(0, 2, 0, "kworker/0:1-7"); // the model finds a window: the kernel saw busy pages
    const Platform pf = onePool(16);
    const WouldFitResult r = whatWouldHaveFit(pf, sc, 2);
    QVERIFY2(r.error.empty(), r.error.c_str());
    QCOMPARE(r.triedRegions, std::vector<std::string> { "r" });
    // Placements are recorded offsets: no policy changes them, nor the aligned windows.
    for (const auto& p : r.policies) {
        QVERIFY2(!p.run.succeeds || p.policy == PolicyKind::Buddy, p.text.c_str());
        QCOMPARE(p.run.earlierChanged, 0u);
    }
    // [16,24) is the first free aligned window of 8 pages: 24 pages.
    QCOMPARE(r.size.status, WouldFitSizeStatus::Found);
    QCOMPARE(r.size.pages, std::uint64_t(24));

    const WouldFitResult busy = whatWouldHaveFit(pf, sc, 3);
    QVERIFY2(q(busy.error).contains(QStringLiteral("for a reason the model does not see")), busy.error.c_str());
    QVERIFY(busy.policies.empty());
    QCOMPARE(busy.size.status, WouldFitSizeStatus::NotSearched);
}

void TestWouldFit::notAFailedRequest_data()
{
    QTest::addColumn<int>("step");
    QTest::addColumn<QString>("error");
    QTest::newRow("served") << 0 << QStringLiteral("step 0 did not fail");
    QTest::newRow("a free") << 4 << QStringLiteral("step 4 is not an allocation request");
    QTest::newRow("beyond the end") << 99 << QStringLiteral("step 99 is not an allocation request");
}

void TestWouldFit::notAFailedRequest()
{
    QFETCH(int, step);
    QFETCH(QString, error);
    const WouldFitResult r = whatWouldHaveFit(onePool(16), bestFitWins(), std::size_t(step));
    QCOMPARE(q(r.error), error);
    QVERIFY(r.policies.empty());
    QCOMPARE(r.size.status, WouldFitSizeStatus::NotSearched);
}

void TestWouldFit::cancellation_data()
{
    QTest::addColumn<int>("afterReports"); // the Progress says stop once this many reports came
    QTest::newRow("stopped before") << 0;
    QTest::newRow("progress says stop") << 5; // in the second run
}

void TestWouldFit::cancellation()
{
    QFETCH(int, afterReports);
    // A long history before a failure that bf and a larger region both fix.
    Scenario sc;
    for (int i = 0; i < 20000; ++i) {
        alloc(sc, 1, "t");
        sc.free("t");
    }
    const Scenario tail = bestFitWins();
    const std::size_t offset = sc.steps.size();
    for (const Step& s : tail.steps) {
        Step c = s;
        c.device = sc.symbols.intern(tail.symbols.name(s.device));
        c.kind = sc.symbols.intern(tail.symbols.name(s.kind));
        c.label = sc.symbols.intern(tail.symbols.name(s.label));
        sc.steps.push_back(c);
    }
    const std::size_t step = offset + 7;
    const Platform pf = onePool(16);

    const WouldFitResult full = whatWouldHaveFit(pf, sc, step);
    QVERIFY2(full.error.empty(), full.error.c_str());
    QVERIFY(!full.cancelled);
    QVERIFY(row(full, PolicyKind::BestFit2010)->run.succeeds);
    QCOMPARE(full.size.status, WouldFitSizeStatus::Found);
    QCOMPARE(full.size.pages, std::uint64_t(20)); // free [2,4) and [5,7): the 4 pages go to [16,20)

    std::atomic<bool> stop { false };
    int reports = 0;
    std::uint64_t lastDone = 0, lastTotal = 0;
    WouldFitOptions opt;
    bool doneWithinTotal = true;
    opt.progress = [&](std::uint64_t done, std::uint64_t total) -> bool {
        doneWithinTotal = doneWithinTotal && done <= total;
        lastDone = done;
        lastTotal = total;
        if (++reports >= afterReports)
            stop = true;
        return !stop;
    };
    if (afterReports == 0)
        stop = true;
    const WouldFitResult r = whatWouldHaveFit(pf, sc, step, opt);
    QVERIFY(r.cancelled);
    QVERIFY(doneWithinTotal);
    QVERIFY2(r.runs < full.runs, qPrintable(QStringLiteral("%1 of %2 runs").arg(r.runs).arg(full.runs)));
    QVERIFY(r.size.status != WouldFitSizeStatus::Found);
    QCOMPARE(r.summary, std::string("Cancelled."));
    if (afterReports > 0) {
        QVERIFY(reports >= afterReports);
        QVERIFY(lastTotal >= lastDone);
        QVERIFY(lastTotal > 0);
    }
}

QTEST_GUILESS_MAIN(TestWouldFit)
#include "tst_wouldfit.moc"
