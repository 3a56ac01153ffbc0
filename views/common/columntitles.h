// SPDX-License-Identifier: GPL-2.0-or-later
// headerData() of the table models whose horizontal header shows one title per column.
#pragma once

#include <QAbstractItemModel>
#include <QCoreApplication>

#include <span>

namespace cmascope::views {

/// The header of @p model when it shows one title per column: @p titles[section] (source texts marked with
/// QT_TR_NOOP, translated in the model's class context as its tr() does) for Qt::DisplayRole of the
/// horizontal header, nothing for a section without a title, and QAbstractItemModel's answer for the rest.
inline QVariant columnTitleHeader(const QAbstractItemModel& model, std::span<const char* const> titles, int section,
    Qt::Orientation orientation, int role)
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return model.QAbstractItemModel::headerData(section, orientation, role);
    if (section < 0 || std::size_t(section) >= titles.size())
        return {};
    return QCoreApplication::translate(model.metaObject()->className(), titles[std::size_t(section)]);
}

} // namespace cmascope::views
