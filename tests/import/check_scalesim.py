#!/usr/bin/env python3
"""check_scalesim.py — `einsim import scalesim` against SCALE-Sim v2 (tests/import/scalesim/).

Usage: check_scalesim.py EINSIM TMPDIR. Imports gemm20.csv with each a{16,32}_{os,ws,is}.cfg,
then checks every layer of COMPUTE_REPORT.csv against reference.csv (SCALE-Sim's own
reports, source in its header):
  1. fold overlap: SCALE-Sim cycles = einsim analytic cycles + folds x (per_fold - ivl) - 1,
     where SCALE-Sim runs folds one after the other, each taking per_fold cycles, and einsim
     issues a fold every ivl cycles (sim/import/README.md, "SCALE-Sim");
  2. the cycle level adds only the last fold's fill and drain and the first DRAM load:
     analytic < cycles <= analytic + R + C + 12;
  3. SRAM ifmap and filter reads equal SCALE-Sim's; ofmap writes too for ws and is.
Prints one line per failure and ends with "N passed, N failed"."""
import csv
import math
import os
import subprocess
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scalesim")


def fold_model(df, m, n, k, r, c):
    """(folds, per_fold of SCALE-Sim, ivl of einsim) of one GEMM layer."""
    if df == "os":
        return math.ceil(m / r) * math.ceil(n / c), k + r + c - 2, max(k, r)
    t = m if df == "ws" else n            # ws streams M through, is streams N
    folds = math.ceil(k / r) * math.ceil((n if df == "ws" else m) / c)
    return folds, 2 * r + c + t - 2, max(t, r, c)


def main(einsim, tmp):
    passed = failed = 0
    ref = {}
    with open(os.path.join(HERE, "reference.csv")) as f:
        for row in csv.DictReader(l for l in f if not l.startswith("#")):
            ref[(int(row["array"]), row["dataflow"], row["layer"])] = row
    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL:", what)
    for a in (16, 32):
        for df in ("os", "ws", "is"):
            out = os.path.join(tmp, f"ss{a}{df}")
            p = subprocess.run([einsim, "import", "scalesim", os.path.join(HERE, "gemm20.csv"),
                                os.path.join(HERE, f"a{a}_{df}.cfg"), "-o", out],
                               capture_output=True, text=True)
            check(p.returncode == 0, f"import a{a}_{df}: exit {p.returncode}: {p.stderr[-400:]}")
            if p.returncode != 0:
                continue
            with open(os.path.join(out, "COMPUTE_REPORT.csv")) as f:
                rows = list(csv.DictReader(f))
            check(len(rows) == 20, f"a{a}_{df}: {len(rows)} rows, want 20")
            for row in rows:
                s = ref[(a, df, row["Layer"])]
                m, n, k = int(row["M"]), int(row["N"]), int(row["K"])
                folds, per_fold, ivl = fold_model(df, m, n, k, a, a)
                an, cy = int(row["Analytic Cycles"]), int(row["Total Cycles"])
                tag = f"{a}x{a} {df} {row['Layer']}"
                check(an + folds * (per_fold - ivl) - 1 == int(s["cycles"]),
                      f"{tag}: SCALE-Sim {s['cycles']} != einsim analytic {an} + {folds} x "
                      f"({per_fold} - {ivl}) - 1")
                check(an < cy <= an + 2 * a + 12, f"{tag}: cycle level {cy}, analytic {an}")
                check(row["SRAM IFMAP Reads"] == s["sram_ifmap_reads"] and
                      row["SRAM Filter Reads"] == s["sram_filter_reads"],
                      f"{tag}: SRAM reads {row['SRAM IFMAP Reads']}/{row['SRAM Filter Reads']}, "
                      f"SCALE-Sim {s['sram_ifmap_reads']}/{s['sram_filter_reads']}")
                if df != "os":
                    check(row["SRAM OFMAP Writes"] == s["sram_ofmap_writes"],
                          f"{tag}: SRAM ofmap writes {row['SRAM OFMAP Writes']}, SCALE-Sim "
                          f"{s['sram_ofmap_writes']}")
    # Convolution layers become their im2col GEMM: M = output pixels, K = R*S*C, N = filters
    # (alexnet's first two layers, and one with a stride per axis).
    out = os.path.join(tmp, "conv")
    p = subprocess.run([einsim, "import", "scalesim", os.path.join(HERE, "conv.csv"),
                        os.path.join(HERE, "a32_ws.cfg"), "-o", out], capture_output=True, text=True)
    check(p.returncode == 0, f"import conv.csv: exit {p.returncode}: {p.stderr[-400:]}")
    want = {"Conv1": (54 * 54, 96, 11 * 11 * 3), "Conv2": (23 * 23, 256, 5 * 5 * 96),
            "Conv3": (6 * 13, 384, 3 * 3 * 256)}
    if p.returncode == 0:
        with open(os.path.join(out, "COMPUTE_REPORT.csv")) as f:
            for row in csv.DictReader(f):
                got = (int(row["M"]), int(row["N"]), int(row["K"]))
                check(got == want[row["Layer"]], f"conv {row['Layer']}: GEMM {got}, want {want[row['Layer']]}")
                check(row["feasible"] == "1" and int(row["Total Cycles"]) > 0, f"conv {row['Layer']} ran")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
