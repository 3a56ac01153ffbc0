// SPDX-License-Identifier: GPL-2.0-or-later
#include "support/platforms.h"

// Hans Verkuil's memory types in the platform editor (docs/cma2010.md#hans-verkuils-memory-types): the Board
// tab offers the mode and explains it; the Regions table shows and edits Memory type and Drivers in that mode
// only, and they resolve requests at once; the failure inspector says when the system allocator served one.
#include "common/document.h"
#include "eventlog/steptablemodel.h"
#include "inspector/failureinspector.h"
#include "platform/boardsettings.h"
#include "platform/platformmodels.h"

#include <cmascope/model/maplang.h>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QTest>
#include <QTextBrowser>
#include <QUndoStack>

using namespace cmascope;
using namespace cmascope::views;

namespace {
/// Hans's ivtv example: "dma/ivtv=500M" and a size-0 general "dma" region, in @p mode.
Project ivtv(MapMode mode)
{
    Project p;
    p.platform.name = "ivtv";
    p.platform.mapMode = mode;
    p.platform.banks.push_back({ "ram", 0x40000000, 1 * GiB, 0 });
    Region own;
    own.name = "dma_ivtv";
    own.size = 500 * MiB;
    own.policy = PolicyKind::BestFit2010;
    own.memoryType = "dma";
    own.drivers = { "ivtv" };
    Region general = own;
    general.name = "dma";
    general.size = 0;
    general.drivers.clear();
    p.platform.regions = { own, general };
    p.platform.devices = { Device { "ivtv", 0, 64, {}, {} }, Device { "saa7134", 0, 64, {}, {} } };
    return p;
}

QString cell(const QAbstractItemModel& m, int row, int column, int role = Qt::DisplayRole)
{
    return m.data(m.index(row, column), role).toString();
}
} // namespace

class TestVerkuilRegions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void boardOffersTheMode();
    void columnsShowTheTypes();
    void edits_data();
    void edits();
    void otherModesMuteAndRefuse();
    void inspectorNamesTheFallback();
};

void TestVerkuilRegions::boardOffersTheMode()
{
    Document doc;
    doc.setProject(ivtv(MapMode::Map2010));
    BoardSettings board(&doc);
    auto* mode = board.findChildren<QComboBox*>().at(0);
    const int verkuil = mode->findData(int(MapMode::Verkuil));
    QVERIFY(verkuil >= 0);
    QVERIFY(mode->itemText(verkuil).contains(QStringLiteral("Verkuil")));
    mode->setCurrentIndex(verkuil);
    Q_EMIT mode->activated(verkuil);
    QCOMPARE(doc.project().platform.mapMode, MapMode::Verkuil);
    QVERIFY2(board.modeText().contains(QStringLiteral("Hans Verkuil's memory types")), qPrintable(board.modeText()));
    QVERIFY(rulesBannerText(doc.project().platform, QStringLiteral("Board tab")).contains(QStringLiteral("Not used")));
    doc.undoStack()->undo();
    QCOMPARE(doc.project().platform.mapMode, MapMode::Map2010);
    doc.waitForRun();
}

void TestVerkuilRegions::columnsShowTheTypes()
{
    Document doc;
    doc.setProject(ivtv(MapMode::Verkuil));
    RegionTableModel model(&doc);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.headerData(RegionTableModel::MemoryType, Qt::Horizontal).toString(), QStringLiteral("Memory type"));
    QCOMPARE(cell(model, 0, RegionTableModel::MemoryType), QStringLiteral("dma"));
    QCOMPARE(cell(model, 0, RegionTableModel::Drivers), QStringLiteral("ivtv"));
    QCOMPARE(cell(model, 1, RegionTableModel::Drivers), QString());
    QVERIFY(model.flags(model.index(0, RegionTableModel::Drivers)) & Qt::ItemIsEditable);
    QVERIFY(!model.data(model.index(0, RegionTableModel::Drivers), Qt::ForegroundRole).isValid());
    // The 2010 and modern flags are muted, Private to is still read.
    QVERIFY(model.data(model.index(0, RegionTableModel::Asterisk), Qt::ForegroundRole).isValid());
    QVERIFY(model.data(model.index(0, RegionTableModel::Default), Qt::ForegroundRole).isValid());
    QVERIFY(!model.data(model.index(0, RegionTableModel::PrivateTo), Qt::ForegroundRole).isValid());
    // The size-0 dma region falls back, so its Fallback max is in use; the 500M pool's too (pool full).
    QVERIFY(!model.data(model.index(1, RegionTableModel::FallbackMax), Qt::ForegroundRole).isValid());
    QVERIFY(!model.data(model.index(0, RegionTableModel::FallbackMax), Qt::ForegroundRole).isValid());
    doc.waitForRun();
}

