#!/usr/bin/env python3
"""List the longest functions in the project's C++ sources.

The sources are clang-formatted with braces after functions on their own line
(see .clang-format), so a function body at namespace level opens with a '{' in
column 0 and closes with the next '}' in column 0.  The length printed is the
number of lines from the signature to the closing brace.

usage: scripts/function-lengths.py [--top N] [--over LINES] [paths...]
"""
import argparse
import pathlib
import re
import subprocess
import sys


def functions(path):
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    i = 0
    while i < len(lines):
        if lines[i] == "{":
            # The signature starts after the previous blank line, comment or closing brace.
            start = i - 1
            while start > 0 and lines[start - 1].strip() and not lines[start - 1].startswith(("}", "//", "#")) \
                    and not lines[start - 1].endswith(";"):
                start -= 1
            end = i + 1
            while end < len(lines) and lines[end] != "}" and not lines[end].startswith("};"):
                end += 1
            name = " ".join(l.strip() for l in lines[start:i])
            m = re.search(r"([\w:~<>=!+\-*/\[\]]+)\s*\(", name)
            if not re.match(r"(template\s*<.*>\s*)?(class|struct|union|enum|namespace)\b", name):
                yield (m.group(1) if m else name[:60]), start + 1, end - start + 1
            i = end
        i += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--over", type=int, default=0)
    ap.add_argument("paths", nargs="*", default=["core", "views", "app"])
    args = ap.parse_args()
    files = subprocess.run(["git", "ls-files", "--", *args.paths], capture_output=True, text=True,
                           check=True).stdout.split()
    rows = []
    for f in files:
        if f.endswith(".cpp") or f.endswith(".h"):
            rows += [(n, f, line, name) for name, line, n in functions(pathlib.Path(f))]
    rows.sort(reverse=True)
    if args.over:
        rows = [r for r in rows if r[0] > args.over]
    else:
        rows = rows[: args.top]
    for n, f, line, name in rows:
        print(f"{n:5d}  {f}:{line}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
