// SPDX-License-Identifier: GPL-2.0-or-later
// Command-line forms (issue 4): mainline cma=/cma_pernuma=/numa_cma=/hugetlb_cma=, the 2010 language (v1, v3,
// v4, board code) and Hans Verkuil's memory-type form — export, import with the kernel's rules and messages,
// and round trips.
#include <cmascope/config/configio.h>
#include <cmascope/model/maplang.h>

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace cmascope;

class TestConfigCmdline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // mainline
    void exportDefaultArea_data();
    void exportDefaultArea();
    void exportPerNode();
    void exportRefusals();
    void mainlineRoundTrip_data();
    void mainlineRoundTrip();
    void mainlineKernelRules_data();
    void mainlineKernelRules();
    void hugetlbSplit();
    // 2010
    void export2010Demo();
    void roundTrip2010_data();
    void roundTrip2010();
    void v1ParserErrors_data();
    void v1ParserErrors();
    void v1Normalisation();
    void v3v4Specifics();
    void platformCodeCompiles();
    // Verkuil
    void verkuilImport();
    void verkuilErrors_data();
    void verkuilErrors();
    void verkuilExportExplains();
    void verkuilRoundTrip();
};

namespace {

Platform twoNodes()
{
    Platform p;
    p.name = "numa board";
    p.mapMode = MapMode::Modern;
    p.banks.push_back({ "n0", 0, 4 * GiB, 0 });
    p.banks.push_back({ "n1", 4 * GiB, 4 * GiB, 1 });
    return p;
}

Region area(std::string name, std::uint64_t size, int node = -1)
{
    Region r;
    r.name = std::move(name);
    r.size = size;
    r.numaNode = node;
    return r;
}

Region defaultArea(std::uint64_t size)
{
    Region r = area("reserved", size);
    r.isDefault = true;
    return r;
}

bool hasMessage(const ImportResult& r, const std::string& text)
{
    return std::any_of(r.messages.begin(), r.messages.end(), [&](const Diagnostic& d) {
        return d.message.find(text) != std::string::npos || d.path.find(text) != std::string::npos;
    });
}

/// The fields the 2010 language holds.
void compare2010(const Platform& got, const Platform& want, bool asterisk)
{
    QCOMPARE(got.regions.size(), want.regions.size());
    for (std::size_t i = 0; i < want.regions.size(); ++i) {
        const Region& g = got.regions[i];
        const Region& w = want.regions[i];
        QCOMPARE(g.name, w.name);
        QCOMPARE(g.size, w.size);
        QCOMPARE(g.placement, w.placement);
        QCOMPARE(g.start, w.start);
        QCOMPARE(g.alignment, w.alignment);
        QCOMPARE(g.policy, w.policy);
        if (asterisk)
            QCOMPARE(g.asterisk, w.asterisk);
    }
    QCOMPARE(got.rules, want.rules);
    QCOMPARE(got.mapMode, MapMode::Map2010);
}

Platform board2010()
{
    // Michał's MFC case (22 Jul 2010): cma=vf=1M/128K;a=20M;b=20M@512M; cma_map=video/a=a;video/b=b;video/f=vf
    Platform p;
    p.mapMode = MapMode::Map2010;
    p.banks.push_back({ "bank0", 0, 512 * MiB, 0 });
    p.banks.push_back({ "bank1", 512 * MiB, 512 * MiB, 0 });
    Region vf = area("vf", 1 * MiB);
    vf.alignment = 128 * KiB;
    vf.policy = PolicyKind::BestFit2010;
    Region a = area("a", 20 * MiB);
    a.policy = PolicyKind::BestFit2010;
    a.asterisk = true;
    Region b = area("b", 20 * MiB);
    b.placement = Placement::Fixed;
    b.start = 512 * MiB;
    b.policy = PolicyKind::FirstFit;
    p.regions = { vf, a, b };
    p.rules = { { { "video/a" }, { "a" } }, { { "video/b" }, { "b", "a" } }, { { "video/f" }, { "vf" } },
        { { "baz?/a*", "baz?/b*" }, { "b" } } };
    return p;
}

} // namespace

