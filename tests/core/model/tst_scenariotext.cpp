// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario text form (model/scenariotext.h, docs/scenario-text.md): every step type reads and writes,
// formatting then parsing gives the same steps back (demos and a kernel trace), and every malformed line
// gets an error naming its line and column.
#include "support/captures.h"
#include "support/platforms.h"

#include <cmascope/model/scenariotext.h>
#include <cmascope/plan/placement.h>
#include <cmascope/replay/replay.h>
#include <cmascope/util/units.h>

#include <QTest>

using namespace cmascope;

class TestScenarioText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsEveryStep();
    void physicalAddressNeedsAPlacedRegion();
    void roundTripDemos_data();
    void roundTripDemos();
    void roundTripKernelTrace();
    void namesWithSyntaxAreQuoted();
    void errors_data();
    void errors();
    void errorsAreBoundedAndNothingHalfRead();
};

namespace {
Platform twoRegions()
{
    Platform pf;
    pf.name = "board";
    pf.banks.push_back({ "dram", 0x40000000, 512 * MiB, 0 });
    Region video;
    video.name = "video";
    video.size = 64 * MiB;
    video.placement = Placement::Fixed;
    video.start = 0x4e000000;
    Region gfx;
    gfx.name = "gfx";
    gfx.size = 16 * MiB;
    pf.regions = { video, gfx };
    return pf;
}

bool sameSteps(const Scenario& a, const Scenario& b)
{
    if (a.name != b.name || a.description != b.description || a.steps.size() != b.steps.size())
        return false;
    for (std::size_t i = 0; i < a.steps.size(); ++i) {
        const Step &x = a.steps[i], &y = b.steps[i];
        if (x.type != y.type || x.alignLog2 != y.alignLog2 || x.region != y.region || x.size != y.size
            || x.offset != y.offset || a.symbols.name(x.device) != b.symbols.name(y.device)
            || a.symbols.name(x.kind) != b.symbols.name(y.kind) || a.symbols.name(x.label) != b.symbols.name(y.label))
            return false;
    }
    return true;
}
} // namespace

void TestScenarioText::readsEveryStep()
{
    const Platform pf = twoRegions();
    const auto r = parseScenarioText(R"(# a comment line
scenario "HD decode"
description "one HD decode, then two SD"
alloc mfc/a 6M align=128K as hd0   # trailing comment
alloc fimc 64K
phase "video conference"
pin video@2M+1M
unpin video@2M+1M
free hd0
reset
place gfx@0+8K by camera as c1
release gfx@4K+4K
refused gfx 2M order=9 by camera
scenario two
alloc mfc/b 1M
)",
        { &pf });
    QVERIFY2(r.ok(), r.errorText("text").c_str());
    QCOMPARE(r.scenarios.size(), std::size_t(2));
    const Scenario& s = r.scenarios[0];
    QCOMPARE(s.name, std::string("HD decode"));
    QCOMPARE(s.description, std::string("one HD decode, then two SD"));
    QCOMPARE(s.steps.size(), std::size_t(10));
    const Step& a = s.steps[0];
    QCOMPARE(a.type, StepType::Allocate);
    QCOMPARE(s.symbols.name(a.device), std::string_view("mfc"));
    QCOMPARE(s.symbols.name(a.kind), std::string_view("a"));
    QCOMPARE(a.size, 6 * MiB);
    QCOMPARE(a.alignLog2, std::uint8_t(17));
    QCOMPARE(s.symbols.name(a.label), std::string_view("hd0"));
    QCOMPARE(s.steps[1].kind, std::uint32_t(0));
    QCOMPARE(s.steps[1].alignLog2, kDefaultAlign);
    QCOMPARE(s.symbols.name(s.steps[2].label), std::string_view("video conference"));
    QCOMPARE(s.steps[3].type, StepType::Pin);
    QCOMPARE(s.steps[3].region, std::uint16_t(0));
    QCOMPARE(s.steps[3].offset, std::uint64_t(512)); // 2 MiB in 4 KiB pages
    QCOMPARE(s.steps[3].size, std::uint64_t(256));
    QCOMPARE(s.steps[4].type, StepType::Unpin);
    QCOMPARE(s.steps[5].type, StepType::Free);
    QCOMPARE(s.steps[6].type, StepType::Reset);
    QCOMPARE(s.steps[7].type, StepType::Place);
    QCOMPARE(s.steps[7].region, std::uint16_t(1));
    QCOMPARE(s.steps[7].size, std::uint64_t(2));
    QCOMPARE(s.symbols.name(s.steps[7].device), std::string_view("camera"));
    QCOMPARE(s.steps[8].type, StepType::Release);
    QCOMPARE(s.steps[8].offset, std::uint64_t(1));
    QCOMPARE(s.steps[9].type, StepType::Refused);
    QCOMPARE(s.steps[9].size, std::uint64_t(512));
    QCOMPARE(s.steps[9].alignLog2, std::uint8_t(9));
    QCOMPARE(r.scenarios[1].name, std::string("two"));
    QCOMPARE(r.scenarios[1].steps.size(), std::size_t(1));
}

