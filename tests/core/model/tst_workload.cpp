// SPDX-License-Identifier: GPL-2.0-or-later
// The workload generator (model/workload.h, docs/workload.md): a seed reproduces the same steps (and a known
// seed the known steps, whatever the standard library), each size distribution stays in its bounds and has its
// shape, phases shape the live count, a trace's histogram becomes a distribution, the JSON form reads back and
// every bad spec gets its exact error.
#include "support/captures.h"
#include "support/platforms.h"
#include "support/workloads.h"

#include <cmascope/model/scenariotext.h>
#include <cmascope/model/workload.h>
#include <cmascope/model/workloadsampling.h>
#include <cmascope/replay/workloadhistogram.h>

#include <QTest>

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

using namespace cmascope;

Q_DECLARE_METATYPE(cmascope::SizeDistribution)

class TestWorkload : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSameSteps_data();
    void sameSeedSameSteps();
    void knownSeedKnownSteps();
    void distributions_data();
    void distributions();
    void uniformBelowHasNoBias();
    void phasesShapeTheLiveCount();
    void labelsAreUniqueAndEveryFreeIsLive();
    void histogramFromATrace();
    void jsonRoundTrip();
    void badSpecs_data();
    void badSpecs();
    void unknownDeviceIsNamed();
    void cancel();
};

namespace {

Scenario generate(const WorkloadSpec& spec, const Platform& pf)
{
    auto r = generateWorkload(spec, pf);
    if (!r.ok())
        qFatal("%s", r.errorText().c_str());
    return std::move(*r.scenario);
}

/// Live allocations after each step.
std::vector<std::size_t> liveCounts(const Scenario& sc)
{
    std::vector<std::size_t> out;
    std::size_t live = 0;
    for (const Step& s : sc.steps) {
        live += s.type == StepType::Allocate;
        live -= s.type == StepType::Free;
        out.push_back(live);
    }
    return out;
}

/// The indexes of the phase markers.
std::vector<std::size_t> markers(const Scenario& sc)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < sc.steps.size(); ++i)
        if (sc.steps[i].type == StepType::Phase)
            out.push_back(i);
    return out;
}

SizeDistribution dist(
    SizeDistributionKind kind, std::uint64_t min, std::uint64_t max, std::vector<WeightedSize> choices = {})
{
    SizeDistribution d;
    d.kind = kind;
    d.min = min;
    d.max = max;
    d.choices = std::move(choices);
    return d;
}

} // namespace

void TestWorkload::sameSeedSameSteps_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<quint64>("other");
    QTest::newRow("42 vs 43") << quint64(42) << quint64(43);
    QTest::newRow("0 vs 1") << quint64(0) << quint64(1);
    QTest::newRow("2^64-1 vs 2^63") << quint64(~0ull) << quint64(1ull << 63);
}

void TestWorkload::sameSeedSameSteps()
{
    QFETCH(quint64, seed);
    QFETCH(quint64, other);
    const Project demo = test::loadDemo();
    const std::string a = formatScenarioText(generate(test::demoWorkload(seed), demo.platform), demo.platform);
    const std::string b = formatScenarioText(generate(test::demoWorkload(seed), demo.platform), demo.platform);
    const std::string c = formatScenarioText(generate(test::demoWorkload(other), demo.platform), demo.platform);
    QCOMPARE(a, b);
    QVERIFY(a != c);
    QVERIFY(std::count(a.begin(), a.end(), '\n') > 50);
}

