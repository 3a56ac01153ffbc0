// SPDX-License-Identifier: GPL-2.0-or-later
// The compare pane: its table model (QAbstractItemModelTester), a run on the camera demo whose rows match the core's
// comparison, spec validation in the field, the side-by-side maps following the document's step, a row's
// activation moving the document to its first differing step, sorting, a trace, and results dropped when the
// document changes.
#include "common/document.h"
#include "compare/comparemaps.h"
#include "compare/comparemodel.h"
#include "compare/comparepanel.h"
#include "map/memorymapwidget.h"
#include "platform/cellinput.h"
#include "support/captures.h"
#include "support/platforms.h"

#include <cmascope/compare/compare.h>
#include <cmascope/replay/replay.h>

#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace cmascope;
using namespace cmascope::views;

namespace {

void loadInto(Document& doc, Project p)
{
    doc.setProject(std::move(p));
    doc.waitForRun();
    QVERIFY(doc.simulation());
}

/// The used pages of every region in @p content (what a map draws), in region order.
std::vector<std::uint64_t> usedPages(const MapContent& content)
{
    std::vector<std::uint64_t> out(std::size_t(content.regions.size()), 0);
    for (const auto& c : content.chunks)
        if (c.region >= 0 && std::size_t(c.region) < out.size())
            out[std::size_t(c.region)] += c.size / content.regions[c.region].pageSize;
    return out;
}

} // namespace

class TstComparePanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void demoRowsMatchCore();
    void specValidation_data();
    void specValidation();
    void mapsFollowTheStep();
    void trace();
    void droppedWhenDocumentChanges();
    void policiesSideBySide();
};

void TstComparePanel::demoRowsMatchCore()
{
    Document doc;
    loadInto(doc, test::loadDemo());
    ComparePanel panel(&doc);
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(
        panel.table()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(!panel.run()); // nothing to compare yet
    QVERIFY(panel.summaryText().contains(QStringLiteral("Add a variant")));
    QVERIFY(panel.addVariant(QStringLiteral("policy=first-fit")));
    QVERIFY(panel.addVariant(QStringLiteral("region=b1,size=8M")));
    QCOMPARE(
        panel.variants(), QStringList({ QStringLiteral("policy=first-fit"), QStringLiteral("region=b1,size=8M") }));
    QSignalSpy finished(&panel, &ComparePanel::finished);
    QVERIFY(panel.run());
    panel.waitForRun();
    QCOMPARE(finished.count(), 1);

    const auto expected =
        std::get<Comparison>(compareProject(doc.project(), 0, { "policy=first-fit", "region=b1,size=8M" }));
    const CompareModel* m = panel.model();
    QCOMPARE(m->rowCount(), 3);
    for (int row = 0; row < 3; ++row) {
        const VariantFigures& v = expected.variants[std::size_t(row)];
        auto cell = [&](int column) { return m->index(row, column).data().toString(); };
        QCOMPARE(cell(CompareModel::RequestsColumn), QString::number(v.requests));
        QCOMPARE(cell(CompareModel::FailuresColumn), QString::number(v.failures));
        QCOMPARE(m->index(row, CompareModel::PeakUsedColumn).data(CompareModel::SortRole).toDouble(),
            double(v.peakUsedBytes));
        QCOMPARE(
            m->index(row, CompareModel::FragEndColumn).data(CompareModel::SortRole).toDouble(), v.fragmentationEnd);
        QCOMPARE(m->index(row, CompareModel::FirstDifferenceColumn).data(CompareModel::StepRole).toInt(),
            v.firstDifference ? int(*v.firstDifference) : -1);
    }
    QCOMPARE(m->index(0, CompareModel::VariantColumn).data().toString(), QStringLiteral("base"));
    QCOMPARE(m->index(2, CompareModel::FailuresColumn).data().toString(), QStringLiteral("7"));

    // Sorting by failures, most first: the smaller b1 comes first.
    panel.table()->sortByColumn(CompareModel::FailuresColumn, Qt::DescendingOrder);
    QCOMPARE(panel.table()->model()->index(0, CompareModel::VariantColumn).data().toString(),
        QStringLiteral("region=b1,size=8M"));
    // Activating it moves the document to its first differing step.
    const QModelIndex first = panel.table()->model()->index(0, CompareModel::FirstDifferenceColumn);
    Q_EMIT panel.table()->activated(first);
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(*expected.variants[2].firstDifference));

    panel.removeVariant(0);
    QCOMPARE(panel.variants(), QStringList({ QStringLiteral("region=b1,size=8M") }));
}

