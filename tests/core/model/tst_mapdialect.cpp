// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 map dialects as their code behaved (docs/cma2010.md#dialects): each row comes from a patch's own
// example and names the Message-ID it is read from.
#include "support/platforms.h"

#include <cmascope/config/configio.h>
#include <cmascope/model/maplang.h>
#include <cmascope/model/project.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/validation/validation.h>

#include <QTest>

using namespace cmascope;

namespace {

QStringList toList(const std::vector<std::string>& v)
{
    QStringList l;
    for (const std::string& s : v)
        l << QString::fromStdString(s);
    return l;
}

/// "a,b,c" -> {"a","b","c"}; "" -> {}.
QStringList L(const char* names)
{
    return QString::fromLatin1(names).split(u',', Qt::SkipEmptyParts);
}

std::optional<MapDialect> dialectOf(const QByteArray& id)
{
    return id == "legacy" ? std::nullopt : mapDialectFromId(id.toStdString());
}

Region region(const std::string& name, bool asterisk = false)
{
    Region r;
    r.name = name;
    r.size = 1 * MiB;
    r.asterisk = asterisk;
    return r;
}

/// A platform with the regions @p names ("name*" = an asterisk region, in that order), the map @p map and
/// the dialect @p dialect.
Platform board(const char* names, const QByteArray& map, const QByteArray& dialect)
{
    Platform p;
    for (const QString& n : QString::fromLatin1(names).split(u',', Qt::SkipEmptyParts)) {
        const bool star = n.endsWith(u'*');
        p.regions.push_back(region((star ? n.chopped(1) : n).toStdString(), star));
    }
    const MapParseResult parsed = parseMap(map.toStdString());
    if (!parsed.ok())
        qFatal("bad map in test: %s", parsed.errors.front().message.c_str());
    p.rules = parsed.rules;
    p.mapDialect = dialectOf(dialect);
    return p;
}

std::string joined(const std::vector<std::string>& trail)
{
    std::string out;
    for (const std::string& line : trail)
        out += line + "\n";
    return out;
}

} // namespace

class TestMapDialect : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resolveByDialect_data();
    void resolveByDialect();
    void v3WalkLocatesTheRule();
    void projectFileKeepsTheDialect();
    void importSetsAndExportUsesTheDialect();
    void simulatorAndExplanationUseTheDialect();
    void validationReadsTheDialect();
    void parseAsTheDialect_data();
    void parseAsTheDialect();
    void v3ReachTriedWithTheWalk_data();
    void v3ReachTriedWithTheWalk();
    void v6FallbackListsWork();
};

