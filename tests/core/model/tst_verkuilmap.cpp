// SPDX-License-Identifier: GPL-2.0-or-later
// Hans Verkuil's memory types as a map mode (docs/cma2010.md#hans-verkuils-memory-types): the resolution of a
// typed request, which regions fall back to the system allocator and how far, the project file, the
// validation and the import/export, built from the examples of his mails (<201008011526.13566.hverkuil@xs4all.nl>).
#include "support/verkuilboards.h"

#include <cmascope/config/configio.h>
#include <cmascope/model/project.h>
#include <cmascope/model/verkuilmap.h>
#include <cmascope/validation/validation.h>

#include <QtTest>

#include <algorithm>

using namespace cmascope;

namespace {

bool has(const std::vector<Diagnostic>& ds, const char* check, Severity severity, const char* words)
{
    return std::any_of(ds.begin(), ds.end(), [&](const Diagnostic& d) {
        return d.check == check && d.severity == severity && d.message.find(words) != std::string::npos;
    });
}

} // namespace

class TestVerkuilMap : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resolve_data();
    void resolve();
    void fallbackOf_data();
    void fallbackOf();
    void kmallocLimit_data();
    void kmallocLimit();
    void importGivesTypes();
    void importRefusesSizeZeroBank();
    void exportRoundTrips_data();
    void exportRoundTrips();
    void toMap2010Rules();
    void projectRoundTrip();
    void validation_data();
    void validation();
};

void TestVerkuilMap::resolve_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("device");
    QTest::addColumn<QByteArray>("kind");
    QTest::addColumn<QByteArray>("region"); // "" = none
    QTest::addColumn<QString>("summary");
    const QByteArray ivtv = "dma/ivtv=500M; dma=0", banks = "banka=20M; banka/foo,bar=30M";
    QTest::newRow("ivtv: its own pool") << ivtv << QByteArray("ivtv") << QByteArray("dma") << QByteArray("dma_ivtv")
                                        << QStringLiteral("its own region 'dma_ivtv'; when it cannot serve");
    QTest::newRow("another dma driver: the size-0 general region")
        << ivtv << QByteArray("saa7134") << QByteArray("dma") << QByteArray("dma")
        << QStringLiteral("size 0: every request goes to the system allocator, kmalloc(..., GFP_KERNEL | __GFP_DMA)");
    QTest::newRow("foo shares 30M") << banks << QByteArray("foo") << QByteArray("banka") << QByteArray("banka_foo_bar")
                                    << QStringLiteral("no system fallback");
    QTest::newRow("bar shares 30M") << banks << QByteArray("bar") << QByteArray("banka") << QByteArray("banka_foo_bar")
                                    << QStringLiteral("its own region");
    QTest::newRow("baz gets the 20M pool") << banks << QByteArray("baz") << QByteArray("banka") << QByteArray("banka")
                                           << QStringLiteral("the general region 'banka'");
    QTest::newRow("no region of the type") << banks << QByteArray("foo") << QByteArray("bankb") << QByteArray()
                                           << QStringLiteral("no region of type 'bankb'");
    QTest::newRow("no type: refused") << banks << QByteArray("foo") << QByteArray() << QByteArray()
                                      << QStringLiteral("the type is compulsory");
}

void TestVerkuilMap::resolve()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, device);
    QFETCH(QByteArray, kind);
    QFETCH(QByteArray, region);
    QFETCH(QString, summary);
    const Platform pf = test::verkuilBoard(text.constData());
    QCOMPARE(pf.mapMode, MapMode::Verkuil);
    QVERIFY(pf.rules.empty());
    const MapResolution res = resolveRegions(pf, device.constData(), kind.constData(), 1 * MiB);
    if (region.isEmpty())
        QVERIFY(res.regions.empty());
    else
        QCOMPARE(res.regions, std::vector<std::string> { region.toStdString() });
    QVERIFY2(QString::fromStdString(res.summary).contains(summary), res.summary.c_str());
}

