// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/document.h"
#include "eventlog/steptablemodel.h"
#include "support/platforms.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using namespace cmascope;
using namespace cmascope::views;

class TestDocument : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void runsInBackground();
    void positionFollows();
    void editsAreUndoable();
    void whereARunIsShown();
    void stepModel();
    void stepModelFilters_data();
    void stepModelFilters();
    void cancelLongRun();
};

void TestDocument::runsInBackground()
{
    Document doc;
    QSignalSpy started(&doc, &Document::runStarted);
    QSignalSpy finished(&doc, &Document::runFinished);
    doc.setProject(test::loadDemo(), QStringLiteral("demo.json"));
    QCOMPARE(started.count(), 1);
    QVERIFY(finished.wait(10000) || finished.count() == 1);
    QVERIFY(doc.simulation());
    QCOMPARE(doc.stepCount(), doc.project().scenarios[0].steps.size());
    QCOMPARE(doc.position(), std::size_t(1)); // a new project opens at step 0 (the state right after it)
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(0));
    // Every region was placed: the dynamic ones got an address.
    for (const auto& r : doc.placedPlatform().regions)
        QVERIFY2(r.placedBase.has_value(), r.name.c_str());
    QVERIFY(!doc.isModified());
}

void TestDocument::positionFollows()
{
    Document doc;
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    QSignalSpy moved(&doc, &Document::positionChanged);
    doc.setPosition(5);
    QCOMPARE(moved.count(), 1);
    QCOMPARE(doc.position(), std::size_t(5));
    QCOMPARE(doc.state().position, 5u);
    // Steps 0..4 executed: the phase marker, the firmware, two bitstreams and the first frame.
    std::size_t live = 0;
    for (const auto& rt : doc.state().regions)
        live += rt.live.size();
    QCOMPARE(live, std::size_t(4));
    doc.setPosition(1000000); // clamped
    QCOMPARE(doc.position(), doc.stepCount());
    doc.setPosition(0);
    QCOMPARE(doc.state().position, 0u);
}

void TestDocument::editsAreUndoable()
{
    Document doc;
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    QSignalSpy modified(&doc, &Document::modifiedChanged);
    Platform edited = doc.project().platform;
    edited.regions[1].size = 8 * MiB; // shrink b1: the HD decode no longer fits
    doc.editPlatform(edited, QStringLiteral("Resize b1"));
    QVERIFY(doc.isModified());
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Resize b1"));
    doc.waitForRun();
    QVERIFY(doc.simulation());
    QVERIFY(doc.simulation()->summary().failures > 0);
    doc.undoStack()->undo();
    QVERIFY(!doc.isModified());
    QCOMPARE(doc.project().platform.regions[1].size, 32 * MiB);
    doc.waitForRun();
    QCOMPARE(doc.simulation()->summary().failures, std::uint64_t(0));
    doc.undoStack()->redo();
    QCOMPARE(doc.project().platform.regions[1].size, 8 * MiB);
    QVERIFY(modified.count() >= 2);
}

void TestDocument::stepModel()
{
    Document doc;
    StepTableModel model(&doc);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StepFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    QCOMPARE(model.rowCount(), int(doc.stepCount()));
    auto cell = [&](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(cell(1, StepTableModel::DeviceColumn), QStringLiteral("s3c-mfc5"));
    QCOMPARE(cell(1, StepTableModel::KindColumn), QStringLiteral("f"));
    QCOMPARE(cell(1, StepTableModel::SizeColumn), QStringLiteral("1 MiB"));
    QCOMPARE(cell(1, StepTableModel::AlignColumn), QStringLiteral("128 KiB"));
    QCOMPARE(cell(1, StepTableModel::RegionColumn), QStringLiteral("fw"));
    QCOMPARE(cell(1, StepTableModel::OutcomeColumn), QStringLiteral("allocated"));
    const std::uint64_t fwBase = *doc.placedPlatform().findRegion("fw")->placedBase;
    QCOMPARE(cell(1, StepTableModel::AddressColumn),
        QStringLiteral("0x%1 / pfn 0x%2").arg(fwBase, 0, 16).arg(fwBase / 4096, 0, 16));
    QCOMPARE(cell(0, StepTableModel::OutcomeColumn), QStringLiteral("phase"));
    // Sorting by size puts the largest request first.
    proxy.sort(StepTableModel::SizeColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, StepTableModel::SizeColumn).data().toString(), QStringLiteral("3060 KiB"));
    // The chunk of a row leads back to its row.
    const quint32 chunk = model.index(4, 0).data(StepTableModel::ChunkRole).toUInt();
    QCOMPARE(model.rowForChunk(chunk), 4);
}

