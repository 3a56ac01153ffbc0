// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/model/maplang.h>
#include <cmascope/plan/placement.h>
#include <cmascope/validation/validation.h>

#include <QTest>

#include <functional>
#include <set>

using namespace cmascope;

Q_DECLARE_METATYPE(cmascope::Platform)

namespace {

/// A platform every check accepts: two banks, a default area below 2 GiB, a fixed codec area, a firmware
/// carve-out, a camera area in an alloc-range, a 32-bit camera, a map.
Platform validPlatform()
{
    Platform p;
    p.name = "board";
    p.banks = { Bank { "dram", 0x40000000, GiB, 0 }, Bank { "high", 0x100000000, GiB, 1 } };

    Region def;
    def.name = "reserved";
    def.size = 64 * MiB;
    def.limit = 0x80000000;
    def.isDefault = true;
    def.asterisk = true;

    Region vcodec;
    vcodec.name = "vcodec";
    vcodec.size = 64 * MiB;
    vcodec.placement = Placement::Fixed;
    vcodec.start = 0x60000000;

    Region fw;
    fw.name = "fw";
    fw.type = RegionType::Carveout;
    fw.size = 1 * MiB;
    fw.placement = Placement::Fixed;
    fw.start = 0x5f000000;

    Region cam;
    cam.name = "cam";
    cam.size = 32 * MiB;
    cam.allocRanges = { { 0x40000000, 512 * MiB } };

    p.regions = { def, vcodec, fw, cam };
    p.devices = { Device { "codec", 0, 64, { "vcodec", "fw" }, { "buffers", "firmware" } },
        Device { "camera", 0, 32, {}, {} } };
    p.kinds = { Kind { "a", "bank A" }, Kind { "b", "bank B" } };
    p.rules = parseMap("codec/a=vcodec;camera=cam;*/*=reserved").rules;
    return p;
}

std::string dump(const std::vector<Diagnostic>& diags)
{
    std::string out;
    for (const Diagnostic& d : diags) {
        out += std::string(severityName(d.severity)) + " [" + d.check + "] " + d.path + ": " + d.message + "\n";
    }
    return out;
}

/// One row of the check table: a mutation of the valid platform and the diagnostic it must (not) give.
struct CheckCase
{
    const char* name;
    Platform platform;
    bool v4;
    const char* check;
    const char* path;
    Severity severity;
    bool fires;
    const char* message; ///< substring of the message
};

/// Collects the rows of the check table; check_data() and everyCheckCovered() both read it, so neither
/// depends on the other having run.
class CheckTable
{
public:
    void operator()(const char* name, const std::function<void(Platform&)>& mutate, const char* check, const char* path,
        Severity severity, const char* message, bool fires = true, bool v4 = false)
    {
        Platform p = validPlatform();
        mutate(p);
        rows.push_back(CheckCase { name, std::move(p), v4, check, path, severity, fires, message });
    }
    std::vector<CheckCase> rows;
};

std::vector<CheckCase> checkCases();

} // namespace

class TestValidation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validPlatformIsClean();
    void validAfterPlacementIsClean();
    void check_data();
    void check();
    void everyCheckCovered();
    void checkListIsDescribed();
};

void TestValidation::validPlatformIsClean()
{
    const Platform p = validPlatform();
    const auto diags = validate(p);
    QVERIFY2(diags.empty(), dump(diags).c_str());
    // v4 compares types literally: the same board written for v4 ends with "*=reserved".
    Platform p4 = validPlatform();
    p4.rules = parseMap("codec/a=vcodec;camera=cam;*=reserved").rules;
    const auto v4 = validate(p4, ValidationOptions { MapDialect::V4 });
    QVERIFY2(v4.empty(), dump(v4).c_str());
}

void TestValidation::validAfterPlacementIsClean()
{
    Platform p = validPlatform();
    const PlacementResult r = placeRegions(p);
    QVERIFY(r.ok());
    QVERIFY(p.regions[0].placedBase && p.regions[3].placedBase);
    const auto diags = validate(p);
    QVERIFY2(diags.empty(), dump(diags).c_str());
}

