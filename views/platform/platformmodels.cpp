// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/platformmodels.h"

#include "common/document.h"
#include "common/textformat.h"

#include <cmascope/model/maplang.h>
#include <cmascope/plan/placement.h>
#include <cmascope/util/memparse.h>
#include <cmascope/util/units.h>

#include <QApplication>
#include <QBrush>
#include <QColor>
#include <QCoreApplication>
#include <QIcon>
#include <QPalette>
#include <QRegularExpression>
#include <QStyle>

#include <algorithm>
#include <limits>
#include <set>

namespace cmascope::views {

namespace {

QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string ss(const QString& s)
{
    return s.toStdString();
}

QString quoted(const QString& s)
{
    return QStringLiteral("“%1”").arg(s);
}

/// "region1", "region2", ...: the first name of that form no item uses.
template <typename T> std::string uniqueName(const std::vector<T>& items, const std::string& prefix)
{
    for (int n = 1;; ++n) {
        std::string name = prefix + std::to_string(n);
        if (std::none_of(items.begin(), items.end(), [&](const T& t) { return t.name == name; }))
            return name;
    }
}

QString joinNames(const std::vector<std::string>& names, const QString& sep = QStringLiteral(", "))
{
    QStringList list;
    for (const auto& n : names)
        list << qs(n);
    return list.join(sep);
}

QIcon severityIcon(Severity s)
{
    if (!qobject_cast<QApplication*>(QCoreApplication::instance()))
        return {};
    QStyle* style = QApplication::style();
    switch (s) {
    case Severity::Error:
        return style->standardIcon(QStyle::SP_MessageBoxCritical);
    case Severity::Warning:
        return style->standardIcon(QStyle::SP_MessageBoxWarning);
    case Severity::Info:
        return style->standardIcon(QStyle::SP_MessageBoxInformation);
    }
    return {};
}

/// Translucent tints: readable over light and dark bases alike.
QBrush severityBrush(Severity s)
{
    switch (s) {
    case Severity::Error:
        return QColor(230, 40, 40, 90);
    case Severity::Warning:
        return QColor(235, 170, 0, 80);
    case Severity::Info:
        return {};
    }
    return {};
}

QBrush mutedBrush()
{
    return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
}

/// Checks a new name for an item: not empty, no map-language separators, not taken by another item.
template <typename T>
QString checkName(const QString& text, const std::vector<T>& items, int row, const QString& what,
    const QString& forbidden = QStringLiteral(",;="))
{
    if (text.isEmpty())
        return QCoreApplication::translate("PlatformTableModel", "A %1 needs a name.").arg(what);
    for (const QChar c : text) {
        if (c.isSpace() || forbidden.contains(c)) {
            return QCoreApplication::translate("PlatformTableModel", "A %1 name cannot contain %2 (%3).")
                .arg(what, c.isSpace() ? QStringLiteral("blanks") : quoted(c), quoted(text));
        }
    }
    const std::string name = ss(text);
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (int(i) != row && items[i].name == name)
            return QCoreApplication::translate("PlatformTableModel", "There is already a %1 named %2.")
                .arg(what, quoted(text));
    }
    return {};
}

/// Renames the device part ("dev" of "dev/kind") or the kind part of map patterns equal to @p from.
void renameInPatterns(Platform& p, const std::string& from, const std::string& to, bool kindPart)
{
    for (MapRule& rule : p.rules) {
        for (std::string& pattern : rule.patterns) {
            const auto slash = pattern.find('/');
            if (kindPart) {
                if (slash != std::string::npos && pattern.substr(slash + 1) == from)
                    pattern = pattern.substr(0, slash + 1) + to;
            } else if (pattern.substr(0, slash) == from) {
                pattern = to + (slash == std::string::npos ? std::string() : pattern.substr(slash));
            }
        }
    }
}

constexpr int kMaxNumaNode = 1023;

} // namespace

// ---- cell input ----------------------------------------------------------------------------------------

