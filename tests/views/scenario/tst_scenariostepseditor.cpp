// SPDX-License-Identifier: GPL-2.0-or-later
// The Steps tab of the scenario pane: selecting a row makes its step current and the current step selects its
// row; Add (after the selected step), Duplicate, Delete (several at once) and Up / Down keep a sensible
// selection and current step across the rerun; cells are edited through the delegate's line edits and combo
// boxes; a refused edit says why; a table edit shows in the Text tab, unless the text has edits not applied,
// which are kept and warned about; a kernel trace's steps cannot be edited.
#include "common/document.h"
#include "scenario/scenariopanel.h"
#include "scenario/scenariostepseditor.h"
#include "scenario/scenariostepsmodel.h"
#include "support/platforms.h"

#include <cmascope/model/scenariotext.h>

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QToolButton>
#include <QUndoStack>

using namespace cmascope;
using namespace cmascope::views;
using C = stepcells::Column;

class TestScenarioStepsEditor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void selectionFollowsTheCurrentStep();
    void addAfterTheSelectedStep();
    void deleteAndMoveKeepASelection();
    void editThroughTheDelegate();
    void keyboardShortcuts();
    void refusedEditsSayWhy();
    void emptyDocumentHasNothingUnapplied();
    void tableEditsShowInTheText();
    void unappliedTextIsKept();
    void traceScenariosCannotBeEdited();

private:
    static void load(Document& doc)
    {
        Project p = test::loadDemo();
        p.scenarios.resize(1);
        p.scenarios[0].steps.resize(8); // the demo's first 8 steps: a phase, then allocations
        p.scenarios[0].timesNs.clear();
        doc.setProject(std::move(p));
        doc.waitForRun();
    }
    static QString line(const Document& doc, int step)
    {
        const auto& p = doc.project();
        const QStringList lines = QString::fromStdString(formatScenarioText(p.scenarios.at(0), p.platform))
                                      .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const int header = p.scenarios[0].description.empty() ? 1 : 2;
        return lines.value(header + step);
    }
};

void TestScenarioStepsEditor::selectionFollowsTheCurrentStep()
{
    Document doc;
    load(doc);
    ScenarioStepsEditor editor(&doc);
    QTableView* view = editor.view();
    QCOMPARE(view->currentIndex().row(), 0); // the document opens at step 0
    view->selectRow(3);
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(3));
    doc.setCurrentStep(5);
    QCOMPARE(view->currentIndex().row(), 5);
    QCOMPARE(editor.selectedRows(), QList<int>({ 5 }));
    // Selecting several rows keeps them; the current step is the one clicked last.
    view->selectionModel()->select(
        editor.model()->index(6, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    view->selectionModel()->setCurrentIndex(editor.model()->index(6, 0), QItemSelectionModel::NoUpdate);
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(6));
    QCOMPARE(editor.selectedRows(), QList<int>({ 5, 6 }));
}

void TestScenarioStepsEditor::addAfterTheSelectedStep()
{
    Document doc;
    load(doc);
    ScenarioStepsEditor editor(&doc);
    QVERIFY(line(doc, 1).startsWith(QStringLiteral("alloc ")));
    const QString label = editor.model()->index(1, C::LabelColumn).data().toString();
    editor.view()->selectRow(1);
    QCOMPARE(editor.addStep(StepType::Free), 2);
    QCOMPARE(line(doc, 2), QStringLiteral("free %1").arg(label)); // the label of the alloc it follows
    QCOMPARE(editor.selectedRows(), QList<int>({ 2 }));
    doc.waitForRun();
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(2)); // the new step is current after the rerun
    QCOMPARE(editor.selectedRows(), QList<int>({ 2 }));
    QCOMPARE(doc.undoStack()->count(), 1);
    // Undo: the step goes, the current step stays a step of the run.
    doc.undoStack()->undo();
    doc.waitForRun();
    QCOMPARE(editor.model()->rowCount(), 8);
    QCOMPARE(editor.selectedRows(), QList<int>({ 2 }));
    // The Add Step menu makes a request by region handle too (docs/cma2010.md#private-regions).
    QAction* byHandle = nullptr;
    for (QToolButton* b : editor.findChildren<QToolButton*>())
        if (b->menu())
            for (QAction* a : b->menu()->actions())
                if (a->text() == QLatin1String("alloc_from_region"))
                    byHandle = a;
    QVERIFY(byHandle);
    editor.view()->selectRow(1);
    byHandle->trigger();
    QCOMPARE(editor.model()->rowCount(), 9);
    QVERIFY2(line(doc, 2).contains(QStringLiteral(" from-region ")), qPrintable(line(doc, 2)));
    doc.waitForRun();
    editor.resize(1200, 420);
    QVERIFY(editor.grab().toImage().save(QStringLiteral(CMASCOPE_BINARY_DIR "/steps-alloc-from-region.png")));
    doc.undoStack()->undo();
    doc.waitForRun();
    QCOMPARE(editor.model()->rowCount(), 8);
}

