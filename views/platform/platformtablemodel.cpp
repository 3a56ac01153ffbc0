// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/platformtablemodel.h"

#include "common/document.h"
#include "platform/cellinput.h"
#include "platform/platformdiagnostics.h"
#include "platform/tablesupport.h"

#include <algorithm>

namespace cmascope::views {

using namespace cellinput;
using namespace tablesupport;

PlatformTableModel::PlatformTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent)
    : QAbstractTableModel(parent)
    , m_doc(document)
    , m_diagnostics(diagnostics)
{
    // With diagnostics, follow them: they are recomputed on projectChanged before the cells ask for marks.
    if (m_diagnostics)
        connect(m_diagnostics, &PlatformDiagnostics::refreshed, this, &PlatformTableModel::refresh);
    else
        connect(m_doc, &Document::projectChanged, this, &PlatformTableModel::refresh);
}

const Platform& PlatformTableModel::platform() const
{
    return m_doc->project().platform;
}

void PlatformTableModel::initialize()
{
    rebuildMarks();
    syncRows();
}

void PlatformTableModel::refresh()
{
    rebuildMarks();
    syncRows();
    // Every cell may have changed: placement, cross references and marks depend on other items.
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

void PlatformTableModel::rebuildMarks()
{
    m_marks.clear();
    if (!m_diagnostics)
        return;
    const QString coll = collection();
    const auto& entries = m_diagnostics->entries();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        for (const auto& t : entries[i].targets) {
            if (t.collection != coll)
                continue;
            const int c = columnForField(t.row, t.field);
            if (c >= 0) {
                auto& list = m_marks[{ t.row, c }];
                if (std::find(list.begin(), list.end(), i) == list.end())
                    list.push_back(i);
            }
        }
    }
}

int PlatformTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : itemCount();
}

int PlatformTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

int PlatformTableModel::itemColumn(int) const
{
    return 0;
}

int PlatformTableModel::columnForField(int row, const QString& field) const
{
    if (field.isEmpty())
        return itemColumn(row);
    for (std::size_t c = 0; c < m_columns.size(); ++c) {
        if (m_columns[c].field == field || m_columns[c].aliases.contains(field))
            return int(c);
    }
    return -1;
}

QVariant PlatformTableModel::integerCell(qint64 value, int min, int max, int role)
{
    switch (role) {
    case Qt::DisplayRole:
        return QString::number(value);
    case Qt::EditRole:
        return int(value);
    case MinimumRole:
        return min;
    case MaximumRole:
        return max;
    default:
        return {};
    }
}

QVariant PlatformTableModel::sizeCell(quint64 bytes, int role)
{
    switch (role) {
    case Qt::DisplayRole:
        return humanSize(bytes);
    case Qt::EditRole:
        return sizeInput(bytes);
    case Qt::ToolTipRole:
        return tr("%1 (%2 bytes)").arg(humanSize(bytes), addressText(bytes));
    default:
        return {};
    }
}

QVariant PlatformTableModel::checkCell(bool checked, int role)
{
    if (role == Qt::CheckStateRole)
        return int(checked ? Qt::Checked : Qt::Unchecked);
    if (role == Qt::EditRole)
        return checked ? QStringLiteral("yes") : QStringLiteral("no");
    return {};
}

QVariant PlatformTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int col = index.column();
    const std::vector<std::size_t>* marks = nullptr;
    if (auto it = m_marks.find({ row, col }); it != m_marks.end() && m_diagnostics)
        marks = &it->second;
    int worst = -1;
    QStringList messages;
    if (marks) {
        for (std::size_t i : *marks) {
            if (i >= m_diagnostics->entries().size())
                continue;
            const Diagnostic& d = m_diagnostics->entries()[i].diagnostic;
            messages << qs(d.message);
            worst = worst < 0 ? int(d.severity) : std::min(worst, int(d.severity));
        }
    }
    switch (role) {
    case DiagnosticsRole:
        return messages;
    case SeverityRole:
        return worst;
    case FieldRole:
        return column(col).field;
    case EditorRole:
        return int(column(col).editor);
    case Qt::BackgroundRole:
        if (worst >= 0 && Severity(worst) != Severity::Info)
            return severityBrush(Severity(worst));
        return cellData(row, col, role);
    case Qt::DecorationRole:
        if (worst >= 0)
            return severityIcon(Severity(worst));
        return cellData(row, col, role);
    case Qt::ToolTipRole: {
        const QString own = cellData(row, col, role).toString();
        if (messages.isEmpty())
            return own.isEmpty() ? QVariant() : QVariant(own);
        return QString((own.isEmpty() ? QString() : own + QStringLiteral("\n\n")) + messages.join(QLatin1Char('\n')));
    }
    case Qt::StatusTipRole:
        return messages.isEmpty() ? QVariant() : QVariant(messages.constFirst());
    case PlaceholderRole:
        switch (column(col).editor) {
        case EditorKind::Size:
            return QStringLiteral("64M");
        case EditorKind::Address:
            return QStringLiteral("0x40000000");
        default:
            return cellData(row, col, role);
        }
    default:
        return cellData(row, col, role);
    }
}

