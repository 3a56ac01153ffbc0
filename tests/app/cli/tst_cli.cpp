// SPDX-License-Identifier: GPL-2.0-or-later
// The command-line contract, run through the real cmascope-cli binary.
#include <cmascope/model/project.h>

#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void simulateExplainsFailures();
    void simulateStrict();
    void renderPng();
    void renderSvgGrid();
    void renderTraceAreas();
    void renderAxes_data();
    void renderAxes();
    void renderRejects_data();
    void renderRejects();
    void simulateWouldFit();
    void simulateSkipsRegionThatFailedToReserve();

private:
    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    static Run run(const QStringList& args)
    {
        QProcess p;
        p.start(QStringLiteral(CMASCOPE_CLI), args);
        p.waitForFinished(120000);
        return { p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError()) };
    }
    static QString demo(const char* name)
    {
        return QStringLiteral(CMASCOPE_SOURCE_DIR "/resources/demos/") + QLatin1String(name);
    }
};

void TestCli::simulateExplainsFailures()
{
    const Run r = run({ QStringLiteral("simulate"), demo("gfx-fragmentation.json"), QStringLiteral("--quiet") });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("fragmented")), qPrintable(r.out));
    QVERIFY(r.out.contains(QStringLiteral("which the kernel too reads as fragmentation")));
    QVERIFY(r.out.contains(QStringLiteral("summary: ")));
}

void TestCli::simulateStrict()
{
    QCOMPARE(run({ QStringLiteral("simulate"), demo("gfx-fragmentation.json"), QStringLiteral("--strict"),
                     QStringLiteral("--quiet") })
                 .exitCode,
        1);
    QCOMPARE(run({ QStringLiteral("simulate"), demo("camera-video-2010.json"), QStringLiteral("--strict"),
                     QStringLiteral("--quiet") })
                 .exitCode,
        0);
}

void TestCli::renderPng()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("map.png"));
    const Run r = run({ QStringLiteral("render"), demo("gfx-fragmentation.json"), QStringLiteral("--step"),
        QStringLiteral("94"), QStringLiteral("--width"), QStringLiteral("1200"), QStringLiteral("--height"),
        QStringLiteral("400"), QStringLiteral("-o"), out });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QImage img(out);
    QCOMPARE(img.size(), QSize(1200, 400));
    // Not blank: many distinct colours (chunks of two devices, the region, the ghost).
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 4)
        for (int x = 0; x < img.width(); x += 4)
            colours.insert(img.pixel(x, y));
    QVERIFY2(colours.size() > 8, qPrintable(QString::number(colours.size())));
}

void TestCli::renderSvgGrid()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("map.svg"));
    const Run r =
        run({ QStringLiteral("render"), QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt"),
            QStringLiteral("--layout"), QStringLiteral("grid"), QStringLiteral("-o"), out });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray svg = f.readAll();
    QVERIFY(svg.contains("<svg"));
    QVERIFY(svg.contains("<image")); // the cells are drawn as one image
}

