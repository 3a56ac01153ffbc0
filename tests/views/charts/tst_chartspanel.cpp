// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/chartspanel.h"
#include "common/document.h"
#include "support/platforms.h"

#include <QAbstractScrollArea>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <bit>
#include <memory>

using namespace cmascope;
using namespace cmascope::views;

namespace {

/// The demo loaded and run, the panel shown at a size where every axis has room.
struct Fixture
{
    Document doc;
    ChartsPanel panel { &doc };
    Fixture()
    {
        panel.resize(1000, 560);
        panel.show();
        doc.setProject(test::loadDemo(), QStringLiteral("demo.json"));
        doc.waitForRun();
        panel.waitForSeries();
    }
    const Simulation& sim() const { return *doc.simulation(); }
    double mibPerPage() const { return double(doc.state().regions[panel.region()].pageSize) / double(MiB); }
};

QWidget* mouseTarget(ChartsPanel& panel, ChartsPanel::Chart chart)
{
    auto* area = qobject_cast<QAbstractScrollArea*>(panel.chartWidget(chart));
    return area ? area->viewport() : panel.chartWidget(chart);
}

/// The y of the plotted point at x = @p x (the last one there: the value at that position).
std::optional<double> yAt(const QList<QPointF>& pts, double x)
{
    std::optional<double> y;
    for (const QPointF& p : pts)
        if (p.x() == x)
            y = p.y();
    return y;
}

int distinctColours(const QImage& image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

} // namespace

class TestChartsPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void seriesMatchRecords();
    void otherRegionAndOrder();
    void cursorFollowsPosition();
    void histogramAtStep();
    void usageAtStep();
    void rubberBandSelectsRange();
    void clickMovesPosition();
    void exportImages();
    void darkPalette();
    void rerunKeepsRegion();
};

void TestChartsPanel::seriesMatchRecords()
{
    Fixture f;
    const std::uint16_t r = f.panel.region();
    QVERIFY(r != kNoRegion);
    QVERIFY(f.panel.series());
    QCOMPARE(f.panel.series()->region, r);
    // 89 steps: no decimation, one point per position 0..89 on every line.
    const auto used = f.panel.plotPoints(ChartsPanel::UsedPlot);
    const auto largest = f.panel.plotPoints(ChartsPanel::LargestFreePlot);
    const auto relFrag = f.panel.plotPoints(ChartsPanel::RelativeFragmentationPlot);
    const auto extfrag = f.panel.plotPoints(ChartsPanel::ExtfragPlot);
    QCOMPARE(used.size(), qsizetype(f.sim().stepCount() + 1));
    QCOMPARE(used.front(), QPointF(-1, 0)); // the state before step 0
    const double regionPages = double(f.doc.state().regions[r].occupancy.pages());
    QCOMPARE(largest.front().y(), regionPages * f.mibPerPage());
    int checked = 0;
    for (std::size_t i = 0; i < f.sim().stepCount(); ++i) {
        const StepRecord& rec = f.sim().records()[i];
        if (rec.region != r)
            continue;
        const double x = double(i); // x names the step: the state right after step i
        QCOMPARE(yAt(used, x).value_or(-1), rec.usedPages * f.mibPerPage());
        QCOMPARE(yAt(largest, x).value_or(-1), rec.largestFree * f.mibPerPage());
        const double freePages = regionPages - rec.usedPages;
        const double expected = freePages > 0 ? 1.0 - rec.largestFree / freePages : 0.0;
        QCOMPARE(yAt(relFrag, x).value_or(-1) + 1.0, expected + 1.0);
        const auto st = f.sim().stateAt(i + 1);
        QCOMPARE(yAt(extfrag, x).value_or(-9), st.regions[r].occupancy.extfragIndex(f.panel.order()) / 1000.0);
        ++checked;
    }
    QVERIFY2(checked >= 10, qPrintable(QString::number(checked)));
    // The region gets busy: the used line is not flat.
    const auto maxUsed = std::max_element(used.begin(), used.end(), [](auto a, auto b) { return a.y() < b.y(); });
    QVERIFY(maxUsed->y() > 0);
}