namespace cellinput {

namespace {
std::optional<quint64> parseMem(
    const QString& text, QString* error, bool emptyIsZero, const QString& what, const QString& example)
{
    const QString t = text.trimmed();
    if (t.isEmpty()) {
        if (emptyIsZero)
            return 0;
        if (error)
            *error = QCoreApplication::translate("cellinput", "Enter %1, e.g. %2.").arg(what, example);
        return std::nullopt;
    }
    const std::string s = ss(t);
    const MemparseResult r = memparse(s);
    if (r.overflow) {
        if (error)
            *error = QCoreApplication::translate("cellinput", "%1 does not fit in 64 bits.").arg(quoted(t));
        return std::nullopt;
    }
    if (!r.digits || r.end != s.size()) {
        if (error) {
            *error = QCoreApplication::translate("cellinput",
                "%1 is not %2: unexpected %3. Use the kernel's memparse syntax: a decimal or 0x hex number with "
                "an optional K, M, G, T, P or E suffix (64M, 0x40000000, 1536K).")
                         .arg(quoted(t), what, quoted(qs(nearText(s, r.digits ? r.end : 0, 12))));
        }
        return std::nullopt;
    }
    return r.value;
}
} // namespace

std::optional<quint64> parseSize(const QString& text, QString* error, bool emptyIsZero)
{
    return parseMem(
        text, error, emptyIsZero, QCoreApplication::translate("cellinput", "a size"), QStringLiteral("64M"));
}

std::optional<quint64> parseAddress(const QString& text, QString* error, bool emptyIsZero)
{
    return parseMem(
        text, error, emptyIsZero, QCoreApplication::translate("cellinput", "an address"), QStringLiteral("0x40000000"));
}

std::optional<bool> parseBool(const QString& text, QString* error)
{
    const QString t = text.trimmed().toLower();
    static const QStringList yes { QStringLiteral("yes"), QStringLiteral("y"), QStringLiteral("true"),
        QStringLiteral("on"), QStringLiteral("1"), QStringLiteral("x"), QStringLiteral("checked") };
    static const QStringList no { QStringLiteral("no"), QStringLiteral("n"), QStringLiteral("false"),
        QStringLiteral("off"), QStringLiteral("0"), QString(), QStringLiteral("unchecked") };
    if (yes.contains(t))
        return true;
    if (no.contains(t))
        return false;
    if (error)
        *error = QCoreApplication::translate("cellinput", "%1 is not yes or no (also true/false, on/off, 1/0).")
                     .arg(quoted(text.trimmed()));
    return std::nullopt;
}

std::optional<PolicyKind> parsePolicy(const QString& text, QString* error)
{
    const QString t = text.trimmed();
    if (auto k = policyFromId(ss(t.toLower())))
        return k;
    QStringList ids;
    for (PolicyKind k : allPolicies()) {
        if (t.compare(qs(policyDisplayName(k)), Qt::CaseInsensitive) == 0)
            return k;
        ids << qs(policyId(k));
    }
    if (error)
        *error = QCoreApplication::translate("cellinput", "%1 is not a policy; use one of %2.")
                     .arg(quoted(t), ids.join(QStringLiteral(", ")));
    return std::nullopt;
}

std::optional<int> parseInt(const QString& text, int min, int max, QString* error, std::optional<int> noneValue)
{
    const QString t = text.trimmed();
    if (noneValue && (t.isEmpty() || t.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0))
        return *noneValue;
    bool ok = false;
    const int v = t.toInt(&ok, 0);
    if (!ok || v < min || v > max) {
        if (error) {
            *error = QCoreApplication::translate("cellinput", "%1 is not a whole number from %2 to %3%4.")
                         .arg(quoted(t))
                         .arg(min)
                         .arg(max)
                         .arg(noneValue ? QCoreApplication::translate("cellinput", " (or “none”)") : QString());
        }
        return std::nullopt;
    }
    return v;
}

std::optional<std::uint32_t> parsePageSize(const QString& text, QString* error)
{
    QString why;
    const auto v = parseSize(text, &why);
    if (v && (*v == 4 * KiB || *v == 16 * KiB || *v == 64 * KiB))
        return std::uint32_t(*v);
    if (error)
        *error = v ? QCoreApplication::translate("cellinput", "A page size is 4K, 16K or 64K, not %1.")
                         .arg(quoted(text.trimmed()))
                   : why;
    return std::nullopt;
}

std::optional<std::vector<std::string>> parseNameList(const QString& text, QString* error)
{
    std::vector<std::string> out;
    const QString t = text.trimmed();
    if (t.isEmpty())
        return out;
    for (const QString& part : t.split(QLatin1Char(','))) {
        const QString name = part.trimmed();
        if (name.isEmpty()) {
            if (error)
                *error =
                    QCoreApplication::translate("cellinput", "%1 has an empty name between commas.").arg(quoted(t));
            return std::nullopt;
        }
        out.push_back(ss(name));
    }
    return out;
}

QString sizeInput(quint64 bytes)
{
    return qs(formatSize(bytes));
}

QString addressText(quint64 address)
{
    return hexString(address);
}

QString humanSize(quint64 bytes)
{
    return sizeString(bytes);
}

QString traceTimeText(quint64 ns)
{
    return QStringLiteral("%1.%2").arg(ns / 1000000000ull).arg((ns / 1000ull) % 1000000ull, 6, 10, QLatin1Char('0'));
}

QString regionTypeText(RegionType type)
{
    return type == RegionType::Cma ? QStringLiteral("cma") : QStringLiteral("carve-out");
}

QString placementText(Placement placement)
{
    return placement == Placement::Fixed ? QStringLiteral("fixed") : QStringLiteral("dynamic");
}

} // namespace cellinput

using namespace cellinput;

// ---- diagnostics ---------------------------------------------------------------------------------------

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

// ---- common table ---------------------------------------------------------------------------------------

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

