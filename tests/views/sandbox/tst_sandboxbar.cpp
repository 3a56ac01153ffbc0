// SPDX-License-Identifier: GPL-2.0-or-later
// The sandbox bar over the live map (docs/sandbox.md): Allocate inserts exactly one step right after the
// current step and every view moves to it (the map shows its chunk); undo restores the scenario and the step;
// the map's right-click menu frees a chunk by its label; a Ctrl+drag over a region sizes the request in pages;
// bad sizes say why and change nothing; a replayed kernel trace is not edited.
#include "common/document.h"
#include "map/memorymapwidget.h"
#include "sandbox/sandboxbar.h"
#include "support/platforms.h"

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

#include <memory>

using namespace cmascope;
using namespace cmascope::views;

namespace {

/// sandboxProject() with its device and kinds declared (the bar offers the platform's):
/// 0 phase, 1-4 alloc c0..c3 (4 pages each, kind a), 5 free c0, 6 free c2, 7 alloc big (8 pages, kind b: fails).
Project sandboxProject()
{
    Project p = test::fragmentedProject();
    Device video;
    video.name = "video";
    p.platform.devices.push_back(video);
    p.platform.kinds.push_back({ "a", "" });
    p.platform.kinds.push_back({ "b", "" });
    return p;
}

/// A document, the map following it and the sandbox bar on it, at a known size.
struct Sandbox
{
    Document doc;
    MemoryMapWidget map;
    std::unique_ptr<SandboxBar> bar;

    explicit Sandbox(Project project)
    {
        map.resize(900, 200);
        map.setDocument(&doc);
        bar = std::make_unique<SandboxBar>(&doc, &map);
        bar->setActive(true);
        doc.setProject(std::move(project));
        doc.waitForRun();
    }
    const Scenario& scenario() const { return doc.project().scenarios.front(); }
    /// A point on the map inside the chunk with simulator id @p id, or (-1, -1).
    QPoint pointOnChunk(quint32 id) const
    {
        const auto& chunks = map.content().chunks;
        for (const MapChunk& c : chunks) {
            if (c.id != id)
                continue;
            const QRectF track = map.trackRect(0);
            const QPoint p(int(track.left() + map.axis().xForAddress(c.base + c.size / 2)), int(track.bottom() - 4));
            return map.chunkAt(p) >= 0 && chunks[map.chunkAt(p)].id == id ? p : QPoint(-1, -1);
        }
        return { -1, -1 };
    }
};

} // namespace

class TestSandboxBar : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void choicesFromThePlatform();
    void allocateInsertsAfterTheCurrentStep();
    void allocateAtTheLastStepAppends();
    void rightClickFreesByLabel();
    void freeSelected();
    void ctrlDragSizesTheRequest();
    void invalidSizeChangesNothing_data();
    void invalidSizeChangesNothing();
    void phaseMarker();
    void aProjectWithoutScenarioGetsOne();
    void replayedTraceIsNotEdited();
};

void TestSandboxBar::choicesFromThePlatform()
{
    Sandbox s(test::loadDemo());
    const Platform& pf = s.doc.project().platform;
    QCOMPARE(s.bar->deviceBox()->count(), int(pf.devices.size()));
    QCOMPARE(s.bar->kindBox()->count(), int(pf.kinds.size()) + 1); // and "(no kind)"
    QCOMPARE(s.bar->kindBox()->itemData(0).toString(), QString());
    QVERIFY(s.bar->unavailableReason().isEmpty());
    QVERIFY(s.bar->allocateButton()->isEnabled());
}

