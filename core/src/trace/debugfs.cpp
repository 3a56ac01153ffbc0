// SPDX-License-Identifier: GPL-2.0-or-later
// mm/cma_debug.c debugfs files: numbers as "%llu\n", bitmap as u32 words "%u" separated by ' '.
#include <cmascope/trace/debugfs.h>

#include <bit>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace cmascope {

namespace {

constexpr std::size_t kMaxDebugfsFile = 64u << 20; // a bitmap of 2^31 bits is ~2.7 GB: refuse silly sizes

bool readSmallFile(const std::filesystem::path& file, std::string& out, std::string& error)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        error = file.string() + ": cannot open";
        return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) {
        error = file.string() + ": read error";
        return false;
    }
    out = std::move(ss).str();
    if (out.size() > kMaxDebugfsFile) {
        error = file.string() + ": file too large";
        return false;
    }
    return true;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool readNumber(const std::filesystem::path& file, std::uint64_t& value, std::string& error)
{
    std::string text;
    if (!readSmallFile(file, text, error))
        return false;
    const std::string_view t = trim(text);
    if (t.empty()) {
        error = file.string() + ": empty file (expected a decimal number)";
        return false;
    }
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), value, 10);
    if (ec != std::errc() || p != t.data() + t.size()) {
        const std::string shown(t.substr(0, 40));
        error = file.string() + ": expected a decimal number, got '" + shown + "'";
        return false;
    }
    return true;
}

bool readBitmap(const std::filesystem::path& file, std::vector<std::uint32_t>& out, std::string& error)
{
    std::string text;
    if (!readSmallFile(file, text, error))
        return false;
    std::string err;
    auto words = parseDebugfsBitmap(text, &err);
    if (!words) {
        error = file.string() + ": " + err;
        return false;
    }
    out = std::move(*words);
    return true;
}

/// A bitmap covers DIV_ROUND_UP(count >> order_per_bit, 32) words.
bool checkWords(
    const std::filesystem::path& file, std::size_t words, std::uint64_t count, std::uint32_t opb, std::string& error)
{
    const std::uint64_t expected = ((count >> opb) + 31) / 32;
    if (words == expected)
        return true;
    error = file.string() + ": " + std::to_string(words) + " words, expected " + std::to_string(expected)
        + " for count=" + std::to_string(count) + " order_per_bit=" + std::to_string(opb);
    return false;
}

/// ranges/0, ranges/1, ... of a 6.15+ area (docs/kernel-cma.md, "What changed in 6.15 and 6.18").
bool readRanges(const std::filesystem::path& dir, DebugfsSnapshot& s, std::string& error)
{
    std::error_code ec;
    constexpr std::size_t kMaxRanges = 8; // CMA_MAX_RANGES
    std::uint64_t sum = 0;
    for (std::size_t n = 0; std::filesystem::is_directory(dir / "ranges" / std::to_string(n), ec); ++n) {
        const auto rdir = dir / "ranges" / std::to_string(n);
        if (n == kMaxRanges) {
            error = rdir.string() + ": an area has at most 8 ranges (CMA_MAX_RANGES)";
            return false;
        }
        DebugfsRange range;
        if (!readNumber(rdir / "base_pfn", range.basePfn, error))
            return false;
        if (n == 0 && !std::filesystem::exists(rdir / "bitmap", ec))
            range.bitmap = s.bitmap; // the top-level bitmap is range 0's
        else if (!readBitmap(rdir / "bitmap", range.bitmap, error))
            return false;
        if (std::filesystem::exists(rdir / "count", ec)) {
            if (!readNumber(rdir / "count", range.count, error))
                return false;
        } else if (std::filesystem::exists(dir / "ranges" / "1", ec)) {
            error = (rdir / "count").string()
                + ": missing: the kernel's debugfs does not give a range's size (cmascope's capture module writes "
                  "it); give the area's ranges with --area NAME=BASE+PAGES,BASE+PAGES...";
            return false;
        } else {
            range.count = s.count;
        }
        if (!checkWords(rdir / "bitmap", range.bitmap.size(), range.count, s.orderPerBit, error))
            return false;
        sum += range.count;
        s.ranges.push_back(std::move(range));
    }
    if (!s.ranges.empty() && sum != s.count) {
        error = (dir / "count").string() + ": " + std::to_string(s.count) + " pages, but its ranges hold "
            + std::to_string(sum);
        return false;
    }
    if (!s.ranges.empty() && s.ranges.front().basePfn != s.basePfn) {
        error = (dir / "base_pfn").string() + ": " + std::to_string(s.basePfn) + ", but ranges/0/base_pfn is "
            + std::to_string(s.ranges.front().basePfn);
        return false;
    }
    return true;
}

} // namespace