template <typename T> void PlatformTableModel::syncVector(std::vector<T>& shown, const std::vector<T>& now)
{
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

// ---- banks ---------------------------------------------------------------------------------------------

BankTableModel::BankTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent)
    : PlatformTableModel(document, diagnostics, parent)
{
    setColumns({
        { tr("Name"), QStringLiteral("name"), EditorKind::Text, tr("Name of the memory bank") },
        { tr("Base"), QStringLiteral("base"), EditorKind::Address, tr("Physical start address (0x hex)") },
        { tr("Size"), QStringLiteral("size"), EditorKind::Size, tr("Size in memparse syntax (256M, 1G)") },
        { tr("NUMA node"), QStringLiteral("numaNode"), EditorKind::Integer, tr("NUMA node of the bank"),
            tr("NUMA node") },
    });
    initialize();
}

int BankTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString BankTableModel::itemLabel(int row) const
{
    return row >= 0 && row < itemCount() ? qs(m_shown[std::size_t(row)].name) : QString();
}

int BankTableModel::columnForField(int, const QString& field) const
{
    if (field.isEmpty() || field == QLatin1String("base"))
        return Base;
    if (field == QLatin1String("name"))
        return Name;
    if (field == QLatin1String("size"))
        return Size;
    if (field == QLatin1String("numaNode"))
        return NumaNode;
    return -1;
}

QVariant BankTableModel::cellData(int row, int column, int role) const
{
    const Bank& b = m_shown[std::size_t(row)];
    const bool text = role == Qt::DisplayRole || role == Qt::EditRole;
    switch (column) {
    case Name:
        return text ? QVariant(qs(b.name)) : QVariant();
    case Base:
        if (text)
            return addressText(b.base);
        if (role == Qt::ToolTipRole)
            return tr("[%1, %2)").arg(addressText(b.base), addressText(b.base + b.size));
        break;
    case Size:
        if (role == Qt::DisplayRole)
            return humanSize(b.size);
        if (role == Qt::EditRole)
            return sizeInput(b.size);
        if (role == Qt::ToolTipRole)
            return tr("%1 (%2 bytes)").arg(humanSize(b.size), addressText(b.size));
        break;
    case NumaNode:
        if (role == Qt::DisplayRole)
            return QString::number(b.numaNode);
        if (role == Qt::EditRole)
            return b.numaNode;
        if (role == MinimumRole)
            return 0;
        if (role == MaximumRole)
            return kMaxNumaNode;
        break;
    default:
        break;
    }
    if (role == Qt::TextAlignmentRole && column != Name)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QString BankTableModel::assign(Platform& p, int row, int column, const QVariant& value, QString& what) const
{
    Bank& b = p.banks[std::size_t(row)];
    const QString text = value.toString();
    QString error;
    switch (column) {
    case Name: {
        const QString name = text.trimmed();
        error = checkName(name, p.banks, row, singular());
        if (error.isEmpty()) {
            what = tr("Rename bank %1 to %2").arg(qs(b.name), name);
            b.name = ss(name);
        }
        return error;
    }
    case Base:
        if (auto v = parseAddress(text, &error))
            b.base = *v;
        return error;
    case Size:
        if (auto v = parseSize(text, &error))
            b.size = *v;
        return error;
    case NumaNode:
        if (auto v = parseInt(text, 0, kMaxNumaNode, &error))
            b.numaNode = *v;
        return error;
    default:
        return tr("This column cannot be edited.");
    }
}

QString BankTableModel::insertFresh(Platform& p, int row) const
{
    Bank b;
    b.name = uniqueName(p.banks, "bank");
    std::uint64_t end = 0;
    for (const Bank& other : p.banks)
        end = std::max(end, rangeEnd(other.base, other.size).value_or(kU64Max));
    // After the last bank, on a 256 MiB boundary; at 0x80000000 when there is no room left up there.
    const auto after = alignUp(end, 256 * MiB);
    b.base = p.banks.empty() || !after || !rangeEnd(*after, 256 * MiB) ? 0x80000000 : *after;
    b.size = 256 * MiB;
    p.banks.insert(p.banks.begin() + row, b);
    return qs(b.name);
}

void BankTableModel::eraseItem(Platform& p, int row) const
{
    p.banks.erase(p.banks.begin() + row);
}

void BankTableModel::swapItems(Platform& p, int a, int b) const
{
    std::swap(p.banks[std::size_t(a)], p.banks[std::size_t(b)]);
}

void BankTableModel::syncRows()
{
    syncVector(m_shown, platform().banks);
}

// ---- regions -------------------------------------------------------------------------------------------

RegionTableModel::RegionTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent)
    : PlatformTableModel(document, diagnostics, parent)
{
    setColumns({
        { tr("Name"), QStringLiteral("name"), EditorKind::Text, tr("Name used by map rules and memory-region") },
        { tr("Type"), QStringLiteral("type"), EditorKind::Choice,
            tr("cma: allocatable; carve-out: reserved, not allocatable (no-map)") },
        { tr("Size"), QStringLiteral("size"), EditorKind::Size,
            tr("Size in memparse syntax (64M); 0 = nothing reserved, requests fall back") },
        { tr("Placement"), QStringLiteral("placement"), EditorKind::Choice,
            tr("fixed: at Start exactly; dynamic: placed top-down at boot") },
        { tr("Start"), QStringLiteral("start"), EditorKind::Address,
            tr("Fixed placement: the physical start (typing an address makes the region fixed)") },
        { tr("Alignment"), QStringLiteral("alignment"), EditorKind::Size,
            tr("Requested alignment; empty = default (page size, raised to the CMA minimum)") },
        { tr("Limit"), QStringLiteral("limit"), EditorKind::Address,
            tr("Dynamic placement: highest end address; empty = none") },
        { tr("Page size"), QStringLiteral("pageSize"), EditorKind::Choice, tr("4K, 16K or 64K") },
        { tr("Policy"), QStringLiteral("policy"), EditorKind::Choice, tr("Allocation policy simulated") },
        { tr("Order/bit"), QStringLiteral("orderPerBit"), EditorKind::Integer,
            tr("Kernel policy: one bitmap bit covers 2^order_per_bit pages"), tr("order per bit") },
        { tr("Default"), QStringLiteral("isDefault"), EditorKind::Check,
            tr("The global default CMA area (linux,cma-default)"), tr("default flag") },
        { tr("Asterisk"), QStringLiteral("asterisk"), EditorKind::Check,
            tr("2010 v3: used by devices no map rule matches"), tr("asterisk flag") },
        { tr("Private to"), QStringLiteral("privateTo"), EditorKind::Choice,
            tr("Only this device may allocate here (empty = shared)"), tr("owner") },
        { tr("NUMA node"), QStringLiteral("numaNode"), EditorKind::Integer,
            tr("Per-NUMA area of this node (none = not a per-node area)"), tr("NUMA node") },
        { tr("Placed at"), QStringLiteral("placedBase"), EditorKind::None,
            tr("Where the region is reserved at boot, as the kernel places it") },
    });
    initialize();
}

int RegionTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RegionTableModel::itemLabel(int row) const
{
    return row >= 0 && row < itemCount() ? qs(m_shown[std::size_t(row)].name) : QString();
}

int RegionTableModel::columnForField(int row, const QString& field) const
{
    const auto& regions = platform().regions;
    const bool fixed = row >= 0 && std::size_t(row) < regions.size()
        && regions[std::size_t(row)].placement == cmascope::Placement::Fixed;
    // The item as a whole (overlaps) and its placed base: where its address is shown.
    if (field.isEmpty() || field == QLatin1String("placedBase"))
        return fixed ? Start : PlacedAt;
    static const std::pair<const char*, int> fields[] = { { "name", Name }, { "type", Type }, { "size", Size },
        { "placement", Placement }, { "allocRanges", Placement }, { "start", Start }, { "alignment", Alignment },
        { "limit", Limit }, { "pageSize", PageSize }, { "policy", Policy }, { "params", OrderPerBit },
        { "orderPerBit", OrderPerBit }, { "isDefault", Default }, { "asterisk", Asterisk }, { "privateTo", PrivateTo },
        { "numaNode", NumaNode } };
    for (const auto& [name, c] : fields) {
        if (field == QLatin1String(name))
            return c;
    }
    return -1;
}

QVariant RegionTableModel::cellData(int row, int column, int role) const
{
    const Region& r = m_shown[std::size_t(row)];
    const Platform& pf = platform();
    const bool text = role == Qt::DisplayRole || role == Qt::EditRole;
    const bool fixed = r.placement == cmascope::Placement::Fixed;
    if (role == Qt::TextAlignmentRole) {
        switch (column) {
        case Size:
        case Start:
        case Alignment:
        case Limit:
        case PageSize:
        case OrderPerBit:
        case NumaNode:
        case PlacedAt:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    }
    switch (column) {
    case Name:
        if (text)
            return qs(r.name);
        if (role == Qt::ToolTipRole && !r.label.empty())
            return tr("Device-tree label: %1").arg(qs(r.label));
        break;
    case Type:
        if (text)
            return regionTypeText(r.type);
        if (role == ChoicesRole)
            return QStringList { regionTypeText(RegionType::Cma), regionTypeText(RegionType::Carveout) };
        break;
    case Size:
        if (role == Qt::DisplayRole)
            return humanSize(r.size);
        if (role == Qt::EditRole)
            return sizeInput(r.size);
        if (role == Qt::ToolTipRole)
            return r.size ? tr("%1 (%2 bytes)").arg(humanSize(r.size), addressText(r.size))
                          : tr("0: nothing reserved; requests fall back to the system allocator");
        break;
    case Placement:
        if (text)
            return placementText(r.placement);
        if (role == ChoicesRole)
            return QStringList { placementText(cmascope::Placement::Fixed),
                placementText(cmascope::Placement::Dynamic) };
        if (role == Qt::ToolTipRole && !r.allocRanges.empty()) {
            QStringList ranges;
            for (const auto& a : r.allocRanges)
                ranges << tr("[%1, %2)").arg(addressText(a.base), addressText(a.base + a.size));
            return tr("Alloc-ranges: %1").arg(ranges.join(QStringLiteral(", ")));
        }
        break;
    case Start:
        if (role == Qt::DisplayRole)
            return fixed ? addressText(r.start) : QString();
        if (role == Qt::EditRole)
            return fixed ? addressText(r.start) : QString();
        if (role == Qt::ToolTipRole && !fixed)
            return tr("Dynamic placement: no start. Type an address to fix the region there.");
        break;
    case Alignment:
        if (role == Qt::DisplayRole)
            return r.alignment ? humanSize(r.alignment) : tr("default (%1)").arg(humanSize(effectiveAlignment(pf, r)));
        if (role == Qt::EditRole)
            return r.alignment ? sizeInput(r.alignment) : QString();
        if (role == Qt::ForegroundRole && !r.alignment)
            return mutedBrush();
        if (role == Qt::ToolTipRole)
            return tr("Reserved with alignment %1").arg(humanSize(effectiveAlignment(pf, r)));
        break;
    case Limit:
        if (role == Qt::DisplayRole)
            return r.limit ? addressText(r.limit) : (fixed ? QString() : tr("none"));
        if (role == Qt::EditRole)
            return r.limit ? addressText(r.limit) : QString();
        if (role == Qt::ForegroundRole && (fixed || !r.limit))
            return mutedBrush();
        break;
    case PageSize:
        if (text)
            return sizeInput(r.pageSize);
        if (role == ChoicesRole)
            return QStringList { QStringLiteral("4K"), QStringLiteral("16K"), QStringLiteral("64K") };
        break;
    case Policy:
        if (text)
            return qs(policyId(r.policy));
        if (role == ChoicesRole) {
            QStringList ids;
            for (PolicyKind k : allPolicies())
                ids << qs(policyId(k));
            return ids;
        }
        if (role == Qt::ToolTipRole)
            return qs(policyDisplayName(r.policy));
        break;
    case OrderPerBit:
        if (role == Qt::DisplayRole)
            return QString::number(r.params.orderPerBit);
        if (role == Qt::EditRole)
            return int(r.params.orderPerBit);
        if (role == MinimumRole)
            return 0;
        if (role == MaximumRole)
            return 20;
        if (role == Qt::ForegroundRole && r.policy != PolicyKind::Kernel)
            return mutedBrush();
        break;
    case Default:
        if (role == Qt::CheckStateRole)
            return int(r.isDefault ? Qt::Checked : Qt::Unchecked);
        if (role == Qt::EditRole)
            return r.isDefault ? QStringLiteral("yes") : QStringLiteral("no");
        break;
    case Asterisk:
        if (role == Qt::CheckStateRole)
            return int(r.asterisk ? Qt::Checked : Qt::Unchecked);
        if (role == Qt::EditRole)
            return r.asterisk ? QStringLiteral("yes") : QStringLiteral("no");
        break;
    case PrivateTo:
        if (text)
            return qs(r.privateTo);
        if (role == ChoicesRole) {
            QStringList names { QString() };
            for (const Device& d : pf.devices)
                names << qs(d.name);
            return names;
        }
        break;
    case NumaNode:
        if (role == Qt::DisplayRole)
            return r.numaNode < 0 ? tr("none") : QString::number(r.numaNode);
        if (role == Qt::EditRole)
            return r.numaNode;
        if (role == MinimumRole)
            return -1;
        if (role == MaximumRole)
            return kMaxNumaNode;
        if (role == NoneTextRole)
            return tr("none");
        if (role == Qt::ForegroundRole && r.numaNode < 0)
            return mutedBrush();
        break;
    case PlacedAt: {
        const auto& placed = document()->placedPlatform().regions;
        const auto& placements = document()->placement().regions;
        const Region* pr = std::size_t(row) < placed.size() ? &placed[std::size_t(row)] : nullptr;
        const RegionPlacement* rp = std::size_t(row) < placements.size() ? &placements[std::size_t(row)] : nullptr;
        if (role == Qt::DisplayRole || role == Qt::EditRole) {
            if (pr && pr->placedBase)
                return addressText(*pr->placedBase);
            if (r.size == 0)
                return tr("nothing");
            return rp && !rp->ok ? tr("failed") : QString();
        }
        if (role == Qt::ToolTipRole && rp)
            return qs(rp->message);
        if (role == Qt::ForegroundRole && rp && !rp->ok)
            return QBrush(QColor(0xd0, 0x30, 0x30));
        break;
    }
    default:
        break;
    }
    if (role == Qt::ForegroundRole && ((column == Start && !fixed) || (column == Limit && fixed)))
        return mutedBrush();
    return {};
}

QString RegionTableModel::assign(Platform& p, int row, int column, const QVariant& value, QString& what) const
{
    Region& r = p.regions[std::size_t(row)];
    const QString text = value.toString();
    const QString label = qs(r.name);
    QString error;
    switch (column) {
    case Name: {
        const QString name = text.trimmed();
        error = checkName(name, p.regions, row, singular());
        if (!error.isEmpty())
            return error;
        const std::string from = r.name;
        const std::string to = ss(name);
        what = tr("Rename region %1 to %2").arg(label, name);
        r.name = to;
        // Keep references working: map rules and device memory-region lists name regions.
        for (MapRule& rule : p.rules)
            std::replace(rule.regions.begin(), rule.regions.end(), from, to);
        for (Device& d : p.devices)
            std::replace(d.memoryRegions.begin(), d.memoryRegions.end(), from, to);
        return {};
    }
    case Type: {
        const QString t = text.trimmed().toLower();
        if (t == QLatin1String("cma"))
            r.type = RegionType::Cma;
        else if (t == QLatin1String("carve-out") || t == QLatin1String("carveout") || t == QLatin1String("no-map"))
            r.type = RegionType::Carveout;
        else
            return tr("%1 is not a region type; use cma or carve-out.").arg(quoted(text.trimmed()));
        return {};
    }
    case Size:
        if (auto v = parseSize(text, &error))
            r.size = *v;
        return error;
    case Placement: {
        const QString t = text.trimmed().toLower();
        if (t == QLatin1String("fixed"))
            r.placement = cmascope::Placement::Fixed;
        else if (t == QLatin1String("dynamic"))
            r.placement = cmascope::Placement::Dynamic;
        else
            return tr("%1 is not a placement; use fixed or dynamic.").arg(quoted(text.trimmed()));
        // Fixing a region where it was placed keeps it there: the natural next step after a good boot.
        const auto& placed = document()->placedPlatform().regions;
        if (r.placement == cmascope::Placement::Fixed && r.start == 0 && std::size_t(row) < placed.size()
            && placed[std::size_t(row)].placedBase)
            r.start = *placed[std::size_t(row)].placedBase;
        return {};
    }
    case Start:
        if (auto v = parseAddress(text, &error)) {
            if (r.placement != cmascope::Placement::Fixed)
                what = tr("Fix region %1 at %2").arg(label, addressText(*v));
            r.start = *v;
            r.placement = cmascope::Placement::Fixed;
        }
        return error;
    case Alignment:
        if (auto v = parseSize(text, &error, true)) {
            if (*v & (*v - 1))
                return tr("The alignment %1 is not a power of two.").arg(humanSize(*v));
            r.alignment = *v;
        }
        return error;
    case Limit:
        if (auto v = parseAddress(text, &error, true))
            r.limit = *v;
        return error;
    case PageSize:
        if (auto v = parsePageSize(text, &error))
            r.pageSize = *v;
        return error;
    case Policy:
        if (auto v = parsePolicy(text, &error))
            r.policy = *v;
        return error;
    case OrderPerBit:
        if (auto v = parseInt(text, 0, 20, &error))
            r.params.orderPerBit = unsigned(*v);
        return error;
    case Default:
        if (auto v = parseBool(text, &error)) {
            r.isDefault = *v;
            what = *v ? tr("Make region %1 the default area").arg(label)
                      : tr("Clear default flag of region %1").arg(label);
        }
        return error;
    case Asterisk:
        if (auto v = parseBool(text, &error)) {
            r.asterisk = *v;
            what = *v ? tr("Add region %1 to the asterisk regions").arg(label)
                      : tr("Remove region %1 from the asterisk regions").arg(label);
        }
        return error;
    case PrivateTo:
        r.privateTo = ss(text.trimmed());
        return {};
    case NumaNode:
        if (auto v = parseInt(text, -1, kMaxNumaNode, &error, -1))
            r.numaNode = *v;
        return error;
    default:
        return tr("This column cannot be edited.");
    }
}

namespace {
Region freshRegion(const Platform& p)
{
    Region r;
    r.name = uniqueName(p.regions, "region");
    r.pageSize = p.pageSize;
    // Same policy as the platform's other regions: a 2010 board simulates the 2010 allocator.
    if (!p.regions.empty())
        r.policy = p.regions.front().policy;
    return r;
}
} // namespace

QString RegionTableModel::insertFresh(Platform& p, int row) const
{
    Region r = freshRegion(p);
    r.size = 16 * MiB;
    r.placement = cmascope::Placement::Dynamic;
    p.regions.insert(p.regions.begin() + row, r);
    return qs(r.name);
}

int RegionTableModel::addFixedRegion(quint64 base, quint64 size)
{
    const Platform& pf = platform();
    if (size == 0) {
        reject({}, tr("The range to add a region over is empty."));
        return -1;
    }
    if (size > std::numeric_limits<quint64>::max() - base) {
        reject({}, tr("The range %1 + %2 does not fit in 64 bits.").arg(addressText(base), humanSize(size)));
        return -1;
    }
    Region r = freshRegion(pf);
    r.placement = cmascope::Placement::Fixed;
    const std::uint64_t align = effectiveAlignment(pf, r);
    const std::uint64_t end = base + size;
    const auto aligned = alignUp(base, align);
    const std::uint64_t start = aligned.value_or(end);
    const std::uint64_t last = alignDown(end, align);
    if (!aligned || last <= start) {
        reject({},
            tr("[%1, %2) holds no %3-aligned block: a CMA region on this platform starts and ends on %3 "
               "boundaries.")
                .arg(addressText(base), addressText(end), humanSize(align)));
        return -1;
    }
    r.start = start;
    r.size = last - start;
    Platform p = pf;
    p.regions.push_back(r);
    commit(p, tr("Add region %1 at %2").arg(qs(r.name), addressText(start)));
    return int(p.regions.size()) - 1;
}

void RegionTableModel::eraseItem(Platform& p, int row) const
{
    p.regions.erase(p.regions.begin() + row);
}

void RegionTableModel::swapItems(Platform& p, int a, int b) const
{
    std::swap(p.regions[std::size_t(a)], p.regions[std::size_t(b)]);
}

void RegionTableModel::syncRows()
{
    syncVector(m_shown, platform().regions);
}

// ---- devices -------------------------------------------------------------------------------------------

DeviceTableModel::DeviceTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent)
    : PlatformTableModel(document, diagnostics, parent)
{
    setColumns({
        { tr("Name"), QStringLiteral("name"), EditorKind::Text, tr("Device name as map patterns match it") },
        { tr("NUMA node"), QStringLiteral("numaNode"), EditorKind::Integer, tr("NUMA node of the device"),
            tr("NUMA node") },
        { tr("DMA bits"), QStringLiteral("dmaBits"), EditorKind::Integer,
            tr("Addressing limit: 32 = can reach only below 4 GiB") },
        { tr("Memory regions"), QStringLiteral("memoryRegions"), EditorKind::Text,
            tr("DT memory-region list, comma-separated; the first is the device's own CMA area") },
    });
    initialize();
}

int DeviceTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DeviceTableModel::itemLabel(int row) const
{
    return row >= 0 && row < itemCount() ? qs(m_shown[std::size_t(row)].name) : QString();
}

int DeviceTableModel::columnForField(int, const QString& field) const
{
    if (field.isEmpty() || field == QLatin1String("name"))
        return Name;
    if (field == QLatin1String("numaNode"))
        return NumaNode;
    if (field == QLatin1String("dmaBits"))
        return DmaBits;
    if (field == QLatin1String("memoryRegions") || field == QLatin1String("memoryRegionNames"))
        return MemoryRegions;
    return -1;
}

QVariant DeviceTableModel::cellData(int row, int column, int role) const
{
    const Device& d = m_shown[std::size_t(row)];
    switch (column) {
    case Name:
        if (role == Qt::DisplayRole || role == Qt::EditRole)
            return qs(d.name);
        break;
    case NumaNode:
        if (role == Qt::DisplayRole)
            return QString::number(d.numaNode);
        if (role == Qt::EditRole)
            return d.numaNode;
        if (role == MinimumRole)
            return 0;
        if (role == MaximumRole)
            return kMaxNumaNode;
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case DmaBits:
        if (role == Qt::DisplayRole)
            return QString::number(d.dmaBits);
        if (role == Qt::EditRole)
            return int(d.dmaBits);
        if (role == MinimumRole)
            return 1;
        if (role == MaximumRole)
            return 64;
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case MemoryRegions:
        if (role == Qt::DisplayRole || role == Qt::EditRole)
            return joinNames(d.memoryRegions);
        if (role == Qt::ToolTipRole && !d.memoryRegionNames.empty())
            return tr("memory-region-names: %1").arg(joinNames(d.memoryRegionNames));
        if (role == PlaceholderRole)
            return QStringLiteral("b1, b2");
        break;
    default:
        break;
    }
    return {};
}

