#!/usr/bin/env python3
# Runs every command-line example of the README as written (issue 18: "every usage example in the README runs in
# the tests"): each ```sh block whose lines call build/dev/app/cmascope-cli, with the binary of this build, in a
# scratch folder that sees the source tree's resources/, traces/ and tests/ as the README's reader does.
# A line ending in "# exit N" must exit with status N; every other line with 0. The quick start block
# (scripts/dev.sh) and the app's own lines (build/dev/app/cmascope ...) are not run here: the app is tested by
# the GUI tests.
# Usage: readme_examples.py README.md SOURCE_DIR BINARY_DIR
import os
import re
import subprocess
import sys
import tempfile


def examples(readme):
    """The commands of the ```sh blocks (continuation lines joined), with their README line numbers."""
    commands, block, pending, start = [], False, "", 0
    with open(readme, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("```"):
                block = line == "```sh"
                continue
            if not block:
                continue
            if not pending:
                start = number
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            commands.append((start, pending + line))
            pending = ""
    return commands


def main():
    readme, source, bindir = sys.argv[1:4]
    run = [(n, c) for n, c in examples(readme)
           if "cmascope-cli" in c or (c.startswith("printf") and "cmascope" not in c)]
    run = [(n, c) for n, c in run if not c.startswith("scripts/dev.sh") and "app/cmascope " not in c]
    if len([c for _, c in run if "cmascope-cli" in c]) < 10:
        print(f"{readme}: fewer than 10 cmascope-cli examples found", file=sys.stderr)
        return 1
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        for name in ("resources", "traces", "tests"):
            os.symlink(os.path.join(source, name), os.path.join(scratch, name))
        for number, command in run:
            expected = 0
            m = re.search(r"#\s*exit\s+(\d+)\s*$", command)
            if m:
                expected = int(m.group(1))
            shell = command.replace("build/dev/app/", bindir.rstrip("/") + "/")
            result = subprocess.run(["sh", "-c", shell], cwd=scratch, capture_output=True, text=True, timeout=300)
            status = "ok" if result.returncode == expected else "FAILED"
            print(f"README.md:{number}: {status} (exit {result.returncode}): {command}")
            if result.returncode != expected:
                failures += 1
                print(result.stdout[-2000:], result.stderr[-2000:], sep="\n")
    print(f"{len(run)} examples, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
