// SPDX-License-Identifier: GPL-2.0-or-later
#include "demos.h"

#include <cmascope/model/project.h>

#include <QDir>
#include <QFile>

namespace cmascope::app {

QByteArray readAll(const QString& path, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return {};
    }
    return f.readAll();
}

QVector<DemoInfo> builtInDemos()
{
    QVector<DemoInfo> demos;
    const QDir dir(QStringLiteral(":/demos"));
    const auto files = dir.entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
    for (const auto& file : files) {
        DemoInfo info;
        info.resourcePath = dir.filePath(file);
        const QByteArray data = readAll(info.resourcePath, nullptr);
        const auto result = parseProject(std::string_view(data.constData(), std::size_t(data.size())));
        if (result.project) {
            // The lesson's title says what the demo teaches; the board's name stays in the tooltip.
            const Project& project = *result.project;
            const auto& scenarios = project.scenarios;
            const bool lesson = !scenarios.empty() && scenarios[0].lesson && !scenarios[0].lesson->title.empty();
            info.title = QString::fromStdString(lesson ? scenarios[0].lesson->title : project.platform.name);
            info.board = QString::fromStdString(project.platform.name);
            info.description = QString::fromStdString(project.platform.description);
        }
        if (info.title.isEmpty())
            info.title = file;
        demos.push_back(info);
    }
    return demos;
}

QString defaultDemoPath()
{
    return QStringLiteral(":/demos/camera-video-2010.json");
}

} // namespace cmascope::app