void TestMapDialect::resolveByDialect_data()
{
    QTest::addColumn<QByteArray>("regions");
    QTest::addColumn<QByteArray>("map");
    QTest::addColumn<QByteArray>("dialect");
    QTest::addColumn<QByteArray>("device");
    QTest::addColumn<QByteArray>("kind");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QByteArray>("summary");

    // Issue 15's example, read against v1 <adceebd371e8a66a2c153f429b38068eca99e99f.1279639238.git...> and v4
    // patch 2/6 <343f4b0edf9b5eef598831700cb459cd428d3f2e.1282286941.git...>: a kind-less pattern matches any
    // type in v4, only an empty kind in v1; v1 has no asterisk regions.
    const QByteArray issue = "foo=a;foo/x=b;*=r";
    QTest::newRow("v1 foo/x") << QByteArray("a,b,r") << issue << QByteArray("v1") << QByteArray("foo")
                              << QByteArray("x") << L("b") << QByteArray("rule #2");
    QTest::newRow("v1 bar/y") << QByteArray("a,b,r") << issue << QByteArray("v1") << QByteArray("bar")
                              << QByteArray("y") << L("") << QByteArray("-ENOENT");
    QTest::newRow("v4 foo/x") << QByteArray("a,b,r") << issue << QByteArray("v4") << QByteArray("foo")
                              << QByteArray("x") << L("a") << QByteArray("rule #1");
    QTest::newRow("v4 bar/y") << QByteArray("a,b,r") << issue << QByteArray("v4") << QByteArray("bar")
                              << QByteArray("y") << L("r") << QByteArray("rule #3");
    QTest::newRow("v4 no type is common") << QByteArray("a,b") << QByteArray("foo/common=a;foo=b") << QByteArray("v4")
                                          << QByteArray("foo") << QByteArray() << L("a") << QByteArray("rule #1");

    // v3 Documentation/contiguous-memory.txt (patch 2/6 <6a924738f412a7ad738e99123411b7a20f761ae1.1281100495.git...>):
    // "region" for video and camera, "common" an asterisk region "used by drivers with no matching mapping".
    // The v3 code returns -ENOENT once a map exists; the documentation's promise holds only without a map.
    const QByteArray doc = "video,camera=region";
    QTest::newRow("v3 doc: tv, map") << QByteArray("region,common*") << doc << QByteArray("v3") << QByteArray("tv")
                                     << QByteArray() << L("")
                                     << QByteArray("v3 code returns -ENOENT here; its documentation promised the "
                                                   "asterisk regions");
    QTest::newRow("legacy doc: tv, map") << QByteArray("region,common*") << doc << QByteArray("legacy")
                                         << QByteArray("tv") << QByteArray() << L("common") << QByteArray("asterisk");
    QTest::newRow("v3 doc: video") << QByteArray("region,common*") << doc << QByteArray("v3") << QByteArray("video")
                                   << QByteArray() << L("region") << QByteArray("rule #1");
    // v3 patch 6/6 (Aquila/Goni): b1 and b2 are asterisk regions registered in that order with list_add(), so
    // the code tries b2 first when there is no map.
    QTest::newRow("v3 no map: newest first")
        << QByteArray("fw,b1*,b2*") << QByteArray() << QByteArray("v3") << QByteArray("s3c-fimc.0") << QByteArray()
        << L("b2,b1") << QByteArray("no map");
    QTest::newRow("legacy no map: declared order")
        << QByteArray("fw,b1*,b2*") << QByteArray() << QByteArray("legacy") << QByteArray("s3c-fimc.0") << QByteArray()
        << L("b1,b2") << QByteArray("asterisk");
    QTest::newRow("v3 mfc without kind") << QByteArray("fw,b1*,b2*")
                                         << QByteArray("s3c-mfc5/f=fw;s3c-mfc5/a=b1;s3c-mfc5/b=b2") << QByteArray("v3")
                                         << QByteArray("s3c-mfc5") << QByteArray() << L("") << QByteArray("-ENOENT");
    // v3 __cma_where_from: a region list starting with '*' means the asterisk regions, the rest of it unread;
    // elsewhere '*' names no region.
    QTest::newRow("v3 '*' first replaces the list")
        << QByteArray("v,b1*,b2*") << QByteArray("video=*,v") << QByteArray("v3") << QByteArray("video") << QByteArray()
        << L("b2,b1") << QByteArray("rule #1");
    QTest::newRow("legacy '*' first expands in place")
        << QByteArray("v,b1*,b2*") << QByteArray("video=*,v") << QByteArray("legacy") << QByteArray("video")
        << QByteArray() << L("b1,b2,v") << QByteArray("rule #1");
    QTest::newRow("v3 '*' later names no region")
        << QByteArray("v,b1*,b2*") << QByteArray("video=v,*") << QByteArray("v3") << QByteArray("video") << QByteArray()
        << L("v") << QByteArray("rule #1");
    // The example map in v3 mm/cma.c's comment: "foo-dev" (no kind) meets a request with a kind, v3 looks for
    // the next ',' or '=' one character further, crosses the region list "reg1;bar-dev/firmware" and lands on
    // the '=' of rule 2, so rule 2 is skipped; "/*" then matches on the name_matched left by "foo-dev".
    const QByteArray comment = "foo-dev=reg1;bar-dev/firmware=reg3;/*=reg2;baz-dev/*=reg1,reg2;*/*=reg2,reg1";
    QTest::newRow("v3 comment: foo-dev/k")
        << QByteArray("reg1,reg2,reg3") << comment << QByteArray("v3") << QByteArray("foo-dev") << QByteArray("k")
        << L("reg2") << QByteArray("rule #3");
    QTest::newRow("v1 comment: foo-dev/k")
        << QByteArray("reg1,reg2,reg3") << comment << QByteArray("v1") << QByteArray("foo-dev") << QByteArray("k")
        << L("reg2,reg1") << QByteArray("rule #5");
    QTest::newRow("v3 comment: bar-dev/other")
        << QByteArray("reg1,reg2,reg3") << comment << QByteArray("v3") << QByteArray("bar-dev") << QByteArray("other")
        << L("reg2") << QByteArray("rule #3");
    QTest::newRow("v3 comment: bar-dev/firmware")
        << QByteArray("reg1,reg2,reg3") << comment << QByteArray("v3") << QByteArray("bar-dev")
        << QByteArray("firmware") << L("reg3") << QByteArray("rule #2");
    // A kind-less pattern followed by another pattern of the same rule: v3 skips the following pattern.
    QTest::newRow("v3 kind-less skips next pattern")
        << QByteArray("a,b") << QByteArray("foo,foo/x=a;*/*=b") << QByteArray("v3") << QByteArray("foo")
        << QByteArray("x") << L("b") << QByteArray("rule #2");
    QTest::newRow("v1 kind-less then next pattern")
        << QByteArray("a,b") << QByteArray("foo,foo/x=a;*/*=b") << QByteArray("v1") << QByteArray("foo")
        << QByteArray("x") << L("a") << QByteArray("rule #1");
    // A ',' met while comparing the device name: v3 steps over it with one character of the name.
    QTest::newRow("v3 comma inside a name")
        << QByteArray("r") << QByteArray("ab,cd=r") << QByteArray("v3") << QByteArray("abXcd") << QByteArray() << L("r")
        << QByteArray("read across patterns");
    QTest::newRow("v1 comma ends the pattern") << QByteArray("r") << QByteArray("ab,cd=r") << QByteArray("v1")
                                               << QByteArray("abXcd") << QByteArray() << L("") << QByteArray("-ENOENT");
}

