// SPDX-License-Identifier: GPL-2.0-or-later
// The event log's proxy (issue 10): filters and sorts computed from the run's records must give exactly the
// rows the old string-matching QSortFilterProxyModel gave (every displayed cell formatted and compared), and a
// filter or sort change must never move the current row to another step.
#include "common/document.h"
#include "eventlog/steptablemodel.h"
#include "support/platforms.h"

#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>
#include <cmascope/trace/bootlog.h>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <memory>
#include <thread>

using namespace cmascope;
using namespace cmascope::views;
using OutcomeFilter = StepFilterProxy::OutcomeFilter;

namespace {

/// A replayed kernel trace: Place/Release/Refused steps, times, refusals and busy retries.
std::shared_ptr<const ReplayResult> trace(const char* capture)
{
    const std::string dir = std::string(CMASCOPE_SOURCE_DIR "/traces/kernel/") + capture;
    ReplayInputs inputs;
    QFile dmesg(QString::fromStdString(dir + "/dmesg-cma.txt"));
    if (dmesg.open(QIODevice::ReadOnly)) {
        const QByteArray text = dmesg.readAll();
        inputs.bootLog = parseBootLog(std::string_view(text.constData(), std::size_t(text.size())));
    }
    ReplayFileResult r = replayTraceFile(dir + "/trace.txt", inputs);
    if (!r.ok())
        qFatal("%s", r.error.c_str());
    return std::make_shared<const ReplayResult>(std::move(r.result));
}

/// Shows project @p name in @p doc: a demo, or a capture with its replay (the trace's own columns, task,
/// CPU, busy retries, latency, errno, as the app shows it); "plain:" + capture: its timeline as a project.
void showProject(Document& doc, const QString& name)
{
    if (name == QLatin1String("demo"))
        return doc.setProject(test::loadDemo());
    if (name == QLatin1String("fragmented"))
        return doc.setProject(test::fragmentedProject());
    if (name == QLatin1String("byhandle")) { // the 2010 cma_alloc_from_region(), docs/cma2010.md#private-regions
        Project p = test::loadDemo();
        p.platform.regions[2].privateHandle = true; // b2
        Scenario sc;
        sc.name = "by handle";
        sc.allocateFromRegion(2, "s3c-mfc5", 6 * MiB, "fb0", 128 * KiB);
        sc.allocate("s3c-mfc5", "a", 1 * MiB, "a1");
        sc.allocateFromRegion(2, "s3c-mfc5", 1 * MiB, "odd", 3 * KiB); // -EINVAL
        sc.allocateFromRegion(2, "s3c-mfc5", 0, "zero"); // -EINVAL
        sc.allocateFromRegion(2, "s3c-mfc5", 12 * MiB, "big"); // -ENOMEM
        sc.allocateFromRegion(1, "s3c-fimc.0", 4097, "named", 1 * MiB);
        sc.free("fb0");
        p.scenarios = { sc };
        return doc.setProject(std::move(p));
    }
    if (name.startsWith(QLatin1String("plain:")))
        return doc.setProject(replayProject(*trace(qPrintable(name.mid(6))), name.mid(6).toStdString()));
    const auto replay = trace(qPrintable(name));
    doc.setProject(replayProject(*replay, name.toStdString()), {}, Document::StartAt::FirstStep, replay);
}

struct Filters
{
    int outcome = int(OutcomeFilter::All);
    QString device, kind, region, text;
};

/// The old proxy's filterAcceptsRow, on the cells as displayed.
bool referenceAccepts(const QAbstractItemModel& m, int row, const Filters& f)
{
    auto cell = [&](int column) { return m.index(row, column).data().toString(); };
    if (!f.device.isEmpty() && cell(StepTableModel::DeviceColumn) != f.device)
        return false;
    if (!f.kind.isEmpty() && cell(StepTableModel::KindColumn) != f.kind)
        return false;
    if (!f.region.isEmpty() && cell(StepTableModel::RegionColumn) != f.region)
        return false;
    const QModelIndex first = m.index(row, 0);
    const auto type = StepType(first.data(StepTableModel::StepTypeRole).toInt());
    const auto outcome = Outcome(first.data(StepTableModel::OutcomeRole).toInt());
    switch (OutcomeFilter(f.outcome)) {
    case OutcomeFilter::Requests:
        if (type != StepType::Allocate && type != StepType::Place && type != StepType::Refused
            && type != StepType::AllocateFromRegion)
            return false;
        break;
    case OutcomeFilter::Failures:
        if (outcome != Outcome::Failed && outcome != Outcome::FreeUnknown)
            return false;
        break;
    case OutcomeFilter::Frees:
        if (type != StepType::Free && type != StepType::Release)
            return false;
        break;
    case OutcomeFilter::Markers:
        if (type != StepType::Phase)
            return false;
        break;
    default: // All; Busy and the causes need a trace's requests (tst_tracelog.cpp)
        break;
    }
    if (f.text.isEmpty())
        return true;
    for (int c = 0; c < StepTableModel::ColumnCount; ++c)
        if (cell(c).contains(f.text, Qt::CaseInsensitive))
            return true;
    return false;
}

/// QSortFilterProxyModel's order: a stable sort of the source rows on SortRole (numbers as numbers, text
/// with QString::compare), descending with the same stability.
QList<int> referenceRows(const QAbstractItemModel& m, const Filters& f, int column, Qt::SortOrder order)
{
    QList<int> rows;
    for (int r = 0; r < m.rowCount(); ++r)
        if (referenceAccepts(m, r, f))
            rows << r;
    if (column < 0)
        return rows;
    auto less = [&](int a, int b) {
        const QVariant va = m.index(a, column).data(StepTableModel::SortRole);
        const QVariant vb = m.index(b, column).data(StepTableModel::SortRole);
        if (va.typeId() == QMetaType::QString || vb.typeId() == QMetaType::QString)
            return QString::compare(va.toString(), vb.toString()) < 0;
        return va.toULongLong() < vb.toULongLong();
    };
    if (order == Qt::AscendingOrder)
        std::stable_sort(rows.begin(), rows.end(), less);
    else
        std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) { return less(b, a); });
    return rows;
}

