// SPDX-License-Identifier: GPL-2.0-or-later
// The planner pane: plans off the GUI thread for the checked scenarios, shows each region before and after,
// applies the sizes as one undoable edit after which every scenario succeeds, and drops a plan that an edit
// made stale; the plan on the map (now and planned, on one axis), the DMA limit it sets, and Export plan.
#include "common/document.h"
#include "plan/planlayoutview.h"
#include "plan/plannerpanel.h"
#include "support/platforms.h"

#include <cmascope/config/configio.h>
#include <cmascope/util/units.h>

#include <QMenu>
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
    void layoutShowsNowAndPlanned();
    void dmaLimitAndExport();
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

/// Every bank twice, "now" then "planned"; each track holds its layout's regions at their addresses.
void TestPlannerPanel::layoutShowsNowAndPlanned()
{
    Document doc;
    doc.setProject(test::loadDemo("rzg2l-smarc-dt.json"));
    doc.waitForRun();
    PlannerPanel panel(&doc);
    QVERIFY(!panel.layoutView()->hasLayouts());
    QVERIFY(panel.plan());
    panel.waitForPlan();
    QVERIFY(panel.result() && panel.result()->ok);
    const PlanLayoutView* view = panel.layoutView();
    QVERIFY(view->hasLayouts());
    const MapContent& content = *view->content();
    const auto banks = doc.placedPlatform().banks.size();
    QCOMPARE(std::size_t(content.banks.size()), 2 * banks);
    QVERIFY(content.banks[0].name.startsWith(QStringLiteral("now")));
    QVERIFY(content.banks[int(banks)].name.startsWith(QStringLiteral("planned")));
    const PlanResult& plan = *panel.result();
    int planned = 0;
    for (const MapRegion& r : content.regions) {
        if (r.bank < int(banks))
            continue;
        const PlannedRegion& p = plan.regions[std::size_t(planned++)];
        QCOMPARE(r.name.toStdString(), p.name);
        QCOMPARE(r.size, p.size);
        QCOMPARE(r.base, *p.start);
    }
    QCOMPARE(std::size_t(planned), plan.regions.size());
    QVERIFY(view->caption().contains(QStringLiteral("384 MiB")));
    const auto [begin, end] = view->addressWindow();
    for (const MapRegion& r : content.regions)
        QVERIFY(r.base >= begin && r.base + r.size <= end);
    Platform renamed = doc.project().platform;
    renamed.name += " (edited)";
    doc.editPlatform(renamed, QStringLiteral("rename")); // any edit: the plan is stale
    QVERIFY(!panel.layoutView()->hasLayouts());

    // The camera demo's first bank holds no region: only the second is shown, now and planned.
    doc.setProject(test::loadDemo("camera-video-2010.json"));
    doc.waitForRun();
    QVERIFY(panel.plan());
    panel.waitForPlan();
    const MapContent& two = *panel.layoutView()->content();
    QCOMPARE(two.banks.size(), 2);
    QCOMPARE(two.banks[0].name, QStringLiteral("now · dmc1"));
    QCOMPARE(two.banks[1].name, QStringLiteral("planned · dmc1"));
    for (const MapRegion& r : two.regions)
        QVERIFY(r.bank == 0 || r.bank == 1);
}

/// A 32-bit device on the default area: the table says where the plan keeps the area, and Export plan offers
/// every format and exports the planned project (its limit as alloc-ranges).
void TestPlannerPanel::dmaLimitAndExport()
{
    Project project = test::loadDemo("rzg2l-smarc-dt.json");
    Device dev;
    dev.name = "isp32";
    dev.dmaBits = 31; // below 2 GiB: lower than where the demo's banks end
    project.platform.devices.push_back(dev);
    Scenario& sc = project.scenarios[0];
    sc.allocate("isp32", "", 4 * MiB, "isp-buffer");
    for (Region& r : project.platform.regions)
        r.placement = Placement::Dynamic; // the plan may move them
    Document doc;
    doc.setProject(project);
    doc.waitForRun();
    PlannerPanel panel(&doc);
    QVERIFY(panel.plan());
    panel.waitForPlan();
    QVERIFY2(panel.result() && panel.result()->ok, panel.result() ? panel.result()->reason.c_str() : "");
    auto* table = panel.findChild<QTableWidget*>(QStringLiteral("planTable"));
    int limited = 0;
    for (int row = 0; row < table->rowCount(); ++row) {
        const PlannedRegion& p = panel.result()->regions[std::size_t(row)];
        const QString cell = table->item(row, PlannerPanel::LimitColumn)->text();
        QCOMPARE(cell.contains(QStringLiteral("isp32")), p.dmaLimit.has_value());
        if (p.dmaLimit) {
            ++limited;
            QVERIFY(*p.start + p.size <= 2 * GiB);
        }
    }
    QCOMPARE(limited, 1); // the default area, the one isp32 (no memory-region) is given

    QCOMPARE(panel.exportMenu()->actions().size(), 5);
    QSignalSpy requested(&panel, &PlannerPanel::exportRequested);
    for (QAction* a : panel.exportMenu()->actions())
        if (a->data().toInt() == int(ConfigFormat::Dts))
            a->trigger();
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.first().first().toInt(), int(ConfigFormat::Dts));
    const auto planned = panel.plannedProject();
    QVERIFY(planned);
    const ExportResult dts = exportConfig(*planned, ConfigFormat::Dts);
    QVERIFY2(dts.ok(), dts.error.c_str());
    QVERIFY2(dts.text.find("alloc-ranges") != std::string::npos, dts.text.c_str());
}

QTEST_MAIN(TestPlannerPanel)
#include "tst_plannerpanel.moc"
