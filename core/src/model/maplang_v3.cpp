// SPDX-License-Identifier: GPL-2.0-or-later
// The v3 map dialect as its code behaved: the walk of the map text of v3's __cma_where_from() and the asterisk
// handling of v3's __cma_alloc() (docs/cma2010.md#v3-as-its-code-behaved).
#include "mapresolve.h"

#include <algorithm>

namespace cmascope {

namespace {

/// How one comparison of a name against the map text ended.
enum class Compare : std::uint8_t {
    Consumed, ///< the name is used up (or the pattern showed '*', which is stepped over)
    Mismatch, ///< a character differs
    RuleEnd, ///< '=' met before the name was used up
};

/// The walk over the map text, one position at a time; '\0' past the end as in the kernel's C string.
class V3Walk
{
public:
    V3Walk(std::string_view text, std::string_view device, std::string_view kind)
        : m_text(text)
        , m_device(device)
        , m_kind(kind)
    { }

    MapMatch run(const std::vector<MapRule>& rules);

private:
    char at(std::size_t i) const noexcept { return i < m_text.size() ? m_text[i] : '\0'; }

    /// Compares @p name from m_pos: '?' matches any character, a ',' is stepped over together with one
    /// character of the name (v3 does not stop there), '=' ends the rule, '*' stops the comparison.
    Compare compare(std::string_view name)
    {
        for (std::size_t c = 0; at(m_pos) != '*' && c < name.size(); ++c, ++m_pos) {
            const char p = at(m_pos);
            if (p == '=')
                return Compare::RuleEnd;
            if (p == ',')
                continue;
            if (p != '?' && p != name[c])
                return Compare::Mismatch;
        }
        if (at(m_pos) == '*')
            ++m_pos;
        return Compare::Consumed;
    }

    /// One pattern attempt from m_pos. Returns true when the request matched at m_pos ('=' or ',').
    /// @p why says what happened; @p ruleEnd is set when '=' was met while comparing.
    bool attempt(std::string& why, bool& ruleEnd);

    /// The kernel's "look for next": steps at least once, then to the next ',' or '='. False when the walk
    /// runs past the end of the map.
    bool lookForNext()
    {
        do {
            ++m_pos;
            if (m_pos >= m_text.size())
                return false;
        } while (at(m_pos) != ',' && at(m_pos) != '=');
        return true;
    }

