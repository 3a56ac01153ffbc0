// SPDX-License-Identifier: GPL-2.0-or-later
// Memory-map painting benchmark (issue "desktop app"): a map with 100 000 live chunks repainted at
// 1920x1080, at several zoom levels, in both layouts. Prints milliseconds per repaint; asserts nothing.
// Runs offscreen (QT_QPA_PLATFORM=offscreen is set if no platform is given).
#include "map/mapcontent.h"
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

int main(int argc, char** argv)
{
    test::preferOffscreenPlatform();
    QApplication app(argc, argv);
    const int chunks = test::sizeArgument(argc, argv, 100000);

    // One 4 GiB bank, one 2 GiB region, `chunks` live chunks of 1..4 pages with gaps, 16 owners.
    MapContent c = test::oneRegionMap(4 * GiB, 2 * GiB);
    c.regions[0].policy = QStringLiteral("kernel");
    const MapRegion r = c.regions[0];
    std::mt19937 rng(1);
    std::uint64_t at = r.base;
    for (int i = 0; i < chunks && at < r.base + r.size; ++i) {
        const std::uint64_t pages = 1 + rng() % 4;
        c.chunks.push_back({ at, pages * 4096, 0, int(rng() % 16), 0, quint32(i) });
        at += (pages + rng() % 3) * 4096;
    }
    c.regions[0].chunkCount = int(c.chunks.size());
    for (int i = 0; i < 16; ++i)
        c.owners.push_back(QStringLiteral("dev%1").arg(i));

    MemoryMapWidget w;
    w.resize(1920, 1080);
    w.setContent(c);
    QImage target(1920, 1080, QImage::Format_ARGB32_Premultiplied);
    auto timeRepaints = [&](const char* what) {
        QElapsedTimer t;
        const int n = 30;
        t.start();
        for (int i = 0; i < n; ++i) {
            QPainter p(&target);
            w.render(&p);
        }
        std::printf("%-44s %8.2f ms per repaint\n", what, double(t.nsecsElapsed()) / 1e6 / n);
    };
    std::printf("cmascope map painting: %lld live chunks, 1920x1080, offscreen raster\n\n", qlonglong(c.chunks.size()));
    w.fitAll();
    timeRepaints("linear, fit all (LOD columns)");
    w.zoomToRegion(0);
    timeRepaints("linear, zoomed to the region (LOD columns)");
    for (int i = 0; i < 8; ++i)
        w.zoomIn();
    timeRepaints("linear, 256x zoom (individual chunks)");
    w.setLayoutMode(MemoryMapWidget::Layout::Grid);
    timeRepaints("grid layout (one cell per page group)");
    return 0;
}
