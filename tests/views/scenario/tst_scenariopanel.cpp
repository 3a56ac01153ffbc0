// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario pane: the text form of the chosen scenario, applied as one undoable edit that reruns it;
// errors name line and column and change nothing; scenarios added, duplicated, renamed, reordered and
// deleted, each undoable; the list chooses the scenario that runs.
#include "common/document.h"
#include "scenario/scenariopanel.h"
#include "support/platforms.h"

#include <cmascope/model/scenariotext.h>

#include <QListWidget>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using namespace cmascope;
using namespace cmascope::views;

class TestScenarioPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsTheChosenScenarioAsText();
    void applyReplacesTheScenarioUndoably();
    void errorsChangeNothing();
    void severalScenariosInOneText();
    void listEditsAreUndoable();
    void listChoosesTheRun();
    void longScenariosAreNotShownAsText();

private:
    static void load(Document& doc, Project p = test::loadDemo())
    {
        doc.setProject(std::move(p));
        doc.waitForRun();
    }
};

void TestScenarioPanel::showsTheChosenScenarioAsText()
{
    Document doc;
    load(doc);
    ScenarioPanel panel(&doc);
    const Project& p = doc.project();
    QCOMPARE(panel.text().toStdString(), formatScenarioText(p.scenarios.at(0), p.platform));
    auto* list = panel.findChild<QListWidget*>(QStringLiteral("scenarioList"));
    QCOMPARE(list->count(), int(p.scenarios.size()));
    QCOMPARE(list->currentRow(), 0);
    // The current step's line is marked, as the event log marks its row; it follows the document.
    const int header = p.scenarios[0].description.empty() ? 1 : 2;
    doc.setCurrentStep(3);
    QCOMPARE(panel.markedLine(), header + 3);
    doc.setCurrentStep(0);
    QCOMPARE(panel.markedLine(), header);
}

void TestScenarioPanel::applyReplacesTheScenarioUndoably()
{
    Document doc;
    load(doc);
    ScenarioPanel panel(&doc);
    const std::size_t before = doc.project().scenarios.at(0).steps.size();
    panel.setText(QStringLiteral("scenario \"HD\"\nalloc s3c-mfc5/b 6M align=128K as hd0\nfree hd0\n"));
    QVERIFY(panel.apply());
    QVERIFY(panel.errors().isEmpty());
    QCOMPARE(doc.project().scenarios.at(0).name, std::string("HD"));
    QCOMPARE(doc.project().scenarios.at(0).steps.size(), std::size_t(2));
    // The text form has no lesson: the demo's stays, with only the notes on steps that still exist (step 1).
    const auto lessonBefore = test::loadDemo().scenarios.at(0).lesson;
    QVERIFY(lessonBefore && lessonBefore->notes.size() > 1);
    const auto& kept = doc.project().scenarios.at(0).lesson;
    QVERIFY(kept);
    QCOMPARE(kept->title, lessonBefore->title);
    QCOMPARE(kept->notes.size(), std::size_t(1));
    QCOMPARE(kept->notes[0].step, std::size_t(1));
    doc.waitForRun();
    QCOMPARE(doc.stepCount(), std::size_t(2)); // the run follows the edit
    QVERIFY(doc.isModified());
    doc.undoStack()->undo();
    QCOMPARE(doc.project().scenarios.at(0).steps.size(), before);
    QVERIFY(doc.project().scenarios.at(0).lesson == lessonBefore);
    doc.waitForRun();
    QCOMPARE(doc.stepCount(), before);
    // The text follows the undone scenario (it had been applied, so nothing of the user's is lost).
    QCOMPARE(panel.text().toStdString(), formatScenarioText(doc.project().scenarios.at(0), doc.project().platform));
}

void TestScenarioPanel::errorsChangeNothing()
{
    Document doc;
    load(doc);
    ScenarioPanel panel(&doc);
    const int undoBefore = doc.undoStack()->count();
    panel.setText(QStringLiteral("alloc s3c-mfc5/b 6M\nalloc x 5Q\npin nosuch@0+4K\n"));
    QVERIFY(!panel.apply());
    const QStringList errors = panel.errors();
    QCOMPARE(errors.size(), 2);
    QVERIFY2(errors[0].startsWith(QStringLiteral("2:10: size '5Q' is not a size")), qPrintable(errors[0]));
    QVERIFY2(errors[1].startsWith(QStringLiteral("3:5: no region named 'nosuch'")), qPrintable(errors[1]));
    QCOMPARE(doc.undoStack()->count(), undoBefore);
    QVERIFY(!doc.isModified());
    // The cursor is on the first error.
    const QTextCursor cursor = panel.findChild<QPlainTextEdit*>(QStringLiteral("scenarioText"))->textCursor();
    QCOMPARE(cursor.blockNumber(), 1);
    QCOMPARE(cursor.positionInBlock(), 9);
}

