// SPDX-License-Identifier: GPL-2.0-or-later
#include "support/platforms.h"

// The platform's own settings in the editor: the Board tab (name, map mode, page size, pageblock order,
// CONFIG_CMA_ALIGNMENT) edits through the undo stack, refuses bad values with a message and changes how a
// request resolves; the Map tab says when its rules are not used; the Regions table's flags, with the
// size-0 fallback's largest allocation.
#include "common/document.h"
#include "platform/boardsettings.h"
#include "platform/platformeditor.h"
#include "platform/platformmodels.h"

#include <cmascope/validation/validation.h>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTest>
#include <QUndoStack>

#include <algorithm>

using namespace cmascope;
using namespace cmascope::views;

using Tab = PlatformEditor::Tab;

namespace {
/// A default area "dflt" and a region "video" the 2010 rule "mfc=video" names; one request by mfc. The modern
/// chain sends it to the default area, the 2010 map to "video".
Project twoWays(MapMode mode)
{
    Project p;
    p.platform.name = "two-ways";
    p.platform.mapMode = mode;
    p.platform.banks.push_back({ "ram", 0x40000000, 256 * MiB, 0 });
    Region dflt;
    dflt.name = "dflt";
    dflt.size = 16 * MiB;
    dflt.isDefault = true;
    Region video = dflt;
    video.name = "video";
    video.isDefault = false;
    video.placement = Placement::Fixed;
    video.start = 0x40000000;
    p.platform.regions = { dflt, video };
    p.platform.devices.push_back({ "mfc", 0, 64, {}, {} });
    p.platform.rules.push_back({ { "mfc" }, { "video" } });
    Scenario sc;
    sc.name = "one";
    sc.allocate("mfc", "", 1 * MiB, "buf");
    p.scenarios.push_back(std::move(sc));
    return p;
}

/// The name of the region step @p step of the finished run allocated from ("" when none).
std::string regionOfStep(Document& doc, std::size_t step)
{
    doc.waitForRun();
    QCoreApplication::processEvents(); // the run's result arrives on the GUI thread
    const Simulation* sim = doc.simulation();
    if (!sim || step >= sim->records().size())
        return "(no run)";
    const auto region = sim->records()[step].region;
    const auto& regions = doc.placedPlatform().regions;
    return region < regions.size() ? regions[region].name : std::string();
}

QImage grabAt(PlatformEditor& editor, QSize size, const QString& name)
{
    editor.resize(size);
    QCoreApplication::processEvents();
    const QImage image = editor.grab().toImage();
    image.save(QStringLiteral(CMASCOPE_BINARY_DIR "/") + name);
    return image;
}
} // namespace

class TestPlatformSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void settingsAreUndoable();
    void pageSizeCarriesRegions();
    void mapModeChangesResolution();
    void dialectChangesResolution();
    void badValuesRefused();
    void widgetsEditThePlatform();
    void alignmentTexts();
    void rulesBannerFollowsMode();
    void boardTabInEditor();
    void regionFlags();
    void screenshots();
};

void TestPlatformSettings::settingsAreUndoable()
{
    Document doc;
    doc.setProject(test::loadDemo());
    BoardSettings board(&doc);
    const Platform before = doc.project().platform;
    QUndoStack* undo = doc.undoStack();

    QVERIFY(board.setBoardName(QStringLiteral("  Aquila rev 2 ")));
    QCOMPARE(doc.project().platform.name, std::string("Aquila rev 2"));
    QCOMPARE(undo->undoText(), QStringLiteral("Rename board to “Aquila rev 2”"));
    QVERIFY(board.setMapMode(MapMode::Modern));
    QCOMPARE(doc.project().platform.mapMode, MapMode::Modern);
    QVERIFY(board.setPageSize(QStringLiteral("16K")));
    QCOMPARE(doc.project().platform.pageSize, 16 * KiB);
    QVERIFY(board.setPageblockOrder(11));
    QCOMPARE(doc.project().platform.pageblockOrder, 11u);
    QCOMPARE(undo->undoText(), QStringLiteral("Set pageblock order to 11 (32 MiB minimum CMA alignment)"));
    QVERIFY(board.setCmaAlignmentOrder(4));
    QCOMPARE(doc.project().platform.cmaAlignmentOrder, 4u);
    QCOMPARE(undo->count(), 5);
    QVERIFY(board.message().isEmpty());

    // The same value again is no edit.
    QVERIFY(board.setPageblockOrder(11));
    QCOMPARE(undo->count(), 5);

    // Undo restores each setting, in reverse.
    undo->undo();
    QCOMPARE(doc.project().platform.cmaAlignmentOrder, before.cmaAlignmentOrder);
    undo->undo();
    QCOMPARE(doc.project().platform.pageblockOrder, before.pageblockOrder);
    undo->undo();
    QCOMPARE(doc.project().platform.pageSize, before.pageSize);
    undo->undo();
    QCOMPARE(doc.project().platform.mapMode, MapMode::Map2010);
    undo->undo();
    QCOMPARE(doc.project().platform, before);
    QVERIFY(!doc.isModified());
    undo->redo();
    QCOMPARE(doc.project().platform.name, std::string("Aquila rev 2"));
    doc.waitForRun();
}

