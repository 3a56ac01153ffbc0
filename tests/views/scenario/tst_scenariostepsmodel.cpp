// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario pane's step table model: a valid cell edit changes exactly that step (checked through the
// scenario's text form, docs/scenario-text.md) as one undoable edit that reruns the scenario, and undo
// restores it; invalid input is refused with a message naming the problem and changes nothing; steps added,
// duplicated, deleted and moved, each one edit; a kernel trace's scenario is read-only; a big scenario is not
// formatted up front; QAbstractItemModelTester throughout.
#include "common/document.h"
#include "scenario/scenariostepsmodel.h"
#include "support/platforms.h"

#include <cmascope/model/scenariotext.h>

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using namespace cmascope;
using namespace cmascope::views;
using C = stepcells::Column;

namespace {
/// The demo's platform (regions fw 1M, b1 32M, b2 16M) with one scenario of every editable step type and a
/// recorded placement.
const char* const kSteps = "scenario test\n"
                           "phase start\n"
                           "alloc s3c-mfc5/b 6M align=128K as hd0\n"
                           "free hd0\n"
                           "pin b1@2M+1M\n"
                           "unpin b1@2M+1M\n"
                           "reset\n"
                           "place b1@0+4K by s3c-mfc5 as x\n";

/// The same platform with b2 a 2010 private region and a scenario that asks it by handle
/// (docs/cma2010.md#private-regions).
const char* const kByHandle = "scenario byhandle\n"
                              "alloc s3c-mfc5 1M from-region b2 as fb0\n"
                              "free fb0\n";

QStringList lines(const Document& doc)
{
    const auto& p = doc.project();
    return QString::fromStdString(formatScenarioText(p.scenarios.at(std::size_t(doc.scenarioIndex())), p.platform))
        .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}
} // namespace

class TestScenarioStepsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsTheStepsAndOutcomes();
    void cellEdits_data();
    void cellEdits();
    void typeChangesKeepWhatTheyCan();
    void addDuplicateDeleteMove();
    void lessonNotesFollowTheirSteps();
    void freshStepsAreFilledIn();
    void traceScenariosAreReadOnly();
    void bigScenariosAreFormattedOnDemand();
    void byHandleEdits_data();
    void byHandleEdits();
    void byHandleStepsAreAdded();

private:
    static void load(Document& doc, const char* steps = kSteps)
    {
        Project p = test::loadDemo();
        if (steps == kByHandle)
            p.platform.regions[2].privateHandle = true; // b2
        Document placer;
        placer.setProject(p);
        const auto parsed = parseScenarioText(steps, { &placer.placedPlatform() });
        QVERIFY(parsed.ok());
        p.scenarios = parsed.scenarios;
        doc.setProject(std::move(p));
        doc.waitForRun();
    }
};

void TestScenarioStepsModel::showsTheStepsAndOutcomes()
{
    Document doc;
    load(doc);
    ScenarioStepsModel model(&doc);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 7);
    QCOMPARE(model.columnCount(), int(C::ColumnCount));
    const auto text = [&model](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(text(1, C::TypeColumn), QStringLiteral("alloc"));
    QCOMPARE(text(1, C::DeviceColumn), QStringLiteral("s3c-mfc5"));
    QCOMPARE(text(1, C::KindColumn), QStringLiteral("b"));
    QCOMPARE(text(1, C::SizeColumn), QStringLiteral("6 MiB"));
    QCOMPARE(model.index(1, C::SizeColumn).data(Qt::EditRole).toString(), QStringLiteral("6M"));
    QCOMPARE(text(1, C::AlignColumn), QStringLiteral("128 KiB"));
    QCOMPARE(text(1, C::LabelColumn), QStringLiteral("hd0"));
    QCOMPARE(text(3, C::RegionColumn), QStringLiteral("b1"));
    QCOMPARE(text(3, C::OffsetColumn), QStringLiteral("2 MiB"));
    QCOMPARE(text(3, C::SizeColumn), QStringLiteral("1 MiB"));
    QCOMPARE(text(0, C::LabelColumn), QStringLiteral("start"));
    // The run's outcome: where the allocation went (b2 first for s3c-mfc5/b, by the map rules).
    QVERIFY2(text(1, C::OutcomeColumn).startsWith(QStringLiteral("allocated in b2 at 0x")),
        qPrintable(text(1, C::OutcomeColumn)));
    QCOMPARE(text(2, C::OutcomeColumn), QStringLiteral("freed"));
    // Which cells are editable: the fields of the step's type; the outcome and recorded steps never.
    QVERIFY(model.flags(model.index(1, C::SizeColumn)) & Qt::ItemIsEditable);
    QVERIFY(!(model.flags(model.index(1, C::RegionColumn)) & Qt::ItemIsEditable));
    QVERIFY(!(model.flags(model.index(1, C::OutcomeColumn)) & Qt::ItemIsEditable));
    QVERIFY(model.flags(model.index(3, C::OffsetColumn)) & Qt::ItemIsEditable);
    QVERIFY(!(model.flags(model.index(6, C::TypeColumn)) & Qt::ItemIsEditable));
    // The editors' choices come from the platform.
    QCOMPARE(model.index(3, C::RegionColumn).data(ScenarioStepsModel::ChoicesRole).toStringList(),
        QStringList({ QStringLiteral("fw"), QStringLiteral("b1"), QStringLiteral("b2") }));
    QVERIFY(model.index(1, C::DeviceColumn)
                .data(ScenarioStepsModel::ChoicesRole)
                .toStringList()
                .contains(QStringLiteral("s3c-fimc.0")));
    QCOMPARE(model.index(2, C::LabelColumn).data(ScenarioStepsModel::ChoicesRole).toStringList(),
        QStringList({ QStringLiteral("hd0") }));
}