void TestScenarioPanel::severalScenariosInOneText()
{
    Document doc;
    load(doc);
    ScenarioPanel panel(&doc);
    const std::size_t count = doc.project().scenarios.size();
    panel.setText(QStringLiteral("scenario one\nalloc a 4K\nscenario two\nalloc b 8K\n"));
    QVERIFY(panel.apply());
    QCOMPARE(doc.project().scenarios.size(), count + 1);
    QCOMPARE(doc.project().scenarios[0].name, std::string("one"));
    QCOMPARE(doc.project().scenarios[1].name, std::string("two"));
    QCOMPARE(doc.undoStack()->count(), 1); // one edit
}

void TestScenarioPanel::listEditsAreUndoable()
{
    Document doc;
    load(doc);
    ScenarioPanel panel(&doc);
    const auto names = [&doc] {
        QStringList n;
        for (const auto& s : doc.project().scenarios)
            n << QString::fromStdString(s.name);
        return n;
    };
    const QStringList original = names();
    panel.addScenario();
    QCOMPARE(names().size(), original.size() + 1);
    QCOMPARE(doc.scenarioIndex(), int(original.size())); // the new one runs
    QCOMPARE(doc.project().scenarios.back().steps.size(), std::size_t(0));
    panel.duplicateScenario();
    QCOMPARE(names().last(), names()[original.size()] + QStringLiteral(" (copy)"));
    panel.moveScenario(-1);
    QCOMPARE(names()[original.size()], names()[original.size() + 1] + QStringLiteral(" (copy)"));
    panel.renameScenario(0, QStringLiteral("renamed"));
    QCOMPARE(names()[0], QStringLiteral("renamed"));
    panel.deleteScenario();
    QCOMPARE(names().size(), original.size() + 1);
    for (int i = 0; i < 5; ++i)
        doc.undoStack()->undo();
    QCOMPARE(names(), original);
}

void TestScenarioPanel::listChoosesTheRun()
{
    Document doc;
    Project p = test::loadDemo();
    Scenario second;
    second.name = "second";
    second.allocate("s3c-mfc5", "b", 4096, "x");
    p.scenarios.push_back(second);
    load(doc, p);
    ScenarioPanel panel(&doc);
    auto* list = panel.findChild<QListWidget*>(QStringLiteral("scenarioList"));
    list->setCurrentRow(int(p.scenarios.size()) - 1);
    QTRY_COMPARE(doc.scenarioIndex(), int(p.scenarios.size()) - 1);
    doc.waitForRun();
    QCOMPARE(doc.stepCount(), std::size_t(1));
    QCOMPARE(panel.text().toStdString(), formatScenarioText(second, doc.project().platform));
    // Another view chooses twice in a row: the list follows and never chooses a stale scenario again (the
    // list's queued changes once made the two choices alternate for ever).
    doc.setScenarioIndex(0);
    doc.setScenarioIndex(1);
    doc.setScenarioIndex(0);
    QTest::qWait(50);
    QCOMPARE(doc.scenarioIndex(), 0);
    QCOMPARE(list->currentRow(), 0);
    doc.waitForRun();
    QCOMPARE(doc.scenarioIndex(), 0);
}

void TestScenarioPanel::longScenariosAreNotShownAsText()
{
    Document doc;
    Project p = test::loadDemo();
    Scenario big;
    big.name = "big";
    for (std::size_t i = 0; i <= ScenarioPanel::kMaxTextSteps; ++i)
        big.phase("p");
    p.scenarios = { big };
    load(doc, p);
    ScenarioPanel panel(&doc);
    QVERIFY(panel.text().isEmpty());
    QVERIFY(panel.findChild<QPlainTextEdit*>(QStringLiteral("scenarioText"))->isReadOnly());
}

QTEST_MAIN(TestScenarioPanel)
#include "tst_scenariopanel.moc"
