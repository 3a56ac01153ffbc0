// SPDX-License-Identifier: GPL-2.0-or-later
#include "support/platforms.h"

// The platform editor: item models (QAbstractItemModelTester), undoable edits through the document,
// refused input with its reason, inline validation marks, add/remove/move, addRegionAt, cell editors.
#include "common/document.h"
#include "platform/platformeditor.h"
#include "platform/platformmodels.h"

#include <cmascope/validation/validation.h>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTest>
#include <QUndoStack>

#include <memory>
#include <set>

using namespace cmascope;
using namespace cmascope::views;

using Tab = PlatformEditor::Tab;

namespace {
/// Two fixed regions, the second overlapping the first by 1 MiB; no scenario.
Project overlapping()
{
    Project p;
    p.platform.name = "overlap";
    p.platform.mapMode = MapMode::Modern;
    p.platform.banks.push_back({ "ram", 0x40000000, 256 * MiB, 0 });
    Region a;
    a.name = "a";
    a.size = 4 * MiB;
    a.placement = Placement::Fixed;
    a.start = 0x40000000;
    Region b = a;
    b.name = "b";
    b.start = 0x40200000; // [0x40200000, 0x40600000) overlaps a [0x40000000, 0x40400000)
    p.platform.regions = { a, b };
    return p;
}

QString text(const QAbstractItemModel* m, int row, int column, int role = Qt::DisplayRole)
{
    return m->data(m->index(row, column), role).toString();
}

/// Rows of the diagnostics list whose message contains @p needle.
QList<int> diagnosticRows(const PlatformDiagnostics* d, const QString& needle)
{
    QList<int> rows;
    for (int i = 0; i < d->rowCount(); ++i) {
        if (d->index(i).data().toString().contains(needle))
            rows << i;
    }
    return rows;
}

bool hasErrorFor(const PlatformDiagnostics* d, const QString& collection, int row)
{
    for (const auto& e : d->entries()) {
        if (e.diagnostic.severity != Severity::Error)
            continue;
        for (const auto& t : e.targets) {
            if (t.collection == collection && t.row == row)
                return true;
        }
    }
    return false;
}
} // namespace

class TestPlatformEditor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modelsPassModelTester();
    void editSizeUndoRedo();
    void cellInput_data();
    void cellInput();
    void parsers_data();
    void parsers();
    void invalidInputRejected_data();
    void invalidInputRejected();
    void addRemoveMove();
    void selectionFollowsUndoRedo();
    void renameKeepsReferences();
    void overlapMarkedAndListed();
    void addRegionAt();
    void delegateEditors();
    void screenshot();
};

void TestPlatformEditor::modelsPassModelTester()
{
    Document doc;
    doc.setProject(test::loadDemo());
    PlatformEditor editor(&doc);
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
    for (Tab tab : { Tab::Banks, Tab::Regions, Tab::Devices, Tab::Kinds, Tab::Map }) {
        QVERIFY(editor.model(tab)->rowCount() > 0);
        testers.push_back(std::make_unique<QAbstractItemModelTester>(
            editor.model(tab), QAbstractItemModelTester::FailureReportingMode::QtTest));
    }
    testers.push_back(std::make_unique<QAbstractItemModelTester>(
        editor.diagnostics(), QAbstractItemModelTester::FailureReportingMode::QtTest));

    // Every kind of change the models turn into row signals: cell edits, insert, remove, move, undo of each,
    // and a whole new project.
    for (Tab tab : { Tab::Banks, Tab::Regions, Tab::Devices, Tab::Kinds, Tab::Map }) {
        PlatformTableModel* m = editor.tableModel(tab);
        const int rows = m->rowCount();
        QVERIFY(m->addItem(1) == 1);
        QCOMPARE(m->rowCount(), rows + 1);
        QVERIFY(m->removeItem(0));
        QCOMPARE(m->rowCount(), rows);
        if (m->isOrdered())
            QVERIFY(m->moveItem(0, +1));
        QVERIFY(m->setData(
            m->index(0, 0), QString(m->data(m->index(0, 0), Qt::EditRole).toString() + QStringLiteral("x"))));
    }
    QUndoStack* undo = doc.undoStack();
    while (undo->canUndo())
        undo->undo();
    QCOMPARE(doc.project().platform, test::loadDemo().platform);
    while (undo->canRedo())
        undo->redo();
    doc.setProject(overlapping());
    QCOMPARE(editor.model(Tab::Regions)->rowCount(), 2);
    QCOMPARE(editor.model(Tab::Map)->rowCount(), 0);
    doc.setProject(test::loadDemo());
    QCOMPARE(editor.model(Tab::Map)->rowCount(), 4);
    doc.waitForRun();
}

