#!/usr/bin/env bash
# paper.sh — regenerates the FuseMax-style results (make paper): CSV + plots + HTML.
#
#   scripts/paper.sh EINSIM OUTDIR
#
# (a) OUTDIR/comparison: 4 models (BERT, TrXL, T5, XLM) x 6 sequence lengths (1K..1M) x
#     the five configurations (unfused, FLAT, FuseMax, +cascade, +architecture), with
#     speedup and energy ratio against unfused, utilisation, DRAM traffic and geometric
#     means: einsim compare, then einsim report.
# (b) OUTDIR/array-size: FuseMax with an N x N 2D array and an N-PE 1D array
#     (N = 16..512, M0 = N), the four models at 256K tokens, analytic level: latency and
#     area. Uses `einsim sweep workloads/sweeps/array-size.cfg` when the sweep command
#     and that file exist; otherwise one `einsim run` per point (run_array_points below)
#     and a sweep-style CSV (point, axis columns, then the run CSV's columns).
set -euo pipefail
EINSIM=${1:?usage: paper.sh EINSIM OUTDIR}
OUT=${2:?usage: paper.sh EINSIM OUTDIR}
MODELS=(bert trxl t5 xlm)
SEQS=1024,4096,16384,65536,262144,1048576
SIZES=(16 32 64 128 256 512)

wl_list=$(printf 'workloads/%s.cfg,' "${MODELS[@]}"); wl_list=${wl_list%,}

# ---- (a) comparison --------------------------------------------------------------------
rm -rf "$OUT/comparison"
mkdir -p "$OUT/comparison"
"$EINSIM" compare \
  -p models/flat.cfg:mappings/unfused.cfg -p models/flat.cfg:mappings/flat.cfg \
  -p models/fusemax.cfg:mappings/fusemax.cfg -p models/flat.cfg:mappings/plus-cascade.cfg \
  -p models/fusemax.cfg:mappings/plus-arch.cfg \
  -w "$wl_list" --seq "$SEQS" -o "$OUT/comparison" >"$OUT/comparison/compare.txt"
"$EINSIM" report "$OUT/comparison" -o "$OUT/comparison/report" \
  --title "FuseMax-style comparison: 4 models x 6 sequence lengths x 5 configurations" >/dev/null

# ---- (b) array-size sweep ----------------------------------------------------------------
# Fallback while `einsim sweep` is not available: one run per point into points/ID/ and a
# sweep-style CSV, which `einsim report` reads like a sweep directory.
run_array_points() {
  local dir=$1 id=0 hdr=""
  mkdir -p "$dir/points"
  local csv="$dir/sweep.csv.tmp"
  : >"$csv"
  for n in "${SIZES[@]}"; do
    for m in "${MODELS[@]}"; do
      id=$((id + 1))
      local pid; pid=$(printf '%04d' "$id")
      local rc=0
      "$EINSIM" run -a models/fusemax.cfg -w "workloads/$m.cfg" -m mappings/fusemax.cfg \
        --level analytic --set workload.seq=262144 --set "arch.array2d.rows=$n" \
        --set "arch.array2d.cols=$n" --set "arch.array1d.cols=$n" \
        --set "mapping.partitions.M0=$n" -o "$dir/points/$pid" >/dev/null || rc=$?
      [ "$rc" = 0 ] || [ "$rc" = 4 ] || { echo "paper.sh: point $pid failed (exit $rc)" >&2; exit 1; }
      if [ -z "$hdr" ]; then
        hdr=$(head -1 "$dir/points/$pid/stats.csv")
        echo "point,arch.array2d.rows,arch.array2d.cols,arch.array1d.cols,mapping.partitions.M0,workload.seq,$hdr" >"$csv"
      fi
      echo "$pid,$n,$n,$n,$n,262144,$(sed -n 2p "$dir/points/$pid/stats.csv")" >>"$csv"
    done
  done
  mv "$csv" "$dir/sweep.csv"
}

rm -rf "$OUT/array-size"
if [ -f workloads/sweeps/array-size.cfg ] && "$EINSIM" sweep --help >/dev/null 2>&1; then
  "$EINSIM" sweep workloads/sweeps/array-size.cfg -o "$OUT/array-size" >/dev/null
else
  run_array_points "$OUT/array-size"
fi
"$EINSIM" report "$OUT/array-size" -o "$OUT/array-size/report" \
  --title "FuseMax array-size sweep: 16x16 to 512x512 at 256K tokens" >/dev/null

# ---- summary -------------------------------------------------------------------------------
echo "(a) $(($(wc -l <"$OUT/comparison/compare.csv") - 1)) points: $OUT/comparison/compare.csv"
echo "    $OUT/comparison/report/report.html"
echo "(b) $(($(wc -l <"$OUT/array-size/sweep.csv") - 1)) points: $OUT/array-size/sweep.csv"
echo "    $OUT/array-size/report/report.html"
