#!/usr/bin/env bash
# tests/report/run.sh — `einsim report` end to end: plots produced and non-trivial, the
# HTML self-contained with its tables, deterministic output, bad inputs rejected; the
# CSV column set of stats.csv, compare.csv and sweep.csv.
# Usage: tests/report/run.sh EINSIM TMPDIR. Ends with "N passed, N failed".
set -u
EINSIM=${1:?usage: run.sh EINSIM TMPDIR}
T=${2:?usage: run.sh EINSIM TMPDIR}
rm -rf "$T"; mkdir -p "$T"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: report $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }
clean() { ! grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$1"; }
ndata() { grep -cE '^[0-9"]' "$1"; } # data lines (numbers or quoted labels) of a .dat file

# A small compare directory: 2 mappings x 3 lengths on BERT.
"$EINSIM" compare -p models/flat.cfg:mappings/unfused.cfg -p models/fusemax.cfg:mappings/fusemax.cfg \
  -w workloads/bert.cfg --seq 1024,4096,16384 -o "$T/cmp" >/dev/null 2>&1
"$EINSIM" report "$T/cmp" -o "$T/rep" >"$T/out" 2>"$T/err"; rc=$?
check "compare dir exits 0 (got $rc)" '[ "$rc" = 0 ] && clean "$T/err"'
check "prints the HTML path" 'grep -q "wrote $T/rep/report.html" "$T/out"'
plots="speedup-bert energy-ratio-bert latency-bert utilization-bert dram-bert energy-components-bert energy-einsums-bert roofline"
for p in $plots; do
  png="$T/rep/$p.png" svg="$T/rep/$p.svg"
  check "$p.png is a PNG over 8 kB" '[ -f "$png" ] && [ "$(head -c 4 "$png" | od -An -c | tr -d " ")" = "211PNG" ] && [ "$(stat -c %s "$png")" -gt 8000 ]'
  check "$p.svg has plotted paths and a legend" '[ -f "$svg" ] && grep -q "<svg" "$svg" && [ "$(grep -c "<path" "$svg")" -gt 15 ] && grep -qE ">(fusemax[ a-z0-9]*|array2d[.a-z]*|BQK)<" "$svg"'
  check "$p.gp and $p.dat kept" '[ -s "$T/rep/$p.gp" ] && [ -s "$T/rep/$p.dat" ]'
done
check "no latency-area plot without an area axis" '[ ! -e "$T/rep/latency-area.png" ]'
# The data behind the curves: every point is there.
check "speedup: 2 mappings x 3 lengths" '[ "$(ndata "$T/rep/speedup-bert.dat")" = 6 ]'
check "utilisation: 2 mappings x 2 units x 3 lengths" '[ "$(ndata "$T/rep/utilization-bert.dat")" = 12 ]'
check "energy bars: 6 runs" '[ "$(ndata "$T/rep/energy-components-bert.dat")" = 6 ]'
check "roofline: 6 runs" '[ "$(ndata "$T/rep/roofline.dat")" = 6 ]'
check "svg shows the series titles" 'grep -q ">fusemax<" "$T/rep/speedup-bert.svg" && grep -q ">unfused<" "$T/rep/speedup-bert.svg"'
# The value plotted is the one compare reported (fusemax at 1K: 10.841x).
check "speedup value from compare.csv" 'grep -qE "^1024 10\.84" "$T/rep/speedup-bert.dat"'
# Self-contained HTML with the tables and every plot inlined.
H="$T/rep/report.html"
check "html has no external references" '! grep -qiE "https?://|src=\"file|<link|<script" "$H"'
check "html inlines 8 PNGs" '[ "$(grep -o "data:image/png;base64," "$H" | wc -l)" = 8 ]'
check "html runs table has 6 rows" '[ "$(grep -c "<tr><td class=\"l\">bert</td>" "$H")" = 6 ]'
check "html geomean table" 'grep -q "<table id=\"geomean-speedup\">" "$H" && grep -q "<td class=\"l\">fusemax</td><td>11\.[0-9]*x</td>" "$H"'
check "html headline names the fastest against the baseline" 'grep -q "<p id=\"headline\">Against <b>unfused</b>, the fastest is <b>fusemax</b>: 11\.[0-9]*x speedup" "$H"'
check "no fusemax-vs-flat plot without a flat run" '[ ! -e "$T/rep/fusemax-vs-flat-bert.png" ]'
# Energy: absolute and normalised panels side by side.
check "energy bars: absolute and normalised panels" 'grep -q "set title .absolute." "$T/rep/energy-components-bert.gp" && grep -q "set title .normalised." "$T/rep/energy-components-bert.gp" && grep -qE "ylabel .total energy \((pJ|nJ|µJ|mJ|J|kJ)\)" "$T/rep/energy-components-bert.gp"'
# Readable ticks: no exponent labels on any axis.
check "no exponent tick labels" '! grep -qE "format [xy] .%.*e|[0-9]e[+-][0-9]+ ?(B|s|op/s|x)?\x27" "$T"/rep/*.gp'
check "html area table" 'grep -q "<table id=\"area\">" "$H" && grep -q "GlobalBuffer.storage" "$H"'
# Determinism: a second report is byte-identical (no timestamps).
"$EINSIM" report "$T/cmp" -o "$T/rep2" >/dev/null 2>&1
check "deterministic report.html" 'cmp -s "$H" "$T/rep2/report.html"'
check "deterministic svg" 'cmp -s "$T/rep/roofline.svg" "$T/rep2/roofline.svg"'
# The page in a real browser: headless Chromium (installed on demand by
# scripts/install-deps.sh browser) loads report.html; every plot image decodes and shows,
# the console stays clean, and the headline and the tables render.
if sh scripts/install-deps.sh browser >"$T/deps" 2>&1; then
  node tests/report/browser.js /usr/bin/chromium "$H" "$T/shot.png" >"$T/br" 2>&1
  val() { sed -n "s/^$1=//p" "$T/br"; }
  check "browser: 8 images, all loaded" '[ "$(val images)" = 8 ] && [ "$(val loaded)" = 8 ] || { cat "$T/br"; false; }'
  check "browser: no console errors" '[ "$(val errors)" = 0 ] || { grep "^error:" "$T/br"; false; }'
  check "browser: title and headline rendered" '[ "$(val title)" = "einsim report" ] && val headline | grep -q "^Against unfused, the fastest is fusemax: 11\.[0-9]*x speedup"'
  check "browser: summary and runs tables rendered" 'val tables | grep -qE "(^|,)geomean-speedup:3(,|$)" && val tables | grep -qE "(^|,)runs:7(,|$)"'
  check "browser: screenshot taken" '[ "$(head -c 4 "$T/shot.png" | od -An -c | tr -d " ")" = "211PNG" ]'
  # The probe itself sees a broken image and a script error.
  sed -e '0,/base64,/s//base64,AAAA/' -e 's#</body>#<script>console.error("planted")</script></body>#' "$H" >"$T/broken.html"
  node tests/report/browser.js /usr/bin/chromium "$T/broken.html" >"$T/br" 2>&1
  check "browser: a broken image and a console error are caught" '[ "$(val loaded)" = 7 ] && [ "$(val errors)" -ge 1 ] && grep -q "planted" "$T/br"'
else
  bad "browser: scripts/install-deps.sh browser failed"; sed 's/^/    /' "$T/deps" | tail -3
fi

# The scripts rerun by hand.
check "plots.gp reruns" '(cd "$T/rep" && gnuplot plots.gp) 2>/dev/null'

# One run directory.
"$EINSIM" run -a models/fusemax.cfg -w workloads/xlm.cfg -m mappings/fusemax.cfg -o "$T/run" >/dev/null 2>&1
"$EINSIM" report "$T/run" >/dev/null 2>"$T/err"; rc=$?
check "run dir exits 0 (got $rc)" '[ "$rc" = 0 ] && clean "$T/err"'
check "run dir: default OUTDIR, bars" '[ -s "$T/run/report/report.html" ] && [ "$(ndata "$T/run/report/utilization-xlm.dat")" = 1 ] && [ -s "$T/run/report/energy-einsums-xlm.png" ]'

# A sweep-style directory over the array size: latency vs area.
mkdir -p "$T/sw/points"
hdr=""
for n in 64 128 256; do
  "$EINSIM" run -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg --level analytic \
    --set workload.seq=16384 --set arch.array2d.rows=$n --set arch.array2d.cols=$n \
    --set arch.array1d.cols=$n --set mapping.partitions.M0=$n -o "$T/sw/points/p$n" >/dev/null 2>&1
  [ -n "$hdr" ] || { hdr=$(head -1 "$T/sw/points/p$n/stats.csv"); echo "$hdr,point,arch.array2d.rows,arch.array2d.cols" >"$T/sw/sweep.csv"; }
  echo "$(sed -n 2p "$T/sw/points/p$n/stats.csv"),p$n,$n,$n" >>"$T/sw/sweep.csv"
done
"$EINSIM" report "$T/sw" >/dev/null 2>"$T/err"; rc=$?
check "sweep dir exits 0 (got $rc)" '[ "$rc" = 0 ] && clean "$T/err"'
check "latency-area: 3 sizes" '[ -s "$T/sw/report/latency-area.png" ] && [ "$(ndata "$T/sw/report/latency-area.dat")" = 3 ] && grep -q "\"256x256\"" "$T/sw/report/latency-area.dat"'

# A two-axis sweep (sequence length x buffer size, for FuseMax and FLAT): every series is
# named in the legend (golden: tests/report/two-axis.series), and FuseMax vs FLAT is drawn.
cat >"$T/two.cfg" <<EOF
sweep = {
  name = "two"; workload = "$PWD/workloads/bert.cfg"; level = "analytic";
  axes = (
    { key = "workload.seq"; values = [ 1024, 4096, 16384, 65536 ]; },
    { key = "arch.GlobalBuffer.size_kb"; values = [ 8192, 32768 ]; },
    { zip = ( { key = "arch"; values = [ "$PWD/models/fusemax.cfg", "$PWD/models/flat.cfg" ]; },
              { key = "mapping"; values = [ "$PWD/mappings/fusemax.cfg", "$PWD/mappings/flat.cfg" ]; } ); }
  );
};
EOF
"$EINSIM" sweep "$T/two.cfg" -o "$T/two" -j 1 >/dev/null 2>&1
"$EINSIM" report "$T/two" >/dev/null 2>"$T/err"; rc=$?
check "two-axis sweep exits 0 (got $rc)" '[ "$rc" = 0 ] && clean "$T/err"'
sed -nE "s/.* title '([^']*)'.*/\1/p" "$T/two/report/latency-bert.gp" | sort -u >"$T/two.series"
if [ "${EINSIM_UPDATE_GOLDEN:-0}" = 1 ]; then cp "$T/two.series" tests/report/two-axis.series; fi
check "two-axis sweep: legend names every series (golden)" 'cmp -s "$T/two.series" tests/report/two-axis.series || { diff tests/report/two-axis.series "$T/two.series"; false; }'
check "two-axis sweep: 4 series in the SVG legend" '[ "$(grep -cE ">(fusemax|flat) arch.GlobalBuffer.size_kb=(8192|32768)<" "$T/two/report/latency-bert.svg")" = 4 ]'
check "two-axis sweep: 4 series x 4 lengths plotted" '[ "$(ndata "$T/two/report/latency-bert.dat")" = 16 ]'
check "two-axis sweep: runs table has the axis column" 'grep -q "<th>arch.GlobalBuffer.size_kb</th>" "$T/two/report/report.html"'
check "two-axis sweep: fusemax vs flat drawn" '[ -s "$T/two/report/fusemax-vs-flat-bert.png" ] && [ "$(ndata "$T/two/report/fusemax-vs-flat-bert.dat")" = 8 ]'
# Its value at 1K is FLAT's time over FuseMax's, as the runs reported them (compare: 6.649x).
check "fusemax vs flat: speedup at 1K" 'grep -qE "^1024 6\.649" "$T/two/report/fusemax-vs-flat-bert.dat"'

# One column set (sim/report/README.md, "CSV columns"): stats.csv's; compare.csv and
# sweep.csv append their extras after it (golden: tests/report/csv-columns.golden).
{ echo "stats.csv: $(head -1 "$T/run/stats.csv")"; echo "compare.csv: $(head -1 "$T/cmp/compare.csv")"
  echo "sweep.csv: $(head -1 "$T/two/sweep.csv")"; } >"$T/csv.columns"
if [ "${EINSIM_UPDATE_GOLDEN:-0}" = 1 ]; then cp "$T/csv.columns" tests/report/csv-columns.golden; fi
check "csv columns (golden)" 'cmp -s "$T/csv.columns" tests/report/csv-columns.golden || { diff tests/report/csv-columns.golden "$T/csv.columns"; false; }'
common=$(head -1 "$T/run/stats.csv")
check "compare.csv and sweep.csv start with the common columns" '[ "$(head -1 "$T/cmp/compare.csv" | cut -c1-${#common})" = "$common" ] && [ "$(head -1 "$T/two/sweep.csv" | cut -c1-${#common})" = "$common" ]'

# Bad input: exit 1 with a clear message, no sanitizer report.
expect_err() { # expect_err DESCRIPTION TEXT ARGS...
  local what=$1 text=$2; shift 2
  "$@" >/dev/null 2>"$T/err"; local rc=$?
  if [ "$rc" = 1 ] && grep -qF -- "$text" "$T/err" && clean "$T/err"; then ok
  else bad "$what: exit $rc"; sed 's/^/    /' "$T/err" | head -5; fi
}
expect_err "missing input" "$T/nope: error: no such file or directory" "$EINSIM" report "$T/nope"
mkdir -p "$T/empty"
expect_err "dir without CSV" "no compare.csv, sweep.csv or stats.csv" "$EINSIM" report "$T/empty"
printf 'workload,mapping,feasible\nbert,fusemax,1\n' >"$T/cols.csv"
expect_err "CSV without columns" "$T/cols.csv:1: error: missing required column 'seconds'" "$EINSIM" report "$T/cols.csv"
printf 'workload,mapping,feasible,seconds\nbert,fusemax,1\n' >"$T/short.csv"
expect_err "short CSV row" "$T/short.csv:2: error: 3 fields, but the header has 4" "$EINSIM" report "$T/short.csv"
cp -r "$T/run" "$T/brokenjson"; printf '{ "feasible": true,\n  "analytic": { ' >"$T/brokenjson/stats.json"
expect_err "malformed stats.json" "$T/brokenjson/stats.json:2: error: malformed JSON" "$EINSIM" report "$T/brokenjson" -o "$T/bj"
EINSIM_GNUPLOT=/nonexistent/gnuplot expect_err "gnuplot missing" "Debian package gnuplot-nox" \
  env EINSIM_GNUPLOT=/nonexistent/gnuplot "$EINSIM" report "$T/cmp" -o "$T/nogp"
expect_err "two inputs" "one input expected" "$EINSIM" report "$T/cmp" "$T/run"
expect_err "unknown option" "unknown option '--bogus'" "$EINSIM" report --bogus "$T/cmp"

# --baseline: ratios against the named runs at the same sequence length and other axes.
"$EINSIM" report "$T/two" --baseline flat -o "$T/two-bl" >/dev/null 2>"$T/err"; rc=$?
check "--baseline flat on a sweep exits 0 (got $rc)" '[ "$rc" = 0 ] && clean "$T/err"'
check "--baseline: speedup per series, flat at 1x" '[ "$(ndata "$T/two-bl/speedup-bert.dat")" = 16 ] && grep -A1 "^# flat arch.GlobalBuffer.size_kb=8192" "$T/two-bl/speedup-bert.dat" | grep -qE "^1024 1$"'
check "--baseline: fusemax over flat at 1K, 8 MiB" 'grep -A1 "^# fusemax arch.GlobalBuffer.size_kb=8192" "$T/two-bl/speedup-bert.dat" | grep -qE "^1024 6\.649"'
check "--baseline: axis and headline name it" 'grep -q "speedup vs flat" "$T/two-bl/speedup-bert.gp" && grep -q "<p id=\"headline\">Against <b>flat</b>, the fastest is <b>fusemax arch.GlobalBuffer.size_kb=" "$T/two-bl/report.html"'
"$EINSIM" report "$T/cmp" --baseline fusemax -o "$T/cmp-bl" >/dev/null 2>&1
check "--baseline overrides compare's first pair" 'grep -A1 "^# fusemax" "$T/cmp-bl/speedup-bert.dat" | grep -qE "^1024 1$" && grep -q "<th>speedup vs fusemax</th>" "$T/cmp-bl/report.html"'
expect_err "--baseline naming no run" "--baseline 'nope' names no run (mappings: fusemax, flat" "$EINSIM" report "$T/two" --baseline nope -o "$T/bl-bad"

# compare -p ARCH:MAPPING:KEY=VALUE,...: a pair's own overrides label its runs, name its run
# directories and its series; a mapping run on another architecture than the one it names
# (its `arch` key) gets one warning.
"$EINSIM" compare -p models/flat.cfg:mappings/flat.cfg -p models/fusemax.cfg:mappings/fusemax.cfg \
  -p models/fusemax.cfg:mappings/fusemax.cfg:arch.GlobalBuffer.size_kb=4096,arch.DRAM.bandwidth_gibps=100 \
  -p models/fusemax.cfg:mappings/flat.cfg -w workloads/bert.cfg --seq 1024,65536 -o "$T/pp" >"$T/pp.out" 2>"$T/pp.err"; rc=$?
check "compare with a per-pair override exits 0 (got $rc)" '[ "$rc" = 0 ] && clean "$T/pp.err"'
lbl='fusemax[arch.GlobalBuffer.size_kb=4096,arch.DRAM.bandwidth_gibps=100]'
check "per-pair override: labelled row and run directory" 'grep -qF ",\"$lbl\",1," "$T/pp/compare.csv" && [ -s "$T/pp/bert-1024-$lbl/stats.json" ] && grep -qF "$lbl" "$T/pp.out"'
# The override took effect: a 4 MiB buffer and 100 GiB/s make FuseMax memory-bound at 1K.
check "per-pair override: only that pair changed" '[ "$(grep -cF ",fusemax,fusemax,1," "$T/pp/compare.csv")" = 2 ] && grep -F ",\"$lbl\",1," "$T/pp/compare.csv" | head -1 | grep -q ",memory,"'
check "warning: flat mapping on the fusemax architecture, once" '[ "$(grep -c "mappings/flat.cfg:9: warning: mapping flat was written for architecture flat, but runs on fusemax" "$T/pp.err")" = 1 ]'
check "no warning for a mapping on its own architecture" '! grep -q "mapping fusemax was written for" "$T/pp.err"'
"$EINSIM" report "$T/pp" >/dev/null 2>"$T/err"; rc=$?
check "report of per-pair overrides names the series" '[ "$rc" = 0 ] && grep -qF "title '"'"'fusemax:$lbl'"'"'" "$T/pp/report/speedup-bert.gp"'
# A pair that names its mapping (mapping.name=NAME) is labelled NAME; a masked variant
# through workload.cascade (make demo-variants) halves the dense cycles.
"$EINSIM" compare -p models/fusemax.cfg:mappings/fusemax.cfg:mapping.name=dense \
  -p models/fusemax.cfg:mappings/fusemax.cfg:mapping.name=causal,workload.cascade=workloads/cascades/attention-causal.cfg \
  -w workloads/llama2-7b.cfg --seq 16384 -o "$T/named" >"$T/named.out" 2>"$T/named.err"; rc=$?
check "compare with named pairs exits 0 (got $rc)" '[ "$rc" = 0 ] && clean "$T/named.err"'
check "named pair: label and run directory" 'grep -qF ",fusemax,causal,1," "$T/named/compare.csv" && [ -s "$T/named/llama2-7b-16384-causal/stats.json" ] && grep -q "attention-causal" "$T/named/llama2-7b-16384-causal/stats.txt"'
check "named pair: the causal variant takes about half the dense energy" 'grep -F ",fusemax,causal,1," "$T/named/compare.csv" | grep -qE ",0\.5[0-9]*,llama2-7b-16384-causal$"'
expect_err "compare -p with an empty override list" "no KEY=VALUE after the second ':'" "$EINSIM" compare -p models/flat.cfg:mappings/flat.cfg: -w workloads/bert.cfg
expect_err "compare -p override without =" "--set expects KEY=VALUE" "$EINSIM" compare -p models/flat.cfg:mappings/flat.cfg:arch.x -w workloads/bert.cfg

echo "report: $pass passed, $fail failed"
[ "$fail" = 0 ]