void TestVerkuilRegions::edits_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("shown"); // "" with error set: refused
    QTest::addColumn<QString>("error");
    const int type = RegionTableModel::MemoryType, drivers = RegionTableModel::Drivers;
    QTest::newRow("type") << 1 << type << QStringLiteral(" common ") << QStringLiteral("common") << QString();
    QTest::newRow("drivers") << 0 << drivers << QStringLiteral(" ivtv ,saa7134,, ") << QStringLiteral("ivtv, saa7134")
                             << QString();
    QTest::newRow("no drivers: the general region") << 0 << drivers << QString() << QString() << QString();
    QTest::newRow("type with a blank") << 1 << type << QStringLiteral("bank a") << QString()
                                       << QStringLiteral("must not contain blanks");
    QTest::newRow("driver with a slash") << 0 << drivers << QStringLiteral("ivtv/dma") << QString()
                                         << QStringLiteral("must not contain blanks");
}

void TestVerkuilRegions::edits()
{
    QFETCH(int, row);
    QFETCH(int, column);
    QFETCH(QString, input);
    QFETCH(QString, shown);
    QFETCH(QString, error);
    Document doc;
    doc.setProject(ivtv(MapMode::Verkuil));
    RegionTableModel model(&doc);
    const QString before = cell(model, row, column, Qt::EditRole);
    const bool ok = model.setData(model.index(row, column), input);
    QCOMPARE(ok, error.isEmpty());
    if (ok) {
        QCOMPARE(cell(model, row, column, Qt::EditRole), shown);
    } else {
        QVERIFY2(model.lastError().contains(error), qPrintable(model.lastError()));
        QCOMPARE(cell(model, row, column, Qt::EditRole), before);
    }
    doc.waitForRun();
}

void TestVerkuilRegions::otherModesMuteAndRefuse()
{
    Document doc;
    doc.setProject(ivtv(MapMode::Map2010));
    RegionTableModel model(&doc);
    const QModelIndex drivers = model.index(0, RegionTableModel::Drivers);
    QVERIFY(!(model.flags(drivers) & Qt::ItemIsEditable));
    QVERIFY(model.data(drivers, Qt::ForegroundRole).isValid()); // muted
    QVERIFY(model.data(drivers, Qt::ToolTipRole).toString().contains(QStringLiteral("only the Verkuil map mode")));
    QVERIFY(!model.setData(drivers, QStringLiteral("saa7134")));
    QVERIFY2(model.lastError().contains(QStringLiteral("Board tab")), qPrintable(model.lastError()));
    QCOMPARE(doc.project().platform.regions[0].drivers, std::vector<std::string> { "ivtv" });
    // Switched to the mode, the edit resolves requests at once: saa7134 gets the 500M pool.
    Project p = doc.project();
    p.platform.mapMode = MapMode::Verkuil;
    doc.setProject(p);
    QVERIFY2(model.setData(drivers, QStringLiteral("saa7134")), qPrintable(model.lastError()));
    QCOMPARE(
        resolveRegions(doc.project().platform, "saa7134", "dma", MiB).regions, std::vector<std::string> { "dma_ivtv" });
    QCOMPARE(resolveRegions(doc.project().platform, "ivtv", "dma", MiB).regions, std::vector<std::string> { "dma" });
    doc.waitForRun();
}

void TestVerkuilRegions::inspectorNamesTheFallback()
{
    // ivtv fills its 500M pool but 1M, then asks 2M: the pool is full and kmalloc serves it; 8M is more than
    // kmalloc's largest object.
    Project p = ivtv(MapMode::Verkuil);
    Scenario sc;
    sc.name = "s";
    sc.allocate("ivtv", "dma", 499 * MiB, "big");
    sc.allocate("ivtv", "dma", 2 * MiB, "small");
    sc.allocate("ivtv", "dma", 8 * MiB, "too large for kmalloc");
    p.scenarios.push_back(std::move(sc));
    Document doc;
    FailureInspector ins(&doc);
    doc.setProject(p);
    doc.waitForRun();
    ins.inspect(1);
    const QString text = ins.findChild<QTextBrowser*>()->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("dma_ivtv — served by the system allocator")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("needed: ")), qPrintable(text)); // the full pool's figures
    QVERIFY2(text.contains(QStringLiteral("the pool is full, Hans Verkuil's fallback")), qPrintable(text));
    ins.inspect(2);
    const QString refused = ins.findChild<QTextBrowser*>()->toPlainText();
    QVERIFY2(refused.contains(QStringLiteral("dma_ivtv — larger than the system allocator's largest block")),
        qPrintable(refused));
    QVERIFY2(refused.contains(QStringLiteral("gives at most 4 MiB contiguous (KMALLOC_MAX_SIZE), 8 MiB asked")),
        qPrintable(refused));
    // The event log says the same in one line.
    QCOMPARE(StepTableModel::cellText(*doc.simulation(), 1, StepTableModel::OutcomeColumn),
        QStringLiteral("allocated (system fallback)"));
    QCOMPARE(StepTableModel::cellText(*doc.simulation(), 2, StepTableModel::OutcomeColumn),
        QStringLiteral("failed: larger than the system allocator's largest block"));
}

QTEST_MAIN(TestVerkuilRegions)
#include "tst_verkuilregions.moc"
