// SPDX-License-Identifier: GPL-2.0-or-later
// The Lesson panel (docs/lessons.md): the introduction at the start, each step's note and question as the
// current step moves, the answer behind "Show answer", the note buttons, and the description standing in.
#include "common/document.h"
#include "lesson/lessonpanel.h"
#include "support/platforms.h"

#include <cmascope/sim/narration.h>

#include <QPushButton>
#include <QTest>

using namespace cmascope;
using namespace cmascope::views;

namespace {

/// fragmentedProject() (step 7 fails on fragmentation) with a lesson on steps 1 and 7.
Project taughtProject()
{
    Project p = test::fragmentedProject();
    Lesson l;
    l.title = "Two holes are not one";
    l.introduction = "A 16-page region.\n\nWatch the holes.";
    l.notes.push_back({ 1, "The first buffer.", {}, {} });
    l.notes.push_back({ 7, "Eight pages free, in two holes.", "Why does it fail?", "No hole is 8 pages long." });
    p.scenarios.at(0).lesson = l;
    return p;
}

} // namespace

class TestLessonPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void followsTheStep();
    void answerOnClick();
    void noteButtonsMoveTheStep();
    void descriptionStandsIn();
    void narrationFollowsTheStep();
    void narrationWaitsUntilShown();
};

void TestLessonPanel::followsTheStep()
{
    Document doc;
    LessonPanel panel(&doc);
    QVERIFY(!panel.hasLesson());
    doc.setProject(taughtProject());
    doc.waitForRun();
    QVERIFY(panel.hasLesson());
    QCOMPARE(panel.title(), QStringLiteral("Two holes are not one"));
    // A project opens at step 0: the introduction.
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(0));
    QVERIFY2(panel.plainText().contains(QStringLiteral("Watch the holes.")), qPrintable(panel.plainText()));
    QVERIFY(panel.plainText().contains(QStringLiteral("Next note: step 1")));
    doc.setCurrentStep(1);
    QVERIFY(panel.plainText().contains(QStringLiteral("The first buffer.")));
    QVERIFY(!panel.plainText().contains(QStringLiteral("Watch the holes.")));
    QVERIFY(panel.answerButton()->isHidden()); // no question on step 1
    doc.setCurrentStep(3);
    QVERIFY(panel.plainText().contains(QStringLiteral("No note on step 3")));
    QVERIFY(panel.plainText().contains(QStringLiteral("Next note: step 7")));
    doc.setCurrentStep(7);
    QVERIFY(panel.plainText().contains(QStringLiteral("Eight pages free, in two holes.")));
    QVERIFY(panel.plainText().contains(QStringLiteral("Why does it fail?")));
    QVERIFY(!panel.plainText().contains(QStringLiteral("No hole is 8 pages long.")));
    QVERIFY(!panel.answerButton()->isHidden());
}

void TestLessonPanel::answerOnClick()
{
    Document doc;
    LessonPanel panel(&doc);
    doc.setProject(taughtProject());
    doc.waitForRun();
    doc.setCurrentStep(7);
    QVERIFY(!panel.isAnswerShown());
    QTest::mouseClick(panel.answerButton(), Qt::LeftButton);
    QVERIFY(panel.isAnswerShown());
    QVERIFY(panel.plainText().contains(QStringLiteral("No hole is 8 pages long.")));
    QVERIFY(!panel.answerButton()->isEnabled());
    // Moving on hides it again; coming back asks again.
    doc.setCurrentStep(6);
    doc.setCurrentStep(7);
    QVERIFY(!panel.isAnswerShown());
    QVERIFY(!panel.plainText().contains(QStringLiteral("No hole is 8 pages long.")));
    // Nothing to show on a step without a question.
    doc.setCurrentStep(1);
    QVERIFY(!panel.showAnswer());
}

void TestLessonPanel::noteButtonsMoveTheStep()
{
    Document doc;
    LessonPanel panel(&doc);
    doc.setProject(taughtProject());
    doc.waitForRun();
    QVERIFY(!panel.previousButton()->isEnabled());
    QTest::mouseClick(panel.nextButton(), Qt::LeftButton);
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(1));
    QTest::mouseClick(panel.nextButton(), Qt::LeftButton);
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(7));
    QVERIFY(!panel.nextButton()->isEnabled());
    QTest::mouseClick(panel.previousButton(), Qt::LeftButton);
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(1));
}

void TestLessonPanel::descriptionStandsIn()
{
    Document doc;
    LessonPanel panel(&doc);
    Project p = test::fragmentedProject();
    p.scenarios.at(0).description = "Fill, free two, ask for eight.";
    doc.setProject(p);
    doc.waitForRun();
    QVERIFY(panel.hasLesson());
    QCOMPARE(panel.title(), QString::fromStdString(p.scenarios[0].name));
    QVERIFY(panel.plainText().contains(QStringLiteral("Fill, free two, ask for eight.")));
    QVERIFY(panel.answerButton()->isHidden());
    // A scenario with neither: "No lesson".
    p.scenarios[0].description.clear();
    doc.setProject(p);
    doc.waitForRun();
    QVERIFY(!panel.hasLesson());
    QCOMPARE(panel.title(), QStringLiteral("No lesson"));
}

void TestLessonPanel::narrationFollowsTheStep()
{
    Document doc;
    LessonPanel panel(&doc);
    panel.resize(500, 700);
    panel.show();
    Project p = taughtProject();
    p.scenarios[0].lesson.reset(); // the narration is there for any scenario, with or without a lesson
    doc.setProject(p);
    doc.waitForRun();
    for (std::size_t step : { std::size_t(1), std::size_t(7), std::size_t(2) }) {
        doc.setCurrentStep(step);
        const StepNarration expected = narrate(*doc.simulation(), step);
        QTRY_VERIFY2(panel.narrationText().contains(QString::fromStdString(expected.headline)),
            qPrintable(panel.narrationText()));
        QVERIFY(panel.narrationText().contains(QStringLiteral("What happened at step %1").arg(step)));
        for (const std::string& line : expected.lines)
            QVERIFY2(panel.narrationText().contains(QString::fromStdString(line)), line.c_str());
    }
    doc.setCurrentStep(7); // the failure: its refusal is narrated
    QTRY_VERIFY2(panel.narrationText().contains(QStringLiteral("Refused")), qPrintable(panel.narrationText()));
    doc.setPosition(0); // before step 0
    QTRY_VERIFY(panel.narrationText().contains(QStringLiteral("nothing has happened yet")));
}

void TestLessonPanel::narrationWaitsUntilShown()
{
    Document doc;
    LessonPanel panel(&doc); // hidden, as in a dock tabbed behind another
    doc.setProject(taughtProject());
    doc.waitForRun();
    doc.setCurrentStep(3);
    QCoreApplication::processEvents();
    QVERIFY(!panel.narrationText().contains(QStringLiteral("step 3")));
    panel.show();
    QTRY_VERIFY2(
        panel.narrationText().contains(QStringLiteral("What happened at step 3")), qPrintable(panel.narrationText()));
}

QTEST_MAIN(TestLessonPanel)
#include "tst_lessonpanel.moc"