QList<int> proxyRows(const QAbstractProxyModel& proxy)
{
    QList<int> rows;
    for (int r = 0; r < proxy.rowCount(); ++r)
        rows << proxy.mapToSource(proxy.index(r, 0)).row();
    return rows;
}

} // namespace

class TestStepTableModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sameRowsAsMatchingTheCells_data();
    void sameRowsAsMatchingTheCells();
    void sortsLikeTheSortRole_data();
    void sortsLikeTheSortRole();
    void filterKeepsCurrentStep_data();
    void filterKeepsCurrentStep();
    void followsNewRuns();
    void cellTextIsTheDisplayText_data();
    void cellTextIsTheDisplayText();
    void byHandleRequestsAreShown();
};

void TestStepTableModel::sameRowsAsMatchingTheCells_data()
{
    QTest::addColumn<QString>("project");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<QString>("device");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("text");
    // Texts that occur in every kind of cell: names, sizes ("KiB", "1.5 MiB"), alignments, outcomes with
    // refusals and busy retries, step numbers, trace times ("0.", "123"), addresses ("0x7dc", "pfn 0x").
    const QStringList texts { QString(), QStringLiteral("a"), QStringLiteral("BIG"), QStringLiteral("s3c"),
        QStringLiteral("Video"), QStringLiteral("KiB"), QStringLiteral("mib"), QStringLiteral("1.5"),
        QStringLiteral("128"), QStringLiteral("1"), QStringLiteral("12"), QStringLiteral("7"), QStringLiteral("."),
        QStringLiteral("0."), QStringLiteral("0x"), QStringLiteral("0X7DC"), QStringLiteral("pfn 0x"),
        QStringLiteral(" / "), QStringLiteral("fail"), QStringLiteral("ALLOCATED"), QStringLiteral("("),
        QStringLiteral("busy"), QStringLiteral("retries"), QStringLiteral("phase"), QStringLiteral("nvme"),
        QStringLiteral("reserved"), QStringLiteral("b2"), QStringLiteral("zzz"), QStringLiteral("é"),
        QStringLiteral("c1"), QStringLiteral("ebusy"), QStringLiteral("-16"), QStringLiteral(" ms"),
        QStringLiteral("order 9"), QStringLiteral("after"), QStringLiteral("init-"), QStringLiteral(": busy"),
        QStringLiteral("handle"), QStringLiteral("3 KiB"), QStringLiteral("invalid") };
    for (const QString& project : { QStringLiteral("demo"), QStringLiteral("byhandle"), QStringLiteral("fragmented"),
             QStringLiteral("k61-nvme"), QStringLiteral("k612-busy-retry"), QStringLiteral("k612-reserved-mixed"),
             QStringLiteral("plain:k612-busy-retry") }) {
        for (const QString& text : texts)
            QTest::addRow("%s text '%s'", qPrintable(project), qPrintable(text))
                << project << int(OutcomeFilter::All) << QString() << QString() << QString() << text;
        for (int o = int(OutcomeFilter::Requests); o <= int(OutcomeFilter::Markers); ++o) {
            QTest::addRow("%s outcome %d", qPrintable(project), o)
                << project << o << QString() << QString() << QString() << QString();
            QTest::addRow("%s outcome %d text '1'", qPrintable(project), o)
                << project << o << QString() << QString() << QString() << QStringLiteral("1");
        }
    }
    QTest::newRow("demo device") << QStringLiteral("demo") << int(OutcomeFilter::All) << QStringLiteral("s3c-mfc5")
                                 << QString() << QString() << QString();
    QTest::newRow("demo device kind") << QStringLiteral("demo") << int(OutcomeFilter::All) << QStringLiteral("s3c-mfc5")
                                      << QStringLiteral("a") << QString() << QString();
    QTest::newRow("demo kind only") << QStringLiteral("demo") << int(OutcomeFilter::All) << QString()
                                    << QStringLiteral("b") << QString() << QString();
    QTest::newRow("demo region") << QStringLiteral("demo") << int(OutcomeFilter::All) << QString() << QString()
                                 << QStringLiteral("b2") << QString();
    QTest::newRow("demo region failures") << QStringLiteral("demo") << int(OutcomeFilter::Failures) << QString()
                                          << QString() << QStringLiteral("b1") << QString();
    QTest::newRow("demo unknown device") << QStringLiteral("demo") << int(OutcomeFilter::All)
                                         << QStringLiteral("nosuch") << QString() << QString() << QString();
    QTest::newRow("demo unknown region") << QStringLiteral("demo") << int(OutcomeFilter::All) << QString() << QString()
                                         << QStringLiteral("nosuch") << QString();
    QTest::newRow("trace region text") << QStringLiteral("k612-reserved-mixed") << int(OutcomeFilter::Requests)
                                       << QString() << QString() << QStringLiteral("reserved") << QStringLiteral("0x");
    QTest::newRow("fragmented kind text")
        << QStringLiteral("fragmented") << int(OutcomeFilter::All) << QStringLiteral("video") << QStringLiteral("a")
        << QString() << QStringLiteral("c");
}

