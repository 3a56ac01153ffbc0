// SPDX-License-Identifier: GPL-2.0-or-later
// CMA reservation messages of the boot log (mm/cma.c, kernel/dma/contiguous.c,
// drivers/of/of_reserved_mem.c, mm/hugetlb.c, mm/mm_init.c).
#include <cmascope/trace/bootlog.h>
#include <cmascope/util/units.h>

#include <charconv>
#include <cstring>

namespace cmascope {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

std::string_view skipSpaces(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    return s;
}

/// Removes "[    0.000000] " (and a syslog "<6>" level) from a dmesg line.
std::string_view stripPrefix(std::string_view line)
{
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.size() > 2 && line[0] == '<') {
        const auto gt = line.find('>');
        if (gt != std::string_view::npos && gt < 5)
            line.remove_prefix(gt + 1);
    }
    if (!line.empty() && line.front() == '[') {
        const auto close = line.find(']');
        if (close != std::string_view::npos) {
            bool stamp = close > 1;
            for (char c : line.substr(1, close - 1))
                stamp = stamp && (isDigit(c) || c == ' ' || c == '.');
            if (stamp)
                line = skipSpaces(line.substr(close + 1));
        }
    }
    return line;
}

/// Reads an unsigned number (decimal, or hex with 0x) at the start of s; advances s.
bool takeNumber(std::string_view& s, std::uint64_t& v)
{
    s = skipSpaces(s);
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s.remove_prefix(2);
        base = 16;
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || p == s.data())
        return false;
    s.remove_prefix(static_cast<std::size_t>(p - s.data()));
    return true;
}

bool takeInt(std::string_view& s, int& v)
{
    s = skipSpaces(s);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
    if (ec != std::errc() || p == s.data())
        return false;
    s.remove_prefix(static_cast<std::size_t>(p - s.data()));
    return true;
}

bool take(std::string_view& s, std::string_view word)
{
    s = skipSpaces(s);
    if (!s.starts_with(word))
        return false;
    s.remove_prefix(word.size());
    return true;
}

/// "<n> MiB" / "KiB" / "GiB" / "KB" / "MB" -> bytes.
bool takeSize(std::string_view& s, std::uint64_t& bytes)
{
    std::uint64_t n = 0;
    if (!takeNumber(s, n))
        return false;
    s = skipSpaces(s);
    std::uint64_t unit = 0;
    if (s.starts_with("KiB") || s.starts_with("KB"))
        unit = 1024;
    else if (s.starts_with("MiB") || s.starts_with("MB"))
        unit = 1024 * 1024;
    else if (s.starts_with("GiB") || s.starts_with("GB"))
        unit = 1024ull * 1024 * 1024;
    else
        return false;
    s.remove_prefix(s.starts_with("KB") || s.starts_with("MB") || s.starts_with("GB") ? 2 : 3);
    const auto product = checkedMul(n, unit); // a size past 2^64 is no size, not a wrapped small one
    if (!product)
        return false;
    bytes = *product;
    return true;
}

std::string_view after(std::string_view text, std::string_view key)
{
    const auto pos = text.find(key);
    return pos == std::string_view::npos ? std::string_view() : text.substr(pos + key.size());
}

bool contains(std::string_view text, std::string_view key)
{
    return text.find(key) != std::string_view::npos;
}

/// "cma: Reserved <size> at <base>[ on node <n>]" or "cma: Reserved <size> in <n> range(s)".
bool parseCmaReserved(std::string_view reserved, BootLogArea& a)
{
    std::uint64_t size = 0;
    if (!takeSize(reserved, size))
        return false;
    a.size = size;
    std::uint64_t base = 0;
    if (take(reserved, "at") && takeNumber(reserved, base)) {
        a.kind = BootLogKind::CmaReserved;
        a.base = base;
        int node = -1;
        if (take(reserved, "on node") && takeInt(reserved, node))
            a.node = node;
        return true;
    }
    if (take(reserved, "in")) {
        int ranges = 0;
        if (takeInt(reserved, ranges) && take(reserved, "range")) {
            a.kind = BootLogKind::CmaReservedRanges;
            return true;
        }
    }
    return false;
}

/// "Reserved memory: created CMA memory pool at <base>, size <size>".
bool parseDtPoolCreated(std::string_view pool, BootLogArea& a)
{
    std::uint64_t base = 0, size = 0;
    if (!(takeNumber(pool, base) && take(pool, ",") && take(pool, "size") && takeSize(pool, size)))
        return false;
    a.kind = BootLogKind::DtPoolCreated;
    a.base = base;
    a.size = size;
    return true;
}

/// "OF: reserved mem: initialized node NAME, compatible id shared-dma-pool".
bool parseDtNodeInitialized(std::string_view initialized, BootLogArea& a)
{
    const auto comma = initialized.find(", compatible id ");
    if (comma == std::string_view::npos || !contains(initialized.substr(comma), "shared-dma-pool"))
        return false;
    a.kind = BootLogKind::DtNodeInitialized;
    a.name = std::string(initialized.substr(0, comma));
    return true;
}

