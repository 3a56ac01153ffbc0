// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario text form; the grammar is in docs/scenario-text.md.
#include <cmascope/model/scenariotext.h>
#include <cmascope/util/memparse.h>
#include <cmascope/util/units.h>

#include <bit>
#include <limits>
#include <optional>

namespace cmascope {

namespace {

/// One word of a line; quotes ("...", with \" and \\) may hold blanks and may be part of a word ("a b"/c).
struct Token
{
    std::string_view raw;
    std::size_t column = 0; ///< 1-based
};

/// Splits @p line into tokens; a token starting with '#' starts a comment. Returns the column of an
/// unterminated quote, or 0.
std::size_t tokenize(std::string_view line, std::vector<Token>& out)
{
    std::size_t i = 0;
    while (i < line.size()) {
        if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
            ++i;
            continue;
        }
        if (line[i] == '#')
            return 0;
        const std::size_t start = i;
        bool quoted = false;
        std::size_t quoteStart = 0;
        for (; i < line.size() && (quoted || (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')); ++i) {
            if (quoted && line[i] == '\\' && i + 1 < line.size()) {
                ++i;
            } else if (line[i] == '"') {
                quoted = !quoted;
                quoteStart = i;
            }
        }
        if (quoted)
            return quoteStart + 1;
        out.push_back({ line.substr(start, i - start), start + 1 });
    }
    return 0;
}

/// The text of a raw token or part of one: quotes removed, escapes resolved.
std::string unquote(std::string_view raw)
{
    std::string s;
    bool quoted = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '"')
            quoted = !quoted;
        else if (quoted && raw[i] == '\\' && i + 1 < raw.size())
            s += raw[++i] == 'n' ? '\n' : raw[i];
        else
            s += raw[i];
    }
    return s;
}

/// The position of the first @p c outside quotes in @p raw, or npos.
std::size_t findOutsideQuotes(std::string_view raw, char c)
{
    bool quoted = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '"')
            quoted = !quoted;
        else if (quoted && raw[i] == '\\')
            ++i;
        else if (!quoted && raw[i] == c)
            return i;
    }
    return std::string_view::npos;
}

/// A name as the form writes it: bare when nothing in it could be read as syntax, quoted otherwise.
std::string quoted(std::string_view name)
{
    const bool bare = !name.empty() && name.find_first_of(" \t\r\n\"#/@+=\\") == std::string_view::npos;
    if (bare)
        return std::string(name);
    std::string s = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\')
            s += '\\';
        s += c == '\n' ? std::string("\\n") : std::string(1, c);
    }
    return s + '"';
}

class Reader
{
public:
    Reader(const ScenarioTextOptions& options, ScenarioTextResult& result)
        : m_options(options)
        , m_result(result)
    { }

    bool full() const { return m_result.errors.size() >= m_options.maxErrors; }
    void readLine(std::string_view line, std::size_t lineNumber);

private:
    void error(std::size_t column, std::string message)
    {
        if (!full())
            m_result.errors.push_back({ m_line, column, std::move(message) });
    }
    Scenario& scenario()
    {
        if (m_result.scenarios.empty())
            m_result.scenarios.emplace_back();
        return m_result.scenarios.back();
    }
    bool expectCount(const std::vector<Token>& t, std::size_t min, std::size_t max, const char* usage);
    std::optional<std::uint64_t> size(std::string_view text, std::size_t column, const char* what);
    std::optional<std::uint16_t> region(std::string_view raw, std::size_t column);
    /// REGION@OFFSET+SIZE or ADDRESS+SIZE: the region and the pages, checked against the region.
    struct PageRange
    {
        std::uint16_t region = 0;
        std::uint64_t offset = 0; ///< pages
        std::uint64_t pages = 0;
    };
    std::optional<PageRange> pageRange(const Token& t, bool addressAllowed);
    std::optional<std::uint64_t> pagesOf(
        std::uint64_t bytes, std::uint16_t region, std::size_t column, const char* what);