Qt::ItemFlags PlatformTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    switch (column(index.column()).editor) {
    case EditorKind::None:
        break;
    case EditorKind::Check:
        f |= Qt::ItemIsUserCheckable;
        break;
    default:
        f |= Qt::ItemIsEditable;
        break;
    }
    return f;
}

QVariant PlatformTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && section >= 0 && section < int(m_columns.size())) {
        if (role == Qt::DisplayRole)
            return column(section).title;
        if (role == Qt::ToolTipRole && !column(section).tip.isEmpty())
            return column(section).tip;
        if (role == FieldRole)
            return column(section).field;
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

QString PlatformTableModel::reject(const QModelIndex& index, const QString& reason)
{
    m_lastError = reason;
    Q_EMIT editRejected(index, reason);
    return reason;
}

void PlatformTableModel::commit(const Platform& p, const QString& what)
{
    m_lastError.clear();
    m_doc->editPlatform(p, what);
}

bool PlatformTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const Column& col = column(index.column());
    if (role != Qt::EditRole && !(role == Qt::CheckStateRole && col.editor == EditorKind::Check))
        return false;
    if (col.editor == EditorKind::None) {
        reject(index, tr("%1 is computed and cannot be edited.").arg(col.title));
        return false;
    }
    QVariant v = value;
    if (role == Qt::CheckStateRole)
        v = Qt::CheckState(value.toInt()) == Qt::Checked ? QStringLiteral("yes") : QStringLiteral("no");
    Platform p = platform();
    const QString noun = col.noun.isEmpty() ? col.title.toLower() : col.noun;
    QString what = tr("Change %1 of %2 %3").arg(noun, singular(), itemLabel(index.row()));
    const QString error = assign(p, index.row(), index.column(), v, what);
    if (!error.isEmpty()) {
        reject(index, error);
        return false;
    }
    commit(p, what);
    return true;
}

int PlatformTableModel::addItem(int row)
{
    if (row < 0 || row > itemCount())
        row = itemCount();
    Platform p = platform();
    const QString label = insertFresh(p, row);
    commit(p, tr("Add %1 %2").arg(singular(), label));
    return row;
}

bool PlatformTableModel::removeItem(int row)
{
    if (row < 0 || row >= itemCount()) {
        reject({}, tr("Select the %1 to remove.").arg(singular()));
        return false;
    }
    Platform p = platform();
    const QString label = itemLabel(row);
    eraseItem(p, row);
    commit(p, tr("Remove %1 %2").arg(singular(), label));
    return true;
}

bool PlatformTableModel::moveItem(int row, int delta)
{
    if (!isOrdered()) {
        reject({}, tr("The order of %1s does not matter.").arg(singular()));
        return false;
    }
    if (row < 0 || row >= itemCount() || (delta != -1 && delta != 1)) {
        reject({}, tr("Select the %1 to move.").arg(singular()));
        return false;
    }
    const int to = row + delta;
    if (to < 0 || to >= itemCount()) {
        reject(index(row, 0),
            delta < 0 ? tr("The %1 is already the first.").arg(singular())
                      : tr("The %1 is already the last.").arg(singular()));
        return false;
    }
    Platform p = platform();
    const QString label = itemLabel(row);
    swapItems(p, row, to);
    commit(p, delta < 0 ? tr("Move %1 %2 up").arg(singular(), label) : tr("Move %1 %2 down").arg(singular(), label));
    return true;
}

bool PlatformTableModel::insertRows(int row, int count, const QModelIndex& parent)
{
    if (parent.isValid() || count != 1 || row < 0 || row > itemCount())
        return false;
    return addItem(row) == row;
}

bool PlatformTableModel::removeRows(int row, int count, const QModelIndex& parent)
{
    if (parent.isValid() || count != 1)
        return false;
    return removeItem(row);
}

bool PlatformTableModel::moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
    const QModelIndex& destinationParent, int destinationChild)
{
    if (sourceParent.isValid() || destinationParent.isValid() || count != 1)
        return false;
    // Qt's destination is the row to insert before: one down is sourceRow + 2.
    if (destinationChild == sourceRow - 1)
        return moveItem(sourceRow, -1);
    if (destinationChild == sourceRow + 2)
        return moveItem(sourceRow, +1);
    return false;
}

} // namespace cmascope::views