void TestWorkload::knownSeedKnownSteps()
{
    // std::mt19937_64's sequence is fixed by the standard and the sampling is ours: these steps are the same
    // with every compiler and standard library. A change here changes every saved spec's scenario.
    const Project demo = test::loadDemo();
    const Scenario sc = generate(test::demoWorkload(42), demo.platform);
    const std::string text = formatScenarioText(sc, demo.platform);
    const char* known = // the first 29 lines: every stream, every distribution, frees by lifetime
        "scenario generated\n"
        "description \"Generated workload, seed 42 (docs/workload.md)\"\n"
        "phase \"warm up\"\n"
        "alloc s3c-mfc5/b 1M align=128K as s3c-mfc5.0\n"
        "alloc s3c-mfc5/b 1M align=128K as s3c-mfc5.1\n"
        "alloc s3c-mfc5/b 1M align=128K as s3c-mfc5.2\n"
        "alloc s3c-mfc5/b 2M align=128K as s3c-mfc5.3\n"
        "alloc s3c-mfc5/b 1M align=128K as s3c-mfc5.4\n"
        "free s3c-mfc5.0\n"
        "free s3c-mfc5.2\n"
        "alloc s3c-mfc5/b 1M align=128K as s3c-mfc5.5\n"
        "alloc s3c-fimc.0 108K as s3c-fimc.0.6\n"
        "alloc s3c-fimc.0 364K as s3c-fimc.0.7\n"
        "free s3c-mfc5.3\n"
        "alloc s3c-fimc.0 260K as s3c-fimc.0.8\n"
        "free s3c-fimc.0.6\n"
        "free s3c-fimc.0.7\n"
        "free s3c-fimc.0.8\n"
        "alloc s3c-mfc5/b 1M align=128K as s3c-mfc5.9\n"
        "alloc s3c-fimc.0 196K as s3c-fimc.0.10\n"
        "alloc s3c-mfc5/a 64K as s3c-mfc5.11\n"
        "alloc s3c-mfc5/b 1M align=128K as s3c-mfc5.12\n"
        "free s3c-mfc5.1\n"
        "alloc s3c-mfc5/b 2M align=128K as s3c-mfc5.13\n"
        "free s3c-fimc.0.10\n"
        "alloc s3c-fimc.0 296K as s3c-fimc.0.14\n"
        "alloc s3c-mfc5/b 1M align=128K as s3c-mfc5.15\n"
        "alloc s3c-mfc5/a 320K as s3c-mfc5.16\n"
        "free s3c-mfc5.13\n";
    QCOMPARE(text.substr(0, std::string_view(known).size()), std::string(known));
}

void TestWorkload::distributions_data()
{
    QTest::addColumn<SizeDistribution>("sizes");
    QTest::addColumn<quint64>("lo");
    QTest::addColumn<quint64>("hi");
    // Quantiles as (size, fraction of samples at or below it, tolerance). With 10,000 samples a fraction's
    // standard deviation is at most 0.005: a tolerance of 0.02 fails a wrong shape and passes the right one.
    QTest::addColumn<QList<QList<double>>>("quantiles");
    const std::uint64_t k = KiB, m = MiB;
    QTest::newRow("fixed 3:1") << dist(SizeDistributionKind::Fixed, 0, 0, { { m, 3 }, { 2 * m, 1 } }) << quint64(m)
                               << quint64(2 * m) << QList<QList<double>> { { double(m), 0.75, 0.02 } };
    QTest::newRow("histogram 1:2:1") << dist(
        SizeDistributionKind::Histogram, 0, 0, { { 4 * k, 1 }, { 8 * k, 2 }, { 16 * k, 1 } })
                                     << quint64(4 * k) << quint64(16 * k)
                                     << QList<QList<double>> { { 4.0 * k, 0.25, 0.02 }, { 8.0 * k, 0.75, 0.02 } };
    // Uniform: a quarter of [1000, 9000] below 3000, half below 5000.
    QTest::newRow("uniform") << dist(SizeDistributionKind::Uniform, 1000, 9000) << quint64(1000) << quint64(9000)
                             << QList<QList<double>> { { 3000.0, 0.25, 0.02 }, { 5000.0, 0.5, 0.02 } };
    // Log-uniform over [4K, 4M]: the median is the geometric mean 128K; a tenth of the range's log below 8K.
    QTest::newRow("log-uniform") << dist(SizeDistributionKind::LogUniform, 4 * k, 4 * m) << quint64(4 * k)
                                 << quint64(4 * m)
                                 << QList<QList<double>> { { 128.0 * k, 0.5, 0.02 }, { 8.0 * k, 0.1, 0.02 } };
    QTest::newRow("log-uniform one size") << dist(SizeDistributionKind::LogUniform, 64 * k, 64 * k) << quint64(64 * k)
                                          << quint64(64 * k) << QList<QList<double>> { { 64.0 * k, 1.0, 0.0 } };
}

