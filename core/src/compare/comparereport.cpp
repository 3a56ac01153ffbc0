// SPDX-License-Identifier: GPL-2.0-or-later
// The JSON, CSV and text forms of a comparison (docs/compare.md#output).
#include <cmascope/compare/comparereport.h>
#include <cmascope/util/csv.h>
#include <cmascope/util/units.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>

namespace cmascope {

namespace {

using Json = nlohmann::ordered_json;

std::string fraction(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

std::string label(const VariantFigures& v)
{
    return v.spec.empty() ? std::string("base") : v.spec;
}

Json regionsJson(const VariantFigures& v)
{
    Json regions = Json::array();
    for (const RegionFigures& r : v.regions)
        regions.push_back({ { "name", r.name }, { "size_bytes", r.sizeBytes }, { "peak_used_bytes", r.peakUsedBytes },
            { "largest_free_end_bytes", r.largestFreeEndBytes }, { "largest_free_min_bytes", r.largestFreeMinBytes },
            { "fragmentation_end", r.fragmentationEnd }, { "fragmentation_peak", r.fragmentationPeak } });
    return regions;
}

} // namespace

std::string compareReportJson(const Comparison& c)
{
    Json j;
    j["format"] = "cmascope-compare";
    j["version"] = 1;
    j["subject"] = c.subject;
    j["steps"] = c.steps;
    auto& variants = j["variants"] = Json::array();
    for (const VariantFigures& v : c.variants) {
        Json o;
        o["spec"] = label(v);
        o["description"] = v.description;
        o["requests"] = v.requests;
        o["failures"] = v.failures;
        const auto metric = [&v](auto value) { return v.hasMetrics ? Json(value) : Json(); };
        o["peak_used_bytes"] = metric(v.peakUsedBytes);
        o["largest_free_end_bytes"] = metric(v.largestFreeEndBytes);
        o["largest_free_min_bytes"] = metric(v.largestFreeMinBytes);
        o["fragmentation_end"] = metric(v.fragmentationEnd);
        o["fragmentation_peak"] = metric(v.fragmentationPeak);
        o["first_difference_step"] = v.firstDifference ? Json(*v.firstDifference) : Json();
        o["difference"] = v.difference;
        o["differing_steps"] = v.differingSteps;
        o["regions"] = v.hasMetrics ? regionsJson(v) : Json::array();
        variants.push_back(std::move(o));
    }
    return j.dump(2) + "\n";
}

std::string compareReportCsv(const Comparison& c)
{
    std::string out = "variant,description,requests,failures,peak_used_bytes,largest_free_end_bytes,"
                      "largest_free_min_bytes,fragmentation_end,fragmentation_peak,first_difference_step,"
                      "differing_steps,difference\n";
    for (const VariantFigures& v : c.variants) {
        const auto metric = [&v](const std::string& s) { return v.hasMetrics ? s : std::string(); };
        out += csvField(label(v)) + "," + csvField(v.description) + "," + std::to_string(v.requests) + ","
            + std::to_string(v.failures) + "," + metric(std::to_string(v.peakUsedBytes)) + ","
            + metric(std::to_string(v.largestFreeEndBytes)) + "," + metric(std::to_string(v.largestFreeMinBytes)) + ","
            + metric(fraction(v.fragmentationEnd)) + "," + metric(fraction(v.fragmentationPeak)) + ","
            + (v.firstDifference ? std::to_string(*v.firstDifference) : std::string()) + ","
            + std::to_string(v.differingSteps) + "," + csvField(v.difference) + "\n";
    }
    return out;
}

std::string compareReportTable(const Comparison& c)
{
    constexpr std::size_t kColumns = 8;
    std::vector<std::array<std::string, kColumns>> rows;
    rows.push_back({ "variant", "requests", "failures", "peak used", "largest free", "min largest free",
        "frag end/peak", "first diff" });
    for (const VariantFigures& v : c.variants) {
        const auto metric = [&v](const std::string& s) { return v.hasMetrics ? s : std::string("-"); };
        rows.push_back(
            { label(v), std::to_string(v.requests), std::to_string(v.failures), metric(sizeText(v.peakUsedBytes)),
                metric(sizeText(v.largestFreeEndBytes)), metric(sizeText(v.largestFreeMinBytes)),
                metric(fraction(v.fragmentationEnd) + "/" + fraction(v.fragmentationPeak)),
                v.spec.empty()
                    ? std::string("-")
                    : (v.firstDifference ? "step " + std::to_string(*v.firstDifference) : std::string("none")) });
    }
    std::array<std::size_t, kColumns> width {};
    for (const auto& row : rows)
        for (std::size_t i = 0; i < kColumns; ++i)
            width[i] = std::max(width[i], row[i].size());
    std::string out =
        c.subject + ", " + std::to_string(c.steps) + " steps, " + std::to_string(c.variants.size()) + " runs\n";
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < kColumns; ++i)
            line += row[i] + std::string(width[i] - row[i].size() + 2, ' ');
        out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
    }
    for (std::size_t i = 1; i < c.variants.size(); ++i) {
        const VariantFigures& v = c.variants[i];
        out += "\n" + label(v) + " (" + v.description + "): ";
        out += v.firstDifference ? std::to_string(v.differingSteps) + " differing step(s), first " + v.difference
                                 : std::string("every step as the base");
    }
    return c.variants.size() > 1 ? out + "\n" : out;
}

} // namespace cmascope