void TestPlatformEditor::editSizeUndoRedo()
{
    Document doc;
    doc.setProject(test::loadDemo());
    PlatformEditor editor(&doc);
    QAbstractItemModel* regions = editor.model(Tab::Regions);
    const QModelIndex size = regions->index(1, RegionTableModel::Size);
    // Shown as every view shows sizes (units.h), edited in the memparse() syntax of a kernel command line.
    QCOMPARE(regions->data(size).toString(), QStringLiteral("32 MiB"));
    QCOMPARE(regions->data(size, Qt::EditRole).toString(), QStringLiteral("32M"));
    QCOMPARE(doc.project().platform.regions[1].name, std::string("b1"));

    QSignalSpy changed(regions, &QAbstractItemModel::dataChanged);
    QVERIFY(regions->setData(size, QStringLiteral("16M")));
    QCOMPARE(doc.project().platform.regions[1].size, 16 * MiB);
    QCOMPARE(regions->data(size).toString(), QStringLiteral("16 MiB"));
    QVERIFY(changed.count() >= 1);
    QCOMPARE(doc.undoStack()->count(), 1);
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Change size of region b1"));
    QVERIFY(doc.isModified());

    doc.undoStack()->undo();
    QCOMPARE(doc.project().platform.regions[1].size, 32 * MiB);
    QCOMPARE(regions->data(size).toString(), QStringLiteral("32 MiB"));
    QVERIFY(!doc.isModified());

    doc.undoStack()->redo();
    QCOMPARE(doc.project().platform.regions[1].size, 16 * MiB);
    QCOMPARE(regions->data(size).toString(), QStringLiteral("16 MiB"));

    // The same value again is no edit: nothing is pushed.
    QVERIFY(regions->setData(size, QStringLiteral("0x1000000")));
    QCOMPARE(doc.undoStack()->count(), 1);
    doc.waitForRun();
}

void TestPlatformEditor::cellInput_data()
{
    QTest::addColumn<int>("tab");
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("shown"); ///< EditRole text afterwards

    const int regions = int(Tab::Regions);
    const int banks = int(Tab::Banks);
    QTest::newRow("size suffix") << regions << 1 << int(RegionTableModel::Size) << "8M"
                                 << "8M";
    QTest::newRow("size hex") << regions << 1 << int(RegionTableModel::Size) << "0x4000000"
                              << "64M";
    QTest::newRow("size K") << regions << 1 << int(RegionTableModel::Size) << "1536K"
                            << "1536K";
    QTest::newRow("size plain bytes") << regions << 1 << int(RegionTableModel::Size) << "4097"
                                      << "4097";
    QTest::newRow("size blanks") << regions << 1 << int(RegionTableModel::Size) << "  2m "
                                 << "2M";
    QTest::newRow("size zero") << regions << 1 << int(RegionTableModel::Size) << "0"
                               << "0";
    QTest::newRow("start hex") << regions << 2 << int(RegionTableModel::Start) << "0x48000000"
                               << "0x48000000";
    QTest::newRow("start suffix") << regions << 2 << int(RegionTableModel::Start) << "1280M"
                                  << "0x50000000";
    QTest::newRow("start fixes dynamic") << regions << 1 << int(RegionTableModel::Start) << "0x44000000"
                                         << "0x44000000";
    QTest::newRow("bank base hex upper") << banks << 0 << int(BankTableModel::Base) << "0X20000000"
                                         << "0x20000000";
    QTest::newRow("bank size G") << banks << 1 << int(BankTableModel::Size) << "1G"
                                 << "1G";
    QTest::newRow("alignment empty = default") << regions << 0 << int(RegionTableModel::Alignment) << ""
                                               << "";
    QTest::newRow("alignment 1M") << regions << 0 << int(RegionTableModel::Alignment) << "1M"
                                  << "1M";
    QTest::newRow("limit") << regions << 1 << int(RegionTableModel::Limit) << "0x50000000"
                           << "0x50000000";
    QTest::newRow("policy id") << regions << 0 << int(RegionTableModel::Policy) << "first-fit"
                               << "first-fit";
    QTest::newRow("policy upper case") << regions << 0 << int(RegionTableModel::Policy) << "KERNEL"
                                       << "kernel";
    QTest::newRow("policy display name") << regions << 0 << int(RegionTableModel::Policy)
                                         << "First fit (address-ordered)"
                                         << "first-fit";
    QTest::newRow("page size 16K") << regions << 0 << int(RegionTableModel::PageSize) << "16K"
                                   << "16K";
    QTest::newRow("page size bytes") << regions << 0 << int(RegionTableModel::PageSize) << "65536"
                                     << "64K";
    QTest::newRow("bool yes") << regions << 0 << int(RegionTableModel::Default) << "yes"
                              << "yes";
    QTest::newRow("bool TRUE") << regions << 0 << int(RegionTableModel::Default) << "TRUE"
                               << "yes";
    QTest::newRow("bool off") << regions << 1 << int(RegionTableModel::Asterisk) << "off"
                              << "no";
    QTest::newRow("bool 0") << regions << 1 << int(RegionTableModel::Asterisk) << "0"
                            << "no";
    QTest::newRow("2010 private yes") << regions << 1 << int(RegionTableModel::PrivateHandle) << "yes"
                                      << "yes";
    QTest::newRow("type carve-out") << regions << 0 << int(RegionTableModel::Type) << "carve-out"
                                    << "carve-out";
    QTest::newRow("type no-map") << regions << 0 << int(RegionTableModel::Type) << "no-map"
                                 << "carve-out";
    QTest::newRow("placement fixed keeps placed base") << regions << 1 << int(RegionTableModel::Placement) << "Fixed"
                                                       << "fixed";
    QTest::newRow("numa 1") << regions << 0 << int(RegionTableModel::NumaNode) << "1"
                            << "1";
    QTest::newRow("device dma bits") << int(Tab::Devices) << 0 << int(DeviceTableModel::DmaBits) << "32"
                                     << "32";
    QTest::newRow("device memory regions")
        << int(Tab::Devices) << 0 << int(DeviceTableModel::MemoryRegions) << " b1 ,b2"
        << "b1, b2";
    QTest::newRow("rule text") << int(Tab::Map) << 0 << int(RuleTableModel::Rule) << "s3c-mfc5/f,video=fw,b1"
                               << "s3c-mfc5/f,video=fw,b1";
    QTest::newRow("rule text blanks dropped") << int(Tab::Map) << 0 << int(RuleTableModel::Rule) << " a/b = fw "
                                              << "a/b=fw";
    QTest::newRow("rule patterns") << int(Tab::Map) << 1 << int(RuleTableModel::Patterns) << "s3c-mfc5/a,cam*"
                                   << "s3c-mfc5/a,cam*";
    QTest::newRow("rule regions") << int(Tab::Map) << 1 << int(RuleTableModel::Regions) << "b2, *"
                                  << "b2,*";
    QTest::newRow("kind description") << int(Tab::Kinds) << 0 << int(KindTableModel::Description) << "  firmware "
                                      << "firmware";
}

