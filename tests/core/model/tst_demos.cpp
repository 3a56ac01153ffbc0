// SPDX-License-Identifier: GPL-2.0-or-later
// The demo projects shipped with the app: each loads, places, validates and runs, and tells the story
// its description promises.
#include "../../support/demos.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/validation/validation.h>

#include <QDir>
#include <QFile>
#include <QTest>

using namespace cmascope;

class TestDemos : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyDemoRuns_data();
    void everyDemoRuns();
    void everyDemoHasALesson_data();
    void everyDemoHasALesson();
    void everyDemoIsBuiltIn();
    void cameraVideoSharesRegions();
    void graphicsFragmentation();
    void graphicsSplitByKind();
    void modernBoardHasNoFallback();
    void hugetlbRangeByRange();

private:
    static Simulation run(const char* file);
};

Simulation TestDemos::run(const char* file)
{
    auto loaded = loadProjectFile(std::string(CMASCOPE_SOURCE_DIR "/resources/demos/") + file);
    if (!loaded.ok())
        qFatal("%s", loaded.errorText().c_str());
    Platform pf = loaded.project->platform;
    placeRegions(pf);
    auto created = Simulation::create(pf, loaded.project->scenarios.at(0));
    if (auto* err = std::get_if<std::string>(&created))
        qFatal("%s", err->c_str());
    auto sim = std::move(std::get<Simulation>(created));
    sim.run();
    return sim;
}

void TestDemos::everyDemoRuns_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(QStringLiteral(CMASCOPE_SOURCE_DIR "/resources/demos"));
    const auto files = dir.entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 10); // issue 16: six from the 2010 thread and the patches, the textbook, two boards;
                                 // issue 17: the multi-range board
    for (const auto& f : files)
        QTest::newRow(qPrintable(f)) << dir.filePath(f);
}

void TestDemos::everyDemoRuns()
{
    QFETCH(QString, file);
    auto loaded = loadProjectFile(file.toStdString());
    QVERIFY2(loaded.ok(), loaded.errorText().c_str());
    QVERIFY(loaded.messages.empty()); // not even a warning in a shipped demo
    const Project& p = *loaded.project;
    QVERIFY(!p.platform.description.empty());
    QVERIFY(!p.scenarios.empty());
    Platform pf = p.platform;
    const auto placement = placeRegions(pf);
    QVERIFY(placement.ok());
    for (const auto& d : validate(pf))
        QVERIFY2(d.severity != Severity::Error, (d.path + ": " + d.message).c_str());
    auto created = Simulation::create(pf, p.scenarios[0]);
    QVERIFY(std::holds_alternative<Simulation>(created));
    auto& sim = std::get<Simulation>(created);
    QVERIFY(sim.run());
    // No free of an unknown label: the scenarios are consistent.
    for (const auto& r : sim.records())
        QVERIFY(r.outcome != Outcome::FreeUnknown);
}

void TestDemos::everyDemoHasALesson_data()
{
    everyDemoRuns_data();
}

void TestDemos::everyDemoHasALesson()
{
    // Each demo teaches (docs/lessons.md): a title, an introduction, notes on real steps, a question with an
    // answer, and a note on the first failed request (the failures are what the demos are about).
    QFETCH(QString, file);
    auto loaded = loadProjectFile(file.toStdString());
    QVERIFY2(loaded.ok(), loaded.errorText().c_str());
    const Scenario& sc = loaded.project->scenarios.at(0);
    QVERIFY(sc.lesson);
    const Lesson& lesson = *sc.lesson;
    QVERIFY(!lesson.title.empty());
    QVERIFY(lesson.introduction.size() > 200);
    QVERIFY(lesson.notes.size() >= 3);
    bool asks = false;
    for (const auto& n : lesson.notes) {
        QVERIFY(n.step < sc.steps.size());
        QVERIFY(!n.note.empty());
        QVERIFY(n.question.empty() == n.answer.empty());
        asks = asks || !n.question.empty();
    }
    QVERIFY(asks);
    Platform pf = loaded.project->platform;
    placeRegions(pf);
    auto created = Simulation::create(pf, sc);
    QVERIFY(std::holds_alternative<Simulation>(created));
    auto& sim = std::get<Simulation>(created);
    QVERIFY(sim.run());
    std::size_t firstFailure = sim.records().size();
    for (std::size_t i = 0; i < sim.records().size(); ++i)
        if (sim.records()[i].outcome == Outcome::Failed && firstFailure == sim.records().size())
            firstFailure = i;
    if (firstFailure < sim.records().size())
        QVERIFY2(lesson.noteAt(firstFailure), qPrintable(QStringLiteral("no note on step %1").arg(firstFailure)));
}

