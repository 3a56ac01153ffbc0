// SPDX-License-Identifier: GPL-2.0-or-later
// "Generate workload…" (scenario/workloaddialog.h): the widgets describe the spec they were given; the preview
// and the added scenario are exactly the core's steps for the same spec; OK adds one undoable scenario, even when
// the preview is stale; a bad cell is reported by its field and adds nothing; a trace's sizes become a stream's
// histogram; the scenario pane opens the dialog.
#include "common/document.h"
#include "scenario/scenariopanel.h"
#include "scenario/workloadcells.h"
#include "scenario/workloaddialog.h"
#include "support/captures.h"
#include "support/platforms.h"
#include "support/workloads.h"

#include <cmascope/model/scenariotext.h>
#include <cmascope/replay/workloadhistogram.h>

#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

using namespace cmascope;
using namespace cmascope::views;

class TestWorkloadDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void widgetsHoldTheSpec();
    void previewIsTheCoresSteps_data();
    void previewIsTheCoresSteps();
    void okAddsOneUndoableScenario();
    void okGeneratesAStalePreviewFirst();
    void badCellsNameTheirField_data();
    void badCellsNameTheirField();
    void sizesFromATrace();
    void scenarioPaneOpensTheDialog();

private:
    static void load(Document& doc)
    {
        doc.setProject(test::loadDemo());
        doc.waitForRun();
    }
    static std::string coreText(const WorkloadSpec& spec, const Platform& pf)
    {
        const auto r = generateWorkload(spec, pf);
        return r.ok() ? formatScenarioText(*r.scenario, pf) : r.errorText();
    }
};

void TestWorkloadDialog::widgetsHoldTheSpec()
{
    Document doc;
    load(doc);
    WorkloadDialog dialog(&doc);
    // The default spec uses the platform's devices and generates without error.
    const auto first = dialog.readSpec();
    QVERIFY(first);
    QCOMPARE(first->streams.front().device, doc.project().platform.devices.front().name);
    QVERIFY(validateWorkload(*first, doc.project().platform).empty());
    const WorkloadSpec spec = test::demoWorkload(99);
    dialog.setSpec(spec);
    QString error;
    const auto back = dialog.readSpec(&error);
    QVERIFY2(back, qPrintable(error));
    QVERIFY(*back == spec);
}

void TestWorkloadDialog::previewIsTheCoresSteps_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::newRow("seed 1") << quint64(1);
    QTest::newRow("seed 42") << quint64(42);
    QTest::newRow("seed 2^64-1") << quint64(~0ull);
}

void TestWorkloadDialog::previewIsTheCoresSteps()
{
    QFETCH(quint64, seed);
    Document doc;
    load(doc);
    WorkloadDialog dialog(&doc);
    dialog.setSpec(test::demoWorkload(seed));
    dialog.waitForPreview();
    const Scenario* preview = dialog.previewScenario();
    QVERIFY(preview);
    const Platform& pf = doc.project().platform;
    QCOMPARE(formatScenarioText(*preview, pf), coreText(test::demoWorkload(seed), pf));
    const auto stats = generateWorkload(test::demoWorkload(seed), pf).stats;
    QVERIFY2(dialog.previewText().startsWith(
                 QStringLiteral("%1 steps: %2 requests").arg(preview->steps.size()).arg(stats.allocations)),
        qPrintable(dialog.previewText()));
    QVERIFY(dialog.previewText().contains(QStringLiteral("at most %1 live").arg(stats.peakLive)));
}

void TestWorkloadDialog::okAddsOneUndoableScenario()
{
    Document doc;
    load(doc);
    const std::size_t before = doc.project().scenarios.size();
    const int undoBefore = doc.undoStack()->count();
    WorkloadDialog dialog(&doc);
    dialog.setSpec(test::demoWorkload(3));
    dialog.waitForPreview();
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(doc.project().scenarios.size(), before + 1);
    QCOMPARE(doc.undoStack()->count(), undoBefore + 1);
    QCOMPARE(doc.scenarioIndex(), int(before)); // the new scenario runs
    const Platform& pf = doc.project().platform;
    QCOMPARE(formatScenarioText(doc.project().scenarios.back(), pf), coreText(test::demoWorkload(3), pf));
    doc.waitForRun();
    QCOMPARE(doc.stepCount(), doc.project().scenarios.back().steps.size());
    doc.undoStack()->undo();
    QCOMPARE(doc.project().scenarios.size(), before);
}

