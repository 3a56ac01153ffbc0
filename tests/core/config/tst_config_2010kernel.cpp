// SPDX-License-Identifier: GPL-2.0-or-later
// What the 2010 parsers keep (docs/cma2010.md#parsing-as-the-kernel-did): the regions read before an error, no
// map after a map error except v1's first 64 rules, names that run across ';' (strchr), region lists taken
// whole after a rule's first '=', a region whose allocator does not exist. Read from v1 patch 2/4
// <adceebd371e8a66a2c153f429b38068eca99e99f.1279639238.git.m.nazarewicz@samsung.com> (cma_param_parse(),
// cma_map_param_parse(), cma_init(), __cma_alloc_do()) and patch 4/6 of v3 and v4
// (<05957b9dc9231d296525203d8347d4c9c5246c15.1281100495.git.m.nazarewicz@samsung.com>, cma_param_parse()).
#include <cmascope/config/configio.h>
#include <cmascope/model/maplang.h>
#include <cmascope/model/project.h>

#include <QTest>

#include <algorithm>

using namespace cmascope;

namespace {

QString names(const Platform& p)
{
    QStringList out;
    for (const Region& r : p.regions)
        out << QString::fromStdString(r.name);
    return out.join(u',');
}

/// "cma=" with @p count regions named r0, r1, ... of 1 MiB.
std::string manyRegions(int count)
{
    std::string v = "cma=";
    for (int i = 0; i < count; ++i)
        v += (i ? ";r" : "r") + std::to_string(i) + "=1M";
    return v;
}

/// "cma=r=1M cma_map=d0=r;d1=r;..." with @p count rules.
std::string manyRules(int count)
{
    std::string v = "cma=r=1M cma_map=";
    for (int i = 0; i < count; ++i)
        v += (i ? ";d" : "d") + std::to_string(i) + "=r";
    return v;
}

bool hasCheck(const ImportResult& r, const char* check)
{
    return std::any_of(r.messages.begin(), r.messages.end(), [&](const Diagnostic& d) { return d.check == check; });
}

} // namespace

class TestConfig2010Kernel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keeps_data();
    void keeps();
    void missingAllocator();
    void kernelRuleLists();
    void v1CopiesAtMost511();
};

void TestConfig2010Kernel::keeps_data()
{
    QTest::addColumn<QString>("form");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("regions"); ///< of the project, or of kernelKept when not ok
    QTest::addColumn<int>("rules");
    const auto row = [](const char* name, const char* form, const std::string& text, bool ok, const char* regions,
                         int rules) {
        QTest::newRow(name) << QString::fromLatin1(form) << QString::fromStdString(text) << ok
                            << QString::fromLatin1(regions) << rules;
    };
    // cma_param_parse() stops at the first bad entry; the entries before it are already stored.
    row("v1 bad size keeps the first", "v1", "cma=a=1M;b=0;c=2M", false, "a", 0);
    row("v3 bad size keeps the first", "v3", "cma=a=1M;-b=0;c=2M", false, "a", 0);
    row("v4 bad alignment keeps two", "v4", "cma=a=1M;b=2M;c=4M/3M", false, "a,b", 0);
    row("v1 17 regions keep 16", "v1", manyRegions(17), false, "r0,r1,r2,r3,r4,r5,r6,r7,r8,r9,r10,r11,r12,r13,r14,r15",
        0);
    row("v4 16 regions keep 15", "v4", manyRegions(16), false, "r0,r1,r2,r3,r4,r5,r6,r7,r8,r9,r10,r11,r12,r13,r14", 0);
    // strchr(param, '='): the name runs across ';'.
    row("v1 name across ;", "v1", "cma=a;b=1M", true, "a;b", 0);
    row("v3 name across ;", "v3", "cma=-a;b=1M;c=2M", true, "a;b,c", 0);
    // v3/v4 check start + size after normalising.
    row("v3 start + size wraps", "v3", "cma=a=1M;b=8K@0xfffffffffffff000", false, "a", 0);
    // The map: v1 drops it on a missing '=', keeps 64 rules on "too many mappings".
    row("v1 map no = drops the map", "v1", "cma=r=1M cma_map=a=r;b", false, "r", 0);
    row("v1 65 rules keep 64", "v1", manyRules(65), false, "r", 64);
    row("v3 65 rules", "v3", manyRules(65), true, "r", 65);
    row("v1 rule without pattern", "v1", "cma=r=1M cma_map==r;a=r", true, "r", 2);
    row("v4 rule without pattern", "v4", "cma=r=1M cma.map==r;a=r", false, "r", 0);
    row("v4 kernel rule lists", "v4", "cma=r=1M cma.map=a=;b=r,,r;c=r=s", true, "r", 3);
}

