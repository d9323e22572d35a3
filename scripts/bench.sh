#!/usr/bin/env bash
# bench.sh — einsim's speed figures (run by `make bench`). Wall times vary up to 2x between
# runs on shared machines: each figure is the median of 5 runs; memory is the peak RSS.
#   (a) 4 models x 6 sequence lengths x {unfused, FLAT, FuseMax} at both levels, in one
#       `einsim compare` process (72 points x 2 levels = 144 evaluations)
#   (b) the slowest single runs at both levels: BERT and XLM at 1M tokens on FuseMax, and
#       +architecture (every step exposed) on XLM at 1M tokens
#   (c) einsim sweep of workloads/sweeps/array-size.cfg (see the end of this file)
#   (c') make paper (scripts/paper.sh: 144 attention points, 48 linear-layer points, the
#       array-size sweep, three reports with their plots, headline.csv and e2e.csv)
#   (d) einsim search: evaluated mappings per second per core on the FuseMax template
#   (e) RTL simulation speed (Verilator) against the C model on the same GEMM and
#       attention cases, at 8x8 and 16x16 (and 32x32 with BENCH_RTL_LARGE=1: its clean
#       build takes several minutes), on rtl/einsim_top.v and on the GEMM-only core
#       rtl/gemm/; the Verilator build time of each core and size (a clean build)
#   (f) the SystemC virtual platform (einsim-vp) on the same cases, LT and AT, next to (e)
set -euo pipefail
EINSIM=${1:-build/bin/einsim}
SEQ=1024,4096,16384,65536,262144,1048576
median() { sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
measure() { # measure LABEL CMD... -> prints median wall seconds and max peak RSS
  local label=$1; shift
  local walls=() rss=0
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f '%e %M' -o /tmp/einsim-bench.$$ "$@" >/dev/null
    read -r w m < /tmp/einsim-bench.$$
    walls+=("$w"); [ "$m" -gt "$rss" ] && rss=$m
  done
  rm -f /tmp/einsim-bench.$$
  local med; med=$(printf '%s\n' "${walls[@]}" | median)
  # /usr/bin/time counts in 10 ms steps: 0.00 means under 10 ms.
  [ "$med" = "0.00" ] && med="<0.01"
  printf '%-66s wall %6s s (median of 5)   peak RSS %6.1f MB\n' "$label" "$med" \
    "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
}
measure "(a) 144 evaluations (4 models x 6 lengths x 3 mappings x 2 levels)" \
  "$EINSIM" compare -p models/flat.cfg:mappings/unfused.cfg -p models/flat.cfg:mappings/flat.cfg \
  -p models/fusemax.cfg:mappings/fusemax.cfg \
  -w workloads/bert.cfg,workloads/trxl.cfg,workloads/t5.cfg,workloads/xlm.cfg --seq $SEQ
for w in bert xlm; do
  measure "(b) $w, 1M tokens, FuseMax, both levels" \
    "$EINSIM" run -a models/fusemax.cfg -w workloads/$w.cfg -m mappings/fusemax.cfg \
    --set workload.seq=1048576 --level both
done
measure "(b) xlm, 1M tokens, +architecture, both levels" \
  "$EINSIM" run -a models/fusemax.cfg -w workloads/xlm.cfg -m mappings/plus-arch.cfg \
  --set workload.seq=1048576 --level both
# (c) the shipped array-size sweep (24 points, analytic level) from an empty directory,
#     with the default -j (one forked worker per core): loading and checking every point,
#     evaluating, writing 24 point directories and sweep.csv
BENCH_SWEEP_DIR=build/bench/sweep-array-size
measure "(c) sweep array-size.cfg: 24 points into an empty directory" \
  bash -c "rm -rf $BENCH_SWEEP_DIR && '$EINSIM' sweep workloads/sweeps/array-size.cfg -o $BENCH_SWEEP_DIR 2>/dev/null"
measure "(c') make paper: attention, linear layers, sweep, reports, headline" \
  bash scripts/paper.sh "$EINSIM" build/bench/paper
# (d) the mapper: evaluated mappings per second per core on the FuseMax template (P1 tile,
#     binding and stage order free), 1,000,000 evaluations, one thread; the median of 5.
for seq in 1024 65536; do
  rates=()
  for _ in 1 2 3 4 5; do
    rates+=("$("$EINSIM" search -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax-template.cfg \
      --set workload.seq=$seq --max-evals 1000000 -j 1 | sed -nE 's/^speed: .* = ([0-9]+) per core.*/\1/p')")
  done
  printf '%-66s %12s evaluated mappings/s/core (median of 5)\n' "(d) mapper, bert $seq tokens, fusemax-template, -j 1" \
    "$(printf '%s\n' "${rates[@]}" | median)"
done
# (e) RTL simulation speed against the C model on the same case, medians of 5 runs, at
#     8x8 and 16x16, and 32x32 with BENCH_RTL_LARGE=1 (models/fusemax-NxN.cfg, and
#     models/gemmcore-NxN.cfg for the GEMM-only core rtl/gemm/, which has no 32x32 model):
#     - GEMM: output-stationary K=160 M=N=96 (144 tiles, 23k cycles at 8x8; about the
#       largest that fits the models' 32K-word buffer), and the same weight-stationary;
#     - attention: FuseMax 1-pass on the NxN array + N-PE 1D array, seq 256, E = F = 32,
#       M0 = N.
#     "C timing model" is the tile-level timing rules plus the engine's cycle level,
#     "C functional model" the fixed-point values; cycles/s counts the run's cycles.
# rtl_build ARCH [LIST]: a clean Verilator build of the core (rtl/einsim_top.v, or the
# source list LIST) for models/ARCH.cfg, timed (the shared runtime objects are built
# once before and not counted); prints the build time and leaves the library cached.
rtl_build() {
  local arch=$1 list=${2:-} dir sel=() t0 t1
  dir=build/cosim/$arch/normal
  if [ -n "$list" ]; then
    sel=(RTL_LIST="$list")
    dir=build/cosim/$arch/$(sed -nE 's/^--top-module[[:space:]]+([A-Za-z_0-9]+).*/\1/p' "$list")/normal
  fi
  make -s build/cosim/runtime/verilated.o "build/cosim/$arch/einsim_params.vh" >/dev/null 2>&1 || true
  rm -rf "$dir"
  t0=$(date +%s.%N)
  if make -s cosim-lib ARCH="$arch" "${sel[@]}" >/dev/null 2>&1; then
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v l="$arch${list:+ ($list)}" \
      'BEGIN{printf "(e) Verilator build, %s: %.0f s (clean build, -j 2)\n", l, b - a}'
  else echo "(e) Verilator build, $arch${list:+ ($list)}: failed"; fi
}
rtl_speed() { # rtl_speed LABEL ARCH [--rtl LIST] EINSIM-COSIM-ARGS...
  local label=$1 arch=$2 sel=() dir; shift 2
  dir=build/cosim/$arch/normal
  if [ "${1:-}" = --rtl ]; then
    sel=(--rtl "$2")
    dir=build/cosim/$arch/$(sed -nE 's/^--top-module[[:space:]]+([A-Za-z_0-9]+).*/\1/p' "$2")/normal
    shift 2
  fi
  if ! [ -f "$dir/libeinsim_cosim.so" ]; then
    echo "(e) $label: skipped (no $dir/libeinsim_cosim.so)"; return
  fi
  local tmpc; tmpc=$(mktemp)
  for _ in 1 2 3 4 5; do
    "$EINSIM" cosim -a "models/$arch.cfg" "$@" "${sel[@]}" --timing \
      | sed -nE 's/.*RTL ([0-9]+) cycles in [0-9.]+ s = ([0-9]+) cycles\/s; C timing model .* s = ([0-9]+) cycles\/s; C functional model .* s = ([0-9]+) cycles\/s/\1 \2 \3 \4/p'
  done > "$tmpc"
  local cyc rtl cm fm
  cyc=$(awk 'NR==1{print $1}' "$tmpc")
  rtl=$(awk '{print $2}' "$tmpc" | median)
  cm=$(awk '{print $3}' "$tmpc" | median)
  fm=$(awk '{print $4}' "$tmpc" | median)
  rm -f "$tmpc"
  last_rtl=$rtl
  awk -v l="$label" -v n="$cyc" -v r="$rtl" -v c="$cm" -v f="$fm" 'BEGIN{printf "(e) %s (%d cycles), medians of 5: RTL (Verilator) %.3g cycles/s; C timing model %.3g cycles/s = %.0fx the RTL; C functional model (fixed-point values) %.3g cycles/s = %.1fx\n", l, n, r, c, c / r, f, f / r}'
}
# (f) the virtual platform on the case (e) just measured: one job on an ideal memory
#     (einsim-vp --ideal-only 1 --timing 1: simulated accelerator cycles over the wall time
#     of the simulation, which includes the device's values from the fixed-point
#     interpreter, every DMA transfer and the host's driver), medians of 5, LT and AT.
VP=${VP:-$(dirname "$EINSIM")/einsim-vp}
vp_speed() { # vp_speed LABEL ARCH EINSIM-RUN-ARGS... (after rtl_speed set last_rtl)
  local label=$1 arch=$2; shift 2
  if ! [ -x "$VP" ]; then echo "(f) $label: skipped (no $VP; make vp)"; return; fi
  local m rates
  for m in lt at; do
    rates=$(for _ in 1 2 3 4 5; do
      SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$VP" -a "models/$arch.cfg" "$@" --mode $m --ideal-only 1 --timing 1 \
        | sed -nE 's/^  timing +: .* = ([0-9]+) cycles\/s$/\1/p'
    done | median)
    awk -v l="$label" -v m="$m" -v v="$rates" -v r="${last_rtl:-0}" 'BEGIN{printf "(f) %s, virtual platform %s (C core), median of 5: %.3g simulated accelerator cycles/s = %.1fx the RTL (%.3g cycles/s)\n", l, toupper(m), v, (r > 0 ? v / r : 0), r}'
  done
}
GEMM_CASE=(-w workloads/gemm.cfg -m mappings/gemm-os.cfg --set workload.ranks.K=160 --set workload.ranks.M=96
           --set workload.ranks.N=96)
ATTN_CASE=(-w workloads/bert.cfg -m mappings/fusemax.cfg --set workload.seq=256 --set workload.ranks.E=32
           --set workload.ranks.F=32 --set workload.batch=1 --set workload.heads=1)
RTL_SIZES="8 16"
[ "${BENCH_RTL_LARGE:-0}" = 1 ] && RTL_SIZES="8 16 32"
for n in $RTL_SIZES; do
  rtl_build fusemax-${n}x$n
  [ -f models/gemmcore-${n}x$n.cfg ] && rtl_build gemmcore-${n}x$n rtl/gemm/sources.f
  rtl_speed "${n}x$n OS GEMM K=160 M=N=96" fusemax-${n}x$n "${GEMM_CASE[@]}"
  [ "$n" = 8 ] && vp_speed "8x8 OS GEMM K=160 M=N=96" fusemax-8x8 "${GEMM_CASE[@]}"
  rtl_speed "${n}x$n WS GEMM K=160 M=N=96" fusemax-${n}x$n "${GEMM_CASE[@]}" -m mappings/gemm-ws.cfg
  [ -f models/gemmcore-${n}x$n.cfg ] && rtl_speed "${n}x$n OS GEMM K=160 M=N=96, GEMM-only core rtl/gemm/" \
    gemmcore-${n}x$n --rtl rtl/gemm/sources.f "${GEMM_CASE[@]}"
  rtl_speed "${n}x$n FuseMax attention seq 256 E=F=32" fusemax-${n}x$n "${ATTN_CASE[@]}" \
    --set mapping.partitions.M0=$n
  if [ "$n" = 8 ]; then
    vp_speed "8x8 FuseMax attention seq 256 E=F=32" fusemax-8x8 "${ATTN_CASE[@]}" --set mapping.partitions.M0=8
  fi
done
