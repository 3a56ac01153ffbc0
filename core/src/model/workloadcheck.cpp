// SPDX-License-Identifier: GPL-2.0-or-later
// Checking a workload spec before it is generated (docs/workload.md, "Limits and errors"): every problem names
// its field with the JSON form's keys.
#include <cmascope/model/workload.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <bit>

namespace cmascope {

namespace {

/// Collects messages for one spec.
struct Checker
{
    std::vector<LoadMessage> messages;
    void error(std::string path, std::string message)
    {
        messages.push_back({ LoadMessage::Severity::Error, std::move(path), std::move(message) });
    }
};

std::string at(const std::string& path, std::size_t i)
{
    return path + "[" + std::to_string(i) + "]";
}

const std::string kSizeRange = "must be between 1 byte and " + sizeText(kWorkloadMaxSize);

void checkPhase(Checker& c, const WorkloadPhase& ph, const std::string& p)
{
    if (ph.name.empty())
        c.error(p + ".name", "is required");
    if (ph.ticks < 1 || ph.ticks > kWorkloadMaxTicks)
        c.error(p + ".ticks", "must be between 1 and " + std::to_string(kWorkloadMaxTicks));
    if (ph.kind == PhaseKind::Drain && ph.concurrency != 0)
        c.error(p + ".concurrency", "must be 0 for a drain phase (it ends with nothing live)");
    else if (ph.concurrency > kWorkloadMaxConcurrency)
        c.error(p + ".concurrency", "must be at most " + std::to_string(kWorkloadMaxConcurrency));
}

void checkPhases(Checker& c, const std::vector<WorkloadPhase>& phases)
{
    if (phases.empty())
        c.error("phases", "at least one phase is needed");
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < phases.size(); ++i) {
        checkPhase(c, phases[i], at("phases", i));
        total = checkedAdd(total, phases[i].ticks).value_or(kU64Max);
    }
    if (total > kWorkloadMaxTicks && phases.size() > 1)
        c.error("phases",
            "last " + std::to_string(total) + " ticks in all, more than " + std::to_string(kWorkloadMaxTicks));
}

/// A list of sizes with weights (or counts); @p weightKey names the weight in messages.
void checkChoices(Checker& c, const std::vector<WeightedSize>& choices, const std::string& p, const char* weightKey)
{
    if (choices.empty())
        c.error(p, "at least one size is needed");
    std::optional<std::uint64_t> total = 0;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (choices[i].bytes < 1 || choices[i].bytes > kWorkloadMaxSize)
            c.error(at(p, i) + ".size", kSizeRange + ", not " + sizeText(choices[i].bytes));
        if (choices[i].weight < 1)
            c.error(at(p, i) + "." + weightKey, "must be at least 1");
        if (total)
            total = checkedAdd(*total, choices[i].weight);
    }
    if (!total)
        c.error(p, std::string("the ") + weightKey + "s add up to more than 2^64");
}

void checkSizes(Checker& c, const SizeDistribution& d, const std::string& p)
{
    switch (d.kind) {
    case SizeDistributionKind::Fixed:
        checkChoices(c, d.choices, p + ".choices", "weight");
        return;
    case SizeDistributionKind::Histogram:
        checkChoices(c, d.choices, p + ".bins", "count");
        return;
    case SizeDistributionKind::Uniform:
    case SizeDistributionKind::LogUniform:
        if (d.min < 1 || d.min > kWorkloadMaxSize)
            c.error(p + ".min", kSizeRange + ", not " + sizeText(d.min));
        if (d.max > kWorkloadMaxSize)
            c.error(p + ".max", kSizeRange + ", not " + sizeText(d.max));
        else if (d.max < d.min)
            c.error(p + ".max", "must be at least min (" + sizeText(d.min) + "), not " + sizeText(d.max));
        return;
    }
}

bool listed(const auto& items, const std::string& name)
{
    return items.empty() || std::any_of(items.begin(), items.end(), [&](const auto& x) { return x.name == name; });
}

void checkStream(Checker& c, const WorkloadStream& s, const std::string& p, const Platform& platform)
{
    if (s.device.empty())
        c.error(p + ".device", "is required");
    else if (!listed(platform.devices, s.device))
        c.error(p + ".device", "the platform has no device '" + s.device + "'");
    if (!s.kind.empty() && !listed(platform.kinds, s.kind))
        c.error(p + ".kind", "the platform has no kind '" + s.kind + "'");
    if (s.weight < 1)
        c.error(p + ".weight", "must be at least 1");
    checkSizes(c, s.sizes, p + ".sizes");
    if (s.roundTo > kWorkloadMaxSize)
        c.error(p + ".round_to", "must be at most " + sizeText(kWorkloadMaxSize) + ", not " + sizeText(s.roundTo));
    if (s.align != 0 && (!std::has_single_bit(s.align) || s.align > kWorkloadMaxSize))
        c.error(
            p + ".align", "must be a power of two up to " + sizeText(kWorkloadMaxSize) + ", not " + hexText(s.align));
    if (!s.lifetime.untilDrain) {
        if (s.lifetime.min < 1 || s.lifetime.min > kWorkloadMaxTicks)
            c.error(p + ".lifetime.min", "must be between 1 and " + std::to_string(kWorkloadMaxTicks) + " ticks");
        else if (s.lifetime.max < s.lifetime.min || s.lifetime.max > kWorkloadMaxTicks)
            c.error(p + ".lifetime.max",
                "must be between min (" + std::to_string(s.lifetime.min) + ") and "
                    + std::to_string(kWorkloadMaxTicks));
    }
}

} // namespace

std::vector<LoadMessage> validateWorkload(const WorkloadSpec& spec, const Platform& platform)
{
    Checker c;
    checkPhases(c, spec.phases);
    const bool asks =
        std::any_of(spec.phases.begin(), spec.phases.end(), [](const WorkloadPhase& ph) { return ph.concurrency > 0; });
    if (spec.streams.empty() && asks)
        c.error("streams", "at least one stream is needed");
    std::optional<std::uint64_t> weights = 0;
    for (std::size_t i = 0; i < spec.streams.size(); ++i) {
        checkStream(c, spec.streams[i], at("streams", i), platform);
        if (weights)
            weights = checkedAdd(*weights, spec.streams[i].weight);
    }
    if (!weights)
        c.error("streams", "the weights add up to more than 2^64");
    return std::move(c.messages);
}

} // namespace cmascope
