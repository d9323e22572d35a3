#!/usr/bin/env python3
"""Timeloop's own counts in einsim's reference format.

    tl_stats.py timeloop-model.stats.txt > reference-NAME.csv

Reads the stats file timeloop-model writes (Timeloop v3) and prints, per storage level
and data space, the scalar reads, fills and updates over all utilized instances (its
per-instance figures times 'Utilized instances (max)') and the level's energy for that
data space; then the computes with their energy and the cycles. tests/import/
check_timeloop.py compares einsim's import of the same specification with these rows.
The references in this folder were made with it (commands in their headers); it is not
run by the test suite, which has no Timeloop.
"""
import re
import sys


def main(path):
    level = space = None
    rows, per = [], {}
    computes = cycles = compute_pj = None
    for line in open(path):
        m = re.match(r"=== (\S+) ===", line)
        if m:
            level, space = m.group(1), None
            continue
        s = line.strip()
        if level == "__ARITH__":
            if s.startswith("Computes (total)"):
                computes = int(s.split(":")[1])
            elif s.startswith("Cycles") and cycles is None:
                cycles = int(s.split(":")[1])
            elif s.startswith("Energy (total)"):
                compute_pj = float(s.split(":")[1].split()[0])
            continue
        m = re.match(r"^    (\w+):$", line.rstrip("\n"))
        if level and m and m.group(1) not in ("SPECS", "STATS"):
            space = m.group(1)
            per = {}
            continue
        if not (level and space) or ":" not in s:
            continue
        key, val = [p.strip() for p in s.split(":", 1)]
        per[key] = val
        if key == "Energy (total)" and "Utilized instances (max)" in per:
            n = int(per["Utilized instances (max)"])
            get = lambda k: int(per.get(k + " (per-instance)", "0")) * n
            rows.append((level, space, get("Scalar reads"), get("Scalar fills"),
                         get("Scalar updates"), float(val.split()[0])))
            space = None
    print("level,dataspace,reads,fills,updates,energy_pj")
    for r in rows:
        print("%s,%s,%d,%d,%d,%.2f" % r)
    print("compute,,%d,,,%.2f" % (computes, compute_pj))
    print("cycles,analytic,%d,,," % cycles)


if __name__ == "__main__":
    main(sys.argv[1])
