// SPDX-License-Identifier: GPL-2.0-or-later
// The demo projects built into the application (resources/demos/*.json).
#pragma once

#include <QString>
#include <QVector>

namespace cmascope::app {

struct DemoInfo
{
    QString resourcePath; ///< ":/demos/<file>.json"
    QString title; ///< the title of the first scenario's lesson, else the platform name
    QString board; ///< the platform name
    QString description; ///< the platform's description
};

/// Every built-in demo, sorted by file name.
QVector<DemoInfo> builtInDemos();
/// The demo opened when the app starts without arguments.
QString defaultDemoPath();
/// Reads a resource (or file) completely; empty with @p error set when it cannot.
QByteArray readAll(const QString& path, QString* error);

} // namespace cmascope::app