void TestScenarioText::physicalAddressNeedsAPlacedRegion()
{
    Platform pf = twoRegions();
    // video is Fixed at 0x4e000000: its address is known before placement.
    auto r = parseScenarioText("pin 0x4e200000+2M\n", { &pf });
    QVERIFY2(r.ok(), r.errorText("text").c_str());
    QCOMPARE(r.scenarios.at(0).steps.at(0).region, std::uint16_t(0));
    QCOMPARE(r.scenarios[0].steps[0].offset, std::uint64_t(512));
    QCOMPARE(r.scenarios[0].steps[0].size, std::uint64_t(512));
    // gfx is dynamic: only once placed.
    r = parseScenarioText("pin 0x5f000000+4K\n", { &pf });
    QVERIFY(!r.ok());
    QVERIFY2(r.errors[0].message.find("no placed region holds 0x5f000000") != std::string::npos,
        r.errors[0].message.c_str());
    QVERIFY(placeRegions(pf).ok());
    const std::uint64_t gfx = *pf.regions[1].placedBase;
    r = parseScenarioText("unpin " + hexText(gfx + 8 * KiB) + "+4K\n", { &pf });
    QVERIFY2(r.ok(), r.errorText("text").c_str());
    QCOMPARE(r.scenarios[0].steps[0].region, std::uint16_t(1));
    QCOMPARE(r.scenarios[0].steps[0].offset, std::uint64_t(2));
    // A range that straddles the end of a region is not held by it.
    r = parseScenarioText("pin " + hexText(gfx + 16 * MiB - 4 * KiB) + "+8K\n", { &pf });
    QVERIFY(!r.ok());
}

void TestScenarioText::roundTripDemos_data()
{
    QTest::addColumn<QString>("demo");
    QTest::newRow("camera-video-2010") << QStringLiteral("camera-video-2010.json");
    QTest::newRow("gfx-fragmentation") << QStringLiteral("gfx-fragmentation.json");
    QTest::newRow("rzg2l-smarc-dt") << QStringLiteral("rzg2l-smarc-dt.json");
}

void TestScenarioText::roundTripDemos()
{
    QFETCH(QString, demo);
    const Project p = test::loadDemo(demo.toUtf8().constData());
    for (const Scenario& s : p.scenarios) {
        const std::string text = formatScenarioText(s, p.platform);
        const auto r = parseScenarioText(text, { &p.platform });
        QVERIFY2(r.ok(), (r.errorText("formatted") + text).c_str());
        QCOMPARE(r.scenarios.size(), std::size_t(1));
        QVERIFY2(sameSteps(s, r.scenarios[0]), text.c_str());
        QCOMPARE(formatScenarioText(r.scenarios[0], p.platform), text); // a fixed point
    }
}

void TestScenarioText::roundTripKernelTrace()
{
    // A real capture: place, release and refused steps with a trace's page numbers.
    const auto dir = test::captureDir("k612-busy-retry");
    const ReplayResult replay = replayTrace(test::loadTrace(test::traceFile(dir)), test::bootInputs(dir));
    QVERIFY2(replay.error.empty(), replay.error.c_str());
    const Project p = replayProject(replay, "k612-busy-retry");
    const Scenario& s = p.scenarios.at(0);
    QVERIFY(std::any_of(s.steps.begin(), s.steps.end(), [](const Step& st) { return st.type == StepType::Refused; }));
    const std::string text = formatScenarioText(s, p.platform);
    const auto r = parseScenarioText(text, { &p.platform });
    QVERIFY2(r.ok(), r.errorText("formatted").c_str());
    QVERIFY(sameSteps(s, r.scenarios.at(0)));
}

