// SPDX-License-Identifier: GPL-2.0-or-later
// The workload dialog's cell texts (docs/workload.md, "The dialog").
#include "scenario/workloadcells.h"

#include <cmascope/util/memparse.h>

#include <QRegularExpression>
#include <QStringList>

namespace cmascope::views {

namespace {

std::optional<std::uint64_t> number(const QString& text)
{
    bool ok = false;
    const qulonglong v = text.trimmed().toULongLong(&ok);
    return ok ? std::optional<std::uint64_t>(v) : std::nullopt;
}

/// "LO..HI" or "V" (LO = HI = V); each part read by @p read.
template <typename Read> bool readRange(const QString& text, std::uint64_t& lo, std::uint64_t& hi, Read read)
{
    const QStringList parts = text.split(QStringLiteral(".."));
    if (parts.size() > 2)
        return false;
    const auto a = read(parts.front());
    const auto b = read(parts.back());
    if (!a || !b)
        return false;
    lo = *a;
    hi = *b;
    return true;
}

} // namespace

std::optional<std::uint64_t> readSizeCell(const QString& text)
{
    const std::string s = text.trimmed().toStdString();
    if (s.empty())
        return 0;
    const auto r = memparse(s);
    if (!r.ok() || r.end != s.size())
        return std::nullopt;
    return r.value;
}

QString sizeCellText(std::uint64_t bytes)
{
    return bytes ? QString::fromStdString(formatSize(bytes)) : QString();
}

QString sizesCellText(const SizeDistribution& sizes)
{
    if (sizes.kind == SizeDistributionKind::Uniform || sizes.kind == SizeDistributionKind::LogUniform)
        return sizeCellText(sizes.min) + QStringLiteral("..") + sizeCellText(sizes.max);
    QStringList parts;
    for (const WeightedSize& w : sizes.choices)
        parts << (w.weight == 1 ? sizeCellText(w.bytes)
                                : sizeCellText(w.bytes) + QLatin1Char(':') + QString::number(w.weight));
    return parts.join(QLatin1Char(' '));
}

std::optional<QString> readSizesCell(const QString& text, SizeDistribution& sizes)
{
    if (sizes.kind == SizeDistributionKind::Uniform || sizes.kind == SizeDistributionKind::LogUniform) {
        if (!readRange(text, sizes.min, sizes.max, readSizeCell))
            return QObject::tr("'%1' is not a size range such as 16K..1M").arg(text);
        sizes.choices.clear();
        return std::nullopt;
    }
    std::vector<WeightedSize> choices;
    for (const QString& part : text.split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts)) {
        const QStringList sw = part.split(QLatin1Char(':'));
        const auto bytes = readSizeCell(sw.front());
        const auto weight = sw.size() == 2 ? number(sw.back()) : std::optional<std::uint64_t>(1);
        if (sw.size() > 2 || !bytes || !weight)
            return QObject::tr("'%1' is not a size with an optional weight such as 2M:3").arg(part);
        choices.push_back({ *bytes, *weight });
    }
    sizes.choices = std::move(choices);
    sizes.min = sizes.max = 0;
    return std::nullopt;
}

QString lifetimeCellText(const Lifetime& lifetime)
{
    if (lifetime.untilDrain)
        return QStringLiteral("until drain");
    return lifetime.min == lifetime.max ? QString::number(lifetime.min)
                                        : QStringLiteral("%1..%2").arg(lifetime.min).arg(lifetime.max);
}

std::optional<QString> readLifetimeCell(const QString& text, Lifetime& lifetime)
{
    if (text.trimmed().compare(QStringLiteral("until drain"), Qt::CaseInsensitive) == 0) {
        lifetime.untilDrain = true;
        return std::nullopt;
    }
    if (!readRange(text, lifetime.min, lifetime.max, number))
        return QObject::tr("'%1' is not a number of ticks (8), a range (4..12) or \"until drain\"").arg(text);
    lifetime.untilDrain = false;
    return std::nullopt;
}

} // namespace cmascope::views