    void readAlloc(const std::vector<Token>& t);
    void readRangeStep(StepType type, const std::vector<Token>& t);
    void readPlace(const std::vector<Token>& t);
    void readRefused(const std::vector<Token>& t);
    /// `by DEVICE` and `as LABEL` after the fixed words, from token @p first; false on an error.
    bool readOwner(const std::vector<Token>& t, std::size_t first, std::string& device, std::string& label);

    const ScenarioTextOptions& m_options;
    ScenarioTextResult& m_result;
    std::size_t m_line = 0;
};

bool Reader::expectCount(const std::vector<Token>& t, std::size_t min, std::size_t max, const char* usage)
{
    if (t.size() >= min && t.size() <= max)
        return true;
    error(t.size() > max ? t[max].column : t.back().column + t.back().raw.size(),
        std::string(t.size() > max ? "unexpected '" + std::string(t[max].raw) + "'; " : "missing words; ")
            + "expected: " + usage);
    return false;
}

std::optional<std::uint64_t> Reader::size(std::string_view text, std::size_t column, const char* what)
{
    const MemparseResult m = memparse(text);
    if (m.overflow) {
        error(column, std::string(what) + " '" + std::string(text) + "' does not fit in 64 bits");
        return std::nullopt;
    }
    if (!m.digits || m.end != text.size()) {
        error(column + std::min(m.end, text.size()),
            std::string(what) + " '" + std::string(text) + "' is not a size (like 4096, 64K, 6M, 0x1000)");
        return std::nullopt;
    }
    return m.value;
}

std::optional<std::uint16_t> Reader::region(std::string_view raw, std::size_t column)
{
    const std::string name = unquote(raw);
    if (!m_options.platform) {
        error(column, "region '" + name + "': this step needs the project's platform to name regions");
        return std::nullopt;
    }
    const auto& regions = m_options.platform->regions;
    for (std::size_t i = 0; i < regions.size(); ++i)
        if (regions[i].name == name)
            return static_cast<std::uint16_t>(i);
    error(column, "no region named '" + name + "'");
    return std::nullopt;
}

std::optional<std::uint64_t> Reader::pagesOf(
    std::uint64_t bytes, std::uint16_t region, std::size_t column, const char* what)
{
    const std::uint64_t page = m_options.platform->regions[region].pageSize;
    if (page == 0 || bytes % page != 0) {
        error(column,
            std::string(what) + " " + sizeText(bytes) + " is not a whole number of " + sizeText(page) + " pages");
        return std::nullopt;
    }
    return bytes / page;
}

std::optional<Reader::PageRange> Reader::pageRange(const Token& t, bool addressAllowed)
{
    const std::size_t at = findOutsideQuotes(t.raw, '@');
    const std::string_view where = at == std::string_view::npos ? t.raw : t.raw.substr(at + 1);
    const std::size_t whereColumn = at == std::string_view::npos ? t.column : t.column + at + 1;
    const std::size_t plus = where.find('+');
    if (plus == std::string_view::npos) {
        error(t.column, "expected REGION@OFFSET+SIZE" + std::string(addressAllowed ? " or ADDRESS+SIZE" : ""));
        return std::nullopt;
    }
    const auto first = size(where.substr(0, plus), whereColumn, at == std::string_view::npos ? "address" : "offset");
    const auto bytes = size(where.substr(plus + 1), whereColumn + plus + 1, "size");
    if (!first || !bytes)
        return std::nullopt;
    PageRange r;
    std::uint64_t offsetBytes = *first;
    if (at != std::string_view::npos) {
        const auto index = region(t.raw.substr(0, at), t.column);
        if (!index)
            return std::nullopt;
        r.region = *index;
    } else if (!addressAllowed || !m_options.platform) {
        error(t.column,
            addressAllowed ? "a physical address needs the project's platform; or write REGION@OFFSET"
                           : "expected REGION@OFFSET+SIZE");
        return std::nullopt;
    } else {
        // The region whose placed range holds [address, address + size).
        const auto& regions = m_options.platform->regions;
        std::optional<std::uint16_t> found;
        for (std::size_t i = 0; i < regions.size() && !found; ++i) {
            const Region& g = regions[i];
            const auto base =
                g.placedBase ? g.placedBase : (g.placement == Placement::Fixed ? std::optional(g.start) : std::nullopt);
            if (base && g.size && *first >= *base && *first - *base < g.size && *bytes <= g.size - (*first - *base)) {
                found = static_cast<std::uint16_t>(i);
                offsetBytes = *first - *base;
            }
        }
        if (!found) {
            error(t.column, "no placed region holds " + hexText(*first) + " + " + sizeText(*bytes));
            return std::nullopt;
        }
        r.region = *found;
    }
    const auto offset = pagesOf(offsetBytes, r.region, whereColumn, "the offset");
    const auto pages = pagesOf(*bytes, r.region, whereColumn + plus + 1, "the size");
    if (!offset || !pages)
        return std::nullopt;
    const Region& g = m_options.platform->regions[r.region];
    const std::uint64_t regionPages = g.pageSize ? g.size / g.pageSize : 0;
    if (*pages == 0 || *offset > regionPages || *pages > regionPages - *offset) {
        error(whereColumn,
            "pages " + std::to_string(*offset) + " + " + std::to_string(*pages) + " are not inside '" + g.name + "' ("
                + std::to_string(regionPages) + " pages)");
        return std::nullopt;
    }
    r.offset = *offset;
    r.pages = *pages;
    return r;
}

