// SPDX-License-Identifier: GPL-2.0-or-later
// Every control of the main window says what it does (issue 18, "tooltips on every control"): with a project and
// with a kernel trace open, every visible button, field, box, spin box and slider of every dock and bar has a
// tooltip. The list of those without one is printed, so a new control that forgets its tooltip names itself.
#include "common/document.h"
#include "compare/tracepairdialog.h"
#include "follow/followdialog.h"
#include "mainwindow.h"
#include "scenario/workloaddialog.h"

#include <QAbstractButton>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QTabBar>
#include <QTest>
#include <QToolButton>

using namespace cmascope;

namespace {
/// "QToolButton 'Play' in timelineDock" for a control without a tooltip.
QString describe(const QWidget* w)
{
    QString text;
    if (const auto* b = qobject_cast<const QAbstractButton*>(w))
        text = b->text();
    QString where;
    for (const QWidget* p = w->parentWidget(); p && where.isEmpty(); p = p->parentWidget())
        where = p->objectName();
    return QStringLiteral("%1 '%2' (%3) in %4")
        .arg(QLatin1String(w->metaObject()->className()), text, w->objectName(), where);
}

/// A control the user acts on: buttons, fields, boxes, spin boxes, sliders (not the internals of other widgets:
/// a spin box's line edit, a scroll bar, a tab bar's scroll buttons, a dock's title buttons).
bool isControl(const QWidget* w)
{
    if (qobject_cast<const QAbstractSlider*>(w))
        return w->inherits("QSlider");
    if (qobject_cast<const QLineEdit*>(w))
        return !qobject_cast<const QAbstractSpinBox*>(w->parentWidget())
            && !qobject_cast<const QComboBox*>(w->parentWidget());
    if (qobject_cast<const QAbstractButton*>(w))
        return !qobject_cast<const QTabBar*>(w->parentWidget()) && !w->inherits("QDockWidgetTitleButton")
            && !w->inherits("QTableCornerButton") && !w->objectName().startsWith(QLatin1String("qt_"));
    return qobject_cast<const QComboBox*>(w) || qobject_cast<const QAbstractSpinBox*>(w);
}

/// The visible controls of @p dialog without a tooltip.
QStringList dialogControlsWithoutTooltip(QDialog& dialog)
{
    dialog.show();
    QCoreApplication::processEvents();
    QStringList missing;
    for (const QWidget* c : dialog.findChildren<QWidget*>())
        if (c->isVisible() && isControl(c) && c->toolTip().isEmpty()
            && !qobject_cast<const QDialogButtonBox*>(c->parentWidget()))
            missing << describe(c);
    dialog.close();
    return missing;
}

QStringList controlsWithoutTooltip(app::MainWindow& w)
{
    QStringList missing;
    // every dock raised in turn: the controls of tabbed docks are only visible when their tab is in front
    for (QDockWidget* dock : w.findChildren<QDockWidget*>()) {
        if (dock->isHidden())
            continue;
        dock->raise();
        QCoreApplication::processEvents();
        for (const QWidget* c : dock->findChildren<QWidget*>())
            if (c->isVisible() && isControl(c) && c->toolTip().isEmpty() && !missing.contains(describe(c)))
                missing << describe(c);
    }
    for (const QWidget* c : w.findChildren<QWidget*>())
        if (c->isVisible() && isControl(c) && c->toolTip().isEmpty() && !missing.contains(describe(c)))
            missing << describe(c);
    return missing;
}
} // namespace

class TestTooltips : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyControlHasATooltip_data();
    void everyControlHasATooltip();
    void everyDialogControlHasATooltip();
};

void TestTooltips::everyControlHasATooltip_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("project") << QStringLiteral(CMASCOPE_SOURCE_DIR "/resources/demos/camera-video-2010.json");
    QTest::newRow("kernel trace") << QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k72-busy-areas/trace.txt");
}

void TestTooltips::everyControlHasATooltip()
{
    QFETCH(QString, file);
    app::MainWindow w;
    w.resize(1366, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.openAny(file, true);
    w.document()->waitForRun();
    QCoreApplication::processEvents();
    const QStringList missing = controlsWithoutTooltip(w);
    QVERIFY2(missing.isEmpty(),
        qPrintable(QStringLiteral("%1 controls without a tooltip:\n  ").arg(missing.size())
            + missing.join(QStringLiteral("\n  "))));
}

void TestTooltips::everyDialogControlHasATooltip()
{
    // the dialogs of the app, on a project and a trace (a dialog's OK/Cancel/Close buttons say what they do)
    app::MainWindow w;
    w.resize(1366, 768);
    w.show();
    w.openAny(QStringLiteral(CMASCOPE_SOURCE_DIR "/traces/kernel/k72-busy-areas/trace.txt"), true);
    w.document()->waitForRun();
    QStringList missing;
    views::FollowDialog follow(&w);
    missing << dialogControlsWithoutTooltip(follow);
    views::TracePairDialog pair(w.document(), &w);
    missing << dialogControlsWithoutTooltip(pair);
    w.openAny(QStringLiteral(CMASCOPE_SOURCE_DIR "/resources/demos/camera-video-2010.json"), true);
    w.document()->waitForRun();
    views::WorkloadDialog workload(w.document(), &w);
    missing << dialogControlsWithoutTooltip(workload);
    w.showShortcuts();
    w.showManual();
    for (QDialog* help : { w.findChild<QDialog*>(QStringLiteral("shortcutsDialog")),
             w.findChild<QDialog*>(QStringLiteral("manualBrowser")) }) {
        QVERIFY(help);
        missing << dialogControlsWithoutTooltip(*help);
    }
    QVERIFY2(missing.isEmpty(),
        qPrintable(QStringLiteral("%1 dialog controls without a tooltip:\n  ").arg(missing.size())
            + missing.join(QStringLiteral("\n  "))));
}

QTEST_MAIN(TestTooltips)
#include "tst_tooltips.moc"
