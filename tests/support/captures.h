// SPDX-License-Identifier: GPL-2.0-or-later
// Test support shared by the tests of the real kernel captures in traces/kernel/ (see
// traces/README.md): where a capture is, its files, its checkpoints.tsv, its trace and boot log.
#pragma once

#include <cmascope/replay/areas.h>
#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/events.h>
#include <cmascope/trace/kernelsemantics.h>
#include <cmascope/trace/reader.h>

#include <QByteArray>
#include <QtGlobal>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cmascope::test {

inline std::filesystem::path captureDir(const QByteArray& capture)
{
    return std::filesystem::path(CMASCOPE_SOURCE_DIR) / "traces" / "kernel" / capture.toStdString();
}

/// The whole file (empty if it cannot be read).
inline std::string slurp(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return std::move(s).str();
}

/// trace.txt, or trace.txt.gz when the capture was large enough to be compressed.
inline std::filesystem::path traceFile(const std::filesystem::path& dir)
{
    return std::filesystem::exists(dir / "trace.txt") ? dir / "trace.txt" : dir / "trace.txt.gz";
}

/// One row of checkpoints.tsv: the snapshot directory, the checkpoint name and the line of its
/// `CHECKPOINT <name> begin` marker in trace.txt.
struct Checkpoint
{
    std::string dir, name;
    std::uint32_t beginLine = 0;
};

inline std::vector<Checkpoint> checkpoints(const std::filesystem::path& dir)
{
    std::vector<Checkpoint> out;
    std::istringstream in(slurp(dir / "checkpoints.tsv"));
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream f(line);
        Checkpoint c;
        f >> c.dir >> c.name >> c.beginLine;
        out.push_back(c);
    }
    return out;
}

/// The events of a trace file; a file that cannot be read ends the test program.
inline TraceData loadTrace(const std::filesystem::path& file)
{
    auto r = readTrace(file);
    if (!r.ok())
        qFatal("%s", r.error.c_str());
    return std::move(r.data);
}

/// Replay inputs with the areas of the capture's boot log (dmesg-cma.txt).
inline ReplayInputs bootInputs(const std::filesystem::path& dir)
{
    ReplayInputs in;
    in.bootLog = parseBootLog(slurp(dir / "dmesg-cma.txt"));
    in.bootLogOrigin = (dir / "dmesg-cma.txt").string();
    in.bootLogRelease = bootLogKernelRelease(slurp(dir / "dmesg-cma.txt"));
    return in;
}

/// Seeds @p in with the areas of the capture's first snapshot (taken when tracing was switched on), as
/// `--debugfs` does.
inline void seedFromFirstSnapshot(ReplayInputs& in, const std::filesystem::path& dir)
{
    const auto snap = readDebugfsAreas(dir / "snapshots" / checkpoints(dir).at(0).dir);
    if (!snap.error.empty())
        qFatal("%s", snap.error.c_str());
    in.debugfs = snap.snapshots;
    in.debugfsOrigins = snap.origins;
}

} // namespace cmascope::test