void Reader::readAlloc(const std::vector<Token>& t)
{
    if (!expectCount(t, 3, 9, "alloc DEVICE[/KIND] SIZE [from-region REGION] [align=SIZE] [as LABEL]"))
        return;
    const std::size_t slash = findOutsideQuotes(t[1].raw, '/');
    const std::string device = unquote(t[1].raw.substr(0, slash));
    const std::string kind = slash == std::string_view::npos ? std::string() : unquote(t[1].raw.substr(slash + 1));
    if (device.empty())
        return error(t[1].column, "alloc needs a device name");
    const auto bytes = size(t[2].raw, t[2].column, "size");
    if (!bytes)
        return;
    std::optional<std::uint16_t> fromRegion;
    std::optional<std::size_t> alignColumn;
    std::uint64_t align = 0;
    std::string label;
    for (std::size_t i = 3; i < t.size(); ++i) {
        if (t[i].raw.starts_with("align=")) {
            const auto a = size(t[i].raw.substr(6), t[i].column + 6, "alignment");
            if (!a)
                return;
            align = *a;
            alignColumn = t[i].column + 6;
        } else if (t[i].raw == "as" && i + 1 < t.size()) {
            label = unquote(t[++i].raw);
        } else if (t[i].raw == "from-region" && i + 1 < t.size() && !fromRegion) {
            fromRegion = region(t[i + 1].raw, t[i + 1].column);
            if (!fromRegion)
                return;
            ++i;
        } else {
            return error(t[i].column,
                "unexpected '" + std::string(t[i].raw) + "'; expected from-region REGION, align=SIZE or as LABEL");
        }
    }
    if (fromRegion) {
        // cma_alloc_from_region() takes a region, a size and an alignment: no device name, no kind. Size 0 and an
        // alignment that is not a power of two are kept: the run shows the kernel's -EINVAL for them.
        if (!kind.empty())
            return error(t[1].column + slash + 1,
                "alloc ... from-region takes no kind: cma_alloc_from_region() is asked by region, not by kind");
        scenario().allocateFromRegion(*fromRegion, device, *bytes, label, align);
        return;
    }
    if (*bytes == 0)
        return error(t[2].column, "an allocation of 0 bytes");
    if (alignColumn && !std::has_single_bit(align))
        return error(*alignColumn, "the alignment " + sizeText(align) + " is not a power of two");
    scenario().allocate(device, kind, *bytes, label, align);
}

