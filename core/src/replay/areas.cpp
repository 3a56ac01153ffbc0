// SPDX-License-Identifier: GPL-2.0-or-later
// Replay inputs: --area specs, numbers, debugfs area directories.
#include <cmascope/replay/areas.h>

#include <algorithm>
#include <charconv>
#include <system_error>

namespace cmascope {

std::string_view areaSourceName(AreaSource s) noexcept
{
    switch (s) {
    case AreaSource::Project:
        return "project";
    case AreaSource::Debugfs:
        return "debugfs";
    case AreaSource::BootLog:
        return "boot log";
    case AreaSource::CommandLine:
        return "command line";
    case AreaSource::Inferred:
        return "inferred";
    }
    return "?";
}

std::optional<std::uint64_t> parseReplayNumber(std::string_view text)
{
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    if (text.empty())
        return std::nullopt;
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
    if (ec != std::errc() || ptr != text.data() + text.size())
        return std::nullopt;
    return v;
}

namespace {

constexpr std::size_t kMaxRanges = 8; // CMA_MAX_RANGES (mm/cma.h since 6.15; docs/kernel-cma.md)

/// One "BASE_PFN+PAGES" of a spec; an error message (starting with @p what) when it is malformed.
std::variant<AreaRange, std::string> parseRange(std::string_view text, const std::string& what)
{
    const auto plus = text.find('+');
    if (plus == std::string_view::npos)
        return what + "expected BASE_PFN+PAGES, not '" + std::string(text) + "'";
    const std::string_view baseText = text.substr(0, plus);
    const std::string_view pagesText = text.substr(plus + 1);
    const auto base = parseReplayNumber(baseText);
    if (!base)
        return what + "BASE_PFN '" + std::string(baseText) + "' is not a decimal or 0x hex number";
    const auto pages = parseReplayNumber(pagesText);
    if (!pages)
        return what + "PAGES '" + std::string(pagesText) + "' is not a decimal or 0x hex number";
    if (*pages == 0)
        return what + "PAGES must be greater than 0";
    if (*pages >= (std::uint64_t { 1 } << 40) || *base >= (std::uint64_t { 1 } << 52))
        return what + "BASE_PFN+PAGES is beyond any physical address";
    return AreaRange { *base, *pages };
}

/// The ranges' checks against each other and the order per bit; an error message or empty.
std::string checkRanges(const std::vector<AreaRange>& ranges, unsigned orderPerBit, const std::string& what)
{
    if (ranges.size() > kMaxRanges)
        return what + std::to_string(ranges.size()) + " ranges: an area has at most " + std::to_string(kMaxRanges)
            + " (CMA_MAX_RANGES)";
    const std::uint64_t unit = std::uint64_t { 1 } << orderPerBit;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        const std::string which = ranges.size() > 1 ? " (range " + std::to_string(i) + ")" : std::string();
        if (ranges[i].pages % unit != 0)
            return what + "PAGES must be a multiple of 2^ORDER_PER_BIT (" + std::to_string(unit) + ")" + which;
        if (ranges[i].basePfn % unit != 0)
            return what + "BASE_PFN must be a multiple of 2^ORDER_PER_BIT (" + std::to_string(unit) + ")" + which;
        for (std::size_t j = 0; j < i; ++j)
            if (ranges[i].basePfn < ranges[j].basePfn + ranges[j].pages
                && ranges[j].basePfn < ranges[i].basePfn + ranges[i].pages)
                return what + "range " + std::to_string(i) + " overlaps range " + std::to_string(j);
    }
    return {};
}

} // namespace

std::variant<AreaSpec, std::string> parseAreaSpec(std::string_view text)
{
    const std::string what = "--area " + std::string(text) + ": ";
    const auto eq = text.find('=');
    if (eq == std::string_view::npos)
        return what + "expected NAME=BASE_PFN+PAGES[,BASE_PFN+PAGES...][/ORDER_PER_BIT]";
    AreaSpec spec;
    spec.name = std::string(text.substr(0, eq));
    if (spec.name.empty())
        return what + "NAME is empty";
    std::string_view rest = text.substr(eq + 1);
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        const std::string_view opbText = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
        if (opbText.empty())
            return what + "ORDER_PER_BIT is empty";
        const auto opb = parseReplayNumber(opbText);
        if (!opb || *opb > 30)
            return what + "ORDER_PER_BIT '" + std::string(opbText) + "' must be a number from 0 to 30";
        spec.orderPerBit = static_cast<unsigned>(*opb);
    }
    if (rest.find('+') == std::string_view::npos)
        return what + "expected BASE_PFN+PAGES after '='";
    std::vector<AreaRange> ranges;
    while (true) {
        const auto comma = rest.find(',');
        auto range = parseRange(rest.substr(0, comma), what);
        if (auto* err = std::get_if<std::string>(&range))
            return *err;
        ranges.push_back(std::get<AreaRange>(range));
        if (comma == std::string_view::npos)
            break;
        rest = rest.substr(comma + 1);
    }
    if (std::string err = checkRanges(ranges, spec.orderPerBit, what); !err.empty())
        return err;
    spec.basePfn = ranges.front().basePfn;
    spec.pages = ranges.front().pages;
    spec.moreRanges.assign(ranges.begin() + 1, ranges.end());
    return spec;
}

DebugfsAreasResult readDebugfsAreas(const std::filesystem::path& dir)
{
    DebugfsAreasResult out;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        out.error = dir.string() + ": not a directory (expected a debugfs cma area directory or a folder of them)";
        return out;
    }
    auto readOne = [&](const std::filesystem::path& d) -> bool {
        auto r = readDebugfsSnapshot(d);
        if (!r.snapshot) {
            out.error = r.error;
            return false;
        }
        out.snapshots.push_back(std::move(*r.snapshot));
        out.origins.push_back(d.string());
        return true;
    };
    if (std::filesystem::exists(dir / "count", ec)) {
        readOne(dir);
        return out;
    }
    std::vector<std::filesystem::path> subdirs;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.is_directory() && std::filesystem::exists(entry.path() / "count"))
            subdirs.push_back(entry.path());
    std::sort(subdirs.begin(), subdirs.end());
    if (subdirs.empty()) {
        out.error = dir.string() + ": no debugfs cma area here (no 'count' file in it or in its subdirectories)";
        return out;
    }
    for (const auto& d : subdirs)
        if (!readOne(d))
            return out;
    return out;
}

} // namespace cmascope
