// SPDX-License-Identifier: GPL-2.0-or-later
// The presentation caption (docs/teaching.md#presenting): which step, the lesson's note on it and the narration,
// under the map; at most half the page high, smaller type before a cut.
#include "common/document.h"
#include "lesson/captionband.h"
#include "support/platforms.h"

#include <cmascope/sim/narration.h>

#include <QApplication>
#include <QTest>
#include <QVBoxLayout>

using namespace cmascope;
using namespace cmascope::views;

class TestCaptionBand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void saysStepNoteAndNarration();
    void staysWithinHalfThePage_data();
    void staysWithinHalfThePage();
};

namespace {

/// A page as the main window's map page: a widget above, the caption below.
struct Page
{
    explicit Page(Document* doc, QSize size)
    {
        auto* layout = new QVBoxLayout(&widget);
        layout->addWidget(new QWidget(&widget), 1);
        caption = new CaptionBand(doc, &widget);
        layout->addWidget(caption);
        widget.resize(size);
        widget.show();
        caption->show();
    }
    QWidget widget;
    CaptionBand* caption = nullptr;
};

Project taughtProject()
{
    Project p = test::fragmentedProject();
    Lesson l;
    l.title = "Two holes are not one";
    l.introduction = "A 16-page region.\n\nWatch the holes.";
    l.notes.push_back({ 7, "Eight pages free, in two holes.", "Why does it fail?", "No hole is 8 pages long." });
    p.scenarios.at(0).lesson = l;
    return p;
}

} // namespace

void TestCaptionBand::saysStepNoteAndNarration()
{
    Document doc;
    Page page(&doc, QSize(1366, 700));
    doc.setProject(taughtProject());
    doc.waitForRun();
    doc.setCurrentStep(7);
    const StepNarration narration = narrate(*doc.simulation(), 7);
    QTRY_VERIFY2(page.caption->plainText().contains(QString::fromStdString(narration.headline)),
        qPrintable(page.caption->plainText()));
    QVERIFY(page.caption->plainText().contains(QStringLiteral("Step 7 of %1").arg(doc.stepCount())));
    QVERIFY(page.caption->plainText().contains(QStringLiteral("Eight pages free, in two holes.")));
    QVERIFY(!page.caption->plainText().contains(QStringLiteral("No hole is 8 pages long."))); // never the answer
    for (const std::string& line : narration.lines)
        QVERIFY2(page.caption->plainText().contains(QString::fromStdString(line)), line.c_str());
    QVERIFY(page.caption->isTextComplete());
    // Large type: above the application's.
    QVERIFY(page.caption->bodyPointSize() > QApplication::font().pointSizeF() * 1.2);
    // Another step: the note goes, the new narration comes.
    doc.setCurrentStep(2);
    QTRY_VERIFY(page.caption->plainText().contains(QStringLiteral("Step 2 of")));
    QVERIFY(!page.caption->plainText().contains(QStringLiteral("Eight pages free")));
    QVERIFY(!page.caption->plainText().contains(QStringLiteral("Watch the holes.")));
    // At step 0, the lesson's title and introduction first, as the class begins.
    doc.setCurrentStep(0);
    QTRY_VERIFY(page.caption->plainText().contains(QStringLiteral("Step 0 of")));
    QVERIFY(page.caption->plainText().startsWith(QStringLiteral("Two holes are not one")));
    QVERIFY(page.caption->plainText().contains(QStringLiteral("Watch the holes.")));
}

void TestCaptionBand::staysWithinHalfThePage_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("complete");
    QTest::newRow("1920x1080") << QSize(1920, 1000) << true;
    QTest::newRow("1366x768") << QSize(1366, 690) << true;
    QTest::newRow("500x260") << QSize(500, 260) << false;
}

void TestCaptionBand::staysWithinHalfThePage()
{
    QFETCH(QSize, size);
    QFETCH(bool, complete);
    Document doc;
    Page page(&doc, size);
    doc.setProject(taughtProject());
    doc.waitForRun();
    doc.setCurrentStep(7);
    QTRY_VERIFY(page.caption->plainText().contains(QStringLiteral("Step 7")));
    QVERIFY2(page.caption->height() <= size.height() / 2 + 1, qPrintable(QString::number(page.caption->height())));
    QCOMPARE(page.caption->isTextComplete(), complete);
    if (!complete) // a page too small: smaller type first, down to the floor
        QVERIFY(page.caption->bodyPointSize() < QApplication::font().pointSizeF() * page.caption->fontScale());
}

QTEST_MAIN(TestCaptionBand)
#include "tst_captionband.moc"
