// SPDX-License-Identifier: GPL-2.0-or-later
// The Predict pane (predict, then reveal: docs/teaching.md#predict-then-reveal) on the camera-video-2010 demo:
// clicks on its map at the true address, in the right hole and elsewhere, "It will not fit" on a failing request,
// the score, the document following a reveal, and another policy changing where a request lands.
#include "common/document.h"
#include "lesson/predictpanel.h"
#include "map/memorymapwidget.h"
#include "support/platforms.h"

#include <cmascope/util/units.h>

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace cmascope;
using namespace cmascope::views;

namespace {

/// The physical address of page @p offset of region @p r of @p sim.
quint64 addressOf(const Simulation& sim, std::uint16_t r, quint64 offset)
{
    const Region& region = sim.platform().regions.at(r);
    return region.placedBase.value_or(region.start) + offset * region.pageSize;
}

/// Clicks the pane's map at @p address of platform region @p r (zoomed to the region so a page is wide enough).
void clickAt(PredictPanel& panel, std::uint16_t r, quint64 address)
{
    MemoryMapWidget* map = panel.map();
    const int ri = panel.mapRegion(r);
    QVERIFY(ri >= 0);
    map->zoomToRegion(ri);
    const double x = map->xFor(ri, address);
    for (int y = 0; y < map->height(); ++y)
        if (map->regionAt(QPointF(x, y)) == ri) {
            QTest::mouseClick(map, Qt::LeftButton, Qt::NoModifier, QPoint(int(x), y + 4));
            return;
        }
    QFAIL("the region is not drawn on the pane's map");
}

/// The middle of the chunk step @p step placed (a click there is inside it whatever the pixel rounding).
std::pair<std::uint16_t, quint64> chunkMiddle(const Simulation& sim, std::size_t step)
{
    const StepRecord& rec = sim.records().at(step);
    return { rec.region, addressOf(sim, rec.region, rec.offset + rec.pages / 2) };
}

/// A pane on the demo, shown (the map needs a size) and at its first question.
struct Fixture
{
    Document doc;
    PredictPanel panel { &doc };
    Fixture()
    {
        panel.resize(1000, 900);
        panel.show();
        doc.setProject(test::loadDemo("camera-video-2010.json"));
        doc.waitForRun();
        panel.waitForRun();
    }
};

} // namespace

class TestPredictPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void answersAreJudged();
    void willNotFitOnAFailure();
    void anotherPolicy();
    void pickModeIsOptIn();
};

void TestPredictPanel::answersAreJudged()
{
    Fixture f;
    PredictPanel& panel = f.panel;
    const Simulation& sim = *f.doc.simulation();
    QCOMPARE(panel.simulation(), &sim);
    // Step 0 is a phase: the first question is step 1, the firmware.
    QCOMPARE(panel.questionStep(), std::optional<std::size_t>(1));
    QVERIFY2(
        panel.questionText().contains(QStringLiteral("s3c-mfc5/f asks for 1 MiB")), qPrintable(panel.questionText()));
    QVERIFY(!panel.revealButton()->isEnabled()); // no guess yet
    const auto [fwRegion, fwMiddle] = chunkMiddle(sim, 1);
    clickAt(panel, fwRegion, fwMiddle);
    QVERIFY(panel.hasGuess());
    QVERIFY(panel.map()->content().pick.has_value());
    QTest::mouseClick(panel.revealButton(), Qt::LeftButton);
    QVERIFY(panel.isRevealed());
    QCOMPARE(panel.judgement()->verdict, PredictionVerdict::Exact);
    QVERIFY2(panel.resultText().contains(QStringLiteral("Exact:")), qPrintable(panel.resultText()));
    QVERIFY(panel.resultText().contains(QStringLiteral("Placed at 0x4ff00000"))); // the narration
    QCOMPARE(f.doc.currentStep(), std::optional<std::size_t>(1)); // every view follows
    QVERIFY(panel.map()->content().pick.has_value()); // the guess stays marked on the result

    // Step 2: 2 MiB into the empty b1, at its start; 20 MiB in is the right hole, not the chunk.
    QTest::mouseClick(panel.nextButton(), Qt::LeftButton);
    QCOMPARE(panel.questionStep(), std::optional<std::size_t>(2));
    QCOMPARE(f.doc.position(), std::size_t(2)); // the state before the question
    const std::uint16_t b1 = sim.records()[2].region;
    clickAt(panel, b1, addressOf(sim, b1, 0) + 20 * MiB);
    QVERIFY(panel.reveal());
    QCOMPARE(panel.judgement()->verdict, PredictionVerdict::RightHole);
    QVERIFY(panel.judgement()->right());

    // Step 3: a guess in b2, where the map does not send bank A.
    QVERIFY(panel.nextQuestion());
    QCOMPARE(panel.questionStep(), std::optional<std::size_t>(3));
    const std::uint16_t b2 = sim.records()[4].region; // hd-frame0 goes to b2
    QVERIFY(b2 != b1);
    clickAt(panel, b2, addressOf(sim, b2, 100));
    QVERIFY(panel.reveal());
    QCOMPARE(panel.judgement()->verdict, PredictionVerdict::WrongRegion);
    QVERIFY(!panel.reveal()); // once per question
    QCOMPARE(panel.score().asked, 3u);
    QVERIFY2(panel.scoreText().contains(QStringLiteral("2 of 3 right, 1 exact")), qPrintable(panel.scoreText()));
    // After the HD decode's last request (step 14) the next question is the conference's first (docs/teaching.md).
    while (panel.questionStep() && *panel.questionStep() < 14)
        QVERIFY(panel.nextQuestion());
    QVERIFY(panel.nextQuestion());
    QCOMPARE(panel.questionStep(), std::optional<std::size_t>(30));
    QCOMPARE(skippedStepsText(sim, 15, 30),
        std::string("Steps 15–29 applied: 13 frees, 2 phases ('Video conference: two SD decodes + one SD encode')."));
}

