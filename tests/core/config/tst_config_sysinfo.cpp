// SPDX-License-Identifier: GPL-2.0-or-later
// Import of what a running board tells (/proc/iomem, dmesg), format guessing and the JSON path (issue 4).
#include <cmascope/config/configio.h>

#include <QTest>

using namespace cmascope;

class TestConfigSysinfo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void iomem();
    void iomemErrors_data();
    void iomemErrors();
    void dmesg();
    void dmesgNothing();
    void guess_data();
    void guess();
    void jsonRoundTrip();
    void readOnlyFormats();
};

static const char* const kIomem = R"(00000000-00000fff : Reserved
00001000-0009fbff : System RAM
0009fc00-0009ffff : Reserved
00100000-bffdffff : System RAM
  01000000-01e0256a : Kernel code
  02000000-0236bfff : Kernel rodata
fed00000-fed003ff : HPET 0
100000000-23fffffff : System RAM
  1f0000000-1ffffffff : Crash kernel
)";

void TestConfigSysinfo::iomem()
{
    const auto r = importIomem(kIomem);
    QVERIFY2(r.ok(), r.errorText().c_str());
    const auto& banks = r.project->platform.banks;
    QCOMPARE(banks.size(), std::size_t(3));
    QCOMPARE(banks[0].base, std::uint64_t(0x1000));
    QCOMPARE(banks[0].size, std::uint64_t(0x9fc00 - 0x1000));
    QCOMPARE(banks[1].base, std::uint64_t(0x100000));
    QCOMPARE(banks[1].size, std::uint64_t(0xbffe0000 - 0x100000));
    QCOMPARE(banks[2].base, std::uint64_t(0x100000000));
    QCOMPARE(banks[2].size, std::uint64_t(5) * GiB);
    QCOMPARE(banks[2].name, std::string("ram@100000000"));
    // The banks replace those of a base platform; its regions are kept.
    Platform base;
    base.banks.push_back({ "old", 0, 1 * GiB, 0 });
    Region keep;
    keep.name = "keep";
    keep.size = 16 * MiB;
    base.regions.push_back(keep);
    ImportOptions opt;
    opt.base = &base;
    const auto merged = importIomem(kIomem, opt);
    QVERIFY(merged.ok());
    QCOMPARE(merged.project->platform.banks.size(), std::size_t(3));
    QVERIFY(!merged.project->platform.regions.empty());
}

void TestConfigSysinfo::iomemErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("not root") << QStringLiteral("00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n")
                              << QStringLiteral("read it as root");
    QTest::newRow("malformed") << QStringLiteral("00001000-0009fbff : System RAM\nhello world\n")
                               << QStringLiteral("line 2: error: not an iomem line");
    QTest::newRow("reversed") << QStringLiteral("00002000-00001000 : System RAM\n") << QStringLiteral("is below start");
    QTest::newRow("no RAM") << QStringLiteral("fed00000-fed003ff : HPET 0\n")
                            << QStringLiteral("no top-level \"System RAM\"");
}

void TestConfigSysinfo::iomemErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    ImportOptions opt;
    opt.sourceName = "iomem.txt";
    const auto r = importIomem(text.toStdString(), opt);
    QVERIFY(!r.ok());
    QVERIFY2(r.errorText().find(message.toStdString()) != std::string::npos, r.errorText().c_str());
    QVERIFY(r.errorText().starts_with("iomem.txt: "));
}

void TestConfigSysinfo::dmesg()
{
    // The emission order of a DT pool (docs/device-tree.md#boot-messages), plus a cma= default area and the memory
    // summary.
    const char* log = R"([    0.000000] Booting Linux on physical CPU 0x0000000000 [0x410fd083]
[    0.000000] Reserved memory: created CMA memory pool at 0x00000000b0000000, size 256 MiB
[    0.000000] OF: reserved mem: initialized node linux,cma, compatible id shared-dma-pool
[    0.000000] OF: reserved mem: 0x00000000b0000000..0x00000000bfffffff (262144 KiB) map reusable linux,cma
[    0.000000] cma: Reserved 64 MiB at 0x000000003b000000 on node 1
[    0.000000] Memory: 970864K/4050944K available (12352K kernel code, 2538K rwdata, 7808K rodata, 5760K init, 622K bss, 208032K reserved, 327680K cma-reserved)
)";
    const auto r = importDmesg(log);
    QVERIFY2(r.ok(), r.errorText().c_str());
    const auto& regs = r.project->platform.regions;
    QCOMPARE(regs.size(), std::size_t(2)); // three lines about the same DT pool make one region
    QCOMPARE(regs[0].name, std::string("linux,cma"));
    QCOMPARE(regs[0].start, std::uint64_t(0xb0000000));
    QCOMPARE(regs[0].size, 256 * MiB);
    QCOMPARE(regs[0].placement, Placement::Fixed);
    QCOMPARE(regs[1].size, 64 * MiB);
    QCOMPARE(regs[1].start, std::uint64_t(0x3b000000));
    QCOMPARE(regs[1].numaNode, 1);
    // 256 + 64 MiB = 327680K: no mismatch warning
    QVERIFY(std::none_of(
        r.messages.begin(), r.messages.end(), [](const Diagnostic& d) { return d.severity == Severity::Warning; }));
    // A missing line shows as a mismatch with the summary.
    std::string cut = log;
    cut.erase(cut.find("[    0.000000] cma: Reserved"),
        std::string("[    0.000000] cma: Reserved 64 MiB at 0x000000003b000000 on node 1\n").size());
    const auto partial = importDmesg(cut);
    QVERIFY(partial.ok());
    QVERIFY(partial.errorText().find("some reservation lines are missing") != std::string::npos);
}

