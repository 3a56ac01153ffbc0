// SPDX-License-Identifier: GPL-2.0-or-later
// Format names, format guessing, import/export dispatch and the helpers of config_internal.h.
#include "internal.h"

#include <cmascope/util/memparse.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace cmascope {

namespace {

struct FormatName
{
    ConfigFormat format;
    std::string_view id;
};
constexpr std::array kFormats {
    FormatName { ConfigFormat::Json, "json" },
    FormatName { ConfigFormat::Cmdline, "cmdline" },
    FormatName { ConfigFormat::Dts, "dts" },
    FormatName { ConfigFormat::Dtb, "dtb" },
    FormatName { ConfigFormat::Iomem, "iomem" },
    FormatName { ConfigFormat::Dmesg, "dmesg" },
    FormatName { ConfigFormat::Cma2010, "cma2010" },
    FormatName { ConfigFormat::Verkuil, "verkuil" },
};

bool endsWith(std::string_view s, std::string_view suffix)
{
    if (s.size() < suffix.size())
        return false;
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i])
            return false;
    }
    return true;
}

bool looksLikeIomem(std::string_view content)
{
    // "00000000-00000fff : Reserved": hex-hex, blank, colon
    std::size_t lines = 0, good = 0, pos = 0;
    while (pos < content.size() && lines < 20) {
        auto nl = content.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = content.size();
        std::string_view line = content.substr(pos, nl - pos);
        pos = nl + 1;
        while (!line.empty() && line.front() == ' ')
            line.remove_prefix(1);
        if (line.empty())
            continue;
        ++lines;
        const auto dash = line.find('-');
        const auto colon = line.find(" : ");
        if (dash == std::string_view::npos || colon == std::string_view::npos || dash > colon || dash == 0)
            continue;
        const auto isHex = [](std::string_view h) {
            return !h.empty()
                && std::all_of(h.begin(), h.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
        };
        if (isHex(line.substr(0, dash)) && isHex(line.substr(dash + 1, colon - dash - 1)))
            ++good;
    }
    return lines > 0 && good == lines;
}

} // namespace

std::string_view configFormatId(ConfigFormat format) noexcept
{
    for (const auto& f : kFormats) {
        if (f.format == format)
            return f.id;
    }
    return "json";
}

std::optional<ConfigFormat> configFormatFromId(std::string_view id) noexcept
{
    for (const auto& f : kFormats) {
        if (f.id == id)
            return f.format;
    }
    return std::nullopt;
}

bool canExport(ConfigFormat format) noexcept
{
    return format != ConfigFormat::Dtb && format != ConfigFormat::Iomem && format != ConfigFormat::Dmesg;
}

std::string_view lang2010FormId(Lang2010Form form) noexcept
{
    switch (form) {
    case Lang2010Form::V1:
        return "v1";
    case Lang2010Form::V3:
        return "v3";
    case Lang2010Form::V4:
        return "v4";
    case Lang2010Form::PlatformCode:
        return "code";
    }
    return "v3";
}

Lang2010Form lang2010FormOf(const std::optional<MapDialect>& dialect) noexcept
{
    if (!dialect)
        return Lang2010Form::V3;
    switch (*dialect) {
    case MapDialect::V1:
        return Lang2010Form::V1;
    case MapDialect::V4:
        return Lang2010Form::V4;
    case MapDialect::V6:
        return Lang2010Form::PlatformCode; // v6 dropped the command line
    case MapDialect::V3:
        break;
    }
    return Lang2010Form::V3;
}

std::optional<Lang2010Form> lang2010FormFromId(std::string_view id) noexcept
{
    for (auto f : { Lang2010Form::V1, Lang2010Form::V3, Lang2010Form::V4, Lang2010Form::PlatformCode }) {
        if (lang2010FormId(f) == id)
            return f;
    }
    return std::nullopt;
}

