// SPDX-License-Identifier: GPL-2.0-or-later
// Issue 12's loop, end to end in the real main window: import a board's device tree blob, describe two
// exclusive use cases in the scenario pane (one in its text form, one in its step table), plan the region
// sizes, apply the plan, check that both use cases now succeed, and export a device tree that dtc compiles
// without a warning and that holds the planned sizes.
#include "common/document.h"
#include "mainwindow.h"
#include "plan/plannerpanel.h"
#include "scenario/scenariopanel.h"
#include "scenario/scenariostepseditor.h"
#include "scenario/scenariostepsmodel.h"
#include "support/platforms.h"

#include <cmascope/config/configio.h>
#include <cmascope/model/project.h>

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace cmascope;

class TestPlanningLoop : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void importDescribePlanApplyExport();

private:
    /// Compiles @p dts to @p dtb with dtc; fails the test on any error or warning.
    static bool compile(const QString& dts, const QString& dtb)
    {
        QProcess dtc;
        dtc.start(QStringLiteral("dtc"),
            { QStringLiteral("-I"), QStringLiteral("dts"), QStringLiteral("-O"), QStringLiteral("dtb"),
                QStringLiteral("-o"), dtb, dts });
        if (!dtc.waitForFinished(30000) || dtc.exitCode() != 0) {
            qWarning("dtc failed: %s", dtc.readAllStandardError().constData());
            return false;
        }
        const QByteArray warnings = dtc.readAllStandardError();
        if (!warnings.isEmpty())
            qWarning("dtc warned: %s", warnings.constData());
        return warnings.isEmpty();
    }
    struct Alloc
    {
        const char* device;
        const char* size;
        const char* label;
    };
    /// Adds an alloc step per entry of @p allocs to the chosen scenario through the step table's Add and cells.
    static bool buildInTable(views::ScenarioStepsEditor& steps, std::initializer_list<Alloc> allocs)
    {
        views::ScenarioStepsModel* model = steps.model();
        for (const Alloc& a : allocs) {
            const int row = steps.addStep(StepType::Allocate);
            if (row < 0)
                return false;
            const std::pair<int, const char*> cells[] = { { views::stepcells::DeviceColumn, a.device },
                { views::stepcells::KindColumn, "" }, { views::stepcells::SizeColumn, a.size },
                { views::stepcells::LabelColumn, a.label } };
            for (const auto& [column, text] : cells) {
                if (!model->setData(model->index(row, column), QString::fromUtf8(text))) {
                    qWarning("step %d: %s", row, qPrintable(model->lastError()));
                    return false;
                }
            }
        }
        return true;
    }
    static bool write(const QString& path, const std::string& text)
    {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(text.data(), qint64(text.size())) == qint64(text.size());
    }
};

void TestPlanningLoop::importDescribePlanApplyExport()
{
    QTemporaryDir dir;
    // The board: the RZ/G2L SMARC device tree (a 256 MiB default area and a 128 MiB multimedia pool that the
    // video codec names), as a blob.
    const auto board = exportConfig(test::loadDemo("rzg2l-smarc-dt.json"), ConfigFormat::Dts);
    QVERIFY2(board.ok(), board.error.c_str());
    const QString boardDts = dir.filePath(QStringLiteral("board.dts"));
    const QString boardDtb = dir.filePath(QStringLiteral("board.dtb"));
    QVERIFY(write(boardDts, board.text));
    QVERIFY(compile(boardDts, boardDtb));

    app::MainWindow w;
    QVERIFY2(w.importConfiguration(boardDtb, true), qPrintable(w.lastError()));
    QCOMPARE(w.project().platform.regions.size(), std::size_t(2));

    // Two exclusive use cases in the scenario pane: the first typed in its text form, the second added with
    // Add, named in the list and built step by step in the step table.
    auto* scenarios = w.scenarioPanel();
    scenarios->setText(QStringLiteral("scenario \"4K decode\"\nalloc vcodec 96M as v0\nalloc gpu 64M as g0\n"));
    QVERIFY2(scenarios->apply(), qPrintable(scenarios->errors().join(QLatin1Char('\n'))));
    scenarios->addScenario();
    scenarios->renameScenario(1, QStringLiteral("two HD decodes"));
    QVERIFY(buildInTable(
        *scenarios->stepsEditor(), { { "vcodec", "40M", "a" }, { "vcodec", "40M", "b" }, { "gpu", "16M", "g" } }));
    QCOMPARE(w.project().scenarios.size(), std::size_t(2));
    QCOMPARE(w.project().scenarios[1].name, std::string("two HD decodes"));
    // The Text tab shows what the table built.
    QCOMPARE(scenarios->text(),
        QStringLiteral(
            "scenario \"two HD decodes\"\nalloc vcodec 40M as a\nalloc vcodec 40M as b\nalloc gpu 16M as g\n"));
    w.document()->waitForRun();
    QCOMPARE(w.document()->stepCount(), std::size_t(3));

    // Plan for both, apply.
    auto* planner = w.plannerPanel();
    QVERIFY(planner->plan());
    planner->waitForPlan();
    QVERIFY(planner->result());
    QVERIFY2(planner->result()->ok, planner->result()->reason.c_str());
    const PlanResult plan = *planner->result();
    QVERIFY(planner->applyPlan());
    const auto sizeOf = [&w](const char* name) {
        for (const Region& r : w.project().platform.regions)
            if (r.name == name)
                return r.size;
        return std::uint64_t(0);
    };
    QCOMPARE(sizeOf("linux,multimedia"), 96 * MiB); // the 4K decode's codec buffer binds it
    QCOMPARE(sizeOf("linux,cma"), 64 * MiB); // the 4K decode's GPU buffer
    for (int s = 0; s < 2; ++s) {
        w.document()->setScenarioIndex(s);
        w.document()->waitForRun();
        QVERIFY(w.document()->simulation());
        QCOMPARE(w.document()->failureCount(), std::size_t(0));
    }

    // Export the planned board: dtc compiles it without a warning, and it holds the planned sizes.
    const auto planned = exportConfig(w.project(), ConfigFormat::Dts);
    QVERIFY2(planned.ok(), planned.error.c_str());
    const QString plannedDts = dir.filePath(QStringLiteral("planned.dts"));
    QVERIFY(write(plannedDts, planned.text));
    QVERIFY(compile(plannedDts, dir.filePath(QStringLiteral("planned.dtb"))));
    const auto back = importDeviceTreeSource(planned.text);
    QVERIFY2(back.ok(), back.errorText().c_str());
    for (const PlannedRegion& p : plan.regions) {
        bool found = false;
        for (const Region& r : back.project->platform.regions)
            if (r.name == p.name) {
                QCOMPARE(r.size, p.size);
                found = true;
            }
        QVERIFY2(found, p.name.c_str());
    }
}

QTEST_MAIN(TestPlanningLoop)
#include "tst_planningloop.moc"
