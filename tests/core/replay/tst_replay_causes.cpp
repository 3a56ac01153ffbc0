// SPDX-License-Identifier: GPL-2.0-or-later
// Failure causes, busy windows, latency and the per-request report records of a replay (issue 13;
// docs/trace-analysis.md), on the real captures in traces/kernel/ and on small traces that isolate one cause.
#include "support/captures.h"

#include <cmascope/replay/replay.h>
#include <cmascope/replay/report.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/trace/parser.h>

#include <QTest>

#include <nlohmann/json.hpp>

using namespace cmascope;

namespace {

ReplayResult replayCapture(const QByteArray& capture, bool withBootLog = true)
{
    const auto dir = test::captureDir(capture);
    const TraceData data = test::loadTrace(test::traceFile(dir));
    return replayTrace(data, withBootLog ? test::bootInputs(dir) : ReplayInputs {});
}

ReplayResult replayText(const std::string& text, const ReplayInputs& inputs)
{
    const TraceData data = parseTraceText(text);
    return replayTrace(data, inputs);
}

std::uint64_t causeCount(const ReplayResult& r, FailureCause c)
{
    return r.failuresByCause[static_cast<std::size_t>(c)];
}

} // namespace

class TestReplayCauses : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void busyRetryCapture();
    void busyWindowsAreTheTraceEvents();
    void reservedMixedCauses();
    void alignmentImpossible();
    void unknownAreaFailuresAreCounted();
    void releasesNameTheirTask();
    void reportRequests();
    void timelineFailuresAgree_data();
    void timelineFailuresAgree();
};

void TestReplayCauses::busyRetryCapture()
{
    const ReplayResult r = replayCapture("k612-busy-retry");
    QCOMPARE(r.failed, 7u);
    QCOMPARE(causeCount(r, FailureCause::Busy), 7u);
    QCOMPARE(r.busyRetries, 1002u);
    bool saw77 = false;
    std::uint64_t succeededAfterRetry = 0, retriesOnRequests = 0;
    for (std::size_t i = 0; i < r.requests.size(); ++i) {
        const ReplayRequest& q = r.requests[i];
        retriesOnRequests += q.busyRetries;
        if (q.succeeded) {
            QCOMPARE(q.cause, FailureCause::None);
            succeededAfterRetry += q.busyRetries > 0;
            continue;
        }
        QCOMPARE(q.cause, FailureCause::Busy);
        QCOMPARE(q.errorno, std::int16_t(-16));
        QVERIFY(q.busyRetries > 0);
        QVERIFY(q.hasLatency());
        QVERIFY(q.latencyNs() > 0);
        saw77 = saw77 || (q.busyRetries == 77 && q.count == 512);
        const std::string why = r.failureEvidence(i);
        QVERIFY2(why.find("77 windows") != std::string::npos || q.busyRetries != 77, why.c_str());
        QVERIFY2(why.find("could not be migrated") != std::string::npos, why.c_str());
        QVERIFY2(why.find("-16 (EBUSY)") != std::string::npos, why.c_str());
    }
    QVERIFY(saw77); // the 2 MiB request of the issue
    QVERIFY(succeededAfterRetry > 0); // "small ones succeeding after one retry"
    QCOMPARE(retriesOnRequests, r.busyRetries);
    QCOMPARE(r.areas.at(0).failuresByCause[std::size_t(FailureCause::Busy)], 7u);
    QVERIFY(r.areas.at(0).busyRequests >= 7 + succeededAfterRetry);
}

void TestReplayCauses::busyWindowsAreTheTraceEvents()
{
    const auto dir = test::captureDir("k612-busy-retry");
    const TraceData data = test::loadTrace(test::traceFile(dir));
    const ReplayResult r = replayTrace(data, test::bootInputs(dir));
    // every cma_alloc_busy_retry line is a window of exactly one request, in the same order
    std::vector<std::uint32_t> lines;
    for (const TraceEvent& e : data.events)
        if (e.type == EventType::BusyRetry)
            lines.push_back(e.line);
    QCOMPARE(r.busyWindows.size(), lines.size());
    std::size_t seen = 0;
    for (std::size_t i = 0; i < r.requests.size(); ++i) {
        const auto windows = r.busyWindowsOf(i);
        QCOMPARE(windows.size(), std::size_t(r.requests[i].busyRetries));
        for (const auto& w : windows) {
            QCOMPARE(w.request, std::uint32_t(i));
            QVERIFY(w.line > r.requests[i].startLine && w.line < r.requests[i].finishLine);
            const auto& a = r.areas.at(r.requests[i].area).area;
            QVERIFY(w.pfn >= a.basePfn && w.pfn + r.requests[i].count <= a.basePfn + a.pages);
            ++seen;
        }
    }
    QCOMPARE(seen, lines.size());
}

