// SPDX-License-Identifier: GPL-2.0-or-later
// The what-if panel: a project's scenario on a variant platform (a bigger region makes the failed
// request fit; applying it is one undoable edit), a kernel trace's recorded requests on a smaller
// area, bad input, and results dropped when the document changes under a run.
#include "common/document.h"
#include "support/platforms.h"
#include "whatif/whatifpanel.h"

#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QUndoStack>

using namespace cmascope;
using namespace cmascope::views;

namespace {

void loadInto(Document& doc, Project p)
{
    doc.setProject(std::move(p));
    doc.waitForRun();
    QVERIFY(doc.simulation());
}

} // namespace

class TstWhatIfPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void projectBiggerRegion();
    void projectErrors_data();
    void projectErrors();
    void traceSmallerArea();
    void droppedWhenDocumentChanges();
};

void TstWhatIfPanel::projectBiggerRegion()
{
    Document doc;
    loadInto(doc, test::fragmentedProject());
    QCOMPARE(doc.failureCount(), std::size_t(1));
    WhatIfPanel panel(&doc);
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.setVariant(0, std::nullopt, QStringLiteral("96K"), -1); // 24 pages
    QVERIFY(panel.run());
    panel.waitForRun();
    QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
    QCOMPARE(panel.model()->rowCount(), 1);
    const WhatIfRow& row = panel.model()->rows().at(0);
    QCOMPARE(row.step, 7u);
    QCOMPARE(row.who, QStringLiteral("video"));
    QCOMPARE(row.bytes, 32 * KiB);
    QVERIFY(!row.nowFails);
    QCOMPARE(row.after, QStringLiteral("placed in r"));
    QCOMPARE(row.detail, QStringLiteral("at page 16"));
    QVERIFY2(
        panel.summaryText().contains(QStringLiteral("0 now fail, 1 now succeed")), qPrintable(panel.summaryText()));

    // Selecting the row moves every view to just after that request.
    panel.table()->selectRow(0);
    QCOMPARE(doc.position(), std::size_t(8));

    // Apply: one undoable edit; the rerun has no failure.
    QVERIFY(panel.applyToProject());
    QCOMPARE(doc.project().platform.regions[0].size, 24u * 4096);
    doc.waitForRun();
    QCOMPARE(doc.failureCount(), std::size_t(0));
    QCOMPARE(panel.model()->rowCount(), 0); // the comparison is obsolete once applied
    doc.undoStack()->undo();
    doc.waitForRun();
    QCOMPARE(doc.project().platform.regions[0].size, 16u * 4096);
    QCOMPARE(doc.failureCount(), std::size_t(1));

    // Another policy on the same history: best fit also finds no 8-page hole.
    panel.setVariant(0, PolicyKind::BestFit2010, QString(), -1);
    QVERIFY(panel.run());
    panel.waitForRun();
    QCOMPARE(panel.model()->rowCount(), 0);
    QVERIFY2(
        panel.summaryText().contains(QStringLiteral("No request changes outcome")), qPrintable(panel.summaryText()));
}

void TstWhatIfPanel::projectErrors_data()
{
    QTest::addColumn<QString>("size");
    QTest::addColumn<int>("orderPerBit");
    QTest::addColumn<QString>("error");
    QTest::newRow("nothing to change") << QString() << -1 << QStringLiteral("Choose a policy");
    QTest::newRow("size not a size") << QStringLiteral("12 apples") << -1 << QStringLiteral("Size:");
    QTest::newRow("size not pages") << QStringLiteral("5000") << -1 << QStringLiteral("multiple of the page size");
    QTest::newRow("too big for the bank") << QStringLiteral("128M") << -1 << QStringLiteral("cannot be placed");
}

void TstWhatIfPanel::projectErrors()
{
    QFETCH(QString, size);
    QFETCH(int, orderPerBit);
    QFETCH(QString, error);
    Document doc;
    loadInto(doc, test::fragmentedProject());
    WhatIfPanel panel(&doc);
    panel.setVariant(0, std::nullopt, size, orderPerBit);
    QVERIFY(!panel.run());
    QVERIFY2(panel.errorText().contains(error), qPrintable(panel.errorText()));
    QCOMPARE(panel.model()->rowCount(), 0);
}

void TstWhatIfPanel::traceSmallerArea()
{
    const std::string dir = CMASCOPE_SOURCE_DIR "/traces/kernel/k612-reserved-mixed/";
    ReplayInputs in;
    in.areaSpecs.push_back({ "reserved", 0x7dc00, 4096, 0 });
    ReplayFileResult r = replayTraceFile(dir + "trace.txt", in);
    QVERIFY2(r.ok(), r.error.c_str());
    const std::uint64_t recordedFailures = r.result.failed;
    Document doc;
    loadInto(doc, replayProject(r.result, "k612"));
    auto replay = std::make_shared<const ReplayResult>(std::move(r.result));
    WhatIfPanel panel(&doc);
    panel.setReplay(replay);
    QVERIFY(panel.isTraceMode());
    panel.setVariant(0, std::nullopt, QStringLiteral("8M"), -1); // half the area
    QVERIFY(panel.run());
    panel.waitForRun();
    QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
    QVERIFY(panel.model()->rowCount() > 0);
    int nowFail = 0;
    for (const WhatIfRow& row : panel.model()->rows()) {
        nowFail += row.nowFails;
        QVERIFY(row.timeNs.has_value());
        QCOMPARE(row.region, QStringLiteral("reserved"));
        // every row points at the request's step in the document's timeline
        QVERIFY(row.step < doc.stepCount());
        const Step& s = doc.simulation()->scenario().steps[row.step];
        QVERIFY(s.type == StepType::Place || s.type == StepType::Refused);
        QCOMPARE(quint64(s.size) * 4096, row.bytes);
    }
    QVERIFY(nowFail > 0); // half the memory: requests that fitted now fail
    QVERIFY2(panel.summaryText().contains(QStringLiteral("failures %1 in the trace").arg(recordedFailures)),
        qPrintable(panel.summaryText()));

    // The recorded geometry with the kernel policy reproduces the trace: nothing changes.
    panel.setVariant(-1, std::nullopt, QString(), -1);
    QVERIFY(panel.run());
    panel.waitForRun();
    QCOMPARE(panel.model()->rowCount(), 0);
}

void TstWhatIfPanel::droppedWhenDocumentChanges()
{
    Document doc;
    loadInto(doc, test::fragmentedProject());
    WhatIfPanel panel(&doc);
    panel.setVariant(0, std::nullopt, QStringLiteral("96K"), -1);
    QVERIFY(panel.run());
    doc.setProject(test::fragmentedProject()); // a new project while the comparison may still run
    panel.waitForRun();
    QCOMPARE(panel.model()->rowCount(), 0);
    QVERIFY(panel.summaryText().isEmpty());
    doc.waitForRun();
}

QTEST_MAIN(TstWhatIfPanel)
#include "tst_whatifpanel.moc"
