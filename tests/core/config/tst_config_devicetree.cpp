// SPDX-License-Identifier: GPL-2.0-or-later
// Device tree export/import (issue 4): the exported DTS compiles with dtc without a warning, DTS and DTB round
// trips, the example board of docs/device-tree.md, both cell sizes, and the errors of bad input.
#include <cmascope/config/configio.h>
#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>

#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <sstream>

using namespace cmascope;

class TestConfigDeviceTree : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exportCompilesWithoutWarnings_data();
    void exportCompilesWithoutWarnings();
    void roundTripSource_data();
    void roundTripSource();
    void roundTripBlob();
    void cellSizes();
    void specExample();
    void oneCellSource();
    void dtcErrorNamesSource();
    void missingDtc();
    void hungDtcIsKilled();
    void cancelledDtcIsKilled();
    void badBlobs();
    void kernelRejects_data();
    void kernelRejects();
    void warningsNameTheNode();
    void demoExportImport();
    void exportKeepsImportedProperties();
    void memoryFilledInByTheBootloader();
    void memorySpec_data();
    void memorySpec();

private:
    QString m_dtc;
    QTemporaryDir m_tmp;
};

namespace {

const char* const kSpecExample = R"(/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;

	memory@40000000 {
		device_type = "memory";
		reg = <0x0 0x40000000 0x0 0x80000000>;      /* 2 GiB */
	};

	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;

		linux_cma: linux,cma {
			compatible = "shared-dma-pool";
			reusable;
			size = <0x0 0x10000000>;                   /* 256 MiB */
			alignment = <0x0 0x400000>;                /* 4 MiB */
			alloc-ranges = <0x0 0x40000000 0x0 0x80000000>;
			linux,cma-default;
		};

		vcodec_cma: vcodec-cma@60000000 {
			compatible = "shared-dma-pool";
			reusable;
			reg = <0x0 0x60000000 0x0 0x4000000>;      /* 64 MiB */
		};

		mfc_fw: mfc-fw@5f000000 {
			reg = <0x0 0x5f000000 0x0 0x100000>;
			no-map;
		};
	};

	codec@12c00000 {
		compatible = "acme,vcodec";
		reg = <0x0 0x12c00000 0x0 0x10000>;
		memory-region = <&vcodec_cma>, <&mfc_fw>;
		memory-region-names = "buffers", "firmware";
	};
};
)";

Region cma(std::string name, std::uint64_t size)
{
    Region r;
    r.name = std::move(name);
    r.size = size;
    return r;
}

Region fixed(std::string name, std::uint64_t start, std::uint64_t size)
{
    Region r = cma(std::move(name), size);
    r.placement = Placement::Fixed;
    r.start = start;
    return r;
}

/// A modern platform using everything a device tree can hold.
Platform richPlatform(bool high)
{
    Platform p;
    p.name = "rich \"board\"";
    p.mapMode = MapMode::Modern;
    const std::uint64_t b0 = high ? 0x80000000ull : 0x40000000ull;
    p.banks.push_back({ "dram0", b0, 1 * GiB, 0 });
    p.banks.push_back({ "dram1", high ? 0x880000000ull : 0x80000000ull, high ? 4 * GiB : 512 * MiB, 1 });
    Region def = cma("linux,cma", 256 * MiB);
    def.isDefault = true;
    def.alignment = 4 * MiB;
    def.allocRanges.push_back({ b0, 1 * GiB });
    def.allocRanges.push_back({ p.banks[1].base, 256 * MiB });
    p.regions.push_back(def);
    Region vc = fixed("vcodec-cma", b0 + 0x20000000, 64 * MiB);
    vc.label = "vcodec_pool";
    p.regions.push_back(vc);
    Region fw = fixed("mfc-fw", b0 + 0x1f000000, 1 * MiB);
    fw.type = RegionType::Carveout;
    p.regions.push_back(fw);
    Region dynCarve = cma("ramoops", 2 * MiB);
    dynCarve.type = RegionType::Carveout;
    p.regions.push_back(dynCarve);
    p.regions.push_back(cma("camera", 32 * MiB));
    Device codec;
    codec.name = "vcodec";
    codec.memoryRegions = { "vcodec-cma", "mfc-fw" };
    codec.memoryRegionNames = { "buffers", "firmware" };
    p.devices.push_back(codec);
    Device cam;
    cam.name = "camera";
    cam.numaNode = 1;
    cam.memoryRegions = { "camera" };
    p.devices.push_back(cam);
    return p;
}

} // namespace

