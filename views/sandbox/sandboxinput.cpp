// SPDX-License-Identifier: GPL-2.0-or-later
#include "sandbox/sandboxinput.h"

#include "common/textformat.h"

#include <cmascope/model/maplang.h>
#include <cmascope/util/memparse.h>

#include <QCoreApplication>

#include <algorithm>
#include <bit>

namespace cmascope::views {

namespace {

QString tr(const char* text)
{
    // the context lupdate files a free function's tr() under: its namespace (the template, app/CMakeLists.txt)
    return QCoreApplication::translate("cmascope::views", text);
}

/// memparse() of the whole of @p text (blanks around it ignored), or why not; @p what names the field.
SizeInput parseWhole(const QString& text, const QString& what)
{
    const std::string s = text.trimmed().toStdString();
    if (s.empty())
        return { std::nullopt, tr("%1: type a size, like 4096, 64K, 6M or 0x1000.").arg(what) };
    const MemparseResult m = memparse(s);
    if (m.overflow)
        return { std::nullopt, tr("%1 '%2' does not fit in 64 bits.").arg(what, text.trimmed()) };
    if (!m.digits || m.end != s.size())
        return { std::nullopt, tr("%1 '%2' is not a size (like 4096, 64K, 6M, 0x1000).").arg(what, text.trimmed()) };
    return { m.value, {} };
}

} // namespace

SizeInput parseRequestSize(const QString& text, const Platform& platform)
{
    SizeInput in = parseWhole(text, tr("Size"));
    if (!in.bytes)
        return in;
    if (*in.bytes == 0)
        return { std::nullopt, tr("Size: a request needs at least one byte.") };
    std::uint64_t largest = 0;
    for (const Bank& b : platform.banks)
        largest = std::max(largest, b.size);
    if (*in.bytes > largest)
        return { std::nullopt,
            tr("Size %1 is larger than the largest memory bank (%2): no region could ever hold it.")
                .arg(sizeString(*in.bytes), sizeString(largest)) };
    return in;
}

SizeInput parseAlignment(const QString& text)
{
    if (text.trimmed().isEmpty())
        return { std::uint64_t { 0 }, {} };
    SizeInput in = parseWhole(text, tr("Alignment"));
    if (in.bytes && !std::has_single_bit(*in.bytes))
        return { std::nullopt, tr("Alignment %1 is not a power of two.").arg(sizeString(*in.bytes)) };
    return in;
}

std::optional<PageRange> pagesTouched(
    std::uint64_t base, std::uint64_t size, std::uint64_t pageSize, std::uint64_t begin, std::uint64_t end)
{
    if (pageSize == 0 || size < pageSize)
        return std::nullopt;
    // Clamp to the region first: every difference below is then between addresses inside it (no wrap).
    const std::uint64_t lo = std::max(begin, base);
    const std::uint64_t hi = std::min(end, base + size);
    if (hi <= lo)
        return std::nullopt;
    const std::uint64_t regionPages = size / pageSize;
    const std::uint64_t first = (lo - base) / pageSize;
    const std::uint64_t last = std::min(regionPages, (hi - base) / pageSize + ((hi - base) % pageSize != 0));
    if (last <= first)
        return std::nullopt;
    return PageRange { first, last - first };
}

std::optional<std::pair<std::string, std::string>> requesterFor(const Platform& platform, const std::string& region,
    std::uint64_t bytes, const std::pair<std::string, std::string>& preferred)
{
    const auto goesThere = [&](const std::string& device, const std::string& kind) {
        const auto r = resolveRegions(platform, device, kind, bytes);
        return !r.regions.empty() && r.regions.front() == region;
    };
    if (!preferred.first.empty() && goesThere(preferred.first, preferred.second))
        return preferred;
    for (const Device& d : platform.devices) {
        if (goesThere(d.name, {}))
            return std::pair { d.name, std::string() };
        for (const Kind& k : platform.kinds)
            if (goesThere(d.name, k.name))
                return std::pair { d.name, k.name };
    }
    return std::nullopt;
}

} // namespace cmascope::views
