// SPDX-License-Identifier: GPL-2.0-or-later
#include "help/shortcutsdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cmascope::views {

namespace {
/// "&Open Project…" -> "Open Project…" (a literal "&&" stays one "&").
QString plainText(QString text)
{
    text.replace(QLatin1String("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    text.replace(QStringLiteral("\x01"), QStringLiteral("&"));
    return text;
}

QString keysText(const QList<QKeySequence>& keys)
{
    QStringList texts;
    for (const QKeySequence& k : keys)
        if (!k.isEmpty())
            texts << k.toString(QKeySequence::NativeText);
    texts.removeDuplicates(); // a standard key and the same key given again (Redo on some desktops)
    return texts.join(QStringLiteral(", "));
}

void collect(const QMenu* menu, const QString& where, QList<ShortcutsDialog::Entry>& out, QSet<const QAction*>& seen)
{
    for (const QAction* a : menu->actions()) {
        if (a->menu()) {
            collect(a->menu(), where + QStringLiteral(" › ") + plainText(a->menu()->title()), out, seen);
            continue;
        }
        if (a->isSeparator() || a->shortcuts().isEmpty() || seen.contains(a))
            continue;
        seen.insert(a);
        out.append({ where, plainText(a->text()), keysText(a->shortcuts()) });
    }
}
} // namespace

QList<ShortcutsDialog::Entry> ShortcutsDialog::menuShortcuts(const QMenuBar* menus)
{
    QList<Entry> out;
    QSet<const QAction*> seen;
    if (!menus)
        return out;
    for (const QAction* top : menus->actions())
        if (top->menu())
            collect(top->menu(), plainText(top->menu()->title()), out, seen);
    // actions of the window itself that no menu holds (keys of the map, the timeline, the event log)
    if (const QWidget* window = menus->parentWidget())
        for (const QAction* a : window->findChildren<QAction*>())
            if (!a->shortcuts().isEmpty() && !seen.contains(a) && !a->text().isEmpty()) {
                seen.insert(a);
                out.append({ tr("Window"), plainText(a->text()), keysText(a->shortcuts()) });
            }
    return out;
}

QList<ShortcutsDialog::Entry> ShortcutsDialog::paneShortcuts()
{
    return {
        { tr("Memory map"), tr("Zoom in"), QStringLiteral("+, =") },
        { tr("Memory map"), tr("Zoom out"), QStringLiteral("-") },
        { tr("Memory map"), tr("Fit all"), QStringLiteral("0") },
        { tr("Memory map"), tr("Pan left / right"), tr("Left, Right") },
        { tr("Presentation mode"), tr("Next step"), tr("Page Down, Right, Down") },
        { tr("Presentation mode"), tr("Previous step"), tr("Page Up, Left, Up") },
        { tr("Presentation mode"), tr("Leave presentation mode"), tr("Esc") },
        { tr("Platform tables"), tr("Add a row / remove the selected rows"), tr("Insert, Delete") },
        { tr("Platform tables"), tr("Move the row up / down"), tr("Alt+Up, Alt+Down") },
        { tr("Scenario steps"), tr("Add / duplicate / remove a step"), tr("Insert, Ctrl+D, Delete") },
        { tr("Scenario steps"), tr("Move the step up / down"), tr("Alt+Up, Alt+Down") },
        { tr("Scenario text"), tr("Apply the text"), tr("Ctrl+Return") },
        { tr("Manual"), tr("Back / forward"), tr("Alt+Left, Alt+Right") },
    };
}

ShortcutsDialog::ShortcutsDialog(const QMenuBar* menus, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Keyboard Shortcuts"));
    setObjectName(QStringLiteral("shortcutsDialog"));
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter: an action, a menu or a key"));
    m_filter->setToolTip(tr("Show only the shortcuts whose action, menu or keys contain this text"));
    m_filter->setClearButtonEnabled(true);
    const QList<Entry> entries = menuShortcuts(menus) + paneShortcuts();
    m_table = new QTableWidget(int(entries.size()), 3, this);
    m_table->setHorizontalHeaderLabels({ tr("Where"), tr("Action"), tr("Keys") });
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    for (int row = 0; row < entries.size(); ++row) {
        const Entry& e = entries.at(row);
        m_table->setItem(row, 0, new QTableWidgetItem(e.where));
        m_table->setItem(row, 1, new QTableWidgetItem(e.action));
        m_table->setItem(row, 2, new QTableWidgetItem(e.keys));
    }
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    connect(m_filter, &QLineEdit::textChanged, this, &ShortcutsDialog::filter);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_table, 1);
    layout->addWidget(new QLabel(tr("Menu keys follow the desktop's conventions where one exists (Open, Save, "
                                    "Undo, Zoom); the pane keys work while that pane has the focus."),
        this));
    layout->addWidget(buttons);
    resize(760, 600);
}

void ShortcutsDialog::filter(const QString& text)
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        bool match = text.isEmpty();
        for (int c = 0; c < m_table->columnCount() && !match; ++c)
            match = m_table->item(row, c)->text().contains(text, Qt::CaseInsensitive);
        m_table->setRowHidden(row, !match);
    }
}

} // namespace cmascope::views