void TestConfigDeviceTree::initTestCase()
{
    m_dtc = QStandardPaths::findExecutable(QStringLiteral("dtc"));
    QVERIFY2(!m_dtc.isEmpty(), "dtc (Debian package device-tree-compiler) is required by this test");
    QVERIFY(m_tmp.isValid());
}

static QString writeText(const QTemporaryDir& dir, const QString& name, const std::string& text)
{
    const QString path = dir.filePath(name);
    std::ofstream(path.toStdString(), std::ios::binary) << text;
    return path;
}

static std::string readBinary(const QString& path)
{
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void TestConfigDeviceTree::exportCompilesWithoutWarnings_data()
{
    QTest::addColumn<int>("variant");
    QTest::addColumn<unsigned>("cells");
    QTest::newRow("low, auto cells") << 0 << 0u;
    QTest::newRow("low, 2 cells") << 0 << 2u;
    QTest::newRow("high, auto cells") << 1 << 0u;
    QTest::newRow("odd names") << 2 << 0u;
    QTest::newRow("no banks") << 3 << 1u;
}

void TestConfigDeviceTree::exportCompilesWithoutWarnings()
{
    QFETCH(int, variant);
    QFETCH(unsigned, cells);
    Platform p = richPlatform(variant == 1);
    if (variant == 2) {
        p.banks[0].name = "System RAM";
        p.regions.push_back(fixed("my pool/1", 0x50000000, 4 * MiB));
        p.regions.push_back(fixed("my pool/1", 0x51000000, 4 * MiB)); // same node name after sanitising
        p.devices.push_back({ "s3c-fimc.0", 0, 32, { "my pool/1" }, {} });
    }
    if (variant == 3)
        p.banks.clear();
    const auto r = exportDeviceTree(p, cells);
    QVERIFY2(r.ok(), r.error.c_str());
    const QString src = writeText(m_tmp, QStringLiteral("compile.dts"), r.text);
    QProcess dtc;
    dtc.start(m_dtc,
        { QStringLiteral("-I"), QStringLiteral("dts"), QStringLiteral("-O"), QStringLiteral("dtb"),
            QStringLiteral("-o"), m_tmp.filePath(QStringLiteral("compile.dtb")), src });
    QVERIFY(dtc.waitForFinished(30000));
    const QByteArray err = dtc.readAllStandardError();
    QVERIFY2(dtc.exitCode() == 0, QByteArray(err + "\n" + QByteArray::fromStdString(r.text)).constData());
    QVERIFY2(err.isEmpty(), QByteArray(err + "\n" + QByteArray::fromStdString(r.text)).constData());
    const bool wants2 = cells == 2 || (cells == 0 && variant == 1);
    QVERIFY(r.text.find(wants2 ? "#address-cells = <2>" : "#address-cells = <1>") != std::string::npos);
    if (variant == 2) {
        // Both regions survive with distinct node names and the device refers to the first.
        const auto back = importDeviceTreeBlob(readBinary(m_tmp.filePath(QStringLiteral("compile.dtb"))));
        QVERIFY2(back.ok(), back.errorText().c_str());
        QCOMPARE(back.project->platform.regions.size(), p.regions.size());
        QVERIFY(!r.notes.empty());
    }
}

static void compareForDt(const Platform& got, const Platform& want)
{
    QCOMPARE(got.name, want.name);
    QCOMPARE(got.banks, want.banks);
    QCOMPARE(got.regions.size(), want.regions.size());
    for (std::size_t i = 0; i < want.regions.size(); ++i) {
        const Region& g = got.regions[i];
        const Region& w = want.regions[i];
        QCOMPARE(g.name, w.name);
        QCOMPARE(g.type, w.type);
        QCOMPARE(g.size, w.size);
        QCOMPARE(g.placement, w.placement);
        QCOMPARE(g.start, w.start);
        if (w.placement == Placement::Dynamic)
            QCOMPARE(g.alignment, w.alignment);
        QCOMPARE(g.allocRanges, w.allocRanges);
        QCOMPARE(g.isDefault, w.isDefault);
        QCOMPARE(g.label, w.label);
    }
    QCOMPARE(got.devices, want.devices);
    QCOMPARE(got.mapMode, MapMode::Modern);
}

void TestConfigDeviceTree::roundTripSource_data()
{
    QTest::addColumn<bool>("high");
    QTest::addColumn<unsigned>("cells");
    QTest::newRow("1 cell") << false << 1u;
    QTest::newRow("2 cells, low addresses") << false << 2u;
    QTest::newRow("2 cells, above 4 GiB") << true << 0u;
}

void TestConfigDeviceTree::roundTripSource()
{
    QFETCH(bool, high);
    QFETCH(unsigned, cells);
    const Platform p = richPlatform(high);
    const auto out = exportDeviceTree(p, cells);
    QVERIFY2(out.ok(), out.error.c_str());
    ImportOptions opt;
    opt.sourceName = "roundtrip.dts";
    const auto back = importDeviceTreeSource(out.text, opt);
    QVERIFY2(back.ok(), back.errorText().c_str());
    compareForDt(back.project->platform, p);
}

void TestConfigDeviceTree::roundTripBlob()
{
    // A board blob built with symbols (dtc -@), read directly with libfdt.
    const Platform p = richPlatform(true);
    const auto out = exportDeviceTree(p);
    QVERIFY(out.ok());
    const QString src = writeText(m_tmp, QStringLiteral("blob.dts"), out.text);
    const QString dtb = m_tmp.filePath(QStringLiteral("blob.dtb"));
    QCOMPARE(QProcess::execute(m_dtc,
                 { QStringLiteral("-@"), QStringLiteral("-I"), QStringLiteral("dts"), QStringLiteral("-O"),
                     QStringLiteral("dtb"), QStringLiteral("-o"), dtb, src }),
        0);
    const auto back = importDeviceTreeBlob(readBinary(dtb));
    QVERIFY2(back.ok(), back.errorText().c_str());
    compareForDt(back.project->platform, p);

    // Without symbols the labels are gone: banks are named after their nodes, regions keep their names.
    QCOMPARE(QProcess::execute(m_dtc,
                 { QStringLiteral("-I"), QStringLiteral("dts"), QStringLiteral("-O"), QStringLiteral("dtb"),
                     QStringLiteral("-o"), dtb, src }),
        0);
    const auto plain = importDeviceTreeBlob(readBinary(dtb));
    QVERIFY2(plain.ok(), plain.errorText().c_str());
    QCOMPARE(plain.project->platform.banks[0].name, std::string("memory@80000000"));
    QCOMPARE(plain.project->platform.regions[1].name, std::string("vcodec-cma"));
    QCOMPARE(plain.project->platform.devices[0].memoryRegions, p.devices[0].memoryRegions);
}

void TestConfigDeviceTree::cellSizes()
{
    Platform p = richPlatform(true);
    const auto one = exportDeviceTree(p, 1);
    QVERIFY(!one.ok());
    QVERIFY2(one.error.find("use 2 cells") != std::string::npos, one.error.c_str());
    QVERIFY(one.error.find("dram1") != std::string::npos); // names the value that does not fit
    const auto bad = exportDeviceTree(p, 3);
    QVERIFY(!bad.ok());
    // 4 GiB exactly needs 33 bits
    Platform q;
    q.banks.push_back({ "ram", 0, 4 * GiB, 0 });
    const auto autoCells = exportDeviceTree(q);
    QVERIFY(autoCells.ok());
    QVERIFY(autoCells.text.find("reg = <0x0 0x0 0x1 0x0>") != std::string::npos);
}

void TestConfigDeviceTree::specExample()
{
    ImportOptions opt;
    opt.sourceName = "spec-b4.dts";
    const auto r = importDeviceTreeSource(kSpecExample, opt);
    QVERIFY2(r.ok(), r.errorText().c_str());
    const Platform& p = r.project->platform;
    QCOMPARE(p.banks.size(), std::size_t(1));
    QCOMPARE(p.banks[0].base, std::uint64_t(0x40000000));
    QCOMPARE(p.banks[0].size, 2 * GiB);
    QCOMPARE(p.regions.size(), std::size_t(3));
    const Region* def = p.findRegion("linux,cma");
    QVERIFY(def);
    QCOMPARE(def->type, RegionType::Cma);
    QCOMPARE(def->placement, Placement::Dynamic);
    QCOMPARE(def->size, 256 * MiB);
    QCOMPARE(def->alignment, 4 * MiB);
    QCOMPARE(def->allocRanges, (std::vector<AddressRange> { { 0x40000000, 2 * GiB } }));
    QVERIFY(def->isDefault);
    QCOMPARE(def->label, std::string()); // linux_cma is what export derives from "linux,cma"
    const Region* vc = p.findRegion("vcodec-cma");
    QVERIFY(vc);
    QCOMPARE(vc->placement, Placement::Fixed);
    QCOMPARE(vc->start, std::uint64_t(0x60000000));
    QCOMPARE(vc->size, 64 * MiB);
    QCOMPARE(vc->label, std::string()); // vcodec_cma is what export derives
    const Region* fw = p.findRegion("mfc-fw");
    QVERIFY(fw);
    QCOMPARE(fw->type, RegionType::Carveout);
    QCOMPARE(p.devices.size(), std::size_t(1));
    QCOMPARE(p.devices[0].name, std::string("codec@12c00000"));
    QCOMPARE(p.devices[0].memoryRegions, (std::vector<std::string> { "vcodec-cma", "mfc-fw" }));
    QCOMPARE(p.devices[0].memoryRegionNames, (std::vector<std::string> { "buffers", "firmware" }));
    // The imported platform places like the kernel: validation finds nothing wrong.
    for (const auto& d : validate(p))
        QVERIFY2(d.severity != Severity::Error, d.message.c_str());
}

void TestConfigDeviceTree::oneCellSource()
{
    const char* dts = R"(/dts-v1/;
/ { #address-cells = <1>; #size-cells = <1>;
    memory@20000000 { device_type = "memory"; reg = <0x20000000 0x8000000 0x30000000 0x8000000>; };
    reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;
        pool { compatible = "shared-dma-pool"; reusable; size = <0x1000000>; alloc-ranges = <0x30000000 0x8000000>; };
        coherent@24000000 { compatible = "shared-dma-pool"; reg = <0x24000000 0x100000>; };
        off@25000000 { compatible = "shared-dma-pool"; reusable; reg = <0x25000000 0x100000>; status = "disabled"; };
    };
};
)";
    const auto r = importDeviceTreeSource(dts);
    QVERIFY2(r.ok(), r.errorText().c_str());
    const Platform& p = r.project->platform;
    QCOMPARE(p.banks.size(), std::size_t(2)); // two reg tuples, two banks
    QCOMPARE(p.banks[1].base, std::uint64_t(0x30000000));
    QCOMPARE(p.regions.size(), std::size_t(2)); // the disabled node is skipped
    QCOMPARE(p.regions[0].allocRanges, (std::vector<AddressRange> { { 0x30000000, 0x8000000 } }));
    QCOMPARE(p.regions[1].type, RegionType::Carveout); // a coherent pool is not CMA
    QVERIFY(
        std::any_of(r.messages.begin(), r.messages.end(), [](const Diagnostic& d) { return d.check == "dt-not-cma"; }));
}

