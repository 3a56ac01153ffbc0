// SPDX-License-Identifier: GPL-2.0-or-later
// CMA failures in dmesg (docs/kernel-cma.md, "Failures in dmesg").
#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/dmesgfailures.h>

#include <charconv>

namespace cmascope {

namespace {

constexpr std::string_view kFailed = ": alloc failed, req-size: ";
constexpr std::string_view kDump = "number of available pages:";
constexpr std::size_t kDumpLookahead = 4; ///< lines between the failure and its dump (other CPUs' messages)

bool takeU64(std::string_view& s, std::uint64_t& v)
{
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
    if (ec != std::errc() || p == s.data())
        return false;
    s.remove_prefix(static_cast<std::size_t>(p - s.data()));
    return true;
}

bool takeWord(std::string_view& s, std::string_view word)
{
    if (!s.starts_with(word))
        return false;
    s.remove_prefix(word.size());
    return true;
}

std::string_view trimSpaces(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

/// "<function>: <area>: alloc failed, req-size: <n> pages, ret: <errno>" (after "cma: ").
bool parseFailureLine(std::string_view msg, DmesgFailure& f)
{
    const auto at = msg.find(kFailed);
    const auto colon = msg.find(": ");
    if (at == std::string_view::npos || colon == std::string_view::npos || colon >= at)
        return false;
    f.function = std::string(msg.substr(0, colon));
    f.area = std::string(msg.substr(colon + 2, at - colon - 2));
    std::string_view rest = msg.substr(at + kFailed.size());
    std::uint64_t ret = 0;
    if (!takeU64(rest, f.count) || !takeWord(rest, " pages, ret: "))
        return false;
    const bool negative = takeWord(rest, "-");
    if (!takeU64(rest, ret) || ret > 4095 || !trimSpaces(rest).empty())
        return false;
    f.ret = negative ? -static_cast<int>(ret) : static_cast<int>(ret);
    return !f.function.empty() && !f.area.empty();
}

/// "A@B+C@D..." or "+A@B+C@D..." (pages @ bit), then optionally "=> X free of Y total pages". False: malformed.
bool parseRuns(std::string_view s, std::uint32_t range, DmesgFailure& f)
{
    s = trimSpaces(s);
    while (!s.empty() && !s.starts_with("=>")) {
        takeWord(s, "+");
        DmesgFreeRun run { range, 0, 0 };
        if (!takeU64(s, run.pages) || !takeWord(s, "@") || !takeU64(s, run.bit))
            return false;
        f.freeRuns.push_back(run);
    }
    if (!takeWord(s, "=>"))
        return true;
    s = trimSpaces(s);
    std::uint64_t freePages = 0, total = 0;
    if (!takeU64(s, freePages) || !takeWord(s, " free of ") || !takeU64(s, total) || !takeWord(s, " total pages"))
        return false;
    f.freePages = freePages;
    f.totalPages = total;
    return true;
}

/// One line of the dump after "number of available pages:": "range N: runs", "=> totals", a continuation
/// "+A@B", or an empty "cma: ". False when the line is not part of the dump (or is malformed: @p bad).
bool parseDumpLine(std::string_view msg, DmesgFailure& f, bool& bad)
{
    std::string_view m = trimSpaces(msg);
    const bool prefixed = takeWord(m, "cma:");
    m = trimSpaces(m);
    if (m.empty())
        return prefixed;
    if (takeWord(m, "range ")) {
        std::uint64_t r = 0;
        if (!takeU64(m, r) || !takeWord(m, ":") || r >= 8) {
            bad = true;
            return false;
        }
        f.perRange = true;
        bad = !parseRuns(m, static_cast<std::uint32_t>(r), f);
        return !bad;
    }
    if (m.starts_with("=>") || m.starts_with("+")) {
        const std::uint32_t range = f.freeRuns.empty() ? 0 : f.freeRuns.back().range;
        bad = !parseRuns(m, range, f);
        return !bad;
    }
    return false;
}

/// "[    8.159467] ..." -> 8159467000 ns.
std::optional<std::uint64_t> stampOf(std::string_view line)
{
    if (!takeWord(line, "["))
        return std::nullopt;
    line = trimSpaces(line);
    std::uint64_t seconds = 0, micros = 0;
    const char* before = line.data();
    if (!takeU64(line, seconds) || !takeWord(line, "."))
        return std::nullopt;
    const char* frac = line.data();
    if (!takeU64(line, micros) || !takeWord(line, "]") || line.data() - frac != 7 || before == frac
        || seconds > 18000000000ull)
        return std::nullopt;
    return seconds * 1000000000ull + micros * 1000ull;
}

/// "<function>: <n> callbacks suppressed" of a cma allocation function: n, else 0.
std::uint64_t suppressedBy(std::string_view msg)
{
    const auto colon = msg.find(": ");
    if (colon == std::string_view::npos || msg.substr(0, colon).find("cma_alloc") == std::string_view::npos)
        return 0;
    std::string_view rest = msg.substr(colon + 2);
    std::uint64_t n = 0;
    return takeU64(rest, n) && trimSpaces(rest) == "callbacks suppressed" ? n : 0;
}

} // namespace

DmesgFailuresRead parseDmesgFailures(std::string_view text)
{
    std::vector<std::string_view> lines;
    for (std::size_t pos = 0; pos <= text.size();) {
        const auto nl = text.find('\n', pos);
        lines.push_back(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
        if (nl == std::string_view::npos)
            break;
        pos = nl + 1;
    }
    DmesgFailuresRead out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view msg = dmesgMessage(lines[i]);
        out.suppressed += suppressedBy(msg);
        if (!takeWord(msg, "cma: ") || msg.find(kFailed) == std::string_view::npos)
            continue;
        DmesgFailure f;
        f.line = static_cast<std::uint32_t>(i + 1);
        f.timeNs = stampOf(lines[i]);
        if (!parseFailureLine(msg, f)) {
            out.errors.push_back("line " + std::to_string(i + 1)
                + ": not an \"alloc failed, req-size: N pages, "
                  "ret: ERRNO\" line of mm/cma.c");
            continue;
        }
        // the dump: "number of available pages:" within a few lines, then its continuation lines
        for (std::size_t j = i + 1; j < lines.size() && j <= i + kDumpLookahead && !f.hasDump; ++j) {
            std::string_view d = dmesgMessage(lines[j]);
            if (!takeWord(d, "cma: ") || !takeWord(d, kDump))
                continue;
            f.hasDump = true;
            bool bad = !parseRuns(d, 0, f);
            std::size_t badLine = j;
            for (std::size_t k = j + 1; !bad && k < lines.size(); ++k) {
                badLine = k;
                if (!parseDumpLine(dmesgMessage(lines[k]), f, bad))
                    break;
            }
            if (bad)
                out.errors.push_back("line " + std::to_string(badLine + 1) + ": the free runs of the failure on line "
                    + std::to_string(i + 1) + " do not read as PAGES@BIT+...");
        }
        out.failures.push_back(std::move(f));
    }
    return out;
}

} // namespace cmascope
