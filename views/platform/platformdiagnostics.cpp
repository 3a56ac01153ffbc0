// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/platformdiagnostics.h"

#include "common/document.h"
#include "platform/tablesupport.h"

#include <cmascope/plan/placement.h>

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <set>

namespace cmascope::views {

using namespace tablesupport;

PlatformDiagnostics::PlatformDiagnostics(Document* document, QObject* parent)
    : QAbstractListModel(parent)
    , m_doc(document)
{
    connect(m_doc, &Document::projectChanged, this, &PlatformDiagnostics::refresh);
    refresh();
}

std::optional<PlatformDiagnostics::Target> PlatformDiagnostics::parsePath(std::string_view path)
{
    static const QRegularExpression re(QStringLiteral(R"(^([A-Za-z]+)\[(\d+)\](?:\.([A-Za-z]+)(?:\[\d+\])?)?)"));
    const auto m = re.match(qs(path));
    if (!m.hasMatch())
        return std::nullopt;
    bool ok = false;
    const int row = m.captured(2).toInt(&ok);
    if (!ok)
        return std::nullopt;
    return Target { m.captured(1), row, m.captured(3) };
}

void PlatformDiagnostics::refresh()
{
    beginResetModel();
    m_entries.clear();
    const Platform& placed = m_doc->placedPlatform();
    std::vector<Diagnostic> diags = validate(placed);

    // Placement failures the checks do not already explain (e.g. "no room left below the limit").
    std::set<int> regionsWithErrors;
    for (const Diagnostic& d : diags) {
        const auto t = parsePath(d.path);
        if (d.severity == Severity::Error && t && t->collection == QLatin1String("regions"))
            regionsWithErrors.insert(t->row);
    }
    for (const RegionPlacement& rp : m_doc->placement().regions) {
        if (!rp.ok && !regionsWithErrors.count(int(rp.regionIndex))) {
            diags.push_back(Diagnostic { Severity::Error, "regions[" + std::to_string(rp.regionIndex) + "].placedBase",
                rp.name, rp.message, "placement" });
        }
    }
    std::stable_sort(diags.begin(), diags.end(),
        [](const Diagnostic& a, const Diagnostic& b) { return int(a.severity) < int(b.severity); });

    static const QRegularExpression pathRe(QStringLiteral(R"(\b(banks|regions|devices|kinds|rules)\[(\d+)\])"));
    static const QRegularExpression overlapRe(QStringLiteral(R"(overlaps (region|bank) '([^']*)')"));
    for (Diagnostic& d : diags) {
        Entry e;
        const auto primary = parsePath(d.path);
        if (primary)
            e.targets.push_back(*primary);
        const QString message = qs(d.message);
        if (primary) {
            // Other items the message names: "used twice (regions[0] and regions[2])", "overlaps region 'b1'".
            for (auto it = pathRe.globalMatch(message); it.hasNext();) {
                const auto m = it.next();
                const Target t { m.captured(1), m.captured(2).toInt(), primary->field };
                if (t.collection == primary->collection
                    && std::find(e.targets.begin(), e.targets.end(), t) == e.targets.end())
                    e.targets.push_back(t);
            }
            for (auto it = overlapRe.globalMatch(message); it.hasNext();) {
                const auto m = it.next();
                const std::string name = ss(m.captured(2));
                int row = -1;
                if (m.captured(1) == QLatin1String("region")) {
                    for (std::size_t i = 0; i < placed.regions.size() && row < 0; ++i)
                        row = placed.regions[i].name == name ? int(i) : -1;
                    if (row >= 0)
                        e.targets.push_back(Target { QStringLiteral("regions"), row, primary->field });
                } else {
                    for (std::size_t i = 0; i < placed.banks.size() && row < 0; ++i)
                        row = placed.banks[i].name == name ? int(i) : -1;
                    if (row >= 0)
                        e.targets.push_back(Target { QStringLiteral("banks"), row, primary->field });
                }
            }
        }
        e.diagnostic = std::move(d);
        m_entries.push_back(std::move(e));
    }
    endResetModel();
    Q_EMIT refreshed();
}

int PlatformDiagnostics::count(Severity severity) const
{
    return int(std::count_if(
        m_entries.begin(), m_entries.end(), [&](const Entry& e) { return e.diagnostic.severity == severity; }));
}

QString PlatformDiagnostics::summary() const
{
    if (m_entries.empty())
        return tr("No problems");
    QStringList parts;
    if (const int n = count(Severity::Error))
        parts << (n == 1 ? tr("1 error") : tr("%1 errors").arg(n));
    if (const int n = count(Severity::Warning))
        parts << (n == 1 ? tr("1 warning") : tr("%1 warnings").arg(n));
    if (const int n = count(Severity::Info))
        parts << (n == 1 ? tr("1 note") : tr("%1 notes").arg(n));
    return parts.join(QStringLiteral(", "));
}

int PlatformDiagnostics::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant PlatformDiagnostics::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Diagnostic& d = m_entries[std::size_t(index.row())].diagnostic;
    switch (role) {
    case Qt::DisplayRole:
        return qs(d.message);
    case Qt::ToolTipRole:
        return tr("%1 at %2 (check %3)").arg(qs(severityName(d.severity)), qs(d.path), qs(d.check));
    case Qt::DecorationRole:
        return severityIcon(d.severity);
    case PathRole:
        return qs(d.path);
    case SeverityRole:
        return int(d.severity);
    case CheckRole:
        return qs(d.check);
    case ItemRole:
        return qs(d.item);
    default:
        return {};
    }
}

} // namespace cmascope::views