void TestChartsPanel::otherRegionAndOrder()
{
    Fixture f;
    QSignalSpy updated(&f.panel, &ChartsPanel::seriesUpdated);
    const std::uint16_t first = f.panel.region();
    std::uint16_t other = kNoRegion;
    for (std::uint16_t i = 0; i < f.sim().platform().regions.size(); ++i)
        if (i != first && f.sim().platform().regions[i].size > 0)
            other = i;
    QVERIFY(other != kNoRegion);
    f.panel.setRegion(other);
    QCOMPARE(f.panel.region(), other);
    QVERIFY(f.panel.isComputing());
    f.panel.waitForSeries();
    QVERIFY(updated.count() >= 1);
    QCOMPARE(f.panel.series()->region, other);
    QCOMPARE(f.panel.series()->regionPages, f.doc.state().regions[other].occupancy.pages());

    f.panel.setOrder(7);
    f.panel.waitForSeries();
    QCOMPARE(f.panel.series()->order, 7u);
    const auto unusable = f.panel.plotPoints(ChartsPanel::UnusablePlot);
    for (std::size_t p : { std::size_t(0), std::size_t(30), f.sim().stepCount() }) {
        const auto st = f.sim().stateAt(p);
        QCOMPARE(yAt(unusable, double(p) - 1).value_or(-9), st.regions[other].occupancy.unusableIndex(7) / 1000.0);
    }
}

void TestChartsPanel::cursorFollowsPosition()
{
    Fixture f;
    // The cursor stands at the current step, as the timeline and the event log name it (it stood one step
    // to the right, at the number of steps executed).
    QCOMPARE(f.panel.cursorPosition().value_or(-9), 0.0); // a project opens at step 0
    f.doc.setPosition(10);
    QCOMPARE(f.panel.cursorPosition().value_or(-9), 9.0);
    QCOMPARE(f.doc.currentStep().value_or(0), std::size_t(9));
    f.doc.setPosition(0);
    QCOMPARE(f.panel.cursorPosition().value_or(-9), -1.0); // before step 0
    // Zoomed to steps 40..60, the cursor at step 10 is out of sight.
    f.panel.setStepRange(40, 60);
    f.panel.waitForSeries();
    QVERIFY(!f.panel.cursorPosition());
    f.doc.setPosition(50);
    QCOMPARE(f.panel.cursorPosition().value_or(-9), 49.0);
}

void TestChartsPanel::histogramAtStep()
{
    Fixture f;
    f.panel.setCurrentChart(ChartsPanel::FreeExtentSizes);
    const std::uint16_t r = f.panel.region();
    const std::uint64_t pages = f.doc.state().regions[r].occupancy.pages();
    const auto buckets = qsizetype(std::bit_width(pages)); // orders 0 .. floor(log2(pages))

    // Before the first step the region is one free extent: one bar, in the bucket of the whole region.
    f.doc.setPosition(0);
    QCOMPARE(f.panel.histogramCategories().size(), buckets);
    QCOMPARE(f.panel.histogramCategories().front(), QStringLiteral("4 KiB"));
    QList<qreal> expected(buckets, 0.0);
    expected.back() = 1;
    QCOMPARE(f.panel.histogramValues(), expected);

    // At a busy step: every free run counted once, in the bucket of its length.
    std::size_t busiest = 0;
    for (std::size_t i = 0; i < f.sim().stepCount(); ++i)
        if (f.sim().records()[i].region == r && f.sim().records()[i].freeRuns > f.sim().records()[busiest].freeRuns)
            busiest = i;
    QVERIFY(f.sim().records()[busiest].freeRuns >= 2);
    f.doc.setPosition(busiest + 1);
    expected.fill(0.0);
    for (const auto& [offset, length] : f.doc.state().regions[r].occupancy.runs())
        expected[std::bit_width(length) - 1] += 1;
    QCOMPARE(f.panel.histogramValues(), expected);
    qreal total = 0;
    for (qreal v : f.panel.histogramValues())
        total += v;
    QCOMPARE(total, qreal(f.sim().records()[busiest].freeRuns));
}

