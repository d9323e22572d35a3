#!/usr/bin/env python3
"""check.py — the Markdown reference stays connected.

Usage: python3 tests/links/check.py [ROOT]

Checks README.md and every README.md beside the code (models/, mappings/, workloads/,
rtl/, sim/, tests/, scripts/): every relative link points to an existing file, and a
link with a #fragment to a heading of that file (GitHub's anchor rules: lower case,
punctuation dropped, blanks to '-', a repeated heading gets -1, -2, ...); the top-level
README.md links every topic file; no file cites the design notes outside the project
(../shared, DESIGN.md). Links inside code (fenced blocks, `spans`) are not links.
Prints a FAIL line per problem and ends with "N passed, N failed"; exits 1 on a failure.
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
TOPIC_DIRS = ("models", "mappings", "workloads", "rtl", "sim", "tests", "scripts")
LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")

passed = failed = 0


def result(ok, where, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {where}: {what}")


def md_files():
    files = ["README.md"]
    for top in TOPIC_DIRS:
        for d, subdirs, names in os.walk(os.path.join(ROOT, top)):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith("."))
            for n in sorted(names):
                if n.endswith(".md"):
                    files.append(os.path.relpath(os.path.join(d, n), ROOT))
    return files


def prose_lines(path):
    """(line number, text) of the lines outside fenced code, inline code blanked."""
    fence = False
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if line.lstrip().startswith("```"):
                fence = not fence
                continue
            if not fence:
                yield no, re.sub(r"`+[^`]*`+", lambda m: " " * len(m.group(0)), line)


def slugify(heading):
    heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors_of(path, cache={}):
    if path not in cache:
        seen, out, fence = {}, set(), False
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            for line in f:
                if line.lstrip().startswith("```"):
                    fence = not fence
                    continue
                m = None if fence else re.match(r"^#{1,6}\s+(.*?)\s*$", line)
                if m:
                    slug = slugify(m.group(1))
                    n = seen.get(slug, 0)
                    seen[slug] = n + 1
                    out.add(slug if n == 0 else f"{slug}-{n}")
        cache[path] = out
    return cache[path]


files = md_files()
linked_from_readme = set()
for path in files:
    base = os.path.dirname(path)
    for no, line in prose_lines(path):
        where = f"{path}:{no}"
        for bad in ("../shared", "DESIGN.md"):
            if bad in line:
                result(False, where, f"cites {bad}")
        for m in LINK.finditer(line):
            target = m.group(2)
            if re.match(r"^[a-z]+:", target):
                continue  # http:, https:, mailto:
            file_part, _, frag = target.partition("#")
            dest = os.path.normpath(os.path.join(base, file_part)) if file_part else path
            if not os.path.exists(os.path.join(ROOT, dest)):
                result(False, where, f"link to a missing file: {target}")
                continue
            if path == "README.md":
                linked_from_readme.add(dest)
            if frag:
                if not dest.endswith(".md"):
                    result(False, where, f"a #fragment on a file that is not Markdown: {target}")
                    continue
                result(frag in anchors_of(dest), where,
                       f"no heading for #{frag} in {dest}: {target}")
            else:
                result(True, where, "")
for path in files[1:]:
    result(path in linked_from_readme, "README.md", f"does not link the topic file {path}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