void TestPlatformEditor::cellInput()
{
    QFETCH(int, tab);
    QFETCH(int, row);
    QFETCH(int, column);
    QFETCH(QString, input);
    QFETCH(QString, shown);
    Document doc;
    doc.setProject(test::loadDemo());
    PlatformEditor editor(&doc);
    PlatformTableModel* m = editor.tableModel(Tab(tab));
    const Platform before = doc.project().platform;
    const QModelIndex index = m->index(row, column);
    QVERIFY2(m->setData(index, input), qPrintable(m->lastError()));
    QVERIFY(m->lastError().isEmpty());
    QCOMPARE(m->data(index, Qt::EditRole).toString(), shown);
    QVERIFY(editor.message().isEmpty());
    // Something changed (every row above edits to a value different from the demo's), undo restores it.
    QVERIFY(doc.project().platform != before);
    QCOMPARE(doc.undoStack()->count(), 1);
    doc.undoStack()->undo();
    QCOMPARE(doc.project().platform, before);
    doc.waitForRun();
}

void TestPlatformEditor::parsers_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qulonglong>("value");

    QTest::newRow("size 64M") << "size"
                              << "64M" << true << qulonglong(64 * MiB);
    QTest::newRow("size 64m") << "size"
                              << "64m" << true << qulonglong(64 * MiB);
    QTest::newRow("size hex") << "size"
                              << "0x40000000" << true << qulonglong(0x40000000);
    QTest::newRow("size octal like the kernel") << "size"
                                                << "010" << true << qulonglong(8);
    QTest::newRow("size 2G") << "size"
                             << "2G" << true << qulonglong(2 * GiB);
    QTest::newRow("size 12Q") << "size"
                              << "12Q" << false << qulonglong(0);
    QTest::newRow("size empty") << "size"
                                << "" << false << qulonglong(0);
    QTest::newRow("size only suffix") << "size"
                                      << "M" << false << qulonglong(0);
    QTest::newRow("size negative") << "size"
                                   << "-4K" << false << qulonglong(0);
    QTest::newRow("size overflow") << "size"
                                   << "0x10000000000000000" << false << qulonglong(0);
    QTest::newRow("size suffix overflow") << "size"
                                          << "32E" << false << qulonglong(0);
    QTest::newRow("size two suffixes") << "size"
                                       << "1MK" << false << qulonglong(0);
    QTest::newRow("address hex") << "address"
                                 << "0x30000000" << true << qulonglong(0x30000000);
    QTest::newRow("address bad hex") << "address"
                                     << "0x3000000z" << false << qulonglong(0);
    QTest::newRow("bool yes") << "bool"
                              << "Yes" << true << qulonglong(1);
    QTest::newRow("bool on") << "bool"
                             << "on" << true << qulonglong(1);
    QTest::newRow("bool false") << "bool"
                                << "false" << true << qulonglong(0);
    QTest::newRow("bool empty") << "bool"
                                << "" << true << qulonglong(0);
    QTest::newRow("bool maybe") << "bool"
                                << "maybe" << false << qulonglong(0);
    QTest::newRow("policy bf") << "policy"
                               << "bf" << true << qulonglong(PolicyKind::BestFit2010);
    QTest::newRow("policy tlsf") << "policy"
                                 << " tlsf " << true << qulonglong(PolicyKind::Tlsf);
    QTest::newRow("policy unknown") << "policy"
                                    << "best" << false << qulonglong(0);
    QTest::newRow("numa none") << "numa"
                               << "none" << true << qulonglong(-1);
    QTest::newRow("numa empty") << "numa"
                                << "" << true << qulonglong(-1);
    QTest::newRow("numa 3") << "numa"
                            << "3" << true << qulonglong(3);
    QTest::newRow("numa -2") << "numa"
                             << "-2" << false << qulonglong(0);
    QTest::newRow("page 4K") << "page"
                             << "4K" << true << qulonglong(4096);
    QTest::newRow("page 8K") << "page"
                             << "8K" << false << qulonglong(0);
}