QString DeviceTableModel::assign(Platform& p, int row, int column, const QVariant& value, QString& what) const
{
    Device& d = p.devices[std::size_t(row)];
    const QString text = value.toString();
    QString error;
    switch (column) {
    case Name: {
        const QString name = text.trimmed();
        error = checkName(name, p.devices, row, singular(), QStringLiteral(",;=/"));
        if (!error.isEmpty())
            return error;
        const std::string from = d.name;
        const std::string to = ss(name);
        what = tr("Rename device %1 to %2").arg(qs(from), name);
        d.name = to;
        for (Region& r : p.regions) {
            if (r.privateTo == from)
                r.privateTo = to;
        }
        renameInPatterns(p, from, to, false);
        return {};
    }
    case NumaNode:
        if (auto v = parseInt(text, 0, kMaxNumaNode, &error))
            d.numaNode = *v;
        return error;
    case DmaBits:
        if (auto v = parseInt(text, 1, 64, &error))
            d.dmaBits = unsigned(*v);
        return error;
    case MemoryRegions:
        if (auto v = parseNameList(text, &error)) {
            // memory-region-names is parallel to memory-region: keep the name of every region that stays.
            if (!d.memoryRegionNames.empty()) {
                std::vector<std::string> names;
                for (const std::string& region : *v) {
                    const auto it = std::find(d.memoryRegions.begin(), d.memoryRegions.end(), region);
                    const auto i = std::size_t(it - d.memoryRegions.begin());
                    names.push_back(
                        it != d.memoryRegions.end() && i < d.memoryRegionNames.size() ? d.memoryRegionNames[i] : "");
                }
                const bool any = std::any_of(names.begin(), names.end(), [](const auto& n) { return !n.empty(); });
                d.memoryRegionNames = any ? names : std::vector<std::string> {};
            }
            d.memoryRegions = std::move(*v);
        }
        return error;
    default:
        return tr("This column cannot be edited.");
    }
}

