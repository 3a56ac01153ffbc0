// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map of real kernel captures (docs/map-traces.md): what the bitmap holds at order_per_bit 9
// (k612-hugetlb-opb9), the busy windows of a request at its step (k612-busy-retry), and task colours that
// stay the same at every step.
#include "common/document.h"
#include "map/legendwidget.h"
#include "map/mapbusy.h"
#include "map/mapcontent.h"
#include "map/mapgeometry.h"
#include "map/mapstyle.h"
#include "map/memorymapwidget.h"
#include "support/captures.h"
#include "support/platforms.h"

#include <cmascope/plan/placement.h>
#include <cmascope/replay/replay.h>

#include <QImage>
#include <QMap>
#include <QSet>
#include <QTest>

#include <memory>
#include <span>

using namespace cmascope;
using namespace cmascope::views;

namespace {

/// The replay of a capture with its boot log, shared as the app keeps it.
std::shared_ptr<const ReplayResult> replayCapture(const QByteArray& capture, const ReplayOptions& options = {})
{
    const auto dir = test::captureDir(capture);
    ReplayFileResult r = replayTraceFile(test::traceFile(dir), test::bootInputs(dir), options);
    if (!r.ok() || !r.result.error.empty())
        qFatal("%s%s", r.error.c_str(), r.result.error.c_str());
    return std::make_shared<const ReplayResult>(std::move(r.result));
}

/// A Document showing @p replay, its run finished.
void open(Document& doc, const std::shared_ptr<const ReplayResult>& replay, const QByteArray& capture)
{
    doc.setProject(replayProject(*replay, capture.toStdString()), {}, Document::StartAt::FirstStep, replay);
    doc.waitForRun();
}

/// The scenario step of the first failed request with busy retries (nullopt: none).
std::optional<std::size_t> firstBusyFailure(const ReplayResult& replay)
{
    for (std::size_t step = 0; step < replay.timeline.size(); ++step)
        if (const ReplayRequest* q = replay.requestAtStep(step); q && !q->succeeded && q->busyRetries > 0)
            return step;
    return std::nullopt;
}

int regionNamed(const MapContent& c, const QString& name)
{
    for (int i = 0; i < c.regions.size(); ++i)
        if (c.regions[i].name == name)
            return i;
    return -1;
}

} // namespace

class TestMapTraces : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opb9ChunksHoldWholeBits();
    void busyWindowsAtTheFailingStepOnly();
    void busyWindowsMarkedAtFitAll();
    void taskColoursStableAcrossSteps();
    void multiRangeTracksAdjacent();
};

void TestMapTraces::opb9ChunksHoldWholeBits()
{
    // The bitmap's used pages (debugfs `used`: set bits << order_per_bit) at every checkpoint marker.
    QMap<std::uint32_t, std::uint64_t> usedAtMarker;
    ReplayOptions options;
    options.onMarker = [&](const ReplayMarker& m, std::span<const ReplayAreaResult> areas) {
        for (const auto& a : areas)
            if (a.area.name == "hugetlb0")
                usedAtMarker.insert(m.line, a.state.usedBitPages());
    };
    const auto replay = replayCapture("k612-hugetlb-opb9", options);
    const ReplayAreaResult* area = replay->findArea("hugetlb0");
    QVERIFY(area);
    QCOMPARE(area->area.orderPerBit, 9u);
    Document doc;
    open(doc, replay, "k612-hugetlb-opb9");
    MemoryMapWidget map;
    LegendWidget legend(&map);
    map.setDocument(&doc);
    int rounded = 0, markersCompared = 0;
    for (std::size_t step = 0; step < replay->timeline.size(); ++step) {
        doc.setCurrentStep(step);
        const MapContent& c = map.content();
        const int ri = regionNamed(c, QStringLiteral("hugetlb0"));
        QVERIFY(ri >= 0);
        const MapRegion& r = c.regions[ri];
        QCOMPARE(r.orderPerBit, 9u);
        const std::uint64_t bit = 512 * r.pageSize;
        std::uint64_t held = 0;
        for (int i = r.firstChunk; i < r.firstChunk + r.chunkCount; ++i) {
            const MapChunk& ch = c.chunks[i];
            QVERIFY2(ch.size % bit == 0 && (ch.base - r.base) % bit == 0, "a chunk covers whole bitmap bits");
            QVERIFY(ch.requested > 0 && ch.requested <= ch.size && ch.size - ch.requested < bit);
            held += ch.size / r.pageSize;
            if (ch.requested == ch.size) {
                QVERIFY(c.heldText(i).isEmpty());
                continue;
            }
            ++rounded;
            QCOMPARE(c.heldText(i),
                QStringLiteral("requested %1 pages, bitmap holds %2 pages (order_per_bit 9)")
                    .arg(ch.requested / r.pageSize)
                    .arg(ch.size / r.pageSize));
            QVERIFY(legend.entries().contains(LegendWidget::heldEntry()));
        }
        QCOMPARE(std::uint64_t(doc.state().regions[std::size_t(ri)].occupancy.usedPages()), held);
        // The map's used pages are the bitmap's: what debugfs `used` says at each checkpoint.
        if (replay->timeline[step].kind == TimelineEntry::Marker) {
            const std::uint32_t line = replay->markers[replay->timeline[step].index].line;
            if (usedAtMarker.contains(line)) {
                QCOMPARE(held, usedAtMarker.value(line));
                ++markersCompared;
            }
        }
    }
    QVERIFY2(rounded > 0, "the capture has allocations smaller than a bit");
    QVERIFY(markersCompared > 0);
    QCOMPARE(std::uint64_t(doc.state().regions[0].occupancy.usedPages() + doc.state().regions[1].occupancy.usedPages()),
        replay->areas[0].state.usedBitPages() + replay->areas[1].state.usedBitPages());
}

