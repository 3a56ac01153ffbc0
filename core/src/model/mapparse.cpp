// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 map text: parseMap() as the kernels read it, and formatRule()/formatMap() back
// (docs/cma2010.md#the-map-language, docs/cma2010.md#parsing-as-the-kernel-did).
#include <cmascope/model/maplang.h>

namespace cmascope {

namespace {

constexpr std::size_t kV1MaxMappings = 64; // CMA_MAX_MAPPINGS, v1

bool isBlank(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string quoted(std::string_view s)
{
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    out += s;
    out += '"';
    return out;
}

std::string near(std::string_view text, std::size_t pos)
{
    constexpr std::size_t maxChars = 24;
    if (pos >= text.size()) {
        return "near end of map";
    }
    std::string s(text.substr(pos, maxChars));
    if (text.size() - pos > maxChars) {
        s += "...";
    }
    return "near " + quoted(s);
}

/// A token of the map with its position; blanks trimmed.
struct Token
{
    std::string_view text;
    std::size_t pos = 0; ///< position of the trimmed token (or of the untrimmed start when empty)
    bool trimmed = false;
};

Token trimToken(std::string_view whole, std::size_t begin, std::size_t end)
{
    std::size_t b = begin;
    std::size_t e = end;
    while (b < e && isBlank(whole[b])) {
        ++b;
    }
    while (e > b && isBlank(whole[e - 1])) {
        --e;
    }
    return Token { whole.substr(b, e - b), b == e ? begin : b, b != begin || e != end };
}

std::vector<Token> splitTokens(std::string_view whole, std::size_t begin, std::size_t end)
{
    std::vector<Token> out;
    std::size_t start = begin;
    for (std::size_t i = begin; i <= end; ++i) {
        if (i == end || whole[i] == ',') {
            out.push_back(trimToken(whole, start, i));
            start = i + 1;
        }
    }
    return out;
}

/// The pattern list [pos, eq) of rule @p ruleNumber (starting at @p rulePos) into @p rule; false on an error.
/// An empty list is an error for cmascope and for v3/v4's cma_map_validate(); v1 stores the rule, which never
/// matches (docs/cma2010.md#parsing-as-the-kernel-did).
bool parsePatterns(std::string_view text, std::size_t pos, std::size_t eq, std::size_t rulePos, std::size_t ruleNumber,
    std::optional<MapDialect> dialect, MapRule& rule, MapParseResult& result)
{
    if (trimToken(text, pos, eq).text.empty()) {
        if (dialect != MapDialect::V1) {
            result.errors.push_back({ rulePos,
                "map: empty pattern list in rule " + std::to_string(ruleNumber) + " " + near(text, rulePos), pos });
            return false;
        }
        result.warnings.push_back({ rulePos,
            "map: rule " + std::to_string(ruleNumber) + " has no pattern: v1 keeps it, and it never matches", {} });
        rule.patterns.emplace_back();
        return true;
    }
    for (const Token& t : splitTokens(text, pos, eq)) {
        if (t.trimmed && !t.text.empty()) {
            result.warnings.push_back({ t.pos,
                "map: blanks around pattern " + quoted(t.text) + " ignored (the kernel would compare them)", {} });
        }
        rule.patterns.emplace_back(t.text);
    }
    return true;
}

/// The region list after the '=' at @p eq, up to @p end, into @p rule. Every version of the kernel takes what
/// follows the first '=' as the list, split at ','. So "foo=" is a rule with no region, "foo=a,,b" names an empty
/// region and "foo=a=b" the region "a=b"; none of them exists, so the kernel skips them at allocation time
/// (docs/cma2010.md#parsing-as-the-kernel-did). Each gets a warning.
void parseRegionList(std::string_view text, std::size_t eq, std::size_t end, std::size_t ruleNumber, MapRule& rule,
    MapParseResult& result)
{
    const std::string ruleName = "rule " + std::to_string(ruleNumber);
    if (trimToken(text, eq + 1, end).text.empty()) {
        result.warnings.push_back({ eq + 1,
            "map: " + ruleName
                + " has no region after '=': the kernel accepts it, and the requests it takes fail "
                  "(-ENOMEM)",
            {} });
        return;
    }
    for (const Token& t : splitTokens(text, eq + 1, end)) {
        if (t.text.empty()) {
            result.warnings.push_back({ t.pos,
                "map: empty region name in " + ruleName + " " + near(text, t.pos)
                    + ": the kernel accepts it and skips it (no region has an empty name)",
                {} });
        } else if (t.text.find('=') != std::string_view::npos) {
            result.warnings.push_back({ t.pos,
                "map: region name " + quoted(t.text) + " in " + ruleName
                    + " contains '=': only a rule's first '=' splits it, so the kernel looks for a region of that "
                      "name",
                {} });
        } else if (t.trimmed) {
            result.warnings.push_back({ t.pos,
                "map: blanks around region name " + quoted(t.text) + " ignored (the kernel would compare them)", {} });
        }
        rule.regions.emplace_back(t.text);
    }
}

/// The v1 rule limit: CMA_MAX_MAPPINGS rules are stored, the next one makes cma_map_param_parse() fail with
/// "map: too many mappings" and keep those already stored. Without a dialect: a warning, and every rule kept.
void checkRuleLimit(std::size_t rulePos, std::optional<MapDialect> dialect, MapParseResult& result)
{
    if (result.rules.size() != kV1MaxMappings || (dialect && *dialect != MapDialect::V1)) {
        return;
    }
    if (dialect == MapDialect::V1) {
        result.errors.push_back({ rulePos, "map: too many mappings (v1 keeps the first 64, CMA_MAX_MAPPINGS)", {} });
        result.tooManyRules = true;
        return;
    }
    result.warnings.push_back({ rulePos,
        "map: more than 64 rules; the v1 cma_map= parameter "
        "accepted at most 64 (CMA_MAX_MAPPINGS)",
        {} });
}

} // namespace

// ---- parsing ---------------------------------------------------------------------------------------------

MapParseResult parseMap(std::string_view text, std::optional<MapDialect> dialect)
{
    MapParseResult result;
    std::size_t pos = 0;
    std::size_t ruleNumber = 0;
    while (pos < text.size()) {
        const std::size_t semi = text.find(';', pos);
        const std::size_t end = semi == std::string_view::npos ? text.size() : semi;
        ++ruleNumber;
        const Token whole = trimToken(text, pos, end);
        if (whole.text.empty()) {
            if (semi == std::string_view::npos) {
                // blanks after the optional trailing ';'
                result.warnings.push_back({ pos, "map: trailing blanks ignored", {} });
                break;
            }
            result.errors.push_back(
                { pos, "map: empty rule " + std::to_string(ruleNumber) + " (expecting '=') " + near(text, pos), pos });
            pos = semi + 1;
            continue;
        }
        const std::string_view ruleText = text.substr(pos, end - pos);
        const std::size_t eqRel = ruleText.find('=');
        if (eqRel == std::string_view::npos) {
            result.errors.push_back(
                { end, "map: expecting '=' in rule " + std::to_string(ruleNumber) + " " + near(text, whole.pos), pos });
            pos = end + (semi == std::string_view::npos ? 0 : 1);
            continue;
        }
        const std::size_t eq = pos + eqRel;
        MapRule rule;

        const bool patternsOk = parsePatterns(text, pos, eq, whole.pos, ruleNumber, dialect, rule, result);
        parseRegionList(text, eq, end, ruleNumber, rule, result);
        if (patternsOk && !result.tooManyRules) {
            checkRuleLimit(whole.pos, dialect, result);
            if (result.tooManyRules) {
                break; // v1 stops here
            }
            result.rules.push_back(std::move(rule));
        }
        if (semi == std::string_view::npos) {
            break;
        }
        pos = semi + 1;
    }
    return result;
}

std::string formatRule(const MapRule& rule)
{
    std::string out;
    for (std::size_t i = 0; i < rule.patterns.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += rule.patterns[i];
    }
    out += '=';
    for (std::size_t i = 0; i < rule.regions.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += rule.regions[i];
    }
    return out;
}

std::string formatMap(const std::vector<MapRule>& rules)
{
    std::string out;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (i > 0) {
            out += ';';
        }
        out += formatRule(rules[i]);
    }
    return out;
}

} // namespace cmascope