std::string formatDebugfsBitmap(std::span<const std::uint32_t> words)
{
    std::string out;
    out.reserve(words.size() * 11 + 1);
    char buf[16];
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i)
            out.push_back(' ');
        auto [p, ec] = std::to_chars(buf, buf + sizeof buf, words[i]);
        out.append(buf, p);
    }
    out.push_back('\n');
    return out;
}

std::optional<std::vector<std::uint32_t>> parseDebugfsBitmap(std::string_view text, std::string* error)
{
    std::vector<std::uint32_t> words;
    words.reserve(text.size() / 2 + 1);
    std::size_t i = 0;
    std::size_t index = 0;
    auto isWs = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (true) {
        while (i < text.size() && isWs(text[i]))
            ++i;
        if (i >= text.size())
            break;
        std::size_t e = i;
        while (e < text.size() && !isWs(text[e]))
            ++e;
        std::uint32_t w = 0;
        auto [p, ec] = std::from_chars(text.data() + i, text.data() + e, w, 10);
        if (ec != std::errc() || p != text.data() + e) {
            if (error) {
                *error = "word " + std::to_string(index) + ": '"
                    + std::string(text.substr(i, std::min<std::size_t>(e - i, 40)))
                    + (ec == std::errc::result_out_of_range ? "' does not fit in 32 bits"
                                                            : "' is not a decimal number");
            }
            return std::nullopt;
        }
        words.push_back(w);
        ++index;
        i = e;
    }
    words.shrink_to_fit();
    return words;
}

std::uint64_t bitmapUsedPages(std::span<const std::uint32_t> words, std::uint32_t orderPerBit)
{
    std::uint64_t bits = 0;
    for (std::uint32_t w : words)
        bits += static_cast<std::uint64_t>(std::popcount(w));
    return bits << orderPerBit;
}

DebugfsReadResult readDebugfsSnapshot(const std::filesystem::path& dir)
{
    DebugfsReadResult r;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        r.error = dir.string() + ": not a directory";
        return r;
    }
    DebugfsSnapshot s;
    s.name = dir.filename().string();
    if (s.name.empty()) // "dir/" has an empty filename
        s.name = dir.parent_path().filename().string();

    auto basePfnFile = dir / "base_pfn";
    if (!std::filesystem::exists(basePfnFile, ec) && std::filesystem::exists(dir / "ranges" / "0" / "base_pfn", ec))
        basePfnFile = dir / "ranges" / "0" / "base_pfn";
    std::uint64_t orderPerBit = 0;
    if (!readNumber(basePfnFile, s.basePfn, r.error) || !readNumber(dir / "count", s.count, r.error)
        || !readNumber(dir / "order_per_bit", orderPerBit, r.error) || !readNumber(dir / "used", s.used, r.error)
        || !readNumber(dir / "maxchunk", s.maxchunk, r.error))
        return r;
    if (orderPerBit >= 32) {
        r.error = (dir / "order_per_bit").string() + ": value " + std::to_string(orderPerBit) + " out of range";
        return r;
    }
    s.orderPerBit = static_cast<std::uint32_t>(orderPerBit);

    auto bitmapFile = dir / "bitmap";
    if (!std::filesystem::exists(bitmapFile, ec) && std::filesystem::exists(dir / "ranges" / "0" / "bitmap", ec))
        bitmapFile = dir / "ranges" / "0" / "bitmap";
    std::vector<std::uint32_t> words;
    if (!readBitmap(bitmapFile, words, r.error))
        return r;
    s.bitmap = std::move(words);
    if (!readRanges(dir, s, r.error))
        return r;
    const std::uint64_t bitmapPages = s.ranges.empty() ? s.count : s.ranges.front().count;
    if (!checkWords(bitmapFile, s.bitmap.size(), bitmapPages, s.orderPerBit, r.error))
        return r;
    r.snapshot = std::move(s);
    return r;
}

} // namespace cmascope