void TestConfigDeviceTree::dtcErrorNamesSource()
{
    ImportOptions opt;
    opt.sourceName = "board.dts";
    const auto r = importDeviceTreeSource("/dts-v1/;\n/ {\n\tfoo = <1>\n};\n", opt);
    QVERIFY(!r.ok());
    const std::string text = r.errorText();
    QVERIFY2(text.find("board.dts:4") != std::string::npos, text.c_str()); // dtc's position, with our file name
    QVERIFY2(text.find("syntax error") != std::string::npos, text.c_str());
    QVERIFY2(text.find("cmascope-dtc") == std::string::npos, text.c_str()); // no temporary path leaks
    const auto undefinedLabel = importDeviceTreeSource("/dts-v1/;\n/ { dev { memory-region = <&nowhere>; }; };\n", opt);
    QVERIFY(!undefinedLabel.ok());
    QVERIFY2(undefinedLabel.errorText().find("nowhere") != std::string::npos, undefinedLabel.errorText().c_str());
}

void TestConfigDeviceTree::missingDtc()
{
    ImportOptions opt;
    opt.dtcPath = "/nonexistent/dtc";
    const auto r = importDeviceTreeSource(kSpecExample, opt);
    QVERIFY(!r.ok());
    QVERIFY2(r.errorText().find("device-tree-compiler") != std::string::npos, r.errorText().c_str());
}