void TestStepTableModel::sameRowsAsMatchingTheCells()
{
    QFETCH(QString, project);
    QFETCH(int, outcome);
    QFETCH(QString, device);
    QFETCH(QString, kind);
    QFETCH(QString, region);
    QFETCH(QString, text);
    Document doc;
    StepTableModel model(&doc);
    StepFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    showProject(doc, project);
    doc.waitForRun();
    QVERIFY(model.rowCount() > 0);
    proxy.setOutcomeFilter(OutcomeFilter(outcome));
    proxy.setDeviceFilter(device);
    proxy.setKindFilter(kind);
    proxy.setRegionFilter(region);
    proxy.setTextFilter(text);
    const Filters f { outcome, device, kind, region, text };
    QCOMPARE(proxyRows(proxy), referenceRows(model, f, -1, Qt::AscendingOrder));
    // Every shown row maps back.
    for (int r = 0; r < proxy.rowCount(); ++r)
        QCOMPARE(proxy.mapFromSource(proxy.mapToSource(proxy.index(r, 3))), proxy.index(r, 3));
}

void TestStepTableModel::sortsLikeTheSortRole_data()
{
    QTest::addColumn<QString>("project");
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("order");
    QTest::addColumn<QString>("text");
    for (const QString& project : { QStringLiteral("demo"), QStringLiteral("byhandle"), QStringLiteral("k61-nvme"),
             QStringLiteral("k612-reserved-mixed"), QStringLiteral("k612-busy-retry") })
        for (int c = 0; c < StepTableModel::ColumnCount; ++c)
            for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder }) {
                QTest::addRow("%s column %d %s", qPrintable(project), c, order == Qt::AscendingOrder ? "asc" : "desc")
                    << project << c << int(order) << QString();
                QTest::addRow(
                    "%s column %d %s filtered", qPrintable(project), c, order == Qt::AscendingOrder ? "asc" : "desc")
                    << project << c << int(order) << QStringLiteral("1");
            }
}

