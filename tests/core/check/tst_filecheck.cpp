// SPDX-License-Identifier: GPL-2.0-or-later
// checkFile() (`cmascope-cli validate`, docs/cli.md#validate): every kind of input told apart from its name and
// content and checked with the parser the tool uses for it, on real captures, the demos and broken files; each
// problem found with where it is and the check that found it; files that cannot be checked at all said so.
#include "support/captures.h"

#include <cmascope/check/filecheck.h>

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace cmascope;

namespace {
std::string source(const char* path)
{
    return std::string(CMASCOPE_SOURCE_DIR) + '/' + path;
}

/// "error regions[0] placement: ..." for failure messages.
QByteArray describe(const FileCheckResult& r)
{
    QByteArray text = QByteArray::fromStdString(r.unusable + " " + r.summary);
    for (const auto& p : r.problems)
        text += QByteArray("\n  ") + severityName(p.severity).data() + ' ' + QByteArray::fromStdString(p.where) + " ["
            + QByteArray::fromStdString(p.check) + "] " + QByteArray::fromStdString(p.message);
    return text;
}
} // namespace

class TestFileCheck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void kinds_data();
    void kinds();
    void everyDemoIsClean();
    void problems_data();
    void problems();
    void unusable_data();
    void unusable();
    void forcedKindAndListLimit();
    void json();

private:
    /// Writes @p text to a file of the temporary folder; its path.
    std::string write(const char* name, const std::string& text)
    {
        const std::string path = QDir(m_dir.path()).filePath(QLatin1String(name)).toStdString();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    QTemporaryDir m_dir;
};

void TestFileCheck::kinds_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("summary");
    const auto row = [](const char* name, const char* file, const char* kind, bool ok, const char* summary) {
        QTest::newRow(name) << QString::fromStdString(source(file)) << QString::fromLatin1(kind) << ok
                            << QString::fromLatin1(summary);
    };
    row("project", "resources/demos/camera-video-2010.json", "project", true, "2 banks, 3 regions, 4 rules");
    row("trace text", "traces/kernel/k72-busy-areas/trace.txt", "trace", true, "399 lines, 387 events, 3 areas");
    row("trace.dat.gz", "traces/kernel/k61-nvme/trace.dat.gz", "trace", true, "events");
    row("Perfetto", "traces/kernel/k72-perfetto/trace.perfetto-trace", "trace", true, "events");
    row("device tree source", "traces/kernel/k612-dt-numa/device-tree.dts", "dts", true, "regions");
    row("kernel command line", "traces/kernel/k72-perfetto/cmdline.txt", "cmdline", true, "1 region");
    row("/proc/iomem", "traces/kernel/k72-perfetto/iomem.txt", "iomem", true, "1 bank");
    row("boot log", "traces/kernel/k72-busy-areas/dmesg-cma.txt", "dmesg", true, "regions");
    row("2010 map the kernel rejects", "tests/data/cma2010-kernel-keeps.cmdline", "cma2010", false, "");
    row("DT without memory", "tests/data/rpi4-firmware-memory.dts", "dts", true, "0 banks, 1 region");
}

void TestFileCheck::kinds()
{
    QFETCH(QString, file);
    QFETCH(QString, kind);
    QFETCH(bool, ok);
    QFETCH(QString, summary);
    const FileCheckResult r = checkFile(file.toStdString());
    QVERIFY2(r.unusable.empty(), describe(r).constData());
    QVERIFY(r.kind);
    QCOMPARE(QString::fromLatin1(inputKindId(*r.kind).data()), kind);
    QVERIFY2(r.ok() == ok, describe(r).constData());
    QVERIFY2(QString::fromStdString(r.summary).contains(summary), describe(r).constData());
}

void TestFileCheck::everyDemoIsClean()
{
    const QDir demos(QString::fromStdString(source("resources/demos")));
    const QStringList files = demos.entryList({ QStringLiteral("*.json") }, QDir::Files);
    QVERIFY(files.size() >= 10);
    for (const QString& f : files) {
        const FileCheckResult r = checkFile(demos.filePath(f).toStdString());
        QVERIFY2(r.ok() && r.kind == InputKind::Project, describe(r).constData());
    }
}

