// SPDX-License-Identifier: GPL-2.0-or-later
#include "common.h"

#include <cmascope/platform.h>

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

std::string hex(std::uint64_t v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string sizeText(std::uint64_t bytes)
{
    char buf[48];
    if (bytes % cmascope::MiB == 0)
        std::snprintf(buf, sizeof buf, "%llu MiB", static_cast<unsigned long long>(bytes / cmascope::MiB));
    else if (bytes % cmascope::KiB == 0)
        std::snprintf(buf, sizeof buf, "%llu KiB", static_cast<unsigned long long>(bytes / cmascope::KiB));
    else
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    return buf;
}

} // namespace cmascope::cli
