// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 private region (docs/cma2010.md#private-regions): registered by its driver without a name, never
// reached through the map, allocated from by handle. The board is Jonathan Corbet's viafb example from the v1
// review (<20100720145238.29111716@bike.lwn.net>) in the v2 form (<cover.1280151963.git.m.nazarewicz@samsung.com>):
// a frame-buffer pool "fbpool" the driver registers itself, beside a named, shared region "common".
#include <cmascope/config/configio.h>
#include <cmascope/model/maplang.h>
#include <cmascope/model/project.h>
#include <cmascope/model/scenariotext.h>
#include <cmascope/validation/validation.h>

#include <QTest>

#include <algorithm>
#include <bit>

using namespace cmascope;

namespace {

/// "common" (4 MiB, asterisk) and "fbpool" (8 MiB, 2010 private, registered by viafb); @p map; @p dialect
/// ("legacy" = none).
Platform viafbBoard(const char* map = "viafb=fbpool,common", const QByteArray& dialect = "v3")
{
    Platform p;
    p.name = "viafb";
    p.banks.push_back({ "ram", 0x40000000, 256 * MiB, 0 });
    Region common;
    common.name = "common";
    common.size = 4 * MiB;
    common.asterisk = true;
    Region fb;
    fb.name = "fbpool";
    fb.size = 8 * MiB;
    fb.privateHandle = true;
    fb.privateTo = "viafb";
    p.regions = { common, fb };
    p.devices.push_back({ "viafb", 0, 64, {}, {} });
    p.rules = parseMap(map).rules;
    if (dialect != "legacy")
        p.mapDialect = mapDialectFromId(dialect.toStdString());
    return p;
}

QString joined(const std::vector<std::string>& v)
{
    QStringList l;
    for (const std::string& s : v)
        l << QString::fromStdString(s);
    return l.join(u',');
}

bool hasCheck(const std::vector<Diagnostic>& diags, const char* check, Severity severity)
{
    return std::any_of(
        diags.begin(), diags.end(), [&](const Diagnostic& d) { return d.check == check && d.severity == severity; });
}

const char* kTrail = "private region: registered without a name, reachable only with cma_alloc_from_region()";

} // namespace

class TestPrivateRegion : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mapNeverGivesIt_data();
    void mapNeverGivesIt();
    void regionsOfDeviceLeaveItOut();
    void textRoundTrips_data();
    void textRoundTrips();
    void textErrors_data();
    void textErrors();
    void projectFileRoundTrips();
    void projectFileErrors_data();
    void projectFileErrors();
    void exportLeavesItOut_data();
    void exportLeavesItOut();
    void validation_data();
    void validation();
};

void TestPrivateRegion::mapNeverGivesIt_data()
{
    QTest::addColumn<QByteArray>("map");
    QTest::addColumn<QByteArray>("dialect");
    QTest::addColumn<bool>("privateHandle");
    QTest::addColumn<bool>("asteriskToo");
    QTest::addColumn<QString>("device");
    QTest::addColumn<QString>("regions");
    QTest::addColumn<bool>("trailSaysPrivate");

    // __cma_region_find() stops at the first unnamed region: a rule that names it finds nothing there.
    for (const char* d : { "v3", "v4", "legacy" }) {
        QTest::addRow("rule names it first, %s", d)
            << QByteArray("viafb=fbpool,common") << QByteArray(d) << true << false << "viafb"
            << "common" << true;
        QTest::addRow("rule names only it, %s", d)
            << QByteArray("viafb=fbpool") << QByteArray(d) << true << false << "viafb"
            << "" << true;
    }
    // The control: the same region, named (no 2010 private mark), is given.
    QTest::newRow("named: given") << QByteArray("viafb=fbpool,common") << QByteArray("v3") << false << false << "viafb"
                                  << "fbpool,common" << false;
    // Never an asterisk region, even flagged: the historical rules' fallback and v3 without a map.
    QTest::newRow("asterisk fallback, legacy")
        << QByteArray("other=common") << QByteArray("legacy") << true << true << "viafb"
        << "common" << false;
    QTest::newRow("asterisk fallback, named control")
        << QByteArray("other=common") << QByteArray("legacy") << false << true << "viafb"
        << "common,fbpool" << false;
    QTest::newRow("v3 without a map") << QByteArray("") << QByteArray("v3") << true << true << "viafb"
                                      << "common" << false;
    QTest::newRow("v3 '*' list") << QByteArray("viafb=*") << QByteArray("v3") << true << true << "viafb"
                                 << "common" << false;
}

