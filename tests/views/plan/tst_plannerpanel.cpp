// SPDX-License-Identifier: GPL-2.0-or-later
// The planner pane: plans off the GUI thread for the checked scenarios, shows each region before and after,
// applies the sizes as one undoable edit after which every scenario succeeds, and drops a plan that an edit
// made stale.
#include "common/document.h"
#include "plan/plannerpanel.h"
#include "support/platforms.h"

#include <cmascope/util/units.h>

#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

using namespace cmascope;
using namespace cmascope::views;

class TestPlannerPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void planAndApply();
    void noScenarioChecked();
    void editsMakeThePlanStale();
};

void TestPlannerPanel::planAndApply()
{
    Document doc;
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    PlannerPanel panel(&doc);
    QSignalSpy finished(&panel, &PlannerPanel::planFinished);
    QVERIFY(panel.plan());
    panel.waitForPlan();
    QCOMPARE(finished.count(), 1);
    QVERIFY(panel.result());
    QVERIFY2(panel.result()->ok, panel.result()->reason.c_str());
    auto* table = panel.findChild<QTableWidget*>(QStringLiteral("planTable"));
    QCOMPARE(table->rowCount(), int(doc.project().platform.regions.size()));
    for (int row = 0; row < table->rowCount(); ++row) {
        const PlannedRegion& p = panel.result()->regions[std::size_t(row)];
        QCOMPARE(table->item(row, PlannerPanel::RegionColumn)->text().toStdString(), p.name);
        QCOMPARE(table->item(row, PlannerPanel::PlannedColumn)->text().toStdString(), sizeText(p.size));
    }
    const PlanResult plan = *panel.result();
    const Platform before = doc.project().platform;
    QVERIFY(panel.applyPlan());
    for (const PlannedRegion& p : plan.regions)
        QCOMPARE(doc.project().platform.regions[p.index].size, p.size);
    doc.waitForRun();
    QVERIFY(doc.simulation());
    QCOMPARE(doc.failureCount(), std::size_t(0)); // the planned platform serves the scenario
    QVERIFY(!panel.result()); // the plan belonged to the old platform
    doc.undoStack()->undo();
    QVERIFY(doc.project().platform == before);
}

void TestPlannerPanel::noScenarioChecked()
{
    Document doc;
    doc.setProject(test::loadDemo());
    PlannerPanel panel(&doc);
    panel.setScenarioChecked(0, false);
    QVERIFY(!panel.plan());
    QVERIFY(!panel.isPlanning());
    QVERIFY(panel.summaryText().contains(QStringLiteral("at least one scenario")));
}

void TestPlannerPanel::editsMakeThePlanStale()
{
    Document doc;
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    PlannerPanel panel(&doc);
    QVERIFY(panel.plan());
    Platform edited = doc.project().platform;
    edited.regions[0].size *= 2;
    doc.editPlatform(edited, QStringLiteral("grow"));
    QVERIFY(!panel.isPlanning()); // dropped unseen
    QVERIFY(!panel.result());
    QVERIFY(!panel.applyPlan());
}

QTEST_MAIN(TestPlannerPanel)
#include "tst_plannerpanel.moc"