void TestValidation::check_data()
{
    QTest::addColumn<Platform>("platform");
    QTest::addColumn<bool>("v4");
    QTest::addColumn<QByteArray>("check");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("severity"); // Severity
    QTest::addColumn<bool>("fires");
    QTest::addColumn<QByteArray>("message"); // substring of the message
    for (const CheckCase& c : checkCases())
        QTest::newRow(c.name) << c.platform << c.v4 << QByteArray(c.check) << QByteArray(c.path) << int(c.severity)
                              << c.fires << QByteArray(c.message);
}

namespace {

std::vector<CheckCase> checkCases()
{
    CheckTable row;
    constexpr auto E = Severity::Error;
    constexpr auto W = Severity::Warning;
    constexpr auto I = Severity::Info;

    row(
        "page size of a region", [](Platform& p) { p.regions[1].pageSize = 8192; }, "page-size", "regions[1].pageSize",
        E, "region 'vcodec': page size 8192 is not 4, 16 or 64 KiB");
    row(
        "platform page size", [](Platform& p) { p.pageSize = 2048; }, "page-size", "pageSize", E,
        "platform page size 2048");
    row(
        "64 KiB pages are fine", [](Platform& p) { p.regions[1].pageSize = 65536; }, "page-size", "regions[1].pageSize",
        E, "", false);

    row(
        "duplicate region name", [](Platform& p) { p.regions[3].name = "reserved"; }, "names", "regions[3].name", E,
        "region name 'reserved' is used twice (regions[0] and regions[3])");
    row(
        "duplicate bank name", [](Platform& p) { p.banks[1].name = "dram"; }, "names", "banks[1].name", E,
        "bank name 'dram' is used twice");
    row(
        "empty device name", [](Platform& p) { p.devices[1].name.clear(); }, "names", "devices[1].name", E,
        "device 1 has no name");
    row(
        "duplicate kind", [](Platform& p) { p.kinds[1].name = "a"; }, "names", "kinds[1].name", E,
        "kind name 'a' is used twice");

    row(
        "bank overflow", [](Platform& p) { p.banks[1].base = 0xfffffffff0000000; }, "address-overflow", "banks[1].size",
        E, "bank 'high': base 0xfffffffff0000000 + size 0x40000000 overflows 64 bits");
    row(
        "fixed region overflow", [](Platform& p) { p.regions[1].start = 0xfffffffffff00000; }, "address-overflow",
        "regions[1].size", E, "start 0xfffffffffff00000 + size 0x4000000 overflows 64 bits");
    row(
        "alloc-range overflow", [](Platform& p) { p.regions[3].allocRanges[0].base = 0xffffffffffff0000; },
        "address-overflow", "regions[3].allocRanges[0]", E, "alloc-range 0 base 0xffffffffffff0000");

    row(
        "no banks", [](Platform& p) { p.banks.clear(); }, "no-banks", "banks", W, "has regions but no memory banks");

    row(
        "bank overlap", [](Platform& p) { p.banks[1].base = 0x7ff00000; }, "bank-overlap", "banks[1]", E,
        "bank 'high' [0x7ff00000, 0xbff00000) overlaps bank 'dram' [0x40000000, 0x80000000)");
    row(
        "adjacent banks do not overlap", [](Platform& p) { p.banks[1].base = 0x80000000; }, "bank-overlap", "banks[1]",
        E, "", false);

    row(
        "alignment not power of two", [](Platform& p) { p.regions[0].alignment = 3 * MiB; }, "alignment-power-of-two",
        "regions[0].alignment", E, "region 'reserved': alignment 0x300000 is not a power of two");

    row(
        "size not page multiple", [](Platform& p) { p.regions[3].size = 32 * MiB + 0x800; }, "size-multiple",
        "regions[3].size", W,
        "size 0x2000800 is not a multiple of the page size 0x1000; the kernel rounds it up to 0x2001000");
    row(
        "size not order_per_bit multiple",
        [](Platform& p) {
            p.regions[3].size = 40 * MiB;
            p.regions[3].params.orderPerBit = 12;
        },
        "size-multiple", "regions[3].size", E, "10240 pages is not a multiple of 2^12 = 4096 pages (order_per_bit)");
    row(
        "order_per_bit fixed by rounding",
        [](Platform& p) {
            p.mapMode = MapMode::Modern;
            p.regions[3].size = 32 * MiB + 4 * KiB;
            p.regions[3].params.orderPerBit = 2;
        },
        "size-multiple", "regions[3].size", W, "8193 pages is not a multiple of 2^2 = 4 pages");

    row(
        "fixed start misaligned",
        [](Platform& p) {
            p.mapMode = MapMode::Modern;
            p.regions[1].start = 0x60100000;
        },
        "fixed-misaligned", "regions[1].start", E,
        "Region at 0x0000000060100000 must be aligned to 0x0000000000200000 bytes (the kernel minimum CMA alignment");
    row(
        "fixed start below its own alignment", [](Platform& p) { p.regions[1].alignment = GiB; }, "fixed-misaligned",
        "regions[1].start", E, "must be aligned to 0x0000000040000000 bytes");
    row(
        "carve-out needs only pages", [](Platform& p) { p.regions[2].start = 0x5f001000; }, "fixed-misaligned",
        "regions[2].start", E, "", false);

    row(
        "alignment below CMA minimum",
        [](Platform& p) {
            p.mapMode = MapMode::Modern;
            p.regions[0].alignment = 64 * KiB;
        },
        "alignment-below-minimum", "regions[0].alignment", W,
        "alignment 0x10000 (64 KiB) is below the kernel minimum CMA alignment 0x200000 (2 MiB");
    row(
        "2010 framework has no pageblock minimum", [](Platform& p) { p.regions[0].alignment = 64 * KiB; },
        "alignment-below-minimum", "regions[0].alignment", W, "", false);
    row(
        "carve-out alignment is not CMA", [](Platform& p) { p.regions[2].alignment = 64 * KiB; },
        "alignment-below-minimum", "regions[2].alignment", W, "", false);

    row(
        "fixed regions overlap", [](Platform& p) { p.regions[2].start = 0x63f00000; }, "region-overlap", "regions[2]",
        E, "region 'fw' fixed at [0x63f00000, 0x64000000) overlaps region 'vcodec' fixed at [0x60000000, 0x64000000)");
    row(
        "placed region overlaps", [](Platform& p) { p.regions[3].placedBase = 0x62000000; }, "region-overlap",
        "regions[3]", E, "region 'cam' placed at [0x62000000, 0x64000000) overlaps region 'vcodec'");
    row(
        "unplaced dynamic regions are not compared", [](Platform& p) { p.regions[3].start = 0x60000000; },
        "region-overlap", "regions[3]", E, "", false);

    row(
        "fixed outside banks", [](Platform& p) { p.regions[1].start = 0x20000000; }, "region-outside-banks",
        "regions[1].start", E, "region 'vcodec' fixed at [0x20000000, 0x24000000) is not inside any memory bank");
    row(
        "placed outside banks", [](Platform& p) { p.regions[0].placedBase = 0x200000000; }, "region-outside-banks",
        "regions[0].placedBase", E,
        "region 'reserved' placed at [0x200000000, 0x204000000) is not inside any memory bank");
    row(
        "straddles a bank end", [](Platform& p) { p.regions[1].start = 0x7e000000; }, "region-outside-banks",
        "regions[1].start", E, "is not inside any memory bank");
    row(
        "alloc-range without memory",
        [](Platform& p) {
            p.regions[3].allocRanges = { { 0, 256 * MiB } };
        },
        "region-outside-banks", "regions[3].allocRanges[0]", W,
        "alloc-range [0x0, 0x10000000) contains no memory bank; it can never be used");

    row(
        "size 0 with fixed start", [](Platform& p) { p.regions[2].size = 0; }, "size-zero-fixed", "regions[2].start", W,
        "region 'fw' has size 0 and a fixed start 0x5f000000");
    row(
        "size 0 dynamic is fine", [](Platform& p) { p.regions[3].size = 0; }, "size-zero-fixed", "regions[3].start", W,
        "", false);

    // docs/kernel-cma.md#multi-range-areas-in-plans: only cma_declare_contiguous_multi() makes several ranges.
    row(
        "nine ranges", [](Platform& p) { p.regions[3].maxRanges = 9; }, "multi-range", "regions[3].maxRanges", E,
        "region 'cam': 9 ranges; an area has 1 to 8 (CMA_MAX_RANGES)");
    row(
        "ranges of a carve-out", [](Platform& p) { p.regions[2].maxRanges = 2; }, "multi-range", "regions[2].maxRanges",
        E, "a carve-out is reserved in one piece");
    row(
        "ranges and a limit",
        [](Platform& p) {
            p.regions[3].maxRanges = 8;
            p.regions[3].allocRanges.clear();
            p.regions[3].limit = 0x80000000;
        },
        "multi-range", "regions[3].limit", W, "the limit 0x80000000 is not used");
    row(
        "ranges of a dynamic area are fine",
        [](Platform& p) {
            p.regions[3].maxRanges = 8;
            p.regions[3].allocRanges.clear();
        },
        "multi-range", "regions[3].maxRanges", E, "", false);
    row(
        "ranges and alloc-ranges", [](Platform& p) { p.regions[3].maxRanges = 2; }, "multi-range",
        "regions[3].maxRanges", E, "an area with alloc-ranges is placed in one of them");

    // docs/cma2010.md#size-0-regions: no 2010 version accepted size 0 (cma_region_register()).
    row(
        "size 0 under a dialect", [](Platform& p) { p.regions[3].size = 0; }, "size-zero-2010", "regions[3].size", W,
        "region 'cam' has size 0: every 2010 version refuses it (cma_region_register() returns -EINVAL");
    row(
        "size 0 carve-out is not a CMA region", [](Platform& p) { p.regions[2].size = 0; }, "size-zero-2010",
        "regions[2].size", W, "", false);
    // docs/cma2010.md#hans-verkuils-memory-types
    row(
        "verkuil region without a type", [](Platform& p) { p.mapMode = MapMode::Verkuil; }, "verkuil-types",
        "regions[1].memoryType", W, "region 'vcodec' has no memory type: no request reaches it");
    row(
        "verkuil types in 2010 mode", [](Platform& p) { p.regions[1].memoryType = "dma"; }, "verkuil-types",
        "regions[1].memoryType", I, "only map_mode \"verkuil\" reads");

    row(
        "two default areas", [](Platform& p) { p.regions[3].isDefault = true; }, "default-area", "regions[3].isDefault",
        W, "region 'cam' is a second default area; only 'reserved' (the first) is used");
    row(
        "carve-out as default", [](Platform& p) { p.regions[2].isDefault = true; }, "default-area",
        "regions[2].isDefault", E, "region 'fw' is a carve-out and cannot be the default CMA area");

    row(
        "private to unknown device", [](Platform& p) { p.regions[3].privateTo = "nobody"; }, "private-owner",
        "regions[3].privateTo", E, "region 'cam' is private to 'nobody', which is not a declared device");

    // 2010 private regions (docs/cma2010.md#private-regions).
    row(
        "2010 private region in v1",
        [](Platform& p) {
            p.regions[3].privateHandle = true;
            p.rules[1].regions = { "reserved" };
        },
        "private-handle", "regions[3].privateHandle", W,
        "region 'cam' is a 2010 private region, which v1 did not have (private regions and cma_alloc_from_region() "
        "came with v2)");
    row(
        "2010 private region in v4 is fine",
        [](Platform& p) {
            p.regions[3].privateHandle = true;
            p.rules[1].regions = { "reserved" };
        },
        "private-handle", "regions[3].privateHandle", W, "", false, true);
    row(
        "2010 private region flagged asterisk", [](Platform& p) { p.regions[0].privateHandle = true; },
        "private-handle", "regions[0].asterisk", I, "it is never an asterisk region", true, true);
    row(
        "2010 private region's driver unknown",
        [](Platform& p) {
            p.regions[3].privateHandle = true;
            p.regions[3].privateTo = "viafb";
        },
        "private-owner", "regions[3].privateTo", W, "region 'cam' is registered by driver 'viafb'", true, true);
    row(
        "rule names a 2010 private region", [](Platform& p) { p.regions[3].privateHandle = true; },
        "map-private-region", "rules[1].regions[0]", W,
        "map rule #2 'camera=cam' names 'cam', a 2010 private region: it was registered without a name, so the "
        "kernel never finds it by name",
        true, true);

    row(
        "unknown memory-region", [](Platform& p) { p.devices[0].memoryRegions[1] = "nope"; }, "memory-region",
        "devices[0].memoryRegions[1]", E, "device 'codec': memory-region 1 names unknown region 'nope'");
    row(
        "memory-region-names count", [](Platform& p) { p.devices[0].memoryRegionNames = { "buffers" }; },
        "memory-region", "devices[0].memoryRegionNames", W, "1 memory-region-names for 2 memory-region entries");

    row(
        "map names unknown region",
        [](Platform& p) {
            p.rules[1].regions = { "cam", "ghost" };
        },
        "map-unknown-region", "rules[1].regions[1]", E, "map rule #2 'camera=cam,ghost' names unknown region 'ghost'");
    row(
        "'*' is not a region name in v3", [](Platform& p) { p.rules[1].regions = { "*" }; }, "map-unknown-region",
        "rules[1].regions[0]", E, "", false);
    row(
        "'*' region list in v4", [](Platform& p) { p.rules[1].regions = { "*" }; }, "map-unknown-region",
        "rules[1].regions[0]", W, "'*' as a region list is a v3 feature", true, true);

    row(
        "empty pattern",
        [](Platform& p) {
            p.rules[1].patterns = { "camera", "" };
        },
        "map-dead-pattern", "rules[1].patterns[1]", W, "pattern '' is empty and never matches");
    row(
        "'*' mid-pattern", [](Platform& p) { p.rules[1].patterns = { "cam*era" }; }, "map-dead-pattern",
        "rules[1].patterns[0]", W, "has '*' before the end of its device part and never matches");
    row(
        "'*' mid-kind", [](Platform& p) { p.rules[0].patterns = { "codec/a*x" }; }, "map-dead-pattern",
        "rules[0].patterns[0]", W, "has '*' before the end of its kind part");

    row(
        "leading /kind", [](Platform& p) { p.rules = parseMap("/a=vcodec;camera=cam").rules; },
        "map-kind-without-device", "rules[0].patterns[0]", W,
        "pattern '/a' has no device part and no device pattern precedes it; it can never match");
    row(
        "/kind reusing the previous rule", [](Platform& p) { p.rules = parseMap("codec=vcodec;/a=vcodec").rules; },
        "map-kind-without-device", "rules[1].patterns[0]", I,
        "pattern '/a' reuses the device match of pattern 'codec' of rule #1");

    row(
        "after */* catch-all", [](Platform& p) { p.rules = parseMap("*/*=reserved;codec/a=vcodec").rules; },
        "map-shadowed", "rules[1]", W,
        "map rule #2 'codec/a=vcodec' can never match: 'codec/a' is shadowed by rule #1 pattern '*/*'");
    row(
        "after * (no kind) in v1", [](Platform& p) { p.rules = parseMap("*=reserved;camera=cam").rules; },
        "map-shadowed", "rules[1]", W, "'camera' is shadowed by rule #1 pattern '*'");
    row(
        "* does not shadow kinds in v1", [](Platform& p) { p.rules = parseMap("*=reserved;codec/a=vcodec").rules; },
        "map-shadowed", "rules[1]", W, "", false);
    row(
        "* shadows kinds in v4", [](Platform& p) { p.rules = parseMap("*=reserved;codec/a=vcodec").rules; },
        "map-shadowed", "rules[1]", W, "'codec/a' is shadowed by rule #1 pattern '*'", true, true);
    row(
        "*/* is literal in v4", [](Platform& p) { p.rules = parseMap("*/*=reserved;codec/a=vcodec").rules; },
        "map-shadowed", "rules[1]", W, "", false, true);
    row(
        "prefix* shadows", [](Platform& p) { p.rules = parseMap("cam*/*=cam;camera/a=reserved").rules; },
        "map-shadowed", "rules[1]", W, "'camera/a' is shadowed by rule #1 pattern 'cam*/*'");
    row(
        "foo/* shadows foo", [](Platform& p) { p.rules = parseMap("camera/*=cam;camera=reserved").rules; },
        "map-shadowed", "rules[1]", W, "'camera' is shadowed by rule #1 pattern 'camera/*'");
    row(
        "? does not shadow a longer name", [](Platform& p) { p.rules = parseMap("camer?=cam;camera2=reserved").rules; },
        "map-shadowed", "rules[1]", W, "", false);
    row(
        "/kind after catch-all", [](Platform& p) { p.rules = parseMap("*/*=reserved;codec=vcodec;/a=cam").rules; },
        "map-shadowed", "rules[2]", W, "'/a' is shadowed by rule #1 pattern '*/*'");
    row(
        "one shadowed pattern of two", [](Platform& p) { p.rules = parseMap("camera=cam;codec,camera=vcodec").rules; },
        "map-shadowed", "rules[1].patterns[1]", I, "pattern 'camera' is shadowed by rule #1 pattern 'camera'");

    row(
        "v3 rule no request reaches",
        [](Platform& p) {
            p.rules = parseMap("codec/a=vcodec;codec/a=reserved").rules;
            p.mapDialect = MapDialect::V3;
        },
        "map-v3-unreachable", "rules[1]", W,
        "under v3's walk no request its patterns name reaches it (codec/a is taken by rule #1)");
    row(
        "v3 rule reached past a skipped pattern",
        [](Platform& p) {
            p.rules = parseMap("codec,codec/a=vcodec;codec/a=reserved").rules;
            p.mapDialect = MapDialect::V3;
        },
        "map-v3-unreachable", "rules[1]", W, "", false);
    row(
        "rule with no region", [](Platform& p) { p.rules[0].regions.clear(); }, "map-empty-region-list",
        "rules[0].regions", W, "has no region: the kernel accepts it, and the requests it takes fail (-ENOMEM)");
    row(
        "empty region name",
        [](Platform& p) {
            p.rules[0].regions = { "vcodec", "" };
        },
        "map-empty-region-list", "rules[0].regions[1]", W, "has an empty region name");
    row(
        "allocator that does not exist", [](Platform& p) { p.regions[1].missingAllocator = "na"; }, "missing-allocator",
        "regions[1].missing_allocator", W, "asks for the allocator 'na', which does not exist");

    row(
        "undeclared kind", [](Platform& p) { p.rules[0].patterns = { "codec/zz" }; }, "map-unknown-kind",
        "rules[0].patterns[0]", I, "kind 'zz' of pattern 'codec/zz' is not a declared kind");
    row(
        "v4 '*' type is literal", [](Platform&) {}, "map-unknown-kind", "rules[2].patterns[0]", I,
        "kind '*' of pattern '*/*' is not a declared kind (v4 compares types literally)", true, true);
    row(
        "wildcard kinds are not checked", [](Platform& p) { p.rules[0].patterns = { "codec/z*" }; }, "map-unknown-kind",
        "rules[0].patterns[0]", I, "", false);

    row(
        "32-bit device, memory-region above 4G",
        [](Platform& p) {
            p.regions[1].start = 0x100000000;
            p.devices[1].memoryRegions = { "vcodec" };
        },
        "dma-limit", "devices[1].memoryRegions[0]", E,
        "device 'camera' (32-bit DMA, limit 0x100000000 = 4 GiB) uses region 'vcodec' via memory-region 0, which "
        "ends at 0x104000000, above the limit");
    row(
        "32-bit device, map rule to a high region", [](Platform& p) { p.regions[3].placedBase = 0x13c000000; },
        "dma-limit", "rules[1]", E, "uses region 'cam' via map rule #2 'camera=cam', which ends at 0x13e000000");
    row(
        "32-bit device, unplaced region may go high", [](Platform& p) { p.regions[0].limit = 0; }, "dma-limit",
        "rules[2]", W,
        "uses region 'reserved' via map rule #3 '*/*=reserved' (kind 'a'), which is not placed yet and "
        "may end as high as 0x140000000");
    row(
        "32-bit device, asterisk fallback",
        [](Platform& p) {
            p.rules = parseMap("codec=vcodec").rules;
            p.regions[0].placedBase = 0x13c000000;
        },
        "dma-limit", "devices[1].dmaBits", E, "uses region 'reserved' via the asterisk rule");
    row(
        "32-bit device, modern default area",
        [](Platform& p) {
            p.mapMode = MapMode::Modern;
            p.regions[0].placedBase = 0x13c000000;
        },
        "dma-limit", "devices[1].dmaBits", E, "uses region 'reserved' via dma_alloc_contiguous");
    row(
        "64-bit device may go high",
        [](Platform& p) {
            p.devices[1].dmaBits = 64;
            p.regions[3].placedBase = 0x13c000000;
        },
        "dma-limit", "rules[1]", E, "", false);
    return std::move(row.rows);
}

} // namespace