void TestScenarioStepsModel::cellEdits_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("line"); ///< the step's text-form line after the edit; empty: refused
    QTest::addColumn<QString>("error"); ///< a part of the refusal's message

    const auto ok = [](const char* name, int row, int column, const char* input, const char* line) {
        QTest::newRow(name) << row << column << QString::fromUtf8(input) << QString::fromUtf8(line) << QString();
    };
    const auto bad = [](const char* name, int row, int column, const char* input, const char* error) {
        QTest::newRow(name) << row << column << QString::fromUtf8(input) << QString() << QString::fromUtf8(error);
    };
    ok("alloc size", 1, C::SizeColumn, "4M", "alloc s3c-mfc5/b 4M align=128K as hd0");
    ok("alloc size hex", 1, C::SizeColumn, "0x300000", "alloc s3c-mfc5/b 3M align=128K as hd0");
    ok("alloc size odd", 1, C::SizeColumn, "4097", "alloc s3c-mfc5/b 4097 align=128K as hd0");
    ok("alloc align", 1, C::AlignColumn, "1M", "alloc s3c-mfc5/b 6M align=1M as hd0");
    ok("alloc align none", 1, C::AlignColumn, "", "alloc s3c-mfc5/b 6M as hd0");
    ok("alloc device", 1, C::DeviceColumn, "s3c-fimc.0", "alloc s3c-fimc.0/b 6M align=128K as hd0");
    ok("alloc kind", 1, C::KindColumn, "a", "alloc s3c-mfc5/a 6M align=128K as hd0");
    ok("alloc no kind", 1, C::KindColumn, "", "alloc s3c-mfc5 6M align=128K as hd0");
    ok("alloc label", 1, C::LabelColumn, "big", "alloc s3c-mfc5/b 6M align=128K as big");
    ok("free label", 2, C::LabelColumn, "other", "free other");
    ok("phase text", 0, C::LabelColumn, "video conference", "phase \"video conference\"");
    ok("pin offset", 3, C::OffsetColumn, "1M", "pin b1@1M+1M");
    ok("pin size", 3, C::SizeColumn, "8K", "pin b1@2M+8K");
    ok("pin region", 3, C::RegionColumn, "b2", "pin b2@2M+1M");
    ok("unpin to the end", 4, C::OffsetColumn, "31M", "unpin b1@31M+1M");
    ok("type alloc to free", 1, C::TypeColumn, "free", "free hd0");
    ok("type pin to unpin", 3, C::TypeColumn, "unpin", "unpin b1@2M+1M");
    ok("type free to phase", 2, C::TypeColumn, "phase", "phase hd0");
    ok("type to reset", 2, C::TypeColumn, "reset", "reset");

    bad("size not a size", 1, C::SizeColumn, "5Q", "is not a size");
    bad("size zero", 1, C::SizeColumn, "0", "0 bytes");
    bad("size empty", 1, C::SizeColumn, "", "Enter a size");
    bad("size overflow", 1, C::SizeColumn, "99999999999999999999", "does not fit in 64 bits");
    bad("size wraps", 1, C::SizeColumn, "16E", "does not fit in 64 bits");
    bad("align not a power of two", 1, C::AlignColumn, "3K", "is not a power of two");
    bad("align zero", 1, C::AlignColumn, "0", "is not a power of two");
    bad("device empty", 1, C::DeviceColumn, " ", "needs a device");
    bad("free without label", 2, C::LabelColumn, "", "needs the label of an allocation");
    bad("phase without text", 0, C::LabelColumn, "", "needs a text");
    bad("pin offset not whole pages", 3, C::OffsetColumn, "1000", "not a whole number of 4 KiB pages");
    bad("pin size zero", 3, C::SizeColumn, "0", "at least one page");
    bad("pin beyond the region", 3, C::SizeColumn, "33M", "are not inside “b1” (8192 pages, 32 MiB)");
    bad("pin offset beyond the region", 3, C::OffsetColumn, "32M", "are not inside");
    bad("pin region too small", 3, C::RegionColumn, "fw", "are not inside “fw”");
    bad("no such region", 3, C::RegionColumn, "nosuch", "no region named “nosuch” (regions: fw, b1, b2)");
    bad("no such type", 1, C::TypeColumn, "frobnicate", "not a step type");
    bad("recorded type", 1, C::TypeColumn, "place", "not a step type");
    bad("recorded step", 6, C::DeviceColumn, "s3c-fimc.0", "recorded by a kernel trace");
    bad("field of another type", 5, C::SizeColumn, "4M", "does not apply to a reset step");
}

