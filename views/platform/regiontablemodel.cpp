// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/regiontablemodel.h"

#include "common/document.h"
#include "platform/cellinput.h"
#include "platform/tablesupport.h"

#include <cmascope/model/verkuilmap.h>
#include <cmascope/plan/placement.h>
#include <cmascope/util/units.h>

#include <QColor>
#include <QRegularExpression>

#include <algorithm>
#include <limits>

namespace cmascope::views {

using namespace cellinput;
using namespace tablesupport;

RegionTableModel::RegionTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent)
    : RegionTableBase(document, diagnostics, parent)
{
    setColumns({
        { tr("Name"), QStringLiteral("name"), EditorKind::Text, tr("Name used by map rules and memory-region") },
        { tr("Type"), QStringLiteral("type"), EditorKind::Choice,
            tr("cma: allocatable; carve-out: reserved, not allocatable (no-map)") },
        { tr("Size"), QStringLiteral("size"), EditorKind::Size,
            tr("Size in memparse syntax (64M); 0 = nothing reserved (what requests then meet depends on the map "
               "mode)") },
        { tr("Placement"), QStringLiteral("placement"), EditorKind::Choice,
            tr("fixed: at Start exactly; dynamic: placed top-down at boot"), {}, { QStringLiteral("allocRanges") } },
        { tr("Start"), QStringLiteral("start"), EditorKind::Address,
            tr("Fixed placement: the physical start (typing an address makes the region fixed)") },
        { tr("Alignment"), QStringLiteral("alignment"), EditorKind::Size,
            tr("Requested alignment; empty = default (page size, raised to the CMA minimum)") },
        { tr("Limit"), QStringLiteral("limit"), EditorKind::Address,
            tr("Dynamic placement: highest end address; empty = none") },
        { tr("Page size"), QStringLiteral("pageSize"), EditorKind::Choice, tr("4K, 16K or 64K") },
        { tr("Policy"), QStringLiteral("policy"), EditorKind::Choice, tr("Allocation policy simulated") },
        { tr("Order/bit"), QStringLiteral("orderPerBit"), EditorKind::Integer,
            tr("Kernel policy: one bitmap bit covers 2^order_per_bit pages"), tr("order per bit"),
            { QStringLiteral("params") } },
        { tr("Default"), QStringLiteral("isDefault"), EditorKind::Check,
            tr("The global default CMA area (linux,cma-default)"), tr("default flag") },
        { tr("Asterisk"), QStringLiteral("asterisk"), EditorKind::Check,
            tr("2010 v3: used by devices no map rule matches"), tr("asterisk flag") },
        { tr("Private to"), QStringLiteral("privateTo"), EditorKind::Choice,
            tr("Only this device may allocate here (empty = shared); for a 2010 private region by handle: the "
               "driver that registered it"),
            tr("owner") },
        { tr("2010 private (by handle)"), QStringLiteral("privateHandle"), EditorKind::Check,
            tr("2010 v2 on: registered by its driver with cma_region_register() and no name; the map never reaches "
               "it, only cma_alloc_from_region() (the alloc_from_region step) does"),
            tr("2010 private flag") },
        { tr("NUMA node"), QStringLiteral("numaNode"), EditorKind::Integer,
            tr("Per-NUMA area of this node (none = not a per-node area)"), tr("NUMA node") },
        { tr("Ranges"), QStringLiteral("maxRanges"), EditorKind::Integer,
            tr("How many physical ranges boot-time placement may split the area into: 1 = one range; up to 8 = as "
               "hugetlb_cma= areas on kernels 6.15 and later, one range if any holds it, else the largest free "
               "stretches above 4 GiB"),
            tr("number of ranges") },
        { tr("Memory type"), QStringLiteral("memoryType"), EditorKind::Text,
            tr("Verkuil map mode: the memory type requests ask for (banka, dma, common, ...)"), tr("memory type") },
        { tr("Drivers"), QStringLiteral("drivers"), EditorKind::Text,
            tr("Verkuil map mode: the drivers this region of its type serves, separated by commas; empty = the "
               "general region of the type"),
            tr("drivers") },
        { tr("Fallback max"), QStringLiteral("fallbackMaxContiguous"), EditorKind::Size,
            tr("The largest contiguous allocation the system allocator makes for requests that fall back to it: "
               "kmalloc's KMALLOC_MAX_SIZE, 4M with 4 KiB pages (docs/cma2010.md)"),
            tr("fallback maximum") },
        { tr("Placed at"), QStringLiteral("placedBase"), EditorKind::None,
            tr("Where the region is reserved at boot, as the kernel places it") },
    });
    initialize();
}

int RegionTableModel::itemColumn(int row) const
{
    const auto& regions = platform().regions;
    const bool fixed = row >= 0 && std::size_t(row) < regions.size()
        && regions[std::size_t(row)].placement == cmascope::Placement::Fixed;
    return fixed ? Start : PlacedAt;
}

