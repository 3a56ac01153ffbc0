// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/cellinput.h"

#include "common/textformat.h"
#include "platform/tablesupport.h"

#include <cmascope/trace/tracetime.h>
#include <cmascope/util/memparse.h>
#include <cmascope/util/units.h>

#include <QCoreApplication>
#include <QStringList>

namespace cmascope::views::cellinput {

using namespace tablesupport;

namespace {
/// A size or address in memparse() syntax; @p what and @p example name it in the error.
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
    return QString::fromStdString(cmascope::traceTimeText(ns));
}

QString regionTypeText(RegionType type)
{
    return type == RegionType::Cma ? QStringLiteral("cma") : QStringLiteral("carve-out");
}

QString placementText(Placement placement)
{
    return placement == Placement::Fixed ? QStringLiteral("fixed") : QStringLiteral("dynamic");
}

} // namespace cmascope::views::cellinput