void TestScenarioStepsModel::cellEdits()
{
    QFETCH(int, row);
    QFETCH(int, column);
    QFETCH(QString, input);
    QFETCH(QString, line);
    QFETCH(QString, error);
    Document doc;
    load(doc);
    ScenarioStepsModel model(&doc);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy rejected(&model, &ScenarioStepsModel::editRejected);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    const QStringList before = lines(doc);
    const int undoBefore = doc.undoStack()->count();
    const bool accepted = model.setData(model.index(row, column), input);
    if (line.isEmpty()) {
        QVERIFY(!accepted);
        QVERIFY2(model.lastError().contains(error), qPrintable(model.lastError()));
        QCOMPARE(rejected.count(), 1);
        QCOMPARE(rejected.at(0).at(1).toString(), model.lastError());
        QCOMPARE(doc.undoStack()->count(), undoBefore);
        QCOMPARE(lines(doc), before);
        QVERIFY(!doc.isModified());
        return;
    }
    QVERIFY2(accepted, qPrintable(model.lastError()));
    QVERIFY(model.lastError().isEmpty());
    QCOMPARE(rejected.count(), 0);
    QCOMPARE(doc.undoStack()->count(), undoBefore + 1); // one edit
    // Exactly that step changed (line 0 is the scenario's name).
    QStringList expected = before;
    expected[row + 1] = line;
    QCOMPARE(lines(doc), expected);
    QCOMPARE(reset.count(), 0); // the same rows: a view keeps its selection
    doc.waitForRun(); // the run follows the edit
    QVERIFY(doc.simulation());
    QCOMPARE(doc.stepCount(), std::size_t(7));
    doc.undoStack()->undo();
    QCOMPARE(lines(doc), before);
    doc.undoStack()->redo();
    QCOMPARE(lines(doc), expected);
}

void TestScenarioStepsModel::typeChangesKeepWhatTheyCan()
{
    Document doc;
    load(doc);
    ScenarioStepsModel model(&doc);
    // A free turned into an alloc: like the alloc before it, with its own label kept.
    QVERIFY(model.setData(model.index(2, C::TypeColumn), QStringLiteral("alloc")));
    QCOMPARE(lines(doc)[3], QStringLiteral("alloc s3c-mfc5/b 6M align=128K as hd0"));
    // The same text (an editor closed without a change) is no edit.
    const int undo = doc.undoStack()->count();
    QVERIFY(model.setData(model.index(1, C::SizeColumn), QStringLiteral("6M")));
    QCOMPARE(doc.undoStack()->count(), undo);
}