void TestMapDialect::resolveByDialect()
{
    QFETCH(QByteArray, regions);
    QFETCH(QByteArray, map);
    QFETCH(QByteArray, dialect);
    QFETCH(QByteArray, device);
    QFETCH(QByteArray, kind);
    QFETCH(QStringList, expected);
    QFETCH(QByteArray, summary);
    const Platform p = board(regions.constData(), map, dialect);
    const MapResolution res = resolveRegions(p, device.toStdString(), kind.toStdString(), 64 * KiB);
    QVERIFY2(toList(res.regions) == expected, (res.summary + "\n" + joined(res.trail)).c_str());
    QVERIFY2(res.summary.find(summary.toStdString()) != std::string::npos, res.summary.c_str());
}

void TestMapDialect::v3WalkLocatesTheRule()
{
    // The walk names the rule and the pattern that matched, like the v1 matcher does.
    const auto rules = parseMap("s3c-mfc5/f=fw;s3c-mfc5/a=b1;s3c-mfc5/b,s3c-mfc5/c=b2").rules;
    MapMatch m = matchMapV3(rules, "s3c-mfc5", "c");
    QCOMPARE(m.ruleIndex.value_or(99), std::size_t(2));
    QCOMPARE(m.patternIndex.value_or(99), std::size_t(1));
    QVERIFY(!m.undefined);
    // A kind-less last pattern of the last rule meeting a kind: the v3 walk runs off the end of the map.
    m = matchMapV3(parseMap("foo=a").rules, "foo", "x");
    QVERIFY(!m.ruleIndex);
    QVERIFY(m.undefined);
    QVERIFY2(joined(m.trail).find("past the end") != std::string::npos, joined(m.trail).c_str());
    // matchMap() dispatches on the dialect.
    QCOMPARE(matchMap(rules, "s3c-mfc5", "c", MapDialect::V3).patternIndex.value_or(99), std::size_t(1));
}

