#!/usr/bin/env bash
# attn-grid.sh — FuseMax attention on the RTL over the grid {fusemax-4x4, -8x8, -16x16} x
# (seq in {64, 128, 256} x E = F in {8, 16, 32}, and seq 64 with (E, F) in {(8, 4),
# (16, 8), (4, 16)}); with GRID_SIZES="4 8 16 32", fusemax-32x32 at seq 64 (the same six
# (E, F)) and seq 128, E = F = 32. For every point that fits the RTL's buffers and queues,
# `einsim cosim` (bit-exact values, per-tile cycles, and the whole run within 1 % of the
# engine's cycle level, or exit 3). Prints a Markdown table; exit 1 if a point that fits
# fails. With GRID_CASCADE=causal, the same grid runs causal attention
# (workloads/cascades/attention-causal.cfg) and adds ragged points (seq 64 - N/2 and
# 128 - N/2 on the NxN array, E = F = 16: the last query block and key chunk padded).
# Usage: scripts/attn-grid.sh [EINSIM] (default build/bin/einsim). Builds the
# bridge libraries with make cosim-lib (cached; 16x16 takes about two minutes, 32x32
# about fifteen). GRID_MAPPING=FILE runs another mapping (default mappings/fusemax.cfg;
# mappings/fusemax-rtl.cfg adds the RTL's register-reuse rules, so that the points
# with two query blocks per chunk run too).
set -u
EINSIM=${1:-build/bin/einsim}
causal=()
case "${GRID_CASCADE:-dense}" in
  dense) ;;
  causal) causal=(--set mapping.cascade=workloads/cascades/attention-causal.cfg --set mapping.ragged=true) ;;
  *) echo "attn-grid.sh: GRID_CASCADE must be dense or causal" >&2; exit 1 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
echo "| arch | seq | E | F | RTL cycles | C cycle level | RTL vs C | max cycle error | result |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in ${GRID_SIZES:-4 8 16}; do
  arch=fusemax-${n}x${n}
  make -s --no-print-directory cosim-lib ARCH="$arch" >"$tmp/build" 2>&1 || { cat "$tmp/build"; exit 2; }
  if [ "$n" = 32 ]; then
    points="64:8:8 64:16:16 64:32:32 64:8:4 64:16:8 64:4:16 128:32:32"
  else
    points="64:8:4 64:16:8 64:4:16"
    for seq in 64 128 256; do for e in 8 16 32; do points="$points $seq:$e:$e"; done; done
  fi
  [ ${#causal[@]} = 0 ] || points="$points $((64 - n / 2)):16:16 $((128 - n / 2)):16:16"
  for pt in $points; do
    IFS=: read -r seq e f <<<"$pt"
    "$EINSIM" cosim -a "models/$arch.cfg" -w workloads/bert.cfg -m "${GRID_MAPPING:-mappings/fusemax.cfg}" \
      --set workload.seq=$seq --set workload.ranks.E=$e --set workload.ranks.F=$f \
      --set workload.batch=1 --set workload.heads=1 --set mapping.partitions.M0=$n \
      "${causal[@]}" --seed 7 >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc = 1 ]; then
      why=$(sed -nE 's/.*error: cosim: (.*)/\1/p' "$tmp/err" | head -1)
      echo "| $n×$n | $seq | $e | $f | | | | | does not fit: ${why:-see stderr} |"
      continue
    fi
    rtl=$(sed -nE 's/^  cycles *: RTL ([0-9]+).*/\1/p' "$tmp/out")
    cl=$(sed -nE 's/^  C cycle level *: ([0-9]+) cycles.*/\1/p' "$tmp/out")
    pct=$(sed -nE 's/^  C cycle level .*RTL ([-+0-9.]+ %).*/\1/p' "$tmp/out")
    err=$(sed -nE 's/^  max cycle error: ([0-9]+).*/\1/p' "$tmp/out")
    res=PASS; [ $rc = 0 ] || { res="FAIL (exit $rc)"; fail=1; }
    echo "| $n×$n | $seq | $e | $f | $rtl | $cl | $pct | $err | $res |"
  done
done
exit $fail
