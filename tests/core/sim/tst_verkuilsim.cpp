// SPDX-License-Identifier: GPL-2.0-or-later
// Running workloads on Hans Verkuil's memory types (docs/cma2010.md#hans-verkuils-memory-types): the ivtv and
// banka examples of <201008011526.13566.hverkuil@xs4all.nl>, the pool-full fallback of the standard types, the
// failure explanation, and the same workload on the Verkuil platform and on its 2010 map translation.
#include "support/simulations.h"
#include "support/verkuilboards.h"

#include <cmascope/config/configio.h>
#include <cmascope/model/verkuilmap.h>
#include <cmascope/plan/placement.h>
#include <cmascope/sim/simulator.h>

#include <QtTest>

using namespace cmascope;

namespace {

/// "dev/type:size" requests separated by blanks; "dev/:size" asks without a type. Sizes in MiB.
Scenario requests(const QString& text)
{
    Scenario sc;
    sc.name = "s";
    int n = 0;
    for (const QString& item : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString who = item.section(QLatin1Char(':'), 0, 0);
        const std::uint64_t mib = item.section(QLatin1Char(':'), 1, 1).toULongLong();
        sc.allocate(who.section(QLatin1Char('/'), 0, 0).toStdString(), who.section(QLatin1Char('/'), 1).toStdString(),
            mib * MiB, "c" + std::to_string(n++));
    }
    return sc;
}

/// @p pf placed in its bank at boot, then @p sc run on it.
Simulation run(Platform pf, const Scenario& sc)
{
    placeRegions(pf);
    return test::ranSimulation(pf, sc);
}

/// One letter per request: A allocated in a region, F through the system allocator, x failed; then the
/// region after '@' when allocated ("A@dma_ivtv F@dma x").
QString outcomes(const Platform& pf, const Simulation& sim)
{
    QStringList out;
    for (const StepRecord& r : sim.records()) {
        if (r.outcome == Outcome::Failed) {
            out << QStringLiteral("x");
            continue;
        }
        const QString where =
            r.region < pf.regions.size() ? QString::fromStdString(pf.regions[r.region].name) : QStringLiteral("?");
        out << (r.outcome == Outcome::AllocatedFallback ? QStringLiteral("F@") : QStringLiteral("A@")) + where;
    }
    return out.join(QLatin1Char(' '));
}

} // namespace

class TestVerkuilSim : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void outcomes_data();
    void outcomes();
    void explanation_data();
    void explanation();
    void bothProposals_data();
    void bothProposals();
    void sizeZeroUnderADialect();
};

void TestVerkuilSim::outcomes_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("workload");
    QTest::addColumn<QString>("expected");
    // "dma/ivtv=500MB" with "dma" of size 0: ivtv gets its pool, another driver asking dma falls back to kmalloc
    // up to KMALLOC_MAX_SIZE (4 MiB with 4 KiB pages) and fails above it.
    QTest::newRow("ivtv") << QByteArray("dma/ivtv=500M; dma=0")
                          << QStringLiteral("ivtv/dma:400 saa7134/dma:1 saa7134/dma:4 saa7134/dma:8")
                          << QStringLiteral("A@dma_ivtv F@dma F@dma x");
    // ivtv's own pool full: Hans's "if the dma pool is full, then it can try to do a kmalloc" (small buffers
    // only); it does not go on to the general dma region.
    QTest::newRow("ivtv pool full") << QByteArray("dma/ivtv=500M; dma=64M")
                                    << QStringLiteral("ivtv/dma:498 ivtv/dma:3 ivtv/dma:8")
                                    << QStringLiteral("A@dma_ivtv F@dma_ivtv x");
    // "banka=20M; banka/foo,bar=30M": foo and bar share 30 MiB, baz gets the 20 MiB pool, and a bank type never
    // falls back, not even to the general banka region that still has room.
    QTest::newRow("banka") << QByteArray("banka=20M; banka/foo,bar=30M")
                           << QStringLiteral("foo/banka:20 bar/banka:10 bar/banka:1 baz/banka:20 baz/banka:1")
                           << QStringLiteral("A@banka_foo_bar A@banka_foo_bar x A@banka x");
    // The common pool full: the system allocator serves what fits in kmalloc's largest object.
    QTest::newRow("common pool full") << QByteArray("common=8M")
                                      << QStringLiteral("x/common:6 y/common:4 z/common:5 w/common:2")
                                      << QStringLiteral("A@common F@common x A@common");
    QTest::newRow("no type") << QByteArray("common=8M") << QStringLiteral("x/:1") << QStringLiteral("x");
}

void TestVerkuilSim::outcomes()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, workload);
    QFETCH(QString, expected);
    const Platform pf = test::verkuilBoard(text.constData());
    const Simulation sim = run(pf, requests(workload));
    QCOMPARE(::outcomes(pf, sim), expected);
}