void TestPlatformEditor::parsers()
{
    QFETCH(QString, kind);
    QFETCH(QString, input);
    QFETCH(bool, ok);
    QFETCH(qulonglong, value);
    QString error;
    std::optional<qulonglong> got;
    if (kind == QLatin1String("size")) {
        got = cellinput::parseSize(input, &error);
    } else if (kind == QLatin1String("address")) {
        got = cellinput::parseAddress(input, &error);
    } else if (kind == QLatin1String("bool")) {
        if (auto b = cellinput::parseBool(input, &error))
            got = *b ? 1 : 0;
    } else if (kind == QLatin1String("policy")) {
        if (auto p = cellinput::parsePolicy(input, &error))
            got = qulonglong(*p);
    } else if (kind == QLatin1String("numa")) {
        if (auto n = cellinput::parseInt(input, -1, 1023, &error, -1))
            got = qulonglong(*n);
    } else if (kind == QLatin1String("page")) {
        if (auto p = cellinput::parsePageSize(input, &error))
            got = *p;
    }
    QCOMPARE(got.has_value(), ok);
    if (ok) {
        QCOMPARE(*got, value);
        QVERIFY(error.isEmpty());
    } else {
        // The reason quotes the input (or asks for it when empty).
        QVERIFY2(!error.isEmpty(), qPrintable(input));
        QVERIFY2(input.trimmed().isEmpty() || error.contains(input.trimmed()), qPrintable(error));
    }
}

void TestPlatformEditor::invalidInputRejected_data()
{
    QTest::addColumn<int>("tab");
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("reason"); ///< part of the message

    const int regions = int(Tab::Regions);
    QTest::newRow("size 12Q") << regions << 1 << int(RegionTableModel::Size) << "12Q"
                              << "“12Q” is not a size: unexpected “Q”";
    QTest::newRow("size empty") << regions << 1 << int(RegionTableModel::Size) << ""
                                << "Enter a size";
    QTest::newRow("alignment not power of two") << regions << 0 << int(RegionTableModel::Alignment) << "96K"
                                                << "not a power of two";
    QTest::newRow("page size 8K") << regions << 0 << int(RegionTableModel::PageSize) << "8K"
                                  << "4K, 16K or 64K";
    QTest::newRow("policy unknown") << regions << 0 << int(RegionTableModel::Policy) << "best"
                                    << "not a policy";
    QTest::newRow("type unknown") << regions << 0 << int(RegionTableModel::Type) << "dma"
                                  << "not a region type";
    QTest::newRow("placement unknown") << regions << 0 << int(RegionTableModel::Placement) << "static"
                                       << "not a placement";
    QTest::newRow("bool maybe") << regions << 0 << int(RegionTableModel::Asterisk) << "maybe"
                                << "not yes or no";
    QTest::newRow("2010 private maybe") << regions << 0 << int(RegionTableModel::PrivateHandle) << "maybe"
                                        << "not yes or no";
    QTest::newRow("numa text") << regions << 0 << int(RegionTableModel::NumaNode) << "abc"
                               << "not a whole number";
    QTest::newRow("duplicate name") << regions << 0 << int(RegionTableModel::Name) << "b2"
                                    << "already a region named “b2”";
    QTest::newRow("empty name") << regions << 0 << int(RegionTableModel::Name) << " "
                                << "needs a name";
    QTest::newRow("name with comma") << regions << 0 << int(RegionTableModel::Name) << "a,b"
                                     << "cannot contain “,”";
    QTest::newRow("placed at is computed") << regions << 0 << int(RegionTableModel::PlacedAt) << "0x0"
                                           << "computed";
    QTest::newRow("bank base") << int(Tab::Banks) << 0 << int(BankTableModel::Base) << "0xZZ"
                               << "not an address";
    QTest::newRow("dma bits 65") << int(Tab::Devices) << 0 << int(DeviceTableModel::DmaBits) << "65"
                                 << "from 1 to 64";
    QTest::newRow("empty region in list") << int(Tab::Devices) << 0 << int(DeviceTableModel::MemoryRegions) << "b1,,b2"
                                          << "empty name";
    QTest::newRow("rule without =") << int(Tab::Map) << 0 << int(RuleTableModel::Rule) << "s3c-mfc5"
                                    << "expecting '='";
    QTest::newRow("two rules in one") << int(Tab::Map) << 0 << int(RuleTableModel::Rule) << "a=b1;c=b2"
                                      << "One rule per row";
    QTest::newRow("empty patterns") << int(Tab::Map) << 0 << int(RuleTableModel::Patterns) << ""
                                    << "needs patterns and regions";
    QTest::newRow("kind with wildcard") << int(Tab::Kinds) << 0 << int(KindTableModel::Name) << "a*"
                                        << "cannot contain “*”";
}

void TestPlatformEditor::invalidInputRejected()
{
    QFETCH(int, tab);
    QFETCH(int, row);
    QFETCH(int, column);
    QFETCH(QString, input);
    QFETCH(QString, reason);
    Document doc;
    doc.setProject(test::loadDemo());
    PlatformEditor editor(&doc);
    PlatformTableModel* m = editor.tableModel(Tab(tab));
    const Platform before = doc.project().platform;
    const QModelIndex index = m->index(row, column);
    const QString shownBefore = m->data(index).toString();
    QSignalSpy rejected(m, &PlatformTableModel::editRejected);

    QVERIFY(!m->setData(index, input));
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(rejected.at(0).at(0).toModelIndex(), index);
    QVERIFY2(m->lastError().contains(reason), qPrintable(m->lastError()));
    QCOMPARE(rejected.at(0).at(1).toString(), m->lastError());
    // Shown to the user, not silently dropped; nothing changed, nothing to undo.
    QCOMPARE(editor.message(), m->lastError());
    QCOMPARE(doc.project().platform, before);
    QCOMPARE(doc.undoStack()->count(), 0);
    QCOMPARE(m->data(index).toString(), shownBefore);

    // The next good edit clears the message.
    QVERIFY(
        m->setData(m->index(0, 0), QString(m->data(m->index(0, 0), Qt::EditRole).toString() + QStringLiteral("2"))));
    QVERIFY(editor.message().isEmpty());
    doc.waitForRun();
}