void TestPredictPanel::willNotFitOnAFailure()
{
    Fixture f;
    // A request no region can hold, after the demo's last step; the rerun starts the pane over.
    std::vector<Scenario> scenarios = f.doc.project().scenarios;
    scenarios[std::size_t(f.doc.scenarioIndex())].allocate("s3c-fimc.0", "", 64 * MiB, "too-big");
    f.doc.editScenarios(scenarios, f.doc.scenarioIndex(), QStringLiteral("add a request"));
    f.doc.waitForRun();
    const Simulation& sim = *f.doc.simulation();
    const std::size_t last = sim.stepCount() - 1;
    QCOMPARE(sim.records()[last].outcome, Outcome::Failed);
    QCOMPARE(f.panel.score().asked, 0u);
    while (f.panel.questionStep() && *f.panel.questionStep() < last)
        QVERIFY(f.panel.nextQuestion());
    QCOMPARE(f.panel.questionStep(), std::optional<std::size_t>(last));
    QVERIFY2(f.panel.questionText().contains(QStringLiteral("Step %1").arg(last)), qPrintable(f.panel.questionText()));
    QTest::mouseClick(f.panel.willNotFitButton(), Qt::LeftButton);
    QVERIFY(f.panel.reveal());
    QCOMPARE(f.panel.judgement()->verdict, PredictionVerdict::RightFailure);
    QVERIFY(f.panel.scoreText().contains(QStringLiteral("1 of 1 right, 0 exact")));
    QVERIFY(f.panel.map()->content().ghost.has_value()); // the failed request's ghost on the result
    QVERIFY(!f.panel.nextQuestion()); // the last request
    QVERIFY(f.panel.questionText().contains(QStringLiteral("No more requests")));
}