// ---- mainline ----------------------------------------------------------------------------------------------

void TestConfigCmdline::exportDefaultArea_data()
{
    QTest::addColumn<int>("variant");
    QTest::addColumn<QString>("expected");
    QTest::newRow("anywhere") << 0 << QStringLiteral("cma=256M");
    QTest::newRow("fixed") << 1 << QStringLiteral("cma=64M@0x60000000");
    QTest::newRow("below a limit") << 2 << QStringLiteral("cma=256M@0x0-0xc0000000");
    QTest::newRow("inside a range") << 3 << QStringLiteral("cma=64M@0x40000000-0x80000000");
    QTest::newRow("disabled") << 4 << QStringLiteral("cma=0");
}

void TestConfigCmdline::exportDefaultArea()
{
    QFETCH(int, variant);
    QFETCH(QString, expected);
    Platform p = twoNodes();
    Region d = defaultArea(variant == 1 || variant == 3 ? 64 * MiB : 256 * MiB);
    if (variant == 1) {
        d.placement = Placement::Fixed;
        d.start = 0x60000000;
    } else if (variant == 2) {
        d.limit = 0xc0000000;
    } else if (variant == 3) {
        d.allocRanges.push_back({ 0x40000000, 0x40000000 });
    } else if (variant == 4) {
        d.size = 0;
    }
    p.regions.push_back(d);
    const auto r = exportCmdline(p);
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(QString::fromStdString(r.text).trimmed(), expected);
}

void TestConfigCmdline::exportPerNode()
{
    Platform p = twoNodes();
    p.regions.push_back(defaultArea(128 * MiB));
    p.regions.push_back(area("pernuma0", 64 * MiB, 0));
    p.regions.push_back(area("pernuma1", 64 * MiB, 1));
    p.regions.push_back(area("numa1", 32 * MiB, 1));
    p.regions.push_back(area("hugetlb0", 2 * GiB, 0));
    auto r = exportCmdline(p);
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(r.text, std::string("cma=128M cma_pernuma=64M numa_cma=1:32M hugetlb_cma=0:2G\n"));
    // Different sizes per node cannot be cma_pernuma=
    p.regions[2].size = 16 * MiB;
    p.regions.erase(p.regions.begin() + 3);
    r = exportCmdline(p);
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(r.text, std::string("cma=128M numa_cma=0:64M,1:16M hugetlb_cma=0:2G\n"));
    QVERIFY(!r.notes.empty());
}

void TestConfigCmdline::exportRefusals()
{
    Platform p = twoNodes();
    Region d = defaultArea(64 * MiB);
    d.placement = Placement::Fixed;
    d.start = 0;
    p.regions.push_back(d);
    auto r = exportCmdline(p);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.find("anywhere below") != std::string::npos, r.error.c_str());
    p.regions = { area("private", 16 * MiB) };
    r = exportCmdline(p);
    QVERIFY(!r.ok()); // nothing the mainline command line can declare
    p.regions = { defaultArea(16 * MiB), area("private", 16 * MiB) };
    r = exportCmdline(p);
    QVERIFY(r.ok());
    QVERIFY(std::any_of(
        r.notes.begin(), r.notes.end(), [](const std::string& n) { return n.find("'private'") != std::string::npos; }));
}

void TestConfigCmdline::mainlineRoundTrip_data()
{
    QTest::addColumn<int>("variant");
    QTest::newRow("fixed default") << 0;
    QTest::newRow("default below limit + numa") << 1;
    QTest::newRow("default in range + pernuma + hugetlb") << 2;
}