namespace {
/// A fake dtc that hangs: records its pid and its child's (a long sleep in the same process group), then waits.
QString hangingDtc(const QTemporaryDir& dir)
{
    const QString path = dir.filePath(QStringLiteral("slow-dtc"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(QStringLiteral("#!/bin/sh\necho $$ > '%1/dtc.pid'\nsleep 60 &\necho $! > '%1/sleep.pid'\nwait\n")
                .arg(dir.path())
                .toUtf8());
    f.close();
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

/// True when process @p pidFile names is gone or a zombie (killed, not yet reaped by init) within 5 s.
bool processGone(const QString& pidFile)
{
    QFile f(pidFile);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray pid = f.readAll().trimmed();
    for (int i = 0; i < 100; ++i) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(QString::fromLatin1(pid)));
        if (!stat.open(QIODevice::ReadOnly))
            return true;
        const QByteArray text = stat.readAll();
        const qsizetype paren = text.lastIndexOf(')');
        if (paren > 0 && text.mid(paren + 2, 1) == "Z")
            return true;
        QTest::qWait(50);
    }
    return false;
}
} // namespace

void TestConfigDeviceTree::hungDtcIsKilled()
{
    // Issue 10: the import waited for dtc forever. A hung dtc (and what it started) is killed after the
    // timeout, and the error names the file.
    QTemporaryDir dir;
    ImportOptions opt;
    opt.dtcPath = hangingDtc(dir).toStdString();
    opt.sourceName = "boards/hung.dts";
    opt.dtcTimeout = std::chrono::milliseconds(300);
    QElapsedTimer timer;
    timer.start();
    const auto r = importDeviceTreeSource(kSpecExample, opt);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!r.ok());
    const std::string text = r.errorText();
    QVERIFY2(text.find("did not finish compiling boards/hung.dts within 300 ms") != std::string::npos, text.c_str());
    QVERIFY(processGone(dir.filePath(QStringLiteral("dtc.pid"))));
    QVERIFY(processGone(dir.filePath(QStringLiteral("sleep.pid"))));
}