void TestPredictPanel::anotherPolicy()
{
    Fixture f;
    const Simulation& own = *f.doc.simulation();
    // The demo's regions use best fit: best fit on every region asks the same questions with the same answers.
    f.panel.setPolicy(PolicyKind::BestFit2010);
    f.panel.waitForRun();
    QVERIFY(f.panel.simulation() && f.panel.simulation() != &own);
    QCOMPARE(f.panel.simulation()->stepCount(), own.stepCount());
    for (std::size_t s = 0; s < own.stepCount(); ++s)
        QCOMPARE(f.panel.simulation()->records()[s].offset, own.records()[s].offset);
    // Worst fit lands some request elsewhere: a guess at best fit's chunk is no longer exact.
    f.panel.setPolicy(PolicyKind::WorstFit);
    QVERIFY(f.panel.isRunning());
    f.panel.waitForRun();
    QVERIFY2(f.panel.noteText().contains(QStringLiteral("the main views show the project's own policies")),
        qPrintable(f.panel.noteText()));
    const Simulation& worst = *f.panel.simulation();
    std::optional<std::size_t> differs;
    for (std::size_t s = 0; s < own.stepCount() && !differs; ++s)
        if (isPredictable(own, s) && isServed(own.records()[s].outcome)
            && (worst.records()[s].region != own.records()[s].region
                || worst.records()[s].offset != own.records()[s].offset))
            differs = s;
    QVERIFY(differs);
    while (f.panel.questionStep() && *f.panel.questionStep() < *differs)
        QVERIFY(f.panel.nextQuestion());
    QCOMPARE(f.panel.questionStep(), differs);
    const std::size_t position = f.doc.position();
    const auto [region, bestFitMiddle] = chunkMiddle(own, *differs);
    clickAt(f.panel, region, bestFitMiddle);
    QVERIFY(f.panel.reveal());
    QVERIFY(f.panel.judgement()->verdict != PredictionVerdict::Exact);
    QCOMPARE(f.panel.judgement()->chunkAddress,
        addressOf(worst, worst.records()[*differs].region, worst.records()[*differs].offset));
    QCOMPARE(f.doc.position(), position); // the main views keep the project's run
    QVERIFY(f.panel.resultText().contains(QStringLiteral("worst fit")));
    // Back to the project's policies: a new score, and the same click is exact.
    f.panel.setPolicy(std::nullopt);
    QCOMPARE(f.panel.score().asked, 0u);
    while (f.panel.questionStep() && *f.panel.questionStep() < *differs)
        QVERIFY(f.panel.nextQuestion());
    clickAt(f.panel, region, bestFitMiddle);
    QVERIFY(f.panel.reveal());
    QCOMPARE(f.panel.judgement()->verdict, PredictionVerdict::Exact);
    QCOMPARE(f.doc.currentStep(), differs);
}

// The map's pick mode: off, a click selects the chunk under it; on, the same click names the address and selects
// nothing.
void TestPredictPanel::pickModeIsOptIn()
{
    Document doc;
    doc.setProject(test::loadDemo("camera-video-2010.json"));
    doc.waitForRun();
    doc.setCurrentStep(1); // the firmware fills fw
    MemoryMapWidget map;
    map.resize(900, 400);
    map.show();
    map.setContent(MapContent::fromSimulation(*doc.simulation(), doc.state()));
    map.zoomToRegions();
    int fw = -1;
    for (int i = 0; i < map.content().regions.size(); ++i)
        if (map.content().regions[i].name == QStringLiteral("fw"))
            fw = i;
    QVERIFY(fw >= 0);
    map.zoomToRegion(fw);
    const quint64 middle = map.content().regions[fw].base + map.content().regions[fw].size / 2;
    const double x = map.xFor(fw, middle);
    int y = 0;
    while (y < map.height() && map.chunkAt(QPointF(x, y)) < 0)
        ++y;
    QVERIFY(y < map.height());
    QSignalSpy picked(&map, &MemoryMapWidget::addressPicked);
    QSignalSpy clicked(&map, &MemoryMapWidget::chunkClicked);
    QTest::mouseClick(&map, Qt::LeftButton, Qt::NoModifier, QPoint(int(x), y + 2));
    QCOMPARE(picked.count(), 0);
    QCOMPARE(clicked.count(), 1);
    QVERIFY(map.selectedChunk() != kNoChunk);
    map.setSelectedChunk(kNoChunk);
    map.setPickMode(true);
    QTest::mouseClick(&map, Qt::LeftButton, Qt::NoModifier, QPoint(int(x), y + 2));
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(picked.count(), 1);
    QCOMPARE(picked[0][0].toInt(), fw);
    const quint64 address = picked[0][1].toULongLong();
    QVERIFY2(address >= middle - 16 * KiB && address <= middle + 16 * KiB, qPrintable(QString::number(address, 16)));
    QCOMPARE(map.selectedChunk(), kNoChunk);
}

QTEST_MAIN(TestPredictPanel)
#include "tst_predictpanel.moc"
