#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn the guest's /out (RAW) into a capture directory (OUT) in the layout of traces/kernel/*/.

Copies trace.txt, cmdline.txt, uname.txt, cma-event-formats.txt and the snapshots as the guest
wrote them, keeps the CMA-related lines of the boot log as dmesg-cma.txt, and writes
checkpoints.tsv from the CHECKPOINT markers of trace.txt. With --cli, the last column is the
replay check of cmascope-cli (replay up to the begin marker, compare bitmap with the snapshot);
otherwise it says not-checked. Nothing else is changed.

A workload that ran `trace-cmd record -o /out/trace.dat` (capture-trace-cmd) leaves trace.dat:
it is copied as it is, trace.txt is kept only if it holds events (trace-cmd consumed the
buffer), and the markers are counted in the output of the host's `trace-cmd report` of it
(the line numbers of checkpoints.tsv are then lines of that output); the replay check reads
trace.dat.
"""
import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

DMESG_KEEP = re.compile(
    r"Linux version|Kernel command line|Unknown kernel command line|[Cc][Mm][Aa]\b|cma|reserved mem|"
    r"Reserved memory|Memory:|HugeTLB|hugetlb|cmascope|nvme|alloc_contig|page allocation failure|"
    r"Out of memory|oom-kill|NUMA|Zone ranges|DMA32|Normal  ")
CMA_EVENT = re.compile(r": (cma_alloc_start|cma_alloc_finish|cma_alloc_busy_retry|cma_release):")
MARK = re.compile(r"tracing_mark_write: CHECKPOINT (\S+) (begin|end)\s*$")
GZIP_ABOVE = 900 * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw", help="the guest's /out (with --recheck: ignored, give '-')")
    ap.add_argument("out")
    ap.add_argument("--cli")
    ap.add_argument("--recheck", action="store_true",
                    help="only redo the replay column of OUT/checkpoints.tsv (a committed fixture) with --cli")
    a = ap.parse_args()
    if a.recheck:
        return recheck(a.cli, a.out)
    raw, out = a.raw, a.out
    os.makedirs(out, exist_ok=True)
    for f in ("cmdline.txt", "uname.txt", "cma-event-formats.txt"):
        shutil.copyfile(os.path.join(raw, f), os.path.join(out, f))
    # kept when the guest could read them (6.15+ workloads: range bases are only visible there)
    for f in ("memblock-reserved.txt", "memblock-memory.txt", "iomem.txt"):
        if os.path.exists(os.path.join(raw, f)):
            shutil.copyfile(os.path.join(raw, f), os.path.join(out, f))
    with open(os.path.join(raw, "dmesg-full.txt"), errors="replace") as f:
        kept = [l for l in f if DMESG_KEEP.search(l)]
    with open(os.path.join(out, "dmesg-cma.txt"), "w") as f:
        f.writelines(kept)
    trace_src = os.path.join(raw, "trace.txt")
    with open(trace_src, "rb") as f:
        trace = f.read()
    # capture-perfetto: Perfetto's own trace of the same events, its config and the daemons' logs
    for f in ("trace.perfetto-trace", "perfetto-config.pbtx"):
        if os.path.exists(os.path.join(raw, f)):
            shutil.copyfile(os.path.join(raw, f), os.path.join(out, f))
    dat = os.path.join(raw, "trace.dat")
    has_dat = os.path.exists(dat)
    if has_dat:
        shutil.copyfile(dat, os.path.join(out, "trace.dat"))
    if has_dat and not CMA_EVENT.search(trace.decode(errors="replace")):
        pass  # the tracefs buffer was consumed by trace-cmd: nothing worth keeping
    elif len(trace) > GZIP_ABOVE:
        with gzip.GzipFile(os.path.join(out, "trace.txt.gz"), "wb", mtime=0) as g:
            g.write(trace)
    else:
        shutil.copyfile(trace_src, os.path.join(out, "trace.txt"))
    if os.path.isdir(os.path.join(raw, "snapshots")):
        shutil.copytree(os.path.join(raw, "snapshots"), os.path.join(out, "snapshots"))

    if has_dat:
        trace_src = dat
        p = subprocess.run(["trace-cmd", "report", "-i", dat], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        lines = p.stdout.decode(errors="replace").split("\n")
    else:
        lines = trace.decode(errors="replace").split("\n")
    begin, end, before, during = {}, {}, {}, {}
    events = 0
    open_cp = None
    for no, line in enumerate(lines, 1):
        if CMA_EVENT.search(line):
            events += 1
            if open_cp:
                during[open_cp] = during.get(open_cp, 0) + 1
        m = MARK.search(line)
        if m:
            name, which = m.groups()
            if which == "begin":
                begin[name], before[name], open_cp = no, events, name
            else:
                end[name], open_cp = no, None
    rows = []
    listing = os.path.join(raw, "checkpoints.list")
    cps = [l.split() for l in open(listing)] if os.path.exists(listing) else []
    seeded = not re.search(r"trace_event=\S*cma", open(os.path.join(raw, "cmdline.txt")).read())
    for snapdir, name in cps:
        check = "not-checked"
        if a.cli:
            check = replay_check(a.cli, out, trace_src, snapdir, name, cps[0][0] if seeded else None)
        rows.append(f"{snapdir}\t{name}\t{begin.get(name, 0)}\t{end.get(name, 0)}\t{before.get(name, 0)}\t"
                    f"{'yes' if during.get(name, 0) == 0 else 'no'}\t{check}\n")
    with open(os.path.join(out, "checkpoints.tsv"), "w") as f:
        f.write("snapshot_dir\tcheckpoint\tbegin_marker_line\tend_marker_line\tcma_events_before\t"
                "no_cma_events_during_snapshot\treplay_vs_kernel_bitmap\n")
        f.writelines(rows)


def replay_check(cli, out, trace, snapdir, name, seed):
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "r.json")
        cmd = [cli, "replay", trace, "--until-marker", f"CHECKPOINT {name} begin", "--report", report]
        if seed:
            cmd += ["--debugfs", os.path.join(out, "snapshots", seed)]
        else:
            cmd += ["--dmesg", os.path.join(out, "dmesg-cma.txt")]
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0 or not os.path.exists(report):
            return "replay-failed"
        r = json.load(open(report))
    parts = []
    for area in r.get("areas", []):
        d = os.path.join(out, "snapshots", snapdir, area["name"])
        if not os.path.isdir(d):
            continue
        ok = bitmaps_equal(d, area)
        used = open(os.path.join(d, "used")).read().strip()  # the kernel's (6.12: bits << order_per_bit)
        parts.append(f"{area['name']}:{'match' if ok else 'DIFFER'}(used={used})")
    return ",".join(parts) or "no-area"


def read_strip(path):
    with open(path) as f:
        return f.read().rstrip("\n")


def bitmaps_equal(d, area):
    """The snapshot's bitmap(s) against the replay report's: range by range when the snapshot
    has ranges/ (6.15+ captures) and the report gives a `ranges` list, else the top-level bitmap
    (range 0 on 6.15+, so a multi-range area differs from a report without ranges)."""
    rdir = os.path.join(d, "ranges")
    if os.path.isdir(rdir) and "ranges" in area:
        names = sorted(os.listdir(rdir), key=int)
        if len(names) != len(area["ranges"]):
            return False
        return all(read_strip(os.path.join(rdir, n, "bitmap")) == rr["bitmap"].rstrip("\n")
                   for n, rr in zip(names, area["ranges"]))
    return read_strip(os.path.join(d, "bitmap")) == area["bitmap"].rstrip("\n")


def recheck(cli, out):
    """Redo the last column of a fixture's checkpoints.tsv from its own files."""
    if not cli:
        sys.exit("--recheck needs --cli")
    trace = next((os.path.join(out, f) for f in ("trace.dat", "trace.txt", "trace.txt.gz")
                  if os.path.exists(os.path.join(out, f))), None)
    if trace is None:
        sys.exit(f"{out}: no trace.dat, trace.txt or trace.txt.gz")
    with open(os.path.join(out, "checkpoints.tsv")) as f:
        head, *rows = [l.rstrip("\n").split("\t") for l in f]
    seeded = not re.search(r"trace_event=\S*cma", open(os.path.join(out, "cmdline.txt")).read())
    for row in rows:
        row[-1] = replay_check(cli, out, trace, row[0], row[1], rows[0][0] if seeded else None)
    with open(os.path.join(out, "checkpoints.tsv"), "w") as f:
        f.writelines("\t".join(r) + "\n" for r in [head] + rows)


if __name__ == "__main__":
    sys.exit(main())
