// SPDX-License-Identifier: GPL-2.0-or-later
// The failure inspector says who holds the pages of a kernel request's busy windows once a page_owner dump is
// given (docs/evidence-imports.md): the real 7.2 capture k72-busy-areas with the assembled dump of tests/data.
#include "common/document.h"
#include "inspector/failureinspector.h"
#include "support/captures.h"

#include <cmascope/replay/replay.h>
#include <cmascope/system/pageowner.h>

#include <QTest>

#include <memory>

using namespace cmascope;
using namespace cmascope::views;

class TestPinners : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void whoHoldsTheBusyPages()
    {
        const auto dir = test::captureDir("k72-busy-areas");
        ReplayOptions opt;
        auto replay = std::make_shared<const ReplayResult>(
            replayTrace(test::loadTrace(test::traceFile(dir)), test::bootInputs(dir), opt));
        QVERIFY2(replay->error.empty(), replay->error.c_str());
        Document doc;
        doc.setProject(replayProject(*replay, "k72-busy-areas"), {}, Document::StartAt::FirstStep, replay);
        doc.waitForRun();
        // the failed 512-page request of line 117
        std::size_t step = replay->timeline.size();
        for (std::size_t s = 0; s < replay->timeline.size(); ++s)
            if (const ReplayRequest* q = replay->requestAtStep(s); q && q->finishLine == 117)
                step = s;
        QVERIFY(step < replay->timeline.size());
        FailureInspector ins(&doc);
        ins.setAutoSearchLimit(0);
        ins.inspect(step);
        QVERIFY(!ins.plainText().contains(QStringLiteral("Who holds the busy pages")));

        const auto parsed = parsePageOwner(
            test::slurp(std::filesystem::path(CMASCOPE_SOURCE_DIR) / "tests/data/page-owner-k72-busy-areas.txt"),
            "page-owner-k72-busy-areas.txt");
        QVERIFY2(parsed.dump, parsed.error.c_str());
        ins.setPageOwner(std::make_shared<const PageOwnerDump>(*parsed.dump), QStringLiteral("/x/page_owner.txt"));
        const QString text = ins.plainText();
        QVERIFY2(text.contains(QStringLiteral("Who holds the busy pages")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("page_owner dump page_owner.txt")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("init (pid 109): 1 page(s) from 0x54380, Unmovable in a CMA block")),
            qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("dd (pid 112): 5 page(s) from 0x54200, Movable in a CMA block")),
            qPrintable(text));
        // before the trace details: seen without scrolling
        QVERIFY(text.indexOf(QStringLiteral("Who holds")) < text.indexOf(QStringLiteral("cma_alloc_start: line")));

        // A request without busy windows gets no section; removing the dump removes it.
        for (std::size_t s = 0; s < replay->timeline.size(); ++s)
            if (const ReplayRequest* q = replay->requestAtStep(s); q && q->busyRetries == 0) {
                ins.inspect(s);
                QVERIFY(!ins.plainText().contains(QStringLiteral("Who holds")));
                break;
            }
        ins.inspect(step);
        ins.setPageOwner(nullptr, {});
        QVERIFY(!ins.plainText().contains(QStringLiteral("Who holds")));
        QVERIFY(ins.plainText().contains(QStringLiteral("Busy windows (49)")));
    }
};

QTEST_MAIN(TestPinners)
#include "tst_pinners.moc"