void TestScenarioText::namesWithSyntaxAreQuoted()
{
    Platform pf = twoRegions();
    pf.regions[1].name = "gfx pool@2";
    Scenario s;
    s.name = "";
    s.description = "line one\nline \"two\" \\ end";
    s.allocate("my dev", "kind/x", 4096, "a#b");
    s.phase("");
    s.pin(1, 1, 2);
    const std::string text = formatScenarioText(s, pf);
    const auto r = parseScenarioText(text, { &pf });
    QVERIFY2(r.ok(), (r.errorText("formatted") + text).c_str());
    QVERIFY2(sameSteps(s, r.scenarios.at(0)), text.c_str());
}

void TestScenarioText::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown step") << "alloc a 4K\nallocate a 4K" << 2 << 1 << "unknown step 'allocate'";
    QTest::newRow("missing size") << "alloc mfc/a" << 1 << 12 << "missing words; expected: alloc DEVICE";
    QTest::newRow("bad size") << "alloc mfc 6Q" << 1 << 12 << "size '6Q' is not a size";
    QTest::newRow("size overflow") << "alloc mfc 99999999999999999999" << 1 << 11 << "does not fit in 64 bits";
    QTest::newRow("suffix overflow") << "alloc mfc 16777216T" << 1 << 11 << "does not fit in 64 bits";
    QTest::newRow("zero bytes") << "alloc mfc 0" << 1 << 11 << "an allocation of 0 bytes";
    QTest::newRow("negative") << "alloc mfc -4K" << 1 << 11 << "'-4K' is not a size";
    QTest::newRow("align not power") << "alloc mfc 4K align=96K" << 1 << 20 << "96 KiB is not a power of two";
    QTest::newRow("stray word") << "alloc mfc 4K quickly" << 1 << 14 << "unexpected 'quickly'";
    QTest::newRow("unterminated quote") << "phase \"video" << 1 << 7 << "unterminated quote";
    QTest::newRow("free two labels") << "free a b" << 1 << 8 << "unexpected 'b'; expected: free LABEL";
    QTest::newRow("no device") << "alloc /a 4K" << 1 << 7 << "alloc needs a device name";
    QTest::newRow("unknown region") << "pin audio@0+4K" << 1 << 5 << "no region named 'audio'";
    QTest::newRow("not pages") << "pin video@0+6000" << 1 << 13
                               << "the size 6000 bytes is not a whole number of 4 KiB pages";
    QTest::newRow("outside region") << "pin video@63M+2M" << 1 << 11 << "are not inside 'video' (16384 pages)";
    QTest::newRow("address overflow") << "pin 0xffffffffffffffff+4K" << 1 << 5 << "no placed region holds";
    QTest::newRow("no plus") << "pin video@4K" << 1 << 5 << "expected REGION@OFFSET+SIZE";
    QTest::newRow("place without owner") << "place gfx@0+4K as x y" << 1 << 21 << "unexpected 'y'";
    QTest::newRow("refused bad order") << "refused gfx 4K order=x by a" << 1 << 16 << "expected order=N";
    QTest::newRow("refused order too big") << "refused gfx 4K order=64 by a" << 1 << 16 << "expected order=N";
    QTest::newRow("reset with words") << "reset now" << 1 << 7 << "unexpected 'now'";
}

void TestScenarioText::errors()
{
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);
    const Platform pf = twoRegions();
    const auto r = parseScenarioText(text.toStdString(), { &pf });
    QVERIFY(!r.ok());
    QVERIFY(r.scenarios.empty());
    const ScenarioTextError& e = r.errors.at(0);
    QVERIFY2(e.message.find(message.toStdString()) != std::string::npos, e.message.c_str());
    QCOMPARE(int(e.line), line);
    QCOMPARE(int(e.column), column);
    QVERIFY(r.errorText("steps.txt")
                .starts_with("steps.txt:" + std::to_string(line) + ":" + std::to_string(column) + ": error: "));
}

void TestScenarioText::errorsAreBoundedAndNothingHalfRead()
{
    std::string text = "alloc ok 4K\n";
    for (int i = 0; i < 1000; ++i)
        text += "bogus\n";
    const auto r = parseScenarioText(text, { nullptr, 10 });
    QCOMPARE(r.errors.size(), std::size_t(10));
    QVERIFY(r.scenarios.empty());
    // Without a platform, region steps say why they cannot be read.
    const auto noPlatform = parseScenarioText("pin video@0+4K");
    QVERIFY(!noPlatform.ok());
    QVERIFY2(noPlatform.errors[0].message.find("needs the project's platform") != std::string::npos,
        noPlatform.errors[0].message.c_str());
}

QTEST_GUILESS_MAIN(TestScenarioText)
#include "tst_scenariotext.moc"
