#!/usr/bin/env python3
"""check_timeloop.py — `einsim import timeloop` against Timeloop v3 (tests/import/timeloop/).

Usage: check_timeloop.py EINSIM TMPDIR.
  1. The 512x512x64 GEMM on 32x32 PEs (with the per-access energies Timeloop used):
     einsim's levels.csv against Timeloop's counts (reference-gemm.csv, source in its
     header): the analytic cycles, the computes, every read, fill and update are equal,
     and so is the energy of each level and data space, and the total.
  2. The import is deterministic (a second import writes the same files).
  3. Timeloop's sample CNN layer is refused, at the line of each construct einsim lacks
     (the register file's keep list and its tile of outputs, two ranks and part of an
     axis on Y, loops at the buffer), and nothing is written. Timeloop's own numbers for
     it are in reference-cnn.csv (source in its header): the import does not run it, so
     they are not compared; this check fails when the import stops refusing, so that
     the comparison is written then.
Prints one line per failure and ends with "N passed, N failed"."""
import csv
import filecmp
import os
import subprocess
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "timeloop")
PJ = {"RegisterFile": 0.981155778894472363, "GlobalBuffer": 4.19095477386934689, "DRAM": 200.0}


def rows_of(path):
    with open(path) as f:
        return {(r["level"], r["dataspace"]): r for r in csv.DictReader(l for l in f if not l.startswith("#"))}


def main(einsim, tmp):
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL:", what)

    def close(a, b, rounded=1):
        """Equal up to Timeloop's 2 decimals, for a sum of `rounded` printed values."""
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b))) + 0.006 * rounded

    spec = os.path.join(HERE, "gemm-512x512x64-32x32.cfg")
    outs = []
    for k in (1, 2):
        out = os.path.join(tmp, f"gemm{k}")
        p = subprocess.run([einsim, "import", "timeloop", spec, "-o", out], capture_output=True, text=True)
        check(p.returncode == 0, f"import gemm: exit {p.returncode}: {p.stderr[-600:]}")
        outs.append(out)
        if p.returncode != 0:
            print(f"{passed} passed, {failed} failed")
            return 1
    check(p.stderr == "", f"import gemm: no warning, got {p.stderr[-400:]}")
    for name in ("arch.cfg", "energy.cfg", "cascade.cfg", "workload.cfg", "mapping.cfg", "levels.csv"):
        check(filecmp.cmp(os.path.join(outs[0], name), os.path.join(outs[1], name), shallow=False),
              f"import gemm: {name} differs between two imports")
    ein = rows_of(os.path.join(outs[0], "levels.csv"))
    ref = rows_of(os.path.join(HERE, "reference-gemm.csv"))
    for key, r in ref.items():
        e = ein.get(key)
        check(e is not None, f"levels.csv has no row {key}")
        if e is None:
            continue
        if key[0] == "cycles":
            check(e["reads"] == r["reads"], f"analytic cycles {e['reads']}, Timeloop {r['reads']}")
            continue
        for col in ("reads", "fills", "updates"):
            check(e[col] == r[col], f"{key} {col}: einsim {e[col]}, Timeloop {r[col]}")
        if key[0] in PJ:
            # Every access priced at the level's per-access energy, as Timeloop prices it.
            priced = (int(e["reads"]) + int(e["fills"]) + int(e["updates"])) * PJ[key[0]]
            check(close(e["energy_pj"], priced), f"{key} energy {e['energy_pj']}, {priced} at its counts")
        check(close(e["energy_pj"], r["energy_pj"]), f"{key} energy: einsim {e['energy_pj']}, "
              f"Timeloop {r['energy_pj']}")
    # The total: Timeloop's levels and computes add up to einsim's total energy.
    total = sum(float(r["energy_pj"]) for key, r in ref.items() if key[0] != "cycles")
    check(close(ein[("energy", "total")]["energy_pj"], total, len(ref)),
          f"total energy: einsim {ein[('energy', 'total')]['energy_pj']}, Timeloop {total}")

    # Timeloop's sample CNN layer: refused, each construct einsim lacks at its line.
    cnn = os.path.join(HERE, "sample-cnn-layer.cfg")
    p = subprocess.run([einsim, "import", "timeloop", cnn, "-o", os.path.join(tmp, "cnn")],
                       capture_output=True, text=True)
    check(p.returncode == 1, f"import sample-cnn-layer: exit {p.returncode}, want 1")
    for want in ("sample-cnn-layer.cfg:17: error: mapping: RegisterFile keeps Weights",
                 "sample-cnn-layer.cfg:20: error: mapping: RegisterFile temporal factors P8 K16: the "
                 "register file would hold a tile of 128 outputs per PE",
                 "sample-cnn-layer.cfg:21: error: mapping: spatial factor Q2 uses 2 of the 16 PEs along Y",
                 "sample-cnn-layer.cfg:21: error: mapping: spatial factor K8 uses 8 of the 16 PEs along Y",
                 "sample-cnn-layer.cfg:21: error: mapping: two ranks on Y",
                 "sample-cnn-layer.cfg:22: error: mapping: GlobalBuffer temporal factors Q7 K2: not imported"):
        check(want in p.stderr, f"import sample-cnn-layer: no '{want}' in {p.stderr[-800:]}")
    check(p.stderr.count(": error: ") == 6, f"import sample-cnn-layer: {p.stderr.count(': error: ')} "
          "errors, want 6")
    check(not os.path.exists(os.path.join(tmp, "cnn")), "a refused import wrote its directory")
    # Timeloop's numbers for it, kept for the comparison: its own computes are the layer's.
    cref = rows_of(os.path.join(HERE, "reference-cnn.csv"))
    check(cref[("compute", "")]["reads"] == str(56 * 56 * 2 * 256 * 1), "reference-cnn.csv: computes")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