void TestVerkuilSim::explanation_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("workload");
    QTest::addColumn<int>("step");
    QTest::addColumn<QString>("verdict");
    QTest::newRow("size 0, served") << QByteArray("dma/ivtv=500M; dma=0") << QStringLiteral("saa7134/dma:1") << 0
                                    << QStringLiteral("size-0 region of type 'dma': Hans Verkuil's fallback: served "
                                                      "by the system allocator, kmalloc(..., GFP_KERNEL | __GFP_DMA)");
    QTest::newRow("size 0, too large") << QByteArray("dma/ivtv=500M; dma=0") << QStringLiteral("saa7134/dma:8") << 0
                                       << QStringLiteral(
                                              "gives at most 4 MiB contiguous (KMALLOC_MAX_SIZE), 8 MiB asked");
    QTest::newRow("pool full, served") << QByteArray("common=8M") << QStringLiteral("x/common:6 y/common:4") << 1
                                       << QStringLiteral("the pool is full, Hans Verkuil's fallback: served by the "
                                                         "system allocator, kmalloc(..., GFP_KERNEL)");
    QTest::newRow("bank: no fallback") << QByteArray("banka=20M") << QStringLiteral("x/banka:16 y/banka:8") << 1
                                       << QStringLiteral("not enough memory");
}

void TestVerkuilSim::explanation()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, workload);
    QFETCH(int, step);
    QFETCH(QString, verdict);
    const Simulation sim = run(test::verkuilBoard(text.constData()), requests(workload));
    const Diagnosis dg = sim.diagnose(std::size_t(step));
    QCOMPARE(dg.attempts.size(), std::size_t(1));
    QVERIFY2(QString::fromStdString(dg.attempts[0].verdict).contains(verdict), dg.attempts[0].verdict.c_str());
    QCOMPARE(dg.succeeded, sim.records()[std::size_t(step)].outcome != Outcome::Failed);
}

void TestVerkuilSim::bothProposals_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("workload");
    QTest::addColumn<QString>("underVerkuil");
    QTest::addColumn<QString>("under2010");
    // The size-0 dma region: Hans's kmalloc fallback, versus a region v4's cma_region_register() refused.
    QTest::newRow("ivtv") << QByteArray("dma/ivtv=500M; dma=0") << QStringLiteral("ivtv/dma:400 saa7134/dma:1")
                          << QStringLiteral("A@dma_ivtv F@dma") << QStringLiteral("A@dma_ivtv x");
    // A full common pool: the system allocator, versus -ENOMEM.
    QTest::newRow("common pool full") << QByteArray("common=8M") << QStringLiteral("x/common:6 y/common:4")
                                      << QStringLiteral("A@common F@common") << QStringLiteral("A@common x");
    // No type: refused by Hans's compulsory type, while v4 gives a NULL type the type "common".
    QTest::newRow("no type") << QByteArray("common=8M") << QStringLiteral("x/:1") << QStringLiteral("x")
                             << QStringLiteral("A@common");
    // The bank example behaves the same under both.
    QTest::newRow("banka") << QByteArray("banka=20M; banka/foo,bar=30M")
                           << QStringLiteral("foo/banka:20 bar/banka:10 bar/banka:1 baz/banka:20")
                           << QStringLiteral("A@banka_foo_bar A@banka_foo_bar x A@banka")
                           << QStringLiteral("A@banka_foo_bar A@banka_foo_bar x A@banka");
}

void TestVerkuilSim::bothProposals()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, workload);
    QFETCH(QString, underVerkuil);
    QFETCH(QString, under2010);
    const Platform pf = test::verkuilBoard(text.constData());
    const Platform map = toMap2010(pf);
    const Scenario sc = requests(workload);
    QCOMPARE(::outcomes(pf, run(pf, sc)), underVerkuil);
    QCOMPARE(::outcomes(map, run(map, sc)), under2010);
}

void TestVerkuilSim::sizeZeroUnderADialect()
{
    // A 2010 map with a size-0 region first in its list: with a dialect the region does not exist and the
    // request goes on to the next one (NotReserved); without one, cmascope's historical fallback serves it.
    Platform pf = toMap2010(test::verkuilBoard("common=8M; dma=0"), MapDialect::V4);
    pf.rules = { MapRule { { "ivtv" }, { "dma", "common" } } };
    const Scenario sc = requests(QStringLiteral("ivtv/any:1"));
    Simulation withDialect = run(pf, sc);
    QCOMPARE(::outcomes(pf, withDialect), QStringLiteral("A@common"));
    const Diagnosis dg = withDialect.diagnose(0);
    QCOMPARE(dg.attempts.size(), std::size_t(2));
    QCOMPARE(dg.attempts[0].result.refusal, Refusal::NotReserved);
    QVERIFY2(QString::fromStdString(dg.attempts[0].verdict).contains(QStringLiteral("cma_region_register()")),
        dg.attempts[0].verdict.c_str());
    pf.mapDialect.reset();
    pf.rules = { MapRule { { "ivtv/*" }, { "dma", "common" } } };
    QCOMPARE(::outcomes(pf, run(pf, sc)), QStringLiteral("F@dma"));
}

QTEST_APPLESS_MAIN(TestVerkuilSim)
#include "tst_verkuilsim.moc"