std::optional<ConfigFormat> guessConfigFormat(std::string_view fileName, std::string_view content)
{
    if (content.size() >= 4 && static_cast<unsigned char>(content[0]) == 0xd0
        && static_cast<unsigned char>(content[1]) == 0x0d && static_cast<unsigned char>(content[2]) == 0xfe
        && static_cast<unsigned char>(content[3]) == 0xed)
        return ConfigFormat::Dtb;
    if (endsWith(fileName, ".dtb") || endsWith(fileName, ".dtbo"))
        return ConfigFormat::Dtb;
    if (endsWith(fileName, ".dts") || endsWith(fileName, ".dtsi"))
        return ConfigFormat::Dts;
    if (endsWith(fileName, ".json"))
        return ConfigFormat::Json;
    if (endsWith(fileName, "iomem"))
        return ConfigFormat::Iomem;

    std::size_t first = 0;
    while (first < content.size() && std::isspace(static_cast<unsigned char>(content[first])))
        ++first;
    const std::string_view body = content.substr(first);
    if (body.starts_with("{"))
        return ConfigFormat::Json;
    if (body.find("/dts-v1/") != std::string_view::npos)
        return ConfigFormat::Dts;
    if (looksLikeIomem(body))
        return ConfigFormat::Iomem;
    for (std::string_view key : { "cma: Reserved ", "Reserved memory: created CMA memory pool",
             "OF: reserved mem: ", "hugetlb_cma: reserved " }) {
        if (body.find(key) != std::string_view::npos)
            return ConfigFormat::Dmesg;
    }
    const auto params = configio::splitKernelCmdline(body);
    bool mainline = false;
    for (const auto& p : params) {
        if (p.name == "cma_map" || p.name == "cma.map")
            return ConfigFormat::Cma2010;
        if (p.name == "cma" && p.value.find('=') != std::string::npos)
            return ConfigFormat::Cma2010;
        if (p.name == "cma" || p.name == "cma_pernuma" || p.name == "numa_cma" || p.name == "hugetlb_cma")
            mainline = true;
    }
    if (mainline)
        return ConfigFormat::Cmdline;
    // Verkuil: "type[/drivers]=size" entries separated by ';'
    if (body.find('=') != std::string_view::npos) {
        auto probe = importVerkuil(body);
        if (probe.ok())
            return ConfigFormat::Verkuil;
    }
    return std::nullopt;
}

std::string ImportResult::errorText() const
{
    std::string out;
    for (const auto& m : messages) {
        out += source.empty() ? std::string("<input>") : source;
        if (!m.path.empty())
            out += ": " + m.path;
        out += ": ";
        out += severityName(m.severity);
        out += ": " + m.message + '\n';
    }
    return out;
}

ExportResult exportConfig(const Project& project, ConfigFormat format, const ExportOptions& options)
{
    switch (format) {
    case ConfigFormat::Json: {
        ExportResult r;
        r.text = serializeProject(project);
        return r;
    }
    case ConfigFormat::Cmdline:
        return exportCmdline(project.platform);
    case ConfigFormat::Dts:
        return exportDeviceTree(project.platform, options.dtCells);
    case ConfigFormat::Cma2010:
        return export2010(project.platform, options.form2010.value_or(lang2010FormOf(project.platform.mapDialect)));
    case ConfigFormat::Verkuil:
        return exportVerkuil(project.platform);
    case ConfigFormat::Dtb:
    case ConfigFormat::Iomem:
    case ConfigFormat::Dmesg:
        break;
    }
    ExportResult r;
    r.error = "cmascope cannot write the " + std::string(configFormatId(format))
        + " format (it is read-only: use dts, cmdline, cma2010, verkuil or json)";
    return r;
}

ImportResult importConfig(std::string_view content, ConfigFormat format, const ImportOptions& options)
{
    switch (format) {
    case ConfigFormat::Json: {
        ImportResult r;
        r.source = configio::sourceName(options);
        auto loaded = parseProject(content);
        for (const auto& m : loaded.messages) {
            r.messages.push_back({ m.severity == LoadMessage::Severity::Error ? Severity::Error : Severity::Warning,
                m.path, "", m.message, "project" });
        }
        r.project = std::move(loaded.project);
        return r;
    }
    case ConfigFormat::Cmdline:
        return importCmdline(content, options);
    case ConfigFormat::Dts:
        return importDeviceTreeSource(content, options);
    case ConfigFormat::Dtb:
        return importDeviceTreeBlob(content, options);
    case ConfigFormat::Iomem:
        return importIomem(content, options);
    case ConfigFormat::Dmesg:
        return importDmesg(content, options);
    case ConfigFormat::Cma2010:
        return import2010(content, options);
    case ConfigFormat::Verkuil:
        return importVerkuil(content, options);
    }
    return {};
}

std::variant<std::vector<Bank>, std::string> parseMemorySpec(std::string_view text)
{
    std::vector<Bank> banks;
    std::size_t pos = 0;
    const auto error = [&](std::size_t at, const std::string& why) {
        return "memory '" + std::string(text) + "': " + why + " at column " + std::to_string(at + 1);
    };
    if (text.empty())
        return std::string("memory: empty; give SIZE[@BASE], e.g. 4G or 2G@0x80000000");
    while (true) {
        const MemparseResult size = memparse(text, pos);
        if (!size.digits)
            return error(pos, "expected a size (e.g. 4G)");
        if (size.overflow)
            return error(pos, "the size does not fit in 64 bits");
        if (size.value == 0)
            return error(pos, "the size is 0");
        pos = size.end;
        std::uint64_t base = 0;
        if (pos < text.size() && text[pos] == '@') {
            const MemparseResult b = memparse(text, ++pos);
            if (!b.digits)
                return error(pos, "expected a base address after '@'");
            if (b.overflow)
                return error(pos, "the base does not fit in 64 bits");
            base = b.value;
            pos = b.end;
        }
        if (!rangeEnd(base, size.value))
            return error(pos, "base + size passes 2^64");
        for (const Bank& other : banks)
            if (base < other.base + other.size && other.base < base + size.value)
                return error(pos, "overlaps the bank at " + hexText(other.base));
        Bank b;
        b.base = base;
        b.size = size.value;
        b.name = "memory@" + hexText(base).substr(2);
        banks.push_back(std::move(b));
        if (pos == text.size())
            break;
        if (text[pos] != ',')
            return error(pos, std::string("unexpected '") + text[pos] + "' (banks are separated by ',')");
        ++pos;
    }
    return banks;
}