void TestScenarioStepsModel::addDuplicateDeleteMove()
{
    Document doc;
    load(doc);
    ScenarioStepsModel model(&doc);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QStringList original = lines(doc);
    QCOMPARE(model.insertStep(3, StepType::Phase), 3);
    QCOMPARE(model.rowCount(), 8);
    QCOMPARE(lines(doc)[4], QStringLiteral("phase \"new phase\""));
    // Duplicate two steps: the copies go after the last of them, in order.
    QCOMPARE(model.duplicateSteps({ 2, 1 }), QList<int>({ 3, 4 }));
    QCOMPARE(lines(doc)[4], original[2]);
    QCOMPARE(lines(doc)[5], original[3]);
    // Move a step up, then two at once down.
    QCOMPARE(model.moveSteps({ 1 }, -1), QList<int>({ 0 }));
    QCOMPARE(lines(doc)[1], original[2]);
    QCOMPARE(model.moveSteps({ 0, 1 }, +1), QList<int>({ 1, 2 }));
    QCOMPARE(lines(doc)[2], original[2]);
    QCOMPARE(lines(doc)[3], original[1]);
    QVERIFY(model.moveSteps({ 0 }, -1).isEmpty());
    QVERIFY(model.lastError().contains(QStringLiteral("already the first")));
    QVERIFY(model.moveSteps({ model.rowCount() - 1 }, +1).isEmpty());
    // Delete several.
    QVERIFY(model.removeSteps({ 0, 4, 5 }));
    QCOMPARE(model.rowCount(), 7);
    QVERIFY(!model.removeSteps({}));
    QCOMPARE(doc.undoStack()->count(), 5); // each one edit
    doc.waitForRun();
    QCOMPARE(doc.stepCount(), std::size_t(7));
    while (doc.undoStack()->canUndo())
        doc.undoStack()->undo();
    QCOMPARE(lines(doc), original);
    QCOMPARE(model.rowCount(), 7);
}

void TestScenarioStepsModel::lessonNotesFollowTheirSteps()
{
    // A note stays on the step it was written for (docs/lessons.md): on the alloc (step 1) and the place (6).
    Document doc;
    load(doc);
    std::vector<Scenario> scenarios = doc.project().scenarios;
    scenarios[0].lesson = Lesson {};
    scenarios[0].lesson->notes = { { 1, "alloc", {}, {} }, { 6, "place", {}, {} } };
    doc.editScenarios(scenarios, 0, QStringLiteral("lesson"));
    doc.waitForRun();
    ScenarioStepsModel model(&doc);
    const auto notes = [&doc] {
        QStringList out;
        for (const auto& n : doc.project().scenarios.at(0).lesson->notes)
            out << QStringLiteral("%1:%2").arg(n.step).arg(QString::fromStdString(n.note));
        return out;
    };
    QCOMPARE(model.insertStep(0, StepType::Phase), 0);
    QCOMPARE(notes(), QStringList({ QStringLiteral("2:alloc"), QStringLiteral("7:place") }));
    QCOMPARE(model.duplicateSteps({ 2 }), QList<int>({ 3 }));
    QCOMPARE(notes(), QStringList({ QStringLiteral("2:alloc"), QStringLiteral("8:place") }));
    QCOMPARE(model.moveSteps({ 2 }, -1), QList<int>({ 1 }));
    QCOMPARE(notes(), QStringList({ QStringLiteral("1:alloc"), QStringLiteral("8:place") }));
    QVERIFY(model.removeSteps({ 1 }));
    QCOMPARE(notes(), QStringList({ QStringLiteral("7:place") }));
    QCOMPARE(doc.project().scenarios.at(0).steps.at(7).type, StepType::Place);
}