void TestStepTableModel::sortsLikeTheSortRole()
{
    QFETCH(QString, project);
    QFETCH(int, column);
    QFETCH(int, order);
    QFETCH(QString, text);
    Document doc;
    StepTableModel model(&doc);
    StepFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    showProject(doc, project);
    doc.waitForRun();
    proxy.setTextFilter(text);
    proxy.sort(column, Qt::SortOrder(order));
    Filters f;
    f.text = text;
    QCOMPARE(proxyRows(proxy), referenceRows(model, f, column, Qt::SortOrder(order)));
}

void TestStepTableModel::filterKeepsCurrentStep_data()
{
    QTest::addColumn<int>("outcome");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("sortColumn");
    QTest::addColumn<bool>("shown"); // the current step passes the new filter
    // The demo's step 4 is the first HD frame: a request by s3c-mfc5 of kind "b" in region b2.
    QTest::newRow("requests") << int(OutcomeFilter::Requests) << QString() << -1 << true;
    QTest::newRow("text matching it") << int(OutcomeFilter::All) << QStringLiteral("s3c") << -1 << true;
    QTest::newRow("sorted by size") << int(OutcomeFilter::All) << QString() << int(StepTableModel::SizeColumn) << true;
    QTest::newRow("markers hide it") << int(OutcomeFilter::Markers) << QString() << -1 << false;
    QTest::newRow("frees hide it") << int(OutcomeFilter::Frees) << QString() << -1 << false;
    QTest::newRow("text hiding it") << int(OutcomeFilter::All) << QStringLiteral("zzz") << -1 << false;
}

void TestStepTableModel::filterKeepsCurrentStep()
{
    QFETCH(int, outcome);
    QFETCH(QString, text);
    QFETCH(int, sortColumn);
    QFETCH(bool, shown);
    Document doc;
    StepTableModel model(&doc);
    StepFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    QItemSelectionModel selection(&proxy);
    const int step = 4;
    selection.setCurrentIndex(proxy.mapFromSource(model.index(step, 0)), QItemSelectionModel::ClearAndSelect);
    QSignalSpy moved(&selection, &QItemSelectionModel::currentRowChanged);
    proxy.setOutcomeFilter(OutcomeFilter(outcome));
    proxy.setTextFilter(text);
    if (sortColumn >= 0)
        proxy.sort(sortColumn, Qt::DescendingOrder);
    // The current row never becomes another step: it stays on the step, or (hidden) there is none.
    for (const auto& args : moved) {
        const QModelIndex to = args.at(0).toModelIndex();
        QVERIFY2(!to.isValid() || proxy.mapToSource(to).row() == step,
            qPrintable(QStringLiteral("the current row moved to step %1").arg(proxy.mapToSource(to).row())));
    }
    if (shown) {
        QCOMPARE(proxy.mapToSource(selection.currentIndex()).row(), step);
        QVERIFY(selection.isSelected(selection.currentIndex()));
    } else {
        QVERIFY(!selection.currentIndex().isValid());
    }
}

