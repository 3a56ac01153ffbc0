// SPDX-License-Identifier: GPL-2.0-or-later
// The Kinds table of the platform editor: the kinds of memory a device asks for (the part after '/' in map
// rules), with a description.
#pragma once

#include "platform/platformtablemodel.h"

namespace cmascope::views {

using KindTableBase = PlatformItemTableModel<Kind, &Platform::kinds>;

class KindTableModel : public KindTableBase
{
    Q_OBJECT
public:
    enum ColumnId { Name, Description, ColumnCount };
    explicit KindTableModel(Document* document, PlatformDiagnostics* diagnostics = nullptr, QObject* parent = nullptr);
    QString collection() const override { return QStringLiteral("kinds"); }
    QString singular() const override { return tr("kind"); }

protected:
    QVariant cellData(int row, int column, int role) const override;
    QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const override;
    QString insertFresh(Platform& p, int row) const override;
};

} // namespace cmascope::views
