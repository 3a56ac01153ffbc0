// SPDX-License-Identifier: GPL-2.0-or-later
// Test support: a workload spec (model/workload.h) over the camera-video-2010 demo's devices and kinds, with
// one stream of each size distribution but the trace histogram, every phase kind and both lifetime kinds.
#pragma once

#include <cmascope/model/workload.h>

namespace cmascope::test {

inline WorkloadSpec demoWorkload(std::uint64_t seed = 42)
{
    WorkloadSpec spec;
    spec.name = "generated";
    spec.seed = seed;
    spec.phases = { { "warm up", PhaseKind::Ramp, 20, 12 }, { "steady", PhaseKind::Plateau, 30, 12 },
        { "burst", PhaseKind::Peak, 10, 20 }, { "wind down", PhaseKind::Drain, 5, 0 } };
    WorkloadStream frames;
    frames.device = "s3c-mfc5";
    frames.kind = "b";
    frames.weight = 3;
    frames.sizes.kind = SizeDistributionKind::Fixed;
    frames.sizes.choices = { { 1 * MiB, 3 }, { 2 * MiB, 1 } };
    frames.align = 128 * KiB;
    frames.lifetime = { false, 4, 12 };
    WorkloadStream bitstream;
    bitstream.device = "s3c-mfc5";
    bitstream.kind = "a";
    bitstream.sizes.kind = SizeDistributionKind::LogUniform;
    bitstream.sizes.min = 16 * KiB;
    bitstream.sizes.max = 1 * MiB;
    bitstream.roundTo = 64 * KiB;
    bitstream.lifetime = { true, 1, 1 };
    WorkloadStream camera;
    camera.device = "s3c-fimc.0";
    camera.sizes.kind = SizeDistributionKind::Uniform;
    camera.sizes.min = 100 * KiB;
    camera.sizes.max = 600 * KiB;
    camera.lifetime = { false, 1, 3 };
    spec.streams = { frames, bitstream, camera };
    return spec;
}

} // namespace cmascope::test