void TestConfigCmdline::mainlineRoundTrip()
{
    QFETCH(int, variant);
    Platform p = twoNodes();
    Region d = defaultArea(64 * MiB);
    if (variant == 0) {
        d.placement = Placement::Fixed;
        d.start = 0x70000000;
    } else if (variant == 1) {
        d.limit = 3 * GiB;
        p.regions.push_back(d);
        p.regions.push_back(area("numa0", 16 * MiB, 0));
        p.regions.push_back(area("numa1", 48 * MiB, 1));
    } else {
        d.allocRanges.push_back({ 1 * GiB, 2 * GiB });
        p.regions.push_back(d);
        p.regions.push_back(area("pernuma0", 8 * MiB, 0));
        p.regions.push_back(area("pernuma1", 8 * MiB, 1));
        Region h = area("hugetlb1", 2 * GiB, 1);
        h.alignment = 1 * GiB;
        h.params.orderPerBit = 9;
        h.maxRanges = kCmaMaxRanges; // a hugetlb_cma= area may have several ranges (6.15 and later)
        p.regions.push_back(h);
    }
    if (variant == 0)
        p.regions.push_back(d);
    const auto out = exportCmdline(p);
    QVERIFY2(out.ok(), out.error.c_str());
    ImportOptions opt;
    opt.base = &p;
    const auto back = importCmdline(out.text, opt);
    QVERIFY2(back.ok(), back.errorText().c_str());
    QCOMPARE(back.project->platform.regions, p.regions);
    QCOMPARE(back.project->platform.banks, p.banks);
}

void TestConfigCmdline::mainlineKernelRules_data()
{
    QTest::addColumn<QString>("cmdline");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qulonglong>("size");
    QTest::addColumn<QString>("message");
    QTest::newRow("hex") << QStringLiteral("console=ttyS0 cma=0x4000000 quiet") << true << qulonglong(64 * MiB)
                         << QString();
    QTest::newRow("leading zero is octal") << QStringLiteral("cma=0100K") << true << qulonglong(64 * KiB) << QString();
    QTest::newRow("lower-case suffix") << QStringLiteral("cma=1g") << true << qulonglong(GiB) << QString();
    QTest::newRow("quoted") << QStringLiteral("\"cma=32M\"") << true << qulonglong(32 * MiB) << QString();
    QTest::newRow("trailing junk is ignored")
        << QStringLiteral("cma=64Mfoo") << true << qulonglong(64 * MiB) << QStringLiteral("ignores \"foo\"");
    QTest::newRow("base 0 is not fixed") << QStringLiteral("cma=64M@0") << true << qulonglong(64 * MiB)
                                         << QStringLiteral("not a fixed placement");
    QTest::newRow("last one wins") << QStringLiteral("cma=16M cma=32M") << true << qulonglong(32 * MiB)
                                   << QStringLiteral("more than once");
    QTest::newRow("no value") << QStringLiteral("cma") << false << qulonglong(0)
                              << QStringLiteral("Config string not provided");
    QTest::newRow("exceeds limit") << QStringLiteral("cma=2G@1G-2G") << false << qulonglong(0)
                                   << QStringLiteral("exceeds limit");
    QTest::newRow("overflow") << QStringLiteral("cma=99999999999999999999") << false << qulonglong(0)
                              << QStringLiteral("does not fit");
    QTest::newRow("numa without node") << QStringLiteral("numa_cma=64M") << false << qulonglong(0)
                                       << QStringLiteral("numa_cma: Invalid numa_cma parameter");
    QTest::newRow("numa stops at junk") << QStringLiteral("numa_cma=0:16M,x:1G") << true << qulonglong(0)
                                        << QStringLiteral("stops reading");
    // The per-node size was rounded up to 1 GiB with (size + 1G - 1): it wrapped to a tiny area.
    QTest::newRow("hugetlb_cma near 2^64") << QStringLiteral("hugetlb_cma=0xffffffffffffffff") << false << qulonglong(0)
                                           << QStringLiteral("passes 2^64 when rounded up to 1 GiB");
    QTest::newRow("2010 form is refused")
        << QStringLiteral("cma=r=64M") << false << qulonglong(0) << QStringLiteral("2010 CMA language");
}

