// SPDX-License-Identifier: GPL-2.0-or-later
// The Map table of the platform editor: the 2010 map, one rule per row, as "patterns=regions" and as its
// two comma-separated halves.
#pragma once

#include "platform/platformtablemodel.h"

namespace cmascope::views {

using RuleTableBase = PlatformItemTableModel<MapRule, &Platform::rules>;

/// The 2010 map: one rule per row, as "patterns=regions" and as its two comma-separated halves.
class RuleTableModel : public RuleTableBase
{
    Q_OBJECT
public:
    enum ColumnId { Rule, Patterns, Regions, ColumnCount };
    explicit RuleTableModel(Document* document, PlatformDiagnostics* diagnostics = nullptr, QObject* parent = nullptr);
    QString collection() const override { return QStringLiteral("rules"); }
    QString singular() const override { return tr("rule"); }
    bool isOrdered() const override { return true; }

protected:
    /// A rule's label is its text, "video/a=b1,b2".
    QString labelOf(const MapRule& rule) const override;
    QVariant cellData(int row, int column, int role) const override;
    QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const override;
    QString insertFresh(Platform& p, int row) const override;
};

} // namespace cmascope::views