void TestChartsPanel::usageAtStep()
{
    Fixture f;
    const std::uint16_t r = f.panel.region();
    // Moved while another tab is shown, then reached through the histogram's tab: up to date.
    f.panel.setCurrentChart(ChartsPanel::UsageOverSteps);
    f.doc.setPosition(45);
    f.panel.setCurrentChart(ChartsPanel::FreeExtentSizes);
    f.panel.setCurrentChart(ChartsPanel::UsageByOwner);
    QVERIFY(f.doc.state().regions[r].occupancy.usedPages() > 0);
    QVERIFY(!f.panel.usageValues().isEmpty());
    for (std::size_t p : { std::size_t(0), std::size_t(20), std::size_t(45), f.sim().stepCount() }) {
        f.doc.setPosition(p);
        qreal sum = 0;
        for (qreal v : f.panel.usageValues())
            sum += v;
        QCOMPARE(sum + 1.0, double(f.doc.state().regions[r].occupancy.usedPages()) * f.mibPerPage() + 1.0);
        // Largest first, and devices of the scenario.
        const auto values = f.panel.usageValues();
        for (qsizetype i = 1; i < values.size(); ++i)
            QVERIFY(values[i - 1] >= values[i]);
        for (const QString& name : f.panel.usageCategories())
            QVERIFY2(name.startsWith(QStringLiteral("s3c-")), qPrintable(name));
    }
    f.panel.setGrouping(ChartsPanel::Grouping::ByKind);
    QVERIFY(!f.panel.usageCategories().isEmpty() || f.doc.state().regions[r].live.empty());
    for (const QString& name : f.panel.usageCategories())
        QVERIFY2(
            QStringList({ QStringLiteral("f"), QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("(no kind)") })
                .contains(name),
            qPrintable(name));
}

void TestChartsPanel::rubberBandSelectsRange()
{
    Fixture f;
    f.panel.setCurrentChart(ChartsPanel::UsageOverSteps);
    QSignalSpy range(&f.panel, &ChartsPanel::stepRangeSelected);
    QWidget* target = mouseTarget(f.panel, ChartsPanel::UsageOverSteps);
    const QPoint from = f.panel.chartPoint(ChartsPanel::UsageOverSteps, 20);
    const QPoint to = f.panel.chartPoint(ChartsPanel::UsageOverSteps, 40);
    QVERIFY(to.x() - from.x() > 50);
    QTest::mousePress(target, Qt::LeftButton, {}, from);
    QTest::mouseMove(target, (from + to) / 2);
    QTest::mouseMove(target, to);
    QTest::mouseRelease(target, Qt::LeftButton, {}, to);
    QCOMPARE(range.count(), 1);
    const auto first = range.at(0).at(0).value<std::size_t>();
    const auto last = range.at(0).at(1).value<std::size_t>();
    QCOMPARE(first, std::size_t(21)); // positions: from the state after step 20 to the one after step 40
    QCOMPARE(last, std::size_t(41));
    QCOMPARE(f.doc.position(), first);
    QCOMPARE(f.doc.currentStep().value_or(0), std::size_t(20));
    QVERIFY(f.panel.isZoomed());
    f.panel.waitForSeries();
    QCOMPARE(f.panel.series()->first, first);
    QCOMPARE(f.panel.series()->last, last);
    QCOMPARE(f.panel.plotPoints(ChartsPanel::UsedPlot).front().x(), 20.0);
    QCOMPARE(f.panel.plotPoints(ChartsPanel::UsedPlot).back().x(), 40.0);

    // Dragging from right to left selects the same way, inside the zoomed range.
    const QPoint a = f.panel.chartPoint(ChartsPanel::UsageOverSteps, 35);
    const QPoint b = f.panel.chartPoint(ChartsPanel::UsageOverSteps, 25);
    QTest::mousePress(target, Qt::LeftButton, {}, a);
    QTest::mouseMove(target, b);
    QTest::mouseRelease(target, Qt::LeftButton, {}, b);
    QCOMPARE(range.count(), 2);
    QCOMPARE(range.at(1).at(0).value<std::size_t>(), std::size_t(26));
    QCOMPARE(range.at(1).at(1).value<std::size_t>(), std::size_t(36));
    QCOMPARE(f.doc.position(), std::size_t(26));

    // Double-click shows the whole run again, without a range signal.
    f.panel.waitForSeries();
    QTest::mouseDClick(target, Qt::LeftButton, {}, f.panel.chartPoint(ChartsPanel::UsageOverSteps, 30));
    f.panel.waitForSeries();
    QVERIFY(!f.panel.isZoomed());
    QCOMPARE(f.panel.series()->first, std::size_t(0));
    QCOMPARE(f.panel.series()->last, f.sim().stepCount());
    QCOMPARE(range.count(), 2);
}