void TestConfigCmdline::mainlineKernelRules()
{
    QFETCH(QString, cmdline);
    QFETCH(bool, ok);
    QFETCH(qulonglong, size);
    QFETCH(QString, message);
    const auto r = importCmdline(cmdline.toStdString());
    QCOMPARE(r.ok(), ok);
    if (!message.isEmpty())
        QVERIFY2(hasMessage(r, message.toStdString()), r.errorText().c_str());
    if (ok && size) {
        const Region* d = r.project->platform.findRegion("reserved");
        QVERIFY(d);
        QCOMPARE(qulonglong(d->size), size);
        QVERIFY(d->isDefault);
    }
    if (!ok) { // errors name where
        const auto err = std::find_if(
            r.messages.begin(), r.messages.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
        QVERIFY(err != r.messages.end());
        QVERIFY2(err->path.find("column") != std::string::npos, err->path.c_str());
    }
    if (cmdline == QLatin1String("numa_cma=0:16M,x:1G")) {
        QCOMPARE(r.project->platform.regions.size(), std::size_t(1));
        QCOMPARE(r.project->platform.regions[0].name, std::string("numa0"));
    }
    if (cmdline == QLatin1String("cma=64M@0")) {
        const Region* d = r.project->platform.findRegion("reserved");
        QCOMPARE(d->placement, Placement::Dynamic);
        QCOMPARE(d->limit, 64 * MiB);
    }
}

void TestConfigCmdline::hugetlbSplit()
{
    // hugetlb_cma_reserve(): DIV_ROUND_UP(3G, 2) = 1.5G rounded up to 2G on node 0, the remaining 1G on node 1
    const Platform base = twoNodes();
    ImportOptions opt;
    opt.base = &base;
    const auto r = importCmdline("hugetlb_cma=3G", opt);
    QVERIFY2(r.ok(), r.errorText().c_str());
    const auto& regs = r.project->platform.regions;
    QCOMPARE(regs.size(), std::size_t(2));
    QCOMPARE(regs[0].name, std::string("hugetlb0"));
    QCOMPARE(regs[0].size, 2 * GiB);
    QCOMPARE(regs[1].size, 1 * GiB);
    QCOMPARE(regs[1].numaNode, 1);
    // Since 6.15 each area may be split over up to CMA_MAX_RANGES ranges (docs/kernel-cma.md); the import says so.
    QCOMPARE(regs[0].maxRanges, kCmaMaxRanges);
    QVERIFY(hasMessage(r, "hugetlb0: placed as kernels 6.15 and later place hugetlb_cma= areas, in up to 8 ranges"));
    // An area of one range exports all the same, with a note that a 6.15+ kernel may split it.
    Platform one = r.project->platform;
    one.regions[1].maxRanges = 1;
    const ExportResult back = exportCmdline(one);
    QCOMPARE(back.text, std::string("hugetlb_cma=0:2G,1:1G\n"));
    QVERIFY(std::any_of(back.notes.begin(), back.notes.end(),
        [](const std::string& n) { return n.starts_with("'hugetlb1' is one range here"); }));
    QVERIFY(std::none_of(
        back.notes.begin(), back.notes.end(), [](const std::string& n) { return n.starts_with("'hugetlb0'"); }));
    const auto pernuma = importCmdline("cma_pernuma=32M");
    QVERIFY(pernuma.ok());
    QVERIFY(hasMessage(pernuma, "no banks known"));
    QCOMPARE(pernuma.project->platform.regions.size(), std::size_t(1));
}

// ---- 2010 --------------------------------------------------------------------------------------------------

void TestConfigCmdline::export2010Demo()
{
    const auto loaded = loadProjectFile(CMASCOPE_SOURCE_DIR "/resources/demos/camera-video-2010.json");
    QVERIFY2(loaded.ok(), loaded.errorText().c_str());
    const Platform& p = loaded.project->platform;
    // v3: fw is not an asterisk region ('-'), the '*' list stays
    auto r = export2010(p, Lang2010Form::V3);
    QVERIFY(r.ok());
    QCOMPARE(r.text,
        std::string("cma=-fw=1M/128K:bf;b1=32M:bf;b2=16M@0x40000000:bf "
                    "cma.map=s3c-mfc5/f=fw;s3c-mfc5/a=b1;s3c-mfc5/b=b2,b1;*/*=*\n"));
    // v1: no asterisk, '*' expanded in declaration order, cma_map=
    r = export2010(p, Lang2010Form::V1);
    QVERIFY(r.ok());
    QCOMPARE(r.text,
        std::string("cma=fw=1M/128K:bf;b1=32M:bf;b2=16M@0x40000000:bf "
                    "cma_map=s3c-mfc5/f=fw;s3c-mfc5/a=b1;s3c-mfc5/b=b2,b1;*/*=b1,b2\n"));
    // The exported v1 map sends the camera where the v3 asterisk rule does.
    auto imported = import2010(r.text);
    QVERIFY2(imported.ok(), imported.errorText().c_str());
    const auto viaV1 =
        resolveRegions(imported.project->platform, "s3c-fimc.0", "", 4096, MapOptions::forDialect(MapDialect::V1));
    const auto viaDemo = resolveRegions(p, "s3c-fimc.0", "", 4096);
    QCOMPARE(viaV1.regions, viaDemo.regions);
}

void TestConfigCmdline::roundTrip2010_data()
{
    QTest::addColumn<int>("form");
    QTest::newRow("v1") << int(Lang2010Form::V1);
    QTest::newRow("v3") << int(Lang2010Form::V3);
    QTest::newRow("v4") << int(Lang2010Form::V4);
}

void TestConfigCmdline::roundTrip2010()
{
    QFETCH(int, form);
    const auto f = static_cast<Lang2010Form>(form);
    Platform p = board2010();
    if (f != Lang2010Form::V3) {
        for (auto& r : p.regions)
            r.asterisk = false; // v1 and v4 have no asterisk flag
    }
    const auto out = export2010(p, f);
    QVERIFY2(out.ok(), out.error.c_str());
    ImportOptions opt;
    opt.form2010 = f;
    const auto back = import2010(out.text, opt);
    QVERIFY2(back.ok(), back.errorText().c_str());
    compare2010(back.project->platform, p, f == Lang2010Form::V3);
    // and the same text once more
    QCOMPARE(export2010(back.project->platform, f).text, out.text);
}

void TestConfigCmdline::v1ParserErrors_data()
{
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("column");
    QTest::newRow("no =") << QStringLiteral("cma=r1=64M;r2") << QStringLiteral("cma: param: expecting '=' near r2")
                          << 12;
    QTest::newRow("empty name") << QStringLiteral("cma==64M")
                                << QStringLiteral("cma: param: empty region name near =64M") << 5;
    QTest::newRow("size 0") << QStringLiteral("cma=r=0") << QStringLiteral("cma: param: invalid size near 0") << 7;
    QTest::newRow("no size") << QStringLiteral("cma=r=@1M") << QStringLiteral("cma: param: invalid size near @1M") << 7;
    QTest::newRow("alignment") << QStringLiteral("cma=r=64M/3M")
                               << QStringLiteral("cma: param: invalid alignment near 3M") << 11;
    QTest::newRow("params") << QStringLiteral("cma=r=64M:bf(x") << QStringLiteral("cma: param: expecting ')' near (x")
                            << 13;
    QTest::newRow("comma separator") << QStringLiteral("cma=v=20M,c=20M")
                                     << QStringLiteral("cma: param: expecting ';' or end of parameter") << 10;
    QTest::newRow("order") << QStringLiteral("cma=r=64M/1M@0")
                           << QStringLiteral("expecting ';' or end of parameter near @0") << 13;
    QTest::newRow("map without =") << QStringLiteral("cma=r=1M cma_map=video") << QStringLiteral("expecting '='") << 23;
    QTest::newRow("17 regions") << QStringLiteral(
        "cma=a=1M;b=1M;c=1M;d=1M;e=1M;f=1M;g=1M;h=1M;i=1M;j=1M;k=1M;l=1M;m=1M;n=1M;o=1M;p=1M;q=1M")
                                << QStringLiteral("cma: param: too many regions") << 85;
}

void TestConfigCmdline::v1ParserErrors()
{
    QFETCH(QString, param);
    QFETCH(QString, message);
    QFETCH(int, column);
    ImportOptions opt;
    opt.form2010 = Lang2010Form::V1;
    const auto r = import2010(param.toStdString(), opt);
    QVERIFY(!r.ok());
    const auto err = std::find_if(
        r.messages.begin(), r.messages.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
    QVERIFY(err != r.messages.end());
    QVERIFY2(err->message.find(message.toStdString()) != std::string::npos, err->message.c_str());
    QVERIFY2(err->path.ends_with("column " + std::to_string(column)), err->path.c_str());
}

void TestConfigCmdline::v1Normalisation()
{
    ImportOptions opt;
    opt.form2010 = Lang2010Form::V1;
    const auto r = import2010("cma=r1=1000@0x100001/2K:bf(x);r2=64M:na;r3=64M", opt);
    QVERIFY2(r.ok(), r.errorText().c_str());
    const auto& regs = r.project->platform.regions;
    QCOMPARE(regs[0].size, std::uint64_t(4096)); // PAGE_ALIGN(size)
    QCOMPARE(regs[0].alignment, std::uint64_t(4096)); // PAGE_ALIGN(alignment)
    QCOMPARE(regs[0].start, std::uint64_t(0x101000)); // ALIGN(start, alignment)
    QCOMPARE(regs[0].placement, Placement::Fixed);
    QCOMPARE(regs[1].missingAllocator, std::string("na")); // unknown allocator: the region has none
    QVERIFY(hasMessage(r, "init: r2: na: no such allocator"));
    QVERIFY(hasMessage(r, "allocator parameters (x)"));
    QCOMPARE(regs[2].placement, Placement::Dynamic);
}

void TestConfigCmdline::v3v4Specifics()
{
    // v3: '-' marks a non-asterisk region; the form is detected from it
    auto r = import2010("cma=-fw=1M/128K;b1=32M cma.map=s3c-mfc5/f=fw;*=*");
    QVERIFY2(r.ok(), r.errorText().c_str());
    QVERIFY(hasMessage(r, "read as the v3 form"));
    QVERIFY(!r.project->platform.regions[0].asterisk);
    QVERIFY(r.project->platform.regions[1].asterisk);
    // v4: @0 is "invalid value"; '*' as a region list is warned about
    r = import2010("cma=r=64M@0 cma.map=*=r");
    QVERIFY(!r.ok());
    QVERIFY2(hasMessage(r, "cma: param: invalid value near 0"), r.errorText().c_str());
    r = import2010("cma=r=64M cma.map=*=*");
    QVERIFY(r.ok());
    QVERIFY(hasMessage(r, "only v2/v3 expand"));
    // mainline text refused with a pointer to the right format
    r = import2010("cma=64M cma.map=*=r");
    QVERIFY(!r.ok());
    QVERIFY(hasMessage(r, "import it as cmdline"));
    // v3/v4 take at most 15 regions
    std::string many = "cma=";
    for (int i = 0; i < 16; ++i)
        many += (i ? ";r" : "r") + std::to_string(i) + "=1M";
    r = import2010(many + " cma.map=*=r0");
    QVERIFY(!r.ok());
    QVERIFY(hasMessage(r, "too many early regions"));
}

void TestConfigCmdline::platformCodeCompiles()
{
    // The board code must be valid C against the v3 struct cma_region layout
    // (docs/cma2010.md#asterisk-regions-and-board-code).
    const QString cc = QStandardPaths::findExecutable(QStringLiteral("cc"));
    QVERIFY2(!cc.isEmpty(), "a C compiler (cc) is required by this test");
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("linux")));
    std::ofstream(dir.filePath(QStringLiteral("linux/init.h")).toStdString())
        << "#define __init\n#define __initconst\n";
    std::ofstream(dir.filePath(QStringLiteral("linux/cma.h")).toStdString())
        << "#include <stddef.h>\ntypedef unsigned long dma_addr_t;\n"
           "struct cma_region { const char *name; dma_addr_t start; size_t size;\n"
           "  union { size_t free_space; dma_addr_t alignment; };\n"
           "  struct cma_allocator *alloc; const char *alloc_name; void *private_data;\n"
           "  unsigned users; unsigned asterisk:1; };\n"
           "int cma_set_defaults(struct cma_region *regions, const char *map);\n"
           "int cma_early_regions_reserve(int (*reserve)(struct cma_region *reg));\n";
    const auto loaded = loadProjectFile(CMASCOPE_SOURCE_DIR "/resources/demos/camera-video-2010.json");
    QVERIFY(loaded.ok());
    const auto code = export2010(loaded.project->platform, Lang2010Form::PlatformCode);
    QVERIFY2(code.ok(), code.error.c_str());
    QVERIFY(code.text.find("{ .name = \"fw\", .size = 1 << 20, { .alignment = 128 << 10 }") != std::string::npos);
    // The comment it starts with cites what a user can look up, not a document outside the repository.
    QVERIFY2(code.text.find("cma-spec") == std::string::npos, code.text.c_str());
    QVERIFY(code.text.find("cma_set_defaults()") != std::string::npos);
    const QString file = dir.filePath(QStringLiteral("board.c"));
    std::ofstream(file.toStdString()) << code.text << "void use(void) { board_reserve(); }\n";
    QProcess proc;
    proc.start(cc,
        { QStringLiteral("-std=gnu11"), QStringLiteral("-Wall"), QStringLiteral("-Werror"),
            QStringLiteral("-fsyntax-only"), QStringLiteral("-I"), dir.path(), file });
    QVERIFY(proc.waitForFinished(60000));
    QVERIFY2(proc.exitCode() == 0,
        QByteArray(proc.readAllStandardError() + "\n" + QByteArray::fromStdString(code.text)).constData());
}