void TstComparePanel::specValidation_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("error"); // empty: valid
    QTest::newRow("policy") << QStringLiteral("policy=bf") << QString();
    QTest::newRow("align") << QStringLiteral("align=4") << QString();
    QTest::newRow("unknown policy") << QStringLiteral("policy=magic") << QStringLiteral("policy 'magic' is unknown");
    QTest::newRow("no region") << QStringLiteral("region=zz,policy=bf")
                               << QStringLiteral("region 'zz' is not in the project");
    QTest::newRow("size not pages") << QStringLiteral("region=b1,size=5000")
                                    << QStringLiteral("must be a non-zero multiple of the page size");
    QTest::newRow("not key=value") << QStringLiteral("bf") << QStringLiteral("'bf' is not KEY=VALUE");
}

void TstComparePanel::specValidation()
{
    QFETCH(QString, spec);
    QFETCH(QString, error);
    Document doc;
    loadInto(doc, test::loadDemo());
    ComparePanel panel(&doc);
    panel.specEdit()->setText(spec); // validated as typed
    if (error.isEmpty()) {
        QVERIFY2(panel.specError().isEmpty(), qPrintable(panel.specError()));
    } else {
        QVERIFY2(panel.specError().contains(error), qPrintable(panel.specError()));
        QVERIFY(panel.specError().contains(QStringLiteral("--variant ") + spec));
    }
    QCOMPARE(panel.addVariant(spec), error.isEmpty());
    QCOMPARE(panel.variants().size(), error.isEmpty() ? 1 : 0);
}

void TstComparePanel::mapsFollowTheStep()
{
    Document doc;
    loadInto(doc, test::fragmentedProject());
    ComparePanel panel(&doc);
    QVERIFY(panel.addVariant(QStringLiteral("size=128K")));
    QVERIFY(panel.run());
    panel.waitForRun();
    CompareMaps* maps = panel.maps();
    QCOMPARE(maps->count(), 2);
    QCOMPARE(maps->title(0), QStringLiteral("base"));
    QCOMPARE(maps->title(1), QStringLiteral("size=128K"));
    QVERIFY(maps->map(0) && maps->map(1));
    // After step 4 both runs hold the four 4-page buffers; after step 7 only the variant placed the 8-page one.
    doc.setCurrentStep(4);
    QCOMPARE(maps->position(), std::size_t(5));
    QCOMPARE(usedPages(maps->map(0)->content()), std::vector<std::uint64_t>({ 16 }));
    QCOMPARE(usedPages(maps->map(1)->content()), std::vector<std::uint64_t>({ 16 }));
    doc.setCurrentStep(7);
    QCOMPARE(usedPages(maps->map(0)->content()), std::vector<std::uint64_t>({ 8 }));
    QCOMPARE(usedPages(maps->map(1)->content()), std::vector<std::uint64_t>({ 16 }));
    QCOMPARE(maps->map(1)->content().regions.at(0).size, quint64(128 * KiB));
    // Backwards too (the maps rebuild their state from the run's checkpoints).
    doc.setCurrentStep(1);
    QCOMPARE(usedPages(maps->map(0)->content()), std::vector<std::uint64_t>({ 4 }));
    QCOMPARE(usedPages(maps->map(1)->content()), std::vector<std::uint64_t>({ 4 }));
}

