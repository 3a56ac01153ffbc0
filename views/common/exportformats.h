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
    // written out in full, so lupdate files them under the context they are looked up with
    return {
        { ConfigFormat::Cmdline, QCoreApplication::translate("ExportFormats", "Kernel &Command Line (cma=)…") },
        { ConfigFormat::Dts, QCoreApplication::translate("ExportFormats", "&Device Tree Source (reserved-memory)…") },
        { ConfigFormat::Cma2010, QCoreApplication::translate("ExportFormats", "&2010 cma= / cma.map=…") },
        { ConfigFormat::Verkuil, QCoreApplication::translate("ExportFormats", "&Verkuil Memory Types…") },
        { ConfigFormat::Json, QCoreApplication::translate("ExportFormats", "Project &JSON…") },
    };
}

} // namespace cmascope::views