void Reader::readRangeStep(StepType type, const std::vector<Token>& t)
{
    const bool pin = type == StepType::Pin || type == StepType::Unpin;
    if (!expectCount(t, 2, pin ? 2 : 4,
            pin ? "pin|unpin REGION@OFFSET+SIZE or ADDRESS+SIZE" : "release REGION@OFFSET+SIZE [by DEVICE]"))
        return;
    const auto r = pageRange(t[1], pin);
    if (!r)
        return;
    std::string device;
    if (t.size() > 2) {
        if (t.size() != 4 || t[2].raw != "by")
            return error(t[2].column, "unexpected '" + std::string(t[2].raw) + "'; expected by DEVICE");
        device = unquote(t[3].raw);
    }
    if (type == StepType::Pin)
        scenario().pin(r->region, r->offset, r->pages);
    else if (type == StepType::Unpin)
        scenario().unpin(r->region, r->offset, r->pages);
    else
        scenario().release(r->region, r->offset, r->pages, device);
}

bool Reader::readOwner(const std::vector<Token>& t, std::size_t first, std::string& device, std::string& label)
{
    for (std::size_t i = first; i < t.size(); ++i) {
        if ((t[i].raw == "by" || t[i].raw == "as") && i + 1 < t.size()) {
            (t[i].raw == "by" ? device : label) = unquote(t[i + 1].raw);
            ++i;
        } else {
            error(t[i].column, "unexpected '" + std::string(t[i].raw) + "'; expected by DEVICE or as LABEL");
            return false;
        }
    }
    if (device.empty()) {
        error(t.back().column, "missing 'by DEVICE'");
        return false;
    }
    return true;
}

void Reader::readPlace(const std::vector<Token>& t)
{
    if (!expectCount(t, 4, 6, "place REGION@OFFSET+SIZE by DEVICE [as LABEL]"))
        return;
    const auto r = pageRange(t[1], false);
    std::string device, label;
    if (r && readOwner(t, 2, device, label))
        scenario().place(r->region, r->offset, r->pages, device, label);
}

void Reader::readRefused(const std::vector<Token>& t)
{
    if (!expectCount(t, 6, 8, "refused REGION SIZE order=N by DEVICE [as LABEL]"))
        return;
    const auto index = region(t[1].raw, t[1].column);
    const auto bytes = size(t[2].raw, t[2].column, "size");
    if (!index || !bytes)
        return;
    const auto pages = pagesOf(*bytes, *index, t[2].column, "the size");
    unsigned order = 0;
    const std::string_view o = t[3].raw;
    const auto parsed = o.starts_with("order=") ? memparse(o, 6) : MemparseResult {};
    if (!parsed.ok() || parsed.end != o.size() || parsed.value > 63)
        return error(t[3].column, "expected order=N (the page order of the request, 0 to 63)");
    order = static_cast<unsigned>(parsed.value);
    std::string device, label;
    if (pages && readOwner(t, 4, device, label))
        scenario().refused(*index, *pages, order, device, label);
}

void Reader::readLine(std::string_view line, std::size_t lineNumber)
{
    m_line = lineNumber;
    std::vector<Token> t;
    if (const std::size_t quote = tokenize(line, t))
        return error(quote, "unterminated quote");
    if (t.empty())
        return;
    const std::string_view op = t[0].raw;
    if (op == "scenario" || op == "description") {
        if (!expectCount(t, 2, 2, op == "scenario" ? "scenario NAME" : "description TEXT"))
            return;
        if (op == "scenario")
            m_result.scenarios.emplace_back().name = unquote(t[1].raw);
        else
            scenario().description = unquote(t[1].raw);
    } else if (op == "alloc") {
        readAlloc(t);
    } else if (op == "free") {
        if (expectCount(t, 2, 2, "free LABEL"))
            scenario().free(unquote(t[1].raw));
    } else if (op == "phase") {
        if (expectCount(t, 2, 2, "phase TEXT (quoted when it has blanks)"))
            scenario().phase(unquote(t[1].raw));
    } else if (op == "reset") {
        if (expectCount(t, 1, 1, "reset"))
            scenario().reset();
    } else if (op == "pin" || op == "unpin" || op == "release") {
        readRangeStep(op == "pin" ? StepType::Pin : op == "unpin" ? StepType::Unpin : StepType::Release, t);
    } else if (op == "place") {
        readPlace(t);
    } else if (op == "refused") {
        readRefused(t);
    } else {
        error(t[0].column,
            "unknown step '" + std::string(op)
                + "' (alloc, free, phase, pin, unpin, reset, place, release, refused, scenario, description)");
    }
}

