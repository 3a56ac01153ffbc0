// SPDX-License-Identifier: GPL-2.0-or-later
#include "steptablemodel.h"

#include "document.h"
#include "platformmodels.h"

#include <QBrush>
#include <QGuiApplication>
#include <QPalette>

#include <bit>

namespace cmascope::views {

namespace {
QString fromView(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString sizeText(std::uint64_t bytes)
{
    if (bytes >= MiB && bytes % (MiB / 16) == 0)
        return QStringLiteral("%1 MiB").arg(double(bytes) / double(MiB));
    if (bytes >= KiB && bytes % KiB == 0)
        return QStringLiteral("%1 KiB").arg(bytes / KiB);
    return QStringLiteral("%1 B").arg(bytes);
}
} // namespace

StepTableModel::StepTableModel(Document* document, QObject* parent)
    : QAbstractTableModel(parent)
    , m_doc(document)
{
    connect(m_doc, &Document::runStarted, this, &StepTableModel::reset);
    connect(m_doc, &Document::runFinished, this, &StepTableModel::reset);
    reset();
}

void StepTableModel::reset()
{
    beginResetModel();
    m_rows = m_doc->simulation() ? int(m_doc->simulation()->stepCount()) : 0;
    endResetModel();
}

int StepTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int StepTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StepTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StepColumn:
        return tr("Step");
    case TimeColumn:
        return tr("Time (s)");
    case DeviceColumn:
        return tr("Device");
    case KindColumn:
        return tr("Kind");
    case SizeColumn:
        return tr("Size");
    case AlignColumn:
        return tr("Alignment");
    case RegionColumn:
        return tr("Region");
    case AddressColumn:
        return tr("Address / PFN");
    case OutcomeColumn:
        return tr("Outcome");
    case LabelColumn:
        return tr("Label");
    default:
        return {};
    }
}

int StepTableModel::rowForChunk(quint32 chunk) const
{
    const Simulation* sim = m_doc->simulation();
    if (!sim || chunk >= sim->chunks().size())
        return -1;
    return int(sim->chunks()[chunk].bornStep);
}

QVariant StepTableModel::data(const QModelIndex& index, int role) const
{
    const Simulation* sim = m_doc->simulation();
    if (!sim || !index.isValid() || index.row() >= m_rows)
        return {};
    const std::size_t row = std::size_t(index.row());
    const StepRecord& rec = sim->records()[row];
    const Step& step = sim->scenario().steps[row];
    const auto& symbols = sim->scenario().symbols;
    const Platform& pf = sim->platform();
    const Region* region = rec.region < pf.regions.size() ? &pf.regions[rec.region] : nullptr;
    const bool request =
        step.type == StepType::Allocate || step.type == StepType::Place || step.type == StepType::Refused;

    switch (role) {
    case FailedRole:
        return rec.outcome == Outcome::Failed;
    case ChunkRole:
        return quint32(rec.chunk);
    case StepTypeRole:
        return int(step.type);
    case OutcomeRole:
        return int(rec.outcome);
    case Qt::ForegroundRole:
        if (rec.outcome == Outcome::Failed || rec.outcome == Outcome::FreeUnknown)
            return QBrush(QColor(0xd0, 0x30, 0x30));
        if (step.type == StepType::Phase)
            return QGuiApplication::palette().brush(QPalette::Link);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == StepColumn || index.column() == TimeColumn || index.column() == SizeColumn
            || index.column() == AddressColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        break;
    }
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};

    const std::uint64_t pageSize = region ? (region->pageSize ? region->pageSize : pf.pageSize) : pf.pageSize;
    switch (index.column()) {
    case StepColumn:
        return role == SortRole ? QVariant(qulonglong(row)) : QVariant(QString::number(row));
    case TimeColumn: {
        // Kernel traces carry times (ns since boot, printed like ftrace: seconds with microseconds).
        const auto& times = sim->scenario().timesNs;
        if (row >= times.size())
            return role == SortRole ? QVariant(qulonglong(row)) : QVariant(QString());
        if (role == SortRole)
            return qulonglong(times[row]);
        return cellinput::traceTimeText(times[row]);
    }
    case DeviceColumn:
        return request ? fromView(symbols.name(step.device)) : QString();
    case KindColumn:
        return step.type == StepType::Allocate ? fromView(symbols.name(step.kind)) : QString();
    case SizeColumn: {
        std::uint64_t bytes = 0;
        if (step.type == StepType::Allocate)
            bytes = step.size;
        else if (step.type != StepType::Phase && step.type != StepType::Reset)
            bytes = (step.type == StepType::Free ? rec.pages : step.size) * pageSize;
        if (role == SortRole)
            return qulonglong(bytes);
        return bytes ? sizeText(bytes) : QString();
    }
    case AlignColumn:
        if (step.type == StepType::Refused) // a page order from the trace
            return role == SortRole ? QVariant(int(step.alignLog2 + std::countr_zero(pageSize)))
                                    : QVariant(sizeText(pageSize << step.alignLog2));
        if (step.type != StepType::Allocate || step.alignLog2 == kDefaultAlign)
            return role == SortRole ? QVariant(0) : QVariant(QString());
        return role == SortRole ? QVariant(int(step.alignLog2))
                                : QVariant(sizeText(std::uint64_t(1) << step.alignLog2));
    case RegionColumn:
        return region ? QString::fromStdString(region->name) : QString();
    case AddressColumn: {
        if (!region || !region->placedBase || rec.pages == 0 || rec.outcome == Outcome::Failed
            || rec.outcome == Outcome::AllocatedFallback)
            return role == SortRole ? QVariant(qulonglong(0)) : QVariant(QString());
        const std::uint64_t addr = *region->placedBase + std::uint64_t(rec.offset) * pageSize;
        if (role == SortRole)
            return qulonglong(addr);
        return QStringLiteral("0x%1 / pfn 0x%2").arg(addr, 0, 16).arg(addr / pageSize, 0, 16);
    }
    case OutcomeColumn: {
        QString text = fromView(outcomeName(rec.outcome));
        if (rec.outcome == Outcome::Failed && rec.refusal != Refusal::None)
            text += QStringLiteral(" (%1)").arg(fromView(refusalName(rec.refusal)));
        if (rec.busyRetries)
            text += tr(", %n busy retries", nullptr, int(rec.busyRetries));
        return text;
    }
    case LabelColumn:
        return fromView(symbols.name(step.label));
    default:
        return {};
    }
}