void TestPrivateRegion::mapNeverGivesIt()
{
    QFETCH(QByteArray, map);
    QFETCH(QByteArray, dialect);
    QFETCH(bool, privateHandle);
    QFETCH(bool, asteriskToo);
    QFETCH(QString, device);
    QFETCH(QString, regions);
    QFETCH(bool, trailSaysPrivate);
    Platform p = viafbBoard(map.constData(), dialect);
    p.regions[1].privateHandle = privateHandle;
    p.regions[1].asterisk = asteriskToo;
    const MapResolution res = resolveRegions(p, device.toStdString(), "", 4 * MiB);
    QCOMPARE(joined(res.regions), regions);
    const bool said = std::any_of(res.trail.begin(), res.trail.end(),
        [](const std::string& line) { return line.find(kTrail) != std::string::npos; });
    QCOMPARE(said, trailSaysPrivate);
    const auto stars = asteriskRegions(p);
    QCOMPARE(std::find(stars.begin(), stars.end(), "fbpool") != stars.end(), asteriskToo && !privateHandle);
}

void TestPrivateRegion::regionsOfDeviceLeaveItOut()
{
    Platform p = viafbBoard("viafb=fbpool,common;viafb/fb=fbpool", "v1");
    p.kinds.push_back({ "fb", "" });
    for (const DeviceRegionUse& use : regionsOfDevice(p, 0))
        QVERIFY2(use.region != "fbpool", use.kind.c_str());
    p.regions[1].privateHandle = false; // the control: named, the map reaches it for both kinds
    const auto uses = regionsOfDevice(p, 0);
    QCOMPARE(std::count_if(uses.begin(), uses.end(), [](const DeviceRegionUse& u) { return u.region == "fbpool"; }), 2);
    // A modern platform ignores the 2010 mark: the device's own area is its area.
    p = viafbBoard();
    p.mapMode = MapMode::Modern;
    p.devices[0].memoryRegions = { "fbpool" };
    QCOMPARE(joined(resolveRegions(p, "viafb", "", 4 * MiB).regions), QStringLiteral("fbpool"));
}

void TestPrivateRegion::textRoundTrips_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<int>("region");
    QTest::addColumn<quint64>("size");
    QTest::addColumn<quint64>("align");
    QTest::addColumn<QString>("label");

    QTest::newRow("plain") << "alloc viafb 4M from-region fbpool as fb0" << 1 << quint64(4 * MiB) << quint64(0)
                           << "fb0";
    QTest::newRow("aligned") << "alloc viafb 4M from-region fbpool align=128K as fb0" << 1 << quint64(4 * MiB)
                             << quint64(128 * KiB) << "fb0";
    QTest::newRow("no label") << "alloc viafb 4097 from-region fbpool" << 1 << quint64(4097) << quint64(0) << "";
    QTest::newRow("a named region") << "alloc viafb 1M from-region common as c" << 0 << quint64(MiB) << quint64(0)
                                    << "c";
    // Kept as written: the run refuses them with -EINVAL, as the kernel did.
    QTest::newRow("size 0") << "alloc viafb 0 from-region fbpool as z" << 1 << quint64(0) << quint64(0) << "z";
    QTest::newRow("align 3K") << "alloc viafb 4M from-region fbpool align=3K as odd" << 1 << quint64(4 * MiB)
                              << quint64(3 * KiB) << "odd";
}

void TestPrivateRegion::textRoundTrips()
{
    QFETCH(QString, line);
    QFETCH(int, region);
    QFETCH(quint64, size);
    QFETCH(quint64, align);
    QFETCH(QString, label);
    const Platform p = viafbBoard();
    ScenarioTextOptions options;
    options.platform = &p;
    const std::string text = "scenario s\n" + line.toStdString() + "\nfree x\n";
    const ScenarioTextResult r = parseScenarioText(text, options);
    QVERIFY2(r.ok(), r.errorText("t").c_str());
    const Scenario& sc = r.scenarios.front();
    const Step& s = sc.steps.front();
    QCOMPARE(s.type, StepType::AllocateFromRegion);
    QCOMPARE(int(s.region), region);
    QCOMPARE(sc.symbols.name(s.device), std::string_view("viafb"));
    QCOMPARE(s.kind, 0u);
    QCOMPARE(quint64(s.size), size);
    QCOMPARE(quint64(s.offset), align);
    QCOMPARE(s.alignLog2, align && (align & (align - 1)) == 0 ? std::uint8_t(std::countr_zero(align)) : kDefaultAlign);
    QCOMPARE(QString::fromUtf8(sc.symbols.name(s.label)), label);
    QCOMPARE(formatScenarioText(sc, p), text);
}

