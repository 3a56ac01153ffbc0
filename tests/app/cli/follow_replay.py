#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# `cmascope-cli replay --follow` (docs/following.md) against `replay FILE`: a real capture is fed at its
# recorded pace (scaled to a few seconds) into a FIFO, a pipe to `--follow -`, a file followed with
# --follow-idle, or a command's output (--follow-cmd); requests must show on stderr while the text still
# arrives, and at the end of input the report (text and --report JSON) must be the one `replay FILE` gives,
# byte for byte once the source's name stands for the file's. Without an option that describes the areas
# (--dmesg, --area, --debugfs, --project), nothing is placed live and each area gets a note instead.
#
# usage: follow_replay.py CLI CAPTURE_DIR MODE SECONDS [REPLAY OPTIONS...]
#   MODE: fifo | stdin | file (--follow-idle 1) | sigint (a file, ended by SIGINT) | cmd
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

STAMP = re.compile(rb"\s(\d+\.\d+):\s")
MAX_GAP = 0.4


def paced_chunks(text, seconds):
    """(delay from the start, bytes) per trace timestamp, the trace's time span scaled to `seconds`."""
    lines = text.splitlines(keepends=True)
    stamps = []
    for line in lines:
        m = STAMP.search(line)
        stamps.append(float(m.group(1)) if m else None)
    known = [s for s in stamps if s is not None]
    first, last = known[0], known[-1]
    scale = seconds / (last - first) if last > first else 0.0
    chunks, at, previous = [], 0.0, first
    for line, stamp in zip(lines, stamps):
        if stamp is not None:
            # a long pause of the trace becomes at most MAX_GAP (a followed file ends after --follow-idle 1)
            at += min((stamp - previous) * scale, MAX_GAP)
            previous = stamp
        if chunks and abs(chunks[-1][0] - at) < 0.002:
            chunks[-1][1].append(line)
        else:
            chunks.append((at, [line]))
    return [(at, b"".join(ls)) for at, ls in chunks]


def feed(out, chunks, cut_lines=True):
    """Writes the chunks at their time; every other chunk is cut in two mid-line (a partial line waits)."""
    start = time.monotonic()
    for i, (at, data) in enumerate(chunks):
        delay = start + at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        if cut_lines and i % 2 and len(data) > 8:
            out.write(data[:7])
            out.flush()
            time.sleep(0.001)
            data = data[7:]
        out.write(data)
        out.flush()
    return time.monotonic()


def run_follow(cli, mode, trace, seconds, extra, workdir):
    """Runs the follow and feeds it; (stdout, stderr lines with their arrival times, feed end time, source name)."""
    chunks = paced_chunks(open(trace, "rb").read(), seconds)
    args = [cli, "replay"]
    writer = None
    if mode == "fifo":
        source = os.path.join(workdir, "trace.fifo")
        os.mkfifo(source)
        args += ["--follow", source]
    elif mode == "stdin":
        source = "-"
        args += ["--follow", "-"]
    elif mode in ("file", "sigint"):
        source = os.path.join(workdir, "growing.txt")
        writer = open(source, "wb")
        args += ["--follow", source] + (["--follow-idle", "1"] if mode == "file" else [])
    else:
        source = os.path.join(workdir, "trace.fifo")
        os.mkfifo(source)
        args += ["--follow-cmd", "cat " + source]
        source = "cat " + source
    proc = subprocess.Popen(args + extra, stdin=subprocess.PIPE if mode == "stdin" else None,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errs = []

    def read_stderr():
        for line in proc.stderr:
            errs.append((time.monotonic(), line.decode()))

    reader = threading.Thread(target=read_stderr)
    reader.start()
    if mode == "stdin":
        writer = proc.stdin
    elif mode in ("fifo", "cmd"):
        writer = open(os.path.join(workdir, "trace.fifo"), "wb")
    fed = feed(writer, chunks)
    writer.close()
    if mode == "sigint":  # a followed file without --follow-idle ends on Ctrl-C
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
    out = proc.stdout.read()
    proc.wait(timeout=60)
    reader.join()
    return proc.returncode, out, errs, fed, source


def main():
    cli, capture, mode, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    extra = sys.argv[5:]
    trace = os.path.join(capture, "trace.txt")
    with tempfile.TemporaryDirectory() as workdir:
        want_json = os.path.join(workdir, "file.json")
        got_json = os.path.join(workdir, "follow.json")
        want = subprocess.run([cli, "replay", trace, "--report", want_json] + extra, capture_output=True)
        if want.returncode != 0:
            sys.exit(f"replay FILE failed: {want.stderr.decode()}")
        rc, got, errs, fed, source = run_follow(cli, mode, trace, seconds, extra + ["--report", got_json], workdir)
        failed = False
        if rc != want.returncode:
            print(f"exit status {rc}, replay FILE gave {want.returncode}")
            failed = True
        expected = want.stdout.replace(trace.encode(), source.encode())
        if got != expected:
            print("the text report differs from replay FILE's:")
            for a, b in zip(expected.decode().splitlines(), got.decode().splitlines()):
                if a != b:
                    print(f"  file:   {a}\n  follow: {b}")
                    break
            print(f"  ({len(expected)} bytes against {len(got)})")
            failed = True
        expected_json = open(want_json, "rb").read().replace(trace.encode(), source.encode())
        if open(got_json, "rb").read() != expected_json:
            print("the JSON report differs from replay FILE's")
            failed = True
        live = [t for t, line in errs if line.startswith("follow: line ")]
        described = any(a in extra for a in ("--dmesg", "--area", "--debugfs", "--project"))
        if described and (not live or live[0] >= fed - seconds / 4):
            print(f"no request shown while the text arrived ({len(live)} shown, feed ended at {fed:.3f})")
            failed = True
        unknown = [line for _, line in errs if "nothing describes it" in line]
        if not described and (live or not unknown):
            print(f"areas nothing describes: {len(live)} requests shown live, {len(unknown)} notes (want 0, >0)")
            failed = True
        ended = [line for _, line in errs if line.startswith("follow: ended:")]
        print(f"{mode}: {len(live)} requests shown live, first {fed - live[0] if live else 0:.2f} s before the end; "
              f"{ended[0].strip() if ended else 'no end line'}; reports {len(got)} and "
              f"{len(expected_json)} bytes")
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
