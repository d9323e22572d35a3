#!/usr/bin/env python3
"""tests/nm/engine_names.py [ROOT] — the engine knows no tensor by name.

Collects every tensor name of every shipped cascade (workloads/cascades/*.cfg: inputs,
outputs, every Einsum's result and operands) and of every shipped workload
(workloads/*.cfg: the N:M operands of workload.sparse), then looks for each, as a whole
word, in every string and character literal of every file under sim/engine/: a name the
engine compared a tensor against, printed or looked up would have to be there. A
one-letter name counts only as a whole literal ("Y"): inside a message it is a word of
prose (" B" for bytes). Comments and C identifiers are not looked at: one-letter names
(A, K, V, X, ...) are also loop variables, and neither makes the engine treat a tensor by
its name.
Checks that the scan is not empty (names found, literals found) and that it would see a
planted name. Prints each hit and "N passed, N failed"."""
import glob
import os
import re
import sys
import tempfile

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def cascade_names(text):
    names = set()
    for block in ("inputs", "outputs"):
        m = re.search(block + r"\s*=\s*\[(.*?)\];", text, re.S)
        if m:
            names.update(re.findall(r'"\s*(' + IDENT + ")", m.group(1)))
    m = re.search(r"einsums\s*=\s*\((.*?)\);", text, re.S)
    if m:
        for einsum in re.findall(r'"([^"\n]*)"', m.group(1)):
            names.update(re.findall("(" + IDENT + r")\s*\[", einsum))
    return names


def workload_names(text):
    return set(re.findall(r'tensor\s*=\s*"(' + IDENT + ')"', text))


def literals(src):
    """String and character literals of C source, comments dropped."""
    out = []
    i, n = 0, len(src)
    while i < n:
        if src.startswith("//", i):
            i = src.find("\n", i)
            i = n if i < 0 else i
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif src[i] in "\"'":
            q, j, buf = src[i], i + 1, []
            while j < n and src[j] != q:
                if src[j] == "\\" and j + 1 < n:
                    buf.append(src[j:j + 2])
                    j += 2
                else:
                    buf.append(src[j])
                    j += 1
            out.append("".join(buf))
            i = j + 1
        else:
            i += 1
    return out


def hits(names, files):
    """(file, name, literal) for every literal holding a name as a whole word; a one-letter
    name only when it is the whole literal (inside a message it is prose: " B" for bytes)."""
    found = []
    for path in files:
        lits = literals(open(path, errors="replace").read())
        for name in sorted(names):
            pat = re.compile(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])")
            for lit in lits:
                if lit.strip() == name or (len(name) > 1 and pat.search(lit)):
                    found.append((path, name, lit))
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL: " + what)

    names = set()
    cascades = sorted(glob.glob(os.path.join(root, "workloads/cascades/*.cfg")))
    workloads = sorted(glob.glob(os.path.join(root, "workloads/*.cfg")))
    for f in cascades:
        names |= cascade_names(open(f).read())
    for f in workloads:
        names |= workload_names(open(f).read())
    engine = sorted(p for p in glob.glob(os.path.join(root, "sim/engine/*")) if os.path.isfile(p))
    n_lits = sum(len(literals(open(p, errors="replace").read())) for p in engine)
    check(len(cascades) > 0 and len(names) >= 20, "%d cascades, %d tensor names" % (len(cascades), len(names)))
    check(n_lits > 100, "%d literals in %d files of sim/engine" % (n_lits, len(engine)))
    # The scan sees a name in a literal, and not in a comment or an identifier.
    planted = 'static const char *t = "DX"; /* DX */ int DX = 0; char c = \'Q\'; f("%d B x");'
    lits = literals(planted)
    check(lits == ["DX", "Q", "%d B x"], "literals of the planted line: %r" % lits)
    with tempfile.NamedTemporaryFile("w", suffix=".c") as t:
        t.write(planted)
        t.flush()
        got = sorted(h[1] for h in hits({"DX", "Q", "B", "T"}, [t.name]))
    check(got == ["DX", "Q"], "names found in the planted line: %r" % got)
    found = hits(names, engine)
    for path, name, lit in found:
        print("FAIL: %s: tensor name %s in the literal \"%s\"" % (os.path.relpath(path, root), name, lit))
    check(not found, "%d tensor names in sim/engine literals" % len(found))
    print("%d tensor names of %d cascades and %d workloads, %d literals of sim/engine: %d hits"
          % (len(names), len(cascades), len(workloads), n_lits, len(found)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