void TestPlatformSettings::pageSizeCarriesRegions()
{
    Document doc;
    Project p = test::loadDemo();
    p.platform.regions[2].pageSize = 64 * KiB; // set apart on purpose: keeps its own
    doc.setProject(p);
    BoardSettings board(&doc);
    QVERIFY(board.setPageSize(QStringLiteral("0x4000")));
    const auto& regions = doc.project().platform.regions;
    QCOMPARE(regions[0].pageSize, 16 * KiB);
    QCOMPARE(regions[1].pageSize, 16 * KiB);
    QCOMPARE(regions[2].pageSize, 64 * KiB);
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Set page size to 16 KiB"));
    doc.undoStack()->undo();
    QCOMPARE(doc.project().platform.regions[0].pageSize, 4 * KiB);
    doc.waitForRun();
}

void TestPlatformSettings::mapModeChangesResolution()
{
    Document doc;
    doc.setProject(twoWays(MapMode::Map2010));
    BoardSettings board(&doc);
    QCOMPARE(regionOfStep(doc, 0), std::string("video")); // the rule mfc=video

    QVERIFY(board.setMapMode(MapMode::Modern));
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Use the modern map mode"));
    QCOMPARE(regionOfStep(doc, 0), std::string("dflt")); // no memory-region: the default area
    QVERIFY(board.modeText().contains(QStringLiteral("default area “dflt”")));

    doc.undoStack()->undo();
    QCOMPARE(regionOfStep(doc, 0), std::string("video"));
    QVERIFY(board.modeText().contains(QStringLiteral("1 map rules")));
}

void TestPlatformSettings::dialectChangesResolution()
{
    // "mfc" has no kind part: v1 (and cmascope's historical rules) match it only for a request without a
    // kind, v4 for any type (docs/cma2010.md#dialects).
    Project pr = twoWays(MapMode::Map2010);
    pr.scenarios.front().steps.clear();
    pr.scenarios.front().allocate("mfc", "x", 1 * MiB, "buf");
    Document doc;
    doc.setProject(pr);
    BoardSettings board(&doc);
    QCOMPARE(regionOfStep(doc, 0), std::string());
    QVERIFY(board.modeText().contains(QStringLiteral("go to the asterisk regions")));

    QVERIFY(board.setMapDialect(MapDialect::V4));
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Follow the v4 map code"));
    QCOMPARE(doc.project().platform.mapDialect, std::optional<MapDialect>(MapDialect::V4));
    QCOMPARE(regionOfStep(doc, 0), std::string("video"));
    QVERIFY2(board.modeText().contains(QStringLiteral("v4: a pattern without a type matches every type")),
        qPrintable(board.modeText()));

    // The combo box shows the dialect and edits it.
    auto* dialect = board.findChildren<QComboBox*>().at(1);
    QCOMPARE(dialect->currentData().toInt(), int(MapDialect::V4));
    const int v3 = dialect->findData(int(MapDialect::V3));
    dialect->setCurrentIndex(v3);
    Q_EMIT dialect->activated(v3);
    QCOMPARE(doc.project().platform.mapDialect, std::optional<MapDialect>(MapDialect::V3));
    QVERIFY(board.modeText().contains(QStringLiteral("v3 code")) || board.modeText().contains(QStringLiteral("v3:")));
    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QVERIFY(!doc.project().platform.mapDialect);
    QCOMPARE(dialect->currentData().toInt(), -1);
    doc.waitForRun();
}

