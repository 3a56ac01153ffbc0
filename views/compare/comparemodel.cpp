// SPDX-License-Identifier: GPL-2.0-or-later
#include "compare/comparemodel.h"

#include "common/columntitles.h"
#include "platform/cellinput.h"

#include <QColor>
#include <QGuiApplication>
#include <QPalette>

namespace cmascope::views {

namespace {

QString fraction(double v)
{
    return QString::number(v, 'f', 3);
}

} // namespace

CompareModel::CompareModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void CompareModel::setComparison(Comparison comparison)
{
    beginResetModel();
    m_comparison = std::move(comparison);
    endResetModel();
}

int CompareModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_comparison.variants.size());
}

int CompareModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CompareModel::display(const VariantFigures& v, int column) const
{
    const bool base = v.spec.empty();
    const QString none = tr("—");
    switch (column) {
    case VariantColumn:
        return base ? tr("base") : QString::fromStdString(v.spec);
    case RequestsColumn:
        return QString::number(v.requests);
    case FailuresColumn:
        return QString::number(v.failures);
    case PeakUsedColumn:
        return v.hasMetrics ? cellinput::humanSize(v.peakUsedBytes) : none;
    case LargestFreeColumn:
        return v.hasMetrics ? cellinput::humanSize(v.largestFreeEndBytes) : none;
    case MinLargestFreeColumn:
        return v.hasMetrics ? cellinput::humanSize(v.largestFreeMinBytes) : none;
    case FragEndColumn:
        return v.hasMetrics ? fraction(v.fragmentationEnd) : none;
    case FragPeakColumn:
        return v.hasMetrics ? fraction(v.fragmentationPeak) : none;
    case FirstDifferenceColumn:
        if (base)
            return none;
        return v.firstDifference ? QString::number(*v.firstDifference) : tr("none");
    case DifferenceColumn:
        return QString::fromStdString(
            base ? v.description : v.description + (v.firstDifference ? " — " + v.difference : std::string()));
    default:
        return {};
    }
}

QVariant CompareModel::sortKey(const VariantFigures& v, int row, int column) const
{
    const auto metric = [&v](auto value) { return v.hasMetrics ? QVariant(value) : QVariant(-1.0); };
    switch (column) {
    case VariantColumn:
        return row;
    case RequestsColumn:
        return qulonglong(v.requests);
    case FailuresColumn:
        return qulonglong(v.failures);
    case PeakUsedColumn:
        return metric(double(v.peakUsedBytes));
    case LargestFreeColumn:
        return metric(double(v.largestFreeEndBytes));
    case MinLargestFreeColumn:
        return metric(double(v.largestFreeMinBytes));
    case FragEndColumn:
        return metric(v.fragmentationEnd);
    case FragPeakColumn:
        return metric(v.fragmentationPeak);
    case FirstDifferenceColumn:
        return v.firstDifference ? qlonglong(*v.firstDifference) : qlonglong(-1);
    default:
        return display(v, column);
    }
}

QVariant CompareModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const VariantFigures& v = m_comparison.variants[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return display(v, index.column());
    case Qt::ToolTipRole:
        return index.column() == DifferenceColumn || index.column() == VariantColumn
            ? QVariant(QString::fromStdString(v.description + (v.difference.empty() ? "" : "\n" + v.difference)))
            : QVariant();
    case SortRole:
        return sortKey(v, index.row(), index.column());
    case StepRole:
        return v.firstDifference ? int(*v.firstDifference) : -1;
    case VariantRole:
        return index.row();
    case Qt::TextAlignmentRole:
        return index.column() == VariantColumn || index.column() == DifferenceColumn
            ? QVariant()
            : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole: {
        const auto& base = m_comparison.variants.front();
        if (index.column() != FailuresColumn || v.failures == base.failures)
            return {};
        const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
        if (v.failures > base.failures) // more failures: red, fewer: green; readable on light and dark
            return dark ? QColor(0xef, 0x9a, 0x9a) : QColor(0xc6, 0x28, 0x28);
        return dark ? QColor(0xa5, 0xd6, 0xa7) : QColor(0x2e, 0x7d, 0x32);
    }
    default:
        return {};
    }
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const char* const titles[ColumnCount] = { QT_TR_NOOP("Variant"), QT_TR_NOOP("Requests"),
        QT_TR_NOOP("Failures"), QT_TR_NOOP("Peak used"), QT_TR_NOOP("Largest free"), QT_TR_NOOP("Min largest free"),
        QT_TR_NOOP("Frag. end"), QT_TR_NOOP("Frag. peak"), QT_TR_NOOP("First diff."), QT_TR_NOOP("What differs") };
    return columnTitleHeader(*this, titles, section, orientation, role);
}

} // namespace cmascope::views