void TestWorkload::distributions()
{
    QFETCH(SizeDistribution, sizes);
    QFETCH(quint64, lo);
    QFETCH(quint64, hi);
    QFETCH(QList<QList<double>>, quantiles);
    const SizeSampler sample(sizes);
    WorkloadRng rng(7);
    std::vector<std::uint64_t> drawn;
    for (int i = 0; i < 10000; ++i)
        drawn.push_back(sample(rng));
    // The bounds are never passed, and samples come near both (within 1% of the range).
    QVERIFY(*std::min_element(drawn.begin(), drawn.end()) >= lo);
    QVERIFY(*std::min_element(drawn.begin(), drawn.end()) <= lo + (hi - lo) / 100);
    QVERIFY(*std::max_element(drawn.begin(), drawn.end()) <= hi);
    QVERIFY(*std::max_element(drawn.begin(), drawn.end()) >= hi - (hi - lo) / 100);
    for (const auto& q : quantiles) {
        const double below =
            double(std::count_if(drawn.begin(), drawn.end(), [&](auto v) { return double(v) <= q[0]; }))
            / double(drawn.size());
        if (std::abs(below - q[1]) > q[2])
            QFAIL(qPrintable(QStringLiteral("%1 of the samples at or below %2, expected %3 ± %4")
                                 .arg(below)
                                 .arg(q[0])
                                 .arg(q[1])
                                 .arg(q[2])));
    }
}

void TestWorkload::uniformBelowHasNoBias()
{
    // n = 2^63 + 1: a plain `x % n` would give values below 2^63 - 1 twice as often as the others (half the
    // outputs); rejection keeps the upper half of [0, n) at half the samples.
    WorkloadRng rng(1);
    const std::uint64_t n = (std::uint64_t(1) << 63) + 1;
    int upper = 0;
    for (int i = 0; i < 10000; ++i)
        upper += uniformBelow(rng, n) >= n / 2;
    QVERIFY2(std::abs(upper - 5000) < 200, qPrintable(QString::number(upper)));
    QCOMPARE(uniformBetween(rng, 5, 5), 5u);
    for (int i = 0; i < 100; ++i)
        QVERIFY(uniformBelow(rng, 3) < 3);
}

void TestWorkload::phasesShapeTheLiveCount()
{
    const Project demo = test::loadDemo();
    WorkloadSpec spec = test::demoWorkload();
    for (auto& s : spec.streams)
        s.lifetime = { true, 1, 1 }; // nothing expires: the live count is the phases' target
    const auto r = generateWorkload(spec, demo.platform);
    QVERIFY(r.ok());
    const auto live = liveCounts(*r.scenario);
    const auto at = markers(*r.scenario);
    QCOMPARE(at.size(), 4u);
    // Ramp: never down, up to 12 at its end; plateau: 12 throughout; peak: 20 at the top, back to 12; drain: 0.
    QVERIFY(std::is_sorted(live.begin(), live.begin() + std::ptrdiff_t(at[1])));
    QCOMPARE(live[at[1]], 12u);
    QCOMPARE(at[2], at[1] + 1); // nothing expires and the target holds: the plateau has no step
    QCOMPARE(*std::max_element(live.begin() + std::ptrdiff_t(at[2]), live.begin() + std::ptrdiff_t(at[3])), 20u);
    QCOMPARE(live[at[3]], 12u);
    QCOMPARE(live.back(), 0u);
    QCOMPARE(r.stats.peakLive, 20u);
    QCOMPARE(r.stats.liveAtEnd, 0u);
    QCOMPARE(r.stats.liveSeries.size(), 65u); // one value per tick: 20 + 30 + 10 + 5 ticks
    QCOMPARE(r.stats.liveSeries[19], 12u);
    QCOMPARE(r.stats.liveSeries[54], 20u); // the peak's middle tick (its 5th)
    QCOMPARE(r.stats.liveSeries.back(), 0u);
    // With lifetimes, the plateau churns: requests and frees, the live count at its target at each tick's end.
    const auto churn = generateWorkload(test::demoWorkload(), demo.platform);
    const auto series = churn.stats.liveSeries;
    QVERIFY(std::all_of(series.begin() + 20, series.begin() + 50, [](auto v) { return v == 12; }));
    const auto churnMarkers = markers(*churn.scenario);
    QVERIFY(churnMarkers[2] - churnMarkers[1] > 40);
    QCOMPARE(liveCounts(*churn.scenario).back(), 0u);
}

void TestWorkload::labelsAreUniqueAndEveryFreeIsLive()
{
    const Project demo = test::loadDemo();
    const Scenario sc = generate(test::demoWorkload(5), demo.platform);
    std::set<std::string> seen, live;
    for (const Step& s : sc.steps) {
        const std::string label(sc.symbols.name(s.label));
        if (s.type == StepType::Allocate) {
            QVERIFY2(seen.insert(label).second, label.c_str());
            live.insert(label);
            QCOMPARE(s.size % demo.platform.pageSize, 0u);
            if (sc.symbols.name(s.kind) == "b")
                QCOMPARE(int(s.alignLog2), 17); // 128 KiB
            if (sc.symbols.name(s.kind) == "a")
                QCOMPARE(s.size % (64 * KiB), 0u);
        } else if (s.type == StepType::Free) {
            QVERIFY2(live.erase(label) == 1, label.c_str());
        }
    }
    QVERIFY(live.empty());
    QVERIFY(seen.size() > 50);
}

