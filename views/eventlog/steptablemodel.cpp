// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/steptablemodel.h"

#include "common/columntitles.h"
#include "common/document.h"
#include "common/textformat.h"
#include "common/utf8text.h"
#include "eventlog/stepbookmarks.h"
#include "eventlog/tracecells.h"

#include <cmascope/model/verkuilmap.h>

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
    // A followed trace's rows are inserted, batch by batch (docs/following.md).
    connect(m_doc, &Document::stepsAppended, this, [this](std::size_t first, std::size_t count) {
        if (int(first) != m_rows || count == 0)
            return reset();
        beginInsertRows({}, m_rows, m_rows + int(count) - 1);
        m_rows += int(count);
        endInsertRows();
    });
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
        QT_TR_NOOP("PID"), QT_TR_NOOP("CPU"), QT_TR_NOOP("Kind"), QT_TR_NOOP("Size"), QT_TR_NOOP("Alignment"),
        QT_TR_NOOP("Region"), QT_TR_NOOP("Address / PFN"), QT_TR_NOOP("Outcome"), QT_TR_NOOP("Retries"),
        QT_TR_NOOP("Latency"), QT_TR_NOOP("Errno"), QT_TR_NOOP("Label") };
    // A trace's requests and releases come from its tasks ("comm-pid", as the trace names them).
    if (section == DeviceColumn && orientation == Qt::Horizontal && role == Qt::DisplayRole && trace())
        return tr("Task");
    return columnTitleHeader(*this, titles, section, orientation, role);
}

const ReplayResult* StepTableModel::traceOf(const ReplayResult* replay, const Simulation& sim)
{
    return replay && replay->timeline.size() == sim.stepCount() ? replay : nullptr;
}

const ReplayResult* StepTableModel::trace() const
{
    const Simulation* sim = simulation();
    return sim ? traceOf(m_doc->replay(), *sim) : nullptr;
}

void StepTableModel::setBookmarks(const StepBookmarks* bookmarks)
{
    if (m_bookmarks)
        disconnect(m_bookmarks, nullptr, this, nullptr);
    m_bookmarks = bookmarks;
    if (m_bookmarks) {
        connect(m_bookmarks, &StepBookmarks::toggled, this, &StepTableModel::bookmarkToggled);
        connect(m_bookmarks, &StepBookmarks::reset, this, [this] {
            if (m_rows)
                Q_EMIT dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1),
                    { BookmarkRole, Qt::BackgroundRole, Qt::DecorationRole });
        });
    }
}

void StepTableModel::bookmarkToggled(std::size_t step)
{
    if (step < std::size_t(m_rows))
        Q_EMIT dataChanged(index(int(step), 0), index(int(step), ColumnCount - 1),
            { BookmarkRole, Qt::BackgroundRole, Qt::DecorationRole });
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
    if (step.type == StepType::Allocate || step.type == StepType::AllocateFromRegion)
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
        return cellText(*sim, trace(), row, index.column());
    if (role == SortRole)
        return cellValue(*sim, trace(), row, index.column(), true);
    return stateData(*sim, row, index.column(), role);
}

