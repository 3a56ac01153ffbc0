// SPDX-License-Identifier: GPL-2.0-or-later
// The Devices table of the platform editor: the devices that allocate (name, NUMA node, DMA reach, their
// device-tree memory-region list).
#pragma once

#include "platform/platformtablemodel.h"

namespace cmascope::views {

using DeviceTableBase = PlatformItemTableModel<Device, &Platform::devices>;

class DeviceTableModel : public DeviceTableBase
{
    Q_OBJECT
public:
    enum ColumnId { Name, NumaNode, DmaBits, MemoryRegions, ColumnCount };
    explicit DeviceTableModel(
        Document* document, PlatformDiagnostics* diagnostics = nullptr, QObject* parent = nullptr);
    QString collection() const override { return QStringLiteral("devices"); }
    QString singular() const override { return tr("device"); }

protected:
    QVariant cellData(int row, int column, int role) const override;
    QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const override;
    QString insertFresh(Platform& p, int row) const override;

private:
    /// Name: renames the device, its owned regions and the map patterns naming it.
    QString rename(Platform& p, int row, const QString& text, QString& what) const;
};

} // namespace cmascope::views
