// SPDX-License-Identifier: GPL-2.0-or-later
// A replayed trace's timeline moved onto another platform's regions (replayOntoProject(), replayonto.h): areas
// matched by name or by a device-tree unit address, areas without a region left out, sizes checked.
#include <cmascope/replay/replay.h>
#include <cmascope/replay/replayonto.h>

#include <QTest>

using namespace cmascope;

namespace {
Region area(const char* name, std::uint64_t pages, std::uint64_t base)
{
    Region r;
    r.name = name;
    r.size = pages * 4096;
    r.placement = Placement::Fixed;
    r.start = base;
    r.placedBase = base;
    return r;
}

/// A replay with areas linux,cma (4096 pages), camera@70000000 (2048) and hugetlb0 (512), one placement,
/// release or refusal on each, and a marker.
ReplayResult replayed()
{
    ReplayResult r;
    r.platform.regions = { area("linux,cma", 4096, 0x17f000000), area("camera@70000000", 2048, 0x70000000),
        area("hugetlb0", 512, 0x80000000) };
    Scenario& sc = r.scenario;
    sc.place(0, 0, 256, "swapper/0-1");
    sc.phase("CHECKPOINT boot begin");
    sc.place(1, 16, 100, "init-153");
    sc.place(2, 0, 512, "init-153");
    sc.refused(1, 3000, 0, "init-153", "trace line 9");
    sc.release(1, 16, 100, "init-153");
    sc.release(2, 0, 512, "init-153");
    sc.timesNs = { 10, 20, 30, 40, 50, 60, 70 };
    return r;
}

/// A device-tree board: camera (the node camera@70000000, fixed) before the default area linux,cma.
Project board()
{
    Project p;
    Region camera = area("camera", 2048, 0x70000000);
    camera.placedBase.reset();
    Region cma;
    cma.name = "linux,cma";
    cma.size = 16 * MiB;
    cma.isDefault = true;
    p.platform.regions = { camera, cma };
    return p;
}
} // namespace

class TestReplayOnto : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void regionForAnArea_data();
    void regionForAnArea();
    void stepsMoveToTheirRegions();
    void aRegionOfAnotherSizeIsAnError();
    void nothingInCommonIsAnError();
};

void TestReplayOnto::regionForAnArea_data()
{
    QTest::addColumn<QString>("areaName");
    QTest::addColumn<int>("region"); // -1: none
    QTest::newRow("same name") << "linux,cma" << 1;
    QTest::newRow("node@unit, fixed at the unit address") << "camera@70000000" << 0;
    QTest::newRow("another unit address") << "camera@71000000" << -1;
    QTest::newRow("not hex") << "camera@7z" << -1;
    QTest::newRow("no node name") << "@70000000" << -1;
    QTest::newRow("unknown") << "hugetlb0" << -1;
}

void TestReplayOnto::regionForAnArea()
{
    QFETCH(QString, areaName);
    QFETCH(int, region);
    const auto got = regionForArea(board().platform, areaName.toStdString());
    QCOMPARE(got ? int(*got) : -1, region);
}

void TestReplayOnto::stepsMoveToTheirRegions()
{
    const auto out = replayOntoProject(replayed(), board(), "recorded");
    QVERIFY2(out.project, out.error.c_str());
    QCOMPARE(
        out.notes, std::vector<std::string> { "area hugetlb0 has no region in the project: its 2 steps are left out" });
    const Scenario& sc = out.project->scenarios.at(0);
    QCOMPARE(sc.name, std::string("recorded"));
    QCOMPARE(sc.steps.size(), std::size_t(5));
    QCOMPARE(sc.steps[0].type, StepType::Place);
    QCOMPARE(sc.steps[0].region, std::uint16_t(1)); // linux,cma is the board's second region
    QCOMPARE(sc.steps[1].type, StepType::Phase);
    QCOMPARE(sc.symbols.name(sc.steps[1].label), std::string_view("CHECKPOINT boot begin"));
    QCOMPARE(sc.steps[2].region, std::uint16_t(0)); // camera@70000000 -> camera
    QCOMPARE(sc.steps[2].offset, std::uint64_t(16));
    QCOMPARE(sc.steps[3].type, StepType::Refused);
    QCOMPARE(sc.steps[3].size, std::uint64_t(3000));
    QCOMPARE(sc.symbols.name(sc.steps[3].device), std::string_view("init-153"));
    QCOMPARE(sc.steps[4].type, StepType::Release);
    QCOMPARE(sc.timesNs, (std::vector<std::uint64_t> { 10, 20, 30, 50, 60 }));
    QCOMPARE(out.project->platform.regions.size(), std::size_t(2)); // the board, unchanged
}

void TestReplayOnto::aRegionOfAnotherSizeIsAnError()
{
    Project p = board();
    p.platform.regions[1].size = 8 * MiB;
    const auto out = replayOntoProject(replayed(), p, "recorded");
    QVERIFY(!out.project);
    QVERIFY2(
        QString::fromStdString(out.error).startsWith(QStringLiteral("area linux,cma (4096 pages")), out.error.c_str());
}

void TestReplayOnto::nothingInCommonIsAnError()
{
    Project p;
    p.platform.regions = { area("reserved", 4096, 0x7dc00000) };
    const auto out = replayOntoProject(replayed(), p, "recorded");
    QVERIFY(!out.project);
    QVERIFY(QString::fromStdString(out.error).contains(QStringLiteral("no area of the trace")));
}

QTEST_GUILESS_MAIN(TestReplayOnto)
#include "tst_replayonto.moc"
