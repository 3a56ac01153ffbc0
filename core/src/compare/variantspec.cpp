// SPDX-License-Identifier: GPL-2.0-or-later
// The text form of a project variant (docs/compare.md).
#include <cmascope/compare/variantspec.h>
#include <cmascope/replay/areas.h>
#include <cmascope/util/memparse.h>

#include <optional>

namespace cmascope {

namespace {

std::string policyList()
{
    std::string ids;
    for (const auto k : allPolicies())
        ids += (ids.empty() ? "" : ", ") + std::string(policyId(k));
    return ids;
}

std::string regionList(const Platform& platform)
{
    std::string names;
    for (const auto& r : platform.regions)
        names += (names.empty() ? "" : ", ") + r.name;
    return names.empty() ? std::string("none") : names;
}

/// Reads one KEY=VALUE item into @p v; the error (without the spec prefix) when it cannot.
std::string readItem(std::string_view key, std::string_view value, const Platform& platform, PlatformVariant& v)
{
    const std::string val(value);
    if (key == "region" || key == "area") {
        for (std::size_t i = 0; i < platform.regions.size(); ++i)
            if (platform.regions[i].name == value) {
                v.region = i;
                return {};
            }
        return "region '" + val + "' is not in the project (regions: " + regionList(platform) + ")";
    }
    if (key == "policy") {
        v.policy = policyFromId(value);
        return v.policy ? std::string() : "policy '" + val + "' is unknown (one of: " + policyList() + ")";
    }
    if (key == "size") {
        const auto m = memparse(value);
        if (!m.ok() || m.end != value.size() || m.value == 0)
            return "size '" + val + "' is not a size (e.g. 32M)";
        v.sizeBytes = m.value;
        return {};
    }
    const auto n = parseReplayNumber(value);
    if (key == "order_per_bit") {
        if (!n || *n > 20)
            return "order_per_bit '" + val + "' must be a number from 0 to 20";
        v.orderPerBit = static_cast<unsigned>(*n);
        return {};
    }
    if (key == "align") {
        if (!n || *n < 2 || *n > 12)
            return "align '" + val + "' must be a page order from 2 to 12 (CONFIG_CMA_ALIGNMENT)";
        v.alignOrder = static_cast<unsigned>(*n);
        return {};
    }
    return "unknown key '" + std::string(key) + "' (region, policy, size, order_per_bit, align)";
}

/// The next comma-separated item of @p text (a double-quoted value may hold commas: region="linux,cma"),
/// with its quotes removed; @p text loses the item. Nullopt when a quote is not closed.
std::optional<std::string> nextItem(std::string_view& text)
{
    std::string item;
    bool quoted = false;
    std::size_t i = 0;
    for (; i < text.size() && (quoted || text[i] != ','); ++i) {
        if (text[i] == '"')
            quoted = !quoted;
        else
            item += text[i];
    }
    text = i < text.size() ? text.substr(i + 1) : std::string_view();
    if (quoted)
        return std::nullopt;
    return item;
}

} // namespace

std::variant<PlatformVariant, std::string> parseVariantSpec(std::string_view text, const Platform& platform)
{
    const std::string what = "--variant " + std::string(text) + ": ";
    if (text.empty())
        return what + "expected region=NAME,policy=ID,size=SIZE,order_per_bit=N,align=N (any of them)";
    PlatformVariant v;
    while (!text.empty()) {
        const auto item = nextItem(text);
        if (!item)
            return what + "a quote is not closed";
        const auto eq = item->find('=');
        if (eq == std::string::npos)
            return what + "'" + *item + "' is not KEY=VALUE";
        const std::string_view view(*item);
        if (auto err = readItem(view.substr(0, eq), view.substr(eq + 1), platform, v); !err.empty())
            return what + err;
    }
    if (v.empty())
        return what + "changes nothing (give a policy, size, order_per_bit or align)";
    return v;
}

std::string variantSpecText(const Platform& platform, const PlatformVariant& variant)
{
    std::string out;
    auto add = [&out](const std::string& item) { out += (out.empty() ? "" : ",") + item; };
    if (variant.region && *variant.region < platform.regions.size()) {
        const std::string& name = platform.regions[*variant.region].name;
        add(name.find(',') == std::string::npos ? "region=" + name : "region=\"" + name + "\"");
    }
    if (variant.policy)
        add("policy=" + std::string(policyId(*variant.policy)));
    if (variant.sizeBytes)
        add("size=" + formatSize(*variant.sizeBytes));
    if (variant.orderPerBit)
        add("order_per_bit=" + std::to_string(*variant.orderPerBit));
    if (variant.alignOrder)
        add("align=" + std::to_string(*variant.alignOrder));
    return out;
}

} // namespace cmascope