void TestConfigDeviceTree::cancelledDtcIsKilled()
{
    QTemporaryDir dir;
    ImportOptions opt;
    opt.dtcPath = hangingDtc(dir).toStdString();
    opt.sourceName = "hung.dts";
    QElapsedTimer timer;
    timer.start();
    opt.progress = [&timer](std::uint64_t, std::uint64_t) { return timer.elapsed() <= 200; };
    const auto r = importDeviceTreeSource(kSpecExample, opt);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!r.ok());
    QVERIFY2(r.errorText().find("importing hung.dts was cancelled") != std::string::npos, r.errorText().c_str());
    QVERIFY(processGone(dir.filePath(QStringLiteral("dtc.pid"))));
    QVERIFY(processGone(dir.filePath(QStringLiteral("sleep.pid"))));
}

void TestConfigDeviceTree::badBlobs()
{
    const auto empty = importDeviceTreeBlob("");
    QVERIFY(!empty.ok());
    const auto text = importDeviceTreeBlob(std::string(100, 'x'));
    QVERIFY(!text.ok());
    QVERIFY2(text.errorText().find("not a device tree blob") != std::string::npos, text.errorText().c_str());
    // A real blob cut short, and one with its structure block damaged.
    const auto out = exportDeviceTree(richPlatform(false));
    const QString src = writeText(m_tmp, QStringLiteral("cut.dts"), out.text);
    const QString dtb = m_tmp.filePath(QStringLiteral("cut.dtb"));
    QCOMPARE(QProcess::execute(m_dtc,
                 { QStringLiteral("-I"), QStringLiteral("dts"), QStringLiteral("-O"), QStringLiteral("dtb"),
                     QStringLiteral("-o"), dtb, src }),
        0);
    const std::string blob = readBinary(dtb);
    const auto cut = importDeviceTreeBlob(blob.substr(0, blob.size() / 2));
    QVERIFY(!cut.ok());
    QVERIFY2(cut.errorText().find("truncated") != std::string::npos, cut.errorText().c_str());
    for (std::size_t at = 64; at < blob.size(); at += 37) {
        std::string damaged = blob;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
        const auto r = importDeviceTreeBlob(damaged); // must not crash; either rejected or read
        QVERIFY(r.ok() || !r.errorText().empty());
    }
}