QString DeviceTableModel::insertFresh(Platform& p, int row) const
{
    Device d;
    d.name = uniqueName(p.devices, "device");
    p.devices.insert(p.devices.begin() + row, d);
    return qs(d.name);
}

void DeviceTableModel::eraseItem(Platform& p, int row) const
{
    p.devices.erase(p.devices.begin() + row);
}

void DeviceTableModel::swapItems(Platform& p, int a, int b) const
{
    std::swap(p.devices[std::size_t(a)], p.devices[std::size_t(b)]);
}

void DeviceTableModel::syncRows()
{
    syncVector(m_shown, platform().devices);
}

// ---- kinds ---------------------------------------------------------------------------------------------

KindTableModel::KindTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent)
    : PlatformTableModel(document, diagnostics, parent)
{
    setColumns({
        { tr("Name"), QStringLiteral("name"), EditorKind::Text, tr("Kind of memory, the part after '/' in rules") },
        { tr("Description"), QStringLiteral("description"), EditorKind::Text, {} },
    });
    initialize();
}

int KindTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString KindTableModel::itemLabel(int row) const
{
    return row >= 0 && row < itemCount() ? qs(m_shown[std::size_t(row)].name) : QString();
}

int KindTableModel::columnForField(int, const QString& field) const
{
    if (field.isEmpty() || field == QLatin1String("name"))
        return Name;
    if (field == QLatin1String("description"))
        return Description;
    return -1;
}

