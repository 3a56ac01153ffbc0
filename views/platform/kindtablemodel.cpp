// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/kindtablemodel.h"

#include "platform/tablesupport.h"

namespace cmascope::views {

using namespace tablesupport;

KindTableModel::KindTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent)
    : KindTableBase(document, diagnostics, parent)
{
    setColumns({
        { tr("Name"), QStringLiteral("name"), EditorKind::Text, tr("Kind of memory, the part after '/' in rules") },
        { tr("Description"), QStringLiteral("description"), EditorKind::Text, {} },
    });
    initialize();
}

QVariant KindTableModel::cellData(int row, int column, int role) const
{
    const Kind& k = item(row);
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    return column == Name ? qs(k.name) : qs(k.description);
}

QString KindTableModel::assign(Platform& p, int row, int column, const QVariant& value, QString& what) const
{
    Kind& k = p.kinds[std::size_t(row)];
    const QString text = value.toString();
    if (column == Description) {
        k.description = ss(text.trimmed());
        return {};
    }
    const QString name = text.trimmed();
    // '*' and '?' would be wildcards in a v1 map pattern.
    const QString error = checkName(name, p.kinds, row, singular(), QStringLiteral(",;=/*?"));
    if (!error.isEmpty())
        return error;
    what = tr("Rename kind %1 to %2").arg(qs(k.name), name);
    renameInPatterns(p, k.name, ss(name), true);
    k.name = ss(name);
    return {};
}

QString KindTableModel::insertFresh(Platform& p, int row) const
{
    return insertNamed(p, row, Kind {}, "kind");
}

} // namespace cmascope::views