void TestPlatformSettings::badValuesRefused()
{
    Document doc;
    doc.setProject(test::loadDemo());
    BoardSettings board(&doc);
    const Platform before = doc.project().platform;
    QSignalSpy rejected(&board, &BoardSettings::editRejected);

    const auto refused = [&](bool ok, const char* needle) {
        QVERIFY(!ok);
        QVERIFY2(board.message().contains(QString::fromUtf8(needle)), qPrintable(board.message()));
        QCOMPARE(doc.project().platform, before);
        QCOMPARE(doc.undoStack()->count(), 0);
    };
    refused(board.setBoardName(QStringLiteral("   ")), "needs a name");
    refused(board.setPageSize(QStringLiteral("8K")), "4K, 16K or 64K");
    refused(board.setPageSize(QStringLiteral("lots")), "lots");
    refused(board.setPageblockOrder(21), "0 to 20, not 21");
    refused(board.setPageblockOrder(-1), "not -1");
    refused(board.setCmaAlignmentOrder(13), "2 to 12, not 13");
    refused(board.setCmaAlignmentOrder(1), "not 1");
    QCOMPARE(rejected.count(), 7);

    // A good value afterwards clears the message.
    QVERIFY(board.setPageblockOrder(10));
    QVERIFY(board.message().isEmpty());
    doc.waitForRun();
}

void TestPlatformSettings::widgetsEditThePlatform()
{
    Document doc;
    doc.setProject(twoWays(MapMode::Modern));
    BoardSettings board(&doc);
    auto* name = board.findChild<QLineEdit*>();
    const auto combos = board.findChildren<QComboBox*>();
    const auto spins = board.findChildren<QSpinBox*>();
    QVERIFY(name);
    QCOMPARE(combos.size(), 3);
    QCOMPARE(spins.size(), 2);
    QCOMPARE(name->text(), QStringLiteral("two-ways"));
    QComboBox* mode = combos[0];
    QComboBox* page = combos[2]; // combos[1]: the 2010 dialect
    QCOMPARE(page->currentText(), QStringLiteral("4K"));
    QCOMPARE(spins[0]->value(), 9);

    name->setText(QStringLiteral("evk"));
    Q_EMIT name->editingFinished();
    QCOMPARE(doc.project().platform.name, std::string("evk"));
    // An empty name is refused and the field shows the name again.
    name->setText(QString());
    Q_EMIT name->editingFinished();
    QCOMPARE(name->text(), QStringLiteral("evk"));
    QVERIFY(!board.message().isEmpty());

    const int map2010 = mode->findData(int(MapMode::Map2010));
    mode->setCurrentIndex(map2010);
    Q_EMIT mode->activated(map2010);
    QCOMPARE(doc.project().platform.mapMode, MapMode::Map2010);
    page->setCurrentIndex(2);
    Q_EMIT page->activated(2);
    QCOMPARE(doc.project().platform.pageSize, 64 * KiB);
    spins[0]->setValue(5);
    QCOMPARE(doc.project().platform.pageblockOrder, 5u);
    spins[1]->setValue(6);
    QCOMPARE(doc.project().platform.cmaAlignmentOrder, 6u);
    QCOMPARE(doc.undoStack()->count(), 5);

    // Undo shows the old values in the widgets without pushing anything.
    while (doc.undoStack()->canUndo())
        doc.undoStack()->undo();
    QCOMPARE(name->text(), QStringLiteral("two-ways"));
    QCOMPARE(mode->currentData().toInt(), int(MapMode::Modern));
    QCOMPARE(page->currentText(), QStringLiteral("4K"));
    QCOMPARE(spins[0]->value(), 9);
    QCOMPARE(spins[1]->value(), 8);
    QCOMPARE(doc.undoStack()->index(), 0);
    QCOMPARE(doc.undoStack()->count(), 5);
    doc.waitForRun();
}

void TestPlatformSettings::alignmentTexts()
{
    Platform p;
    p.mapMode = MapMode::Modern;
    QVERIFY2(minimumAlignmentText(p).startsWith(QStringLiteral("Minimum CMA alignment 2 MiB")),
        qPrintable(minimumAlignmentText(p)));
    QVERIFY(allocationAlignmentText(p).contains(QStringLiteral("at most 1 MiB")));
    p.pageSize = 64 * KiB;
    p.pageblockOrder = 13;
    QVERIFY(minimumAlignmentText(p).contains(QStringLiteral("512 MiB")));
    p.mapMode = MapMode::Map2010;
    QVERIFY(minimumAlignmentText(p).startsWith(QStringLiteral("Not used in 2010 mode")));
    QVERIFY(allocationAlignmentText(p).startsWith(QStringLiteral("Not used in 2010 mode")));
    QVERIFY(mapModeExplanation(p).contains(QStringLiteral("no asterisk regions")));
    p.mapMode = MapMode::Verkuil;
    QVERIFY(minimumAlignmentText(p).startsWith(QStringLiteral("Not used in Verkuil mode")));
    QVERIFY(allocationAlignmentText(p).startsWith(QStringLiteral("Not used in Verkuil mode")));
}