void TestValidation::check()
{
    QFETCH(Platform, platform);
    QFETCH(bool, v4);
    QFETCH(QByteArray, check);
    QFETCH(QByteArray, path);
    QFETCH(int, severity);
    QFETCH(bool, fires);
    QFETCH(QByteArray, message);

    const auto diags =
        validate(platform, ValidationOptions { v4 ? MapDialect::V4 : platform.mapDialect.value_or(MapDialect::V1) });
    const auto it = std::find_if(diags.begin(), diags.end(),
        [&](const Diagnostic& d) { return d.check == check.toStdString() && d.path == path.toStdString(); });
    if (!fires) {
        QVERIFY2(it == diags.end(), dump(diags).c_str());
        return;
    }
    QVERIFY2(it != diags.end(),
        ("missing " + check.toStdString() + " at " + path.toStdString() + "; got:\n" + dump(diags)).c_str());
    QCOMPARE(int(it->severity), severity);
    QVERIFY2(it->message.find(message.toStdString()) != std::string::npos, it->message.c_str());
    QVERIFY(!it->item.empty() || check == "names");
}

void TestValidation::everyCheckCovered()
{
    // Runs the table itself, so it passes or fails the same alone (-functions everyCheckCovered) as in a run.
    std::set<std::string> fired;
    for (const CheckCase& c : checkCases()) {
        if (!c.fires)
            continue;
        for (const Diagnostic& d : validate(c.platform,
                 ValidationOptions { c.v4 ? MapDialect::V4 : c.platform.mapDialect.value_or(MapDialect::V1) }))
            if (d.check == c.check && d.path == c.path)
                fired.insert(d.check);
    }
    for (const ValidationCheck& c : validationChecks()) {
        QVERIFY2(fired.count(std::string(c.id)) == 1, std::string(c.id).c_str());
    }
}

void TestValidation::checkListIsDescribed()
{
    std::set<std::string_view> ids;
    for (const ValidationCheck& c : validationChecks()) {
        QVERIFY(!c.description.empty());
        QVERIFY2(ids.insert(c.id).second, std::string(c.id).c_str());
    }
    QVERIFY(ids.size() >= 20);
    QCOMPARE(severityName(Severity::Warning), std::string_view("warning"));
}

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
