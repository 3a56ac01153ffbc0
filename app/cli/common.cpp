// SPDX-License-Identifier: GPL-2.0-or-later
#include "common.h"

#include <cmascope/model/platform.h>

#include <cstdio>

namespace cmascope::cli {

void beginCommand(QCommandLineParser& parser, const char* name, const QString& description)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addPositionalArgument(QLatin1String(name), QString(), QLatin1String(name));
}

QStringList operands(const QCommandLineParser& parser)
{
    QStringList args = parser.positionalArguments();
    if (!args.isEmpty())
        args.removeFirst();
    return args;
}

} // namespace cmascope::cli