void TestScenarioStepsEditor::deleteAndMoveKeepASelection()
{
    Document doc;
    load(doc);
    ScenarioStepsEditor editor(&doc);
    const QString third = line(doc, 3);
    const QString sixth = line(doc, 6);
    editor.selectRows({ 1, 2 }, 2);
    editor.deleteSelected();
    QCOMPARE(editor.model()->rowCount(), 6);
    QCOMPARE(line(doc, 1), third);
    QCOMPARE(editor.selectedRows(), QList<int>({ 1 }));
    doc.waitForRun();
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(1));
    // Move the step that was sixth (now fourth) up: it stays selected and current.
    editor.selectRows({ 4 }, 4);
    QCOMPARE(line(doc, 4), sixth);
    editor.moveSelected(-1);
    QCOMPARE(line(doc, 3), sixth);
    QCOMPARE(editor.selectedRows(), QList<int>({ 3 }));
    doc.waitForRun();
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(3));
    editor.duplicateSelected();
    QCOMPARE(line(doc, 4), sixth);
    QCOMPARE(editor.selectedRows(), QList<int>({ 4 }));
    QCOMPARE(doc.undoStack()->count(), 3);
}

void TestScenarioStepsEditor::editThroughTheDelegate()
{
    Document doc;
    load(doc);
    ScenarioStepsEditor editor(&doc);
    editor.resize(900, 400);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QTableView* view = editor.view();
    // A size: a line edit with an example; Return commits "3M".
    const QModelIndex size = editor.model()->index(1, C::SizeColumn);
    view->setCurrentIndex(size);
    view->edit(size);
    auto* line = qobject_cast<QLineEdit*>(QApplication::focusWidget());
    QVERIFY(line);
    QCOMPARE(line->text(), editor.model()->index(1, C::SizeColumn).data(Qt::EditRole).toString());
    QCOMPARE(line->placeholderText(), QStringLiteral("6M"));
    line->setText(QStringLiteral("3M"));
    QTest::keyClick(line, Qt::Key_Return); // the delegate commits once the line edit has had the key
    QTRY_COMPARE(editor.model()->index(1, C::SizeColumn).data().toString(), QStringLiteral("3 MiB"));
    // The type: a combo box of the seven types; choosing one commits at once.
    const QModelIndex type = editor.model()->index(1, C::TypeColumn);
    view->setCurrentIndex(type);
    view->edit(type);
    auto* combo = qobject_cast<QComboBox*>(QApplication::focusWidget());
    QVERIFY(combo);
    QVERIFY(!combo->isEditable());
    QCOMPARE(combo->count(), 7);
    QVERIFY(combo->findText(QStringLiteral("alloc_from_region")) >= 0); // docs/cma2010.md#private-regions
    combo->setCurrentIndex(combo->findText(QStringLiteral("phase")));
    Q_EMIT combo->activated(combo->currentIndex());
    QCOMPARE(editor.model()->index(1, C::TypeColumn).data().toString(), QStringLiteral("phase"));
    QCOMPARE(doc.undoStack()->count(), 2);
}

void TestScenarioStepsEditor::keyboardShortcuts()
{
    Document doc;
    load(doc);
    ScenarioStepsEditor editor(&doc);
    editor.resize(900, 400);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QTableView* view = editor.view();
    view->setFocus();
    editor.selectRows({ 2 }, 2);
    const QString second = line(doc, 2);
    QTest::keyClick(view, Qt::Key_D, Qt::ControlModifier); // duplicate
    QCOMPARE(editor.model()->rowCount(), 9);
    QCOMPARE(line(doc, 3), second);
    QCOMPARE(editor.selectedRows(), QList<int>({ 3 }));
    QTest::keyClick(view, Qt::Key_Up, Qt::AltModifier); // move up
    QCOMPARE(editor.selectedRows(), QList<int>({ 2 }));
    QTest::keyClick(view, Qt::Key_Insert); // one like the current step, after it
    QCOMPARE(editor.model()->rowCount(), 10);
    QCOMPARE(editor.model()->index(3, C::TypeColumn).data().toString(),
        editor.model()->index(2, C::TypeColumn).data().toString());
    QTest::keyClick(view, Qt::Key_Delete);
    QCOMPARE(editor.model()->rowCount(), 9);
    QCOMPARE(doc.undoStack()->count(), 4);
}

