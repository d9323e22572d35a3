#!/usr/bin/env bash
# tests/sweep/run.sh — tests of `einsim sweep`. Usage: tests/sweep/run.sh EINSIM TMPDIR
#
#   small     tests/sweep/small.cfg (12 points): rows, order, -j 1 == -j 2, point files
#             identical to `einsim run -o`, rerun skips everything, stale points rerun
#   kill      SIGKILL the sweep's process group half-way (EINSIM_SWEEP_TEST_DELAY_MS, 1.5 s here, makes
#             each point sleep before its marker), check the journal has no torn or duplicate rows, rerun:
#             completed points untouched, CSV equal to a clean run's
#   parallel  --emit-jobs + GNU parallel + --merge == einsim sweep; the Slurm script;
#             --merge reports missing points
#   published the shipped array-size sweep reproduces FuseMax's BERT 256K latencies
#   misc      infeasible points, command-line errors, terminal progress bar
# Run from the repository root. Ends with "N passed, N failed".
set -u
EINSIM=${1:?usage: run.sh EINSIM TMPDIR}
T=${2:?usage: run.sh EINSIM TMPDIR}
mkdir -p "$T"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: sweep $*"; }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
  local what=$1; shift
  if "$@"; then ok; else bad "$what"; fi
}
sanitizer_clean() { ! grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$1"; }
sweep() { "$EINSIM" sweep "$@"; }
SMALL=tests/sweep/small.cfg

# ---- small ---------------------------------------------------------------------------------
sweep $SMALL -o "$T/j1" -j 1 >"$T/j1.out" 2>"$T/j1.err"; rc=$?
check "small: exit 0 (got $rc)" [ "$rc" = 0 ]
check "small: sanitizer-clean" sanitizer_clean "$T/j1.err"
csv=$T/j1/sweep.csv
check "small: header" grep -qx 'workload,seq,arch,mapping,feasible,cycles,seconds,energy_pj,edp_pj_s,dram_bytes,bound,unit_1,util_1,unit_2,util_2,cycle_cycles,cycle_seconds,area_um2,reason,point,workload.seq,arch.array2d.rows,arch.array2d.cols,arch.array1d.cols,mapping.partitions.M0' <(head -1 "$csv")
check "small: 12 rows" [ "$(tail -n +2 "$csv" | wc -l)" = 12 ]
check "small: rows in point order" [ "$(tail -n +2 "$csv" | cut -d, -f20 | tr '\n' ' ')" = "001 002 003 004 005 006 007 008 009 010 011 012 " ]
# Point 006 = seq 2048 (second value) x size 64 (second value of the zip).
check "small: point 006 axis values" grep -q '^bert,2048,fusemax,fusemax,1,.*,006,2048,64,64,64,64$' "$csv"
check "small: cycle level ran" [ -n "$(grep ',006,' "$csv" | cut -d, -f16)" ]
"$EINSIM" run -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg \
  --set arch.GlobalBuffer.size_kb=16384 --set workload.seq=2048 --set arch.array2d.rows=64 \
  --set arch.array2d.cols=64 --set arch.array1d.cols=64 --set mapping.partitions.M0=64 \
  -o "$T/run006" >/dev/null 2>&1
same=1
for f in stats.txt stats.json stats.csv effective.cfg; do
  cmp -s "$T/run006/$f" "$T/j1/points/006/$f" || same=0
done
check "small: point files == einsim run -o" [ "$same" = 1 ]
check "small: marker written" [ -s "$T/j1/points/006/done" ]
sweep $SMALL -o "$T/j2" -j 2 >/dev/null 2>"$T/j2.err"
check "small: -j 1 and -j 2 give byte-identical sweep.csv" cmp -s "$csv" "$T/j2/sweep.csv"
check "small: sanitizer-clean -j 2" sanitizer_clean "$T/j2.err"
before=$(stat -c '%i %Y.%y' "$T/j2"/points/*/stats.json | md5sum)
sweep $SMALL -o "$T/j2" -j 2 >/dev/null 2>"$T/again.err"
check "small: rerun evaluates nothing" grep -q '0 evaluated (0 infeasible), 12 already complete' "$T/again.err"
check "small: rerun leaves point files alone" [ "$before" = "$(stat -c '%i %Y.%y' "$T/j2"/points/*/stats.json | md5sum)" ]
check "small: rerun keeps the CSV" cmp -s "$csv" "$T/j2/sweep.csv"
# Changed inputs make the markers stale: everything runs again.
sweep $SMALL -o "$T/j2" --set arch.GlobalBuffer.size_kb=8192 >/dev/null 2>"$T/stale.err"
check "small: changed inputs rerun every point" grep -q '12 evaluated' "$T/stale.err"
check "small: --set applies to every point" [ "$(grep -c 'name = "GlobalBuffer";.*size_kb = 8192L*;' "$T"/j2/points/*/effective.cfg | grep -c ':1$')" = 12 ]

# ---- kill half-way and rerun -------------------------------------------------------------------
K=$T/kill
# Job control puts the sweep in its own process group (pgid = pid), whether or not the
# calling shell has job control itself.
set -m
EINSIM_SWEEP_TEST_DELAY_MS=1500 "$EINSIM" sweep $SMALL -o "$K" -j 2 >/dev/null 2>"$T/kill.err" &
pid=$!
set +m
in_flight() { for d in "$K"/points/*/; do [ -e "$d/stats.json" ] && [ ! -e "$d/done" ] && echo "$d"; done; }
# Wait (up to 60 s) until a few points are complete and one is in flight. The group is
# frozen (SIGSTOP) while it is inspected, so a point seen in flight cannot write its marker
# between the look and the kill; otherwise it is let go on (SIGCONT).
for _ in $(seq 1 1200); do
  kill -STOP -- "-$pid" 2>/dev/null
  n=$(ls "$K"/points/*/done 2>/dev/null | wc -l)
  [ "$n" -ge 3 ] && [ -n "$(in_flight)" ] && break
  kill -CONT -- "-$pid" 2>/dev/null
  sleep 0.05
done
kill -KILL -- "-$pid" 2>/dev/null
{ wait "$pid"; } 2>/dev/null
sleep 0.2
ndone=$(ls "$K"/points/*/done 2>/dev/null | wc -l)
check "kill: stopped half-way ($ndone of 12 complete)" [ "$ndone" -ge 1 -a "$ndone" -lt 12 ]
# The hook sleeps between a point's run files and its marker: the points in flight when
# the sweep died have stats files but no marker, and must run again.
inflight=$(in_flight)
check "kill: points were in flight ($(echo $inflight | wc -w))" [ -n "$inflight" ]
check "kill: no worker survives" [ -z "$(ps -o stat= -g "$pid" 2>/dev/null | grep -v '^Z')" ]
# The journal: the header, then complete rows of the clean run, each at most once.
tail -n +2 "$K/sweep.csv" >"$T/journal"
torn=0
while IFS= read -r line; do grep -qxF -- "$line" "$csv" || torn=1; done <"$T/journal"
check "kill: no torn rows" [ "$torn" = 0 ]
check "kill: journal ends with a newline" [ "$(tail -c 1 "$K/sweep.csv" | od -An -c | tr -d ' ')" = '\n' ]
check "kill: no duplicate rows" [ "$(sort "$T/journal" | uniq -d | wc -l)" = 0 ]
stat -c '%n %i %Y.%y' $(ls "$K"/points/*/done | sed 's/done$/stats.json/') >"$T/kill.stat"
sweep $SMALL -o "$K" -j 2 >/dev/null 2>"$T/resume.err"; rc=$?
check "kill: rerun exit 0 (got $rc)" [ "$rc" = 0 ]
check "kill: rerun skips the $ndone complete points" grep -q "$((12 - ndone)) evaluated (0 infeasible), $ndone already complete" "$T/resume.err"
stat -c '%n %i %Y.%y' $(cut -d' ' -f1 "$T/kill.stat") >"$T/kill.stat2"
check "kill: complete points not redone" cmp -s "$T/kill.stat" "$T/kill.stat2"
check "kill: CSV equals a clean run's" cmp -s "$csv" "$K/sweep.csv"
check "kill: no leftover temp files" [ -z "$(find "$K" -name '*.tmp.*')" ]
redone=1
for d in $inflight; do [ -s "$d/done" ] || redone=0; done
check "kill: interrupted points redone" [ "$redone" = 1 ]

# ---- GNU parallel, Slurm, merge -----------------------------------------------------------------
P=$T/par
sweep $SMALL -o "$P" --emit-jobs "$T/jobs" >/dev/null 2>"$T/emit.err"
check "parallel: one job per point" [ "$(wc -l <"$T/jobs")" = 12 ]
check "parallel: job 7 runs point 007" grep -q -- "--point 007 -o" <(sed -n 7p "$T/jobs")
check "parallel: Slurm array 1-12" grep -qx '#SBATCH --array=1-12' "$T/jobs.sbatch"
if command -v parallel >/dev/null; then
  parallel --will-cite -j 2 <"$T/jobs" >"$T/par.out" 2>&1
  check "parallel: GNU parallel ran every job" [ "$(grep -c 'point .*: done' "$T/par.out")" = 12 ]
  sweep $SMALL -o "$P" --merge >/dev/null 2>"$T/merge.err"; rc=$?
  check "parallel: merge exit 0 (got $rc)" [ "$rc" = 0 ]
  check "parallel: merged CSV == einsim sweep's" cmp -s "$csv" "$P/sweep.csv"
else
  bad "parallel: GNU parallel is not installed (scripts/install-deps.sh installs it)"
fi
# The Slurm script runs its task's line (here task 3, by hand), then merge lists the rest.
S=$T/slurm
sweep $SMALL -o "$S" --emit-jobs "$T/sjobs" >/dev/null 2>&1
SLURM_ARRAY_TASK_ID=3 bash "$T/sjobs.sbatch" >/dev/null 2>&1
check "slurm: task 3 ran point 003 only" [ "$(ls "$S"/points/*/done 2>/dev/null)" = "$S/points/003/done" ]
sweep $SMALL -o "$S" --point 5 >/dev/null 2>&1
sweep $SMALL -o "$S" --point 5 >"$T/again5.out" 2>&1
check "point: a complete point is skipped" grep -q 'point 005: already complete' "$T/again5.out"
sweep $SMALL -o "$S" --merge >/dev/null 2>"$T/smerge.err"; rc=$?
check "merge: missing points give exit 1 (got $rc)" [ "$rc" = 1 ]
check "merge: lists the missing points" grep -q 'error: 10 point(s) missing or stale: 001 002 004 006 007 008 009 010 011 012' "$T/smerge.err"
check "merge: CSV holds the complete rows" [ "$(cut -d, -f20 "$S/sweep.csv" | tr '\n' ' ')" = "point 003 005 " ]

# ---- the published array-size sweep -----------------------------------------------------------------
A=$T/array
sweep workloads/sweeps/array-size.cfg -o "$A" >/dev/null 2>"$T/array.err"; rc=$?
check "array-size: exit 0 (got $rc)" [ "$rc" = 0 ]
check "array-size: 24 rows" [ "$(tail -n +2 "$A/sweep.csv" | wc -l)" = 24 ]
# FuseMax (Nayak et al., MICRO 2024), BERT at 256K tokens: latency vs array size.
for want in "64 1891.83" "256 118.28" "512 29.583"; do
  set -- $want
  got=$(awk -F, -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["workload"] == "bert" && $c["arch.array2d.rows"] == n { print $c["seconds"] }' "$A/sweep.csv")
  check "array-size: BERT 256K ${1}x$1 = $got s, want $2 s +-1%" \
    awk -v g="${got:-0}" -v w="$2" 'BEGIN { d = g / w - 1; exit !(d < 0.01 && d > -0.01) }'
done

# ---- misc --------------------------------------------------------------------------------------------
sweep tests/sweep/infeasible.cfg -o "$T/inf" >/dev/null 2>"$T/inf.err"; rc=$?
check "infeasible: not a failure (exit $rc)" [ "$rc" = 0 ]
check "infeasible: row with feasible=0 and the reason" \
  grep -q '^bert,1024,fusemax,fusemax,0,.*"group attention: the tile P = 256 needs.*",002,64$' "$T/inf/sweep.csv"
check "infeasible: counted" grep -q '2 evaluated (1 infeasible)' "$T/inf.err"
# A training workload: the sweep's point is the evaluation `einsim run` makes (both levels).
cat >"$T/train.cfg" <<EOF2
sweep = { name = "train"; arch = "$PWD/models/sat.cfg"; mapping = "$PWD/mappings/sat.cfg";
  workload = "$PWD/workloads/bert-base-train.cfg"; level = "both";
  axes = ( { key = "workload.nm"; values = [ "2:8" ]; } ); };
EOF2
sweep "$T/train.cfg" -o "$T/train" >/dev/null 2>&1
"$EINSIM" run -a models/sat.cfg -w workloads/bert-base-train.cfg -m mappings/sat.cfg \
  --set workload.nm=2:8 --level both -o "$T/train-run" >/dev/null 2>&1
want=$(awk '/^  Cycles/ {print $3}' "$T/train-run/stats.txt" | tr '\n' ,)
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
               NR == 2 { print $c["cycles"] "," $c["cycle_cycles"] "," }' "$T/train/sweep.csv")
check "training workload: the sweep's cycles are the run's ($got against $want)" \
  test "${#want}" -gt 2 -a "$got" = "$want"
expect_rc() { # expect_rc WANT DESCRIPTION ARGS...
  local want=$1 what=$2; shift 2
  if "$EINSIM" "$@" >"$T/o" 2>"$T/e"; then rc=0; else rc=$?; fi
  if [ "$rc" = "$want" ] && sanitizer_clean "$T/e"; then ok; else bad "cli $what: exit $rc, want $want"; sed 's/^/    /' "$T/e" | head -5; fi
}
expect_rc 0 "sweep --help" sweep --help
expect_rc 0 "help sweep" help sweep
expect_rc 1 "sweep without a file" sweep
expect_rc 1 "sweep: missing file" sweep does/not/exist.cfg
expect_rc 1 "sweep: -j 0" sweep $SMALL -j 0
expect_rc 1 "sweep: --point out of range" sweep $SMALL --point 13 -o "$T/x"
expect_rc 1 "sweep: --merge with --point" sweep $SMALL --merge --point 1
expect_rc 1 "sweep: --set on an axis key" sweep $SMALL --set workload.seq=4096 -o "$T/x"
check "sweep: --set on an axis key says where" grep -q "<command line>:1: error: --set workload.seq=4096: 'workload.seq' is an axis of the sweep (tests/sweep/small.cfg:11)" "$T/e"
expect_rc 1 "sweep: bad --set key" sweep $SMALL --set arch.array2d.bogus=1 -o "$T/x"
check "sweep: nothing written on input errors" [ ! -e "$T/x" ]
# On a terminal: a progress bar with ETA, not a line per point.
if command -v script >/dev/null; then
  EINSIM_SWEEP_TEST_DELAY_MS=20 script -qec "'$EINSIM' sweep $SMALL -o '$T/tty' -j 2" /dev/null >"$T/tty.out" 2>&1
  check "tty: progress bar" grep -q '\[#*\.*\] *[0-9]*/12' "$T/tty.out"
  check "tty: no line per point" [ "$(grep -c 'point 0' "$T/tty.out")" = 0 ]
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