void TestReplayCauses::reservedMixedCauses()
{
    const ReplayResult r = replayCapture("k612-reserved-mixed");
    QCOMPARE(r.failed, 441u);
    std::uint64_t sum = 0;
    for (std::size_t c = 1; c < kFailureCauseCount; ++c)
        sum += r.failuresByCause[c];
    QCOMPARE(sum, r.failed);
    QCOMPARE(causeCount(r, FailureCause::Unexplained), 0u);
    QCOMPARE(causeCount(r, FailureCause::Busy), 0u);
    QVERIFY(causeCount(r, FailureCause::Fragmented) > 0);
    QVERIFY(causeCount(r, FailureCause::TooSmall) > 0);
    QCOMPARE(r.failureFacts.size(), std::size_t(r.failed));
    for (std::size_t i = 0; i < r.requests.size(); ++i) {
        const ReplayRequest& q = r.requests[i];
        if (q.succeeded)
            continue;
        const ReplayFailureFacts* f = r.failureFactsOf(i);
        QVERIFY(f);
        // the numbers prove the cause
        if (q.cause == FailureCause::TooSmall)
            QVERIFY(q.count > f->freePages);
        if (q.cause == FailureCause::Fragmented) {
            QVERIFY(q.count <= f->freePages);
            QVERIFY(f->largestAligned < q.count);
            QVERIFY(f->largestAligned <= f->largestFreeRun);
        }
        QVERIFY(!r.predictedPfn(i)); // the kernel policy refused every one of them too
    }
}

void TestReplayCauses::alignmentImpossible()
{
    // A 1 GiB page (2^18 pages, aligned to 2^18) in a 2^18-page area that starts 512 pages past an aligned PFN:
    // no aligned window exists even in the empty area. Alignment, not fragmentation nor size.
    const std::string trace = "  init-1 [000] .....  1.000000: cma_alloc_start: name=huge count=262144 align=18\n"
                              "  init-1 [000] .....  1.000100: cma_alloc_finish: name=huge pfn=0xffffffffffffffff "
                              "page=0000000000000000 count=262144 align=18 errorno=-12\n";
    ReplayInputs in;
    in.areaSpecs.push_back({ "huge", 0x80200, 262144, 9 });
    const ReplayResult r = replayText(trace, in);
    QCOMPARE(r.failed, 1u);
    QCOMPARE(r.requests.at(0).cause, FailureCause::Alignment);
    const std::string why = r.failureEvidence(0);
    QVERIFY2(why.find("even when it is empty") != std::string::npos, why.c_str());
    // the same area aligned: now the request fits an empty area, so a refusal would be about free pages
    ReplayInputs aligned;
    aligned.areaSpecs.push_back({ "huge", 0x80000, 262144, 9 });
    const std::string busy = "  init-1 [000] .....  1.000000: cma_alloc_start: name=huge count=262144 align=18\n"
                             "  init-1 [000] .....  1.000100: cma_alloc_finish: name=huge pfn=0x80000 "
                             "page=00000000aaaa count=262144 align=18 errorno=0\n"
                             "  init-1 [000] .....  2.000000: cma_alloc_start: name=huge count=1 align=0\n"
                             "  init-1 [000] .....  2.000100: cma_alloc_finish: name=huge pfn=0xffffffffffffffff "
                             "page=0000000000000000 count=1 align=0 errorno=-12\n";
    const ReplayResult full = replayText(busy, aligned);
    QCOMPARE(full.failed, 1u);
    QCOMPARE(full.requests.back().cause, FailureCause::TooSmall);
    QCOMPARE(full.failureFactsOf(full.requests.size() - 1)->freePages, 0u);
}

void TestReplayCauses::unknownAreaFailuresAreCounted()
{
    // Only failures in an area nothing describes: no PFN to infer it from. They used to vanish ("0 requests").
    const std::string trace = "  cam-7 [001] .....  1.0: cma_alloc_start: name=camera count=64 align=4\n"
                              "  cam-7 [001] .....  1.1: cma_alloc_finish: name=camera pfn=0xffffffffffffffff "
                              "page=0000000000000000 count=64 align=4 errorno=-12\n";
    const ReplayResult r = replayText(trace, {});
    QCOMPARE(r.requested, 1u);
    QCOMPARE(r.failed, 1u);
    QCOMPARE(causeCount(r, FailureCause::NoArea), 1u);
    QCOMPARE(r.unplaced.size(), std::size_t(1));
    QCOMPARE(r.unplaced[0].area, std::string("camera"));
    QCOMPARE(r.unplaced[0].task, std::string("cam-7"));
    QCOMPARE(r.unplaced[0].line, 2u);
    const auto j = nlohmann::json::parse(replayReportJson(r, "t"));
    QCOMPARE(j["requests"].size(), std::size_t(1));
    QCOMPARE(j["requests"][0]["cause"].get<std::string>(), std::string("no-area"));
}

void TestReplayCauses::releasesNameTheirTask()
{
    const ReplayResult r = replayCapture("k612-busy-retry");
    std::size_t releases = 0;
    for (std::size_t i = 0; i < r.timeline.size(); ++i) {
        if (r.timeline[i].kind != TimelineEntry::Release)
            continue;
        ++releases;
        const Step& s = r.scenario.steps[i];
        QVERIFY(s.device != 0);
        QVERIFY(!std::string(r.scenario.symbols.name(s.device)).empty());
    }
    QVERIFY(releases > 0);
}