int RegionTableModel::columnForField(int row, const QString& field) const
{
    // The placed base is shown where the region's address is: Start when fixed, else Placed at.
    if (field == QLatin1String("placedBase"))
        return itemColumn(row);
    return RegionTableBase::columnForField(row, field);
}

// ---- cells ---------------------------------------------------------------------------------------------

QVariant RegionTableModel::cellData(int row, int column, int role) const
{
    const Region& r = item(row);
    if (role == Qt::TextAlignmentRole) {
        switch (column) {
        case Size:
        case FallbackMax:
        case Start:
        case Alignment:
        case Limit:
        case PageSize:
        case OrderPerBit:
        case NumaNode:
        case MaxRanges:
        case PlacedAt:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    }
    switch (column) {
    case Name:
    case Type:
    case Size:
    case FallbackMax:
        return kindCell(r, column, role);
    case Placement:
    case Start:
    case Alignment:
    case Limit:
        return placementCell(r, column, role);
    case PageSize:
    case Policy:
    case OrderPerBit:
        return allocatorCell(r, column, role);
    case Default:
    case Asterisk:
    case PrivateTo:
    case PrivateHandle:
    case NumaNode:
        return usersCell(r, column, role);
    case MemoryType:
    case Drivers:
        return typeCell(r, column, role);
    case MaxRanges:
        return rangesCell(r, role);
    case PlacedAt:
        return placedAtCell(row, role);
    default:
        return {};
    }
}

QVariant RegionTableModel::rangesCell(const Region& r, int role) const
{
    const bool applies =
        r.type == RegionType::Cma && r.placement == cmascope::Placement::Dynamic && r.allocRanges.empty();
    if (role == Qt::ForegroundRole && (r.maxRanges == 1 || !applies))
        return mutedBrush();
    if (role == Qt::ToolTipRole && !applies && r.maxRanges == 1)
        return tr("Only a dynamic CMA area without alloc-ranges can be split over several ranges");
    return integerCell(int(r.maxRanges), 1, int(kCmaMaxRanges), role);
}

Qt::ItemFlags RegionTableModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = RegionTableBase::flags(index);
    if (index.isValid() && (index.column() == MemoryType || index.column() == Drivers)
        && platform().mapMode != MapMode::Verkuil)
        f &= ~Qt::ItemIsEditable;
    return f;
}