void TestMapTraces::busyWindowsAtTheFailingStepOnly()
{
    const auto replay = replayCapture("k612-busy-retry");
    const auto failing = firstBusyFailure(*replay);
    QVERIFY(failing);
    const ReplayRequest& q = *replay->requestAtStep(*failing);
    QCOMPARE(q.errorno, std::int16_t(-16));
    Document doc;
    open(doc, replay, "k612-busy-retry");
    MemoryMapWidget map;
    LegendWidget legend(&map);
    map.setDocument(&doc);
    doc.setCurrentStep(*failing);
    const MapContent& c = map.content();
    QCOMPARE(qsizetype(c.busy.size()), qsizetype(q.busyRetries));
    QVERIFY(q.busyRetries >= 2);
    // the caption names the proved cause, not the simulator's "pinned pages"
    QVERIFY2(c.ghostText.startsWith(QStringLiteral("failed (busy): 512 pages needed")), qPrintable(c.ghostText));
    const auto windows = replay->busyWindowsOf(std::size_t(&q - replay->requests.data()));
    const QString areaName = QString::fromStdString(replay->areas[q.area].area.name);
    for (int i = 0; i < c.busy.size(); ++i) {
        const MapBusyWindow& w = c.busy[i];
        QCOMPARE(c.regions[w.region].name, areaName);
        QCOMPARE(w.base, windows[std::size_t(i)].pfn * c.regions[w.region].pageSize);
        QCOMPARE(w.size, q.count * c.regions[w.region].pageSize);
        QCOMPARE(w.line, windows[std::size_t(i)].line);
    }
    const MapBusyWindow& first = c.busy.front();
    const QString tip = busyWindowText(c, first.region, first.base);
    QVERIFY2(
        tip.startsWith(
            QStringLiteral("busy: pages %1–").arg(QString::number(windows[0].pfn, 16).prepend(QStringLiteral("0x")))),
        qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("could not be migrated (line %1, t=").arg(first.line)), qPrintable(tip));
    QVERIFY(busyWindowText(c, first.region, c.regions[first.region].base + c.regions[first.region].size - 1).isEmpty()
        || c.busy.back().base + c.busy.back().size == c.regions[first.region].base + c.regions[first.region].size);
    QVERIFY(legend.entries().contains(LegendWidget::busyEntry()));
    // The step before it, and a request without retries: no overlay, no legend entry.
    doc.setCurrentStep(*failing - 1);
    QVERIFY(map.content().busy.isEmpty() || replay->requestAtStep(*failing - 1)->busyRetries > 0);
    for (std::size_t step = 0; step < replay->timeline.size(); ++step)
        if (const ReplayRequest* other = replay->requestAtStep(step); other && other->busyRetries == 0) {
            doc.setCurrentStep(step);
            QVERIFY(map.content().busy.isEmpty());
            QVERIFY(!legend.entries().contains(LegendWidget::busyEntry()));
            break;
        }
}

