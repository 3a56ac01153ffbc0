// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/model/project.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace cmascope;

class TestProject : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadsDemo();
    void roundTrip();
    void errorsNamePaths_data();
    void errorsNamePaths();
    void unknownKeysWarn();
    void viewStateRoundTrips();
    void stepTimesRoundTrip();
    void notJson();
    void atomicSaveKeepsOldFileOnFailure();
    void atomicSaveReplaces();
    void atomicSaveKeepsModeAndUmask();
};

static std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

static const char* const kMinimal = R"({
  "format": "cmascope-project", "version": 1,
  "platform": {
    "name": "test",
    "banks": [ { "name": "ram", "base": "0x40000000", "size": "1G" } ],
    "regions": [ { "name": "r", "size": "64M", "start": "0x60000000", "policy": "kernel",
                   "params": { "order_per_bit": 1 } } ],
    "devices": [ { "name": "video", "dma_bits": 32 } ],
    "kinds": [ { "name": "a" } ],
    "rules": [ { "patterns": [ "video/a" ], "regions": [ "r" ] } ]
  },
  "scenarios": [ { "name": "s", "steps": [
    { "op": "phase", "text": "start" },
    { "op": "alloc", "device": "video", "kind": "a", "size": "6M", "align": "1M", "label": "x" },
    { "op": "pin", "region": "r", "offset": 16, "pages": 4 },
    { "op": "free", "label": "x" },
    { "op": "reset" } ] } ]
})";

void TestProject::loadsDemo()
{
    const auto r = loadProjectFile(CMASCOPE_SOURCE_DIR "/resources/demos/camera-video-2010.json");
    QVERIFY2(r.ok(), r.errorText().c_str());
    const auto& pf = r.project->platform;
    QCOMPARE(pf.banks.size(), std::size_t(2));
    QCOMPARE(pf.regions.size(), std::size_t(3));
    QVERIFY(pf.findRegion("b2"));
    QCOMPARE(pf.findRegion("b2")->start, std::uint64_t(0x40000000));
    QCOMPARE(pf.findRegion("b2")->placement, Placement::Fixed);
    QCOMPARE(pf.findRegion("fw")->alignment, 128 * KiB);
    QCOMPARE(pf.findRegion("b1")->policy, PolicyKind::BestFit2010);
    QVERIFY(!r.project->scenarios.empty());
    QVERIFY(r.project->scenarios[0].steps.size() > 50);
}

void TestProject::roundTrip()
{
    const auto first = parseProject(kMinimal);
    QVERIFY2(first.ok(), first.errorText().c_str());
    const auto& p = *first.project;
    QCOMPARE(p.platform.regions[0].size, 64 * MiB);
    QCOMPARE(p.platform.regions[0].params.orderPerBit, 1u);
    QCOMPARE(p.platform.devices[0].dmaBits, 32u);
    const auto& steps = p.scenarios[0].steps;
    QCOMPARE(steps.size(), std::size_t(5));
    QCOMPARE(steps[1].type, StepType::Allocate);
    QCOMPARE(steps[1].size, 6 * MiB);
    QCOMPARE(steps[1].alignLog2, std::uint8_t(20));
    QCOMPARE(steps[2].type, StepType::Pin);
    QCOMPARE(steps[2].offset, std::uint64_t(16));

    const std::string text = serializeProject(p);
    const auto second = parseProject(text);
    QVERIFY2(second.ok(), second.errorText().c_str());
    QVERIFY(second.project->platform == p.platform);
    QCOMPARE(serializeProject(*second.project), text);
}

