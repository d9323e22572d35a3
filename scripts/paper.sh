#!/usr/bin/env bash
# paper.sh — regenerates the FuseMax-style results (make paper): CSV + plots + HTML.
#
#   scripts/paper.sh EINSIM OUTDIR
#
# (a) OUTDIR/comparison: 4 models (BERT, TrXL, T5, XLM) x 6 sequence lengths (1K..1M) x
#     six configurations (unfused, FLAT fused and overlapped, FuseMax, +cascade, +architecture), with
#     speedup and energy ratio against unfused, utilisation, DRAM traffic and geometric
#     means: einsim compare, then einsim report.
# (b) OUTDIR/array-size: FuseMax with an N x N 2D array and an N-PE 1D array
#     (N = 16..512, M0 = N), the four models at 256K tokens, analytic level: latency and
#     area: `einsim sweep workloads/sweeps/array-size.cfg`, then einsim report.
# (c) end to end: the linear layers of the same encoder layers (Q, K, V and Z
#     projections, FFN1, FFN2) on FuseMax's and FLAT's architectures with the mappings
#     einsim's mapper chose for them (mappings/linear-ARCH-MODEL.cfg, reproduced by
#     scripts/linear-mappings.sh), added to (a)'s attention: OUTDIR/e2e.csv, the paper's
#     headline ratios OUTDIR/headline.csv (scripts/headline.py), the end-to-end plots
#     (OUTDIR/e2e/report) and OUTDIR/index.html (the headline table first).
set -euo pipefail
EINSIM=${1:?usage: paper.sh EINSIM OUTDIR}
OUT=${2:?usage: paper.sh EINSIM OUTDIR}
MODELS=(bert trxl t5 xlm)
SEQS=1024,4096,16384,65536,262144,1048576

wl_list=$(printf 'workloads/%s.cfg,' "${MODELS[@]}"); wl_list=${wl_list%,}

# ---- (a) comparison --------------------------------------------------------------------
rm -rf "$OUT/comparison"
mkdir -p "$OUT/comparison"
"$EINSIM" compare \
  -p models/flat.cfg:mappings/unfused.cfg -p models/flat.cfg:mappings/flat.cfg \
  -p models/fusemax.cfg:mappings/fusemax.cfg -p models/flat.cfg:mappings/plus-cascade.cfg \
  -p models/fusemax.cfg:mappings/plus-arch.cfg -p models/flat.cfg:mappings/flat-overlap.cfg \
  -w "$wl_list" --seq "$SEQS" -o "$OUT/comparison" >"$OUT/comparison/compare.txt"
"$EINSIM" report "$OUT/comparison" -o "$OUT/comparison/report" \
  --title "FuseMax-style comparison: 4 models x 6 sequence lengths x 6 configurations" >/dev/null

# ---- (b) array-size sweep (the shipped sweep file, analytic level) -------------------------
rm -rf "$OUT/array-size"
"$EINSIM" sweep workloads/sweeps/array-size.cfg -o "$OUT/array-size" 2>/dev/null
"$EINSIM" report "$OUT/array-size" -o "$OUT/array-size/report" \
  --title "FuseMax array-size sweep: 16x16 to 512x512 at 256K tokens" >/dev/null

# ---- (c) linear layers, end to end, headline -----------------------------------------------
lin_csvs=()
for m in "${MODELS[@]}"; do
  rm -rf "$OUT/linear/$m"
  mkdir -p "$OUT/linear/$m"
  "$EINSIM" compare -p "models/fusemax.cfg:mappings/linear-fusemax-$m.cfg" \
    -p "models/flat.cfg:mappings/linear-flat-$m.cfg" -w "workloads/$m-linear.cfg" \
    --seq "$SEQS" -o "$OUT/linear/$m" >"$OUT/linear/$m/compare.txt"
  lin_csvs+=("$OUT/linear/$m/compare.csv")
done
rm -rf "$OUT/e2e"
python3 scripts/headline.py "$OUT" "$OUT/comparison/compare.csv" "${lin_csvs[@]}" \
  >"$OUT/headline.txt"
"$EINSIM" report "$OUT/e2e" -o "$OUT/e2e/report" --baseline unfused \
  --title "FuseMax-style end to end (attention + linear layers): 4 models x 6 lengths" >/dev/null
python3 scripts/headline.py --html "$OUT"

# ---- summary -------------------------------------------------------------------------------
echo "(a) $(($(wc -l <"$OUT/comparison/compare.csv") - 1)) points: $OUT/comparison/compare.csv"
echo "    $OUT/comparison/report/report.html"
echo "(b) $(($(wc -l <"$OUT/array-size/sweep.csv") - 1)) points: $OUT/array-size/sweep.csv"
echo "    $OUT/array-size/report/report.html"
echo "(c) $(($(wc -l <"$OUT/e2e.csv") - 1)) end-to-end points: $OUT/e2e.csv"
echo "    $OUT/e2e/report/report.html"
echo "headline (arithmetic means over the 4 models x 6 lengths): $OUT/headline.csv"
cat "$OUT/headline.txt"
echo "    $OUT/index.html"
