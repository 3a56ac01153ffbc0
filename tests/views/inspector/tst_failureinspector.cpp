// SPDX-License-Identifier: GPL-2.0-or-later
// The failure inspector's "What would have fit" section: searched off the GUI thread, shown, cancelled,
// and discarded when the selection or the project changes.
#include "common/document.h"
#include "inspector/failureinspector.h"
#include "support/platforms.h"

#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace cmascope;
using namespace cmascope::views;

namespace {

/// 16 kernel-policy pages; holes [0,4) and [5,7) after the frees; a request of 2 pages then one of 4
/// (step @p churn * 2 + 7). First fit puts the 2 at page 0 and the 4 fails; best fit ("bf") serves both;
/// with the kernel policy the 4 pages fit at [16,20) of a 20-page region. @p churn alloc/free pairs come
/// first to make the history long.
Project bestFitWins(int churn = 0)
{
    Project p;
    p.platform = test::onePool(16);
    p.platform.name = "wouldfit";
    Scenario sc;
    sc.name = "s";
    for (int i = 0; i < churn; ++i) {
        sc.allocate("video", "", 4096, "t");
        sc.free("t");
    }
    const auto alloc = [&](std::uint64_t pages, const char* label) { sc.allocate("video", "", pages * 4096, label); };
    alloc(4, "A");
    alloc(1, "B");
    alloc(2, "C");
    alloc(9, "D");
    sc.free("A");
    sc.free("C");
    alloc(2, "E");
    alloc(4, "F");
    p.scenarios.push_back(std::move(sc));
    return p;
}

QPushButton* button(FailureInspector& ins, const char* name)
{
    auto* b = ins.findChild<QPushButton*>(QString::fromLatin1(name));
    if (!b)
        qFatal("no button %s", name);
    return b;
}

} // namespace

class TestFailureInspector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void searchShowsPoliciesAndSize();
    void automaticForSmallHistories();
    void cancel();
    void discardedWhenSelectionChanges();
    void discardedWhenProjectChanges();
    void noButtonForServedRequests();
};

void TestFailureInspector::searchShowsPoliciesAndSize()
{
    Document doc;
    FailureInspector ins(&doc);
    ins.setAutoSearchLimit(0);
    ins.resize(420, 700);
    ins.show();
    doc.setProject(bestFitWins());
    doc.waitForRun();
    ins.inspect(7);
    QVERIFY(!ins.isSearching());
    QPushButton* find = button(ins, "wouldFitButton");
    QVERIFY(find->isVisible());
    QVERIFY(find->isEnabled());
    QVERIFY(ins.plainText().contains(QStringLiteral("What would have fit")));
    QSignalSpy finished(&ins, &FailureInspector::wouldFitFinished);
    QTest::mouseClick(find, Qt::LeftButton);
    QVERIFY(ins.isSearching() || finished.count() == 1);
    QVERIFY(finished.count() == 1 || finished.wait(10000));
    QVERIFY(!ins.isSearching());
    QVERIFY(ins.wouldFitResult());
    QVERIFY(!find->isEnabled()); // the answer is shown
    QVERIFY(!ins.findChild<QProgressBar*>(QStringLiteral("wouldFitProgress"))->isVisible());
    const QString text = ins.plainText();
    QVERIFY2(text.contains(QStringLiteral("Failed request at step 7")), qPrintable(text)); // the explanation stays
    QVERIFY2(text.contains(QStringLiteral("With bf, buddy or tlsf on 'r' the request would have been served.")),
        qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Policies on r, the history re-run from step 0:")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("kernel (now): fails")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("bf: succeeds (r, page 0); the earlier steps play out the same")),
        qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("first-fit: fails too")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("The request fits in a region of 20 pages (80 KiB), 4 more than now ('r' "
                                          "has 16).")),
        qPrintable(text));
}

