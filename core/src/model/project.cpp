// SPDX-License-Identifier: GPL-2.0-or-later
// The load messages of a project file; reading is in projectreader.cpp, writing in projectwriter.cpp.
#include <cmascope/model/project.h>

namespace cmascope {

std::string LoadMessage::toString() const
{
    std::string s = severity == Severity::Warning ? "warning: " : "";
    if (!path.empty())
        s += path + ": ";
    return s + message;
}

std::string ProjectLoadResult::errorText() const
{
    std::string out;
    for (const auto& m : messages)
        out += m.toString() + '\n';
    return out;
}

} // namespace cmascope
