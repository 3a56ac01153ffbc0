// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/steptablemodel.h"

#include "common/columntitles.h"
#include "common/document.h"
#include "common/textformat.h"
#include "common/utf8text.h"
#include "platform/cellinput.h"

#include <QBrush>
#include <QGuiApplication>
#include <QPalette>

#include <bit>

namespace cmascope::views {

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
    static const char* const titles[ColumnCount] = { QT_TR_NOOP("Step"), QT_TR_NOOP("Time (s)"), QT_TR_NOOP("Device"),
        QT_TR_NOOP("Kind"), QT_TR_NOOP("Size"), QT_TR_NOOP("Alignment"), QT_TR_NOOP("Region"),
        QT_TR_NOOP("Address / PFN"), QT_TR_NOOP("Outcome"), QT_TR_NOOP("Label") };
    return columnTitleHeader(*this, titles, section, orientation, role);
}

int StepTableModel::rowForChunk(quint32 chunk) const
{
    const Simulation* sim = m_doc->simulation();
    if (!sim || chunk >= sim->chunks().size())
        return -1;
    return int(sim->chunks()[chunk].bornStep);
}

const Simulation* StepTableModel::simulation() const
{
    return m_rows ? m_doc->simulation() : nullptr;
}

std::uint64_t StepTableModel::stepPageSize(const Simulation& sim, std::size_t row)
{
    const Platform& pf = sim.platform();
    const std::uint16_t r = sim.records()[row].region;
    if (r < pf.regions.size() && pf.regions[r].pageSize)
        return pf.regions[r].pageSize;
    return pf.pageSize;
}

std::uint64_t StepTableModel::stepBytes(const Simulation& sim, std::size_t row)
{
    const Step& step = sim.scenario().steps[row];
    if (step.type == StepType::Allocate)
        return step.size;
    if (step.type == StepType::Phase || step.type == StepType::Reset)
        return 0;
    return (step.type == StepType::Free ? sim.records()[row].pages : step.size) * stepPageSize(sim, row);
}

std::optional<std::uint64_t> StepTableModel::stepAddress(const Simulation& sim, std::size_t row)
{
    const StepRecord& rec = sim.records()[row];
    const Platform& pf = sim.platform();
    if (rec.region >= pf.regions.size())
        return std::nullopt;
    const Region& region = pf.regions[rec.region];
    if (!region.placedBase || rec.pages == 0 || rec.outcome == Outcome::Failed
        || rec.outcome == Outcome::AllocatedFallback)
        return std::nullopt;
    return *region.placedBase + std::uint64_t(rec.offset) * stepPageSize(sim, row);
}

QVariant StepTableModel::data(const QModelIndex& index, int role) const
{
    const Simulation* sim = m_doc->simulation();
    if (!sim || !index.isValid() || index.row() >= m_rows)
        return {};
    const std::size_t row = std::size_t(index.row());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
        return cellText(*sim, row, index.column());
    if (role == SortRole)
        return cellValue(*sim, row, index.column(), true);
    return stateData(*sim, row, index.column(), role);
}

QString StepTableModel::cellText(const Simulation& sim, std::size_t row, int column)
{
    return cellValue(sim, row, column, false).toString();
}

QVariant StepTableModel::stateData(const Simulation& sim, std::size_t row, int column, int role) const
{
    const StepRecord& rec = sim.records()[row];
    const Step& step = sim.scenario().steps[row];
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
        if (column == StepColumn || column == TimeColumn || column == SizeColumn || column == AddressColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant StepTableModel::cellValue(const Simulation& sim, std::size_t row, int column, bool sort)
{
    const StepRecord& rec = sim.records()[row];
    const Step& step = sim.scenario().steps[row];
    const auto& symbols = sim.scenario().symbols;
    const Platform& pf = sim.platform();
    switch (column) {
    case StepColumn:
        return sort ? QVariant(qulonglong(row)) : QVariant(QString::number(row));
    case TimeColumn: {
        // Kernel traces carry times (ns since boot, printed like ftrace: seconds with microseconds).
        const auto& times = sim.scenario().timesNs;
        if (row >= times.size())
            return sort ? QVariant(qulonglong(row)) : QVariant(QString());
        return sort ? QVariant(qulonglong(times[row])) : QVariant(cellinput::traceTimeText(times[row]));
    }
    case DeviceColumn:
        return isRequest(step.type) ? fromUtf8(symbols.name(step.device)) : QString();
    case KindColumn:
        return step.type == StepType::Allocate ? fromUtf8(symbols.name(step.kind)) : QString();
    case SizeColumn: {
        const std::uint64_t bytes = stepBytes(sim, row);
        return sort ? QVariant(qulonglong(bytes)) : QVariant(bytes ? sizeString(bytes) : QString());
    }
    case AlignColumn:
        return alignValue(sim, row, sort);
    case RegionColumn:
        return rec.region < pf.regions.size() ? QString::fromStdString(pf.regions[rec.region].name) : QString();
    case AddressColumn: {
        const auto addr = stepAddress(sim, row);
        if (sort)
            return qulonglong(addr.value_or(0));
        if (!addr)
            return QString();
        return QStringLiteral("%1 / pfn %2").arg(hexString(*addr), hexString(*addr / stepPageSize(sim, row)));
    }
    case OutcomeColumn:
        return outcomeText(rec);
    case LabelColumn:
        return fromUtf8(symbols.name(step.label));
    default:
        return {};
    }
}

QVariant StepTableModel::alignValue(const Simulation& sim, std::size_t row, bool sort)
{
    const Step& step = sim.scenario().steps[row];
    if (step.type == StepType::Refused) { // a page order from the trace
        const std::uint64_t pageSize = stepPageSize(sim, row);
        return sort ? QVariant(int(step.alignLog2 + std::countr_zero(pageSize)))
                    : QVariant(sizeString(pageSize << step.alignLog2));
    }
    if (step.type != StepType::Allocate || step.alignLog2 == kDefaultAlign)
        return sort ? QVariant(0) : QVariant(QString());
    return sort ? QVariant(int(step.alignLog2)) : QVariant(sizeString(std::uint64_t(1) << step.alignLog2));
}

QString StepTableModel::outcomeText(const StepRecord& rec)
{
    QString text = fromUtf8(outcomeName(rec.outcome));
    if (rec.outcome == Outcome::Failed && rec.refusal != Refusal::None)
        text += QStringLiteral(": %1").arg(fromUtf8(refusalVerdict(rec.refusal)));
    if (rec.busyRetries)
        text += tr(", %n busy retries", nullptr, int(rec.busyRetries));
    return text;
}

} // namespace cmascope::views