void TestWorkload::histogramFromATrace()
{
    const auto dir = test::captureDir("k612-reserved-mixed");
    const auto replay = replayTraceFile(test::traceFile(dir), test::bootInputs(dir));
    QVERIFY2(replay.ok(), replay.error.c_str());
    const auto& res = replay.result;
    const auto all = workloadHistogram(res);
    std::uint64_t total = 0;
    for (const WeightedSize& w : all)
        total += w.weight;
    QCOMPARE(total, std::uint64_t(res.requests.size()));
    QVERIFY(all.size() > 3);
    QVERIFY(std::is_sorted(all.begin(), all.end(), [](auto& a, auto& b) { return a.bytes < b.bytes; }));
    const auto tasks = replayTaskCommands(res);
    QVERIFY(!tasks.empty());
    const auto one = workloadHistogram(res, tasks.front());
    QVERIFY(!one.empty());
    QVERIFY(workloadHistogram(res, "no such task").empty());
    // The histogram as a stream's sizes: every generated request has one of the recorded sizes.
    WorkloadSpec spec;
    spec.phases = { { "replayed sizes", PhaseKind::Plateau, 200, 10 }, { "end", PhaseKind::Drain, 1, 0 } };
    WorkloadStream s;
    s.device = "dev";
    s.sizes.kind = SizeDistributionKind::Histogram;
    s.sizes.choices = all;
    s.lifetime = { false, 1, 5 };
    spec.streams = { s };
    const Scenario sc = generate(spec, Platform {});
    std::set<std::uint64_t> recorded;
    for (const WeightedSize& w : all)
        recorded.insert(w.bytes);
    std::set<std::uint64_t> used;
    for (const Step& st : sc.steps)
        if (st.type == StepType::Allocate)
            used.insert(st.size);
    QVERIFY(std::includes(recorded.begin(), recorded.end(), used.begin(), used.end()));
    QVERIFY(used.size() > 1);
}

void TestWorkload::jsonRoundTrip()
{
    WorkloadSpec spec = test::demoWorkload(~0ull);
    spec.streams[2].sizes.kind = SizeDistributionKind::Histogram;
    spec.streams[2].sizes.choices = { { 4096, 10 }, { 8192, 3 } };
    spec.streams[2].sizes.source = "trace.txt (init)";
    spec.streams[2].sizes.min = spec.streams[2].sizes.max = 0;
    const std::string text = serializeWorkloadSpec(spec);
    const auto back = parseWorkloadSpec(text);
    QVERIFY2(back.ok(), back.errorText().c_str());
    QVERIFY(*back.spec == spec);
    QCOMPARE(serializeWorkloadSpec(*back.spec), text);
}

