// SPDX-License-Identifier: GPL-2.0-or-later
// Simulation::appendSteps(): the run of a followed trace grows batch by batch (docs/following.md).
#include "support/platforms.h"

#include <cmascope/sim/simulator.h>

#include <QTest>

using namespace cmascope;
using cmascope::test::onePool;

namespace {

Simulation make(const Platform& pf, Scenario sc)
{
    auto v = Simulation::create(pf, std::move(sc));
    if (auto* err = std::get_if<std::string>(&v))
        qFatal("%s", err->c_str());
    return std::move(std::get<Simulation>(v));
}

/// The regions' occupancy and live chunks, compared.
bool sameState(const SimState& a, const SimState& b)
{
    if (a.position != b.position || a.chunksCreated != b.chunksCreated || a.regions.size() != b.regions.size())
        return false;
    for (std::size_t i = 0; i < a.regions.size(); ++i)
        if (!(a.regions[i].occupancy == b.regions[i].occupancy) || a.regions[i].live != b.regions[i].live)
            return false;
    return true;
}

} // namespace

class TestAppendSteps : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void appendedStepsRunAsOneRun();
};

/// A followed trace's run grows (docs/following.md): the steps appended in batches, with new device names, record
/// exactly what one run of the whole scenario records, and a step naming a missing region is refused.
void TestAppendSteps::appendedStepsRunAsOneRun()
{
    Scenario whole;
    whole.place(0, 0, 4, "kworker/0:1-7");
    whole.timesNs.push_back(10);
    whole.place(0, 8, 4, "init-1");
    whole.timesNs.push_back(20);
    whole.refused(0, 8, 3, "camera-9");
    whole.timesNs.push_back(30);
    whole.release(0, 0, 4, "kworker/0:1-7");
    whole.timesNs.push_back(40);
    auto one = make(onePool(16), whole);
    QVERIFY(one.run());

    Scenario prefix = whole;
    prefix.steps.resize(1);
    prefix.timesNs.resize(1);
    auto grown = make(onePool(16), prefix);
    QVERIFY(grown.run());
    Scenario half = whole;
    half.steps.resize(3);
    half.timesNs.resize(3);
    QCOMPARE(grown.appendSteps(half), std::optional<std::string>());
    QVERIFY(grown.run());
    QCOMPARE(grown.stepCount(), std::size_t(3));
    QCOMPARE(grown.appendSteps(whole), std::optional<std::string>());
    QVERIFY(grown.run());
    QCOMPARE(grown.stepCount(), one.stepCount());
    QCOMPARE(grown.scenario().timesNs, whole.timesNs);
    for (std::size_t i = 0; i < one.stepCount(); ++i) {
        QCOMPARE(grown.records()[i].outcome, one.records()[i].outcome);
        QCOMPARE(grown.records()[i].usedPages, one.records()[i].usedPages);
        QCOMPARE(
            grown.scenario().symbols.name(grown.scenario().steps[i].device), whole.symbols.name(whole.steps[i].device));
        QVERIFY(sameState(grown.stateAt(i + 1), one.stateAt(i + 1)));
    }
    Scenario bad = whole;
    bad.place(3, 0, 4, "nobody");
    const auto error = grown.appendSteps(bad);
    QVERIFY(error && error->find("no region number 3") != std::string::npos);
    QCOMPARE(grown.scenario().steps.size(), whole.steps.size());
}

QTEST_MAIN(TestAppendSteps)
#include "tst_appendsteps.moc"