void TestPrivateRegion::textErrors_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<bool>("withPlatform");
    QTest::addColumn<QString>("error");

    QTest::newRow("a kind") << "alloc viafb/fb 4M from-region fbpool" << true
                            << "t:1:13: error: alloc ... from-region takes no kind";
    QTest::newRow("unknown region") << "alloc viafb 4M from-region nosuch" << true
                                    << "t:1:28: error: no region named 'nosuch'";
    QTest::newRow("no region") << "alloc viafb 4M from-region" << true << "t:1:16: error: unexpected 'from-region'";
    QTest::newRow("twice") << "alloc viafb 4M from-region fbpool from-region common" << true
                           << "t:1:35: error: unexpected 'from-region'";
    QTest::newRow("no platform") << "alloc viafb 4M from-region fbpool" << false
                                 << "t:1:28: error: region 'fbpool': this step needs the project's platform";
    // The map form keeps its own checks.
    QTest::newRow("alloc of 0") << "alloc viafb 0" << true << "t:1:13: error: an allocation of 0 bytes";
    QTest::newRow("alloc align 3K") << "alloc viafb 4M align=3K" << true
                                    << "t:1:22: error: the alignment 3 KiB is not a power of two";
}

void TestPrivateRegion::textErrors()
{
    QFETCH(QString, line);
    QFETCH(bool, withPlatform);
    QFETCH(QString, error);
    const Platform p = viafbBoard();
    ScenarioTextOptions options;
    options.platform = withPlatform ? &p : nullptr;
    const ScenarioTextResult r = parseScenarioText(line.toStdString(), options);
    QVERIFY(!r.ok());
    QVERIFY(r.scenarios.empty());
    const QString text = QString::fromStdString(r.errorText("t"));
    QVERIFY2(text.startsWith(error), qPrintable(text));
}

void TestPrivateRegion::projectFileRoundTrips()
{
    Project project;
    project.platform = viafbBoard();
    Scenario sc;
    sc.name = "framebuffers";
    sc.allocateFromRegion(1, "viafb", 4 * MiB, "fb0", 128 * KiB);
    sc.allocateFromRegion(1, "viafb", 0, "zero");
    sc.allocateFromRegion(0, "viafb", MiB, "", 3 * KiB);
    sc.free("fb0");
    project.scenarios.push_back(std::move(sc));
    const std::string text = serializeProject(project);
    QVERIFY(text.find("\"private_handle\": true") != std::string::npos);
    QVERIFY(text.find("\"op\": \"alloc_from_region\"") != std::string::npos);
    const ProjectLoadResult back = parseProject(text);
    QVERIFY2(back.ok(), back.errorText().c_str());
    QCOMPARE(back.project->platform, project.platform);
    const Scenario& b = back.project->scenarios.front();
    QCOMPARE(b.steps.size(), project.scenarios.front().steps.size());
    for (std::size_t i = 0; i < b.steps.size(); ++i) {
        const Step& x = project.scenarios.front().steps[i];
        const Step& y = b.steps[i];
        QCOMPARE(y.type, x.type);
        QCOMPARE(y.region, x.region);
        QCOMPARE(y.size, x.size);
        QCOMPARE(y.offset, x.offset);
        QCOMPARE(y.alignLog2, x.alignLog2);
        QCOMPARE(b.symbols.name(y.device), project.scenarios.front().symbols.name(x.device));
        QCOMPARE(b.symbols.name(y.label), project.scenarios.front().symbols.name(x.label));
    }
    QCOMPARE(serializeProject(*back.project), text);
}

void TestPrivateRegion::projectFileErrors_data()
{
    QTest::addColumn<QString>("step");
    QTest::addColumn<QString>("message");

    QTest::newRow("no region") << R"({"op":"alloc_from_region","device":"viafb","size":"4M"})"
                               << "scenarios[0].steps[0].region: is required";
    QTest::newRow("unknown region") << R"({"op":"alloc_from_region","region":"x","device":"viafb","size":"4M"})"
                                    << "scenarios[0].steps[0].region: no region named \"x\"";
    QTest::newRow("no device") << R"({"op":"alloc_from_region","region":"fbpool","size":"4M"})"
                               << "scenarios[0].steps[0].device: is required";
    QTest::newRow("no size") << R"({"op":"alloc_from_region","region":"fbpool","device":"viafb"})"
                             << "scenarios[0].steps[0].size: is required";
    QTest::newRow("a kind") << R"({"op":"alloc_from_region","region":"fbpool","device":"viafb","size":"4M","kind":"k"})"
                            << "scenarios[0].steps[0].kind";
    QTest::newRow("flag not boolean") << QString() << "platform.regions[1].private_handle";
}