/// "OF: reserved mem: 0x<base>..0x<end> (N KiB) map reusable NAME" (also "-" and "( N KB )").
bool parseDtReservedRange(std::string_view range, BootLogArea& a)
{
    std::uint64_t base = 0, last = 0, size = 0;
    if (!(takeNumber(range, base) && (take(range, "..") || take(range, "-")) && takeNumber(range, last)
            && take(range, "(") && takeSize(range, size) && take(range, ")")))
        return false;
    range = skipSpaces(range);
    const bool nomap = range.starts_with("nomap");
    range.remove_prefix(nomap ? 5 : (range.starts_with("map") ? 3 : 0));
    if (!take(range, "reusable")) // CMA areas are reusable; carve-outs are not
        return false;
    a.kind = BootLogKind::DtReservedRange;
    a.base = base;
    a.size = size;
    a.name = std::string(skipSpaces(range));
    return true;
}

/// "hugetlb_cma: reserved <size>[ on node <n>]": named "hugetlbN".
bool parseHugetlbCma(std::string_view hugetlb, BootLogArea& a)
{
    std::uint64_t size = 0;
    int node = -1;
    if (!takeSize(hugetlb, size))
        return false;
    a.kind = BootLogKind::HugetlbCma;
    a.size = size;
    if (take(hugetlb, "on node") && takeInt(hugetlb, node))
        a.node = node;
    a.name = a.node >= 0 ? "hugetlb" + std::to_string(a.node) : std::string();
    return true;
}

/// "Memory: ... <n>K cma-reserved ...": the total of all areas.
bool parseMemoryCmaReserved(std::string_view msg, BootLogArea& a)
{
    const auto k = msg.find("K cma-reserved");
    std::size_t b = k;
    while (b > 0 && isDigit(msg[b - 1]))
        --b;
    std::uint64_t kib = 0;
    auto [p, ec] = std::from_chars(msg.data() + b, msg.data() + k, kib, 10);
    const auto bytes = checkedMul(kib, 1024);
    if (!(b < k && ec == std::errc() && p == msg.data() + k && bytes))
        return false;
    a.kind = BootLogKind::MemoryCmaReserved;
    a.size = *bytes;
    return true;
}

/// One message (without its prefix): the first kind whose words it holds decides; true if it parses as that.
bool parseMessage(std::string_view msg, BootLogArea& a)
{
    if (std::string_view reserved = after(msg, "cma: Reserved "); !reserved.empty())
        return parseCmaReserved(reserved, a);
    if (std::string_view pool = after(msg, "Reserved memory: created CMA memory pool at "); !pool.empty())
        return parseDtPoolCreated(pool, a);
    if (std::string_view initialized = after(msg, "OF: reserved mem: initialized node "); !initialized.empty())
        return parseDtNodeInitialized(initialized, a);
    if (std::string_view range = after(msg, "OF: reserved mem: "); !range.empty() && range.starts_with("0x"))
        return parseDtReservedRange(range, a);
    if (std::string_view hugetlb = after(msg, "hugetlb_cma: reserved "); !hugetlb.empty())
        return parseHugetlbCma(hugetlb, a);
    if (msg.starts_with("Memory: ") && contains(msg, "K cma-reserved"))
        return parseMemoryCmaReserved(msg, a);
    return false;
}

/// Names from context: a `cma: Reserved` line followed by hugetlb_cma's, or without node (the global area);
/// a DT pool followed by its "initialized node NAME" line.
void nameFromContext(std::vector<BootLogArea>& out)
{
    for (std::size_t i = 0; i < out.size(); ++i) {
        BootLogArea& a = out[i];
        if (a.kind == BootLogKind::CmaReserved && a.name.empty()) {
            // hugetlb_cma_reserve() prints its line right after cma_declare_contiguous_nid()'s.
            if (i + 1 < out.size() && out[i + 1].kind == BootLogKind::HugetlbCma && out[i + 1].line == a.line + 1) {
                a.name = out[i + 1].name;
                a.nameInferred = true;
            } else if (a.node < 0) {
                // dma_contiguous_reserve_area(..., "reserved", ...): the global area (NUMA_NO_NODE)
                a.name = "reserved";
                a.nameInferred = true;
            }
        } else if (a.kind == BootLogKind::DtPoolCreated && a.name.empty()) {
            // followed by "initialized node NAME, compatible id shared-dma-pool"
            for (std::size_t j = i + 1; j < out.size() && out[j].line <= a.line + 3; ++j) {
                if (out[j].kind == BootLogKind::DtNodeInitialized) {
                    a.name = out[j].name;
                    a.nameInferred = true;
                    out[j].base = a.base;
                    out[j].size = a.size;
                    break;
                }
            }
        }
    }
}

} // namespace

std::string_view dmesgMessage(std::string_view line)
{
    return stripPrefix(line);
}

std::vector<BootLogArea> parseBootLog(std::string_view text)
{
    std::vector<BootLogArea> out;
    std::uint32_t lineNo = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto nl = text.find('\n', pos);
        const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
        const std::string_view msg = stripPrefix(text.substr(pos, end - pos));
        pos = end + 1;
        ++lineNo;

        BootLogArea a;
        a.line = lineNo;
        a.text = std::string(msg);
        if (parseMessage(msg, a))
            out.push_back(std::move(a));
    }
    nameFromContext(out);
    return out;
}

} // namespace cmascope