void TestMapDialect::projectFileKeepsTheDialect()
{
    Project pr = test::fragmentedProject();
    QVERIFY(serializeProject(pr).find("map_dialect") == std::string::npos); // absent stays absent
    for (const MapDialect d : { MapDialect::V1, MapDialect::V3, MapDialect::V4 }) {
        pr.platform.mapDialect = d;
        const std::string text = serializeProject(pr);
        QVERIFY(text.find("\"map_dialect\": \"" + std::string(mapDialectId(d)) + "\"") != std::string::npos);
        const auto back = parseProject(text);
        QVERIFY(back.ok());
        QCOMPARE(back.project->platform.mapDialect, std::optional<MapDialect>(d));
    }
    std::string bad = serializeProject(pr);
    bad.replace(bad.find("\"v4\""), 4, "\"v2\"");
    const auto refused = parseProject(bad);
    QVERIFY(!refused.ok());
    QVERIFY2(refused.errorText().find("platform.map_dialect") != std::string::npos, refused.errorText().c_str());
}

void TestMapDialect::importSetsAndExportUsesTheDialect()
{
    // The form the text was read as gives the dialect (v1: cma_map=; v3: a '-' region; v4 otherwise).
    const std::pair<const char*, MapDialect> cases[] = {
        { "cma=a=1M;b=1M cma_map=foo=a;foo/x=b", MapDialect::V1 },
        { "cma=-a=1M;b=1M cma.map=foo=a", MapDialect::V3 },
        { "cma=a=1M;b=1M cma.map=foo=a;*=b", MapDialect::V4 },
    };
    for (const auto& [text, dialect] : cases) {
        const auto r = import2010(text);
        QVERIFY2(r.ok(), r.errorText().c_str());
        QCOMPARE(r.project->platform.mapDialect, std::optional<MapDialect>(dialect));
        // Export without a form writes the platform's own.
        const auto out = exportConfig(*r.project, ConfigFormat::Cma2010);
        QVERIFY2(out.ok(), out.error.c_str());
        QVERIFY2(
            out.text.find(dialect == MapDialect::V1 ? "cma_map=" : "cma.map=") != std::string::npos, out.text.c_str());
        QCOMPARE(out.text.find("cma=-") != std::string::npos, dialect == MapDialect::V3);
    }
}

void TestMapDialect::simulatorAndExplanationUseTheDialect()
{
    // Issue 15's example run by the simulator: under v4 foo/x gets "a" and bar/y gets "r".
    Platform pf = test::onePool(16);
    pf.regions.front().name = "a";
    for (const char* name : { "b", "r" }) {
        Region r = pf.regions.front();
        r.name = name;
        r.start += (name[0] == 'b' ? 1 : 2) * 16 * 4096;
        pf.regions.push_back(r);
    }
    pf.rules = parseMap("foo=a;foo/x=b;*=r").rules;
    Scenario sc;
    sc.allocate("foo", "x", 16 * KiB, "one");
    sc.allocate("bar", "y", 16 * KiB, "two");
    const auto regionOf = [&](const Platform& platform, std::size_t step) {
        auto v = Simulation::create(platform, sc);
        auto& sim = std::get<Simulation>(v);
        sim.run();
        const auto& rec = sim.records()[step];
        return rec.outcome == Outcome::Failed ? std::string("-") : platform.regions[rec.region].name;
    };
    pf.mapDialect = MapDialect::V4;
    QCOMPARE(regionOf(pf, 0), std::string("a"));
    QCOMPARE(regionOf(pf, 1), std::string("r"));
    pf.mapDialect = MapDialect::V1;
    QCOMPARE(regionOf(pf, 0), std::string("b"));
    QCOMPARE(regionOf(pf, 1), std::string("-"));

    // The failure explanation of a v3 board with a map: the code's -ENOENT, not the documented fallback.
    pf.mapDialect = MapDialect::V3;
    pf.regions[2].asterisk = true;
    pf.rules = parseMap("foo=a").rules;
    auto v = Simulation::create(pf, sc);
    auto& sim = std::get<Simulation>(v);
    sim.run();
    QCOMPARE(sim.records()[1].outcome, Outcome::Failed);
    const Diagnosis dg = sim.diagnose(1);
    QVERIFY2(dg.mapSummary.find("v3 code returns -ENOENT here; its documentation promised the asterisk regions")
            != std::string::npos,
        dg.mapSummary.c_str());
}