void TestPrivateRegion::projectFileErrors()
{
    QFETCH(QString, step);
    QFETCH(QString, message);
    Project project;
    project.platform = viafbBoard();
    std::string text = serializeProject(project);
    if (step.isEmpty()) {
        const std::string flag = "\"private_handle\": true";
        text.replace(text.find(flag), flag.size(), "\"private_handle\": \"yes\"");
    } else {
        const std::string empty = "\"scenarios\": []";
        QVERIFY(text.find(empty) != std::string::npos);
        text.replace(
            text.find(empty), empty.size(), R"("scenarios": [{"name":"s","steps":[)" + step.toStdString() + "]}]");
    }
    const ProjectLoadResult r = parseProject(text);
    const QString all = QString::fromStdString(r.errorText());
    QVERIFY2(all.contains(message), qPrintable(all));
}

void TestPrivateRegion::exportLeavesItOut_data()
{
    QTest::addColumn<QByteArray>("form");
    QTest::newRow("v1") << QByteArray("v1");
    QTest::newRow("v3") << QByteArray("v3");
    QTest::newRow("v4") << QByteArray("v4");
    QTest::newRow("board code") << QByteArray("code");
}

void TestPrivateRegion::exportLeavesItOut()
{
    QFETCH(QByteArray, form);
    const Platform p = viafbBoard("viafb=common");
    const ExportResult out = export2010(p, *lang2010FormFromId(form.toStdString()));
    QVERIFY2(out.ok(), out.error.c_str());
    QVERIFY2(out.text.find("fbpool") == std::string::npos, out.text.c_str());
    QVERIFY(out.text.find("common") != std::string::npos);
    QVERIFY(std::any_of(out.notes.begin(), out.notes.end(),
        [](const std::string& n) { return n.find("private region 'fbpool' left out") != std::string::npos; }));
}

void TestPrivateRegion::validation_data()
{
    QTest::addColumn<QByteArray>("map");
    QTest::addColumn<QByteArray>("dialect");
    QTest::addColumn<bool>("privateHandle");
    QTest::addColumn<bool>("modern");
    QTest::addColumn<bool>("mapWarning");
    QTest::addColumn<bool>("dialectWarning");

    QTest::newRow("rule names it") << QByteArray("viafb=fbpool,common") << QByteArray("v3") << true << false << true
                                   << false;
    QTest::newRow("rule names it, v4") << QByteArray("viafb=fbpool") << QByteArray("v4") << true << false << true
                                       << false;
    QTest::newRow("named: no warning") << QByteArray("viafb=fbpool,common") << QByteArray("v3") << false << false
                                       << false << false;
    QTest::newRow("not in the map") << QByteArray("viafb=common") << QByteArray("v3") << true << false << false
                                    << false;
    // v1 had no private regions: the mark gets a warning, requests by its handle are refused when run.
    QTest::newRow("v1") << QByteArray("viafb=common") << QByteArray("v1") << true << false << false << true;
    QTest::newRow("modern ignores it") << QByteArray("viafb=fbpool") << QByteArray("legacy") << true << true << false
                                       << true;
}

void TestPrivateRegion::validation()
{
    QFETCH(QByteArray, map);
    QFETCH(QByteArray, dialect);
    QFETCH(bool, privateHandle);
    QFETCH(bool, modern);
    QFETCH(bool, mapWarning);
    QFETCH(bool, dialectWarning);
    Platform p = viafbBoard(map.constData(), dialect);
    p.regions[1].privateHandle = privateHandle;
    if (modern)
        p.mapMode = MapMode::Modern;
    const auto diags = validate(p);
    QCOMPARE(hasCheck(diags, "map-private-region", Severity::Warning), mapWarning);
    QCOMPARE(hasCheck(diags, "private-handle", Severity::Warning), dialectWarning);
    if (mapWarning) {
        const auto it = std::find_if(
            diags.begin(), diags.end(), [](const Diagnostic& d) { return d.check == "map-private-region"; });
        QVERIFY2(it->message.find("the kernel never finds it by name") != std::string::npos, it->message.c_str());
        QCOMPARE(QString::fromStdString(it->path), QStringLiteral("rules[0].regions[0]"));
    }
}

QTEST_APPLESS_MAIN(TestPrivateRegion)
#include "tst_privateregion.moc"