/// REGION@OFFSET+SIZE of a region step, in the region's page size.
std::string rangeText(const Step& s, const Platform& platform)
{
    const bool known = s.region < platform.regions.size();
    const std::uint64_t page = known ? platform.regions[s.region].pageSize : platform.pageSize;
    const std::string name = known ? platform.regions[s.region].name : "region-" + std::to_string(s.region);
    return quoted(name) + "@" + formatSize(s.offset * page) + "+" + formatSize(s.size * page);
}

std::string ownerText(const Step& s, const Scenario& sc)
{
    std::string text = " by " + quoted(sc.symbols.name(s.device));
    if (s.label)
        text += " as " + quoted(sc.symbols.name(s.label));
    return text;
}

std::string stepText(const Step& s, const Scenario& sc, const Platform& platform)
{
    switch (s.type) {
    case StepType::Allocate: {
        std::string text = "alloc " + quoted(sc.symbols.name(s.device));
        if (s.kind)
            text += "/" + quoted(sc.symbols.name(s.kind));
        text += " " + formatSize(s.size);
        if (s.alignLog2 != kDefaultAlign)
            text += " align=" + formatSize(std::uint64_t { 1 } << s.alignLog2);
        if (s.label)
            text += " as " + quoted(sc.symbols.name(s.label));
        return text;
    }
    case StepType::Free:
        return "free " + quoted(sc.symbols.name(s.label));
    case StepType::Phase:
        return "phase " + quoted(sc.symbols.name(s.label));
    case StepType::Pin:
        return "pin " + rangeText(s, platform);
    case StepType::Unpin:
        return "unpin " + rangeText(s, platform);
    case StepType::Reset:
        return "reset";
    case StepType::Place:
        return "place " + rangeText(s, platform) + ownerText(s, sc);
    case StepType::Release:
        return "release " + rangeText(s, platform) + (s.device ? " by " + quoted(sc.symbols.name(s.device)) : "");
    case StepType::AllocateFromRegion: {
        const bool known = s.region < platform.regions.size();
        std::string text = "alloc " + quoted(sc.symbols.name(s.device)) + " " + formatSize(s.size) + " from-region "
            + quoted(known ? platform.regions[s.region].name : "region-" + std::to_string(s.region));
        if (s.offset)
            text += " align=" + formatSize(s.offset);
        if (s.label)
            text += " as " + quoted(sc.symbols.name(s.label));
        return text;
    }
    case StepType::Refused: {
        const bool known = s.region < platform.regions.size();
        const std::uint64_t page = known ? platform.regions[s.region].pageSize : platform.pageSize;
        return "refused " + quoted(known ? platform.regions[s.region].name : "region-" + std::to_string(s.region)) + " "
            + formatSize(s.size * page) + " order=" + std::to_string(s.alignLog2) + ownerText(s, sc);
    }
    }
    return {};
}

} // namespace

std::string ScenarioTextResult::errorText(std::string_view source) const
{
    std::string text;
    for (const auto& e : errors)
        text += std::string(source) + ":" + std::to_string(e.line) + ":" + std::to_string(e.column)
            + ": error: " + e.message + "\n";
    return text;
}

ScenarioTextResult parseScenarioText(std::string_view text, const ScenarioTextOptions& options)
{
    ScenarioTextResult result;
    Reader reader(options, result);
    std::size_t lineNumber = 0;
    for (std::size_t pos = 0; pos <= text.size() && !reader.full();) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        reader.readLine(text.substr(pos, end - pos), ++lineNumber);
        pos = end + 1;
    }
    if (!result.ok())
        result.scenarios.clear();
    return result;
}

std::string formatScenarioText(const Scenario& scenario, const Platform& platform)
{
    std::string text = "scenario " + quoted(scenario.name) + "\n";
    if (!scenario.description.empty())
        text += "description " + quoted(scenario.description) + "\n";
    for (const Step& s : scenario.steps)
        text += stepText(s, scenario, platform) + "\n";
    return text;
}

} // namespace cmascope