QString StepTableModel::cellText(const Simulation& sim, const ReplayResult* trace, std::size_t row, int column)
{
    return cellValue(sim, trace, row, column, false).toString();
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
    case BookmarkRole:
        return m_bookmarks && m_bookmarks->contains(row);
    case Qt::BackgroundRole:
        if (m_bookmarks && m_bookmarks->contains(row))
            return QBrush(QColor(0xff, 0xe8, 0x8c, 0x90));
        return {};
    case Qt::DecorationRole:
        if (column == StepColumn && m_bookmarks && m_bookmarks->contains(row))
            return QColor(0xe0, 0x90, 0x00); // a marker square beside the step number
        return {};
    case Qt::ForegroundRole:
        if (rec.outcome == Outcome::Failed || rec.outcome == Outcome::FreeUnknown)
            return QBrush(QColor(0xd0, 0x30, 0x30));
        if (step.type == StepType::Phase)
            return QGuiApplication::palette().brush(QPalette::Link);
        return {};
    case Qt::TextAlignmentRole:
        if (column == StepColumn || column == TimeColumn || column == SizeColumn || column == AddressColumn
            || column == PidColumn || column == CpuColumn || column == RetriesColumn || column == LatencyColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant StepTableModel::traceValue(
    const Simulation& sim, const ReplayRequest& q, std::size_t row, int column, bool sort)
{
    tracecells::Buffer buf;
    auto text = [](std::string_view s) { return QVariant(QString::fromLatin1(s.data(), qsizetype(s.size()))); };
    switch (column) {
    case CpuColumn:
        return sort ? QVariant(qulonglong(q.cpu + 1)) : text(tracecells::cpu(buf, q));
    case RetriesColumn:
        return sort ? QVariant(qulonglong(q.busyRetries)) : text(tracecells::retries(buf, q));
    case LatencyColumn:
        return sort ? QVariant(qulonglong(q.latencyNs())) : text(tracecells::latency(buf, q));
    case ErrnoColumn:
        return sort ? QVariant(qulonglong(q.errorno < 0 ? -q.errorno : q.errorno))
                    : text(tracecells::errnoText(buf, q.errorno));
    case AlignColumn: {
        const std::uint64_t pageSize = stepPageSize(sim, row);
        return sort ? QVariant(int(q.align + std::countr_zero(pageSize)))
                    : text(tracecells::alignment(buf, q.align, pageSize));
    }
    case OutcomeColumn:
        return text(tracecells::outcome(buf, q));
    default:
        return {};
    }
}

std::optional<std::uint64_t> StepTableModel::pidOfTask(std::string_view task)
{
    const auto dash = task.rfind('-');
    if (dash == std::string_view::npos || dash + 1 >= task.size() || task.size() - dash - 1 > 19)
        return std::nullopt;
    std::uint64_t pid = 0;
    for (const char c : task.substr(dash + 1)) {
        if (c < '0' || c > '9')
            return std::nullopt;
        pid = pid * 10 + std::uint64_t(c - '0');
    }
    return pid;
}

QVariant StepTableModel::cellValue(
    const Simulation& sim, const ReplayResult* trace, std::size_t row, int column, bool sort)
{
    if (column == PidColumn) {
        // Requests and releases of a trace name their task ("comm-pid"): its pid, sortable as a number.
        const Step& step = sim.scenario().steps[row];
        const auto pid =
            trace && showsDevice(step.type) ? pidOfTask(sim.scenario().symbols.name(step.device)) : std::nullopt;
        if (sort)
            return qulonglong(pid ? *pid + 1 : 0);
        return pid ? QString::number(*pid) : QString();
    }
    if (const ReplayRequest* q = trace ? trace->requestAtStep(row) : nullptr) {
        if (QVariant v = traceValue(sim, *q, row, column, sort); v.isValid())
            return v;
    } else if (isTraceColumn(column)) {
        return sort ? QVariant(qulonglong(0)) : QVariant(QString());
    }
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
        tracecells::Buffer buf;
        const std::string_view t = tracecells::time(buf, times[row]);
        return sort ? QVariant(qulonglong(times[row])) : QVariant(QString::fromLatin1(t.data(), qsizetype(t.size())));
    }
    case DeviceColumn:
        return showsDevice(step.type) ? fromUtf8(symbols.name(step.device)) : QString();
    case KindColumn:
        if (step.type == StepType::AllocateFromRegion) // cma_alloc_from_region(): no kind, the region by handle
            return sort ? QVariant(QString()) : QVariant(byHandleKindText());
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
    case OutcomeColumn: {
        const SystemFallback fb =
            rec.region < pf.regions.size() ? systemFallbackOf(pf, pf.regions[rec.region]) : SystemFallback::None;
        return outcomeText(rec, fb == SystemFallback::SizeZero || fb == SystemFallback::PoolFull);
    }
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
    if (step.type == StepType::AllocateFromRegion) { // as asked, a power of two or not
        if (step.offset == 0)
            return sort ? QVariant(0) : QVariant(QString());
        return sort ? QVariant(int(std::bit_width(step.offset) - 1)) : QVariant(sizeString(step.offset));
    }
    if (step.type != StepType::Allocate || step.alignLog2 == kDefaultAlign)
        return sort ? QVariant(0) : QVariant(QString());
    return sort ? QVariant(int(step.alignLog2)) : QVariant(sizeString(std::uint64_t(1) << step.alignLog2));
}

QString StepTableModel::outcomeText(const StepRecord& rec, bool systemAllocator)
{
    QString text = fromUtf8(outcomeName(rec.outcome));
    if (rec.outcome == Outcome::Failed && rec.refusal == Refusal::TooLarge && systemAllocator)
        text += tr(": larger than the system allocator's largest block");
    else if (rec.outcome == Outcome::Failed && rec.refusal != Refusal::None)
        text += QStringLiteral(": %1").arg(fromUtf8(refusalVerdict(rec.refusal)));
    if (rec.busyRetries)
        text += tr(", %n busy retries", nullptr, int(rec.busyRetries));
    return text;
}

} // namespace cmascope::views
