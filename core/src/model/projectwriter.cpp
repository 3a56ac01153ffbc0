// SPDX-License-Identifier: GPL-2.0-or-later
// Writing a project file: a Project as the JSON document docs/project-format.md describes, saved atomically.
#include "lessonjson.h"

#include <cmascope/model/maplang.h>
#include <cmascope/model/project.h>
#include <cmascope/util/memparse.h>
#include <cmascope/util/units.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cmascope {

using nlohmann::json;

namespace {

json sizeJson(std::uint64_t v)
{
    return formatSize(v);
}

json rangesJson(const std::vector<AddressRange>& ranges)
{
    json out = json::array();
    for (const auto& ar : ranges)
        out.push_back({ { "base", hexText(ar.base) }, { "size", sizeJson(ar.size) } });
    return out;
}

/// A region's "dt" object: what its device tree node says beyond the region itself.
json regionDtJson(const Region& reg)
{
    json dt = json::object();
    if (!reg.dt.compatible.empty())
        dt["compatible"] = reg.dt.compatible;
    if (reg.dt.noMap)
        dt["no_map"] = *reg.dt.noMap;
    if (reg.dt.reusable)
        dt["reusable"] = *reg.dt.reusable;
    if (!reg.dt.moreReg.empty())
        dt["more_reg"] = rangesJson(reg.dt.moreReg);
    return dt;
}

/// One region; fields at their default value are left out.
json regionJson(const Region& reg)
{
    const Region defaults;
    json j = { { "name", reg.name }, { "size", sizeJson(reg.size) } };
    if (reg.type == RegionType::Carveout)
        j["type"] = "carveout";
    j["placement"] = reg.placement == Placement::Fixed ? "fixed" : "dynamic";
    if (reg.placement == Placement::Fixed)
        j["start"] = hexText(reg.start);
    if (reg.alignment)
        j["alignment"] = sizeJson(reg.alignment);
    if (!reg.allocRanges.empty())
        j["alloc_ranges"] = rangesJson(reg.allocRanges);
    if (reg.limit)
        j["limit"] = hexText(reg.limit);
    if (reg.pageSize != defaults.pageSize)
        j["page_size"] = reg.pageSize;
    j["policy"] = std::string(policyId(reg.policy));
    if (reg.params != defaults.params) {
        json params = { { "order_per_bit", reg.params.orderPerBit },
            { "tlsf_sl_log2", reg.params.tlsfSecondLevelLog2 } };
        params["max_align_order"] = reg.params.maxAlignOrder ? json(*reg.params.maxAlignOrder) : json(nullptr);
        j["params"] = params;
    }
    if (reg.isDefault)
        j["default"] = true;
    if (reg.asterisk)
        j["asterisk"] = true;
    if (!reg.privateTo.empty())
        j["private_to"] = reg.privateTo;
    if (!reg.missingAllocator.empty())
        j["missing_allocator"] = reg.missingAllocator;
    if (reg.privateHandle)
        j["private_handle"] = true;
    if (reg.numaNode != -1)
        j["numa_node"] = reg.numaNode;
    if (reg.maxRanges != 1)
        j["max_ranges"] = reg.maxRanges;
    if (reg.fallbackMaxContiguous != defaults.fallbackMaxContiguous)
        j["fallback_max_contiguous"] = sizeJson(reg.fallbackMaxContiguous);
    if (!reg.label.empty())
        j["label"] = reg.label;
    if (!reg.memoryType.empty())
        j["memory_type"] = reg.memoryType;
    if (!reg.drivers.empty())
        j["drivers"] = reg.drivers;
    if (!reg.dt.empty())
        j["dt"] = regionDtJson(reg);
    return j;
}

json deviceJson(const Device& d)
{
    json j = { { "name", d.name } };
    if (d.numaNode)
        j["numa_node"] = d.numaNode;
    if (d.dmaBits != 64)
        j["dma_bits"] = d.dmaBits;
    if (!d.memoryRegions.empty())
        j["memory_region"] = d.memoryRegions;
    if (!d.memoryRegionNames.empty())
        j["memory_region_names"] = d.memoryRegionNames;
    return j;
}

json platformJson(const Platform& pf)
{
    json platform = json::object();
    platform["name"] = pf.name;
    if (!pf.description.empty())
        platform["description"] = pf.description;
    platform["page_size"] = pf.pageSize;
    platform["pageblock_order"] = pf.pageblockOrder;
    platform["cma_alignment_order"] = pf.cmaAlignmentOrder;
    platform["map_mode"] = pf.mapMode == MapMode::Modern ? "modern"
        : pf.mapMode == MapMode::Verkuil                 ? "verkuil"
                                                         : "2010";
    if (pf.mapDialect)
        platform["map_dialect"] = std::string(mapDialectId(*pf.mapDialect));
    json banks = json::array();
    for (const auto& b : pf.banks)
        banks.push_back({ { "name", b.name }, { "base", hexText(b.base) }, { "size", sizeJson(b.size) },
            { "numa_node", b.numaNode } });
    platform["banks"] = banks;
    json regions = json::array();
    for (const auto& reg : pf.regions) {
        if (!reg.rangeOf.empty()) // made by placement, made again on load (docs/project-format.md)
            continue;
        Region declared = reg;
        if (reg.split && reg.size == reg.split->first)
            declared.size = reg.split->declared;
        regions.push_back(regionJson(declared));
    }
    platform["regions"] = regions;
    json devices = json::array();
    for (const auto& d : pf.devices)
        devices.push_back(deviceJson(d));
    platform["devices"] = devices;
    json kinds = json::array();
    for (const auto& k : pf.kinds) {
        json j = { { "name", k.name } };
        if (!k.description.empty())
            j["description"] = k.description;
        kinds.push_back(std::move(j));
    }
    platform["kinds"] = kinds;
    json rules = json::array();
    for (const auto& rule : pf.rules)
        rules.push_back({ { "patterns", rule.patterns }, { "regions", rule.regions } });
    platform["rules"] = rules;
    return platform;
}

/// One step; regions are named, symbols spelled out.
json stepJson(const Step& s, const Scenario& sc, const Platform& pf)
{
    json j = { { "op", s.type == StepType::Allocate ? "alloc" : std::string(stepTypeName(s.type)) } };
    switch (s.type) {
    case StepType::Allocate:
        j["device"] = std::string(sc.symbols.name(s.device));
        if (s.kind)
            j["kind"] = std::string(sc.symbols.name(s.kind));
        j["size"] = sizeJson(s.size);
        if (s.alignLog2 != kDefaultAlign)
            j["align"] = sizeJson(std::uint64_t(1) << s.alignLog2);
        if (s.label)
            j["label"] = std::string(sc.symbols.name(s.label));
        break;
    case StepType::Free:
        j["label"] = std::string(sc.symbols.name(s.label));
        break;
    case StepType::Phase:
        j["text"] = std::string(sc.symbols.name(s.label));
        break;
    case StepType::Place:
        j["device"] = std::string(sc.symbols.name(s.device));
        if (s.label)
            j["label"] = std::string(sc.symbols.name(s.label));
        [[fallthrough]];
    case StepType::Pin:
    case StepType::Unpin:
    case StepType::Release:
        if (s.type == StepType::Release && s.device)
            j["device"] = std::string(sc.symbols.name(s.device));
        j["region"] = s.region < pf.regions.size() ? pf.regions[s.region].name : std::string();
        j["offset"] = s.offset;
        j["pages"] = s.size;
        break;
    case StepType::Refused:
        j["region"] = s.region < pf.regions.size() ? pf.regions[s.region].name : std::string();
        j["pages"] = s.size;
        j["align_order"] = s.alignLog2;
        j["device"] = std::string(sc.symbols.name(s.device));
        if (s.label)
            j["label"] = std::string(sc.symbols.name(s.label));
        break;
    case StepType::AllocateFromRegion:
        j["region"] = s.region < pf.regions.size() ? pf.regions[s.region].name : std::string();
        j["device"] = std::string(sc.symbols.name(s.device));
        j["size"] = sizeJson(s.size);
        if (s.offset)
            j["align"] = sizeJson(s.offset);
        if (s.label)
            j["label"] = std::string(sc.symbols.name(s.label));
        break;
    case StepType::Reset:
        break;
    }
    return j;
}

json scenarioJson(const Scenario& sc, const Platform& pf)
{
    json steps = json::array();
    for (const auto& s : sc.steps)
        steps.push_back(stepJson(s, sc, pf));
    json scj = { { "name", sc.name } };
    if (!sc.description.empty())
        scj["description"] = sc.description;
    scj["steps"] = steps;
    if (!sc.timesNs.empty() && sc.timesNs.size() == sc.steps.size())
        scj["times_ns"] = sc.timesNs;
    if (sc.lesson)
        scj["lesson"] = projectjson::lessonJson(*sc.lesson);
    return scj;
}

/// The process umask, read without changing it (umask(2) can only be read by setting it, which races with
/// other threads creating files): Linux reports it in /proc/self/status since 4.7.
mode_t currentUmask()
{
    if (std::FILE* f = std::fopen("/proc/self/status", "re")) {
        char line[256];
        while (std::fgets(line, sizeof line, f)) {
            unsigned mask = 0;
            if (std::sscanf(line, "Umask: %o", &mask) == 1) {
                std::fclose(f);
                return static_cast<mode_t>(mask);
            }
        }
        std::fclose(f);
    }
    return 022;
}

} // namespace

