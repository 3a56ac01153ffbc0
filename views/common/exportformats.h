// SPDX-License-Identifier: GPL-2.0-or-later
// The configuration formats a project can be exported to, with their menu texts: File > Export and the
// planner's Export plan menu offer the same list.
#pragma once

#include <cmascope/config/configio.h>

#include <QCoreApplication>
#include <QString>

#include <utility>
#include <vector>

namespace cmascope::views {

inline std::vector<std::pair<ConfigFormat, QString>> configExportFormats()
{
    auto tr = [](const char* text) { return QCoreApplication::translate("ExportFormats", text); };
    return {
        { ConfigFormat::Cmdline, tr("Kernel &Command Line (cma=)…") },
        { ConfigFormat::Dts, tr("&Device Tree Source (reserved-memory)…") },
        { ConfigFormat::Cma2010, tr("&2010 cma= / cma.map=…") },
        { ConfigFormat::Verkuil, tr("&Verkuil Memory Types…") },
        { ConfigFormat::Json, tr("Project &JSON…") },
    };
}

} // namespace cmascope::views