// ---- Verkuil -----------------------------------------------------------------------------------------------

void TestConfigCmdline::verkuilImport()
{
    const auto r = importVerkuil("banka=20M; banka/foo,bar=30MB;\ndma/ivtv=500M; dma=0");
    QVERIFY2(r.ok(), r.errorText().c_str());
    const Platform& p = r.project->platform;
    QCOMPARE(p.regions.size(), std::size_t(4));
    QCOMPARE(p.findRegion("banka")->size, 20 * MiB);
    QCOMPARE(p.findRegion("banka_foo_bar")->size, 30 * MiB);
    QCOMPARE(p.findRegion("dma")->size, std::uint64_t(0)); // size 0: falls back to the system allocator
    // Behaviour, through the 2010 map: foo and bar share their region, everyone else gets the general one.
    const auto opts = MapOptions::forDialect(MapDialect::V4);
    QCOMPARE(resolveRegions(p, "foo", "banka", 1 * MiB, opts).regions, std::vector<std::string> { "banka_foo_bar" });
    QCOMPARE(resolveRegions(p, "bar", "banka", 1 * MiB, opts).regions, std::vector<std::string> { "banka_foo_bar" });
    QCOMPARE(resolveRegions(p, "baz", "banka", 1 * MiB, opts).regions, std::vector<std::string> { "banka" });
    QCOMPARE(resolveRegions(p, "ivtv", "dma", 1 * MiB, opts).regions, std::vector<std::string> { "dma_ivtv" });
    QCOMPARE(resolveRegions(p, "foo", "dma", 1 * MiB, opts).regions, std::vector<std::string> { "dma" });
    // A type named like a bank of the base platform is placed in that bank.
    Platform base;
    base.banks.push_back({ "banka", 0x40000000, 256 * MiB, 0 });
    ImportOptions opt;
    opt.base = &base;
    const auto placed = importVerkuil("banka=20M", opt);
    QVERIFY(placed.ok());
    QCOMPARE(
        placed.project->platform.regions[0].allocRanges, (std::vector<AddressRange> { { 0x40000000, 256 * MiB } }));
}