void TestReplayCauses::reportRequests()
{
    const ReplayResult r = replayCapture("k612-busy-retry");
    const auto j = nlohmann::json::parse(replayReportJson(r, "trace.txt"));
    QCOMPARE(j["requests"].size(), r.requests.size());
    QCOMPARE(j["failures_by_cause"]["busy"].get<std::uint64_t>(), 7u);
    QCOMPARE(j["areas"][0]["busy_retries"].get<std::uint64_t>(), 1002u);
    std::size_t failed = 0;
    for (std::size_t i = 0; i < r.requests.size(); ++i) {
        const auto& x = j["requests"][i];
        const ReplayRequest& q = r.requests[i];
        for (const char* key : { "line", "time", "task", "area", "count", "align", "outcome", "retries", "latency_s",
                 "pfn", "predicted_pfn" })
            QVERIFY2(x.contains(key), key);
        QCOMPARE(x["line"].get<std::uint32_t>(), q.finishLine);
        QCOMPARE(x["retries"].get<std::uint32_t>(), q.busyRetries);
        QCOMPARE(x["task"].get<std::string>(), r.tasks[q.task]);
        // times are the trace's microseconds
        QCOMPARE(std::llround(x["time"].get<double>() * 1e6), std::int64_t(q.timestampNs / 1000));
        if (q.succeeded) {
            QCOMPARE(x["outcome"].get<std::string>(), std::string("allocated"));
            QVERIFY(!x.contains("cause"));
            QVERIFY(x["predicted_pfn"] == x["pfn"]);
        } else {
            ++failed;
            QCOMPARE(x["outcome"].get<std::string>(), std::string("failed"));
            QCOMPARE(x["cause"].get<std::string>(), std::string("busy"));
            QVERIFY(x["pfn"].is_null());
            QVERIFY(x["latency_s"].get<double>() > 0);
        }
    }
    QCOMPARE(failed, 7u);
    // per task: every busy retry and failure belongs to init-145 (the test workload)
    std::uint64_t taskFailed = 0, taskBusy = 0;
    for (const auto& t : j["tasks"]) {
        taskFailed += t["failed"].get<std::uint64_t>();
        taskBusy += t["busy_retries"].get<std::uint64_t>();
        if (t["busy_retries"].get<std::uint64_t>())
            QCOMPARE(t["task"].get<std::string>(), std::string("init-145"));
    }
    QCOMPARE(taskFailed, 7u);
    QCOMPARE(taskBusy, 1002u);
}

void TestReplayCauses::timelineFailuresAgree_data()
{
    QTest::addColumn<QByteArray>("capture");
    QTest::addColumn<QByteArray>("file");
    QTest::newRow("reserved-mixed trace") << QByteArray("k612-reserved-mixed") << QByteArray("trace.txt");
    QTest::newRow("reserved-mixed trace_pipe") << QByteArray("k612-reserved-mixed") << QByteArray("trace_pipe.txt");
    QTest::newRow("k61-nvme trace_pipe") << QByteArray("k61-nvme") << QByteArray("trace_pipe.txt");
    QTest::newRow("nvme-late") << QByteArray("k612-nvme-late") << QByteArray("trace.txt");
    QTest::newRow("busy-retry") << QByteArray("k612-busy-retry") << QByteArray("trace.txt");
    QTest::newRow("reserved-mixed trace.dat") << QByteArray("k612-reserved-mixed") << QByteArray("trace.dat.gz");
    QTest::newRow("reserved-mixed report") << QByteArray("k612-reserved-mixed") << QByteArray("trace-cmd-report.txt");
    QTest::newRow("hugetlb-opb9") << QByteArray("k612-hugetlb-opb9") << QByteArray("trace.txt");
    QTest::newRow("dt-numa") << QByteArray("k612-dt-numa") << QByteArray("trace.txt");
}

/// The app steps through the replay's timeline with the simulator: it must count the failures the replay counts
/// (it counted 443 of 441 when a recorded placement overlapped pages whose release the trace missed).
void TestReplayCauses::timelineFailuresAgree()
{
    QFETCH(QByteArray, capture);
    QFETCH(QByteArray, file);
    const auto dir = test::captureDir(capture);
    const TraceData data = test::loadTrace(dir / file.toStdString());
    const ReplayResult r = replayTrace(data, test::bootInputs(dir));
    QVERIFY(r.error.empty());
    const Project p = replayProject(r, "t");
    auto created = Simulation::create(p.platform, p.scenarios.at(0));
    QVERIFY(std::holds_alternative<Simulation>(created));
    Simulation& sim = std::get<Simulation>(created);
    QVERIFY(sim.run());
    std::uint64_t failed = 0;
    for (const auto& rec : sim.records())
        failed += rec.outcome == Outcome::Failed;
    QCOMPARE(failed, r.failed);
}

QTEST_GUILESS_MAIN(TestReplayCauses)
#include "tst_replay_causes.moc"
