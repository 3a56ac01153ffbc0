// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/traceinputs.h"

#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/kernelsemantics.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace cmascope::views {

void addBootLogBeside(ReplayInputs& inputs, const QString& tracePath)
{
    const QDir dir = QFileInfo(tracePath).dir();
    for (const QString& log :
        dir.entryList({ QStringLiteral("dmesg*.txt"), QStringLiteral("dmesg*.log") }, QDir::Files)) {
        QFile f(dir.filePath(log));
        if (f.open(QIODevice::ReadOnly)) {
            const QByteArray text = f.readAll();
            const std::string_view view(text.constData(), std::size_t(text.size()));
            inputs.bootLog = parseBootLog(view);
            inputs.bootLogRelease = bootLogKernelRelease(view); // the kernel rules (docs/kernel-cma.md)
            inputs.bootLogOrigin = log.toStdString();
            return;
        }
    }
}

} // namespace cmascope::views