void TestScenarioStepsModel::freshStepsAreFilledIn()
{
    Document doc;
    load(doc);
    ScenarioStepsModel model(&doc);
    // After the alloc: a free of its label; an alloc like it with a fresh label.
    QCOMPARE(model.insertStep(2, StepType::Free), 2);
    QCOMPARE(lines(doc)[3], QStringLiteral("free hd0"));
    QCOMPARE(model.insertStep(2, StepType::Allocate), 2);
    QCOMPARE(lines(doc)[3], QStringLiteral("alloc s3c-mfc5/b 6M align=128K as buf1"));
    // After the pin: an unpin of what it pinned; a pin starts at the first page of the first region.
    const int afterPin = 6;
    QCOMPARE(lines(doc)[afterPin], QStringLiteral("pin b1@2M+1M"));
    QCOMPARE(model.insertStep(afterPin, StepType::Unpin), afterPin);
    QCOMPARE(lines(doc)[afterPin + 1], QStringLiteral("unpin b1@2M+1M"));
    QCOMPARE(model.insertStep(0, StepType::Pin), 0);
    QCOMPARE(lines(doc)[1], QStringLiteral("pin fw@0+4K"));
    const int end = model.rowCount();
    QCOMPARE(model.insertStep(end, StepType::Reset), end);
    QCOMPARE(lines(doc).last(), QStringLiteral("reset"));
    // Every step added is one the text form reads back: the scenario still runs.
    doc.waitForRun();
    QVERIFY2(doc.runError().isEmpty(), qPrintable(doc.runError()));
    QCOMPARE(doc.stepCount(), std::size_t(model.rowCount()));
}

void TestScenarioStepsModel::traceScenariosAreReadOnly()
{
    Document doc;
    Project p = test::loadDemo();
    Scenario trace;
    trace.name = "trace";
    trace.allocate("s3c-mfc5", "b", 4096, "x");
    trace.timesNs = { 1000 };
    p.scenarios = { trace };
    doc.setProject(std::move(p));
    doc.waitForRun();
    ScenarioStepsModel model(&doc);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.isReadOnly());
    QVERIFY(model.readOnlyReason().contains(QStringLiteral("kernel trace")));
    QVERIFY(!(model.flags(model.index(0, C::SizeColumn)) & Qt::ItemIsEditable));
    QVERIFY(!model.setData(model.index(0, C::SizeColumn), QStringLiteral("8K")));
    QCOMPARE(model.lastError(), model.readOnlyReason());
    QCOMPARE(model.insertStep(0, StepType::Phase), -1);
    QVERIFY(!model.removeSteps({ 0 }));
    QCOMPARE(doc.undoStack()->count(), 0);
}

void TestScenarioStepsModel::bigScenariosAreFormattedOnDemand()
{
    Document doc;
    Project p = test::loadDemo();
    Scenario big;
    big.name = "big";
    for (int i = 0; i < 1000000; ++i)
        big.phase("p");
    p.scenarios = { big };
    doc.setProject(std::move(p));
    doc.waitForRun();
    QElapsedTimer timer;
    timer.start();
    ScenarioStepsModel model(&doc);
    QCOMPARE(model.rowCount(), 1000000);
    QCOMPARE(model.index(999999, C::StepColumn).data().toString(), QStringLiteral("999999"));
    QCOMPARE(model.index(999999, C::OutcomeColumn).data().toString(), QStringLiteral("phase"));
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed()))); // nothing formatted up front
}

QTEST_MAIN(TestScenarioStepsModel)
void TestScenarioStepsModel::byHandleEdits_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("line"); ///< the step's text-form line after the edit; empty: refused
    QTest::addColumn<QString>("error");

    const auto ok = [](const char* name, int row, int column, const char* input, const char* line) {
        QTest::newRow(name) << row << column << QString::fromUtf8(input) << QString::fromUtf8(line) << QString();
    };
    const auto bad = [](const char* name, int row, int column, const char* input, const char* error) {
        QTest::newRow(name) << row << column << QString::fromUtf8(input) << QString() << QString::fromUtf8(error);
    };
    ok("size", 0, C::SizeColumn, "2M", "alloc s3c-mfc5 2M from-region b2 as fb0");
    // Kept as typed: the run refuses them with cma_alloc_from_region()'s -EINVAL.
    ok("size 0", 0, C::SizeColumn, "0", "alloc s3c-mfc5 0 from-region b2 as fb0");
    ok("align 3K", 0, C::AlignColumn, "3K", "alloc s3c-mfc5 1M from-region b2 align=3K as fb0");
    ok("align 128K", 0, C::AlignColumn, "128K", "alloc s3c-mfc5 1M from-region b2 align=128K as fb0");
    ok("region", 0, C::RegionColumn, "b1", "alloc s3c-mfc5 1M from-region b1 as fb0");
    ok("device", 0, C::DeviceColumn, "s3c-fimc.0", "alloc s3c-fimc.0 1M from-region b2 as fb0");
    ok("label", 0, C::LabelColumn, "big", "alloc s3c-mfc5 1M from-region b2 as big");
    ok("type to alloc", 0, C::TypeColumn, "alloc", "alloc s3c-mfc5 1M as fb0");
    ok("free to by handle", 1, C::TypeColumn, "alloc_from_region", "alloc s3c-mfc5 1M from-region b2 as fb0");
    bad("kind", 0, C::KindColumn, "a", "does not apply to a alloc_from_region step");
    bad("offset", 0, C::OffsetColumn, "4K", "does not apply");
    bad("no such region", 0, C::RegionColumn, "nosuch", "no region named “nosuch” (regions: fw, b1, b2)");
    bad("size not a size", 0, C::SizeColumn, "5Q", "is not a size");
    bad("device empty", 0, C::DeviceColumn, " ", "needs a device");
}