void TestProject::errorsNamePaths_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    const QString head = QStringLiteral(R"({"format":"cmascope-project","version":1,"platform":{"name":"x",)");
    QTest::newRow("bad size") << head + QStringLiteral(R"("regions":[{"name":"r","size":"12Q"}]}})")
                              << QStringLiteral("platform.regions[0].size: '12Q' is not a size");
    QTest::newRow("size past 2^64") << head + QStringLiteral(R"("regions":[{"name":"r","size":"17E"}]}})")
                                    << QStringLiteral("platform.regions[0].size: '17E' does not fit in 64 bits");
    QTest::newRow("negative") << head + QStringLiteral(R"("banks":[{"name":"b","base":-1,"size":1}]}})")
                              << QStringLiteral("platform.banks[0].base: must not be negative");
    QTest::newRow("alignment") << head + QStringLiteral(R"("regions":[{"name":"r","size":"4M","alignment":"3K"}]}})")
                               << QStringLiteral("platform.regions[0].alignment: must be a power of two, not 0xc00");
    QTest::newRow("policy") << head + QStringLiteral(R"("regions":[{"name":"r","size":"4M","policy":"magic"}]}})")
                            << QStringLiteral("platform.regions[0].policy: unknown policy \"magic\"");
    QTest::newRow("memory type") << head + QStringLiteral(R"("regions":[{"name":"r","size":"4M","memory_type":3}]}})")
                                 << QStringLiteral("platform.regions[0].memory_type: ");
    QTest::newRow("drivers not a list") << head
            + QStringLiteral(R"("regions":[{"name":"r","size":"4M","drivers":"ivtv"}]}})")
                                        << QStringLiteral("platform.regions[0].drivers: ");
    QTest::newRow("driver not a name") << head
            + QStringLiteral(R"("regions":[{"name":"r","size":"4M","drivers":["ivtv",7]}]}})")
                                       << QStringLiteral(
                                              "platform.regions[0].drivers[1]: must be a non-empty driver name");
    QTest::newRow("missing name") << head + QStringLiteral(R"("devices":[{"dma_bits":32}]}})")
                                  << QStringLiteral("platform.devices[0].name: is required");
    QTest::newRow("step op") << head
            + QStringLiteral(R"("banks":[]},"scenarios":[{"name":"s","steps":[{"op":"grab"}]}]})")
                             << QStringLiteral("scenarios[0].steps[0].op: unknown operation \"grab\"");
    QTest::newRow("pin region") << head
            + QStringLiteral(
                R"("banks":[]},"scenarios":[{"name":"s","steps":[{"op":"pin","region":"zz","offset":0,"pages":1}]}]})")
                                << QStringLiteral("scenarios[0].steps[0].region: no region named \"zz\"");
    QTest::newRow("newer version") << QStringLiteral(R"({"format":"cmascope-project","version":99,"platform":{}})")
                                   << QStringLiteral("version: this file was written by a newer cmascope");
    QTest::newRow("wrong format") << QStringLiteral(R"({"format":"other","version":1,"platform":{}})")
                                  << QStringLiteral("format: must be \"cmascope-project\"");
}

void TestProject::errorsNamePaths()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    const QByteArray utf8 = json.toUtf8();
    const auto r = parseProject(std::string_view(utf8.constData(), std::size_t(utf8.size())));
    QVERIFY(!r.ok()); // never half-loaded
    const QString text = QString::fromStdString(r.errorText());
    QVERIFY2(text.contains(expected), qPrintable(text));
}

void TestProject::unknownKeysWarn()
{
    const auto r = parseProject(R"({"format":"cmascope-project","version":1,"platform":{"name":"x","colour":"red"}})");
    QVERIFY(r.ok());
    QCOMPARE(r.messages.size(), std::size_t(1));
    QCOMPARE(r.messages[0].severity, LoadMessage::Severity::Warning);
    QCOMPARE(QString::fromStdString(r.messages[0].path), QStringLiteral("platform.colour"));
}

void TestProject::viewStateRoundTrips()
{
    std::string text = kMinimal;
    text.insert(text.rfind('}'), R"(, "view": { "position": 3, "layout": "grid" })");
    const auto p = parseProject(text);
    QVERIFY2(p.ok(), p.errorText().c_str());
    QVERIFY(p.messages.empty());
    QCOMPARE(p.project->viewJson, std::string(R"({"layout":"grid","position":3})"));
    const auto again = parseProject(serializeProject(*p.project));
    QVERIFY(again.ok());
    QCOMPARE(again.project->viewJson, p.project->viewJson);
    // A view that is not an object is a warning, and the project still loads.
    std::string bad = kMinimal;
    bad.insert(bad.rfind('}'), R"(, "view": 42)");
    const auto b = parseProject(bad);
    QVERIFY(b.ok());
    QCOMPARE(b.messages.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(b.messages[0].path), QStringLiteral("view"));
}

