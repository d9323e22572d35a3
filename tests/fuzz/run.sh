#!/usr/bin/env bash
# run.sh — runs libFuzzer harnesses. Usage: tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS [NAME...]
# Each harness FUZZ_BUILD_DIR/fuzz_NAME runs SECONDS seconds on its corpus
# FUZZ_BUILD_DIR/corpus/NAME (kept between runs) plus the seeds of tests/fuzz/seeds.py,
# with a limit per input (longer is a hang: 30 s; 120 s for the engine, whose cycle level
# runs ~30x slower under ASan, UBSan and coverage than in the release build: an input
# of 0.4 s there took 13 s CPU here, 40 s on a loaded machine) and 2 GB of memory. A crash, hang, leak
# or sanitizer report fails the harness; its input is kept in
# FUZZ_BUILD_DIR/artifacts/NAME/. Prints one line per harness (executions, edge
# coverage, features, corpus size) and ends with "N passed, N failed".
set -u
FB=${1:?usage: run.sh FUZZ_BUILD_DIR SECONDS [NAME...]}
S=${2:?usage: run.sh FUZZ_BUILD_DIR SECONDS [NAME...]}
shift 2
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(config cascade mapping nmweights engine)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0 fail=0
python3 tests/fuzz/seeds.py "$FB/seeds" || { echo "FAIL: fuzz seeds"; echo "0 passed, 1 failed"; exit 1; }
for n in "${names[@]}"; do
  bin=$FB/fuzz_$n
  corpus=$FB/corpus/$n
  art=$FB/artifacts/$n
  work=$FB/work-$n
  mkdir -p "$corpus" "$art"
  rm -rf "$work"
  log=$FB/fuzz_$n.log
  if [ ! -x "$bin" ]; then echo "FAIL: fuzz $n: $bin missing (make fuzz-build)"; fail=$((fail + 1)); continue; fi
  limit=30; [ "$n" = engine ] && limit=120
  EINSIM_FUZZ_WORK=$work "$bin" -max_total_time="$S" -timeout="$limit" -rss_limit_mb=2048 \
    -artifact_prefix="$art/" -print_final_stats=1 "$corpus" "$FB/seeds/$n" >"$log" 2>&1
  rc=$?
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | sed -nE 's/.* cov: ([0-9]+).*/\1/p')
  ft=$(echo "$last" | sed -nE 's/.* ft: ([0-9]+).*/\1/p')
  corp=$(echo "$last" | sed -nE 's/.* corp: ([0-9]+).*/\1/p')
  secs=$(sed -nE 's/^stat::.*time.*: *([0-9]+).*/\1/p' "$log" | tail -1)
  if [ "$rc" = 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$log"; then
    pass=$((pass + 1))
    echo "fuzz   $n: ${runs:-?} executions in $S s, coverage ${cov:-?} edges, ${ft:-?} features, corpus ${corp:-?}: ok"
  else
    fail=$((fail + 1))
    echo "FAIL: fuzz $n (exit $rc; input in $art/, log $log)"
    grep -E 'ERROR|runtime error|SUMMARY|^    #[0-9] ' "$log" | head -12 | sed 's/^/    /'
  fi
  rm -rf "$work"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