void TestScenarioStepsModel::byHandleEdits()
{
    QFETCH(int, row);
    QFETCH(int, column);
    QFETCH(QString, input);
    QFETCH(QString, line);
    QFETCH(QString, error);
    Document doc;
    load(doc, kByHandle);
    ScenarioStepsModel model(&doc);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.index(0, C::TypeColumn).data().toString(), QStringLiteral("alloc_from_region"));
    QCOMPARE(model.index(0, C::RegionColumn).data().toString(), QStringLiteral("b2"));
    QCOMPARE(model.index(0, C::KindColumn).data().toString(), QString());
    const QStringList before = lines(doc);
    const int undoBefore = doc.undoStack()->count();
    const bool accepted = model.setData(model.index(row, column), input);
    if (line.isEmpty()) {
        QVERIFY(!accepted);
        QVERIFY2(model.lastError().contains(error), qPrintable(model.lastError()));
        QCOMPARE(lines(doc), before);
        QCOMPARE(doc.undoStack()->count(), undoBefore);
        return;
    }
    QVERIFY2(accepted, qPrintable(model.lastError()));
    QCOMPARE(doc.undoStack()->count(), undoBefore + 1);
    QStringList expected = before;
    expected[row + 1] = line;
    QCOMPARE(lines(doc), expected);
    doc.waitForRun();
    QVERIFY2(doc.runError().isEmpty(), qPrintable(doc.runError()));
    QCOMPARE(doc.stepCount(), std::size_t(2));
}

void TestScenarioStepsModel::byHandleStepsAreAdded()
{
    Document doc;
    load(doc);
    ScenarioStepsModel model(&doc);
    QVERIFY(stepcells::editableTypeNames().contains(QStringLiteral("alloc_from_region")));
    // The first one: the last alloc's device, 1 MiB, in the first region (none is 2010 private here).
    QCOMPARE(model.insertStep(2, StepType::AllocateFromRegion), 2);
    QCOMPARE(lines(doc)[3], QStringLiteral("alloc s3c-mfc5 1M from-region fw as buf1"));
    // The next: like it, with a fresh label; a free after it frees that label.
    QCOMPARE(model.insertStep(3, StepType::AllocateFromRegion), 3);
    QCOMPARE(lines(doc)[4], QStringLiteral("alloc s3c-mfc5 1M from-region fw as buf2"));
    QCOMPARE(model.insertStep(4, StepType::Free), 4);
    QCOMPARE(lines(doc)[5], QStringLiteral("free buf2"));
    doc.waitForRun();
    QVERIFY2(doc.runError().isEmpty(), qPrintable(doc.runError()));
    // fw is a 1 MiB region: the first fits, the second finds no room (free_space < size).
    const auto& records = doc.simulation()->records();
    QCOMPARE(records[2].outcome, Outcome::Allocated);
    QCOMPARE(records[3].outcome, Outcome::Failed);
    QCOMPARE(records[3].refusal, Refusal::NotEnoughFree);
    // With b2 marked 2010 private, a fresh one goes there.
    Document marked;
    load(marked, kByHandle);
    ScenarioStepsModel byHandle(&marked);
    QCOMPARE(byHandle.insertStep(0, StepType::AllocateFromRegion), 0);
    QCOMPARE(lines(marked)[1], QStringLiteral("alloc s3c-mfc5 1M from-region b2 as buf1"));
}

#include "tst_scenariostepsmodel.moc"