void TestPlatformSettings::rulesBannerFollowsMode()
{
    Document doc;
    doc.setProject(twoWays(MapMode::Map2010));
    PlatformEditor editor(&doc);
    QLabel* banner = editor.rulesBanner();
    QVERIFY(banner);
    QVERIFY(!banner->text().contains(QStringLiteral("Not used")));
    QVERIFY(editor.boardSettings()->setMapMode(MapMode::Modern));
    QVERIFY(banner->text().contains(QStringLiteral("Not used")));
    // The rules' cells are muted too, and their tooltip says why.
    const QAbstractItemModel* rules = editor.model(Tab::Map);
    QVERIFY(rules->data(rules->index(0, 0), Qt::ToolTipRole).toString().contains(QStringLiteral("not used")));
    // The banner's link goes to the Board tab.
    Q_EMIT banner->linkActivated(QStringLiteral("board"));
    QCOMPARE(editor.currentTab(), Tab::Board);
    doc.undoStack()->undo();
    QVERIFY(!banner->text().contains(QStringLiteral("Not used")));
    doc.waitForRun();
}

void TestPlatformSettings::boardTabInEditor()
{
    Document doc;
    doc.setProject(test::loadDemo());
    PlatformEditor editor(&doc);
    QCOMPARE(editor.currentTab(), Tab::Regions); // the tables stay where they were
    editor.setCurrentTab(Tab::Board);
    QCOMPARE(editor.currentTab(), Tab::Board);
    QVERIFY(!editor.tableModel(Tab::Board));
    QVERIFY(!editor.view(Tab::Board));
    const auto buttons = editor.findChildren<QPushButton*>();
    for (QPushButton* b : buttons)
        QVERIFY2(b->isHidden(), qPrintable(b->text())); // Add / Remove / Up / Down mean nothing here
    editor.addItem(); // no-ops, not crashes
    editor.removeItem();
    editor.moveUp();
    QCOMPARE(doc.undoStack()->count(), 0);
    editor.setCurrentTab(Tab::Map);
    QCOMPARE(editor.currentTab(), Tab::Map);

    // A message about the board's page size leads to the Board tab.
    Project bad = test::loadDemo();
    bad.platform.pageSize = 8192;
    doc.setProject(bad);
    int row = -1;
    for (int i = 0; i < editor.diagnostics()->rowCount(); ++i) {
        if (editor.diagnostics()->entries()[std::size_t(i)].diagnostic.path == "pageSize")
            row = i;
    }
    QVERIFY(row >= 0);
    editor.setCurrentTab(Tab::Regions);
    QVERIFY(editor.showDiagnostic(row));
    QCOMPARE(editor.currentTab(), Tab::Board);
    doc.waitForRun();
}