StepFilterProxy::StepFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(StepTableModel::SortRole);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void StepFilterProxy::setDeviceFilter(const QString& device)
{
    m_device = device;
    invalidateFilter();
}

void StepFilterProxy::setKindFilter(const QString& kind)
{
    m_kind = kind;
    invalidateFilter();
}

void StepFilterProxy::setRegionFilter(const QString& region)
{
    m_region = region;
    invalidateFilter();
}

void StepFilterProxy::setOutcomeFilter(OutcomeFilter filter)
{
    m_outcome = filter;
    invalidateFilter();
}

void StepFilterProxy::setTextFilter(const QString& text)
{
    m_text = text;
    invalidateFilter();
}

bool StepFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* m = sourceModel();
    auto cell = [&](int column) { return m->index(sourceRow, column, sourceParent).data().toString(); };
    if (!m_device.isEmpty() && cell(StepTableModel::DeviceColumn) != m_device)
        return false;
    if (!m_kind.isEmpty() && cell(StepTableModel::KindColumn) != m_kind)
        return false;
    if (!m_region.isEmpty() && cell(StepTableModel::RegionColumn) != m_region)
        return false;
    if (m_outcome != OutcomeFilter::All) {
        const QModelIndex first = m->index(sourceRow, 0, sourceParent);
        const auto type = StepType(first.data(StepTableModel::StepTypeRole).toInt());
        const auto outcome = Outcome(first.data(StepTableModel::OutcomeRole).toInt());
        switch (m_outcome) {
        case OutcomeFilter::Requests:
            if (type != StepType::Allocate && type != StepType::Place && type != StepType::Refused)
                return false;
            break;
        case OutcomeFilter::Failures:
            if (outcome != Outcome::Failed && outcome != Outcome::FreeUnknown)
                return false;
            break;
        case OutcomeFilter::Frees:
            if (type != StepType::Free && type != StepType::Release)
                return false;
            break;
        case OutcomeFilter::Markers:
            if (type != StepType::Phase)
                return false;
            break;
        case OutcomeFilter::All:
            break;
        }
    }
    if (!m_text.isEmpty()) {
        for (int c = 0; c < StepTableModel::ColumnCount; ++c)
            if (cell(c).contains(m_text, Qt::CaseInsensitive))
                return true;
        return false;
    }
    return true;
}

} // namespace cmascope::views
