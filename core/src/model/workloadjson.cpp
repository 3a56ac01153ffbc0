// SPDX-License-Identifier: GPL-2.0-or-later
// The JSON form of a workload spec (docs/workload.md, "The spec file"), read with the project reader's field
// helpers so that every error names its JSON path.
#include "jsonfields.h"

#include <cmascope/model/workload.h>
#include <cmascope/util/memparse.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace cmascope {

using projectjson::json;
using projectjson::Reader;

std::string WorkloadLoadResult::errorText() const
{
    std::string out;
    for (const auto& m : messages)
        out += m.toString() + '\n';
    return out;
}

namespace {

void readPhase(Reader& r, const json& v, const std::string& p, WorkloadPhase& ph)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p, { "name", "kind", "ticks", "concurrency" });
    r.string(v, p, "name", ph.name, true);
    r.oneOf(v, p, "kind", ph.kind,
        { { "ramp", PhaseKind::Ramp }, { "peak", PhaseKind::Peak }, { "plateau", PhaseKind::Plateau },
            { "drain", PhaseKind::Drain } });
    if (!v.contains("ticks"))
        r.error(Reader::join(p, "ticks"), "is required");
    r.integer(v, p, "ticks", ph.ticks, 1, kWorkloadMaxTicks);
    r.integer(v, p, "concurrency", ph.concurrency, 0, kWorkloadMaxConcurrency);
}

/// {"size", WEIGHT_KEY} objects: a fixed list's choices or a histogram's bins.
void readChoices(Reader& r, const json& v, const std::string& p, const char* key, const char* weightKey,
    std::vector<WeightedSize>& out)
{
    if (!v.contains(key))
        r.error(Reader::join(p, key), "is required");
    r.array(v, p, key, [&](const json& cv, const std::string& cp) {
        if (!r.isObject(cv, cp))
            return;
        r.checkKeys(cv, cp, { "size", weightKey });
        WeightedSize& w = out.emplace_back();
        r.size(cv, cp, "size", w.bytes, true);
        r.integer(cv, cp, weightKey, w.weight, 0, std::numeric_limits<long long>::max());
    });
}

void readSizes(Reader& r, const json& v, const std::string& p, SizeDistribution& d)
{
    r.checkKeys(v, p, { "type", "choices", "bins", "source", "min", "max" });
    if (!v.contains("type"))
        r.error(Reader::join(p, "type"), "is required");
    r.oneOf(v, p, "type", d.kind,
        { { "fixed", SizeDistributionKind::Fixed }, { "uniform", SizeDistributionKind::Uniform },
            { "log-uniform", SizeDistributionKind::LogUniform }, { "histogram", SizeDistributionKind::Histogram } });
    if (d.kind == SizeDistributionKind::Fixed)
        readChoices(r, v, p, "choices", "weight", d.choices);
    else if (d.kind == SizeDistributionKind::Histogram)
        readChoices(r, v, p, "bins", "count", d.choices);
    else {
        r.size(v, p, "min", d.min, true);
        r.size(v, p, "max", d.max, true);
    }
    r.string(v, p, "source", d.source);
}

void readLifetime(Reader& r, const json& v, const std::string& p, Lifetime& l)
{
    r.checkKeys(v, p, { "type", "min", "max" });
    bool untilDrain = false;
    std::string type = "uniform";
    r.string(v, p, "type", type);
    if (type == "until-drain")
        untilDrain = true;
    else if (type != "uniform")
        r.error(Reader::join(p, "type"), "must be \"uniform\" or \"until-drain\", not \"" + type + "\"");
    l.untilDrain = untilDrain;
    if (!untilDrain) {
        if (!v.contains("min"))
            r.error(Reader::join(p, "min"), "is required");
        r.integer(v, p, "min", l.min, 1, kWorkloadMaxTicks);
        l.max = l.min;
        r.integer(v, p, "max", l.max, 1, kWorkloadMaxTicks);
    }
}

void readStream(Reader& r, const json& v, const std::string& p, WorkloadStream& s)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p, { "device", "kind", "weight", "sizes", "round_to", "align", "lifetime" });
    r.string(v, p, "device", s.device, true);
    r.string(v, p, "kind", s.kind);
    r.integer(v, p, "weight", s.weight, 1, 1'000'000'000);
    if (!v.contains("sizes"))
        r.error(Reader::join(p, "sizes"), "is required");
    r.object(v, p, "sizes", [&](const json& o, const std::string& op) { readSizes(r, o, op, s.sizes); });
    r.size(v, p, "round_to", s.roundTo);
    r.size(v, p, "align", s.align);
    r.object(v, p, "lifetime", [&](const json& o, const std::string& op) { readLifetime(r, o, op, s.lifetime); });
}