void TestPlatformSettings::regionFlags()
{
    Document doc;
    Project p = twoWays(MapMode::Map2010);
    p.platform.regions[0].size = 0; // dflt: the system allocator's fallback
    doc.setProject(p);
    PlatformEditor editor(&doc);
    QAbstractItemModel* regions = editor.model(Tab::Regions);
    QAbstractItemModelTester tester(regions, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QModelIndex fallback = regions->index(0, RegionTableModel::FallbackMax);
    QCOMPARE(regions->data(fallback).toString(), QStringLiteral("4 MiB"));
    QVERIFY(regions->flags(fallback) & Qt::ItemIsEditable);
    QVERIFY(regions->setData(fallback, QStringLiteral("8M")));
    QCOMPARE(doc.project().platform.regions[0].fallbackMaxContiguous, 8 * MiB);
    QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Change fallback maximum of region dflt"));
    // Less than a page is refused with a reason.
    auto* model = editor.tableModel(Tab::Regions);
    QVERIFY(!regions->setData(fallback, QStringLiteral("0")));
    QVERIFY(model->lastError().contains(QStringLiteral("at least a page")));
    QVERIFY(editor.message().contains(QStringLiteral("at least a page")));
    doc.undoStack()->undo();
    QCOMPARE(doc.project().platform.regions[0].fallbackMaxContiguous, 4 * MiB);
    // On a region that reserves memory the fallback is not used: muted, and the tooltip says so.
    const QModelIndex videoFallback = regions->index(1, RegionTableModel::FallbackMax);
    QVERIFY(regions->data(videoFallback, Qt::ForegroundRole).isValid());
    QVERIFY(regions->data(videoFallback, Qt::ToolTipRole).toString().startsWith(QStringLiteral("Not used")));

    // The flags each map mode reads: Asterisk and Private to in 2010, Default and NUMA node in modern.
    const auto muted = [&](int column) {
        return regions->data(regions->index(1, column), Qt::ForegroundRole).isValid();
    };
    QVERIFY(!muted(RegionTableModel::Asterisk));
    QVERIFY(!muted(RegionTableModel::PrivateTo));
    QVERIFY(muted(RegionTableModel::Default));
    QVERIFY(regions->setData(regions->index(1, RegionTableModel::PrivateTo), QStringLiteral("mfc")));
    QCOMPARE(doc.project().platform.regions[1].privateTo, std::string("mfc"));
    QVERIFY(regions->setData(regions->index(1, RegionTableModel::Asterisk), int(Qt::Checked), Qt::CheckStateRole));
    QVERIFY(doc.project().platform.regions[1].asterisk);
    // The 2010 private region (docs/cma2010.md#private-regions): a checkbox, one undoable edit; the map no longer
    // gives the region, whoever asks.
    QVERIFY(!muted(RegionTableModel::PrivateHandle));
    const QModelIndex byHandle = regions->index(1, RegionTableModel::PrivateHandle);
    QCOMPARE(regions->data(byHandle, Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
    const std::string name = doc.project().platform.regions[1].name;
    QVERIFY(!resolveRegions(doc.project().platform, "mfc", "", 2 * MiB).regions.empty());
    QVERIFY(regions->setData(byHandle, int(Qt::Checked), Qt::CheckStateRole));
    QVERIFY(doc.project().platform.regions[1].privateHandle);
    QCOMPARE(regions->data(byHandle, Qt::CheckStateRole).toInt(), int(Qt::Checked));
    QCOMPARE(doc.undoStack()->undoText(),
        QStringLiteral("Make region %1 a 2010 private region (by handle)").arg(QString::fromStdString(name)));
    const auto mfc = resolveRegions(doc.project().platform, "mfc", "", 2 * MiB).regions;
    QVERIFY(std::find(mfc.begin(), mfc.end(), name) == mfc.end());
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.setCurrentTab(Tab::Regions);
    QVERIFY(!grabAt(editor, QSize(1700, 360), QStringLiteral("regions-private-handle.png")).isNull());
    QVERIFY(editor.boardSettings()->setMapMode(MapMode::Modern));
    QVERIFY(muted(RegionTableModel::Asterisk));
    QVERIFY(muted(RegionTableModel::PrivateTo));
    QVERIFY(muted(RegionTableModel::PrivateHandle));
    QVERIFY(!muted(RegionTableModel::Default));
    doc.waitForRun();
}

void TestPlatformSettings::screenshots()
{
    Document doc;
    doc.setProject(test::loadDemo());
    doc.waitForRun();
    PlatformEditor editor(&doc);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.setCurrentTab(Tab::Board);
    // About the Platform dock's size in a 1920x1080 and a 1366x768 window.
    for (const auto& [size, name] : { std::pair { QSize(576, 620), "settings-board-1920.png" },
             std::pair { QSize(410, 420), "settings-board-1366.png" } }) {
        const QImage image = grabAt(editor, size, QString::fromLatin1(name));
        QVERIFY(!image.isNull());
        // Nothing is cut off: every label of the form fits the width (they wrap), and the form scrolls.
        for (QLabel* l : editor.boardSettings()->findChildren<QLabel*>()) {
            if (l->isVisible() && !l->wordWrap())
                QVERIFY2(l->sizeHint().width() <= l->width() + 1, qPrintable(l->text()));
        }
        // Every tab is in view: the titles drop their counts rather than hide tabs behind scroll arrows.
        auto* tabs = editor.findChild<QTabWidget*>();
        QVERIFY(tabs->tabBar()->sizeHint().width() <= tabs->width());
        QCOMPARE(tabs->tabText(tabs->count() - 1).contains(QLatin1Char('(')), size.width() > 500);
    }
    QVERIFY(editor.boardSettings()->setMapDialect(MapDialect::V3));
    QVERIFY(!grabAt(editor, QSize(410, 420), QStringLiteral("settings-board-v3-1366.png")).isNull());
    QVERIFY(editor.boardSettings()->setMapMode(MapMode::Modern));
    editor.setCurrentTab(Tab::Map);
    QVERIFY(!grabAt(editor, QSize(576, 620), QStringLiteral("settings-map-modern.png")).isNull());
    editor.setCurrentTab(Tab::Board);
    QVERIFY(!grabAt(editor, QSize(410, 420), QStringLiteral("settings-board-modern-1366.png")).isNull());
    doc.waitForRun();
}

QTEST_MAIN(TestPlatformSettings)
#include "tst_platformsettings.moc"
