// SPDX-License-Identifier: GPL-2.0-or-later
// The Regions table of the platform editor: the reserved-memory regions (CMA areas and carve-outs), what
// they are, where they are placed, how they are allocated from and who uses them.
#pragma once

#include "platform/platformtablemodel.h"

namespace cmascope::views {

using RegionTableBase = PlatformItemTableModel<Region, &Platform::regions>;

class RegionTableModel : public RegionTableBase
{
    Q_OBJECT
public:
    enum ColumnId {
        Name,
        Type,
        Size,
        Placement,
        Start,
        Alignment,
        Limit,
        PageSize,
        Policy,
        OrderPerBit,
        Default,
        Asterisk,
        PrivateTo,
        PrivateHandle, ///< 2010 private region, reached by handle only (docs/cma2010.md#private-regions)
        NumaNode,
        MaxRanges, ///< how many ranges placement may split the area into (docs/kernel-cma.md)
        MemoryType,
        Drivers,
        FallbackMax,
        PlacedAt,
        ColumnCount
    };
    explicit RegionTableModel(
        Document* document, PlatformDiagnostics* diagnostics = nullptr, QObject* parent = nullptr);
    QString collection() const override { return QStringLiteral("regions"); }
    QString singular() const override { return tr("region"); }
    int columnForField(int row, const QString& field) const override;
    bool isOrdered() const override { return true; }
    /// Memory type and Drivers are editable only in the Verkuil map mode, the one that reads them.
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    /// Adds a fixed CMA region over [base, base + size), snapped inward to what the kernel accepts: the start
    /// rounded up to the minimum CMA alignment, the end down to a page. Returns the new row, or -1 with
    /// lastError() set (nothing left after snapping, or the range overflows).
    int addFixedRegion(quint64 base, quint64 size);

protected:
    /// Messages about a region as a whole (overlaps) mark where its address is shown.
    int itemColumn(int row) const override;
    QVariant cellData(int row, int column, int role) const override;
    QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const override;
    QString insertFresh(Platform& p, int row) const override;

private:
    // Cells by column group; each answers the roles it knows and returns an invalid QVariant for the others.
    /// Name, Type, Size, FallbackMax: what the region is.
    QVariant kindCell(const Region& r, int column, int role) const;
    /// Placement, Start, Alignment, Limit: where it is reserved.
    QVariant placementCell(const Region& r, int column, int role) const;
    /// PageSize, Policy, OrderPerBit: how it is allocated from.
    QVariant allocatorCell(const Region& r, int column, int role) const;
    /// Default, Asterisk, PrivateTo, PrivateHandle, NumaNode: who allocates from it.
    QVariant usersCell(const Region& r, int column, int role) const;
    /// MemoryType, Drivers: Hans Verkuil's memory types (MapMode::Verkuil only).
    QVariant typeCell(const Region& r, int column, int role) const;
    /// PlacedAt: where the boot placed it.
    QVariant placedAtCell(int row, int role) const;
    QVariant rangesCell(const Region& r, int role) const;

    // Edits by column group, as assign(): an error sentence or an empty string.
    /// Name: renames the region and every reference to it.
    QString rename(Platform& p, int row, const QString& text, QString& what) const;
    QString assignKind(Region& r, int column, const QString& text) const;
    QString assignPlacement(Region& r, int row, int column, const QString& text, QString& what) const;
    QString assignAllocator(Region& r, int column, const QString& text) const;
    QString assignUsers(Region& r, int column, const QString& text, QString& what) const;
    QString assignType(Region& r, int column, const QString& text) const;
};

} // namespace cmascope::views