void TestMapDialect::validationReadsTheDialect()
{
    // v3 reads '*' only as the first entry of a region list.
    Platform p = board("v,b1*", "video=v,*", "v3");
    const auto hasStarWarning = [](const std::vector<Diagnostic>& diags) {
        return std::any_of(diags.begin(), diags.end(),
            [](const Diagnostic& d) { return d.message.find("only as the first entry") != std::string::npos; });
    };
    QVERIFY(hasStarWarning(validate(p)));
    p.mapDialect.reset();
    QVERIFY(!hasStarWarning(validate(p)));
    // The options' dialect, when given, wins over the platform's.
    p.mapDialect = MapDialect::V1;
    QVERIFY(hasStarWarning(validate(p, ValidationOptions { MapDialect::V3 })));
}

void TestMapDialect::parseAsTheDialect_data()
{
    // v1 cma_map_param_parse() (patch 2/4 of <adceebd371e8a66a2c153f429b38068eca99e99f.1279639238...>) and
    // v3/v4 cma_map_validate() (patch 2/6 of <6a924738f412a7ad738e99123411b7a20f761ae1.1281100495...>).
    QTest::addColumn<QByteArray>("dialect");
    QTest::addColumn<QByteArray>("map");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("kept"); ///< rules the kernel runs with
    QTest::newRow("v1 rule without pattern") << QByteArray("v1") << QByteArray("=r;a=r") << true << 2;
    QTest::newRow("v3 rule without pattern") << QByteArray("v3") << QByteArray("=r;a=r") << false << 0;
    QTest::newRow("legacy rule without pattern") << QByteArray("legacy") << QByteArray("=r;a=r") << false << 0;
    QTest::newRow("v1 no = drops all") << QByteArray("v1") << QByteArray("a=r;b") << false << 0;
    QTest::newRow("v4 empty rule drops all") << QByteArray("v4") << QByteArray("a=r;;b=r") << false << 0;
    QTest::newRow("v4 kernel lists") << QByteArray("v4") << QByteArray("a=;b=r,,s;c=r=s") << true << 3;
}

void TestMapDialect::parseAsTheDialect()
{
    QFETCH(QByteArray, dialect);
    QFETCH(QByteArray, map);
    QFETCH(bool, ok);
    QFETCH(int, kept);
    const MapParseResult r = parseMap(map.toStdString(), dialectOf(dialect));
    QCOMPARE(r.ok(), ok);
    QCOMPARE(int(r.keptByKernel().size()), kept);
}

void TestMapDialect::v3ReachTriedWithTheWalk_data()
{
    QTest::addColumn<QByteArray>("dialect");
    QTest::addColumn<QByteArray>("map");
    QTest::addColumn<bool>("v3Unreachable");
    QTest::addColumn<bool>("v1Shadowed");
    // The walk skips foo/x after the kind-less "foo", so rule 2 takes foo/x: reached under v3, shadowed under v1.
    QTest::newRow("v3 reaches what v1 shadows")
        << QByteArray("v3") << QByteArray("foo,foo/x=a;foo/x=b") << false << false;
    QTest::newRow("v1 shadows it") << QByteArray("v1") << QByteArray("foo,foo/x=a;foo/x=b") << false << true;
    // A plain repeat is unreachable under both.
    QTest::newRow("v3 repeat") << QByteArray("v3") << QByteArray("foo/x=a;foo/x=b") << true << false;
    QTest::newRow("v3 catch-all first") << QByteArray("v3") << QByteArray("*/*=a;video/x=b") << true << false;
}