void TestProject::stepTimesRoundTrip()
{
    auto p = parseProject(kMinimal);
    QVERIFY(p.ok());
    p.project->scenarios[0].timesNs = { 0, 1000, 2000, 2500, 9000000000ull };
    const auto back = parseProject(serializeProject(*p.project));
    QVERIFY2(back.ok(), back.errorText().c_str());
    QCOMPARE(back.project->scenarios[0].timesNs, p.project->scenarios[0].timesNs);
    // One time per step, or an error naming the key.
    std::string text = serializeProject(*p.project);
    const auto at = text.find("9000000000");
    QVERIFY(at != std::string::npos);
    text.replace(at, 10, "-5");
    const auto bad = parseProject(text);
    QVERIFY(!bad.ok());
    QVERIFY(QString::fromStdString(bad.errorText()).contains(QStringLiteral("scenarios[0].times_ns[4]")));
}

void TestProject::notJson()
{
    const auto r = parseProject("{ \"format\": ");
    QVERIFY(!r.ok());
    QVERIFY(QString::fromStdString(r.errorText()).contains(QStringLiteral("not valid JSON")));
    const auto missing = loadProjectFile("/nonexistent/dir/p.json");
    QVERIFY(!missing.ok());
    QVERIFY(QString::fromStdString(missing.errorText()).contains(QStringLiteral("/nonexistent/dir/p.json")));
}

void TestProject::atomicSaveKeepsOldFileOnFailure()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("p.json")).toStdString();
    QVERIFY(!writeFileAtomically(path, "old contents"));
    // A directory that cannot be written: the temporary file cannot be created; the old file survives.
    QVERIFY(QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    const bool runningAsRoot = ::geteuid() == 0;
    const auto err = writeFileAtomically(path, "new contents");
    QVERIFY(
        QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    if (!runningAsRoot) {
        QVERIFY(err.has_value());
        QVERIFY(QString::fromStdString(*err).contains(QStringLiteral("p.json")));
        QCOMPARE(readFile(path), std::string("old contents"));
    }
    // Writing over a path whose parent does not exist fails cleanly and names the file.
    const auto err2 = writeFileAtomically(path + ".d/missing/x.json", "data");
    QVERIFY(err2.has_value());
    QVERIFY(QString::fromStdString(*err2).contains(QStringLiteral("x.json")));
    QCOMPARE(readFile(path), runningAsRoot ? std::string("new contents") : std::string("old contents"));
}

void TestProject::atomicSaveReplaces()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("p.json")).toStdString();
    const auto p = parseProject(kMinimal);
    QVERIFY(p.ok());
    QVERIFY(!saveProjectFile(path, *p.project));
    const auto back = loadProjectFile(path);
    QVERIFY2(back.ok(), back.errorText().c_str());
    QVERIFY(back.project->platform == p.project->platform);
    // No temporary files left behind.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
}

void TestProject::atomicSaveKeepsModeAndUmask()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("p.json")).toStdString();
    const auto modeOf = [](const std::string& p) {
        struct stat st
        { };
        return ::stat(p.c_str(), &st) == 0 ? int(st.st_mode & 07777) : -1;
    };
    // A new file: 0666 less the umask, as open(2) would make it (it was always 0644).
    const mode_t old = ::umask(027);
    QVERIFY(!writeFileAtomically(path, "one"));
    ::umask(old);
    QCOMPARE(modeOf(path), 0640);
    // An existing file keeps its mode.
    QCOMPARE(::chmod(path.c_str(), 0600), 0);
    QVERIFY(!writeFileAtomically(path, "two"));
    QCOMPARE(modeOf(path), 0600);
    QCOMPARE(readFile(path), std::string("two"));
    // A symbolic link stays a link; the file it points to is replaced.
    const std::string link = dir.filePath(QStringLiteral("link.json")).toStdString();
    QCOMPARE(::symlink(path.c_str(), link.c_str()), 0);
    QVERIFY(!writeFileAtomically(link, "three"));
    struct stat st
    { };
    QCOMPARE(::lstat(link.c_str(), &st), 0);
    QVERIFY(S_ISLNK(st.st_mode));
    QCOMPARE(readFile(path), std::string("three"));
    QCOMPARE(modeOf(path), 0600);
}

QTEST_GUILESS_MAIN(TestProject)
#include "tst_project.moc"
