// SPDX-License-Identifier: GPL-2.0-or-later
#include "follow/followinputs.h"

#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/kernelsemantics.h>

#include <QFile>

namespace cmascope::views {

QString readFollowInputs(const FollowInputs& from, ReplayInputs& inputs)
{
    if (!from.dmesg.isEmpty()) {
        QFile f(from.dmesg);
        if (!f.open(QIODevice::ReadOnly))
            return QStringLiteral("%1: %2").arg(from.dmesg, f.errorString());
        const QByteArray text = f.readAll();
        const std::string_view view(text.constData(), std::size_t(text.size()));
        inputs.bootLog = parseBootLog(view);
        inputs.bootLogRelease = bootLogKernelRelease(view);
        inputs.bootLogOrigin = from.dmesg.toStdString();
    }
    for (const QString& dir : from.debugfs) {
        auto read = readDebugfsAreas(dir.toStdString());
        if (!read.error.empty())
            return QStringLiteral("--debugfs %1: %2").arg(dir, QString::fromStdString(read.error));
        for (std::size_t i = 0; i < read.snapshots.size(); ++i) {
            inputs.debugfs.push_back(std::move(read.snapshots[i]));
            inputs.debugfsOrigins.push_back(read.origins[i]);
        }
    }
    for (const QString& spec : from.areas) {
        auto parsed = parseAreaSpec(spec.toStdString());
        if (auto* err = std::get_if<std::string>(&parsed))
            return QStringLiteral("--area %1: %2").arg(spec, QString::fromStdString(*err));
        inputs.areaSpecs.push_back(std::get<AreaSpec>(parsed));
    }
    return {};
}

} // namespace cmascope::views