std::string serializeProject(const Project& project)
{
    json scenarios = json::array();
    for (const auto& sc : project.scenarios)
        scenarios.push_back(scenarioJson(sc, project.platform));
    json doc = { { "format", kProjectFormat }, { "version", kProjectVersion },
        { "platform", platformJson(project.platform) }, { "scenarios", scenarios } };
    if (!project.viewJson.empty()) {
        json view = json::parse(project.viewJson, nullptr, false);
        if (view.is_object())
            doc["view"] = std::move(view);
    }
    return doc.dump(2) + "\n";
}

std::optional<std::string> writeFileAtomically(const std::string& requestedPath, std::string_view data)
{
    // Replace the file a symbolic link points to, not the link; keep an existing file's permission bits,
    // else create it as open(2) would (0666 less the umask).
    std::string path = requestedPath;
    struct stat st
    { };
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        if (char* real = ::realpath(path.c_str(), nullptr)) {
            path = real;
            std::free(real);
        }
    }
    const bool exists = ::stat(path.c_str(), &st) == 0;
    const mode_t mode = exists ? (st.st_mode & 07777) : (0666 & ~currentUmask());
    std::string tmp = path + ".XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0)
        return path + ": cannot create a temporary file next to it: " + std::strerror(errno);
    auto fail = [&](const char* what) {
        const std::string err = path + ": " + what + ": " + std::strerror(errno);
        ::close(fd);
        ::unlink(tmp.c_str());
        return err;
    };
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail("write failed");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, mode) != 0)
        return fail("cannot set permissions");
    if (::fsync(fd) != 0)
        return fail("fsync failed");
    if (::close(fd) != 0) {
        const std::string err = path + ": close failed: " + std::strerror(errno);
        ::unlink(tmp.c_str());
        return err;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string err = path + ": cannot replace the file: " + std::strerror(errno);
        ::unlink(tmp.c_str());
        return err;
    }
    return std::nullopt;
}

std::optional<std::string> saveProjectFile(const std::string& path, const Project& project)
{
    return writeFileAtomically(path, serializeProject(project));
}

} // namespace cmascope
