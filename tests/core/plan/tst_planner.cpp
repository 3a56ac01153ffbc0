// SPDX-License-Identifier: GPL-2.0-or-later
// The planner (docs/planner.md), checked by independent re-simulation: every planned size serves every chosen
// scenario, and every resized region one granule smaller fails its binding scenario at its binding step. Also a
// 2010 fallback list, plans that cannot exist, banks at the top of the address space, cancellation.
#include "support/captures.h"
#include "support/platforms.h"

#include <cmascope/config/configio.h>
#include <cmascope/plan/planner.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/util/units.h>
#include <cmascope/validation/validation.h>

#include <QElapsedTimer>
#include <QTest>

#include <limits>

using namespace cmascope;

namespace {

/// What an independent run of one scenario on the project's platform with @p sizes says.
struct Rerun
{
    bool placed = true;
    std::optional<std::uint32_t> firstFailure; ///< the first failed request (Refused steps are history)
    std::vector<StepRecord> records;
};

/// @p base: the project's platform, or the plan applied to it (withPlannedSizes(): the limits it set).
Rerun rerun(const Project& project, const std::vector<std::uint64_t>& sizes, std::size_t scenario,
    const Platform* base = nullptr)
{
    Rerun out;
    Platform pf = base ? *base : project.platform;
    for (std::size_t i = 0; i < sizes.size(); ++i)
        pf.regions[i].size = sizes[i];
    placeRegions(pf);
    for (const Region& r : pf.regions)
        if (r.size && !r.placementFailure.empty())
            out.placed = false;
    if (!out.placed)
        return out;
    auto created = Simulation::create(pf, project.scenarios[scenario]);
    if (!std::holds_alternative<Simulation>(created)) {
        out.placed = false;
        return out;
    }
    auto& sim = std::get<Simulation>(created);
    sim.run();
    out.records = sim.records();
    for (std::size_t i = 0; i < out.records.size(); ++i) {
        if (out.records[i].outcome == Outcome::Failed
            && project.scenarios[scenario].steps[i].type != StepType::Refused) {
            out.firstFailure = static_cast<std::uint32_t>(i);
            break;
        }
    }
    return out;
}

std::vector<std::uint64_t> plannedSizes(const PlanResult& plan)
{
    std::vector<std::uint64_t> sizes;
    for (const PlannedRegion& p : plan.regions)
        sizes.push_back(p.size);
    return sizes;
}

/// The guarantee of planner.h, re-checked from scratch: every chosen scenario succeeds at the planned sizes;
/// every resized region one granule smaller fails its binding scenario at its binding step (or cannot be
/// placed), unless it is one granule.
void verifyPlan(const Project& project, const PlanResult& plan)
{
    QVERIFY2(plan.ok, plan.reason.c_str());
    const auto sizes = plannedSizes(plan);
    const Platform applied = withPlannedSizes(project.platform, plan);
    for (const std::size_t s : plan.scenarios) {
        const Rerun r = rerun(project, sizes, s, &applied);
        QVERIFY(r.placed);
        QVERIFY2(!r.firstFailure,
            qPrintable(QStringLiteral("scenario %1 fails at step %2").arg(s).arg(r.firstFailure.value_or(0))));
    }
    for (const PlannedRegion& p : plan.regions) {
        QVERIFY(p.size == 0 || p.start.has_value());
        if (p.role != PlanRole::Resized) {
            QCOMPARE(p.size, p.sizeBefore);
            continue;
        }
        QVERIFY(p.granuleBytes > 0);
        QCOMPARE(p.size % p.granuleBytes, std::uint64_t(0));
        QVERIFY2(p.size >= p.granuleBytes, p.name.c_str());
        if (p.size == p.granuleBytes && !p.bindingScenario) {
            QVERIFY2(p.binding.find("least the kernel reserves") != std::string::npos, p.binding.c_str());
            continue;
        }
        auto smaller = sizes;
        smaller[p.index] -= p.granuleBytes;
        if (!p.bindingScenario) { // one granule less cannot be placed
            QVERIFY(!p.bindingStep);
            QVERIFY2(!rerun(project, smaller, plan.scenarios.front(), &applied).placed, p.binding.c_str());
            continue;
        }
        QVERIFY(p.bindingStep.has_value());
        const Rerun r = rerun(project, smaller, *p.bindingScenario, &applied);
        QVERIFY2(r.placed, p.name.c_str());
        QVERIFY2(r.firstFailure == p.bindingStep,
            qPrintable(QString::fromStdString(p.name + ": " + p.binding)
                + QStringLiteral(" / rerun fails at %1").arg(r.firstFailure.value_or(UINT32_MAX))));
    }
}

Region region2010(std::string name, std::uint64_t size)
{
    Region r;
    r.name = std::move(name);
    r.size = size;
    r.policy = PolicyKind::BestFit2010;
    return r;
}

/// A 2010 board: one 64 MiB bank, regions A then B (dynamic, best fit), `video` tries A then B, `cam` only B.
/// Scenario: four 1 MiB video buffers live at once, one 1 MiB camera buffer.
Project fallbackProject()
{
    Project p;
    p.platform.name = "fallback";
    p.platform.mapMode = MapMode::Map2010;
    p.platform.banks.push_back({ "ram", 0x10000000, 64 * MiB, 0 });
    p.platform.regions.push_back(region2010("A", 8 * MiB));
    p.platform.regions.push_back(region2010("B", 8 * MiB));
    p.platform.rules.push_back({ { "video/*" }, { "A", "B" } });
    p.platform.rules.push_back({ { "cam/*" }, { "B" } });
    Scenario sc;
    sc.name = "four video, one camera";
    for (int i = 0; i < 4; ++i)
        sc.allocate("video", "a", MiB, "v" + std::to_string(i));
    sc.allocate("cam", "a", MiB, "c");
    p.scenarios.push_back(std::move(sc));
    return p;
}

const PlannedRegion& named(const PlanResult& plan, const std::string& name)
{
    for (const PlannedRegion& p : plan.regions)
        if (p.name == name)
            return p;
    qFatal("no region %s", name.c_str());
}

/// A use case for a board that came with none: every device of the board, and one driver without a
/// memory-region (the default area), each with buffers of 2, 6 and 1 MiB live, then the 6 MiB one freed and 4 and
/// 3 MiB allocated (a hole the larger one does not fit).
Scenario importedUseCase(const Platform& platform)
{
    Scenario sc;
    sc.name = "every device";
    std::vector<std::string> devices { "driver" };
    for (const Device& d : platform.devices)
        devices.push_back(d.name);
    for (const std::string& d : devices) {
        sc.allocate(d, "", 2 * MiB, d + "-a");
        sc.allocate(d, "", 6 * MiB, d + "-b");
        sc.allocate(d, "", 1 * MiB, d + "-c");
        sc.free(d + "-b");
        sc.allocate(d, "", 4 * MiB, d + "-d");
        sc.allocate(d, "", 3 * MiB, d + "-e");
    }
    return sc;
}

/// A board imported as a user would, with importedUseCase() added.
Project importedBoard(const QString& file, const QString& memory)
{
    const std::string path = std::string(CMASCOPE_SOURCE_DIR) + "/" + file.toStdString();
    ImportOptions options;
    options.sourceName = path;
    if (!memory.isEmpty())
        options.memory = std::get<std::vector<Bank>>(parseMemorySpec(memory.toStdString()));
    const std::string text = test::slurp(path);
    ImportResult imported =
        path.ends_with(".dts") ? importDeviceTreeSource(text, options) : importCmdline(text, options);
    if (!imported.ok())
        qFatal("%s", imported.errorText().c_str());
    Project project = std::move(*imported.project);
    project.scenarios.push_back(importedUseCase(project.platform));
    return project;
}

} // namespace

class TestPlanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demos_data()
    {
        QTest::addColumn<QString>("demo");
        QTest::newRow("camera-video-2010") << QStringLiteral("camera-video-2010.json");
        QTest::newRow("gfx-fragmentation") << QStringLiteral("gfx-fragmentation.json");
        QTest::newRow("rzg2l-smarc-dt") << QStringLiteral("rzg2l-smarc-dt.json");
    }

    /// Every built-in demo: a plan exists, passes re-simulation, and is found within the second.
    void demos()
    {
        QFETCH(QString, demo);
        const Project project = test::loadDemo(demo.toUtf8().constData());
        QElapsedTimer timer;
        timer.start();
        const PlanResult plan = planRegions(project);
        const qint64 ms = timer.elapsed();
        qInfo("%s: planned in %lld ms, %u rounds, %llu runs, %llu steps", qPrintable(demo), ms, plan.rounds,
            static_cast<unsigned long long>(plan.runs), static_cast<unsigned long long>(plan.simulatedSteps));
        for (const PlannedRegion& p : plan.regions)
            qInfo("  %s: %s -> %s (%s)", p.name.c_str(), sizeText(p.sizeBefore).c_str(), sizeText(p.size).c_str(),
                p.binding.c_str());
        verifyPlan(project, plan);
        QCOMPARE(plan.scenarios.size(), project.scenarios.size());
        // The planned platform is the project's with the planned sizes, placed.
        for (const PlannedRegion& p : plan.regions) {
            QCOMPARE(plan.platform.regions[p.index].size, p.size);
            QCOMPARE(plan.platform.regions[p.index].placedBase, p.start);
        }
        QVERIFY(!planReportJson(project, plan).empty());
    }

    /// Modern platforms size in pageblocks; 2010 regions in their alignment or pages.
    void granules()
    {
        const Project modern = test::loadDemo("rzg2l-smarc-dt.json");
        for (const Region& r : modern.platform.regions)
            QCOMPARE(planGranule(modern.platform, r), std::uint64_t(4096) << 9);
        const Project old = test::loadDemo("camera-video-2010.json");
        QCOMPARE(planGranule(old.platform, *old.platform.findRegion("fw")), 128 * KiB);
        QCOMPARE(planGranule(old.platform, *old.platform.findRegion("b1")), 4 * KiB);
    }

    /// Shrinking A moves video requests on to B, which must then hold them: A ends at one granule, B at five
    /// buffers; kept at 2 MiB, A holds two buffers and B three.
    void fallbackList()
    {
        const Project project = fallbackProject();
        const PlanResult plan = planRegions(project);
        verifyPlan(project, plan);
        QCOMPARE(named(plan, "A").size, 4 * KiB);
        QCOMPARE(named(plan, "B").size, 5 * MiB);
        QCOMPARE(named(plan, "B").bindingScenario, std::optional<std::size_t>(0));
        const Rerun r = rerun(project, plannedSizes(plan), 0);
        for (std::size_t i = 0; i < 5; ++i)
            QCOMPARE(r.records[i].region, std::uint16_t(1)); // every request went on to B

        PlannerOptions keepA;
        keepA.keepSizes = { "A" };
        Project twoMiB = project;
        twoMiB.platform.regions[0].size = 2 * MiB;
        const PlanResult kept = planRegions(twoMiB, keepA);
        verifyPlan(twoMiB, kept);
        QCOMPARE(named(kept, "A").role, PlanRole::Kept);
        QCOMPARE(named(kept, "A").size, 2 * MiB);
        QCOMPARE(named(kept, "B").size, 3 * MiB);
        QCOMPARE(named(kept, "B").bindingStep, std::optional<std::uint32_t>(4)); // the camera buffer, last
    }

    /// Size-0 regions and carve-outs keep their size; fixed regions too when asked.
    void keptRegions()
    {
        Project project = fallbackProject();
        Region carve = region2010("fw", 1 * MiB);
        carve.type = RegionType::Carveout;
        project.platform.regions.push_back(carve);
        Region zero = region2010("sys", 0);
        project.platform.regions.push_back(zero);
        project.platform.regions[1].placement = Placement::Fixed;
        project.platform.regions[1].start = 0x10000000;
        PlannerOptions options;
        options.resizeFixed = false;
        const PlanResult plan = planRegions(project, options);
        verifyPlan(project, plan);
        QCOMPARE(named(plan, "fw").role, PlanRole::Carveout);
        QCOMPARE(named(plan, "sys").role, PlanRole::SizeZero);
        QCOMPARE(named(plan, "B").role, PlanRole::Kept);
        QCOMPARE(named(plan, "B").size, 8 * MiB);
        QCOMPARE(named(plan, "A").role, PlanRole::Resized);
    }

    /// A hugetlb area that must grow past what one range holds: the plan splits it as the kernel would
    /// (docs/kernel-cma.md#multi-range-areas-in-plans) and the planned project keeps it as one area.
    void multiRangeArea()
    {
        Project project = test::loadDemo("hugetlb-multirange.json");
        // As shipped, the second 1 GiB page cannot be served: the board holds 2 GiB of hugetlb_cma at most. The
        // reason names the sizes of the regions the request tried, not of the default area it never reaches.
        const PlanResult none = planRegions(project);
        QVERIFY(!none.ok);
        QVERIFY2(none.reason.find("the banks and placement allow (hugetlb0 2 GiB), scenario") != std::string::npos,
            none.reason.c_str());
        Scenario& sc = project.scenarios.front();
        std::erase_if(sc.steps,
            [&](const Step& s) { return s.type == StepType::Allocate && sc.symbols.name(s.label) == "hp1g-2"; });
        sc.lesson.reset();
        Region* area = nullptr;
        for (Region& r : project.platform.regions)
            if (r.name == "hugetlb0")
                area = &r;
        QVERIFY(area);
        area->size = GiB; // one range holds it, and step 12 fails in it
        const PlanResult plan = planRegions(project);
        verifyPlan(project, plan);
        const PlannedRegion& p = named(plan, "hugetlb0");
        QCOMPARE(p.granuleBytes, GiB); // the kernel rounds the area to its alignment, the gigantic page size
        QCOMPARE(p.size, 2 * GiB);
        QCOMPARE(p.ranges.size(), std::size_t(2));
        QCOMPARE(p.ranges[1].base, std::uint64_t { 0x180000000 });
        // The planned platform holds the split; the planned project the area as declared.
        QVERIFY(plan.platform.findRegion("hugetlb0 range 1"));
        const Platform applied = withPlannedSizes(project.platform, plan);
        QCOMPARE(applied.regions.size(), project.platform.regions.size());
        QCOMPARE(applied.findRegion("hugetlb0")->size, 2 * GiB);
        QVERIFY(planReportJson(project, plan).find("\"ranges\"") != std::string::npos);
    }

    void noPlan_data()
    {
        QTest::addColumn<QString>("device");
        QTest::addColumn<quint64>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::newRow("larger than the bank") << "video" << quint64(128 * MiB) << "largest stretch of memory";
        QTest::newRow("no region") << "nobody" << quint64(MiB) << "whatever the sizes: it tries no region";
        QTest::newRow("both regions cannot fit in the bank")
            << "cam" << quint64(60 * MiB) << "even at the largest sizes";
    }

    /// No sizes serve the request: no plan, and why.
    void noPlan()
    {
        QFETCH(QString, device);
        QFETCH(quint64, bytes);
        QFETCH(QString, reason);
        Project project = fallbackProject();
        project.scenarios[0].allocate(device.toStdString(), "a", bytes, "big");
        const PlanResult plan = planRegions(project);
        QVERIFY(!plan.ok);
        QVERIFY(!plan.badInput);
        QVERIFY2(plan.reason.find(reason.toStdString()) != std::string::npos, plan.reason.c_str());
    }

    /// Banks at the top of what the simulator models (addresses below 2^60) and of the address space (2^64),
    /// requests near 2^64: no size or address wraps, and where nothing can be simulated, no plan says why.
    void nearTopOfAddressSpace()
    {
        constexpr std::uint64_t simTop = std::uint64_t(1) << 60; // policies model pages below 2^48
        Project project = fallbackProject();
        project.platform.banks = { { "high", simTop - 64 * MiB, 64 * MiB, 0 } };
        project.platform.regions[0].size = std::uint64_t(1) << 63; // far too large: the planner resizes it
        const PlanResult plan = planRegions(project);
        verifyPlan(project, plan);
        for (const PlannedRegion& p : plan.regions) {
            QVERIFY(*p.start >= simTop - 64 * MiB);
            QVERIFY(p.size <= simTop - *p.start);
        }

        constexpr std::uint64_t top = std::numeric_limits<std::uint64_t>::max() - 4095; // 2^64 - 4 KiB
        project.platform.banks = { { "top", top - 64 * MiB, 64 * MiB, 0 } };
        const PlanResult beyond = planRegions(project);
        QVERIFY(!beyond.ok);
        QVERIFY2(beyond.reason.find("2^48 pages") != std::string::npos, beyond.reason.c_str());

        project.scenarios[0].allocate("video", "a", std::numeric_limits<std::uint64_t>::max() - 10, "huge");
        const PlanResult none = planRegions(project);
        QVERIFY(!none.ok);
        QVERIFY2(none.reason.find("largest stretch of memory") != std::string::npos, none.reason.c_str());
    }

    /// Boards as users import them (device trees of real captures and of a Raspberry Pi 4), each with a use
    /// case of every device: the plan passes the same independent re-simulation as the demos'.
    void importedBoards_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("memory");
        QTest::newRow("qemu numa device tree") << "traces/kernel/k612-dt-numa/device-tree.dts" << QString();
        QTest::newRow("rpi4 device tree, DRAM given") << "tests/data/rpi4-firmware-memory.dts"
                                                      << "1G@0,3G@0x40000000";
    }

    void importedBoards()
    {
        QFETCH(QString, file);
        QFETCH(QString, memory);
        const Project project = importedBoard(file, memory);
        const PlanResult plan = planRegions(project);
        verifyPlan(project, plan);
        for (const PlannedRegion& p : plan.regions)
            if (p.role == PlanRole::Resized)
                QVERIFY2(p.size < 64 * MiB, p.name.c_str()); // what 14 MiB of live buffers per device needs
    }

    /// A 32-bit device that uses the default area: the plan places the area below 4 GiB (its limit lowered),
    /// where without the device it goes to the top of memory; validation finds no DMA problem in the plan.
    void dmaLimits()
    {
        Project project = importedBoard(QStringLiteral("traces/kernel/k612-dt-numa/device-tree.dts"), {});
        const PlanResult free64 = planRegions(project);
        verifyPlan(project, free64);
        QVERIFY(!named(free64, "linux,cma").dmaLimit);
        QVERIFY(*named(free64, "linux,cma").start >= 4 * GiB);

        Device vpu;
        vpu.name = "vpu";
        vpu.dmaBits = 32;
        project.platform.devices.push_back(vpu);
        project.scenarios[0] = importedUseCase(project.platform);
        const PlanResult plan = planRegions(project);
        verifyPlan(project, plan);
        const PlannedRegion& cma = named(plan, "linux,cma");
        QCOMPARE(cma.dmaLimit, std::optional<std::uint64_t>(4 * GiB));
        QCOMPARE(cma.dmaDevice, std::string("vpu"));
        QVERIFY(*cma.start + cma.size <= 4 * GiB);
        const Platform applied = withPlannedSizes(project.platform, plan);
        QCOMPARE(applied.findRegion("linux,cma")->limit, 4 * GiB);
        Platform placed = applied;
        placeRegions(placed);
        for (const Diagnostic& d : validate(placed))
            QVERIFY2(d.check != "dma-limit", d.message.c_str());
        QVERIFY(planReportJson(project, plan).find("\"dma_device\": \"vpu\"") != std::string::npos);
        const ExportResult dts = exportDeviceTree(applied);
        QVERIFY2(dts.text.find("alloc-ranges") != std::string::npos, dts.text.c_str());

        PlannerOptions off;
        off.dmaLimits = false;
        const PlanResult unlimited = planRegions(project, off);
        QVERIFY(!named(unlimited, "linux,cma").dmaLimit);
        QVERIFY(*named(unlimited, "linux,cma").start >= 4 * GiB);
    }

    void badInput()
    {
        const Project project = fallbackProject();
        PlannerOptions options;
        options.scenarios = { 3 };
        QVERIFY(planRegions(project, options).badInput);
        options.scenarios.clear();
        options.keepSizes = { "nosuch" };
        QVERIFY(planRegions(project, options).badInput);
    }

    /// Progress grows to a total it never passes, and false cancels.
    void progressAndCancel()
    {
        const Project project = test::loadDemo("camera-video-2010.json");
        std::uint64_t lastDone = 0, lastTotal = 0, reports = 0;
        PlannerOptions options;
        options.progress = [&](std::uint64_t done, std::uint64_t total) {
            lastDone = done;
            lastTotal = total;
            return ++reports < 5;
        };
        const PlanResult plan = planRegions(project, options);
        QVERIFY(plan.cancelled);
        QVERIFY(!plan.ok);
        QVERIFY(lastTotal >= lastDone);
        QCOMPARE(reports, std::uint64_t(5));
    }
};

QTEST_GUILESS_MAIN(TestPlanner)
#include "tst_planner.moc"
