#!/usr/bin/env bash
# run-cosim.sh — the co-simulation cases. Usage:
#   tests/cosim/run-cosim.sh EINSIM            every tests/cosim/*.case (those marked
#                                              "# large: 1" only with COSIM_LARGE=1)
#   tests/cosim/run-cosim.sh --waves EINSIM [CASE...]  each case (a file or the NAME of
#                                              tests/cosim/NAME.case; default: the GEMM and
#                                              attention cases of make test) with waves into
#                                              build/waves/NAME
#   tests/cosim/run-cosim.sh --check-case CASE...  only read the cases (no RTL, no run);
#                                              each malformed one fails
# A case file holds "# arch: NAME" (models/NAME.cfg; NAME is letters, digits, _ - .
# and names a file of models/), optional "# rtl: LIST" (the core's source list, a file
# under rtl/; default rtl/einsim_top.v), "# variant: normal|fault", "# exit: N" (a
# number), "# expect: TEXT" lines (stdout must contain each) and one line of
# `einsim cosim` arguments, split at blanks and never glob-expanded. A case that breaks
# these rules fails before anything is built. The bridge library is built (cached) with
# make cosim-lib. Ends with "N passed, N failed".
set -u
waves=0 check_only=0
if [ "${1:-}" = "--waves" ]; then waves=1; shift; fi
if [ "${1:-}" = "--check-case" ]; then check_only=1; shift; fi
if [ "$check_only" = 0 ]; then EINSIM=${1:?usage: run-cosim.sh [--waves] EINSIM [CASE]}; else EINSIM=; fi
san=0; case "$EINSIM" in *build/asan/*) san=1;; esac
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

build_lib() { # build_lib ARCH VARIANT [LIST] -> prints build seconds
  local t0 t1 list=()
  [ -n "${3:-}" ] && list=(RTL_LIST="$3")
  t0=$(date +%s.%N)
  if ! make -s --no-print-directory cosim-lib ARCH="$1" RTL_VARIANT="$2" "${list[@]}" SAN="$san" >"$tmp/build" 2>&1; then
    sed 's/^/    /' "$tmp/build" | tail -20; return 1
  fi
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}'
}

# parse_case FILE: sets name, arch, variant, want and argv from the case file, or prints
# why the case is malformed and returns 1.
parse_case() {
  local f=$1 line
  name=$(basename "$f" .case)
  arch=$(sed -nE 's/^# arch: (.*)/\1/p' "$f" | head -1)
  variant=$(sed -nE 's/^# variant: (.*)/\1/p' "$f" | head -1); variant=${variant:-normal}
  rtl=$(sed -nE 's/^# rtl: (.*)/\1/p' "$f" | head -1)
  want=$(sed -nE 's/^# exit: *(.*)/\1/p' "$f" | head -1); want=${want:-0}
  line=$(grep -v '^#' "$f" | grep -v '^[[:space:]]*$' | head -1)
  read -r -a argv <<<"$line"
  if ! [[ "$arch" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || [[ "$arch" == *..* ]] || [ ! -f "models/$arch.cfg" ]; then
    echo "case $f: '# arch: $arch' must name a file models/NAME.cfg (NAME: letters, digits, _ - .)"; return 1
  fi
  case "$variant" in normal|fault) ;; *) echo "case $f: '# variant: $variant' must be normal or fault"; return 1;; esac
  if [ -n "$rtl" ] && { ! [[ "$rtl" =~ ^rtl/[A-Za-z0-9_./-]+$ ]] || [[ "$rtl" == *..* ]] || [ ! -f "$rtl" ]; }; then
    echo "case $f: '# rtl: $rtl' must name a source list under rtl/"; return 1
  fi
  if ! [[ "$want" =~ ^[0-9]+$ ]] || [ "$want" -gt 255 ]; then
    echo "case $f: '# exit: $want' must be an exit code (0..255)"; return 1
  fi
  [ ${#argv[@]} -gt 0 ] || { echo "case $f: no line of einsim cosim arguments"; return 1; }
}

run_case() { # run_case FILE [WAVEDIR]
  local f=$1 wdir=${2:-} name arch variant rtl want argv t secs why
  if ! why=$(parse_case "$f"); then bad "cosim $(basename "$f" .case): $why"; return; fi
  parse_case "$f"
  if ! secs=$(build_lib "$arch" "$variant" "$rtl"); then bad "cosim $name: RTL build failed"; return; fi
  local extra=()
  [ -n "$wdir" ] && extra=(--waves "$wdir")
  [ -n "$rtl" ] && extra+=(--rtl "$rtl")
  t=$(date +%s.%N)
  "$EINSIM" cosim -a "models/$arch.cfg" "${argv[@]}" --variant "$variant" "${extra[@]}" >"$tmp/out" 2>"$tmp/err"
  local rc=$? why=""
  t=$(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b - a}')
  [ "$rc" = "$want" ] || why="exit $rc, want $want"
  while IFS= read -r exp; do
    grep -qF -- "$exp" "$tmp/out" || why="$why; stdout lacks: $exp"
  done < <(sed -nE 's/^# expect: (.*)/\1/p' "$f")
  grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$tmp/err" && why="$why; sanitizer report"
  if [ -z "$why" ]; then
    ok
    printf 'cosim  %-18s %-14s ok   (build %5ss, run %5ss) %s\n' "$name" "$arch/${rtl:+$(basename "$(dirname "$rtl")")/}$variant" "$secs" "$t" \
      "$(grep -E '^  cycles' "$tmp/out" | sed -E 's/ +/ /g')"
  else
    bad "cosim $name: $why"; sed 's/^/    /' "$tmp/out" | head -20; sed 's/^/    /' "$tmp/err" | head -10
  fi
}

if [ "$check_only" = 1 ]; then
  for f in "$@"; do
    if why=$(parse_case "$f"); then
      ok; parse_case "$f"
      printf 'case %s: arch %s, rtl %s, variant %s, exit %s, %d arguments:' "$name" "$arch" "${rtl:-default}" "$variant" "$want" ${#argv[@]}
      printf ' [%s]' "${argv[@]}"; echo
    else bad "$why"; fi
  done
  echo "$pass passed, $fail failed"
  [ "$fail" = 0 ]; exit
fi

# The cases whose waves `make waves` writes when no CASE is given (make test writes them too).
WAVES_DEFAULT="tests/cosim/os-4x4-ragged.case tests/cosim/attn-4x4-s64.case"
if [ "$waves" = 1 ] && [ $# -ne 2 ]; then
  # make waves [CASE="NAME|FILE ..."]: each case in turn, NAME standing for tests/cosim/NAME.case
  shift
  set -- ${*:-$WAVES_DEFAULT}
  for f in "$@"; do
    [ -f "$f" ] || f=tests/cosim/$f.case
    bash "$0" --waves "$EINSIM" "$f" || fail=$((fail + 1))
  done
  [ "$fail" = 0 ]; exit
fi
if [ "$waves" = 1 ]; then
  f=$2
  [ -f "$f" ] || f=tests/cosim/$f.case
  [ -f "$f" ] || { echo "make waves: no case $2 (give tests/cosim/NAME.case or NAME)"; exit 1; }
  parse_case "$f" >/dev/null || { echo "make waves: $(parse_case "$f")"; exit 1; }
  top=einsim_top
  [ -n "$rtl" ] && top=$(sed -nE 's/^--top-module[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*$/\1/p' "$rtl" | head -1)
  name=$(basename "$f" .case)
  dir=build/waves/$name
  rm -rf "$dir"
  run_case "$f" "$dir"
  # GTKWave's command-line converters must read both files; every signal a save file shows
  # must exist in its trace, every translate filter it names must be in the directory;
  # both traces are in ns; both views open at the run's cycle 0 (marker), where the RTL's
  # busy_o has just risen (its start clock's edge, 1 ns before) and the model's run flag
  # rises; the model's array is not busy before it (a GEMM's first tile may wait for its
  # loads).
  if fst2vcd -f "$dir/rtl.fst" -o "$tmp/rtl.vcd" >/dev/null 2>&1 && grep -q 'clk_i' "$tmp/rtl.vcd" \
     && vcd2fst -v "$dir/model.vcd" -f "$tmp/model.fst" >/dev/null 2>&1 && [ -s "$tmp/model.fst" ] \
     && fst2vcd -f "$tmp/model.fst" -o "$tmp/model2.vcd" >/dev/null 2>&1 && grep -q 'array2d_busy' "$tmp/model2.vcd"
  then
    missing=""
    for pair in rtl.gtkw:rtl.vcd model.gtkw:model2.vcd; do
      awk -f tests/cosim/vcd-names.awk "$tmp/${pair#*:}" | sort -u >"$tmp/names"
      while IFS= read -r s; do
        grep -qxF -- "$s" "$tmp/names" || missing="$missing ${pair%%:*}:$s"
      done < <(grep -vE '^[[@*^-]' "$dir/${pair%%:*}")
      while read -r _ ff; do
        grep -qE '^[0-9]+ [A-Z_0-9]+$' "$dir/$ff" 2>/dev/null || missing="$missing ${pair%%:*}:filter $ff"
      done < <(grep -E '^\^' "$dir/${pair%%:*}")
    done
    # Every opcode the RTL's header defines (`define EINSIM_OP_<SPACE>_<NAME> <VALUE>) is
    # in the filter of its space (filter-<space>.txt) as "<VALUE> <NAME>".
    nops=0
    while read -r _ macro value; do
      sp=${macro#EINSIM_OP_}; op=${sp#*_}; sp=${sp%%_*}
      nops=$((nops + 1))
      grep -qxF "$value $op" "$dir/filter-${sp,,}.txt" 2>/dev/null || missing="$missing filter-${sp,,}.txt:$value $op"
    done < <(grep -E '^`define EINSIM_OP_[A-Z0-9]+_[A-Z_0-9]+ [0-9]+$' "build/cosim/$arch/einsim_params.vh")
    [ "$nops" -gt 0 ] || missing="$missing (no opcode in build/cosim/$arch/einsim_params.vh)"
    read -r ts_r busy_r fall_r < <(awk -v sig="einsim_top.$top.busy_o" -f tests/cosim/vcd-first.awk "$tmp/rtl.vcd")
    read -r ts_m busy_m _ < <(awk -v sig=model.array2d_busy -f tests/cosim/vcd-first.awk "$tmp/model2.vcd")
    read -r _ run_m _ < <(awk -v sig=model.run -f tests/cosim/vcd-first.awk "$tmp/model2.vcd")
    view=""
    for g in rtl.gtkw model.gtkw; do
      mark=$(sed -nE 's/^\*[-0-9.]+ ([0-9]+).*/\1/p' "$dir/$g")
      from=$(sed -nE 's/^\[timestart\] ([0-9]+)/\1/p' "$dir/$g")
      if [ "$ts_r $ts_m" != "1ns 1ns" ] || [ -z "$mark" ] || [ -z "$from" ] || [ "$busy_r" = - ] || [ "$fall_r" = - ] \
         || [ $((busy_r + 1)) != "$mark" ] || [ "$run_m" != "$mark" ] || [ "$busy_m" = - ] || [ "$busy_m" -lt "$mark" ] \
         || [ "$from" -ge "$busy_r" ]; then
        view="$view $g (timescales $ts_r / $ts_m, busy_o from $busy_r to $fall_r, model run from $run_m, busy at $busy_m, marker $mark, start $from)"
      fi
    done
    if [ -n "$missing" ]; then bad "waves $dir: signals or filters in the save files but not in the traces:$missing"
    elif [ -n "$view" ]; then bad "waves $dir: view does not open on the run:$view"
    else ok; echo "waves  $dir: rtl.fst, model.vcd (1ns), rtl.gtkw, model.gtkw open at $mark ns, busy_o from $busy_r to $fall_r ns, filters name all $nops opcodes (view: gtkwave $dir/rtl.gtkw)"; fi
  else bad "waves $dir: fst2vcd / vcd2fst could not read the files"; fi
  echo "$pass passed, $fail failed"
  [ "$fail" = 0 ]; exit
fi

for f in tests/cosim/*.case; do
  if grep -q '^# large: 1' "$f" && [ "${COSIM_LARGE:-0}" != 1 ]; then continue; fi
  run_case "$f"
done
# Waves of a small GEMM and a small attention case, checked with GTKWave's converters.
for f in $WAVES_DEFAULT; do
  if bash "$0" --waves "$EINSIM" "$f" >"$tmp/waves" 2>&1; then ok; grep '^waves' "$tmp/waves"
  else bad "cosim waves $f"; sed 's/^/    /' "$tmp/waves" | tail -10; fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
