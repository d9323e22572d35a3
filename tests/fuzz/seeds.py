#!/usr/bin/env python3
"""seeds.py OUTDIR — the seed corpora of the fuzz harnesses, from the shipped inputs and
the bad-input corpus: OUTDIR/config, OUTDIR/cascade, OUTDIR/mapping, OUTDIR/nmweights,
OUTDIR/engine (one file per seed; existing files are replaced)."""
import glob
import os
import re
import sys

out = sys.argv[1]


def put(harness, name, data):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def base(path):
    return path.replace("/", "_")


# config: every shipped input and every bad input.
for p in sorted(glob.glob("models/*.cfg") + glob.glob("models/energy/*.cfg") +
                glob.glob("workloads/*.cfg") + glob.glob("workloads/*/*.cfg") +
                glob.glob("mappings/*.cfg") + glob.glob("tests/bad/*.cfg")):
    put("config", base(p), read(p))

# config with overrides: "#set KEY=VALUE" lines (the command line's --set).
SETS = {
    "models/fusemax.cfg": ["arch.array2d.rows=64", "arch.GlobalBuffer.size_kb=512",
                           "energy.pe2d.mac.pj=2.5", "arch.DRAM.bandwidth_gibps=1e-20"],
    "workloads/bert.cfg": ["workload.seq=65536", "workload.ranks.E=\"x\""],
    "mappings/fusemax.cfg": ["mapping.partitions.M0=128", "cascade.einsums=[]"],
}
for p, sets in SETS.items():
    put("config", "set_" + base(p), "".join(f"#set {s}\n" for s in sets).encode() + read(p))

# cascade: the lists of each cascade file as "KIND TEXT" lines.
KEYS = {"ranks": "r", "partitions": "p", "inputs": "i", "outputs": "o", "einsums": "e"}
for p in sorted(glob.glob("workloads/cascades/*.cfg") + glob.glob("tests/bad/cascade-*.cfg")):
    text = read(p).decode("utf-8", "replace")
    lines = []
    for key, kind in KEYS.items():
        m = re.search(key + r"\s*=\s*[\[(](.*?)[\])]\s*;", text, re.S)
        if m:
            for s in re.findall(r'"((?:\\.|[^"\\])*)"', m.group(1)):
                lines.append(f"{kind} {s}")
    if lines:
        put("cascade", base(p), ("\n".join(lines) + "\n").encode())

# mapping: each mapping with the architecture and workload it belongs to.
def pair(name):
    if re.search(r"flat|unfused|plus-cascade", name):
        return 1
    if "gemm" in name:
        return 2
    if "sat" in name or "train" in name:
        return 3
    return 0


for p in sorted(glob.glob("mappings/*.cfg") + glob.glob("tests/bad/mapping-*.cfg") +
                glob.glob("tests/bad/group-*.cfg") + glob.glob("tests/bad/search-*.cfg") +
                glob.glob("tests/bad/train-mapping-*.cfg")):
    put("mapping", base(p), f"#pair={pair(p)}\n".encode() + read(p))

# nmweights
for p in sorted(glob.glob("tests/cosim/nm/weights-*.cfg") + glob.glob("tests/bad/nm-weights-*.cfg")):
    put("nmweights", base(p), read(p))

# engine: every triple with its defaults, and with every parameter set once.
for t in range(8):
    put("engine", f"triple-{t}", bytes([t, 0]))
    put("engine", f"triple-{t}-all", bytes([t, 255]) + bytes(range(1, 33)))