void TestSandboxBar::allocateInsertsAfterTheCurrentStep()
{
    Sandbox s(sandboxProject());
    const Scenario before = s.scenario();
    s.doc.setCurrentStep(2); // c0 and c1 live: 8 of 16 pages free
    s.bar->deviceBox()->setCurrentText(QStringLiteral("video"));
    s.bar->kindBox()->setCurrentIndex(s.bar->kindBox()->findData(QStringLiteral("b")));
    s.bar->sizeEdit()->setText(QStringLiteral("8K"));
    s.bar->alignmentEdit()->setText(QStringLiteral("32K"));
    QVERIFY(s.bar->allocate());
    s.doc.waitForRun();

    const Scenario& sc = s.scenario();
    QCOMPARE(sc.steps.size(), before.steps.size() + 1);
    const Step& step = sc.steps[3];
    QCOMPARE(step.type, StepType::Allocate);
    QCOMPARE(sc.symbols.name(step.device), std::string_view("video"));
    QCOMPARE(sc.symbols.name(step.kind), std::string_view("b"));
    QCOMPARE(step.size, std::uint64_t(8192));
    QCOMPARE(step.alignLog2, std::uint8_t(15));
    QCOMPARE(sc.symbols.name(step.label), std::string_view("s1"));
    QCOMPARE(sc.symbols.name(sc.steps[4].label), std::string_view("c2")); // the rest follows it
    QCOMPARE(s.doc.undoStack()->count(), 1);
    // Every view moves to the new step: pages 8-9 (the 32 KiB boundary after c0, c1), shown on the map.
    QCOMPARE(s.doc.currentStep(), std::optional<std::size_t>(3));
    const StepRecord& rec = s.doc.simulation()->records()[3];
    QCOMPARE(rec.outcome, Outcome::Allocated);
    QCOMPARE(rec.offset, 8u);
    s.map.setView(0x1000000, 0x1000000 + 16 * 4096);
    QVERIFY(s.pointOnChunk(rec.chunk).x() >= 0);
    QVERIFY2(
        s.bar->message().contains(QStringLiteral("Step 3: allocated pages 8–9 of r")), qPrintable(s.bar->message()));
    QCOMPARE(s.doc.stepCount(), before.steps.size() + 1);

    s.doc.undoStack()->undo();
    s.doc.waitForRun();
    QCOMPARE(s.scenario().steps.size(), before.steps.size());
    QCOMPARE(s.doc.currentStep(), std::optional<std::size_t>(2));
    s.doc.undoStack()->redo();
    s.doc.waitForRun();
    QCOMPARE(s.doc.currentStep(), std::optional<std::size_t>(3));
}

void TestSandboxBar::allocateAtTheLastStepAppends()
{
    Sandbox s(sandboxProject());
    s.doc.setCurrentStep(6); // after free c2: two 4-page holes
    s.bar->kindBox()->setCurrentIndex(s.bar->kindBox()->findData(QStringLiteral("a")));
    s.bar->sizeEdit()->setText(QStringLiteral("16K"));
    s.bar->labelEdit()->setText(QStringLiteral("mine"));
    QVERIFY(s.bar->allocate());
    s.doc.waitForRun();
    QCOMPARE(s.doc.currentStep(), std::optional<std::size_t>(7));
    const StepRecord& rec = s.doc.simulation()->records()[7];
    QCOMPARE(rec.outcome, Outcome::Allocated); // video/a goes to r, a 4-page hole takes it
    QCOMPARE(s.scenario().symbols.name(s.scenario().steps[7].label), std::string_view("mine"));
    s.map.setView(0x1000000, 0x1000000 + 16 * 4096);
    QVERIFY(s.pointOnChunk(rec.chunk).x() >= 0);

    // At the last step: appended at the end.
    s.doc.setCurrentStep(s.doc.stepCount() - 1);
    const std::size_t n = s.scenario().steps.size();
    s.bar->sizeEdit()->setText(QStringLiteral("4K"));
    QVERIFY(s.bar->allocate());
    s.doc.waitForRun();
    QCOMPARE(s.scenario().steps.size(), n + 1);
    QCOMPARE(s.scenario().steps.back().size, std::uint64_t(4096));
    QCOMPARE(s.doc.currentStep(), std::optional<std::size_t>(n));
}

void TestSandboxBar::rightClickFreesByLabel()
{
    Sandbox s(sandboxProject());
    s.doc.setCurrentStep(4); // c0..c3 live
    s.map.setView(0x1000000, 0x1000000 + 16 * 4096);
    const std::uint32_t c1 = s.doc.simulation()->records()[2].chunk;
    const QPoint at = s.pointOnChunk(c1);
    QVERIFY(at.x() >= 0);
    std::unique_ptr<QMenu> menu(s.map.createContextMenu(at));
    QCOMPARE(menu->actions().size(), 1);
    QAction* free = menu->actions().front();
    QCOMPARE(free->text(), QStringLiteral("Free c1"));
    free->trigger();
    s.doc.waitForRun();
    const Scenario& sc = s.scenario();
    QCOMPARE(sc.steps[5].type, StepType::Free);
    QCOMPARE(sc.symbols.name(sc.steps[5].label), std::string_view("c1"));
    QCOMPARE(s.doc.currentStep(), std::optional<std::size_t>(5));
    QCOMPARE(s.doc.simulation()->records()[5].chunk, c1);
    QCOMPARE(s.doc.simulation()->records()[5].outcome, Outcome::Freed);
    QVERIFY(s.pointOnChunk(c1).x() < 0); // gone from the map
    // Empty space in the region offers to allocate there; nothing while the sandbox is off.
    menu.reset(s.map.createContextMenu(at));
    QCOMPARE(menu->actions().size(), 1);
    QCOMPARE(menu->actions().front()->text(), QStringLiteral("Allocate Here…"));
    menu->actions().front()->trigger();
    QCOMPARE(s.bar->deviceBox()->currentText(), QStringLiteral("video"));
    s.bar->setActive(false);
    menu.reset(s.map.createContextMenu(at));
    QVERIFY(menu->isEmpty());
}