void TestPlatformEditor::addRemoveMove()
{
    Document doc;
    doc.setProject(test::loadDemo());
    PlatformEditor editor(&doc);
    QUndoStack* undo = doc.undoStack();

    // Add a region after b1 through the editor's button slot: it gets a fresh name and is selected.
    editor.selectItem(Tab::Regions, 1, RegionTableModel::Size);
    editor.addItem();
    const auto& regions = doc.project().platform.regions;
    QCOMPARE(regions.size(), std::size_t(4));
    QCOMPARE(regions[2].name, std::string("region1"));
    QCOMPARE(regions[2].placement, Placement::Dynamic);
    QCOMPARE(regions[2].policy, PolicyKind::BestFit2010); // like the board's other regions
    QCOMPARE(undo->undoText(), QStringLiteral("Add region region1"));
    QCOMPARE(editor.view(Tab::Regions)->currentIndex().row(), 2);
    QVERIFY(!hasErrorFor(editor.diagnostics(), QStringLiteral("regions"), 2));

    // Move it up: order matters for regions; the selection follows the moved row.
    editor.selectItem(Tab::Regions, 2, RegionTableModel::Size);
    editor.moveUp();
    QCOMPARE(doc.project().platform.regions[1].name, std::string("region1"));
    QCOMPARE(doc.project().platform.regions[2].name, std::string("b1"));
    QCOMPARE(undo->undoText(), QStringLiteral("Move region region1 up"));
    QCOMPARE(editor.view(Tab::Regions)->currentIndex().row(), 1);
    QCOMPARE(editor.view(Tab::Regions)->currentIndex().column(), int(RegionTableModel::Size));

    // Rules: move the catch-all rule up (it then shadows the one after it: validation says so).
    PlatformTableModel* rules = editor.tableModel(Tab::Map);
    const auto rulesBefore = doc.project().platform.rules;
    QVERIFY(rules->moveItem(3, -1));
    QCOMPARE(undo->undoText(), QStringLiteral("Move rule */*=* up"));
    QCOMPARE(doc.project().platform.rules[2], rulesBefore[3]);
    QCOMPARE(doc.project().platform.rules[3], rulesBefore[2]);
    QCOMPARE(text(rules, 2, RuleTableModel::Rule), QStringLiteral("*/*=*"));
    // Through the generic API too (Qt's destination is the row to insert before).
    QVERIFY(rules->moveRows({}, 2, 1, {}, 4));
    QCOMPARE(doc.project().platform.rules, rulesBefore);
    QCOMPARE(undo->undoText(), QStringLiteral("Move rule */*=* down"));
    // Nothing to move past the ends, and banks have no order: refused with a reason.
    QVERIFY(!rules->moveItem(3, +1));
    QVERIFY(rules->lastError().contains(QStringLiteral("already the last")));
    QVERIFY(!editor.tableModel(Tab::Banks)->moveItem(0, +1));
    QVERIFY(!editor.tableModel(Tab::Banks)->lastError().isEmpty());

    // Remove a device through the editor: the next row becomes current.
    editor.selectItem(Tab::Devices, 1);
    editor.removeItem();
    QCOMPARE(undo->undoText(), QStringLiteral("Remove device s3c-fimc.0"));
    QCOMPARE(doc.project().platform.devices.size(), std::size_t(3));
    QCOMPARE(doc.project().platform.devices[1].name, std::string("s3c-fimc.1"));
    QCOMPARE(editor.view(Tab::Devices)->currentIndex().row(), 1);

    // Add through the generic API: insertRows is one undoable add.
    QVERIFY(editor.model(Tab::Kinds)->insertRows(0, 1));
    QCOMPARE(doc.project().platform.kinds.front().name, std::string("kind1"));
    QVERIFY(!editor.model(Tab::Kinds)->insertRows(0, 2)); // one at a time

    // Every step is undoable back to the demo, and redoable.
    const Platform edited = doc.project().platform;
    while (undo->canUndo())
        undo->undo();
    QCOMPARE(doc.project().platform, test::loadDemo().platform);
    QCOMPARE(editor.model(Tab::Regions)->rowCount(), 3);
    QCOMPARE(editor.model(Tab::Kinds)->rowCount(), 3);
    while (undo->canRedo())
        undo->redo();
    QCOMPARE(doc.project().platform, edited);
    QCOMPARE(editor.model(Tab::Devices)->rowCount(), 3);
    doc.waitForRun();
}