void TestFileCheck::problems_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("check");
    QTest::addColumn<QString>("message");
    const QByteArray head = R"({"format": "cmascope-project", "version": 1, "platform": {"name": "b", "page_size": 4096,
        "banks": [{"name": "ram", "base": "0x40000000", "size": )";
    QTest::newRow("project: a size that is no size")
        << QByteArray("size.json") << head + R"("12Q"}]}})" << QStringLiteral("platform.banks[0].size")
        << QStringLiteral("project-format") << QStringLiteral("'12Q' is not a size");
    QTest::newRow("project: a region the kernel cannot reserve")
        << QByteArray("big.json") << head + R"("16M"}], "regions": [{"name": "video", "size": "64M"}]}})"
        << QStringLiteral("platform.regions[0]") << QStringLiteral("placement")
        << QStringLiteral("Failed to reserve 64 MiB");
    QTest::newRow("project: a fixed region outside memory")
        << QByteArray("outside.json")
        << head + R"("16M"}], "regions": [{"name": "fw", "size": "1M", "start": "0x80000000"}]}})"
        << QStringLiteral("platform.regions[0].start") << QStringLiteral("region-outside-banks")
        << QStringLiteral("not inside any memory bank");
    QTest::newRow("project: cut short") << QByteArray("cut.json") << head << QString()
                                        << QStringLiteral("project-format") << QStringLiteral("not valid JSON");
    QTest::newRow("trace: a malformed pfn")
        << QByteArray("bad.txt")
        << QByteArray("  cam-7 [002] 1.000001: cma_alloc_start: name=video count=64 align=6\n"
                      "  cam-7 [002] 1.000200: cma_alloc_finish: name=video pfn=0xZZ page=(null) count=64 align=6\n")
        << QStringLiteral("line 2") << QStringLiteral("malformed-line") << QStringLiteral("invalid pfn '0xZZ'");
    QTest::newRow("trace: lost events") << QByteArray("lost.txt")
                                        << QByteArray(
                                               "  cam-7 [002] 1.000001: cma_alloc_start: name=video count=64 align=6\n"
                                               "CPU:2 [LOST 120 EVENTS]\n")
                                        << QString() << QStringLiteral("lost-events")
                                        << QStringLiteral("lost 120 events");
    QTest::newRow("command line: a size with a unit the kernel does not know")
        << QByteArray("cmdline.txt") << QByteArray("console=ttyS0 cma=64Q\n") << QStringLiteral("cma=")
        << QStringLiteral("kernel-ignores") << QStringLiteral("ignores \"Q\" after cma=64");
}

void TestFileCheck::problems()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, content);
    QFETCH(QString, where);
    QFETCH(QString, check);
    QFETCH(QString, message);
    const FileCheckResult r = checkFile(write(name.constData(), content.toStdString()));
    QVERIFY2(r.unusable.empty(), describe(r).constData());
    const auto found = std::find_if(r.problems.begin(), r.problems.end(), [&](const FileProblem& p) {
        return QString::fromStdString(p.where).startsWith(where) && (check.isEmpty() || p.check == check.toStdString())
            && QString::fromStdString(p.message).contains(message);
    });
    QVERIFY2(found != r.problems.end(), describe(r).constData());
    QVERIFY(r.errors + r.warnings >= 1);
}

void TestFileCheck::unusable_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("why");
    QTest::newRow("missing") << QStringLiteral("no-such-file.json") << QStringLiteral("cannot open");
    QTest::newRow("a directory") << QString::fromStdString(source("resources")) << QStringLiteral("is a directory");
    QTest::newRow("cut Perfetto") << QString::fromStdString(source("tests/data/perfetto-truncated.pftrace"))
                                  << QStringLiteral("longer than the input");
    QTest::newRow("nothing known") << QStringLiteral("@prose") << QStringLiteral("cannot tell what the file holds");
}

void TestFileCheck::unusable()
{
    QFETCH(QString, path);
    QFETCH(QString, why);
    std::string file = path.toStdString();
    if (path == QLatin1String("@prose"))
        file = write("prose.txt", "Dear diary, today the camera buffer did not fit.\n");
    const FileCheckResult r = checkFile(file);
    QVERIFY2(QString::fromStdString(r.unusable).contains(why), describe(r).constData());
    QVERIFY(r.problems.empty());
    QVERIFY(!r.ok());
}

void TestFileCheck::forcedKindAndListLimit()
{
    std::string text;
    for (int i = 0; i < 50; ++i)
        text += "  cam-7 [002] 1.0: cma_alloc_finish: name=video pfn=zz page=(null) count=1 align=0\n";
    text += "  cam-7 [002] 1.1: cma_alloc_start: name=video count=64 align=6\n";
    FileCheckOptions options;
    options.kind = InputKind::Trace;
    options.maxListed = 10;
    const FileCheckResult r = checkFile(write("many.log", text), options);
    QCOMPARE(r.problems.size(), 10u);
    QCOMPARE(r.errors, 50u); // every malformed line counted, the first ten listed
    QCOMPARE(r.problems.back().where, std::string("line 10"));
}

void TestFileCheck::json()
{
    const FileCheckResult r = checkFile(source("tests/data/rpi4-firmware-memory.dts"));
    const auto j = nlohmann::json::parse(fileCheckJson(r));
    QCOMPARE(j.at("kind").get<std::string>(), std::string("dts"));
    QCOMPARE(j.at("warnings").get<std::uint64_t>(), r.warnings);
    QCOMPARE(j.at("problems").size(), r.problems.size());
    bool noMemory = false;
    for (const auto& p : j.at("problems"))
        noMemory = noMemory || p.at("check") == "dt-no-memory";
    QVERIFY(noMemory);
}

QTEST_GUILESS_MAIN(TestFileCheck)
#include "tst_filecheck.moc"