void readHeader(Reader& r, const json& doc, WorkloadSpec& spec)
{
    r.checkKeys(doc, "", { "format", "version", "name", "seed", "phases", "streams" });
    std::string format;
    r.string(doc, "", "format", format, true);
    if (!format.empty() && format != kWorkloadFormat)
        r.error("format", "must be \"" + std::string(kWorkloadFormat) + "\", not \"" + format + "\"");
    int version = 0;
    r.integer(doc, "", "version", version, 0, 1000000);
    if (!doc.contains("version"))
        r.error("version", "is required");
    else if (version > kWorkloadVersion)
        r.error(
            "version", "this file was written by a newer cmascope (format version " + std::to_string(version) + ")");
    r.string(doc, "", "name", spec.name);
    if (const auto it = doc.find("seed"); it != doc.end()) {
        if (it->is_number_unsigned())
            spec.seed = it->get<std::uint64_t>();
        else
            r.error("seed", "must be an integer from 0 to 2^64 - 1");
    }
}

} // namespace

WorkloadLoadResult parseWorkloadSpec(std::string_view jsonText)
{
    WorkloadLoadResult result;
    const std::optional<json> parsed = projectjson::parseDocument(jsonText, result.messages);
    if (!parsed)
        return result;
    const json& doc = *parsed;
    Reader r(result.messages);
    WorkloadSpec spec;
    readHeader(r, doc, spec);
    r.array(doc, "", "phases",
        [&](const json& e, const std::string& ep) { readPhase(r, e, ep, spec.phases.emplace_back()); });
    r.array(doc, "", "streams",
        [&](const json& e, const std::string& ep) { readStream(r, e, ep, spec.streams.emplace_back()); });
    if (!projectjson::hasError(result.messages))
        result.spec = std::move(spec);
    return result;
}

WorkloadLoadResult loadWorkloadFile(const std::string& path)
{
    return projectjson::loadDocumentFile<WorkloadLoadResult>(
        path, [](const std::string& text) { return parseWorkloadSpec(text); });
}

namespace {

json choicesJson(const std::vector<WeightedSize>& choices, const char* weightKey)
{
    json out = json::array();
    for (const WeightedSize& c : choices)
        out.push_back({ { "size", formatSize(c.bytes) }, { weightKey, c.weight } });
    return out;
}

json streamJson(const WorkloadStream& s)
{
    json j = { { "device", s.device } };
    if (!s.kind.empty())
        j["kind"] = s.kind;
    j["weight"] = s.weight;
    json sizes = { { "type", sizeDistributionName(s.sizes.kind) } };
    if (s.sizes.kind == SizeDistributionKind::Fixed)
        sizes["choices"] = choicesJson(s.sizes.choices, "weight");
    else if (s.sizes.kind == SizeDistributionKind::Histogram)
        sizes["bins"] = choicesJson(s.sizes.choices, "count");
    else {
        sizes["min"] = formatSize(s.sizes.min);
        sizes["max"] = formatSize(s.sizes.max);
    }
    if (!s.sizes.source.empty())
        sizes["source"] = s.sizes.source;
    j["sizes"] = std::move(sizes);
    if (s.roundTo)
        j["round_to"] = formatSize(s.roundTo);
    if (s.align)
        j["align"] = formatSize(s.align);
    j["lifetime"] = s.lifetime.untilDrain
        ? json { { "type", "until-drain" } }
        : json { { "type", "uniform" }, { "min", s.lifetime.min }, { "max", s.lifetime.max } };
    return j;
}

} // namespace

std::string serializeWorkloadSpec(const WorkloadSpec& spec)
{
    json doc = { { "format", kWorkloadFormat }, { "version", kWorkloadVersion } };
    doc["name"] = spec.name;
    doc["seed"] = spec.seed;
    json phases = json::array();
    for (const WorkloadPhase& ph : spec.phases) {
        json j = { { "name", ph.name }, { "kind", phaseKindName(ph.kind) }, { "ticks", ph.ticks } };
        if (ph.kind != PhaseKind::Drain)
            j["concurrency"] = ph.concurrency;
        phases.push_back(std::move(j));
    }
    doc["phases"] = std::move(phases);
    json streams = json::array();
    for (const WorkloadStream& s : spec.streams)
        streams.push_back(streamJson(s));
    doc["streams"] = std::move(streams);
    return doc.dump(2) + '\n';
}

} // namespace cmascope