    std::string_view m_text;
    std::string_view m_device;
    std::string_view m_kind;
    std::size_t m_pos = 0;
    bool m_nameMatched = false;
};

bool V3Walk::attempt(std::string& why, bool& ruleEnd)
{
    const auto kindPart = [&]() {
        ++m_pos; // the '/'
        const Compare k = compare(m_kind);
        if (k == Compare::RuleEnd) {
            ruleEnd = true;
            why = "'=' met while comparing kind " + detail::showKindName(m_kind);
            return false;
        }
        if (k == Compare::Mismatch) {
            why = "kind " + detail::showKindName(m_kind) + " does not match";
            return false;
        }
        return true;
    };
    if (at(m_pos) == '/') {
        if (!m_nameMatched) {
            why = "'/kind' pattern: the previous pattern's device part did not match";
            return false;
        }
        if (!kindPart())
            return false;
    } else {
        m_nameMatched = false;
        const Compare d = compare(m_device);
        if (d == Compare::RuleEnd) {
            ruleEnd = true;
            why = "'=' met while comparing device '" + std::string(m_device) + "'";
            return false;
        }
        if (d == Compare::Mismatch) {
            why = "device '" + std::string(m_device) + "' does not match";
            return false;
        }
        m_nameMatched = true;
        if (at(m_pos) != '/') {
            if (!m_kind.empty()) {
                why = "no kind part and the request has kind " + detail::showKindName(m_kind)
                    + ": v3 steps one character and looks for the next ',' or '=', which skips the following "
                      "pattern (after a rule's last pattern it reads on into the region list)";
                return false;
            }
        } else if (!kindPart()) {
            return false;
        }
    }
    if (at(m_pos) == '=' || at(m_pos) == ',')
        return true;
    why = "the pattern goes on after the name";
    return false;
}

/// Rule and pattern of text position @p pos of formatMap(rules): (rule, pattern or npos if in a region list).
std::pair<std::size_t, std::size_t> locate(std::string_view text, std::size_t pos)
{
    const std::size_t ruleStart = text.rfind(';', pos == 0 ? 0 : pos - 1);
    const std::size_t begin = ruleStart == std::string_view::npos || pos == 0 ? 0 : ruleStart + 1;
    const auto rule = static_cast<std::size_t>(std::count(text.begin(), text.begin() + std::ptrdiff_t(begin), ';'));
    const std::size_t eq = text.find('=', begin);
    if (eq == std::string_view::npos || pos > eq)
        return { rule, std::string_view::npos };
    return { rule,
        static_cast<std::size_t>(
            std::count(text.begin() + std::ptrdiff_t(begin), text.begin() + std::ptrdiff_t(pos), ',')) };
}

std::string excerpt(std::string_view text, std::size_t pos)
{
    constexpr std::size_t maxChars = 24;
    std::string s(text.substr(std::min(pos, text.size()), maxChars));
    if (text.size() > pos + maxChars)
        s += "...";
    return "\"" + s + "\"";
}

MapMatch V3Walk::run(const std::vector<MapRule>& rules)
{
    MapMatch m;
    for (m_pos = 0; at(m_pos) != '\0'; ++m_pos) {
        const std::size_t start = m_pos;
        std::string why;
        bool ruleEnd = false;
        if (attempt(why, ruleEnd)) {
            const std::size_t eq = m_text.find('=', m_pos);
            if (eq == std::string_view::npos) {
                m.undefined = true;
                m.trail.push_back("at " + excerpt(m_text, start)
                    + ": matches, but no '=' follows: the v3 code would dereference NULL + 1; cmascope treats it "
                      "as no match");
                return m;
            }
            const auto [rule, pattern] = locate(m_text, start);
            const std::size_t owner = locate(m_text, eq).first;
            m.trail.push_back("at " + excerpt(m_text, start) + ": matches");
            if (owner >= rules.size())
                break;
            m.ruleIndex = owner;
            // The pattern is named only when the attempt began and ended inside it (a ',' stepped over while
            // comparing makes it read across patterns).
            if (rule == owner && pattern != std::string_view::npos && pattern < rules[owner].patterns.size()
                && locate(m_text, m_pos).second == pattern)
                m.patternIndex = pattern;
            return m;
        }
        m.trail.push_back("at " + excerpt(m_text, start) + ": no: " + why);
        if (!ruleEnd) {
            if (!lookForNext()) {
                m.undefined = true;
                m.trail.push_back("the v3 walk runs past the end of the map here (undefined behaviour in the "
                                  "kernel); cmascope treats it as no match");
                return m;
            }
            if (at(m_pos) == ',')
                continue;
        }
        const std::size_t semi = m_text.find(';', m_pos);
        if (semi == std::string_view::npos)
            break;
        m_pos = semi;
    }
    return m;
}

} // namespace

MapMatch matchMapV3(const std::vector<MapRule>& rules, std::string_view device, std::string_view kind)
{
    const std::string text = formatMap(rules);
    V3Walk walk(text, device, kind);
    return walk.run(rules);
}

namespace detail {

void resolve2010V3(const Platform& platform, std::string_view device, std::string_view kind, MapResolution& res)
{
    const std::string who = "device '" + std::string(device) + "' kind " + showKindName(kind);
    std::vector<std::string> raw;
    bool stars = platform.rules.empty();
    if (stars) {
        res.asteriskFallback = true;
        res.trail.push_back("no map at all: v3 gives the asterisk regions");
    } else {
        MapMatch m = matchMapV3(platform.rules, device, kind);
        res.trail = std::move(m.trail);
        if (!m.ruleIndex) {
            res.summary = who
                + ": no rule matches; v3 code returns -ENOENT here; its documentation promised the "
                  "asterisk regions";
            return;
        }
        const MapRule& rule = platform.rules[*m.ruleIndex];
        res.ruleIndex = m.ruleIndex;
        res.patternIndex = m.patternIndex;
        res.ruleText = formatRule(rule);
        res.patternText = m.patternIndex ? rule.patterns[*m.patternIndex] : std::string("(read across patterns)");
        raw = rule.regions;
        stars = !raw.empty() && raw.front().starts_with('*');
        if (stars)
            res.trail.push_back("the region list starts with '*': v3 uses the asterisk regions instead of the list");
    }
    if (stars) {
        const std::vector<std::string> names = asteriskRegions(platform, MapDialect::V3);
        res.trail.push_back(names.empty() ? std::string("no asterisk regions declared")
                                          : "asterisk regions, last registered first: " + joinRegionNames(names));
        for (const std::string& name : names)
            offerRegion(platform, device, name, res);
    } else {
        if (raw.size() > 1)
            res.trail.push_back("v3/v4 __cma_region_find() leaves its cursor on the ',' so the posted code never "
                                "reaches the second region (it loops); cmascope tries them in order");
        for (const std::string& name : raw) {
            if (name == "*") {
                res.trail.push_back("'*' after the first entry names no region in v3: skipped");
                continue;
            }
            offerRegion(platform, device, name, res);
        }
    }
    if (res.regions.empty())
        res.summary = who + ": no usable region; cma_alloc fails with -ENOMEM";
    else if (res.asteriskFallback)
        res.summary = who + ": no map, asterisk regions " + joinRegionNames(res.regions);
    else
        res.summary = who + ": rule #" + std::to_string(*res.ruleIndex + 1) + " '" + res.ruleText + "' (pattern '"
            + res.patternText + "') -> " + joinRegionNames(res.regions);
}

} // namespace detail

} // namespace cmascope
