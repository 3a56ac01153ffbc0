// SPDX-License-Identifier: GPL-2.0-or-later
// The common part of the platform editor's tables: one editable table per collection of the platform
// (banks, regions, devices, kinds, map rules). Every edit is one undoable Document::editPlatform(); the
// tables follow Document::projectChanged (undo/redo included) with the finest row signals they can infer
// (insert, remove, move, change), so views keep their selection.
#pragma once

#include "platform/tablesupport.h"

#include <cmascope/model/platform.h>

#include <QAbstractTableModel>
#include <QStringList>

#include <map>
#include <utility>
#include <vector>

namespace cmascope::views {

class Document;
class PlatformDiagnostics;

/// Common part of the five tables: roles for the delegate, columns from a table, validation marks, edits
/// translated to undoable platform changes, undoable add/remove/move.
class PlatformTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role {
        EditorRole = Qt::UserRole + 1, ///< int(EditorKind): how the cell is edited
        ChoicesRole, ///< QStringList: the values a Choice cell offers
        MinimumRole, ///< int: lowest value of an Integer cell
        MaximumRole, ///< int: highest value of an Integer cell
        NoneTextRole, ///< QString: how an Integer cell spells its minimum when that means "none" ("" = no such)
        DiagnosticsRole, ///< QStringList: validation messages on this cell
        SeverityRole, ///< int(Severity) of the worst message on this cell, or -1
        FieldRole, ///< QString: the platform field of the column, as in validation paths ("size")
        PlaceholderRole, ///< QString: an example of valid input ("64M", "0x40000000")
    };
    enum class EditorKind { None, Text, Size, Address, Integer, Choice, Check };

    /// @p diagnostics may be null: then nothing is marked and the model follows projectChanged itself.
    PlatformTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent = nullptr);

    Document* document() const { return m_doc; }
    /// The collection as named in validation paths: "banks", "regions", "devices", "kinds", "rules".
    virtual QString collection() const = 0;
    /// "bank", "region", "device", "kind", "rule" (for undo texts).
    virtual QString singular() const = 0;
    /// Short name of a row for messages: the item's name, or the rule text.
    virtual QString itemLabel(int row) const = 0;
    /// The column showing @p field of @p row ("" = the item as a whole), or -1. By default the column of
    /// that field (or of one of its aliases), and itemColumn() for the item as a whole.
    virtual int columnForField(int row, const QString& field) const;
    /// Row order matters (regions: placement and asterisk order; rules: first match wins).
    virtual bool isOrdered() const { return false; }

    /// Adds a fresh item (unique name, sensible defaults) before @p row (-1 or past the end: at the end).
    /// Returns its row, or -1 with lastError() set.
    int addItem(int row = -1);
    bool removeItem(int row);
    /// Moves @p row by @p delta (-1 up, +1 down).
    bool moveItem(int row, int delta);
    /// Why the last setData() / addItem() / removeItem() / moveItem() was refused; empty after success.
    QString lastError() const { return m_lastError; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /// Structural edits as the generic model API: each is one undoable edit (count must be 1).
    bool insertRows(int row, int count, const QModelIndex& parent = {}) override;
    bool removeRows(int row, int count, const QModelIndex& parent = {}) override;
    bool moveRows(const QModelIndex& sourceParent, int sourceRow, int count, const QModelIndex& destinationParent,
        int destinationChild) override;

Q_SIGNALS:
    /// An edit was refused: @p reason says why (the platform is unchanged, nothing was pushed).
    void editRejected(const QModelIndex& index, const QString& reason);

protected:
    struct Column
    {
        QString title;
        QString field; ///< as in validation paths; empty = not a platform field
        EditorKind editor = EditorKind::Text;
        QString tip; ///< header tooltip
        QString noun = {}; ///< for undo texts ("size"); empty = the title in lower case
        QStringList aliases = {}; ///< other fields of validation paths shown in this column
    };
    /// Columns, set by the subclass constructor.
    void setColumns(std::vector<Column> columns) { m_columns = std::move(columns); }
    const Column& column(int c) const { return m_columns[std::size_t(c)]; }
    const Platform& platform() const;

    virtual int itemCount() const = 0;
    /// The column marked for messages about @p row as a whole (an overlap, a duplicate): the first by default.
    virtual int itemColumn(int row) const;
    /// Display, Edit, CheckState, ToolTip (without diagnostics), Foreground, Choices, range roles of a cell.
    virtual QVariant cellData(int row, int column, int role) const = 0;
    /// Applies @p value (EditRole text or CheckStateRole) to @p p; returns an error sentence or an empty
    /// string. @p what may be changed from the default "Change <column> of <singular> <label>".
    virtual QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const = 0;
    /// Inserts a fresh item at @p row; returns its label.
    virtual QString insertFresh(Platform& p, int row) const = 0;
    virtual void eraseItem(Platform& p, int row) const = 0;
    virtual void swapItems(Platform& p, int a, int b) const = 0;
    /// Compares the items shown with the document's and emits the row signals; updates the copy shown.
    virtual void syncRows() = 0;

    /// Cells of the kinds several tables have; each answers the roles it knows, and an invalid QVariant for
    /// the others (so the caller can go on). An integer: Display, Edit, Minimum, Maximum roles.
    static QVariant integerCell(qint64 value, int min, int max, int role);
    /// A size: Display "64 MiB", Edit "64M", ToolTip with the byte count.
    static QVariant sizeCell(quint64 bytes, int role);
    /// A check box: CheckState, and Edit as "yes" / "no".
    static QVariant checkCell(bool checked, int role);

    /// Builds the rows and marks; called once by each subclass constructor.
    void initialize();
    QString reject(const QModelIndex& index, const QString& reason);
    /// Pushes @p p as one edit named @p what (no-op when equal to the current platform).
    void commit(const Platform& p, const QString& what);

private:
    void refresh();
    void rebuildMarks();

    Document* m_doc;
    PlatformDiagnostics* m_diagnostics;
    std::vector<Column> m_columns;
    /// (row, column) -> indices into m_diagnostics->entries()
    std::map<std::pair<int, int>, std::vector<std::size_t>> m_marks;
    QString m_lastError;
};