void TestConfigDeviceTree::kernelRejects_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("expected");
    const QString head = QStringLiteral(
        "/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>;\n memory@0 { device_type = \"memory\"; reg = <0 "
        "0x40000000>; };\n");
    QTest::newRow("reg length")
        << head
            + QStringLiteral(" reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;\n  a@1000 { "
                             "reg = <0x1000 0x1000 0x2000>; reusable; compatible = \"shared-dma-pool\"; }; };\n};\n")
        << QStringLiteral("/reserved-memory/a@1000: reg: error: Reserved memory: invalid reg property in 'a@1000'");
    QTest::newRow("alignment length (checked against #address-cells)")
        << QStringLiteral("/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <2>;\n reserved-memory { "
                          "#address-cells = <1>; #size-cells = <2>; ranges;\n  b { size = <0 0x100000>; alignment = "
                          "<0 0x1000>; reusable; compatible = \"shared-dma-pool\"; }; };\n};\n")
        << QStringLiteral("/reserved-memory/b: alignment: error: Reserved memory: invalid alignment property in 'b'");
    QTest::newRow("cells differ from the root")
        << QStringLiteral("/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>;\n reserved-memory { "
                          "#address-cells = <1>; #size-cells = <1>; ranges; }; };\n")
        << QStringLiteral("/reserved-memory: error: Reserved memory: unsupported node format, ignoring");
    QTest::newRow("dangling phandle") << head + QStringLiteral(" dev { memory-region = <0x99>; };\n};\n")
                                      << QStringLiteral(
                                             "/dev: memory-region[0]: error: phandle 0x99 does not refer to any node");
    QTest::newRow("size length")
        << head
            + QStringLiteral(" reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;\n  c { size = "
                             "<0 0x100000>; reusable; compatible = \"shared-dma-pool\"; }; };\n};\n")
        << QStringLiteral("/reserved-memory/c: size: error: Reserved memory: invalid size property in 'c'");
}

void TestConfigDeviceTree::kernelRejects()
{
    QFETCH(QString, body);
    QFETCH(QString, expected);
    ImportOptions opt;
    opt.sourceName = "bad.dts";
    const auto r = importDeviceTreeSource(body.toStdString(), opt);
    QVERIFY(!r.ok());
    const std::string text = r.errorText();
    QVERIFY2(text.find(expected.toStdString()) != std::string::npos, text.c_str());
}

void TestConfigDeviceTree::warningsNameTheNode()
{
    const char* dts = R"(/dts-v1/;
/ { #address-cells = <1>; #size-cells = <1>;
    memory@0 { device_type = "memory"; reg = <0 0x40000000>; };
    reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;
        both@8000000 { compatible = "shared-dma-pool"; reusable; reg = <0x8000000 0x400000>; size = <0x800000>; };
        odd@9000000 { compatible = "shared-dma-pool"; reusable; no-map; reg = <0x9000000 0x400000>; };
    };
};
)";
    const auto r = importDeviceTreeSource(dts);
    QVERIFY2(r.ok(), r.errorText().c_str());
    const auto find = [&](const char* check) {
        return std::find_if(
            r.messages.begin(), r.messages.end(), [&](const Diagnostic& d) { return d.check == check; });
    };
    const auto both = find("dt-reg-and-size");
    QVERIFY(both != r.messages.end());
    QCOMPARE(both->item, std::string("both@8000000"));
    QCOMPARE(both->severity, Severity::Warning);
    QCOMPARE(r.project->platform.regions[0].size, std::uint64_t(0x400000)); // reg wins
    QCOMPARE(r.project->platform.regions[0].placement, Placement::Fixed);
    const auto odd = find("dt-nomap-reusable");
    QVERIFY(odd != r.messages.end());
    QCOMPARE(odd->item, std::string("odd@9000000"));
    QCOMPARE(r.project->platform.regions[1].type, RegionType::Carveout);
}

void TestConfigDeviceTree::demoExportImport()
{
    const auto loaded = loadProjectFile(CMASCOPE_SOURCE_DIR "/resources/demos/camera-video-2010.json");
    QVERIFY2(loaded.ok(), loaded.errorText().c_str());
    const auto out = exportConfig(*loaded.project, ConfigFormat::Dts);
    QVERIFY2(out.ok(), out.error.c_str());
    // A 2010 platform loses its map: said so.
    QVERIFY(std::any_of(out.notes.begin(), out.notes.end(),
        [](const std::string& n) { return n.find("map rules") != std::string::npos; }));
    const auto back = importConfig(out.text, ConfigFormat::Dts);
    QVERIFY2(back.ok(), back.errorText().c_str());
    const Platform& a = loaded.project->platform;
    const Platform& b = back.project->platform;
    QCOMPARE(b.banks, a.banks);
    QCOMPARE(b.regions.size(), a.regions.size());
    for (std::size_t i = 0; i < a.regions.size(); ++i) {
        QCOMPARE(b.regions[i].name, a.regions[i].name);
        QCOMPARE(b.regions[i].size, a.regions[i].size);
        QCOMPARE(b.regions[i].placement, a.regions[i].placement);
        QCOMPARE(b.regions[i].start, a.regions[i].start);
    }
}