void TestPlatformEditor::selectionFollowsUndoRedo()
{
    Document doc;
    doc.setProject(test::loadDemo());
    PlatformEditor editor(&doc);
    QTableView* view = editor.view(Tab::Regions);
    PlatformTableModel* m = editor.tableModel(Tab::Regions);
    editor.selectItem(Tab::Regions, 2, RegionTableModel::Size); // b2

    // Removing fw moves b2 to row 1: the selection stays on b2; undo puts both back.
    QVERIFY(m->removeItem(0));
    QCOMPARE(view->currentIndex().row(), 1);
    QCOMPARE(text(m, view->currentIndex().row(), RegionTableModel::Name), QStringLiteral("b2"));
    doc.undoStack()->undo();
    QCOMPARE(view->currentIndex().row(), 2);
    QCOMPARE(view->currentIndex().column(), int(RegionTableModel::Size));
    QVERIFY(view->selectionModel()->isSelected(view->currentIndex()));

    // A cell edit and its undo keep the selected cell.
    QVERIFY(m->setData(m->index(2, RegionTableModel::Size), QStringLiteral("8M")));
    QCOMPARE(view->currentIndex(), m->index(2, RegionTableModel::Size));
    doc.undoStack()->undo();
    doc.undoStack()->redo();
    QCOMPARE(view->currentIndex(), m->index(2, RegionTableModel::Size));
    QVERIFY(view->selectionModel()->isSelected(view->currentIndex()));
    doc.waitForRun();
}

void TestPlatformEditor::renameKeepsReferences()
{
    Document doc;
    doc.setProject(test::loadDemo());
    PlatformEditor editor(&doc);
    PlatformTableModel* regions = editor.tableModel(Tab::Regions);
    QVERIFY(regions->setData(regions->index(1, RegionTableModel::Name), QStringLiteral("big")));
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Rename region b1 to big"));
    const auto& rules = doc.project().platform.rules;
    QCOMPARE(rules[1].regions, std::vector<std::string>({ "big" }));
    QCOMPARE(rules[2].regions, std::vector<std::string>({ "b2", "big" }));
    QCOMPARE(text(editor.model(Tab::Map), 2, RuleTableModel::Rule), QStringLiteral("s3c-mfc5/b=b2,big"));
    // No dangling reference: the map still validates.
    for (const auto& e : editor.diagnostics()->entries())
        QVERIFY2(e.diagnostic.check != "map-unknown-region", e.diagnostic.message.c_str());

    PlatformTableModel* devices = editor.tableModel(Tab::Devices);
    QVERIFY(devices->setData(devices->index(0, DeviceTableModel::Name), QStringLiteral("mfc")));
    QCOMPARE(doc.project().platform.rules[0].patterns, std::vector<std::string>({ "mfc/f" }));
    PlatformTableModel* kinds = editor.tableModel(Tab::Kinds);
    QVERIFY(kinds->setData(kinds->index(0, KindTableModel::Name), QStringLiteral("fw")));
    QCOMPARE(doc.project().platform.rules[0].patterns, std::vector<std::string>({ "mfc/fw" }));

    doc.undoStack()->undo();
    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QCOMPARE(doc.project().platform, test::loadDemo().platform);
    doc.waitForRun();
}

void TestPlatformEditor::overlapMarkedAndListed()
{
    Document doc;
    doc.setProject(overlapping());
    PlatformEditor editor(&doc);
    editor.resize(900, 600);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QAbstractItemModel* m = editor.model(Tab::Regions);
    const QModelIndex startA = m->index(0, RegionTableModel::Start);
    const QModelIndex startB = m->index(1, RegionTableModel::Start);

    // The core's message is listed...
    const QList<int> rows = diagnosticRows(editor.diagnostics(), QStringLiteral("overlaps region 'a'"));
    QCOMPARE(rows.size(), 1);
    const QModelIndex message = editor.diagnostics()->index(rows.front());
    QCOMPARE(message.data(PlatformDiagnostics::SeverityRole).toInt(), int(Severity::Error));
    QCOMPARE(message.data(PlatformDiagnostics::CheckRole).toString(), QStringLiteral("region-overlap"));
    const QString text = message.data().toString();

    // ... and both regions' start cells are marked with it (background, icon, tooltip); others are not.
    for (const QModelIndex& cell : { startA, startB }) {
        QCOMPARE(cell.data(PlatformTableModel::SeverityRole).toInt(), int(Severity::Error));
        QVERIFY(cell.data(PlatformTableModel::DiagnosticsRole).toStringList().contains(text));
        QVERIFY(cell.data(Qt::BackgroundRole).value<QBrush>().style() != Qt::NoBrush);
        QVERIFY(!cell.data(Qt::DecorationRole).isNull());
        QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(text));
    }
    const QModelIndex sizeA = m->index(0, RegionTableModel::Size);
    QCOMPARE(sizeA.data(PlatformTableModel::SeverityRole).toInt(), -1);
    QVERIFY(!sizeA.data(Qt::BackgroundRole).isValid());

    // Double-clicking the message (a click, then the second press reported as a double-click, as a real mouse
    // does) selects the offending cell.
    editor.setCurrentTab(Tab::Banks);
    QListView* list = editor.diagnosticsView();
    const QRect rect = list->visualRect(message);
    QVERIFY(rect.isValid());
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(editor.currentTab(), Tab::Regions);
    QCOMPARE(editor.view(Tab::Regions)->currentIndex(), startB);

    // Moving b out of the way clears the marks and the message; undo brings them back.
    QVERIFY(m->setData(startB, QStringLiteral("0x40400000")));
    QVERIFY(diagnosticRows(editor.diagnostics(), QStringLiteral("overlaps")).isEmpty());
    QCOMPARE(startA.data(PlatformTableModel::SeverityRole).toInt(), -1);
    QCOMPARE(startB.data(PlatformTableModel::SeverityRole).toInt(), -1);
    QCOMPARE(editor.diagnostics()->summary(), QStringLiteral("No problems"));
    doc.undoStack()->undo();
    QCOMPARE(diagnosticRows(editor.diagnostics(), QStringLiteral("overlaps region 'a'")).size(), 1);
    QCOMPARE(startB.data(PlatformTableModel::SeverityRole).toInt(), int(Severity::Error));

    // A misaligned fixed start (mainline: 2 MiB minimum CMA alignment) marks the start cell only.
    QVERIFY(m->setData(startB, QStringLiteral("0x40500000")));
    QCOMPARE(startB.data(PlatformTableModel::SeverityRole).toInt(), int(Severity::Error));
    QVERIFY(startB.data(Qt::ToolTipRole).toString().contains(QStringLiteral("must be aligned")));
    QCOMPARE(startA.data(PlatformTableModel::SeverityRole).toInt(), -1);
    // A duplicate name from a loaded file (the editor refuses to make one) marks both name cells.
    Project dup = overlapping();
    dup.platform.regions[1].name = "a";
    dup.platform.regions[1].start = 0x40400000;
    doc.setProject(dup);
    QCOMPARE(m->index(0, RegionTableModel::Name).data(PlatformTableModel::SeverityRole).toInt(), int(Severity::Error));
    QCOMPARE(m->index(1, RegionTableModel::Name).data(PlatformTableModel::SeverityRole).toInt(), int(Severity::Error));
}