void TestConfigSysinfo::dmesgNothing()
{
    const auto r = importDmesg("[    0.000000] Linux version 6.1.0\n");
    QVERIFY(!r.ok());
    QVERIFY(r.errorText().find("no CMA reservation message") != std::string::npos);
}

void TestConfigSysinfo::guess_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("format");
    QTest::newRow("dtb magic") << QString() << QByteArray("\xd0\x0d\xfe\xed\x00\x00", 6) << int(ConfigFormat::Dtb);
    QTest::newRow("dts ext") << QStringLiteral("board.dts") << QByteArray("") << int(ConfigFormat::Dts);
    QTest::newRow("dts text") << QString() << QByteArray("// x\n/dts-v1/;\n/ { };\n") << int(ConfigFormat::Dts);
    QTest::newRow("json") << QString() << QByteArray("  {\"format\": 1}") << int(ConfigFormat::Json);
    QTest::newRow("iomem") << QString() << QByteArray(kIomem) << int(ConfigFormat::Iomem);
    QTest::newRow("dmesg") << QString() << QByteArray("[ 0.0] cma: Reserved 16 MiB at 0x0000000080000000\n")
                           << int(ConfigFormat::Dmesg);
    QTest::newRow("mainline") << QString() << QByteArray("root=/dev/sda1 cma=64M@0-4G quiet")
                              << int(ConfigFormat::Cmdline);
    QTest::newRow("numa only") << QString() << QByteArray("numa_cma=0:64M") << int(ConfigFormat::Cmdline);
    QTest::newRow("2010 v1") << QString() << QByteArray("cma=r=64M cma_map=video=r") << int(ConfigFormat::Cma2010);
    QTest::newRow("2010 regions only") << QString() << QByteArray("cma=a=32M@0;b=32M@512M")
                                       << int(ConfigFormat::Cma2010);
    QTest::newRow("verkuil") << QString() << QByteArray("banka=20M; banka/foo,bar=30M") << int(ConfigFormat::Verkuil);
    QTest::newRow("nothing") << QString() << QByteArray("hello") << -1;
}

void TestConfigSysinfo::guess()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(int, format);
    const auto g = guessConfigFormat(name.toStdString(), std::string_view(content.constData(), content.size()));
    if (format < 0)
        QVERIFY(!g.has_value());
    else
        QCOMPARE(int(g.value_or(ConfigFormat::Json)), format);
}

void TestConfigSysinfo::jsonRoundTrip()
{
    const auto loaded = loadProjectFile(CMASCOPE_SOURCE_DIR "/resources/demos/camera-video-2010.json");
    QVERIFY(loaded.ok());
    const auto out = exportConfig(*loaded.project, ConfigFormat::Json);
    QVERIFY(out.ok());
    const auto back = importConfig(out.text, ConfigFormat::Json);
    QVERIFY2(back.ok(), back.errorText().c_str());
    QCOMPARE(back.project->platform, loaded.project->platform);
    QCOMPARE(back.project->scenarios.size(), loaded.project->scenarios.size());
    const auto bad = importConfig(
        R"({"format": "cmascope-project", "version": 1, "platform": {"regions": [{"name": "r", "size": "lots"}]}})",
        ConfigFormat::Json);
    QVERIFY(!bad.ok());
    QVERIFY2(bad.errorText().find("platform.regions[0].size") != std::string::npos, bad.errorText().c_str());
}

void TestConfigSysinfo::readOnlyFormats()
{
    Project p;
    for (auto f : { ConfigFormat::Dtb, ConfigFormat::Iomem, ConfigFormat::Dmesg }) {
        QVERIFY(!canExport(f));
        const auto r = exportConfig(p, f);
        QVERIFY(!r.ok());
        QVERIFY(r.text.empty());
    }
    for (auto f : { ConfigFormat::Json, ConfigFormat::Cmdline, ConfigFormat::Dts, ConfigFormat::Dtb,
             ConfigFormat::Iomem, ConfigFormat::Dmesg, ConfigFormat::Cma2010, ConfigFormat::Verkuil })
        QCOMPARE(configFormatFromId(configFormatId(f)), std::optional<ConfigFormat>(f));
}

QTEST_GUILESS_MAIN(TestConfigSysinfo)
#include "tst_config_sysinfo.moc"