void TestConfigDeviceTree::exportKeepsImportedProperties()
{
    // Reserved-memory children as Qualcomm and other boards write them: the export of the imported board must
    // be a drop-in replacement, so every property the import read comes back (it dropped compatible strings).
    const char* dts = R"(/dts-v1/;
/ { #address-cells = <2>; #size-cells = <2>;
	memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x40000000>; };
	reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
		cmd_db: reserved-memory@85fe0000 { compatible = "qcom,cmd-db"; reg = <0x0 0x85fe0000 0x0 0x20000>; no-map; };
		smem_mem: smem@86000000 { compatible = "qcom,smem"; reg = <0x0 0x86000000 0x0 0x200000>; no-map; hwlocks = <&tcsr 3>; };
		ramoops@87000000 { compatible = "ramoops"; reg = <0x0 0x87000000 0x0 0x100000>; };
		coherent: coherent-pool@88000000 { compatible = "shared-dma-pool"; reg = <0x0 0x88000000 0x0 0x400000 0x0 0x89000000 0x0 0x100000>; no-map; };
		linux,cma { compatible = "shared-dma-pool"; reusable; size = <0x0 0x2000000>; linux,cma-default; };
	};
	tcsr: syscon@1f40000 { #hwlock-cells = <1>; };
};
)";
    ImportOptions opt;
    opt.sourceName = "qcom-like.dts";
    const auto in = importDeviceTreeSource(dts, opt);
    QVERIFY2(in.ok(), in.errorText().c_str());
    const Platform& p = in.project->platform;
    QCOMPARE(p.regions.size(), std::size_t(5));
    // The project file keeps them too (import -> save -> open -> export).
    const auto reread = parseProject(serializeProject(*in.project));
    QVERIFY2(reread.ok(), reread.errorText().c_str());
    QVERIFY(reread.project->platform == p);

    const auto out = exportDeviceTree(reread.project->platform);
    QVERIFY2(out.error.empty(), out.error.c_str());
    const QString text = QString::fromStdString(out.text);
    for (const char* want :
        { "compatible = \"qcom,cmd-db\";", "compatible = \"qcom,smem\";", "compatible = \"ramoops\";" })
        QVERIFY2(text.contains(QLatin1String(want)), qPrintable(QLatin1String(want) + QLatin1Char('\n') + text));
    QVERIFY2(!text.contains(QLatin1String("cma-spec")), qPrintable(text));
    const auto back = importDeviceTreeSource(out.text, opt);
    QVERIFY2(back.ok(), back.errorText().c_str());
    const Platform& q = back.project->platform;
    QCOMPARE(q.regions.size(), p.regions.size());
    for (const Region& r : p.regions) {
        const Region* again = q.findRegion(r.name);
        QVERIFY2(again, r.name.c_str());
        QCOMPARE(again->type, r.type);
        QCOMPARE(again->start, r.start);
        QCOMPARE(again->size, r.size);
        QCOMPARE(again->isDefault, r.isDefault);
        QCOMPARE(again->dt.compatible, r.dt.compatible);
        QCOMPARE(again->dt.noMap, r.dt.noMap);
        QCOMPARE(again->dt.reusable, r.dt.reusable);
        QCOMPARE(again->dt.moreReg, r.dt.moreReg);
    }
    const Region* ramoops = q.findRegion("ramoops");
    QVERIFY(ramoops);
    QCOMPARE(ramoops->dt.noMap, std::optional<bool>(false)); // mapped: it was written as no-map before
    const Region* coherent = q.findRegion("coherent-pool");
    QVERIFY(coherent);
    QCOMPARE(coherent->type, RegionType::Carveout); // shared-dma-pool + no-map: a coherent pool, not CMA
    QCOMPARE(coherent->dt.compatible, std::vector<std::string> { "shared-dma-pool" });
    QCOMPARE(coherent->dt.moreReg, (std::vector<AddressRange> { { 0x89000000, 0x100000 } }));
}

