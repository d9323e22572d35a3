#!/usr/bin/env python3
"""check_timeloop.py — `einsim import timeloop` against Timeloop v3 (tests/import/timeloop/).

Usage: check_timeloop.py EINSIM TMPDIR.
  1. Timeloop's sample CNN layer (sample-cnn-layer.cfg), the 512x512x64 GEMM on 32x32
     PEs and four variants of it (a tile of outputs in each register file, part of an
     axis, loops at the buffer, the reduction split at DRAM), each with the per-access energies Timeloop used:
     einsim's levels.csv against Timeloop's own counts (reference-*.csv, source in their
     headers): the analytic cycles, the computes, every read, fill and update of every
     level and data space are equal, and so is the energy of each, and the total.
  2. The 40 random specifications of timeloop/cases/ (gen_cases.py, seed 1: gemm and
     1 x 1 cnn-layer problems, every rank split at random over the register file's,
     the buffer's spatial (X and Y) and temporal, and DRAM's loops in random orders,
     random keep lists): the same comparison with Timeloop's counts where Timeloop
     evaluated the mapping, and a refusal where Timeloop refused it (it does not fit).
     The GEMM's counts are also those of einsim's own output-stationary mapping of it
     (gemm-classic-mapping.cfg, not a loop nest) on the imported files.
  3. The import is deterministic (a second import writes the same files), and writes no
     warning when every energy is given.
Prints one line per failure and ends with "N passed, N failed"."""
import csv
import filecmp
import glob
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "timeloop")
NAMED = [("sample-cnn-layer.cfg", "reference-cnn.csv"),
         ("gemm-512x512x64-32x32.cfg", "reference-gemm.csv"),
         ("gemm-rf-tile.cfg", "reference-gemm-rf-tile.csv"),
         ("gemm-partial-axis.cfg", "reference-gemm-partial-axis.csv"),
         ("gemm-buffer-loops.cfg", "reference-gemm-buffer-loops.csv"),
         ("gemm-dram-reduction.cfg", "reference-gemm-dram-reduction.csv")]
FILES = ("arch.cfg", "energy.cfg", "cascade.cfg", "workload.cfg", "mapping.cfg", "levels.csv")


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

    def imp(spec, out):
        return subprocess.run([einsim, "import", "timeloop", spec, "-o", out], capture_output=True, text=True)

    def compare(name, levels, reference):
        ein, ref = rows_of(levels), rows_of(reference)
        for key, r in ref.items():
            e = ein.get(key)
            check(e is not None, f"{name}: levels.csv has no row {key}")
            if e is None:
                continue
            if key[0] == "cycles":
                check(e["reads"] == r["reads"], f"{name}: analytic cycles {e['reads']}, Timeloop {r['reads']}")
                continue
            for col in ("reads", "fills", "updates"):
                check(e[col] == r[col], f"{name}: {key} {col}: einsim {e[col]}, Timeloop {r[col]}")
            check(close(e["energy_pj"], r["energy_pj"]), f"{name}: {key} energy: einsim "
                  f"{e['energy_pj']}, Timeloop {r['energy_pj']}")
        # No access einsim counts that Timeloop does not.
        for key, e in ein.items():
            if key not in ref and key[0] not in ("cycles", "energy"):
                check(e["reads"] == e["fills"] == e["updates"] == "0", f"{name}: einsim counts {key} "
                      f"({e['reads']}, {e['fills']}, {e['updates']}), Timeloop has no such row")
        # The total: Timeloop's levels and computes add up to einsim's total energy.
        total = sum(float(r["energy_pj"]) for key, r in ref.items() if key[0] != "cycles")
        check(close(ein[("energy", "total")]["energy_pj"], total, len(ref)),
              f"{name}: total energy: einsim {ein[('energy', 'total')]['energy_pj']}, Timeloop {total}")

    for spec, reference in NAMED:
        out = os.path.join(tmp, spec)
        p = imp(os.path.join(HERE, spec), out)
        check(p.returncode == 0, f"import {spec}: exit {p.returncode}: {p.stderr[-600:]}")
        check(p.stderr == "", f"import {spec}: no warning, got {p.stderr[-400:]}")
        if p.returncode == 0:
            compare(spec, os.path.join(out, "levels.csv"), os.path.join(HERE, reference))
    # The GEMM in einsim's own output-stationary form, on the imported files: the same counts.
    out = os.path.join(tmp, NAMED[1][0])
    shutil.copy(os.path.join(HERE, "gemm-classic-mapping.cfg"), os.path.join(out, "classic.cfg"))
    run = os.path.join(tmp, "classic-run")
    p = subprocess.run([einsim, "run", "-a", os.path.join(out, "arch.cfg"), "-w",
                        os.path.join(out, "workload.cfg"), "-m", os.path.join(out, "classic.cfg"),
                        "-o", run], capture_output=True, text=True)
    check(p.returncode == 0, f"run gemm-classic-mapping.cfg: exit {p.returncode}: {p.stderr[-600:]}")
    if p.returncode == 0:
        with open(os.path.join(run, "stats.json")) as f:
            st = json.load(f)
        rows = ["level,dataspace,reads,fills,updates,energy_pj"]
        for lv in st["levels"]:
            name = "RegisterFile" if lv["kind"] == "PE registers" else lv["level"]
            rows += [f"{name},{d['tensor']},{d['reads']},{d['fills']},{d['updates']},{d['energy_pj']!r}"
                     for d in lv["dataspaces"]]
        rows.append(f"compute,,{st['macs']['issued']},,,{sum(v for k, v in st['energy_breakdown_pj'].items() if k.startswith('array2d.') and not k.startswith('array2d.reg'))!r}")
        rows.append(f"cycles,analytic,{st['analytic']['cycles']},,,")
        rows.append(f"energy,total,,,,{st['analytic']['energy_pj']!r}")
        levels = os.path.join(tmp, "classic-levels.csv")
        with open(levels, "w") as f:
            f.write("\n".join(rows) + "\n")
        compare("gemm-classic-mapping", levels, os.path.join(HERE, NAMED[1][1]))
    # Deterministic: the CNN layer imported again writes the same files.
    again = os.path.join(tmp, "again")
    p = imp(os.path.join(HERE, NAMED[0][0]), again)
    for name in FILES:
        check(p.returncode == 0 and filecmp.cmp(os.path.join(tmp, NAMED[0][0], name),
                                                os.path.join(again, name), shallow=False),
              f"import {NAMED[0][0]}: {name} differs between two imports")

    cases = sorted(glob.glob(os.path.join(HERE, "cases", "case-*.cfg")))
    check(len(cases) == 40, f"{len(cases)} random cases, want 40")
    evaluated = 0
    for spec in cases:
        n = os.path.basename(spec)[5:7]
        out = os.path.join(tmp, f"case-{n}")
        p = imp(spec, out)
        ref = os.path.join(HERE, "cases", f"reference-{n}.csv")
        if os.path.exists(ref):
            evaluated += 1
            check(p.returncode == 0, f"case {n}: exit {p.returncode}: {p.stderr[-600:]}")
            if p.returncode == 0:
                compare(f"case {n}", os.path.join(out, "levels.csv"), ref)
        else:
            # Timeloop refused it: the mapping does not fit a level; einsim says so too.
            check(p.returncode == 1 and "does not fit" in p.stderr,
                  f"case {n}: Timeloop refused it, einsim exit {p.returncode}: {p.stderr[-400:]}")
    check(evaluated >= 30, f"only {evaluated} random cases evaluated by Timeloop")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