void TestVerkuilMap::fallbackOf_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("dialect"); // -1 = none
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<quint64>("size");
    QTest::addColumn<int>("expected");
    const int verkuilMode = int(MapMode::Verkuil), map2010 = int(MapMode::Map2010);
    QTest::newRow("verkuil dma 0") << verkuilMode << -1 << QByteArray("dma") << quint64(0)
                                   << int(SystemFallback::SizeZero);
    QTest::newRow("verkuil common pool") << verkuilMode << -1 << QByteArray("common") << quint64(MiB)
                                         << int(SystemFallback::PoolFull);
    QTest::newRow("verkuil bank pool") << verkuilMode << -1 << QByteArray("banka") << quint64(MiB)
                                       << int(SystemFallback::None);
    QTest::newRow("verkuil bank 0") << verkuilMode << -1 << QByteArray("banka") << quint64(0)
                                    << int(SystemFallback::Absent);
    QTest::newRow("2010 v1 size 0") << map2010 << int(MapDialect::V1) << QByteArray() << quint64(0)
                                    << int(SystemFallback::Absent);
    QTest::newRow("2010 v4 size 0") << map2010 << int(MapDialect::V4) << QByteArray() << quint64(0)
                                    << int(SystemFallback::Absent);
    QTest::newRow("2010 historical size 0")
        << map2010 << -1 << QByteArray() << quint64(0) << int(SystemFallback::SizeZero);
    QTest::newRow("2010 historical pool")
        << map2010 << -1 << QByteArray("dma") << quint64(MiB) << int(SystemFallback::None);
}

void TestVerkuilMap::fallbackOf()
{
    QFETCH(int, mode);
    QFETCH(int, dialect);
    QFETCH(QByteArray, type);
    QFETCH(quint64, size);
    QFETCH(int, expected);
    Platform pf;
    pf.mapMode = MapMode(mode);
    if (dialect >= 0)
        pf.mapDialect = MapDialect(dialect);
    Region r;
    r.name = "r";
    r.size = size;
    r.memoryType = type.toStdString();
    QCOMPARE(int(systemFallbackOf(pf, r)), expected);
}

void TestVerkuilMap::kmallocLimit_data()
{
    QTest::addColumn<quint32>("pageSize");
    QTest::addColumn<quint64>("limit");
    // 1 << min(MAX_ORDER + PAGE_SHIFT - 1, 25), MAX_ORDER 11 (v2.6.35 include/linux/slab.h)
    QTest::newRow("4 KiB pages") << quint32(4096) << quint64(4 * MiB);
    QTest::newRow("16 KiB pages") << quint32(16384) << quint64(16 * MiB);
    QTest::newRow("64 KiB pages: the 2^25 cap") << quint32(65536) << quint64(32 * MiB);
}

void TestVerkuilMap::kmallocLimit()
{
    QFETCH(quint32, pageSize);
    QFETCH(quint64, limit);
    QCOMPARE(kmallocMaxSize(pageSize), std::uint64_t(limit));
    QCOMPARE(Region {}.fallbackMaxContiguous, kmallocMaxSize(4096)); // the default is the 4 KiB figure
}

void TestVerkuilMap::importGivesTypes()
{
    const Platform pf = test::verkuilBoard("banka=20M; banka/foo,bar=30M; dma=0");
    QCOMPARE(pf.regions.size(), std::size_t(3));
    QCOMPARE(pf.regions[0].memoryType, std::string("banka"));
    QVERIFY(pf.regions[0].drivers.empty());
    QCOMPARE(pf.regions[1].drivers, (std::vector<std::string> { "foo", "bar" }));
    QCOMPARE(pf.regions[1].size, 30 * MiB);
    QCOMPARE(pf.regions[2].size, std::uint64_t(0));
    QCOMPARE(pf.regions[2].fallbackMaxContiguous, 4 * MiB);
    QVERIFY(pf.findDevice("foo") && pf.findDevice("bar"));
}

void TestVerkuilMap::importRefusesSizeZeroBank()
{
    const auto r = importVerkuil("banka=0");
    QVERIFY(!r.ok());
    QVERIFY2(
        r.errorText().find("a bank type such as 'banka' has no fallback") != std::string::npos, r.errorText().c_str());
}