void TestConfig2010Kernel::keeps()
{
    QFETCH(QString, form);
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QString, regions);
    QFETCH(int, rules);
    ImportOptions opt;
    opt.form2010 = lang2010FormFromId(form.toStdString());
    const ImportResult r = import2010(text.toStdString(), opt);
    QCOMPARE(r.ok(), ok);
    const std::optional<Project>& got = ok ? r.project : r.kernelKept;
    QVERIFY2(got.has_value(), r.errorText().c_str());
    QCOMPARE(names(got->platform), regions);
    QCOMPARE(int(got->platform.rules.size()), rules);
    if (!ok)
        QVERIFY(!r.project);
}

void TestConfig2010Kernel::missingAllocator()
{
    // The v1 documentation's "cma=r=30M:na cma_map=video,camera=r" (swap in the allocator "na"): v1 had bf only,
    // so cma_init() prints "no such allocator" and __cma_alloc_do() skips the region.
    const ImportResult r = import2010("cma=r=30M:na;s=8M cma_map=video,camera=r,s");
    QVERIFY2(r.ok(), r.errorText().c_str());
    const Platform& p = r.project->platform;
    QCOMPARE(p.regions[0].missingAllocator, std::string("na"));
    QVERIFY(p.regions[1].missingAllocator.empty());
    QVERIFY(hasCheck(r, "unknown-allocator"));
    const MapResolution res = resolveRegions(p, "video", "", MiB);
    QCOMPARE(res.regions, std::vector<std::string> { "s" });
    QVERIFY(std::any_of(res.trail.begin(), res.trail.end(),
        [](const std::string& l) { return l.find("has no allocator") != std::string::npos; }));
    // v3 reads the allocator name up to ';': the "(bar)" of the documentation's example is part of it.
    const ImportResult v3 = import2010("cma=-r1=64M@512M/1M:foo(bar)");
    QVERIFY2(v3.ok(), v3.errorText().c_str());
    QCOMPARE(v3.project->platform.regions[0].missingAllocator, std::string("foo(bar)"));
    // Written back as it was read, and kept by the project file.
    const ExportResult out = export2010(p, Lang2010Form::V1);
    QVERIFY2(out.text.find("r=30M:na") != std::string::npos, out.text.c_str());
    const auto loaded = parseProject(serializeProject(*r.project));
    QVERIFY(loaded.ok());
    QCOMPARE(loaded.project->platform.regions[0].missingAllocator, std::string("na"));
}

void TestConfig2010Kernel::kernelRuleLists()
{
    // What follows a rule's first '=' is its list, whole: no region, an empty name, the name "r=s".
    const ImportResult r = import2010("cma=r=1M cma.map=a=;b=r,,r;c=r=s");
    QVERIFY2(r.ok(), r.errorText().c_str());
    const Platform& p = r.project->platform;
    QVERIFY(p.rules[0].regions.empty());
    QCOMPARE(p.rules[1].regions, (std::vector<std::string> { "r", "", "r" }));
    QCOMPARE(p.rules[2].regions, std::vector<std::string> { "r=s" });
    QCOMPARE(resolveRegions(p, "a", "", MiB).regions.size(), std::size_t(0));
    QCOMPARE(resolveRegions(p, "b", "", MiB).regions, std::vector<std::string> { "r" });
    QCOMPARE(resolveRegions(p, "c", "", MiB).regions.size(), std::size_t(0));
    // The project file keeps them, and the map text comes back the same.
    const auto loaded = parseProject(serializeProject(*r.project));
    QVERIFY2(loaded.ok(), loaded.errorText().c_str());
    QCOMPARE(loaded.project->platform.rules, p.rules);
    QCOMPARE(formatMap(p.rules), std::string("a=;b=r,,r;c=r=s"));
    QVERIFY(parseMap(formatMap(p.rules)).rules == p.rules);
}

void TestConfig2010Kernel::v1CopiesAtMost511()
{
    // Five regions with 100-character names: 519 characters. v1 reads 511 of them (strlcpy into
    // CMA_MAX_PARAM_LEN), so the fifth entry has no '='; v3 parses the command line in place.
    std::string text = "cma=";
    for (char c = 'a'; c <= 'e'; ++c)
        text += (c == 'a' ? "" : ";") + std::string(100, c) + "=1M";
    ImportOptions v1;
    v1.form2010 = Lang2010Form::V1;
    const ImportResult cut = import2010(text, v1);
    QVERIFY(!cut.ok());
    QVERIFY(cut.kernelKept);
    QCOMPARE(cut.kernelKept->platform.regions.size(), std::size_t(4));
    ImportOptions v4;
    v4.form2010 = Lang2010Form::V4;
    const ImportResult whole = import2010(text, v4);
    QVERIFY2(whole.ok(), whole.errorText().c_str());
    QCOMPARE(whole.project->platform.regions.size(), std::size_t(5));
}

QTEST_GUILESS_MAIN(TestConfig2010Kernel)
#include "tst_config_2010kernel.moc"