void TestCli::renderTraceAreas()
{
    // render takes a trace's areas like replay does: --area makes the area 32 MiB where the trace alone infers
    // 16 MiB, and the map's label says so.
    QTemporaryDir dir;
    const QString trace = QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt");
    const QString inferred = dir.filePath(QStringLiteral("inferred.svg"));
    const QString given = dir.filePath(QStringLiteral("given.svg"));
    QCOMPARE(run({ QStringLiteral("render"), trace, QStringLiteral("-o"), inferred }).exitCode, 0);
    const Run r = run({ QStringLiteral("render"), trace, QStringLiteral("--area"),
        QStringLiteral("reserved=0x7d000+8192"), QStringLiteral("-o"), given });
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile a(inferred), b(given);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    const QByteArray inferredSvg = a.readAll(), givenSvg = b.readAll();
    QVERIFY(inferredSvg.contains("16 MiB"));
    QVERIFY(!inferredSvg.contains("32 MiB"));
    QVERIFY(givenSvg.contains("32 MiB"));
    // and --dmesg
    const Run d = run({ QStringLiteral("render"), trace, QStringLiteral("--dmesg"),
        QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/dmesg-cma.txt"), QStringLiteral("-o"), given });
    QVERIFY2(d.exitCode == 0, qPrintable(d.err));
}

void TestCli::renderAxes_data()
{
    QTest::addColumn<QString>("axis"); // empty: the automatic choice
    QTest::addColumn<QString>("expected"); // text the SVG holds
    QTest::addColumn<QString>("absent"); // text it does not

    QTest::newRow("automatic: per area") << QString() << QStringLiteral("Per-area axis") << QStringLiteral("skipped");
    QTest::newRow("per-area") << QStringLiteral("per-area") << QStringLiteral("Per-area axis")
                              << QStringLiteral("skipped");
    QTest::newRow("compact") << QStringLiteral("compact") << QStringLiteral("1 GiB skipped")
                             << QStringLiteral("Per-area axis");
    QTest::newRow("physical") << QStringLiteral("physical") << QStringLiteral("pfn 0x100000")
                              << QStringLiteral("skipped");
}

// The NUMA capture's four areas (16 MiB to 1 GiB, far apart) on each axis the app has.
void TestCli::renderAxes()
{
    QFETCH(QString, axis);
    QFETCH(QString, expected);
    QFETCH(QString, absent);
    QTemporaryDir dir;
    const QString svg = dir.filePath(QStringLiteral("map.svg"));
    const QString numa = QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k612-dt-numa/");
    QStringList args { QStringLiteral("render"), numa + QStringLiteral("trace.txt"), QStringLiteral("--dmesg"),
        numa + QStringLiteral("dmesg-cma.txt"), QStringLiteral("-o"), svg };
    if (!axis.isEmpty())
        args << QStringLiteral("--axis") << axis;
    const Run r = run(args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(f.readAll());
    QVERIFY2(text.contains(expected), qPrintable(expected));
    QVERIFY2(!text.contains(absent), qPrintable(absent));
    QVERIFY(text.contains(QStringLiteral("camera@70000000")));
}

void TestCli::renderRejects_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString d = demo("camera-video-2010.json");
    QTest::newRow("no output") << QStringList { d } << QStringLiteral("expected one INPUT and -o");
    QTest::newRow("bad suffix") << QStringList { d, QStringLiteral("-o"), QStringLiteral("/tmp/x.bmp") }
                                << QStringLiteral("must end in .png or .svg");
    QTest::newRow("bad layout") << QStringList { d, QStringLiteral("--layout"), QStringLiteral("spiral"),
        QStringLiteral("-o"), QStringLiteral("/tmp/x.png") }
                                << QStringLiteral("--layout must be linear or grid");
    QTest::newRow("bad axis") << QStringList { d, QStringLiteral("--axis"), QStringLiteral("diagonal"),
        QStringLiteral("-o"), QStringLiteral("/tmp/x.png") }
                              << QStringLiteral("--axis must be physical, compact or per-area, not 'diagonal'");
    QTest::newRow("step too far") << QStringList { d, QStringLiteral("--step"), QStringLiteral("100000"),
        QStringLiteral("-o"), QStringLiteral("/tmp/x.png") }
                                  << QStringLiteral("--step must be 0..");
    QTest::newRow("missing input") << QStringList { QStringLiteral("/nonexistent/t.txt"), QStringLiteral("-o"),
        QStringLiteral("/tmp/x.png") }
                                   << QStringLiteral("/nonexistent/t.txt");
    QTest::newRow("bad area") << QStringList { QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt"),
        QStringLiteral("--area"), QStringLiteral("reserved=0x7dc00+abc"), QStringLiteral("-o"),
        QStringLiteral("/tmp/x.png") }
                              << QStringLiteral("PAGES 'abc' is not a decimal");
    QTest::newRow("missing dmesg") << QStringList {
        QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k61-nvme/trace.txt"), QStringLiteral("--dmesg"),
        QStringLiteral("/nonexistent/dmesg.txt"), QStringLiteral("-o"), QStringLiteral("/tmp/x.png")
    } << QStringLiteral("render: --dmesg /nonexistent/dmesg.txt: cannot open");
}

void TestCli::renderRejects()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = run(QStringList { QStringLiteral("render") } + args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void TestCli::simulateWouldFit()
{
    // Every failed request gets its answer under the explanation: the policies, then the region size.
    const Run r = run({ QStringLiteral("simulate"), demo("rzg2l-smarc-dt.json"), QStringLiteral("--quiet"),
        QStringLiteral("--would-fit") });
    QCOMPARE(r.exitCode, 0);
    const auto failures = r.out.count(QStringLiteral(" -> failed\n"));
    QVERIFY2(failures > 0, qPrintable(r.out));
    QCOMPARE(r.out.count(QStringLiteral("\n    would fit: ")), failures);
    QCOMPARE(r.out.count(QStringLiteral("\n    policy bf")), failures);
    const QRegularExpression size(QStringLiteral("would fit: .*The request fits in a region of \\d+ pages \\([0-9.]+ "
                                                 "MiB\\), \\d+ more than now"));
    QVERIFY2(r.out.contains(size), qPrintable(r.out));
    // Without the option, nothing of it.
    QVERIFY(!run({ QStringLiteral("simulate"), demo("rzg2l-smarc-dt.json"), QStringLiteral("--quiet") })
                 .out.contains(QStringLiteral("would fit")));
}

void TestCli::simulateSkipsRegionThatFailedToReserve()
{
    // The camera demo with region b2 moved outside memory: the boot log says it failed, and no later step may
    // place anything in it (it printed "allocated in b2 at 0x0" through an empty optional).
    auto loaded = cmascope::loadProjectFile(demo("camera-video-2010.json").toStdString());
    QVERIFY(loaded.ok());
    cmascope::Project p = *loaded.project;
    const auto b2 = std::find_if(
        p.platform.regions.begin(), p.platform.regions.end(), [](const cmascope::Region& r) { return r.name == "b2"; });
    QVERIFY(b2 != p.platform.regions.end());
    b2->placement = cmascope::Placement::Fixed;
    b2->start = 0x90000000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("b2-moved.json"));
    QVERIFY(!cmascope::saveProjectFile(path.toStdString(), p));
    const Run r = run({ QStringLiteral("simulate"), path });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("boot: cma: Failed to reserve 16 MiB (b2:")), qPrintable(r.out));
    QVERIFY2(!r.out.contains(QStringLiteral(" in b2 at ")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("b2: not reserved at boot, so it does not exist at run time")),
        qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("  b2: not reserved at boot, never used")), qPrintable(r.out));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