void TestWorkload::badSpecs_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("error");
    const QString head = QStringLiteral(R"({"format": "cmascope-workload", "version": 1, )");
    const QString phases =
        QStringLiteral(R"("phases": [{"name": "p", "kind": "plateau", "ticks": 5, "concurrency": 2}], )");
    auto stream = [&](const QString& body) -> QString {
        return head + phases + QStringLiteral(R"("streams": [{"device": "d", %1}]})").arg(body);
    };
    const QString sizes = QStringLiteral(R"("sizes": {"type": "fixed", "choices": [{"size": "4K"}]})");
    QTest::newRow("not json") << QStringLiteral("{") << QStringLiteral("not valid JSON");
    QTest::newRow("format") << QStringLiteral(R"({"format": "x", "version": 1})")
                            << QStringLiteral("format: must be \"cmascope-workload\", not \"x\"");
    QTest::newRow("ticks missing") << head + QStringLiteral(R"("phases": [{"name": "p", "kind": "ramp"}]})")
                                   << QStringLiteral("phases[0].ticks: is required");
    QTest::newRow("ticks zero") << head + QStringLiteral(R"("phases": [{"name": "p", "ticks": 0}]})")
                                << QStringLiteral("phases[0].ticks: must be between 1 and 100000000");
    QTest::newRow("phase kind")
        << head + QStringLiteral(R"("phases": [{"name": "p", "kind": "spike", "ticks": 1}]})")
        << QStringLiteral("phases[0].kind: must be \"ramp\", \"peak\", \"plateau\", \"drain\", not \"spike\"");
    QTest::newRow("drain concurrency")
        << head + QStringLiteral(R"("phases": [{"name": "p", "kind": "drain", "ticks": 1, "concurrency": 3}]})")
        << QStringLiteral("phases[0].concurrency: must be 0 for a drain phase (it ends with nothing live)");
    QTest::newRow("no streams") << QString(head + phases.chopped(2) + QStringLiteral("}"))
                                << QStringLiteral("streams: at least one stream is needed");
    QTest::newRow("sizes missing") << stream(QStringLiteral(R"("weight": 1)"))
                                   << QStringLiteral("streams[0].sizes: is required");
    QTest::newRow("size too big")
        << stream(QStringLiteral(R"("sizes": {"type": "fixed", "choices": [{"size": "2T"}]})"))
        << QStringLiteral("streams[0].sizes.choices[0].size: must be between 1 byte and 1 TiB, not 2 TiB");
    QTest::newRow("size wraps") << stream(QStringLiteral(R"("sizes": {"type": "uniform", "min": "1", "max": "16E"})"))
                                << QStringLiteral("streams[0].sizes.max: '16E' does not fit in 64 bits");
    QTest::newRow("max below min") << stream(
        QStringLiteral(R"("sizes": {"type": "log-uniform", "min": "1M", "max": "4K"})"))
                                   << QStringLiteral("streams[0].sizes.max: must be at least min (1 MiB), not 4 KiB");
    QTest::newRow("zero size") << stream(QStringLiteral(R"("sizes": {"type": "uniform", "min": 0, "max": "4K"})"))
                               << QStringLiteral("streams[0].sizes.min: must be between 1 byte and 1 TiB, not 0 bytes");
    QTest::newRow("empty histogram") << stream(QStringLiteral(R"("sizes": {"type": "histogram", "bins": []})"))
                                     << QStringLiteral("streams[0].sizes.bins: at least one size is needed");
    QTest::newRow("align") << stream(sizes + QStringLiteral(R"(, "align": "12K")"))
                           << QStringLiteral("streams[0].align: must be a power of two up to 1 TiB, not 0x3000");
    QTest::newRow("lifetime") << stream(
        sizes + QStringLiteral(R"(, "lifetime": {"type": "uniform", "min": 5, "max": 2})"))
                              << QStringLiteral("streams[0].lifetime.max: must be between min (5) and 100000000");
    QTest::newRow("lifetime type")
        << stream(sizes + QStringLiteral(R"(, "lifetime": {"type": "forever"})"))
        << QStringLiteral("streams[0].lifetime.type: must be \"uniform\" or \"until-drain\", not \"forever\"");
    QTest::newRow("seed") << head + QStringLiteral(R"("seed": -1})")
                          << QStringLiteral("seed: must be an integer from 0 to 2^64 - 1");
}

void TestWorkload::badSpecs()
{
    QFETCH(QString, json);
    QFETCH(QString, error);
    const auto parsed = parseWorkloadSpec(json.toStdString());
    std::string text = parsed.errorText();
    if (parsed.ok()) {
        const auto generated = generateWorkload(*parsed.spec, Platform {});
        QVERIFY(!generated.ok());
        text = generated.errorText();
    }
    QVERIFY2(QString::fromStdString(text).contains(error), text.c_str());
}

void TestWorkload::unknownDeviceIsNamed()
{
    const Project demo = test::loadDemo();
    WorkloadSpec spec = test::demoWorkload();
    spec.streams[1].device = "s3c-mfc6";
    spec.streams[2].kind = "z";
    const auto r = generateWorkload(spec, demo.platform);
    QVERIFY(!r.ok());
    QCOMPARE(QString::fromStdString(r.errorText()),
        QStringLiteral("streams[1].device: the platform has no device 's3c-mfc6'\n"
                       "streams[2].kind: the platform has no kind 'z'\n"));
}

void TestWorkload::cancel()
{
    WorkloadSpec spec = test::demoWorkload();
    spec.phases[1].ticks = 100000;
    const auto r = generateWorkload(
        spec, test::loadDemo().platform, [](std::uint64_t done, std::uint64_t) { return done < 50000; });
    QVERIFY(r.cancelled);
    QVERIFY(!r.ok());
}

QTEST_GUILESS_MAIN(TestWorkload)
#include "tst_workload.moc"