QVariant KindTableModel::cellData(int row, int column, int role) const
{
    const Kind& k = m_shown[std::size_t(row)];
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
    Kind k;
    k.name = uniqueName(p.kinds, "kind");
    p.kinds.insert(p.kinds.begin() + row, k);
    return qs(k.name);
}

void KindTableModel::eraseItem(Platform& p, int row) const
{
    p.kinds.erase(p.kinds.begin() + row);
}

void KindTableModel::swapItems(Platform& p, int a, int b) const
{
    std::swap(p.kinds[std::size_t(a)], p.kinds[std::size_t(b)]);
}

void KindTableModel::syncRows()
{
    syncVector(m_shown, platform().kinds);
}

// ---- map rules -----------------------------------------------------------------------------------------

RuleTableModel::RuleTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent)
    : PlatformTableModel(document, diagnostics, parent)
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

int RuleTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RuleTableModel::itemLabel(int row) const
{
    return row >= 0 && row < itemCount() ? qs(formatRule(m_shown[std::size_t(row)])) : QString();
}

int RuleTableModel::columnForField(int, const QString& field) const
{
    if (field.isEmpty())
        return Rule;
    if (field == QLatin1String("patterns"))
        return Patterns;
    if (field == QLatin1String("regions"))
        return Regions;
    return -1;
}

QVariant RuleTableModel::cellData(int row, int column, int role) const
{
    const MapRule& rule = m_shown[std::size_t(row)];
    if (role == PlaceholderRole) {
        static const QString examples[] = { QStringLiteral("video/a=b1,b2"), QStringLiteral("video/a,camera"),
            QStringLiteral("b1,b2") };
        return column >= 0 && column < ColumnCount ? examples[column] : QString();
    }
    if (role == Qt::ToolTipRole && column == Rule && platform().mapMode == MapMode::Modern)
        return tr("The platform uses the mainline map mode: the 2010 map rules are not used.");
    if (role == Qt::ForegroundRole && platform().mapMode == MapMode::Modern)
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
    p.rules.insert(p.rules.begin() + row, rule);
    return qs(formatRule(rule));
}

void RuleTableModel::eraseItem(Platform& p, int row) const
{
    p.rules.erase(p.rules.begin() + row);
}

void RuleTableModel::swapItems(Platform& p, int a, int b) const
{
    std::swap(p.rules[std::size_t(a)], p.rules[std::size_t(b)]);
}

void RuleTableModel::syncRows()
{
    syncVector(m_shown, platform().rules);
}

} // namespace cmascope::views
