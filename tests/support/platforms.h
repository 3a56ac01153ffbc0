// SPDX-License-Identifier: GPL-2.0-or-later
// Test support shared by the core and view tests: small hand-computable platforms and projects.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/model/project.h>

#include <QtGlobal>

#include <cstdint>
#include <string>

namespace cmascope::test {

/// One 64 MiB bank at 16 MiB holding one fixed region "r" of @p pages 4 KiB pages at its start, with
/// @p policy; requests matching @p pattern (a 2010 map pattern: "video", "video/*") go to it.
inline Platform onePool(std::uint64_t pages, PolicyKind policy = PolicyKind::Kernel, std::string pattern = "video")
{
    Platform pf;
    pf.name = "test";
    pf.banks.push_back({ "ram", 0x1000000, 64 * MiB, 0 });
    Region r;
    r.name = "r";
    r.size = pages * 4096;
    r.placement = Placement::Fixed;
    r.start = 0x1000000;
    r.policy = policy;
    pf.regions.push_back(r);
    pf.rules.push_back({ { std::move(pattern) }, { "r" } });
    return pf;
}

/// onePool(16) and a scenario whose last request fails on fragmentation: after a "fill" phase, four
/// 4-page buffers (kind "a") fill the region, the 1st and 3rd are freed, and 8 pages (kind "b") are
/// asked for at step 7: there are 8 free pages, in two 4-page holes.
/// onePool(64) and a size-0 region "dma" that hands device ivtv's requests to the system allocator, up to 4 MiB
/// (Verkuil's proposal, docs/cma2010.md).
inline Platform poolWithSystemFallback()
{
    Platform pf = onePool(64);
    Region dma;
    dma.name = "dma";
    dma.size = 0;
    dma.fallbackMaxContiguous = 4 * MiB;
    pf.regions.push_back(dma);
    pf.rules.insert(pf.rules.begin(), MapRule { { "ivtv" }, { "dma" } });
    return pf;
}

inline Project fragmentedProject()
{
    Project p;
    p.platform = onePool(16, PolicyKind::Kernel, "video/*"); // "video" alone would match only kind-less requests
    p.platform.name = "frag";
    Scenario sc;
    sc.name = "s";
    sc.phase("fill");
    for (int i = 0; i < 4; ++i)
        sc.allocate("video", "a", 16 * KiB, "c" + std::to_string(i));
    sc.free("c0");
    sc.free("c2");
    sc.allocate("video", "b", 32 * KiB, "big");
    p.scenarios.push_back(std::move(sc));
    return p;
}

/// A built-in demo (resources/demos/NAME), loaded as the app would; the test stops if it does not load.
inline Project loadDemo(const char* name = "camera-video-2010.json")
{
    auto r = loadProjectFile(std::string(CMASCOPE_SOURCE_DIR "/resources/demos/") + name);
    if (!r.ok())
        qFatal("%s", r.errorText().c_str());
    return std::move(*r.project);
}

} // namespace cmascope::test