void TestConfigCmdline::verkuilErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("no =") << QStringLiteral("banka=20M; banka 30M")
                          << QStringLiteral("column 12: error: expecting '='");
    QTest::newRow("empty type") << QStringLiteral("/foo=1M") << QStringLiteral("empty memory type");
    QTest::newRow("empty driver") << QStringLiteral("banka/foo,=1M") << QStringLiteral("empty driver name");
    QTest::newRow("bad size") << QStringLiteral("banka=twenty") << QStringLiteral("invalid size near twenty");
    QTest::newRow("two general") << QStringLiteral("banka=1M;banka=2M")
                                 << QStringLiteral("a second general region of type 'banka'");
    QTest::newRow("driver twice") << QStringLiteral("a/foo=1M;a/bar,foo=2M")
                                  << QStringLiteral("'foo' already has a region of type 'a'");
    QTest::newRow("wildcard driver") << QStringLiteral("a/f*=1M") << QStringLiteral("must not contain");
}

void TestConfigCmdline::verkuilErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    const auto r = importVerkuil(text.toStdString());
    QVERIFY(!r.ok());
    QVERIFY2(r.errorText().find(message.toStdString()) != std::string::npos, r.errorText().c_str());
}

void TestConfigCmdline::verkuilExportExplains()
{
    const auto loaded = loadProjectFile(CMASCOPE_SOURCE_DIR "/resources/demos/camera-video-2010.json");
    QVERIFY(loaded.ok());
    const auto r = exportVerkuil(loaded.project->platform);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.find("'s3c-mfc5/b=b2,b1': an ordered fallback list (b2, then b1)") != std::string::npos,
        r.error.c_str());
    QVERIFY2(r.error.find("asterisk") != std::string::npos, r.error.c_str());
    Platform p = board2010();
    const auto mfc = exportVerkuil(p);
    QVERIFY(!mfc.ok());
    QVERIFY2(mfc.error.find("wildcard") != std::string::npos || mfc.error.find("several types") != std::string::npos,
        mfc.error.c_str());
    // A per-driver rule after the general one would never be reached
    p.rules = { { { "*/a" }, { "a" } }, { { "video/a" }, { "b" } } };
    const auto order = exportVerkuil(p);
    QVERIFY(!order.ok());
    QVERIFY2(order.error.find("never reaches it") != std::string::npos, order.error.c_str());
    // Modern platforms have no map at all
    p.mapMode = MapMode::Modern;
    QVERIFY(!exportVerkuil(p).ok());
    // Michał's MFC map without the fallback is expressible
    Platform ok = board2010();
    ok.rules = { { { "video/a" }, { "a" } }, { { "video/b" }, { "b" } }, { { "video/f" }, { "vf" } } };
    const auto e = exportVerkuil(ok);
    QVERIFY2(e.ok(), e.error.c_str());
    QCOMPARE(e.text, std::string("a/video=20M; b/video=20M; f/video=1M\n"));
}

void TestConfigCmdline::verkuilRoundTrip()
{
    const std::string text = "banka/foo,bar=30M; dma/ivtv=500M; banka=20M; dma=0\n";
    const auto first = importVerkuil(text);
    QVERIFY2(first.ok(), first.errorText().c_str());
    const auto out = exportVerkuil(first.project->platform);
    QVERIFY2(out.ok(), out.error.c_str());
    QCOMPARE(out.text, text);
    const auto second = importVerkuil(out.text);
    QVERIFY(second.ok());
    QCOMPARE(second.project->platform, first.project->platform);
}

QTEST_GUILESS_MAIN(TestConfigCmdline)
#include "tst_config_cmdline.moc"
