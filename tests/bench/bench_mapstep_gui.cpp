// SPDX-License-Identifier: GPL-2.0-or-later
// Stepping cost with a big live state (issue "desktop app"): a scenario that leaves 100 000 chunks
// live in a 2 GiB kernel-policy region, then frees them one by one. For steps near the end of the
// allocations it measures, per step:
//   - Document::setPosition(n + 1) with a memory map attached (state update + map content rebuild),
//   - MapContent::fromSimulation() alone (the rebuild from the live state),
//   - one repaint at 1920x1080,
//   - a random jump (stateAt from the nearest checkpoint + rebuild).
// Prints milliseconds; asserts nothing. Runs offscreen (QT_QPA_PLATFORM=offscreen unless set).
#include "benchutil.h"
#include "common/document.h"
#include "map/mapcontent.h"
#include "map/memorymapwidget.h"
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
    const int live = test::sizeArgument(argc, argv, 100000);

    Project p;
    p.platform = bench::benchBoard(2 * GiB);
    p.platform.rules.push_back({ { "*" }, { "cma" } });
    Scenario sc;
    sc.name = "fill";
    std::mt19937 rng(7);
    for (int i = 0; i < live; ++i)
        sc.allocate("dev" + std::to_string(rng() % 16), "", (1 + rng() % 4) * 4096, "c" + std::to_string(i));
    for (int i = 0; i < live; ++i)
        sc.free("c" + std::to_string(i));
    p.scenarios.push_back(std::move(sc));

    Document doc;
    QElapsedTimer t;
    t.start();
    doc.setProject(std::move(p));
    doc.waitForRun();
    if (!doc.simulation()) {
        std::fprintf(stderr, "run failed: %s\n", qPrintable(doc.runError()));
        return 1;
    }
    std::printf("cmascope stepping with a big live state: %d allocations then %d frees (%zu steps), run in %.0f ms\n\n",
        live, live, doc.stepCount(), double(t.nsecsElapsed()) / 1e6);

    MemoryMapWidget w;
    w.resize(1920, 1080);
    w.setDocument(&doc);
    doc.setPosition(std::size_t(live));
    w.zoomToRegions();
    std::printf("live chunks at step %d: %lld\n", live, qlonglong(w.content().chunks.size()));
    QImage target(1920, 1080, QImage::Format_ARGB32_Premultiplied);

    const int n = 50;
    // Stepping forward through the frees, then back: each setPosition rebuilds the map content.
    t.restart();
    for (int i = 0; i < n; ++i)
        doc.setPosition(std::size_t(live) + std::size_t(i) + 1);
    const double forward = double(t.nsecsElapsed()) / 1e6 / n;
    t.restart();
    for (int i = n; i > 0; --i)
        doc.setPosition(std::size_t(live) + std::size_t(i) - 1);
    const double backward = double(t.nsecsElapsed()) / 1e6 / n;
    t.restart();
    for (int i = 0; i < n; ++i) {
        const MapContent c = MapContent::fromSimulation(*doc.simulation(), doc.state());
        if (c.chunks.isEmpty())
            return 1;
    }
    const double rebuild = double(t.nsecsElapsed()) / 1e6 / n;
    t.restart();
    for (int i = 0; i < n; ++i) {
        QPainter painter(&target);
        w.render(&painter);
    }
    const double paint = double(t.nsecsElapsed()) / 1e6 / n;
    std::uniform_int_distribution<std::size_t> any(0, doc.stepCount());
    t.restart();
    for (int i = 0; i < n; ++i)
        doc.setPosition(any(rng));
    const double jump = double(t.nsecsElapsed()) / 1e6 / n;

    std::printf("%-52s %8.2f ms\n", "step forward (setPosition + map rebuild)", forward);
    std::printf("%-52s %8.2f ms\n", "step back (setPosition + map rebuild)", backward);
    std::printf("%-52s %8.2f ms\n", "MapContent::fromSimulation alone", rebuild);
    std::printf("%-52s %8.2f ms\n", "repaint 1920x1080, zoomed to the region", paint);
    std::printf("%-52s %8.2f ms\n", "random jump (stateAt + map rebuild)", jump);
    return 0;
}