void TstComparePanel::trace()
{
    const auto dir = test::captureDir("k61-nvme");
    ReplayFileResult r = replayTraceFile(dir / "trace.txt", ReplayInputs {});
    QVERIFY2(r.ok(), r.error.c_str());
    Document doc;
    loadInto(doc, replayProject(r.result, "k61"));
    auto replay = std::make_shared<const ReplayResult>(std::move(r.result));
    ComparePanel panel(&doc);
    panel.setReplay(replay);
    QVERIFY(!panel.addVariant(QStringLiteral("align=4"))); // a project key
    QVERIFY(panel.specError().contains(QStringLiteral("unknown key 'align'")));
    QVERIFY(!panel.addVariant(QStringLiteral("area=nope")));
    QVERIFY(panel.addVariant(QStringLiteral("policy=bf")));
    QVERIFY(panel.run());
    panel.waitForRun();
    QCOMPARE(panel.model()->rowCount(), 2);
    const auto expected = std::get<Comparison>(compareTrace(*replay, { "policy=bf" }));
    QCOMPARE(panel.model()->index(1, CompareModel::FailuresColumn).data().toString(),
        QString::number(expected.variants[1].failures));
    QVERIFY(expected.variants[1].hasMetrics);
    QCOMPARE(panel.model()->index(1, CompareModel::PeakUsedColumn).data().toString(),
        cellinput::humanSize(expected.variants[1].peakUsedBytes));
    QCOMPARE(panel.maps()->count(), 2);
    QVERIFY(panel.maps()->map(0));
    QVERIFY(panel.maps()->map(1)); // the variant's record, at the matching position
}

void TstComparePanel::droppedWhenDocumentChanges()
{
    Document doc;
    loadInto(doc, test::loadDemo());
    ComparePanel panel(&doc);
    QVERIFY(panel.addVariant(QStringLiteral("policy=buddy")));
    QVERIFY(panel.run());
    loadInto(doc, test::fragmentedProject()); // the run no longer applies
    panel.waitForRun();
    QCOMPARE(panel.model()->rowCount(), 0);
    QCOMPARE(panel.maps()->count(), 0);
    // The variant list stays; it is re-validated against the new project when run.
    QCOMPARE(panel.variants(), QStringList({ QStringLiteral("policy=buddy") }));
    QVERIFY(panel.run());
    panel.waitForRun();
    QCOMPARE(panel.model()->rowCount(), 2);
}

void TstComparePanel::policiesSideBySide()
{
    // One 32-page region (at 0x1000000) with firmware at pages [0,2), [6,8) and [11,12): holes A = [2,6),
    // B = [8,11), C = [12,32). A 3-page request then lands in A under first (and next) fit, in B under best fit
    // and in C under worst fit: the sentence under each map says where and why.
    Project p;
    p.platform = test::onePool(32, PolicyKind::Kernel);
    Scenario sc;
    sc.name = "holes";
    sc.place(0, 0, 2, "fw", "fw0");
    sc.place(0, 6, 2, "fw", "fw1");
    sc.place(0, 11, 1, "fw", "fw2");
    sc.allocate("video", "", 3 * 4 * KiB, "x");
    p.scenarios.push_back(std::move(sc));
    Document doc;
    loadInto(doc, std::move(p));
    ComparePanel panel(&doc);
    QVERIFY(panel.comparePolicies());
    panel.waitForRun();
    QCOMPARE(panel.variants(), ComparePanel::policyVariants());
    CompareMaps* maps = panel.maps();
    QCOMPARE(maps->count(), 6);
    doc.setCurrentStep(3);
    const auto says = [&](int index, const char* text) {
        QVERIFY2(maps->outcome(index).contains(QLatin1String(text)),
            qPrintable(maps->title(index) + QStringLiteral(": ") + maps->outcome(index)));
    };
    says(1, "0x1002000"); // first fit: A, the lowest hole that fits
    says(2, "0x1002000"); // next fit: the rover is at the start
    says(3, "0x1008000"); // best fit: B, exactly 3 pages
    says(4, "0x100c000"); // worst fit: C, the largest
    QVERIFY(!maps->outcome(5).isEmpty()); // buddy says its block
    // Stepping back to before the request: the firmware placement is what each map says.
    doc.setCurrentStep(0);
    QVERIFY(maps->outcome(1).isEmpty() || !maps->outcome(1).contains(QLatin1String("0x1002000")));
    doc.setPosition(0);
    QVERIFY(maps->outcome(0).isEmpty());
}

QTEST_MAIN(TstComparePanel)
#include "tst_comparepanel.moc"
