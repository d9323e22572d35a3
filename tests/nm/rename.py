#!/usr/bin/env python3
"""tests/nm/rename.py EINSIM TMPDIR — renaming every tensor changes no number.

For each case (architecture, workload, mapping; the mapping names its cascade), every
tensor of the cascade (its inputs and every Einsum's result) is renamed mechanically,
T0, T1, ... in the cascade, the mapping (bindings, stages, buffer lists) and the
workload (N:M operands; a workload that names its cascade, a layer list, has that one
renamed), and both versions run at both levels. Every number of
stats.json must be identical, and every string identical once the new names are mapped
back (paths aside). Prints "N passed, N failed"."""
import json
import os
import re
import subprocess
import sys

CASES = [
    ("models/sat.cfg", "tests/nm/linear-2-8.cfg", "mappings/sat-linear-train.cfg"),
    ("models/sat.cfg", "workloads/resnet50-train.cfg", "mappings/sat.cfg"),
    ("models/sat.cfg", "workloads/vit-b16-train.cfg", "mappings/sat.cfg"),
    ("models/sat.cfg", "workloads/bert-base-train.cfg", "mappings/sat.cfg"),
    ("tests/nm/sat-attn.cfg", "tests/nm/attention-bdwp-2-4.cfg", "tests/nm/attention-bdwp-sat.cfg"),
]


def cascade_path(mapping):
    text = open(mapping).read()
    rel = re.search(r'cascade\s*=\s*"([^"]+)"', text).group(1)
    return os.path.normpath(os.path.join(os.path.dirname(mapping), rel)), rel


def tensor_names(cascade):
    text = open(cascade).read()
    names = []
    for block in ("inputs", "outputs"):
        body = re.search(block + r"\s*=\s*\[(.*?)\];", text, re.S).group(1)
        names += re.findall(r'"\s*([A-Za-z_][A-Za-z0-9_]*)', body)
    body = re.search(r"einsums\s*=\s*\((.*?)\);", text, re.S).group(1)
    names += re.findall(r'"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\[', body)
    seen = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


def rename(text, table):
    # Only inside double-quoted strings, whole words: a tensor in an Einsum, a list, a name.
    def fix(m):
        return re.sub(r"\b[A-Za-z_][A-Za-z0-9_]*\b", lambda w: table.get(w.group(0), w.group(0)), m.group(0))
    return re.sub(r'"[^"\n]*"', fix, text)


def run(einsim, arch, wl, mp, out):
    r = subprocess.run([einsim, "run", "-a", arch, "-w", wl, "-m", mp, "--level", "both", "-o", out],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return r.returncode, r.stderr


def flatten(x, path="", out=None):
    out = [] if out is None else out
    if isinstance(x, dict):
        for k in x:
            flatten(x[k], path + "." + k, out)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            flatten(v, path + "[%d]" % i, out)
    else:
        out.append((path, x))
    return out


def main():
    einsim, tmp = sys.argv[1], sys.argv[2]
    os.makedirs(tmp, exist_ok=True)
    passed = failed = 0
    for k, (arch, wl, mp) in enumerate(CASES):
        casc, rel = cascade_path(mp)
        wtext = open(wl).read()
        wc = re.search(r'cascade\s*=\s*"([^"]+)"', wtext)
        if wc:   # the workload names its cascade (a layer list): that one runs
            casc = os.path.normpath(os.path.join(os.path.dirname(wl), wc.group(1)))
            wtext = wtext.replace('"%s"' % wc.group(1), '"cascade.cfg"')
        names = tensor_names(casc)
        table = {n: "T%d" % i for i, n in enumerate(names)}
        back = {v: n for n, v in table.items()}
        d = os.path.join(tmp, "case%d" % k)
        os.makedirs(d, exist_ok=True)
        new_casc = os.path.join(d, "cascade.cfg")
        new_map = os.path.join(d, "mapping.cfg")
        new_wl = os.path.join(d, "workload.cfg")
        open(new_casc, "w").write(rename(open(casc).read(), table))
        mtext = open(mp).read().replace('"%s"' % rel, '"cascade.cfg"')
        open(new_map, "w").write(rename(mtext, table))
        open(new_wl, "w").write(rename(wtext, table))
        rc0, e0 = run(einsim, arch, wl, mp, os.path.join(d, "orig"))
        rc1, e1 = run(einsim, arch, new_wl, new_map, os.path.join(d, "renamed"))
        if rc0 != 0 or rc1 != 0:
            failed += 1
            print("FAIL: %s: exit %d / %d\n%s%s" % (mp, rc0, rc1, e0, e1))
            continue
        a = flatten(json.load(open(os.path.join(d, "orig", "stats.json"))))
        b = flatten(json.load(open(os.path.join(d, "renamed", "stats.json"))))
        bad = []
        if len(a) != len(b):
            bad.append("%d values against %d" % (len(a), len(b)))
        for (pa, va), (pb, vb) in zip(a, b):
            if isinstance(vb, str):
                vb = re.sub(r"\bT\d+\b", lambda w: back.get(w.group(0), w.group(0)), vb)
            if pa != pb:
                bad.append("key %s against %s" % (pa, pb))
            elif isinstance(va, str) and ("/" in va or va.endswith(".cfg")):
                continue   # a path
            elif va != vb:
                bad.append("%s: %r against %r" % (pa, va, vb))
        kept = [n for n in names if re.search(r'"(tensor|name)": "%s[".]' % re.escape(n),
                                              open(os.path.join(d, "renamed", "stats.json")).read())]
        if len(names) < 3 or kept:
            bad.append("tensors found %d, still named in the renamed run: %s" % (len(names), kept))
        if bad:
            failed += 1
            print("FAIL: %s renamed (%d tensors): %s" % (mp, len(names), "; ".join(bad[:5])))
        else:
            passed += 1
            print("ok: %s: %d tensors renamed, %d values identical" % (mp, len(names), len(a)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
