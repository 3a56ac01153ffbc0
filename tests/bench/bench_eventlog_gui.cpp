// SPDX-License-Identifier: GPL-2.0-or-later
// Event-log filter and sort cost (issue 10: "the GUI thread must never block on work that grows with the
// input"). A trace-like run of N steps (default 1 000 000: allocations by 16 devices of 4 kinds with unique
// labels, a FIFO of frees, failures when the 80 MiB region is too fragmented, a phase marker every 10 000 steps, a time
// for every step) is shown through StepTableModel + StepFilterProxy in a 1280x400 QTableView with a current
// row, like the app's event log. Each change (typing into the text filter, the outcome, device and region
// filters, sorting by each column) is timed from the call until the view has handled the change and
// repainted. Prints milliseconds and the rows shown; asserts nothing. Runs offscreen.
//   bench_eventlog_gui [STEPS] [all|filters|text|choices|sorts]   (filters = text + choices)
#include "benchutil.h"
#include "common/document.h"
#include "eventlog/steptablemodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QTableView>

#include <cstdio>
#include <cstring>
#include <functional>
#include <random>

using namespace cmascope;
using namespace cmascope::views;

namespace {

Project traceLike(std::size_t steps)
{
    Project p;
    p.platform = bench::benchBoard(80 * MiB);
    for (const char* k : { "video", "camera", "gpu", "dma" })
        p.platform.kinds.push_back({ k, {} });
    p.platform.rules.push_back({ { "*", "*/*" }, { "cma" } });
    Scenario sc;
    sc.name = "trace-like";
    std::mt19937 rng(10);
    const char* kinds[] = { "video", "camera", "gpu", "dma" };
    std::size_t next = 0, oldest = 0;
    std::uint64_t t = 1000000000ull;
    while (sc.steps.size() < steps) {
        if (sc.steps.size() % 10000 == 0)
            sc.phase("phase " + std::to_string(sc.steps.size() / 10000));
        else if (next - oldest >= 64 || (next > oldest && rng() % 2))
            sc.free("buf" + std::to_string(oldest++));
        else
            sc.allocate("dev" + std::to_string(rng() % 16), kinds[rng() % 4], (1 + rng() % 2048) * 4096,
                "buf" + std::to_string(next++), rng() % 8 == 0 ? 64 * KiB : 0);
        t += 1 + rng() % 50000;
        sc.timesNs.push_back(t);
    }
    p.scenarios.push_back(std::move(sc));
    return p;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const std::size_t steps = argc > 1 ? std::size_t(std::atoll(argv[1])) : 1000000;
    const char* which = argc > 2 ? argv[2] : "all";

    Document doc;
    QElapsedTimer timer;
    timer.start();
    doc.setProject(traceLike(steps));
    doc.waitForRun();
    if (!doc.simulation()) {
        std::fprintf(stderr, "run failed: %s\n", qPrintable(doc.runError()));
        return 1;
    }
    std::printf("cmascope event log: %zu steps (%llu failed), run in %.0f ms\n\n", doc.stepCount(),
        static_cast<unsigned long long>(doc.simulation()->summary().failures), double(timer.nsecsElapsed()) / 1e6);

    StepTableModel model(&doc);
    StepFilterProxy proxy;
    proxy.setSourceModel(&model);
    QTableView view;
    view.setModel(&proxy);
    view.setSelectionBehavior(QAbstractItemView::SelectRows);
    view.verticalHeader()->setVisible(false);
    view.resize(1280, 400);
    view.show();
    // The current row: a request by dev1 half-way through, which every text filter below except the last
    // few keeps.
    int currentRow = int(steps / 2);
    while (currentRow + 1 < proxy.rowCount()
        && proxy.index(currentRow, StepTableModel::DeviceColumn).data().toString() != QStringLiteral("dev1"))
        ++currentRow;
    const QPersistentModelIndex current = model.index(currentRow, 0);
    view.setCurrentIndex(proxy.mapFromSource(current));
    view.scrollTo(proxy.mapFromSource(current));
    QCoreApplication::processEvents();

    auto measure = [&](const char* what, const std::function<void()>& change) {
        timer.restart();
        change();
        QCoreApplication::processEvents();
        view.viewport()->repaint();
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        const QModelIndex cur = proxy.mapToSource(view.currentIndex());
        std::printf("%-44s %10.1f ms  %8d rows  current step %d\n", what, ms, proxy.rowCount(), cur.row());
        std::fflush(stdout);
    };
    auto mode = [&](const char* m) { return std::strcmp(which, m) == 0; };
    const bool text = mode("all") || mode("filters") || mode("text");
    const bool choices = mode("all") || mode("filters") || mode("choices");
    const bool sorts = mode("all") || mode("sorts");
    if (text) {
        measure("text \"d\" (first character typed)", [&] { proxy.setTextFilter(QStringLiteral("d")); });
        measure("text \"de\"", [&] { proxy.setTextFilter(QStringLiteral("de")); });
        measure("text \"dev1\"", [&] { proxy.setTextFilter(QStringLiteral("dev1")); });
        measure("text \"dev\" (backspace)", [&] { proxy.setTextFilter(QStringLiteral("dev")); });
        measure("text \"buf12345\"", [&] { proxy.setTextFilter(QStringLiteral("buf12345")); });
        measure("text \"0x4\" (addresses)", [&] { proxy.setTextFilter(QStringLiteral("0x4")); });
        measure("text \"12\" (steps, times, sizes, addresses)", [&] { proxy.setTextFilter(QStringLiteral("12")); });
        measure("text \"MiB\"", [&] { proxy.setTextFilter(QStringLiteral("MiB")); });
        measure("text \"zzzz\" (nothing)", [&] { proxy.setTextFilter(QStringLiteral("zzzz")); });
        measure("text cleared", [&] { proxy.setTextFilter(QString()); });
    }
    if (choices) {
        measure("outcome: Failures", [&] { proxy.setOutcomeFilter(StepFilterProxy::OutcomeFilter::Failures); });
        measure("outcome: Requests", [&] { proxy.setOutcomeFilter(StepFilterProxy::OutcomeFilter::Requests); });
        measure("outcome: All", [&] { proxy.setOutcomeFilter(StepFilterProxy::OutcomeFilter::All); });
        measure("device: dev3", [&] { proxy.setDeviceFilter(QStringLiteral("dev3")); });
        measure("kind: gpu", [&] { proxy.setKindFilter(QStringLiteral("gpu")); });
        measure("kind: all", [&] { proxy.setKindFilter(QString()); });
        measure("device: all", [&] { proxy.setDeviceFilter(QString()); });
        measure("region: cma", [&] { proxy.setRegionFilter(QStringLiteral("cma")); });
        measure("region: all", [&] { proxy.setRegionFilter(QString()); });
    }
    if (sorts) {
        view.setCurrentIndex(proxy.mapFromSource(current)); // current again, for the sorts
        const std::pair<const char*, int> columns[] = {
            { "sort by size, descending", StepTableModel::SizeColumn },
            { "sort by device, descending", StepTableModel::DeviceColumn },
            { "sort by label, descending", StepTableModel::LabelColumn },
            { "sort by address, descending", StepTableModel::AddressColumn },
            { "sort by outcome, descending", StepTableModel::OutcomeColumn },
            { "sort by time, descending", StepTableModel::TimeColumn },
        };
        for (const auto& [what, column] : columns)
            measure(what, [&, column = column] { proxy.sort(column, Qt::DescendingOrder); });
        measure("sort by step, ascending", [&] { proxy.sort(StepTableModel::StepColumn, Qt::AscendingOrder); });
    }
    return 0;
}
