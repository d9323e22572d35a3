#!/usr/bin/env bash
# tests/paper/run.sh EINSIM TMPDIR — `make paper`'s reproduction of FuseMax's evaluation
# from the shipped files (scripts/paper.sh):
#   - the shipped linear-layer mappings are what the mapper chooses
#     (scripts/linear-mappings.sh --check);
#   - headline.csv has the ten rows of the paper's headline, each within 5 % of it;
#   - e2e.csv has 4 models x 6 lengths x 3 configurations, end to end = attention +
#     linear layers, and FuseMax's end-to-end speedup over FLAT and over unfused grows
#     with the sequence length for every model (the paper's trend);
#   - index.html is self-contained with the headline table before any plot.
# Prints "N passed, N failed".
set -u
EINSIM=${1:?usage: run.sh EINSIM TMPDIR}
T=${2:?usage: run.sh EINSIM TMPDIR}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: paper: $*"; }
rm -rf "$T"; mkdir -p "$T"

if bash scripts/linear-mappings.sh "$EINSIM" --check >"$T/lin.out" 2>&1; then ok
else bad "the shipped linear mappings are not the mapper's choice"; sed 's/^/    /' "$T/lin.out" | tail -20; fi

if bash scripts/paper.sh "$EINSIM" "$T/paper" >"$T/paper.out" 2>&1; then ok
else bad "scripts/paper.sh failed"; sed 's/^/    /' "$T/paper.out" | tail -20
  echo "$pass passed, $fail failed"; exit 1; fi

python3 - "$T/paper" >"$T/check.out" 2>&1 <<'PY'
import csv, os, sys
out = sys.argv[1]
p = f = 0
def check(cond, what):
    global p, f
    if cond: p += 1
    else:
        f += 1
        print("FAIL: paper:", what)
rows = list(csv.reader(open(os.path.join(out, "headline.csv"))))
check(rows[0] == ["comparison", "paper", "einsim", "rel_err"], f"headline.csv header {rows[0]}")
names = [r[0] for r in rows[1:]]
want = ["attention_speedup_vs_flat", "attention_energy_vs_flat", "attention_speedup_vs_unfused",
        "attention_energy_vs_unfused", "e2e_speedup_vs_flat", "e2e_energy_vs_flat",
        "e2e_speedup_vs_unfused", "e2e_energy_vs_unfused", "e2e_speedup_vs_flat_1M",
        "e2e_speedup_vs_unfused_1M"]
check(names == want, f"headline.csv rows {names}")
for name, paper, ours, rel in rows[1:]:
    paper, ours, rel = float(paper), float(ours), float(rel)
    check(abs(rel - (ours - paper) / paper) < 1e-3, f"{name}: rel_err {rel} is not (einsim - paper) / paper")
    check(abs(rel) <= 0.05, f"{name}: einsim {ours} vs paper {paper} ({rel:+.1%}, more than 5 %)")
e2e = list(csv.DictReader(open(os.path.join(out, "e2e.csv"))))
check(len(e2e) == 72, f"e2e.csv has {len(e2e)} rows, want 72")
lat = {}
for r in e2e:
    a, l, t = float(r["attention_latency_s"]), float(r["linear_latency_s"]), float(r["latency_s"])
    check(abs(a + l - t) <= 1e-6 * t, f"{r['model']} {r['seq']} {r['config']}: end to end is not attention + linear")
    lat[(r["model"], int(r["seq"]), r["config"])] = t
seqs = sorted({k[1] for k in lat})
for m in ("bert", "trxl", "t5", "xlm"):
    for base in ("flat", "unfused"):
        sp = [lat[(m, s, base)] / lat[(m, s, "fusemax")] for s in seqs]
        check(all(b > a for a, b in zip(sp, sp[1:])),
              f"{m}: FuseMax's end-to-end speedup over {base} does not grow with length: {sp}")
page = open(os.path.join(out, "index.html")).read()
check(0 <= page.find("<table>") < page.find("<img"), "index.html: the headline table does not come first")
check("http://" not in page and "https://" not in page and page.count("data:image/png;base64,") >= 12,
      "index.html is not self-contained with its plots")
print(f"{p} passed, {f} failed")
PY
grep '^FAIL' "$T/check.out"
line=$(tail -1 "$T/check.out")
if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
  pass=$((pass + BASH_REMATCH[1])); fail=$((fail + BASH_REMATCH[2]))
else bad "the checks did not finish"; sed 's/^/    /' "$T/check.out" | tail -20; fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