void TestSandboxBar::freeSelected()
{
    Sandbox s(sandboxProject());
    s.doc.setCurrentStep(4);
    QVERIFY(!s.bar->freeButton()->isEnabled()); // nothing selected
    const std::uint32_t c3 = s.doc.simulation()->records()[4].chunk;
    s.doc.setSelectedChunk(c3);
    QVERIFY(s.bar->freeButton()->isEnabled());
    QTest::mouseClick(s.bar->freeButton(), Qt::LeftButton);
    s.doc.waitForRun();
    QCOMPARE(s.scenario().steps[5].type, StepType::Free);
    QCOMPARE(s.scenario().symbols.name(s.scenario().steps[5].label), std::string_view("c3"));
}

void TestSandboxBar::ctrlDragSizesTheRequest()
{
    Sandbox s(sandboxProject());
    s.doc.setCurrentStep(6); // pages 0-3 and 8-11 free
    // The region's 16 pages over the plot's width: about 85 bytes a pixel.
    s.map.setView(0x1000000, 0x1000000 + 16 * 4096);
    QSignalSpy dragged(&s.map, &MemoryMapWidget::regionRangeDragged);
    QSignalSpy drawn(&s.map, &MemoryMapWidget::regionDrawn);
    const QRectF track = s.map.trackRect(0);
    const int y = int(track.bottom() - 4);
    const auto x = [&](std::uint64_t page) { return int(track.left() + s.map.axis().xForAddress(0x1000000 + page)); };
    // From the middle of page 8 to the middle of page 11: pages 8-11, 16 KiB.
    QTest::mousePress(&s.map, Qt::LeftButton, Qt::ControlModifier, QPoint(x(8 * 4096 + 2048), y));
    QTest::mouseMove(&s.map, QPoint(x(11 * 4096 + 2048), y));
    QTest::mouseRelease(&s.map, Qt::LeftButton, Qt::ControlModifier, QPoint(x(11 * 4096 + 2048), y));
    QCOMPARE(dragged.count(), 1);
    QCOMPARE(drawn.count(), 0); // not a new region
    QCOMPARE(dragged.at(0).at(0).toInt(), 0);
    QCOMPARE(s.bar->sizeEdit()->text(), QStringLiteral("16K"));
    QVERIFY2(s.bar->message().contains(QStringLiteral("Pages 8–11 of r: 16 KiB")), qPrintable(s.bar->message()));
    QVERIFY(!s.bar->message().contains(QStringLiteral("in use")));
    QCOMPARE(s.bar->deviceBox()->currentText(), QStringLiteral("video"));
    // Over used pages (4-7): said so.
    QTest::mousePress(&s.map, Qt::LeftButton, Qt::ControlModifier, QPoint(x(3 * 4096 + 100), y));
    QTest::mouseMove(&s.map, QPoint(x(5 * 4096), y));
    QTest::mouseRelease(&s.map, Qt::LeftButton, Qt::ControlModifier, QPoint(x(5 * 4096 + 100), y));
    QCOMPARE(s.bar->sizeEdit()->text(), QStringLiteral("12K"));
    QVERIFY2(s.bar->message().contains(QStringLiteral("in use")), qPrintable(s.bar->message()));
    // Sandbox off: Ctrl+drag draws a region again.
    s.bar->setActive(false);
    QTest::mousePress(&s.map, Qt::LeftButton, Qt::ControlModifier, QPoint(x(8 * 4096), y));
    QTest::mouseMove(&s.map, QPoint(x(11 * 4096), y));
    QTest::mouseRelease(&s.map, Qt::LeftButton, Qt::ControlModifier, QPoint(x(11 * 4096), y));
    QCOMPARE(dragged.count(), 2);
    QCOMPARE(drawn.count(), 1);
}