void TestScenarioStepsEditor::refusedEditsSayWhy()
{
    Document doc;
    load(doc);
    ScenarioStepsEditor editor(&doc);
    QVERIFY(editor.message().isEmpty());
    QVERIFY(!editor.model()->setData(editor.model()->index(1, C::AlignColumn), QStringLiteral("48K")));
    QVERIFY2(editor.message().contains(QStringLiteral("48 KiB is not a power of two")), qPrintable(editor.message()));
    QCOMPARE(doc.undoStack()->count(), 0);
    // The next edit that is made clears it.
    QVERIFY(editor.model()->setData(editor.model()->index(1, C::AlignColumn), QStringLiteral("64K")));
    QVERIFY(editor.message().isEmpty());
}

void TestScenarioStepsEditor::emptyDocumentHasNothingUnapplied()
{
    // The app starts on its start page with an empty document: no text typed, so nothing "not applied".
    Document doc;
    ScenarioPanel panel(&doc);
    QCOMPARE(panel.tabs()->tabText(1), QStringLiteral("Text"));
    doc.setProject(Project {});
    doc.waitForRun();
    QCOMPARE(panel.tabs()->tabText(1), QStringLiteral("Text"));
}

void TestScenarioStepsEditor::tableEditsShowInTheText()
{
    Document doc;
    load(doc);
    ScenarioPanel panel(&doc);
    QCOMPARE(panel.tabs()->tabText(0), QStringLiteral("Steps"));
    QCOMPARE(panel.tabs()->tabText(1), QStringLiteral("Text"));
    ScenarioStepsModel* model = panel.stepsEditor()->model();
    QVERIFY(model->setData(model->index(1, C::LabelColumn), QStringLiteral("renamed")));
    QVERIFY2(panel.text().contains(QStringLiteral(" as renamed\n")), qPrintable(panel.text()));
    QCOMPARE(panel.text().toStdString(), formatScenarioText(doc.project().scenarios[0], doc.project().platform));
    // And the other way: text applied shows in the table.
    panel.setText(QStringLiteral("scenario s\nalloc s3c-mfc5/b 2M as a\nfree a\n"));
    QVERIFY(panel.apply());
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->index(1, C::TypeColumn).data().toString(), QStringLiteral("free"));
}

void TestScenarioStepsEditor::unappliedTextIsKept()
{
    Document doc;
    load(doc);
    ScenarioPanel panel(&doc);
    const QString typed = QStringLiteral("scenario mine\nalloc s3c-mfc5/b 2M as a\n");
    panel.setText(typed);
    QCOMPARE(panel.tabs()->tabText(1), QStringLiteral("Text (not applied)"));
    QVERIFY(panel.stepsEditor()->notice().contains(QStringLiteral("not applied")));
    ScenarioStepsModel* model = panel.stepsEditor()->model();
    QVERIFY(model->setData(model->index(1, C::SizeColumn), QStringLiteral("5M")));
    QCOMPARE(panel.text(), typed); // not overwritten
    QVERIFY(panel.stepsEditor()->notice().contains(QStringLiteral("not applied")));
    // Applying the text makes it the scenario; the warning goes.
    QVERIFY(panel.apply());
    QVERIFY(panel.stepsEditor()->notice().isEmpty());
    QCOMPARE(panel.tabs()->tabText(1), QStringLiteral("Text"));
    QCOMPARE(model->rowCount(), 1);
}

void TestScenarioStepsEditor::traceScenariosCannotBeEdited()
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
    ScenarioStepsEditor editor(&doc);
    editor.view()->selectRow(0);
    for (QPushButton* b : editor.findChildren<QPushButton*>())
        QVERIFY2(!b->isEnabled(), qPrintable(b->text()));
    QCOMPARE(editor.addStep(StepType::Phase), -1);
    QVERIFY(editor.message().contains(QStringLiteral("kernel trace")));
    QCOMPARE(editor.model()->rowCount(), 1);
}

QTEST_MAIN(TestScenarioStepsEditor)
#include "tst_scenariostepseditor.moc"