/// A table over one collection of the platform, @p Items (&Platform::banks, ...), of items @p T: keeps the
/// copy of the items shown and does what only depends on the collection (count, label, insert, erase, swap,
/// row signals). The subclass gives the columns, cells, edits and fresh items.
template <typename T, std::vector<T> Platform::*Items> class PlatformItemTableModel : public PlatformTableModel
{
public:
    using PlatformTableModel::PlatformTableModel;

    QString itemLabel(int row) const override { return row >= 0 && row < itemCount() ? labelOf(item(row)) : QString(); }

protected:
    static std::vector<T>& items(Platform& p) { return p.*Items; }
    /// The item of @p row as shown (the document's, as of the last projectChanged).
    const T& item(int row) const { return m_shown[std::size_t(row)]; }

    int itemCount() const override { return int(m_shown.size()); }
    /// The label of @p t (itemLabel()): its name; a subclass whose items have none overrides this.
    virtual QString labelOf(const T& t) const
    {
        if constexpr (requires { t.name; })
            return QString::fromStdString(t.name);
        else
            return QString();
    }
    /// Inserts @p fresh at @p row of @p p under the first free name @p prefix1, @p prefix2, ...; returns its label.
    QString insertNamed(Platform& p, int row, T fresh, const std::string& prefix) const
    {
        fresh.name = tablesupport::uniqueName(items(p), prefix);
        return insertItem(p, row, fresh);
    }
    /// Inserts @p fresh at @p row of @p p; returns its label.
    QString insertItem(Platform& p, int row, const T& fresh) const
    {
        items(p).insert(items(p).begin() + std::ptrdiff_t(row), fresh);
        return labelOf(fresh);
    }
    void eraseItem(Platform& p, int row) const override { items(p).erase(items(p).begin() + std::ptrdiff_t(row)); }
    void swapItems(Platform& p, int a, int b) const override
    {
        std::swap(items(p)[std::size_t(a)], items(p)[std::size_t(b)]);
    }
    /// Emits the finest row signals (insert, remove, move of one row; else reset) that turn the items shown
    /// into the document's, and makes them a copy of the document's.
    void syncRows() override;

private:
    std::vector<T> m_shown;
};

template <typename T, std::vector<T> Platform::*Items> void PlatformItemTableModel<T, Items>::syncRows()
{
    std::vector<T>& shown = m_shown;
    const std::vector<T>& now = platform().*Items;
    const int oldN = int(shown.size());
    const int newN = int(now.size());
    int prefix = 0;
    while (prefix < oldN && prefix < newN && shown[std::size_t(prefix)] == now[std::size_t(prefix)])
        ++prefix;
    int suffix = 0;
    while (suffix < oldN - prefix && suffix < newN - prefix
        && shown[std::size_t(oldN - 1 - suffix)] == now[std::size_t(newN - 1 - suffix)])
        ++suffix;
    const int removed = oldN - prefix - suffix;
    const int inserted = newN - prefix - suffix;
    const auto at = [](const std::vector<T>& v, int i) -> const T& { return v[std::size_t(i)]; };
    if (removed == 0 && inserted == 0)
        return;
    if (removed == 0) {
        beginInsertRows({}, prefix, prefix + inserted - 1);
        shown = now;
        endInsertRows();
    } else if (inserted == 0) {
        beginRemoveRows({}, prefix, prefix + removed - 1);
        shown = now;
        endRemoveRows();
    } else if (removed == 2 && inserted == 2 && at(shown, prefix) == at(now, prefix + 1)
        && at(shown, prefix + 1) == at(now, prefix)) {
        beginMoveRows({}, prefix + 1, prefix + 1, {}, prefix);
        shown = now;
        endMoveRows();
    } else if (removed == inserted) {
        shown = now; // items changed in place: dataChanged follows
    } else {
        beginResetModel();
        shown = now;
        endResetModel();
    }
}

} // namespace cmascope::views