void TestConfigDeviceTree::memoryFilledInByTheBootloader()
{
    const QString file = QStringLiteral(CMASCOPE_SOURCE_DIR "/tests/data/rpi4-firmware-memory.dts");
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const std::string dts = f.readAll().toStdString();
    ImportOptions opt;
    opt.sourceName = file.toStdString();
    // Without the DRAM: imported, but it says that the memory is missing and what to do (it said nothing and
    // showed an empty map).
    const auto bare = importDeviceTreeSource(dts, opt);
    QVERIFY2(bare.ok(), bare.errorText().c_str());
    QVERIFY(bare.memoryMissing);
    QVERIFY(bare.project->platform.banks.empty());
    const auto warning = std::find_if(
        bare.messages.begin(), bare.messages.end(), [](const Diagnostic& d) { return d.check == "dt-no-memory"; });
    QVERIFY(warning != bare.messages.end());
    QCOMPARE(warning->severity, Severity::Warning);
    QVERIFY2(QString::fromStdString(warning->message).contains(QStringLiteral("--memory")), warning->message.c_str());
    // With the DRAM given, the default area is placed inside it, below 768 MiB as its alloc-ranges say.
    opt.memory = std::get<std::vector<Bank>>(parseMemorySpec("4G"));
    const auto given = importDeviceTreeSource(dts, opt);
    QVERIFY2(given.ok(), given.errorText().c_str());
    QVERIFY(!given.memoryMissing);
    QCOMPARE(given.project->platform.banks.size(), std::size_t(1));
    QCOMPARE(given.project->platform.banks[0].size, 4 * GiB);
    Platform placed = given.project->platform;
    const PlacementResult r = placeRegions(placed);
    QVERIFY(r.ok());
    QCOMPARE(*placed.regions.at(0).placedBase, std::uint64_t(0x30000000 - 0x4000000));
}

void TestConfigDeviceTree::memorySpec_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("banks"); // "base+size;..." in hex, or "error: part of the message"
    QTest::newRow("size") << QStringLiteral("4G") << QStringLiteral("0x0+0x100000000");
    QTest::newRow("size at base") << QStringLiteral("2G@0x80000000") << QStringLiteral("0x80000000+0x80000000");
    QTest::newRow("two banks") << QStringLiteral("1G@0,3G@0x100000000")
                               << QStringLiteral("0x0+0x40000000;0x100000000+0xc0000000");
    QTest::newRow("empty") << QString() << QStringLiteral("error: empty");
    QTest::newRow("zero") << QStringLiteral("0") << QStringLiteral("error: the size is 0");
    QTest::newRow("unit") << QStringLiteral("4X") << QStringLiteral("error: unexpected 'X'");
    QTest::newRow("no base") << QStringLiteral("4G@") << QStringLiteral("error: expected a base address");
    QTest::newRow("wraps") << QStringLiteral("16E@0x8000000000000000") << QStringLiteral("error: does not fit");
    QTest::newRow("end wraps") << QStringLiteral("8E@0x8000000000000001")
                               << QStringLiteral("error: base + size passes 2^64");
    QTest::newRow("overlap") << QStringLiteral("2G,1G@0x40000000") << QStringLiteral("error: overlaps the bank at 0x0");
}

void TestConfigDeviceTree::memorySpec()
{
    QFETCH(QString, spec);
    QFETCH(QString, banks);
    const auto r = parseMemorySpec(spec.toStdString());
    if (banks.startsWith(QLatin1String("error: "))) {
        QVERIFY(std::holds_alternative<std::string>(r));
        QVERIFY2(
            QString::fromStdString(std::get<std::string>(r)).contains(banks.mid(7)), std::get<std::string>(r).c_str());
        return;
    }
    if (const auto* err = std::get_if<std::string>(&r))
        QFAIL(err->c_str());
    QStringList got;
    for (const Bank& b : std::get<std::vector<Bank>>(r))
        got << QStringLiteral("0x%1+0x%2").arg(b.base, 0, 16).arg(b.size, 0, 16);
    QCOMPARE(got.join(QLatin1Char(';')), banks);
}

QTEST_GUILESS_MAIN(TestConfigDeviceTree)
#include "tst_config_devicetree.moc"
