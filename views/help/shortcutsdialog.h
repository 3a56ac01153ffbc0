// SPDX-License-Identifier: GPL-2.0-or-later
// Help > Keyboard Shortcuts: every shortcut of the window's menus, read from the actions themselves (so the list
// cannot drift from the keys), and the keys that work inside one pane.
#pragma once

#include <QDialog>
#include <QList>
#include <QString>

class QLineEdit;
class QMenuBar;
class QTableWidget;

namespace cmascope::views {

class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    struct Entry
    {
        QString where; ///< "File", "Go › Bookmarks", or a pane ("Memory map")
        QString action; ///< what the key does
        QString keys; ///< in the platform's native text, several separated by ", "
    };

    explicit ShortcutsDialog(const QMenuBar* menus, QWidget* parent = nullptr);

    /// Every action with a shortcut under @p menus, menu by menu, in menu order.
    static QList<Entry> menuShortcuts(const QMenuBar* menus);
    /// The keys that work only inside one pane (docs/manual.md#6-keyboard-shortcuts).
    static QList<Entry> paneShortcuts();

    QTableWidget* table() const { return m_table; }
    /// Shows only the rows that contain @p text (in any column).
    void filter(const QString& text);

private:
    QLineEdit* m_filter = nullptr;
    QTableWidget* m_table = nullptr;
};

} // namespace cmascope::views