void TestPlatformEditor::addRegionAt()
{
    Document doc;
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    PlatformEditor editor(&doc);
    const std::size_t regionsBefore = doc.project().platform.regions.size();
    // dmc0 [0x30000000, 0x40000000) is free: the demo's regions sit in dmc1. A drag does not land on
    // page boundaries: the region is snapped inward.
    QSignalSpy selected(&editor, &PlatformEditor::regionSelected);
    const int row = editor.addRegionAt(0x30000123, 8 * MiB);
    QCOMPARE(row, int(regionsBefore));
    const Region& r = doc.project().platform.regions.back();
    QCOMPARE(r.name, std::string("region1"));
    QCOMPARE(r.placement, Placement::Fixed);
    QCOMPARE(r.type, RegionType::Cma);
    QCOMPARE(r.start, std::uint64_t(0x30001000));
    QCOMPARE(r.start + r.size, std::uint64_t(0x30800000));
    QVERIFY(doc.undoStack()->undoText().startsWith(QStringLiteral("Add region region1 at 0x30001000")));
    // Valid: no message about it, placed exactly where asked.
    QVERIFY(!hasErrorFor(editor.diagnostics(), QStringLiteral("regions"), row));
    for (const auto& e : editor.diagnostics()->entries())
        QVERIFY2(e.diagnostic.item != "region1", e.diagnostic.message.c_str());
    QCOMPARE(doc.placedPlatform().regions.back().placedBase, std::optional<std::uint64_t>(0x30001000));
    QCOMPARE(text(editor.model(Tab::Regions), row, RegionTableModel::PlacedAt), QStringLiteral("0x30001000"));
    // Selected in the editor (the map can follow regionSelected).
    QCOMPARE(editor.currentTab(), Tab::Regions);
    QCOMPARE(editor.view(Tab::Regions)->currentIndex().row(), row);
    QVERIFY(!selected.isEmpty());
    QCOMPARE(selected.last().at(0).toInt(), row);

    // A second one gets the next name.
    QCOMPARE(editor.addRegionAt(0x31000000, 4 * MiB), row + 1);
    QCOMPARE(doc.project().platform.regions.back().name, std::string("region2"));
    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QCOMPARE(doc.project().platform.regions.size(), regionsBefore);

    // Nothing to add: refused with the reason, no undo entry.
    const int count = doc.undoStack()->count();
    QCOMPARE(editor.addRegionAt(0x30000000, 0), -1);
    QVERIFY(!editor.message().isEmpty());
    QCOMPARE(editor.addRegionAt(0xffffffffffff0000ull, 1 * MiB), -1);
    QVERIFY(editor.message().contains(QStringLiteral("64 bits")));
    QCOMPARE(doc.undoStack()->count(), count);

    // Mainline: CMA areas are aligned to pageSize << pageblockOrder (2 MiB here).
    doc.setProject(overlapping());
    QCOMPARE(editor.addRegionAt(0x41000000 + 0x1000, 1 * MiB), -1);
    QVERIFY2(editor.message().contains(QStringLiteral("2 MiB")), qPrintable(editor.message()));
    const int fixed = editor.addRegionAt(0x41000000 + 0x1000, 5 * MiB);
    QCOMPARE(fixed, 2);
    QCOMPARE(doc.project().platform.regions[2].start, std::uint64_t(0x41200000));
    QCOMPARE(doc.project().platform.regions[2].size, 2 * MiB);
    QVERIFY(!hasErrorFor(editor.diagnostics(), QStringLiteral("regions"), fixed));
    doc.waitForRun();
}

