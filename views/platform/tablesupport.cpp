// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/tablesupport.h"

#include <QApplication>
#include <QColor>
#include <QGuiApplication>
#include <QPalette>
#include <QStringList>
#include <QStyle>

namespace cmascope::views::tablesupport {

QString joinNames(const std::vector<std::string>& names, const QString& sep)
{
    QStringList list;
    for (const auto& n : names)
        list << qs(n);
    return list.join(sep);
}

void renameInPatterns(Platform& p, const std::string& from, const std::string& to, bool kindPart)
{
    for (MapRule& rule : p.rules) {
        for (std::string& pattern : rule.patterns) {
            const auto slash = pattern.find('/');
            if (kindPart) {
                if (slash != std::string::npos && pattern.substr(slash + 1) == from)
                    pattern = pattern.substr(0, slash + 1) + to;
            } else if (pattern.substr(0, slash) == from) {
                pattern = to + (slash == std::string::npos ? std::string() : pattern.substr(slash));
            }
        }
    }
}

QIcon severityIcon(Severity s)
{
    if (!qobject_cast<QApplication*>(QCoreApplication::instance()))
        return {};
    QStyle* style = QApplication::style();
    switch (s) {
    case Severity::Error:
        return style->standardIcon(QStyle::SP_MessageBoxCritical);
    case Severity::Warning:
        return style->standardIcon(QStyle::SP_MessageBoxWarning);
    case Severity::Info:
        return style->standardIcon(QStyle::SP_MessageBoxInformation);
    }
    return {};
}

QBrush severityBrush(Severity s)
{
    switch (s) {
    case Severity::Error:
        return QColor(230, 40, 40, 90);
    case Severity::Warning:
        return QColor(235, 170, 0, 80);
    case Severity::Info:
        return {};
    }
    return {};
}

QBrush mutedBrush()
{
    return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
}

} // namespace cmascope::views::tablesupport