void TestMapDialect::v3ReachTriedWithTheWalk()
{
    QFETCH(QByteArray, dialect);
    QFETCH(QByteArray, map);
    QFETCH(bool, v3Unreachable);
    QFETCH(bool, v1Shadowed);
    const Platform p = board("a,b", map, dialect);
    const auto diags = validate(p);
    const auto has = [&](const char* text) {
        return std::any_of(diags.begin(), diags.end(),
            [&](const Diagnostic& d) { return d.message.find(text) != std::string::npos && d.path == "rules[1]"; });
    };
    QCOMPARE(has("under v3's walk no request"), v3Unreachable);
    QCOMPARE(has("can never match"), v1Shadowed);
}

void TestMapDialect::v6FallbackListsWork()
{
    // v6 patch 13/13 (<c5e5580e35e1a8edf211228c4b5aea83830a7ee6.1290172312.git.m.nazarewicz@samsung.com>): the
    // Aquila board's regions and map, whose last rule is a fallback list.
    Platform p = board("fw,b1,b2", "s5p-mfc5/f=fw;s5p-mfc5/a=b1;s5p-mfc5/b=b2;*=b1,b2", "v6");
    const std::uint64_t starts[] = { 0x32000000, 0x33000000, 0x44000000 };
    const std::uint64_t sizes[] = { 1 * MiB, 32 * MiB, 16 * MiB };
    for (std::size_t i = 0; i < 3; ++i) {
        p.regions[i].placement = Placement::Fixed;
        p.regions[i].start = starts[i];
        p.regions[i].size = sizes[i];
        p.regions[i].policy = PolicyKind::BestFit2010;
    }
    p.regions[0].alignment = 128 * KiB;
    // A request without a type is "common", which only "*" (any type) matches: both banks, in order.
    MapResolution r = resolveRegions(p, "s5p-mfc5", "", MiB);
    QCOMPARE(toList(r.regions), L("b1,b2"));
    QVERIFY2(joined(r.trail).find("loops forever") == std::string::npos, joined(r.trail).c_str());
    // The same map read as v4: the same list, and the explanation says the posted walk stalls after b1.
    p.mapDialect = MapDialect::V4;
    r = resolveRegions(p, "s5p-mfc5", "", MiB);
    QCOMPARE(toList(r.regions), L("b1,b2"));
    QVERIFY2(joined(r.trail).find("v4 code: if 'b1' cannot serve the request") != std::string::npos,
        joined(r.trail).c_str());
    // v6 had no command line: its project is written as v6 board code.
    p.mapDialect = MapDialect::V6;
    QCOMPARE(lang2010FormOf(p.mapDialect), Lang2010Form::PlatformCode);
    Project project;
    project.platform = p;
    const ExportResult out = exportConfig(project, ConfigFormat::Cma2010);
    QVERIFY2(out.ok(), out.error.c_str());
    QVERIFY2(
        out.text.find("CMA_REGION(\"fw\", 1 << 20, 128 << 10, 0x32000000, .alloc_name = \"bf\")") != std::string::npos,
        out.text.c_str());
    QVERIFY2(
        out.text.find("\"s5p-mfc5/f=fw;s5p-mfc5/a=b1;s5p-mfc5/b=b2;*=b1,b2\"") != std::string::npos, out.text.c_str());
    const auto loaded = parseProject(serializeProject(project));
    QVERIFY(loaded.ok());
    QCOMPARE(loaded.project->platform.mapDialect, std::optional<MapDialect>(MapDialect::V6));
}

QTEST_GUILESS_MAIN(TestMapDialect)
#include "tst_mapdialect.moc"