void TestVerkuilMap::exportRoundTrips_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("exported");
    QTest::newRow("banks") << QByteArray("banka=20M; banka/foo,bar=30M")
                           << QByteArray("banka/foo,bar=30M; banka=20M\n");
    QTest::newRow("ivtv") << QByteArray("dma/ivtv=500M; dma=0") << QByteArray("dma/ivtv=500M; dma=0\n");
}

void TestVerkuilMap::exportRoundTrips()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, exported);
    const Platform pf = test::verkuilBoard(text.constData());
    const auto direct = exportVerkuil(pf);
    QVERIFY2(direct.ok(), direct.error.c_str());
    QCOMPARE(QByteArray::fromStdString(direct.text), exported);
    // The 2010 translation goes back to the same text through its map (the historical path).
    const auto through2010 = exportVerkuil(toMap2010(pf));
    QVERIFY2(through2010.ok(), through2010.error.c_str());
    QCOMPARE(QByteArray::fromStdString(through2010.text), exported);
}

void TestVerkuilMap::toMap2010Rules()
{
    const Platform pf = toMap2010(test::verkuilBoard("banka=20M; banka/foo,bar=30M"));
    QCOMPARE(pf.mapMode, MapMode::Map2010);
    QCOMPARE(pf.mapDialect, std::optional<MapDialect>(MapDialect::V4));
    QCOMPARE(formatMap(pf.rules), std::string("foo/banka,bar/banka=banka_foo_bar;*/banka=banka"));
    QVERIFY(std::all_of(pf.regions.begin(), pf.regions.end(),
        [](const Region& r) { return r.memoryType.empty() && r.drivers.empty(); }));
}

void TestVerkuilMap::projectRoundTrip()
{
    Project p;
    p.platform = test::verkuilBoard("dma/ivtv=500M; dma=0");
    const std::string json = serializeProject(p);
    QVERIFY(json.find("\"map_mode\": \"verkuil\"") != std::string::npos);
    QVERIFY(json.find("\"memory_type\": \"dma\"") != std::string::npos);
    const auto back = parseProject(json);
    QVERIFY2(back.ok(), back.errorText().c_str());
    QCOMPARE(back.project->platform, p.platform);
}

void TestVerkuilMap::validation_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("dialect"); // -1 = none
    QTest::addColumn<QByteArray>("check");
    QTest::addColumn<int>("severity");
    QTest::addColumn<QString>("words");
    const int map2010 = int(MapMode::Map2010);
    QTest::newRow("2010 with a dialect: no such region")
        << map2010 << int(MapDialect::V4) << QByteArray("size-zero-2010") << int(Severity::Warning)
        << QStringLiteral("cma_region_register() returns -EINVAL");
    QTest::newRow("2010 historical: Verkuil's proposal")
        << map2010 << -1 << QByteArray("size-zero-2010") << int(Severity::Info)
        << QStringLiteral("Hans Verkuil's proposal (map_mode \"verkuil\"), not any CMA version's");
    QTest::newRow("verkuil: second general region")
        << int(MapMode::Verkuil) << -1 << QByteArray("verkuil-types") << int(Severity::Warning)
        << QStringLiteral("second general region of type 'dma'");
}

void TestVerkuilMap::validation()
{
    QFETCH(int, mode);
    QFETCH(int, dialect);
    QFETCH(QByteArray, check);
    QFETCH(int, severity);
    QFETCH(QString, words);
    Platform pf = test::verkuilBoard("dma/ivtv=500M; dma=0");
    Region second = pf.regions.back();
    second.name = "dma2";
    second.size = 1 * MiB;
    pf.regions.push_back(second);
    if (MapMode(mode) == MapMode::Map2010)
        pf = toMap2010(pf, dialect < 0 ? std::nullopt : std::optional<MapDialect>(MapDialect(dialect)));
    const auto ds = validate(pf);
    QVERIFY2(has(ds, check.constData(), Severity(severity), words.toStdString().c_str()), qPrintable(words));
}

QTEST_APPLESS_MAIN(TestVerkuilMap)
#include "tst_verkuilmap.moc"
