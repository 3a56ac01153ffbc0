// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/ruletablemodel.h"

#include "platform/tablesupport.h"

#include <cmascope/model/maplang.h>

namespace cmascope::views {

using namespace tablesupport;

RuleTableModel::RuleTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent)
    : RuleTableBase(document, diagnostics, parent)
{
    setColumns({
        { tr("Rule"), QString(), EditorKind::Text,
            tr("The rule in map syntax: patterns=regions, e.g. video/a,camera=b1,b2"), tr("text") },
        { tr("Patterns"), QStringLiteral("patterns"), EditorKind::Text,
            tr("dev, dev/kind or /kind; '?' and a trailing '*' are wildcards; comma-separated") },
        { tr("Regions"), QStringLiteral("regions"), EditorKind::Text,
            tr("Regions tried in order; '*' = the asterisk regions; comma-separated") },
    });
    initialize();
}

QString RuleTableModel::labelOf(const MapRule& rule) const
{
    return qs(formatRule(rule));
}

QVariant RuleTableModel::cellData(int row, int column, int role) const
{
    const MapRule& rule = item(row);
    if (role == PlaceholderRole) {
        static const QString examples[] = { QStringLiteral("video/a=b1,b2"), QStringLiteral("video/a,camera"),
            QStringLiteral("b1,b2") };
        return column >= 0 && column < ColumnCount ? examples[column] : QString();
    }
    if (role == Qt::ToolTipRole && column == Rule && platform().mapMode != MapMode::Map2010)
        return platform().mapMode == MapMode::Modern
            ? tr("The platform uses the mainline map mode: the 2010 map rules are not used.")
            : tr("The platform uses Hans Verkuil's memory types: the 2010 map rules are not used.");
    if (role == Qt::ForegroundRole && platform().mapMode != MapMode::Map2010)
        return mutedBrush();
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (column) {
    case Rule:
        return qs(formatRule(rule));
    case Patterns:
        return joinNames(rule.patterns, QStringLiteral(","));
    case Regions:
        return joinNames(rule.regions, QStringLiteral(","));
    default:
        return {};
    }
}

QString RuleTableModel::assign(Platform& p, int row, int column, const QVariant& value, QString&) const
{
    MapRule& rule = p.rules[std::size_t(row)];
    const QString text = value.toString().trimmed();
    QString ruleText;
    switch (column) {
    case Rule:
        ruleText = text;
        break;
    case Patterns:
        ruleText = text + QLatin1Char('=') + joinNames(rule.regions, QStringLiteral(","));
        break;
    case Regions:
        ruleText = joinNames(rule.patterns, QStringLiteral(",")) + QLatin1Char('=') + text;
        break;
    default:
        return tr("This column cannot be edited.");
    }
    if (text.isEmpty())
        return tr("A rule needs patterns and regions, e.g. video/a=b1,b2.");
    if (text.contains(QLatin1Char(';')))
        return tr("One rule per row: %1 contains ';'. Add a rule for each part.").arg(quoted(text));
    const MapParseResult parsed = parseMap(ss(ruleText));
    if (!parsed.ok())
        return tr("%1 is not a valid rule: %2").arg(quoted(ruleText), qs(parsed.errors.front().message));
    if (parsed.rules.size() != 1)
        return tr("%1 is not one rule.").arg(quoted(ruleText));
    rule = parsed.rules.front();
    return {};
}

QString RuleTableModel::insertFresh(Platform& p, int row) const
{
    // A device no rule names yet, sent to the first allocatable region: a useful start to edit.
    MapRule rule;
    std::string device = "device";
    for (const Device& d : p.devices) {
        bool named = false;
        for (const MapRule& r : p.rules) {
            for (const std::string& pattern : r.patterns)
                named = named || pattern.substr(0, pattern.find('/')) == d.name;
        }
        if (!named) {
            device = d.name;
            break;
        }
    }
    rule.patterns = { device };
    rule.regions = { "*" };
    for (const Region& r : p.regions) {
        if (r.type == RegionType::Cma) {
            rule.regions = { r.name };
            break;
        }
    }
    return insertItem(p, row, rule);
}

} // namespace cmascope::views