namespace configio {

std::vector<KernelParam> splitKernelCmdline(std::string_view text)
{
    // kernel/params.c next_arg()
    std::vector<KernelParam> out;
    std::size_t i = 0;
    const auto isSpace = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (i < text.size()) {
        while (i < text.size() && isSpace(text[i]))
            ++i;
        if (i >= text.size())
            break;
        std::size_t start = i;
        bool inQuote = false, quoted = false;
        if (text[start] == '"') {
            ++start;
            inQuote = quoted = true;
        }
        std::size_t j = start, equals = std::string_view::npos;
        for (; j < text.size(); ++j) {
            if (isSpace(text[j]) && !inQuote)
                break;
            if (equals == std::string_view::npos && text[j] == '=')
                equals = j;
            if (text[j] == '"')
                inQuote = !inQuote;
        }
        std::size_t end = j; // exclusive
        KernelParam p;
        if (equals == std::string_view::npos) {
            if (quoted && end > start && text[end - 1] == '"')
                --end;
            p.name = std::string(text.substr(start, end - start));
        } else {
            p.name = std::string(text.substr(start, equals - start));
            std::size_t v = equals + 1;
            if (v < end && text[v] == '"') {
                ++v;
                if (end > v && text[end - 1] == '"')
                    --end;
            } else if (quoted && end > v && text[end - 1] == '"') {
                --end;
            }
            p.hasValue = true;
            p.valueOffset = v;
            p.value = std::string(text.substr(v, end > v ? end - v : 0));
        }
        out.push_back(std::move(p));
        i = j;
    }
    return out;
}

void Messages::error(std::string path, std::string item, std::string message, std::string check)
{
    m_result.messages.push_back(
        { Severity::Error, std::move(path), std::move(item), std::move(message), std::move(check) });
}

void Messages::warning(std::string path, std::string item, std::string message, std::string check)
{
    m_result.messages.push_back(
        { Severity::Warning, std::move(path), std::move(item), std::move(message), std::move(check) });
}

void Messages::info(std::string path, std::string item, std::string message, std::string check)
{
    m_result.messages.push_back(
        { Severity::Info, std::move(path), std::move(item), std::move(message), std::move(check) });
}

bool Messages::hasErrors() const
{
    return std::any_of(m_result.messages.begin(), m_result.messages.end(),
        [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

Platform declaredOf(const Platform& placed)
{
    Platform p = placed;
    undoRangeSplits(p);
    return p;
}

Platform startPlatform(const ImportOptions& options, bool keepRules, bool keepRegions)
{
    Platform p = options.base ? declaredOf(*options.base) : Platform {};
    if (!keepRegions)
        p.regions.clear();
    if (!keepRules)
        p.rules.clear();
    return p;
}

Platform beginImport(ImportResult& result, const ImportOptions& options, MapMode mode, std::string_view defaultName)
{
    result.source = sourceName(options);
    Platform pf = startPlatform(options);
    pf.mapMode = mode;
    if (pf.name.empty())
        pf.name = std::string(defaultName);
    return pf;
}

void finish(ImportResult& result, Platform platform)
{
    Messages m(result);
    if (m.hasErrors())
        return;
    Project project;
    project.platform = std::move(platform);
    result.project = std::move(project);
}

void finishAsKernel(ImportResult& result, Platform platform)
{
    if (!Messages(result).hasErrors()) {
        finish(result, std::move(platform));
        return;
    }
    const bool kernelOnly = std::all_of(result.messages.begin(), result.messages.end(),
        [](const Diagnostic& d) { return d.severity != Severity::Error || d.check == "kernel-rejects"; });
    if (!kernelOnly)
        return;
    Project project;
    project.platform = std::move(platform);
    result.kernelKept = std::move(project);
}

std::string sourceName(const ImportOptions& options)
{
    return options.sourceName.empty() ? std::string("<input>") : options.sourceName;
}

std::string column(std::string_view param, std::size_t offset)
{
    return std::string(param) + " column " + std::to_string(offset + 1);
}

} // namespace configio

} // namespace cmascope