void TestStepTableModel::followsNewRuns()
{
    Document doc;
    StepTableModel model(&doc);
    StepFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setTextFilter(QStringLiteral("c1"));
    proxy.sort(StepTableModel::LabelColumn, Qt::DescendingOrder);
    doc.setProject(test::fragmentedProject());
    doc.waitForRun();
    Filters f;
    f.text = QStringLiteral("c1");
    QCOMPARE(proxyRows(proxy), referenceRows(model, f, StepTableModel::LabelColumn, Qt::DescendingOrder));
    doc.setProject(test::loadDemo()); // a new run: the filter and sort apply to it
    doc.waitForRun();
    QCOMPARE(proxyRows(proxy), referenceRows(model, f, StepTableModel::LabelColumn, Qt::DescendingOrder));
    proxy.sort(-1);
    QCOMPARE(proxyRows(proxy), referenceRows(model, f, -1, Qt::AscendingOrder));
}

void TestStepTableModel::cellTextIsTheDisplayText_data()
{
    QTest::addColumn<QString>("project");
    for (const char* project : { "demo", "byhandle", "fragmented", "k612-busy-retry", "k612-reserved-mixed" })
        QTest::newRow(project) << QString::fromLatin1(project);
}

void TestStepTableModel::cellTextIsTheDisplayText()
{
    // cellText() is what a worker formats the log with (the CSV export): the same text as data() shows, for
    // every column, also when it runs on another thread on the shared simulation.
    QFETCH(QString, project);
    Document doc;
    StepTableModel model(&doc);
    showProject(doc, project);
    doc.waitForRun();
    const int rows = model.rowCount();
    QVERIFY(rows > 0);
    std::vector<std::size_t> sample;
    for (int i = 0; i < std::min(rows, 40); ++i)
        sample.push_back(std::size_t(qint64(i) * (rows - 1) / std::max(1, std::min(rows, 40) - 1)));
    const std::shared_ptr<const Simulation> sim = doc.sharedSimulation();
    const ReplayResult* trace = StepTableModel::traceOf(doc.sharedReplay().get(), *sim);
    QCOMPARE(trace, model.trace());
    std::vector<QStringList> worker(sample.size());
    std::thread([&] {
        for (std::size_t i = 0; i < sample.size(); ++i)
            for (int c = 0; c < StepTableModel::ColumnCount; ++c)
                worker[i] << StepTableModel::cellText(*sim, trace, sample[i], c);
    }).join();
    for (std::size_t i = 0; i < sample.size(); ++i)
        for (int c = 0; c < StepTableModel::ColumnCount; ++c) {
            const QString shown = model.index(int(sample[i]), c).data(Qt::DisplayRole).toString();
            QCOMPARE(StepTableModel::cellText(*sim, trace, sample[i], c), shown);
            QCOMPARE(worker[i][c], shown);
        }
}

void TestStepTableModel::byHandleRequestsAreShown()
{
    Document doc;
    StepTableModel model(&doc);
    showProject(doc, QStringLiteral("byhandle"));
    doc.waitForRun();
    const auto cell = [&model](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(cell(0, StepTableModel::KindColumn), QStringLiteral("(by region handle)"));
    QCOMPARE(cell(0, StepTableModel::RegionColumn), QStringLiteral("b2"));
    QCOMPARE(cell(0, StepTableModel::SizeColumn), QStringLiteral("6 MiB"));
    QCOMPARE(cell(0, StepTableModel::AlignColumn), QStringLiteral("128 KiB"));
    QCOMPARE(cell(0, StepTableModel::OutcomeColumn), QStringLiteral("allocated"));
    QCOMPARE(cell(1, StepTableModel::KindColumn), QStringLiteral("a")); // through the map: never b2
    QVERIFY(cell(1, StepTableModel::RegionColumn) != QStringLiteral("b2"));
    QCOMPARE(cell(2, StepTableModel::AlignColumn), QStringLiteral("3 KiB"));
    QCOMPARE(cell(2, StepTableModel::OutcomeColumn), QStringLiteral("failed: invalid argument (-EINVAL)"));
    QCOMPARE(cell(3, StepTableModel::OutcomeColumn), QStringLiteral("failed: zero bytes asked"));
    QCOMPARE(cell(4, StepTableModel::OutcomeColumn), QStringLiteral("failed: not enough memory"));
    QCOMPARE(cell(5, StepTableModel::RegionColumn), QStringLiteral("b1"));
    QCOMPARE(cell(5, StepTableModel::OutcomeColumn), QStringLiteral("allocated"));
}

QTEST_MAIN(TestStepTableModel)
#include "tst_steptablemodel.moc"