void TestDemos::everyDemoIsBuiltIn()
{
    // The app shows the demos compiled in as resources (app/gui/demos.cpp lists ":/demos"): every file in
    // resources/demos must be in app/CMakeLists.txt's CMASCOPE_DEMOS, and the default demo must exist.
    QFile cmake(QStringLiteral(CMASCOPE_SOURCE_DIR "/app/CMakeLists.txt"));
    QVERIFY(cmake.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(cmake.readAll());
    const QDir dir(QStringLiteral(CMASCOPE_SOURCE_DIR "/resources/demos"));
    for (const auto& f : dir.entryList({ QStringLiteral("*.json") }, QDir::Files))
        QVERIFY2(text.contains(QStringLiteral("demos/") + f), qPrintable(f));
    QVERIFY(dir.exists(QStringLiteral("camera-video-2010.json")));
}

void TestDemos::cameraVideoSharesRegions()
{
    // One HD decode, then a video conference in the same regions: both phases fit.
    const Simulation sim = run("camera-video-2010.json");
    QCOMPARE(sim.summary().failures, std::uint64_t(0));
    const auto s = sim.summary();
    const auto b2 =
        std::size_t(std::find_if(sim.platform().regions.begin(), sim.platform().regions.end(), [](const Region& r) {
            return r.name == "b2";
        }) - sim.platform().regions.begin());
    QVERIFY(s.regions[b2].peakUsedPages > 3000); // the HD frames filled most of b2's 4096 pages
}

void TestDemos::graphicsFragmentation()
{
    const Simulation sim = run("gfx-fragmentation.json");
    // The game's 4 MiB textures fail although more than 4 MiB is free: fragmentation.
    std::size_t fragmented = 0;
    for (std::size_t i = 0; i < sim.stepCount(); ++i) {
        const auto& r = sim.records()[i];
        if (r.outcome != Outcome::Failed || r.refusal != Refusal::Fragmented)
            continue;
        ++fragmented;
        const auto dg = sim.diagnose(i);
        QVERIFY(dg.attempts.at(0).freePages >= 1024);
        QVERIFY(dg.attempts[0].largestAligned < 1024);
        QVERIFY(dg.attempts[0].extfragIndex > 500); // the kernel would call it fragmentation
    }
    QVERIFY(fragmented >= 3);
    // The game takes over: 19328 KiB free after the desktop's textures go, the largest run 3264 KiB, no texture fits.
    QCOMPARE(sim.stepCount(), std::size_t(115));
    for (std::size_t i = 109; i <= 114; ++i)
        QCOMPARE(sim.records()[i].refusal, Refusal::Fragmented);
    const auto dg = sim.diagnose(109);
    QCOMPARE(dg.attempts.at(0).freePages, std::uint64_t(19328 / 4));
    QCOMPARE(dg.attempts[0].largestAligned, std::uint64_t(3264 / 4));
}

void TestDemos::graphicsSplitByKind()
{
    // The same steps with the 24 MiB split by kind (gfx-split-kinds.json): no failure is fragmentation any more,
    // and after the takeover two game textures fit where the shared region fitted none.
    const auto shared = test::demoProject("gfx-fragmentation.json");
    const auto split = test::demoProject("gfx-split-kinds.json");
    QCOMPARE(split.scenarios.at(0).steps.size(), shared.scenarios.at(0).steps.size());
    const Simulation sim = test::demoRun("gfx-split-kinds.json");
    const std::vector<std::size_t> failed { 60, 93, 94, 95, 96, 97, 98, 111, 112, 113, 114 };
    QCOMPARE(test::failedSteps(sim), failed);
    for (const auto step : failed) {
        QCOMPARE(sim.records()[step].refusal, Refusal::NotEnoughFree);
        QCOMPARE(sim.diagnose(step).attempts.at(0).region, std::string("gfx3d"));
    }
    const auto gfx3d = std::uint16_t(test::regionNamed(sim.platform(), "gfx3d"));
    QCOMPARE(sim.records()[6].region, gfx3d); // the first texture, at the start of its own region
    QCOMPARE(sim.records()[6].offset, 0U);
    QCOMPARE(sim.records()[109].outcome, Outcome::Allocated);
    QCOMPARE(sim.records()[109].offset, 0U);
    QCOMPARE(sim.records()[110].outcome, Outcome::Allocated);
    QCOMPARE(sim.records()[110].offset, 1024U);
    QCOMPARE(test::finalUsedPages(sim, "gfx3d"), std::uint64_t(2048));
    QCOMPARE(sim.diagnose(93).attempts[0].freePages, std::uint64_t(128)); // 512 KiB
}

/// The lesson's story (resources/demos/hugetlb-multirange.json): hugetlb0 in two ranges; the first 1 GiB page in
/// range 1, the second refused by both, the third in range 0 once it is empty.
void TestDemos::hugetlbRangeByRange()
{
    const Simulation sim = run("hugetlb-multirange.json");
    const Platform& pf = sim.platform();
    QCOMPARE(pf.regions.back().name, std::string("hugetlb0 range 1"));
    const auto range1 = std::uint16_t(pf.regions.size() - 1);
    for (std::size_t i = 1; i <= 10; ++i)
        if (sim.records()[i].outcome == Outcome::Allocated)
            QCOMPARE(sim.records()[i].region, std::uint16_t(1)); // the small chunks and 32 MiB pages: range 0
    QCOMPARE(sim.records()[12].outcome, Outcome::Allocated);
    QCOMPARE(sim.records()[12].region, range1);
    QCOMPARE(sim.records()[13].outcome, Outcome::Failed);
    const auto dg = sim.diagnose(13);
    QCOMPARE(dg.attempts.size(), std::size_t(2)); // both ranges, in the area's order
    QCOMPARE(dg.attempts[0].region, std::string("hugetlb0"));
    QCOMPARE(dg.attempts[1].region, std::string("hugetlb0 range 1"));
    QCOMPARE(dg.attempts[0].freePages * 4096, std::uint64_t(844) * MiB);
    QCOMPARE(sim.records()[24].outcome, Outcome::Allocated);
    QCOMPARE(sim.records()[24].region, std::uint16_t(1));
    QCOMPARE(sim.records()[24].offset, 0u);
}

void TestDemos::modernBoardHasNoFallback()
{
    const Simulation sim = run("rzg2l-smarc-dt.json");
    bool sawFailure = false;
    for (std::size_t i = 0; i < sim.stepCount(); ++i) {
        if (sim.records()[i].outcome != Outcome::Failed)
            continue;
        sawFailure = true;
        const auto dg = sim.diagnose(i);
        QCOMPARE(dg.device, std::string("vcodec"));
        QCOMPARE(dg.attempts.size(), std::size_t(1)); // its own area only
        QCOMPARE(dg.attempts[0].region, std::string("linux,multimedia"));
        QVERIFY2(QString::fromStdString(dg.mapSummary).contains(QStringLiteral("no fallback")), dg.mapSummary.c_str());
        // ...while the default area had plenty of room.
        const SimState st = sim.stateAt(i);
        QVERIFY(st.regions[0].occupancy.freePages() > 16384);
    }
    QVERIFY(sawFailure);
}

QTEST_GUILESS_MAIN(TestDemos)
#include "tst_demos.moc"