void TestFailureInspector::automaticForSmallHistories()
{
    Document doc;
    FailureInspector ins(&doc);
    QSignalSpy finished(&ins, &FailureInspector::wouldFitFinished);
    doc.setProject(bestFitWins(), {}, Document::StartAt::FirstFailure);
    doc.waitForRun(); // shown at the failed request: the inspector follows it and searches at once
    QCOMPARE(ins.inspectedStep(), std::optional<std::size_t>(7));
    QVERIFY(finished.count() == 1 || finished.wait(10000));
    QVERIFY2(ins.plainText().contains(QStringLiteral("The request fits in a region of 20 pages")),
        qPrintable(ins.plainText()));
}

void TestFailureInspector::cancel()
{
    Document doc;
    FailureInspector ins(&doc);
    ins.setAutoSearchLimit(0);
    ins.show();
    doc.setProject(bestFitWins(300000)); // 600 000 steps before the request: seconds of re-runs
    doc.waitForRun();
    ins.inspect(600007);
    QSignalSpy finished(&ins, &FailureInspector::wouldFitFinished);
    QVERIFY(ins.findWhatWouldHaveFit());
    QVERIFY(ins.isSearching());
    QVERIFY(button(ins, "wouldFitCancel")->isVisible());
    QVERIFY(ins.findChild<QProgressBar*>(QStringLiteral("wouldFitProgress"))->isVisible());
    QVERIFY(ins.plainText().contains(QStringLiteral("Re-running the history")));
    QTest::mouseClick(button(ins, "wouldFitCancel"), Qt::LeftButton);
    QVERIFY(finished.wait(10000));
    QVERIFY(!ins.isSearching());
    QVERIFY(!ins.wouldFitResult());
    QVERIFY2(ins.plainText().contains(QStringLiteral("Cancelled.")), qPrintable(ins.plainText()));
    QVERIFY(!button(ins, "wouldFitCancel")->isVisible());
}

void TestFailureInspector::discardedWhenSelectionChanges()
{
    Document doc;
    FailureInspector ins(&doc);
    ins.setAutoSearchLimit(0);
    doc.setProject(bestFitWins(300000));
    doc.waitForRun();
    ins.inspect(600007);
    QSignalSpy finished(&ins, &FailureInspector::wouldFitFinished);
    QVERIFY(ins.findWhatWouldHaveFit());
    ins.inspect(600006); // a served request: the search is dropped, nothing of it is shown
    QVERIFY(!ins.isSearching());
    QVERIFY(!finished.wait(300));
    QVERIFY(!ins.wouldFitResult());
    QVERIFY(!ins.plainText().contains(QStringLiteral("What would have fit")));
    // Back to the failure: nothing was kept, the search starts from scratch.
    ins.inspect(600007);
    QVERIFY(!ins.wouldFitResult());
    QVERIFY(!ins.isSearching());
    QVERIFY(button(ins, "wouldFitButton")->isEnabled());
}

void TestFailureInspector::discardedWhenProjectChanges()
{
    Document doc;
    FailureInspector ins(&doc);
    ins.setAutoSearchLimit(0);
    doc.setProject(bestFitWins(300000));
    doc.waitForRun();
    ins.inspect(600007);
    QSignalSpy finished(&ins, &FailureInspector::wouldFitFinished);
    QVERIFY(ins.findWhatWouldHaveFit());
    Project other = bestFitWins();
    other.platform.regions[0].size = 32 * 4096; // nothing fails any more
    doc.setProject(other);
    doc.waitForRun();
    QVERIFY(!ins.isSearching());
    QVERIFY(!finished.wait(300));
    QVERIFY(!ins.wouldFitResult());
    QVERIFY(!ins.plainText().contains(QStringLiteral("What would have fit")));
}

void TestFailureInspector::noButtonForServedRequests()
{
    Document doc;
    FailureInspector ins(&doc);
    ins.show();
    doc.setProject(bestFitWins());
    doc.waitForRun();
    ins.inspect(6);
    QVERIFY(!button(ins, "wouldFitButton")->isVisible());
    QVERIFY(!ins.findWhatWouldHaveFit());
    QVERIFY(!ins.plainText().contains(QStringLiteral("What would have fit")));
}

QTEST_MAIN(TestFailureInspector)
#include "tst_failureinspector.moc"
