#!/usr/bin/env bash
# run.sh — the N:M sparse array co-simulation cases. Usage: tests/cosim/nm/run.sh EINSIM
#
# Each tests/cosim/nm/NAME.case names the architecture (models/ARCH.cfg), the bridge
# variant (build/cosim/nm/ARCH/VARIANT/libeinsim_cosim.so, built by make cosim-nm-lib),
# the expected exit code, the extra cosim-nm arguments and the texts the output must
# contain. Ends with "N passed, N failed"; exits non-zero when anything failed.
set -u
EINSIM=${1:?usage: run.sh EINSIM}
dir=$(dirname "$0")
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
field() { sed -nE "s/^$1: (.*)/\1/p" "$2" | head -1; }
for c in "$dir"/*.case; do
  name=$(basename "$c" .case)
  arch=$(field arch "$c"); variant=$(field variant "$c"); want=$(field exit "$c"); args=$(field args "$c")
  lib=build/cosim/nm/$arch/$variant/libeinsim_cosim.so
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  if "$EINSIM" cosim-nm -a "models/$arch.cfg" --lib "$lib" $args >"$tmp/out" 2>&1; then rc=0; else rc=$?; fi
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  why=""
  [ "$rc" = "$want" ] || why="exit $rc, want $want"
  while IFS= read -r e; do
    grep -qF -- "$e" "$tmp/out" || why="$why; output lacks: $e"
  done < <(sed -nE 's/^expect: (.*)/\1/p' "$c")
  ! grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$tmp/out" || why="$why; sanitizer report"
  if [ -z "$why" ]; then
    pass=$((pass + 1)); echo "cosim-nm $name: ok (exit $rc, ${ms} ms)"
  else
    fail=$((fail + 1)); echo "FAIL: cosim-nm $name: $why"; sed 's/^/    /' "$tmp/out" | head -20
  fi
done
# Determinism: the same case twice gives the same report.
lib=build/cosim/nm/sat-4pe/normal/libeinsim_cosim.so
"$EINSIM" cosim-nm -a models/sat-4pe.cfg --lib "$lib" --nm 2:8 --seed 11 >"$tmp/d1" 2>&1
"$EINSIM" cosim-nm -a models/sat-4pe.cfg --lib "$lib" --nm 2:8 --seed 11 >"$tmp/d2" 2>&1
if [ -s "$tmp/d1" ] && cmp -s "$tmp/d1" "$tmp/d2"; then pass=$((pass + 1)); echo "cosim-nm determinism: ok"
else fail=$((fail + 1)); echo "FAIL: cosim-nm determinism"; fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