void TestDocument::stepModelFilters_data()
{
    QTest::addColumn<int>("outcome");
    QTest::addColumn<QString>("device");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<int>>("rows");
    QTest::newRow("all") << int(StepFilterProxy::OutcomeFilter::All) << QString() << QString() << QString()
                         << QList<int> { 0, 1, 2, 3, 4, 5, 6, 7 };
    QTest::newRow("failures") << int(StepFilterProxy::OutcomeFilter::Failures) << QString() << QString() << QString()
                              << QList<int> { 7 };
    QTest::newRow("frees") << int(StepFilterProxy::OutcomeFilter::Frees) << QString() << QString() << QString()
                           << QList<int> { 5, 6 };
    QTest::newRow("markers") << int(StepFilterProxy::OutcomeFilter::Markers) << QString() << QString() << QString()
                             << QList<int> { 0 };
    QTest::newRow("requests of kind a") << int(StepFilterProxy::OutcomeFilter::Requests) << QStringLiteral("video")
                                        << QStringLiteral("a") << QString() << QList<int> { 1, 2, 3, 4 };
    QTest::newRow("text") << int(StepFilterProxy::OutcomeFilter::All) << QString() << QString() << QStringLiteral("BIG")
                          << QList<int> { 7 };
}

void TestDocument::stepModelFilters()
{
    QFETCH(int, outcome);
    QFETCH(QString, device);
    QFETCH(QString, kind);
    QFETCH(QString, text);
    QFETCH(QList<int>, rows);
    Document doc;
    StepTableModel model(&doc);
    StepFilterProxy proxy;
    proxy.setSourceModel(&model);
    doc.setProject(test::fragmentedProject());
    doc.waitForRun();
    proxy.setOutcomeFilter(StepFilterProxy::OutcomeFilter(outcome));
    proxy.setDeviceFilter(device);
    proxy.setKindFilter(kind);
    proxy.setTextFilter(text);
    QList<int> got;
    for (int r = 0; r < proxy.rowCount(); ++r)
        got << proxy.mapToSource(proxy.index(r, 0)).row();
    QCOMPARE(got, rows);
}

void TestDocument::cancelLongRun()
{
    Project p = test::fragmentedProject();
    Scenario& sc = p.scenarios[0];
    for (int i = 0; i < 3000000; ++i) {
        sc.allocate("video", "a", 4096, "x");
        sc.free("x");
    }
    Document doc;
    QSignalSpy finished(&doc, &Document::runFinished);
    doc.setProject(std::move(p));
    QVERIFY(doc.isRunning());
    doc.cancelRun();
    QVERIFY(finished.wait(20000) || finished.count() == 1);
    QVERIFY(!doc.simulation());
    QVERIFY(!doc.runError().isEmpty());
}

void TestDocument::whereARunIsShown()
{
    // One numbering: the current step is the last one executed.
    QCOMPARE(stepAtPosition(0), std::optional<std::size_t>());
    QCOMPARE(stepAtPosition(61), std::optional<std::size_t>(60));
    QCOMPARE(positionAfterStep(60), std::size_t(61));
    QCOMPARE(stepPositionText(61, 99), QStringLiteral("step 60 of 99"));
    QCOMPARE(stepPositionText(0, 99), QStringLiteral("before step 0 of 99"));
    QCOMPARE(stepPositionText(0, 0), QStringLiteral("no steps"));

    Document doc;
    doc.setProject(test::loadDemo(), {}, Document::StartAt::LastStep);
    doc.waitForRun();
    QCOMPARE(doc.position(), doc.stepCount());
    // A project that fails somewhere, opened at its first failure.
    Project failing = test::loadDemo();
    failing.platform.regions[1].size = 8 * MiB; // the HD decode no longer fits
    doc.setProject(failing, {}, Document::StartAt::FirstFailure);
    doc.waitForRun();
    std::size_t firstFailure = 0;
    while (doc.simulation()->records()[firstFailure].outcome != Outcome::Failed)
        ++firstFailure;
    QCOMPARE(doc.currentStep(), std::optional<std::size_t>(firstFailure));
    QCOMPARE(doc.stepText(), QStringLiteral("step %1 of %2").arg(firstFailure).arg(doc.stepCount()));
    // A position asked for while the run is under way is shown when it ends (a project's view.position).
    doc.setProject(test::loadDemo());
    doc.showPositionWhenRun(7);
    doc.waitForRun();
    QCOMPARE(doc.position(), std::size_t(7));
    doc.showPositionWhenRun(1000); // no run under way: at once, clamped
    QCOMPARE(doc.position(), doc.stepCount());
    // Edits keep the current step; a new project does not.
    doc.setPosition(12);
    Platform edited = doc.project().platform;
    edited.regions[0].size += 4 * MiB;
    doc.editPlatform(edited, QStringLiteral("Grow"));
    doc.waitForRun();
    QCOMPARE(doc.position(), std::size_t(12));
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    QCOMPARE(doc.position(), std::size_t(1));
}

QTEST_MAIN(TestDocument)
#include "tst_document.moc"