void TestMapTraces::busyWindowsMarkedAtFitAll()
{
    const auto replay = replayCapture("k612-busy-retry");
    const auto failing = firstBusyFailure(*replay);
    QVERIFY(failing);
    Document doc;
    open(doc, replay, "k612-busy-retry");
    MemoryMapWidget map;
    map.resize(900, 320);
    map.setDocument(&doc);
    doc.setCurrentStep(*failing);
    map.fitAll();
    const MapContent& c = map.content();
    QVERIFY(!c.busy.isEmpty());
    const MapGeometry geometry(c, map.mapAxis(), MapLayout::Linear, map.size(), map.leftMargin());
    const int ri = c.busy.front().region;
    const MapRegion& r = c.regions[ri];
    QVERIFY2(
        geometry.axis().bytesPerPixel(ri, r.base) > double(r.pageSize), "at fit-all a page is narrower than a pixel");
    const QImage image = map.grab().toImage();
    const MapStyle style(map.palette());
    const int y = int(geometry.trackRect(geometry.trackOfRegion(ri)).top() + geometry.chunkTop() - 3);
    for (const MapBusyWindow& w : c.busy) {
        const int x = int(geometry.xFor(ri, w.base) + 0.5);
        QCOMPARE(image.pixelColor(x, y).rgb(), style.busy.rgb());
    }
}

void TestMapTraces::taskColoursStableAcrossSteps()
{
    // k61-nvme: the stock nvme driver's kworkers allocate and free queues in turn, so tasks swap places.
    const auto replay = replayCapture("k61-nvme");
    Document doc;
    open(doc, replay, "k61-nvme");
    MemoryMapWidget map;
    map.setDocument(&doc);
    // At every step: each live task's legend colour, and which task's chunks come before which by
    // address (the order the map once numbered owners in, so colours swapped).
    QMap<QString, QColor> colourOf;
    QSet<QString> before; // "A\nB": a chunk of A comes before every chunk of B at some step
    bool swapped = false;
    for (std::size_t step = 0; step < doc.simulation()->stepCount(); ++step) {
        doc.setCurrentStep(step);
        const MapContent& c = map.content();
        const auto legend = map.legend();
        QCOMPARE(legend.size(), c.owners.size());
        QStringList order;
        for (const MapChunk& ch : c.chunks) {
            const QString task = c.owners[ch.owner];
            QCOMPARE(legend[ch.owner].first, task);
            if (colourOf.contains(task))
                QCOMPARE(legend[ch.owner].second, colourOf.value(task));
            colourOf.insert(task, legend[ch.owner].second);
            if (!order.contains(task))
                order << task;
        }
        for (int i = 0; i < order.size(); ++i)
            for (int j = i + 1; j < order.size(); ++j) {
                before.insert(order[i] + QLatin1Char('\n') + order[j]);
                swapped = swapped || before.contains(order[j] + QLatin1Char('\n') + order[i]);
            }
    }
    QVERIFY2(colourOf.size() >= 3, "the capture has several tasks");
    QVERIFY2(swapped, "two tasks come in both orders by address at different steps");
}

QTEST_MAIN(TestMapTraces)
/// On the per-area axis the later ranges of a multi-range area follow its track (docs/kernel-cma.md), in a placed
/// platform (Region::rangeOf) and in a replay ("<area> range <N>"), though their regions come after every area.
void TestMapTraces::multiRangeTracksAdjacent()
{
    const auto tracksOf = [](const MapContent& c) {
        MapAxis axis;
        axis.setContent(c, AxisMode::PerArea);
        const MapGeometry g(c, axis, MapLayout::Linear, QSizeF(1200, 600));
        QStringList names;
        for (int t = 0; t < int(g.tracks().size()); ++t)
            names << g.trackName(t);
        return names;
    };
    Platform placed = test::loadDemo("hugetlb-multirange.json").platform;
    QVERIFY(placeRegions(placed).ok());
    QCOMPARE(placed.regions.back().name, std::string("hugetlb0 range 1"));
    const QStringList planned = tracksOf(MapContent::fromPlatform(placed));
    QCOMPARE(planned.indexOf(QStringLiteral("hugetlb0 range 1")), planned.indexOf(QStringLiteral("hugetlb0")) + 1);
    QCOMPARE(planned.size(), qsizetype(placed.regions.size()));

    const auto dir = test::captureDir("k72-hugetlb-multirange");
    ReplayInputs in = test::bootInputs(dir);
    in.areaSpecs.push_back(std::get<AreaSpec>(parseAreaSpec("hugetlb0=0x100000+262144,0x180000+262144/9")));
    const ReplayFileResult r = replayTraceFile(test::traceFile(dir), in);
    QVERIFY(r.ok());
    const QStringList replayed = tracksOf(MapContent::fromPlatform(r.result.platform));
    QCOMPARE(replayed,
        (QStringList { QStringLiteral("reserved"), QStringLiteral("hugetlb0"), QStringLiteral("hugetlb0 range 1") }));
}

#include "tst_maptraces.moc"