QVariant RegionTableModel::typeCell(const Region& r, int column, int role) const
{
    if (platform().mapMode != MapMode::Verkuil) {
        if (role == Qt::ForegroundRole)
            return mutedBrush();
        if (role == Qt::ToolTipRole)
            return tr("Not used: only the Verkuil map mode (Board tab) reads memory types and drivers");
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    if (column == MemoryType)
        return qs(r.memoryType);
    QStringList drivers;
    for (const std::string& d : r.drivers)
        drivers << qs(d);
    return drivers.join(QStringLiteral(", "));
}

QVariant RegionTableModel::kindCell(const Region& r, int column, int role) const
{
    const bool text = role == Qt::DisplayRole || role == Qt::EditRole;
    switch (column) {
    case Name:
        if (text)
            return qs(r.name);
        if (role == Qt::ToolTipRole && !r.label.empty())
            return tr("Device-tree label: %1").arg(qs(r.label));
        return {};
    case Type:
        if (text)
            return regionTypeText(r.type);
        if (role == ChoicesRole)
            return QStringList { regionTypeText(RegionType::Cma), regionTypeText(RegionType::Carveout) };
        return {};
    case Size:
        if (role == Qt::ToolTipRole && !r.size)
            return systemFallbackOf(platform(), r) == SystemFallback::SizeZero
                ? tr("0: nothing reserved; requests fall back to the system allocator, up to %1 contiguous")
                      .arg(humanSize(r.fallbackMaxContiguous))
                : tr("0: nothing reserved and no fallback here: the region does not exist for the kernel");
        return sizeCell(r.size, role);
    default: { // FallbackMax
        const SystemFallback fb = systemFallbackOf(platform(), r);
        const bool used = fb == SystemFallback::SizeZero || fb == SystemFallback::PoolFull;
        if (!used && role == Qt::ForegroundRole)
            return mutedBrush();
        if (!used && role == Qt::ToolTipRole)
            return tr("Not used: requests of this region never fall back to the system allocator (only size-0 "
                      "regions without a 2010 dialect, and Verkuil's dma and common regions, do).");
        return sizeCell(r.fallbackMaxContiguous, role);
    }
    }
}

QVariant RegionTableModel::placementCell(const Region& r, int column, int role) const
{
    const bool text = role == Qt::DisplayRole || role == Qt::EditRole;
    const bool fixed = r.placement == cmascope::Placement::Fixed;
    switch (column) {
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
        return {};
    case Start:
        if (text)
            return fixed ? addressText(r.start) : QString();
        if (role == Qt::ToolTipRole && !fixed)
            return tr("Dynamic placement: no start. Type an address to fix the region there.");
        if (role == Qt::ForegroundRole && !fixed)
            return mutedBrush();
        return {};
    case Alignment:
        if (role == Qt::DisplayRole)
            return r.alignment ? humanSize(r.alignment)
                               : tr("default (%1)").arg(humanSize(effectiveAlignment(platform(), r)));
        if (role == Qt::EditRole)
            return r.alignment ? sizeInput(r.alignment) : QString();
        if (role == Qt::ForegroundRole && !r.alignment)
            return mutedBrush();
        if (role == Qt::ToolTipRole)
            return tr("Reserved with alignment %1").arg(humanSize(effectiveAlignment(platform(), r)));
        return {};
    default: // Limit
        if (role == Qt::DisplayRole)
            return r.limit ? addressText(r.limit) : (fixed ? QString() : tr("none"));
        if (role == Qt::EditRole)
            return r.limit ? addressText(r.limit) : QString();
        if (role == Qt::ForegroundRole && (fixed || !r.limit))
            return mutedBrush();
        return {};
    }
}

QVariant RegionTableModel::allocatorCell(const Region& r, int column, int role) const
{
    const bool text = role == Qt::DisplayRole || role == Qt::EditRole;
    switch (column) {
    case PageSize:
        if (text)
            return sizeInput(r.pageSize);
        if (role == ChoicesRole)
            return QStringList { QStringLiteral("4K"), QStringLiteral("16K"), QStringLiteral("64K") };
        return {};
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
        return {};
    default: // OrderPerBit
        if (role == Qt::ForegroundRole && r.policy != PolicyKind::Kernel)
            return mutedBrush();
        return integerCell(r.params.orderPerBit, 0, 20, role);
    }
}

QVariant RegionTableModel::usersCell(const Region& r, int column, int role) const
{
    // Each map mode reads its own flags (boardsettings.h, mapModeExplanation()): mute the others.
    const MapMode mode = platform().mapMode;
    const bool modern = mode == MapMode::Modern;
    // Verkuil's mode reads only Private to (resolveVerkuil() offers a region like the 2010 map does).
    const bool used =
        mode == MapMode::Verkuil ? column == PrivateTo : (column == Default || column == NumaNode) == modern;
    if (!used && role == Qt::ForegroundRole)
        return mutedBrush();
    if (!used && role == Qt::ToolTipRole)
        return mode == MapMode::Verkuil ? tr("Not used in the Verkuil map mode (a request finds its region by memory "
                                             "type)")
            : modern                    ? tr("Not used in the modern map mode (only the 2010 map rules read it)")
                                        : tr("Not used in the 2010 map mode (only the modern area chain reads it)");
    switch (column) {
    case Default:
        return checkCell(r.isDefault, role);
    case Asterisk:
        return checkCell(r.asterisk, role);
    case PrivateHandle:
        return checkCell(r.privateHandle, role);
    case PrivateTo:
        if (role == Qt::DisplayRole || role == Qt::EditRole)
            return qs(r.privateTo);
        if (role == ChoicesRole) {
            QStringList names { QString() };
            for (const Device& d : platform().devices)
                names << qs(d.name);
            return names;
        }
        return {};
    default: // NumaNode
        if (role == Qt::DisplayRole)
            return r.numaNode < 0 ? tr("none") : QString::number(r.numaNode);
        if (role == NoneTextRole)
            return tr("none");
        if (role == Qt::ForegroundRole && r.numaNode < 0)
            return mutedBrush();
        return integerCell(r.numaNode, -1, kMaxNumaNode, role);
    }
}

QVariant RegionTableModel::placedAtCell(int row, int role) const
{
    const auto& placed = document()->placedPlatform().regions;
    const auto& placements = document()->placement().regions;
    const Region* pr = std::size_t(row) < placed.size() ? &placed[std::size_t(row)] : nullptr;
    const RegionPlacement* rp = std::size_t(row) < placements.size() ? &placements[std::size_t(row)] : nullptr;
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        if (pr && pr->placedBase && rp && rp->ranges.size() > 1 && role == Qt::DisplayRole)
            return tr("%1 + %n more range(s)", nullptr, int(rp->ranges.size() - 1)).arg(addressText(*pr->placedBase));
        if (pr && pr->placedBase)
            return addressText(*pr->placedBase);
        if (item(row).size == 0)
            return tr("nothing");
        return rp && !rp->ok ? tr("failed") : QString();
    }
    if (role == Qt::ToolTipRole && rp)
        return qs(rp->message);
    if (role == Qt::ForegroundRole && rp && !rp->ok)
        return QBrush(QColor(0xd0, 0x30, 0x30));
    return {};
}

// ---- edits ---------------------------------------------------------------------------------------------

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
    return insertItem(p, row, r);
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

} // namespace cmascope::views
