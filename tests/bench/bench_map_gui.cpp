// SPDX-License-Identifier: GPL-2.0-or-later
// Memory-map painting benchmark (issues "desktop app" and "memory map"): maps with 100 000 live chunks
// repainted at 1920x1080 on every axis mode (physical, compact, per area), at several zoom levels, in both
// layouts, with the overview strip. Prints milliseconds per repaint next to the 16 ms target; asserts nothing.
// Runs offscreen (QT_QPA_PLATFORM=offscreen is set if no platform is given).
#include "map/mapcontent.h"
#include "map/mapoverview.h"
#include "map/memorymapwidget.h"
#include "support/mapcontents.h"
#include "support/offscreen.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>

#include <cstdio>
#include <random>

using namespace cmascope;
using namespace cmascope::views;

namespace {
constexpr double kTargetMs = 16.0;

/// Fills every region of @p c with live chunks of 1..4 pages and small gaps, `chunks` in all, shared out by size.
void fillChunks(MapContent& c, int chunks)
{
    std::mt19937 rng(1);
    std::uint64_t total = 0;
    for (const auto& r : c.regions)
        total += r.size;
    for (auto& r : c.regions) {
        r.policy = QStringLiteral("kernel");
        r.firstChunk = int(c.chunks.size());
        const int mine = std::max(1, int(double(chunks) * double(r.size) / double(total)));
        std::uint64_t at = r.base;
        for (int i = 0; i < mine && at < r.base + r.size; ++i) {
            const std::uint64_t pages = 1 + rng() % 4;
            c.chunks.push_back(
                { at, pages * 4096, int(&r - c.regions.data()), int(rng() % 16), 0, quint32(c.chunks.size()) });
            at += (pages + rng() % 3) * 4096;
        }
        r.chunkCount = int(c.chunks.size()) - r.firstChunk;
    }
    for (int i = 0; i < 16; ++i)
        c.owners.push_back(QStringLiteral("dev%1").arg(i));
}

void timeRepaints(QWidget& w, const char* what)
{
    QImage target(w.size(), QImage::Format_ARGB32_Premultiplied);
    QElapsedTimer t;
    const int n = 30;
    t.start();
    for (int i = 0; i < n; ++i) {
        QPainter p(&target);
        w.render(&p);
    }
    const double ms = double(t.nsecsElapsed()) / 1e6 / n;
    std::printf("%-58s %8.2f ms per repaint  (target <= %.0f ms)\n", what, ms, kTargetMs);
}

void benchAxes(MemoryMapWidget& w, const char* name)
{
    for (const AxisMode mode : { AxisMode::Physical, AxisMode::Compact, AxisMode::PerArea }) {
        w.setAxisMode(mode);
        const QByteArray label = QByteArray(name) + ", " + MapAxis::modeName(mode).toUtf8();
        w.fitAll();
        timeRepaints(w, QByteArray(label + ", fit all (LOD columns)").constData());
        for (int i = 0; i < 8; ++i)
            w.zoomIn();
        timeRepaints(w, QByteArray(label + ", 256x zoom (individual chunks)").constData());
    }
}
} // namespace

int main(int argc, char** argv)
{
    test::preferOffscreenPlatform();
    QApplication app(argc, argv);
    const int chunks = test::sizeArgument(argc, argv, 100000);

    // One 4 GiB bank, one 2 GiB region: `chunks` live chunks of 1..4 pages with gaps, 16 owners.
    MapContent one = test::oneRegionMap(4 * GiB, 2 * GiB);
    fillChunks(one, chunks);
    // The areas of a NUMA capture (16 MiB, 8 MiB, 1 GiB, 1 GiB, far apart), the same number of chunks.
    MapContent numa = test::numaAreasMap();
    fillChunks(numa, chunks);

    MemoryMapWidget w;
    w.resize(1920, 1080);
    std::printf("cmascope map painting: %lld and %lld live chunks, 1920x1080, offscreen raster\n\n",
        qlonglong(one.chunks.size()), qlonglong(numa.chunks.size()));
    w.setContent(one);
    w.zoomToRegion(0);
    timeRepaints(w, "one region, physical, zoomed to the region (LOD columns)");
    benchAxes(w, "one region");
    w.setContent(numa);
    benchAxes(w, "numa areas");
    w.setLayoutMode(MemoryMapWidget::Layout::Grid);
    w.setContent(one);
    timeRepaints(w, "one region, grid layout (one cell per page group)");
    w.setLayoutMode(MemoryMapWidget::Layout::Linear);
    MapOverview overview(&w);
    overview.resize(1920, MapOverview::kHeight);
    w.setContent(numa);
    timeRepaints(overview, "overview strip, numa areas (every chunk, LOD columns)");
    return 0;
}
