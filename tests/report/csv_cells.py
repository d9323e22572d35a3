#!/usr/bin/env python3
"""csv_cells.py — every CSV file einsim wrote during the suite holds numbers as numbers.

Usage: csv_cells.py DIR NAME... — checks every *.csv under DIR: no data cell is a quoted
number and none holds '%' (a cell is a bare number, empty, or text), and in the files
with the common run columns (sim/report/README.md, "CSV columns") every number column
is a number or empty. Each NAME (e.g. stats.csv) must have been found at least once.
Prints one line per failure and ends with "N passed, N failed"."""
import csv
import os
import re
import sys

# The number columns of the common set (report_csv_header in sim/report/report.c).
NUMBER_COLUMNS = ["seq", "feasible", "cycles", "seconds", "energy_pj", "edp_pj_s", "dram_bytes",
                  "util_1", "util_2", "cycle_cycles", "cycle_seconds", "area_um2"]
QUOTED = re.compile(r'(?:^|,)"((?:[^"]|"")*)"(?=,|$)')


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def check_file(path):
    """Returns the problems of one CSV file (at most 5)."""
    problems = []
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    for n, line in enumerate(lines[1:], start=2):
        for m in QUOTED.finditer(line):
            if is_number(m.group(1)):
                problems.append(f"{path}:{n}: quoted number \"{m.group(1)}\"")
    rows = list(csv.reader(lines))
    header = rows[0] if rows else []
    for n, row in enumerate(rows[1:], start=2):
        for cell in row:
            if "%" in cell:
                problems.append(f"{path}:{n}: cell with '%': {cell}")
        if header[:3] == ["workload", "seq", "arch"]:
            for col in NUMBER_COLUMNS:
                if col not in header:
                    problems.append(f"{path}: no column {col}")
                    continue
                i = header.index(col)
                if i < len(row) and row[i] != "" and not is_number(row[i]):
                    problems.append(f"{path}:{n}: column {col} is not a number: {row[i]}")
    return problems[:5]


def main(root, names):
    passed = failed = 0
    seen = set()
    for d, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if not name.endswith(".csv"):
                continue
            seen.add(name)
            problems = check_file(os.path.join(d, name))
            for p in problems:
                print("FAIL:", p)
            if problems:
                failed += 1
            else:
                passed += 1
    for name in names:
        if name in seen:
            passed += 1
        else:
            failed += 1
            print(f"FAIL: no {name} written under {root}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
