// SPDX-License-Identifier: GPL-2.0-or-later
// /sys/kernel/mm/cma/<area>/ counters (docs/evidence-imports.md, "/sys/kernel/mm/cma").
#include "textlines.h"

#include <cmascope/system/cmasysfs.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

namespace cmascope {

using namespace systeminternal;

const CmaSysfsArea* CmaSysfsSnapshot::find(std::string_view name) const
{
    for (const auto& a : areas)
        if (a.name == name)
            return &a;
    return nullptr;
}

namespace {

/// The kernel's counter files (docs/evidence-imports.md).
constexpr const char* kFiles[] = { "alloc_pages_success", "alloc_pages_fail", "release_pages_success", "total_pages",
    "available_pages" };

/// The counter of @p area named @p file (nullptr: not one of the kernel's counter files).
std::optional<std::uint64_t>* counterOf(CmaSysfsArea& area, std::string_view file)
{
    if (file == "alloc_pages_success")
        return &area.allocPagesSuccess;
    if (file == "alloc_pages_fail")
        return &area.allocPagesFail;
    if (file == "release_pages_success")
        return &area.releasePagesSuccess;
    if (file == "total_pages")
        return &area.totalPages;
    if (file == "available_pages")
        return &area.availablePages;
    return nullptr;
}

CmaSysfsArea& areaNamed(CmaSysfsSnapshot& s, std::string_view name)
{
    for (auto& a : s.areas)
        if (a.name == name)
            return a;
    s.areas.push_back(CmaSysfsArea { std::string(name), {}, {}, {}, {}, {} });
    return s.areas.back();
}

/// "AREA FILE VALUE", or "[...]/AREA/FILE:VALUE" (grep -r . /sys/kernel/mm/cma): false when neither.
bool splitSysfsLine(std::string_view line, std::string_view& area, std::string_view& file, std::string_view& value)
{
    const auto words = splitWords(line);
    if (words.size() == 3) {
        area = words[0];
        file = words[1];
        value = words[2];
        return true;
    }
    if (words.size() != 1)
        return false;
    const auto colon = words[0].rfind(':');
    const std::string_view path = words[0].substr(0, colon);
    const auto slash = path.rfind('/');
    if (colon == std::string_view::npos || slash == std::string_view::npos || slash == 0)
        return false;
    const auto areaStart = path.rfind('/', slash - 1);
    area = path.substr(areaStart == std::string_view::npos ? 0 : areaStart + 1,
        slash - (areaStart == std::string_view::npos ? 0 : areaStart + 1));
    file = path.substr(slash + 1);
    value = words[0].substr(colon + 1);
    return !area.empty() && !file.empty();
}

std::optional<std::string> slurp(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// One area's folder into @p s; false with @p error naming the file.
bool readAreaDir(const std::filesystem::path& dir, const std::string& name, CmaSysfsSnapshot& s, std::string& error)
{
    CmaSysfsArea& area = areaNamed(s, name);
    bool any = false;
    for (const char* file : kFiles) {
        const auto path = dir / file;
        std::error_code ec;
        if (!std::filesystem::exists(path, ec))
            continue;
        const auto text = slurp(path);
        const auto value =
            text ? parseDecimal(trim(std::string_view(*text).substr(0, text->find('\n')))) : std::nullopt;
        if (!value) {
            error = path.string() + ":1: " + (text ? "not a decimal count" : "cannot be read");
            return false;
        }
        *counterOf(area, file) = value;
        any = true;
    }
    if (!any)
        s.areas.pop_back(); // not an area's folder
    return true;
}

} // namespace

CmaSysfsRead parseCmaSysfsText(std::string_view text, std::string_view fileName)
{
    CmaSysfsRead out;
    CmaSysfsSnapshot s;
    const auto lines = splitLines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (trim(lines[i]).empty())
            continue;
        std::string_view area, file, value;
        if (!splitSysfsLine(lines[i], area, file, value)) {
            out.error = lineError(fileName, i + 1, "expected \"AREA FILE VALUE\" or \".../AREA/FILE:VALUE\"");
            return out;
        }
        const auto v = parseDecimal(value);
        if (!v) {
            out.error = lineError(fileName, i + 1,
                std::string(area) + '/' + std::string(file) + ": \"" + std::string(value)
                    + "\" is not a decimal count");
            return out;
        }
        CmaSysfsArea& a = areaNamed(s, area);
        if (auto* counter = counterOf(a, file))
            *counter = v;
    }
    if (s.areas.empty()) {
        out.error = std::string(fileName) + ": no CMA area counter in it";
        return out;
    }
    out.snapshot = std::move(s);
    return out;
}

CmaSysfsRead readCmaSysfs(const std::filesystem::path& path)
{
    std::error_code ec;
    CmaSysfsRead out;
    if (!std::filesystem::is_directory(path, ec)) {
        const auto text = slurp(path);
        if (!text) {
            out.error = path.string() + ": cannot be read";
            return out;
        }
        return parseCmaSysfsText(*text, path.string());
    }
    CmaSysfsSnapshot s;
    const bool areaFolder = std::any_of(
        std::begin(kFiles), std::end(kFiles), [&](const char* f) { return std::filesystem::exists(path / f, ec); });
    if (areaFolder) {
        if (!readAreaDir(path, path.filename().string(), s, out.error))
            return out;
    } else {
        std::vector<std::filesystem::path> dirs;
        for (const auto& e : std::filesystem::directory_iterator(path, ec))
            if (e.is_directory())
                dirs.push_back(e.path());
        std::sort(dirs.begin(), dirs.end());
        for (const auto& d : dirs)
            if (!readAreaDir(d, d.filename().string(), s, out.error))
                return out;
    }
    if (s.areas.empty()) {
        out.error = path.string() + ": no CMA area folder (with total_pages, alloc_pages_success, ...) in it";
        return out;
    }
    out.snapshot = std::move(s);
    return out;
}

} // namespace cmascope
