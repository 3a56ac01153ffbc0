// SPDX-License-Identifier: GPL-2.0-or-later
// The trace-pair dialog (File > Compare with Another Trace…, docs/time-and-latency.md) on real captures: the
// comparison runs as a job, the tree shows the figures of both traces, the first difference can be made the
// current step, and a document without a trace says so.
#include "common/document.h"
#include "compare/tracepairdialog.h"
#include "support/captures.h"
#include "support/platforms.h"

#include <cmascope/replay/replay.h>

#include <QPushButton>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace cmascope;
using namespace cmascope::views;

namespace {

std::shared_ptr<const ReplayResult> showCapture(Document& doc, const QByteArray& capture)
{
    const auto dir = test::captureDir(capture);
    auto r = replayTraceFile(test::traceFile(dir), test::bootInputs(dir));
    if (!r.ok())
        qFatal("%s", r.error.c_str());
    auto replay = std::make_shared<const ReplayResult>(std::move(r.result));
    doc.setProject(replayProject(*replay, capture.toStdString()), {}, Document::StartAt::FirstStep, replay);
    doc.waitForRun();
    return replay;
}

QString pathOf(const QByteArray& capture)
{
    return QString::fromStdString(test::traceFile(test::captureDir(capture)).string());
}

/// The row named @p figure under the top-level item @p section.
QTreeWidgetItem* row(QTreeWidget* tree, const QString& section, const QString& figure)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* top = tree->topLevelItem(i);
        if (top->text(0) != section)
            continue;
        for (int j = 0; j < top->childCount(); ++j)
            if (top->child(j)->text(0) == figure)
                return top->child(j);
    }
    return nullptr;
}

} // namespace

class TestTracePairDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void twoRuns();
    void sameRun();
    void noTraceShown();
    void unreadableB();
};

void TestTracePairDialog::twoRuns()
{
    Document doc;
    const auto a = showCapture(doc, "k61-nvme");
    TracePairDialog dialog(&doc);
    dialog.show();
    dialog.compareWith(pathOf("k612-reserved-mixed"));
    QVERIFY(dialog.isComputing());
    dialog.waitForResult();
    QVERIFY2(dialog.result(), qPrintable(dialog.statusText()));
    const TracePairResult& r = *dialog.result();
    QCOMPARE(r.total.a.failed, a->failed);
    QVERIFY(r.failuresIncreased());
    QTreeWidgetItem* failed = row(dialog.table(), QStringLiteral("Total"), QStringLiteral("failed"));
    QVERIFY(failed);
    QCOMPARE(failed->text(1), QString::number(r.total.a.failed));
    QCOMPARE(failed->text(2), QString::number(r.total.b.failed));
    QCOMPARE(failed->text(3), QStringLiteral("+%1").arg(r.total.b.failed - r.total.a.failed));
    QVERIFY(row(dialog.table(), QStringLiteral("Area reserved"), QStringLiteral("latency p99")));
    QVERIFY(row(dialog.table(), QStringLiteral("Total"), QStringLiteral("peak used pages")));
    QVERIFY(dialog.statusText().contains(QStringLiteral("B has more failed requests than A")));
    QVERIFY(r.firstDifference);
    QVERIFY(dialog.goButton()->isEnabled());
    QTest::mouseClick(dialog.goButton(), Qt::LeftButton);
    QCOMPARE(doc.currentStep(), r.firstDifference->stepA);
    QCOMPARE(doc.replayRequestAtStep(*doc.currentStep()), &a->requests[r.firstDifference->requestA]);
    // Another project in the window: the comparison is dropped.
    doc.setProject(test::loadDemo());
    QVERIFY(!dialog.result());
    QVERIFY(!dialog.goButton()->isEnabled());
}

void TestTracePairDialog::sameRun()
{
    Document doc;
    showCapture(doc, "k612-busy-retry");
    TracePairDialog dialog(&doc);
    dialog.compareWith(pathOf("k612-busy-retry"));
    dialog.waitForResult();
    QVERIFY2(dialog.result(), qPrintable(dialog.statusText()));
    QCOMPARE(dialog.result()->differingOutcomes, 0u);
    QVERIFY(!dialog.goButton()->isEnabled());
    QTreeWidgetItem* busy = row(dialog.table(), QStringLiteral("Total"), QStringLiteral("busy retries"));
    QVERIFY(busy);
    QCOMPARE(busy->text(1), QStringLiteral("1002"));
    QCOMPARE(busy->text(3), QStringLiteral("0"));
    QVERIFY(dialog.statusText().contains(QStringLiteral("No matched request has another outcome")));
}

void TestTracePairDialog::noTraceShown()
{
    Document doc;
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    TracePairDialog dialog(&doc);
    dialog.compareWith(pathOf("k61-nvme"));
    QVERIFY(!dialog.isComputing());
    QVERIFY(!dialog.result());
    QVERIFY(dialog.statusText().contains(QStringLiteral("open a trace first")));
}

void TestTracePairDialog::unreadableB()
{
    Document doc;
    showCapture(doc, "k61-nvme");
    TracePairDialog dialog(&doc);
    dialog.compareWith(QStringLiteral("/nonexistent/trace.txt"));
    dialog.waitForResult();
    QVERIFY(!dialog.result());
    QVERIFY2(dialog.statusText().contains(QStringLiteral("/nonexistent/trace.txt")), qPrintable(dialog.statusText()));
}

QTEST_MAIN(TestTracePairDialog)
#include "tst_tracepairdialog.moc"