void TestWorkloadDialog::okGeneratesAStalePreviewFirst()
{
    Document doc;
    load(doc);
    WorkloadDialog dialog(&doc);
    dialog.setSpec(test::demoWorkload(8));
    dialog.findChild<QLineEdit*>(QStringLiteral("workloadSeed"))->setText(QStringLiteral("9"));
    QVERIFY(!dialog.previewScenario()); // the change is not generated yet
    dialog.accept();
    dialog.waitForPreview();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    const Platform& pf = doc.project().platform;
    QCOMPARE(formatScenarioText(doc.project().scenarios.back(), pf), coreText(test::demoWorkload(9), pf));
}

void TestWorkloadDialog::badCellsNameTheirField_data()
{
    QTest::addColumn<QString>("table");
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");
    QTest::newRow("ticks") << "workloadPhases" << 1 << int(WorkloadDialog::PhaseTicks) << "many"
                           << "phases[1].ticks: 'many' is not a number";
    QTest::newRow("zero ticks") << "workloadPhases" << 0 << int(WorkloadDialog::PhaseTicks) << "0"
                                << "phases[0].ticks: must be between 1 and 100000000";
    QTest::newRow("sizes") << "workloadStreams" << 0 << int(WorkloadDialog::StreamSizes) << "1M:x"
                           << "streams[0].sizes: '1M:x' is not a size with an optional weight such as 2M:3";
    QTest::newRow("range") << "workloadStreams" << 1 << int(WorkloadDialog::StreamSizes) << "1M..4K"
                           << "streams[1].sizes.max: must be at least min (1 MiB), not 4 KiB";
    QTest::newRow("align") << "workloadStreams" << 0 << int(WorkloadDialog::StreamAlign) << "3K"
                           << "streams[0].align: must be a power of two up to 1 TiB, not 0xc00";
    QTest::newRow("lifetime") << "workloadStreams" << 2 << int(WorkloadDialog::StreamLifetime) << "soon"
                              << "streams[2].lifetime: 'soon' is not a number of ticks";
}

void TestWorkloadDialog::badCellsNameTheirField()
{
    QFETCH(QString, table);
    QFETCH(int, row);
    QFETCH(int, column);
    QFETCH(QString, text);
    QFETCH(QString, error);
    Document doc;
    load(doc);
    const std::size_t before = doc.project().scenarios.size();
    WorkloadDialog dialog(&doc);
    dialog.setSpec(test::demoWorkload());
    dialog.findChild<QTableWidget*>(table)->item(row, column)->setText(text);
    dialog.waitForPreview();
    QVERIFY2(dialog.previewText().startsWith(error), qPrintable(dialog.previewText()));
    dialog.accept();
    dialog.waitForPreview();
    QCOMPARE(doc.project().scenarios.size(), before); // nothing added, the dialog stays open
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
}

void TestWorkloadDialog::sizesFromATrace()
{
    Document doc;
    load(doc);
    WorkloadDialog dialog(&doc);
    dialog.setSpec(test::demoWorkload());
    const auto trace = test::traceFile(test::captureDir("k61-nvme"));
    dialog.useTraceHistogram(2, QString::fromStdString(trace.string()), {});
    dialog.waitForPreview();
    const auto spec = dialog.readSpec();
    QVERIFY(spec);
    const SizeDistribution& sizes = spec->streams[2].sizes;
    QCOMPARE(sizes.kind, SizeDistributionKind::Histogram);
    ReplayOptions options;
    options.fidelity = false;
    const auto replayed = replayTraceFile(trace, {}, options);
    QVERIFY(replayed.ok());
    QVERIFY(sizes.choices == workloadHistogram(replayed.result));
    QVERIFY(sizes.choices.size() > 1);
    QCOMPARE(sizes.source, trace.filename().string());
    QVERIFY(dialog.previewScenario()); // the histogram generates
}

void TestWorkloadDialog::scenarioPaneOpensTheDialog()
{
    Document doc;
    load(doc);
    ScenarioPanel panel(&doc);
    panel.findChild<QPushButton*>(QStringLiteral("generateWorkload"))->click();
    auto* dialog = panel.findChild<WorkloadDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    dialog->waitForPreview();
    QVERIFY(dialog->previewScenario());
    dialog->reject();
}

QTEST_MAIN(TestWorkloadDialog)
#include "tst_workloaddialog.moc"
