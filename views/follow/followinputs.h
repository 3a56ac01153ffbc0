// SPDX-License-Identifier: GPL-2.0-or-later
// What a followed trace's areas are known from, up front (docs/following.md): a boot log (--dmesg), debugfs
// cma directories (--debugfs) and area specs (--area NAME=BASE_PFN+PAGES[/ORDER_PER_BIT]), as the command line
// takes them.
#pragma once

#include <cmascope/replay/areas.h>

#include <QString>
#include <QStringList>

namespace cmascope::views {

struct FollowInputs
{
    QString dmesg; ///< a boot log (empty: none)
    QStringList debugfs; ///< debugfs cma area directories, or folders of them
    QStringList areas; ///< area specs
};

/// Reads @p from into @p inputs; an error naming the file or the spec, or empty.
QString readFollowInputs(const FollowInputs& from, ReplayInputs& inputs);

} // namespace cmascope::views