void TestChartsPanel::clickMovesPosition()
{
    Fixture f;
    f.panel.setCurrentChart(ChartsPanel::FragmentationOverSteps);
    QSignalSpy range(&f.panel, &ChartsPanel::stepRangeSelected);
    QWidget* target = mouseTarget(f.panel, ChartsPanel::FragmentationOverSteps);
    const QPoint at = f.panel.chartPoint(ChartsPanel::FragmentationOverSteps, 57);
    QTest::mouseClick(target, Qt::LeftButton, {}, at);
    QCOMPARE(f.doc.currentStep().value_or(0), std::size_t(57)); // clicking step 57 makes it current
    QCOMPARE(f.panel.cursorPosition().value_or(-9), 57.0);
    QCOMPARE(range.count(), 0);
    QVERIFY(!f.panel.isZoomed());
}

void TestChartsPanel::exportImages()
{
    Fixture f;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (int c = 0; c < ChartsPanel::ChartCount; ++c) {
        f.panel.setCurrentChart(ChartsPanel::Chart(c));
        f.doc.setPosition(f.sim().stepCount() / 2 + std::size_t(c)); // the at-step charts show something
        const QString png = dir.filePath(QStringLiteral("chart%1.png").arg(c));
        QVERIFY(f.panel.exportImage(png));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 200 && image.height() >= 150);
        QVERIFY2(distinctColours(image) > 8, qPrintable(png)); // not blank: axes, text, lines

        const QString svg = dir.filePath(QStringLiteral("chart%1.svg").arg(c));
        QVERIFY(f.panel.exportImage(svg));
        QFile file(svg);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.contains("<svg"));
        QVERIFY(text.contains("<path") || text.contains("<polyline"));
    }
    // Also when the panel is not on screen (a closed dock).
    f.panel.hide();
    f.panel.setCurrentChart(ChartsPanel::UsageOverSteps);
    const QString hidden = dir.filePath(QStringLiteral("hidden.png"));
    QVERIFY(f.panel.exportImage(hidden));
    QVERIFY(distinctColours(QImage(hidden)) > 8);
    QVERIFY(!f.panel.exportImage(dir.filePath(QStringLiteral("no/such/dir/x.png"))));
}

void TestChartsPanel::darkPalette()
{
    Fixture f;
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x20, 0x22, 0x25));
    dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Base, QColor(0x18, 0x18, 0x18));
    dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    f.panel.setPalette(dark);
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("dark.png"));
    QVERIFY(f.panel.exportImage(png));
    const QImage image(png);
    // Background dark, and light pixels (labels) on it.
    QVERIFY(QColor(image.pixel(2, 2)).lightness() < 60);
    int light = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            light += QColor(image.pixel(x, y)).lightness() > 180;
    QVERIFY2(light > 200, qPrintable(QString::number(light)));
}

void TestChartsPanel::rerunKeepsRegion()
{
    Fixture f;
    std::uint16_t other = kNoRegion;
    for (std::uint16_t i = 0; i < f.sim().platform().regions.size(); ++i)
        if (i != f.panel.region() && f.sim().platform().regions[i].size > 0)
            other = i;
    f.panel.setRegion(other);
    f.panel.waitForSeries();
    // An edit reruns the scenario; the chosen region stays.
    Platform pf = f.doc.project().platform;
    pf.description += " (edited)";
    f.doc.editPlatform(pf, QStringLiteral("edit"));
    QVERIFY(!f.panel.series());
    f.doc.waitForRun();
    f.panel.waitForSeries();
    QCOMPARE(f.panel.region(), other);
    QVERIFY(f.panel.series());
    QCOMPARE(f.panel.series()->region, other);
}

QTEST_MAIN(TestChartsPanel)
#include "tst_chartspanel.moc"