void TestSandboxBar::invalidSizeChangesNothing_data()
{
    QTest::addColumn<QString>("size");
    QTest::addColumn<QString>("align");
    QTest::addColumn<QString>("error");
    QTest::newRow("zero") << "0"
                          << ""
                          << "at least one byte";
    QTest::newRow("abc") << "abc"
                         << ""
                         << "'abc' is not a size";
    QTest::newRow("2^64 - 1") << "18446744073709551615"
                              << ""
                              << "larger than the largest memory bank";
    QTest::newRow("16E") << "16E"
                         << ""
                         << "does not fit in 64 bits";
    QTest::newRow("alignment") << "4K"
                               << "3K"
                               << "not a power of two";
}

void TestSandboxBar::invalidSizeChangesNothing()
{
    QFETCH(QString, size);
    QFETCH(QString, align);
    QFETCH(QString, error);
    Sandbox s(sandboxProject());
    const std::size_t steps = s.scenario().steps.size();
    s.bar->sizeEdit()->setText(size);
    s.bar->alignmentEdit()->setText(align);
    QSignalSpy messages(s.bar.get(), &SandboxBar::messageChanged);
    QVERIFY(!s.bar->allocate());
    QVERIFY2(s.bar->message().contains(error), qPrintable(s.bar->message()));
    QCOMPARE(messages.count(), 1);
    QCOMPARE(s.doc.undoStack()->count(), 0);
    QCOMPARE(s.scenario().steps.size(), steps);
    QVERIFY(!s.doc.isRunning());
}

void TestSandboxBar::phaseMarker()
{
    Sandbox s(sandboxProject());
    s.doc.setCurrentStep(0);
    QVERIFY(s.bar->insertPhase(QStringLiteral("try")));
    s.doc.waitForRun();
    QCOMPARE(s.scenario().steps[1].type, StepType::Phase);
    QCOMPARE(s.scenario().symbols.name(s.scenario().steps[1].label), std::string_view("try"));
    QCOMPARE(s.doc.currentStep(), std::optional<std::size_t>(1));
}

void TestSandboxBar::aProjectWithoutScenarioGetsOne()
{
    Project p = sandboxProject();
    p.scenarios.clear();
    Sandbox s(std::move(p));
    QCOMPARE(s.doc.stepCount(), std::size_t(0));
    s.bar->sizeEdit()->setText(QStringLiteral("8K"));
    QVERIFY(s.bar->allocate());
    s.doc.waitForRun();
    QCOMPARE(s.doc.project().scenarios.size(), std::size_t(1));
    QCOMPARE(s.scenario().name, std::string("Sandbox"));
    QCOMPARE(s.scenario().steps.size(), std::size_t(1));
    QCOMPARE(s.doc.currentStep(), std::optional<std::size_t>(0));
    QCOMPARE(s.doc.simulation()->records()[0].outcome, Outcome::Allocated);
    s.doc.undoStack()->undo();
    s.doc.waitForRun();
    QVERIFY(s.doc.project().scenarios.empty());
}

void TestSandboxBar::replayedTraceIsNotEdited()
{
    Project p = sandboxProject();
    p.scenarios.front().timesNs.assign(p.scenarios.front().steps.size(), 1000); // times: a replayed trace
    Sandbox s(std::move(p));
    QVERIFY(s.bar->unavailableReason().contains(QStringLiteral("replayed kernel trace")));
    QVERIFY(!s.bar->allocateButton()->isEnabled());
    QVERIFY(s.bar->message().contains(QStringLiteral("replayed kernel trace")));
    QVERIFY(!s.bar->allocate());
    QCOMPARE(s.doc.undoStack()->count(), 0);
    s.doc.setCurrentStep(4);
    s.map.setView(0x1000000, 0x1000000 + 16 * 4096);
    const QPoint at = s.pointOnChunk(s.doc.simulation()->records()[2].chunk);
    std::unique_ptr<QMenu> menu(s.map.createContextMenu(at));
    QCOMPARE(menu->actions().size(), 1);
    QVERIFY(!menu->actions().front()->isEnabled());
    // Another project: the sandbox works again and its message goes.
    s.doc.setProject(sandboxProject());
    s.doc.waitForRun();
    QVERIFY(s.bar->allocateButton()->isEnabled());
    QVERIFY(s.bar->message().isEmpty());
}

QTEST_MAIN(TestSandboxBar)
#include "tst_sandboxbar.moc"