void TestPlatformEditor::delegateEditors()
{
    Document doc;
    doc.setProject(test::loadDemo());
    PlatformEditor editor(&doc);
    editor.resize(1200, 500);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QTableView* view = editor.view(Tab::Regions);
    QAbstractItemDelegate* delegate = view->itemDelegate();
    QStyleOptionViewItem option;
    PlatformTableModel* m = editor.tableModel(Tab::Regions);

    // Enum: a combo box offering every policy, committing the choice.
    const QModelIndex policy = m->index(0, RegionTableModel::Policy);
    std::unique_ptr<QWidget> w(delegate->createEditor(view->viewport(), option, policy));
    auto* combo = qobject_cast<QComboBox*>(w.get());
    QVERIFY(combo);
    QCOMPARE(combo->count(), int(allPolicies().size()));
    delegate->setEditorData(combo, policy);
    QCOMPARE(combo->currentText(), QStringLiteral("bf"));
    combo->setCurrentIndex(combo->findText(QStringLiteral("tlsf")));
    delegate->setModelData(combo, m, policy);
    QCOMPARE(doc.project().platform.regions[0].policy, PolicyKind::Tlsf);

    // Integer with a "none" value: a spin box whose minimum reads "none".
    const QModelIndex numa = m->index(0, RegionTableModel::NumaNode);
    w.reset(delegate->createEditor(view->viewport(), option, numa));
    auto* spin = qobject_cast<QSpinBox*>(w.get());
    QVERIFY(spin);
    QCOMPARE(spin->minimum(), -1);
    QCOMPARE(spin->specialValueText(), QStringLiteral("none"));
    delegate->setEditorData(spin, numa);
    QCOMPARE(spin->value(), -1);
    spin->setValue(2);
    delegate->setModelData(spin, m, numa);
    QCOMPARE(doc.project().platform.regions[0].numaNode, 2);

    // Size: a line edit with an example; bad text is refused with the reason shown.
    const QModelIndex size = m->index(1, RegionTableModel::Size);
    w.reset(delegate->createEditor(view->viewport(), option, size));
    auto* line = qobject_cast<QLineEdit*>(w.get());
    QVERIFY(line);
    QCOMPARE(line->placeholderText(), QStringLiteral("64M"));
    delegate->setEditorData(line, size);
    QCOMPARE(line->text(), QStringLiteral("32M"));
    line->setText(QStringLiteral("12Q"));
    delegate->setModelData(line, m, size);
    QCOMPARE(doc.project().platform.regions[1].size, 32 * MiB);
    QVERIFY(editor.message().contains(QStringLiteral("12Q")));

    // Flags: checkable booleans toggle in place; "placed at" is read-only.
    const QModelIndex asterisk = m->index(0, RegionTableModel::Asterisk);
    QVERIFY(m->flags(asterisk) & Qt::ItemIsUserCheckable);
    QVERIFY(!(m->flags(m->index(0, RegionTableModel::PlacedAt)) & Qt::ItemIsEditable));
    w.reset(delegate->createEditor(view->viewport(), option, asterisk));
    QVERIFY(!w);
    QVERIFY(m->setData(asterisk, Qt::Checked, Qt::CheckStateRole));
    QVERIFY(doc.project().platform.regions[0].asterisk);
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Add region fw to the asterisk regions"));
    QCOMPARE(asterisk.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));

    // Typing into a cell through the view opens the editor (replacing the text) and commits on Enter.
    editor.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&editor));
    editor.selectItem(Tab::Regions, 2, RegionTableModel::Size);
    QTest::keyClick(view, Qt::Key_2);
    QWidget* open = view->indexWidget(m->index(2, RegionTableModel::Size));
    QVERIFY(open);
    QTest::keyClicks(open, QStringLiteral("4M"));
    QCOMPARE(open->property("text").toString(), QStringLiteral("24M")); // the first key replaced "16M"
    QTest::keyClick(open, Qt::Key_Return);
    QTRY_COMPARE(doc.project().platform.regions[2].size, 24 * MiB); // the delegate commits queued
    QVERIFY2(editor.message().isEmpty(), qPrintable(editor.message()));
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Change size of region b2"));
    doc.waitForRun();
}

void TestPlatformEditor::screenshot()
{
    Document doc;
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    PlatformEditor editor(&doc);
    editor.resize(1100, 560);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    // Make one problem visible: b2 moved onto fw's placed address.
    PlatformTableModel* m = editor.tableModel(Tab::Regions);
    const QString fwAt = text(m, 0, RegionTableModel::PlacedAt);
    QVERIFY(fwAt.startsWith(QStringLiteral("0x")));
    QVERIFY(m->setData(m->index(2, RegionTableModel::Start), fwAt));
    QVERIFY(editor.diagnostics()->count(Severity::Error) >= 1);
    QCoreApplication::processEvents();
    const QImage image = editor.grab().toImage();
    QVERIFY(!image.isNull());
    // Not blank: the tables' text, the grid and the red marks give many colours.
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
    const QString path = QStringLiteral(CMASCOPE_BINARY_DIR "/platformeditor.png");
    QVERIFY(image.save(path));
    qInfo("screenshot: %s", qPrintable(path));
    // The map tab, with the rule order problem of a catch-all moved first.
    QVERIFY(editor.tableModel(Tab::Map)->moveItem(3, -1));
    editor.selectItem(Tab::Map, 2, RuleTableModel::Regions);
    QCoreApplication::processEvents();
    QVERIFY(editor.grab().save(QStringLiteral(CMASCOPE_BINARY_DIR "/platformeditor-map.png")));
    doc.waitForRun();
}

QTEST_MAIN(TestPlatformEditor)
#include "tst_platformeditor.moc"
