#!/usr/bin/env bash
# run-tests.sh — einsim's test suite. Usage: tests/run-tests.sh [--update-golden] BUILD_DIR
#
#   unit     every BUILD_DIR/tests/test_* binary; its "N passed, N failed" line is added in
#   layers   tests/layers/check.py: the import graph of sim/ (no cycle, no upward arrow)
#   links    tests/links/check.py: every relative link of README.md and the topic READMEs
#            points to an existing file and heading; README.md links every topic file
#   guide    tests/guide/run.sh: the README's first experiment, files and commands as written
#   paper    tests/paper/run.sh: make paper's headline (each row within 5 % of FuseMax's),
#            end-to-end table and page; the shipped linear mappings are the mapper's choice
#   bad      every tests/bad/*.cfg and every input tests/bad/generate.py writes: runs
#            `einsim check FILE` (or the command in its "# args:" line, FILE standing for
#            the file) within 60 s and expects exit code 1 (or "# exit: N"), each
#            "# expect:" text on stderr, and no sanitizer report
#   golden   every tests/golden/NAME.cmd: runs the einsim arguments it holds and diffs
#            stdout with NAME.out byte for byte (--update-golden rewrites NAME.out)
#   cli      command-line contract checks (help, exit codes, determinism)
#   sweep    tests/sweep/run.sh (einsim sweep: resume after kill, GNU parallel, merge)
#   import   tests/import/check_*.py: einsim import against SCALE-Sim's and Timeloop's outputs
#   fuzz     tests/fuzz/run.sh: each libFuzzer harness for EINSIM_FUZZ_SMOKE_S seconds
#            (default 10; skipped with EINSIM_SKIP_FUZZ=1)
#   cosim    tests/cosim/run-cosim.sh: RTL vs C model cases (skipped with EINSIM_SKIP_COSIM=1)
#   systemc  tests/systemc/test_vp_sc: the virtual platform (RTL core with the cosim bridges)
# Ends with "N passed, N failed" and exits non-zero when anything failed.
set -u
update=0
if [ "${1:-}" = "--update-golden" ]; then update=1; shift; export EINSIM_UPDATE_GOLDEN=1; fi
B=${1:?usage: run-tests.sh [--update-golden] BUILD_DIR}
EINSIM=$B/bin/einsim
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# counts LABEL OUT: add the last "N passed, N failed" line of OUT (a checker's own
# summary) to the totals, show its FAIL lines and print it under LABEL.
counts() {
  local line p f
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$2" | tail -1)
  if [ -z "$line" ]; then bad "$1: no summary line"; sed 's/^/    /' "$2" | tail -10; return; fi
  p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed}
  pass=$((pass + p)); fail=$((fail + f))
  grep -E '^FAIL|^    ' "$2"
  echo "$1: $p passed, $f failed"
}
sanitizer_clean() { ! grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$1"; }

# ---- unit -------------------------------------------------------------------------------
for t in "$B"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  if "$t" >"$tmp/out" 2>&1; then rc=0; else rc=$?; fi
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$tmp/out" | tail -1)
  p=$(echo "$line" | sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1/p')
  f=$(echo "$line" | sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\2/p')
  if [ -z "$p" ] || [ "$rc" != 0 ] || ! sanitizer_clean "$tmp/out"; then
    bad "unit $name (exit $rc)"; sed 's/^/    /' "$tmp/out" | tail -30
    pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
  else
    pass=$((pass + p)); fail=$((fail + f))
    echo "unit   $name: $p passed, $f failed"
  fi
done

# ---- import graph (tests/layers/check.py prints its own counts) -------------------------
python3 tests/layers/check.py . >"$tmp/layers" 2>&1
counts "layers tests/layers/check.py" "$tmp/layers"

# ---- Markdown links (tests/links/check.py prints its own counts) ------------------------
python3 tests/links/check.py . >"$tmp/links" 2>&1
counts "links  tests/links/check.py" "$tmp/links"

# ---- bad-input corpus ---------------------------------------------------------------------
# tests/bad/*.cfg, and the inputs past each limit that tests/bad/generate.py writes (too
# large to keep in the repository). Each runs under a 60 s timeout (a hang fails).
python3 tests/bad/generate.py "$tmp/gen" || bad "tests/bad/generate.py"
nbad=0
for f in tests/bad/*.cfg "$tmp"/gen/*.cfg; do
  [ -f "$f" ] || continue
  nbad=$((nbad + 1))
  args=$(sed -nE 's/^# args: (.*)/\1/p' "$f" | head -1)
  [ -n "$args" ] || args="check FILE"
  args=${args//FILE/$f}
  want_rc=$(sed -nE 's/^# exit: ([0-9]+)/\1/p' "$f" | head -1)
  want_rc=${want_rc:-1}
  # shellcheck disable=SC2086
  if timeout 60 "$EINSIM" $args >"$tmp/out" 2>"$tmp/err"; then rc=0; else rc=$?; fi
  why=""
  [ "$rc" = "$want_rc" ] || why="exit $rc, want $want_rc"
  while IFS= read -r exp; do
    grep -qF -- "$exp" "$tmp/err" || why="$why; stderr lacks: $exp"
  done < <(sed -nE 's/^# expect: (.*)/\1/p' "$f")
  grep -q '^# expect: ' "$f" || why="$why; no '# expect:' line"
  sanitizer_clean "$tmp/err" || why="$why; sanitizer report"
  if [ -z "$why" ]; then ok; else bad "bad-input $f: $why"; sed 's/^/    /' "$tmp/err" | head -8; fi
done
echo "bad    $nbad malformed inputs checked"

# ---- golden outputs -----------------------------------------------------------------------
for cmd in tests/golden/*.cmd; do
  [ -f "$cmd" ] || continue
  want=${cmd%.cmd}.out
  # shellcheck disable=SC2046
  if "$EINSIM" $(cat "$cmd") >"$tmp/out" 2>"$tmp/err"; then rc=0; else rc=$?; fi
  # A run also pins its stats.json (NAME.json).
  if [ "$(head -c 4 "$cmd")" = "run " ]; then
    rm -rf "$tmp/gold"
    # shellcheck disable=SC2046
    "$EINSIM" $(cat "$cmd") -o "$tmp/gold" >/dev/null 2>&1
    if [ "$update" = 1 ]; then cp "$tmp/gold/stats.json" "${cmd%.cmd}.json"
    elif cmp -s "$tmp/gold/stats.json" "${cmd%.cmd}.json"; then ok
    else bad "golden ${cmd%.cmd}.json"; diff "${cmd%.cmd}.json" "$tmp/gold/stats.json" | head -10; fi
  fi
  if [ "$update" = 1 ]; then cp "$tmp/out" "$want"; echo "golden updated $want"; continue; fi
  if [ "$rc" = 0 ] && [ -f "$want" ] && cmp -s "$tmp/out" "$want" && sanitizer_clean "$tmp/err"; then ok
  else bad "golden $cmd (exit $rc)"; diff "$want" "$tmp/out" | head -20; sed 's/^/    /' "$tmp/err" | head -5; fi
done

# ---- command-line contract ------------------------------------------------------------------
expect_rc() { # expect_rc WANT DESCRIPTION ARGS...
  local want=$1 what=$2; shift 2
  if "$EINSIM" "$@" >"$tmp/out" 2>"$tmp/err"; then rc=0; else rc=$?; fi
  if [ "$rc" = "$want" ] && sanitizer_clean "$tmp/err"; then ok; else bad "cli $what: exit $rc, want $want"; fi
}
expect_rc 0 "help" --help
# Conventions: --version, help generated from the command table, make install.
expect_rc 0 "--version" --version
[ "$("$EINSIM" --version)" = "einsim $(sed -nE 's/^#define EINSIM_VERSION "(.*)"/\1/p' sim/util/version.h)" ] \
  && ok || bad "--version prints the version of sim/util/version.h"
expect_rc 1 "help of an unknown command" help frobnicate
# Iso-area: the size area-match prints gives the largest area not above the other's
# (einsim run reports it), one KiB more exceeds it; impossible matches are input errors.
expect_rc 0 "area-match" area-match -a models/fusemax.cfg --like models/flat.cfg
kib=$(sed -nE 's/^match  GlobalBuffer = ([0-9]+) KiB.*/\1/p' "$tmp/out")
area_of() { "$EINSIM" run -a "$1" -w workloads/bert.cfg -m "$2" --level analytic "${@:3}" | sed -nE 's/^  Area *: ([0-9.]+) mm.*/\1/p'; }
flat_a=$(area_of models/flat.cfg mappings/flat.cfg)
fm_a=$(area_of models/fusemax.cfg mappings/fusemax.cfg --set arch.GlobalBuffer.size_kb="$kib")
fm_a1=$(area_of models/fusemax.cfg mappings/fusemax.cfg --set arch.GlobalBuffer.size_kb="$((kib + 1))")
if [ -n "$kib" ] && awk -v a="$fm_a" -v b="$flat_a" -v c="$fm_a1" 'BEGIN{exit !(a <= b && c > b && b - a < 0.02)}'; then ok
else bad "area-match: $kib KiB gives $fm_a mm^2 (+1 KiB $fm_a1) against $flat_a"; fi
expect_rc 1 "area-match, too small to match" area-match -a models/fusemax.cfg --like models/fusemax-4x4.cfg
expect_rc 1 "area-match, DRAM level" area-match -a models/fusemax.cfg --like models/flat.cfg --level DRAM
expect_rc 1 "area-match without --like" area-match -a models/fusemax.cfg
# Every command the help lists answers `einsim help COMMAND` with its own usage.
nh=0; for c in $("$EINSIM" help | sed -nE 's/^  ([a-z][a-z0-9-]*)( .*)?$/\1/p' | grep -vx help); do
  "$EINSIM" help "$c" 2>/dev/null | head -1 | grep -q "^usage: einsim $c " || { nh=1; echo "    help $c"; }
done; [ "$nh" = 0 ] && ok || bad "einsim help COMMAND for every listed command"
# The usage each command prints comes from the table its parser reads: every option the
# help lists is accepted (never "unknown option").
nu=0; for c in $("$EINSIM" help | sed -nE 's/^  ([a-z][a-z0-9-]*)( .*)?$/\1/p' | grep -vx help); do
  for o in $("$EINSIM" help "$c" | sed -nE 's/^  (--?[a-z][a-z0-9-]*).*/\1/p'); do
    "$EINSIM" "$c" "$o" x >/dev/null 2>"$tmp/opt.err" </dev/null
    if grep -q "unknown option" "$tmp/opt.err"; then nu=1; echo "    $c $o"; fi
  done
done; [ "$nu" = 0 ] && ok || bad "an option in a command's help that its parser rejects"
expect_rc 1 "unknown option names itself" run --frobnicate
grep -q "einsim run: error: unknown option '--frobnicate'" "$tmp/err" && ok || bad "unknown option message"
# make install into a prefix; the installed binary runs from another folder and finds the
# shipped models, mappings and workloads under PREFIX/share/einsim.
if make --no-print-directory install PREFIX="$tmp/inst" >"$tmp/inst.log" 2>&1; then
  (cd / && "$tmp/inst/bin/einsim" --version) | grep -q '^einsim ' && ok || bad "installed einsim --version"
  if (cd / && "$tmp/inst/bin/einsim" run -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg \
      --level analytic) >"$tmp/inst.run" 2>&1 && grep -q '^  Cycles  *: 1892352$' "$tmp/inst.run"; then ok
  else bad "installed einsim finds its share files from /"; head -3 "$tmp/inst.run"; fi
  # the virtual platform is installed too and finds the same share files
  if (cd / && SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$tmp/inst/bin/einsim-vp" -a models/fusemax-8x8.cfg \
      -w workloads/gemm.cfg -m mappings/gemm-os.cfg --set workload.ranks.K=64 --set workload.ranks.M=64 \
      --set workload.ranks.N=64 --ideal-only 1) >"$tmp/inst.vp" 2>&1 && grep -q '^PASS$' "$tmp/inst.vp" \
      && [ -x "$tmp/inst/bin/einsim-vp-two" ]; then ok
  else bad "installed einsim-vp runs from /"; tail -3 "$tmp/inst.vp"; fi
  grep -q '^\.SH COMMANDS' "$tmp/inst/share/man/man1/einsim.1" && grep -q '^\.SS search' "$tmp/inst/share/man/man1/einsim.1" \
    && ok || bad "installed man page"
  (source "$tmp/inst/share/bash-completion/completions/einsim"; COMP_WORDS=(einsim report --bas); COMP_CWORD=2; _einsim
   [ "${COMPREPLY[*]}" = "--baseline" ]) && ok || bad "installed bash completion"
else
  bad "make install"; tail -5 "$tmp/inst.log"
fi
expect_rc 0 "help check" help check
expect_rc 0 "check --help" check --help
expect_rc 0 "eval --help" eval --help
# eval: a cascade against another (--ref), tolerances, and the exit code 5 when an output
# exceeds them (tests/bad/eval-wrong-causal.cfg checks the direct reference).
evalargs=(--rank E=4 --rank F=4 --rank M=12 --rank P=12 --rank M0=4)
expect_rc 0 "eval --ref" eval workloads/cascades/attention-causal.cfg --ref workloads/cascades/attention-causal-3pass.cfg "${evalargs[@]}"
expect_rc 5 "eval --ref on a wrong cascade" eval tests/bad/eval-wrong-causal.cfg --ref workloads/cascades/attention-causal-3pass.cfg "${evalargs[@]}"
expect_rc 5 "eval --tol-lsb 0" eval workloads/cascades/attention-causal.cfg --tol-lsb 0 "${evalargs[@]}"
expect_rc 5 "eval --tol 0" eval workloads/cascades/attention-causal.cfg --tol 0 "${evalargs[@]}"
# The decoder layers against their direct references (softmax written out), inputs in
# [-0.25, 0.25) so that the 8-fractional-bit fixed point keeps RMSNorm's range.
layerargs=(--rank D=16 --rank E=8 --rank HQ=4 --rank HKV=2 --rank I=24 --rank M=16 --rank M0=4
           --range -0.25,0.25)
expect_rc 0 "eval --ref, Llama prefill layer" eval workloads/cascades/llama-prefill.cfg \
  --ref workloads/cascades/llama-prefill-ref.cfg "${layerargs[@]}" --rank P=16
expect_rc 0 "eval --ref, Llama decode layer" eval workloads/cascades/llama-decode.cfg \
  --ref workloads/cascades/llama-decode-ref.cfg "${layerargs[@]}" --rank N=3
expect_rc 0 "eval --ref, encoder layer" eval workloads/cascades/encoder-layer.cfg \
  --ref workloads/cascades/encoder-layer-ref.cfg --rank A=3 --rank D=16 --rank E=8 --rank F=24 \
  --rank M=16 --rank P=16 --rank M0=4
expect_rc 0 "eval --tol loose" eval workloads/cascades/linear-attention.cfg --tol 1e-6 --tol-lsb 400 --rank E=8 --rank F=8 --rank P=32
expect_rc 1 "eval --tol negative" eval workloads/cascades/attention-causal.cfg --tol -1 "${evalargs[@]}"
expect_rc 1 "eval --ref missing" eval workloads/cascades/attention-causal.cfg --ref does/not/exist.cfg "${evalargs[@]}"
# Every shipped variant passes eval at its default tolerances.
C=workloads/cascades
for v in "attention-causal M0=4" "attention-causal-3pass" "attention-window M0=4 W=5" \
         "attention-bigbird M0=4 P0=4" "attention-topk M0=4 P0=4 KB=2" \
         "attention-gqa M0=4 H=4 G=2" "attention-mqa M0=4 H=3" "moh-attention M0=4 H=4 D=4 KH=2" \
         "linear-attention"; do
  set -- $v; name=$1; shift; extra=()
  for r in "$@"; do extra+=(--rank "$r"); done
  if [ "$name" = linear-attention ]; then sizes=(--rank E=4 --rank F=4 --rank P=12)
  else sizes=(--rank E=4 --rank F=4 --rank M=12 --rank P=12); fi
  expect_rc 0 "eval $name" eval "$C/$name.cfg" "${sizes[@]}" "${extra[@]}"
done
expect_rc 0 "eval attention-blockmask" eval $C/attention-blockmask.cfg --rank E=4 --rank F=4 \
  --rank M=64 --rank P=64 --rank M0=1 --rank P0=1
# The convolution training step against the direct convolution: 3x3 stride 2 (padding
# 1), 1x1 stride 2 (no padding), 7x7 stride 2 (padding 3), 3x5 stride 1.
for v in "R=3 S=3 P=4 Q=5 IH=8 IW=9 SH=2 SW=2" "R=1 S=1 P=4 Q=5 IH=8 IW=9 SH=2 SW=2" \
         "R=7 S=7 P=4 Q=4 IH=8 IW=8 SH=2 SW=2" "R=3 S=5 P=6 Q=7 IH=6 IW=7 SH=1 SW=1"; do
  extra=(); for r in O=4 C=3 $v; do extra+=(--rank "$r"); done
  expect_rc 0 "eval conv-train $v" eval $C/conv-train.cfg "${extra[@]}"
done
expect_rc 0 "run --help" run --help
expect_rc 0 "compare --help" compare --help
expect_rc 1 "compare without -w" compare -p models/fusemax.cfg:mappings/fusemax.cfg
expect_rc 1 "compare bad --seq" compare -p models/fusemax.cfg:mappings/fusemax.cfg -w workloads/bert.cfg --seq 0
expect_rc 1 "no command"
expect_rc 1 "unknown command" frobnicate
expect_rc 1 "missing file" check does/not/exist.cfg
expect_rc 1 "unknown option" check --bogus models/fusemax.cfg
expect_rc 1 "--set without =" check --set arch.x models/fusemax.cfg
expect_rc 1 "--set of an unloaded group" check --set workload.seq=4 models/fusemax.cfg
expect_rc 0 "shipped inputs" check models/fusemax.cfg models/flat.cfg workloads/bert.cfg \
  workloads/trxl.cfg workloads/t5.cfg workloads/xlm.cfg mappings/fusemax.cfg
for m in fusemax plus-arch; do expect_rc 0 "run $m" run -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/$m.cfg; done
for m in flat unfused plus-cascade; do expect_rc 0 "run $m" run -a models/flat.cfg -w workloads/bert.cfg -m mappings/$m.cfg; done
expect_rc 0 "overrides" check --set arch.array2d.rows=64 --set arch.array1d.cols=64 \
  --set arch.GlobalBuffer.size_kb=512 --set workload.seq=1048576 \
  models/fusemax.cfg workloads/bert.cfg mappings/fusemax.cfg
for c in workloads/cascades/*.cfg; do expect_rc 0 "check $c" check "$c"; done
for w in workloads/*.cfg; do expect_rc 0 "check $w" check "$w"; done
# effective.cfg reproduces the run: checking it alone binds the same sizes.
"$EINSIM" check --set workload.seq=4096 --set mapping.partitions.M0=128 --effective "$tmp/eff.cfg" \
  models/fusemax.cfg workloads/bert.cfg mappings/fusemax.cfg >"$tmp/c1" 2>&1
"$EINSIM" check "$tmp/eff.cfg" >"$tmp/c2" 2>&1
if grep -q '^bound: E=64 F=64 M=4096 P=4096 M1=32 M0=128$' "$tmp/c1" && [ "$(grep '^bound:' "$tmp/c1")" = "$(grep '^bound:' "$tmp/c2")" ]
then ok; else bad "cli effective.cfg round trip"; fi
# Nothing half-written: a failing check leaves no effective file behind.
"$EINSIM" check --set arch.array2d.rows=0 --effective "$tmp/eff2.cfg" models/fusemax.cfg >/dev/null 2>&1
if [ ! -e "$tmp/eff2.cfg" ] && ! ls "$tmp"/eff2.cfg.tmp* >/dev/null 2>&1; then ok; else bad "cli effective written on error"; fi
# run: report files in their own directory, byte-identical across runs; exit 4 when the
# mapping does not fit, with stats.json still written and saying why.
runargs=(run -a models/fusemax.cfg -w workloads/xlm.cfg -m mappings/fusemax.cfg --set workload.seq=16384)
"$EINSIM" "${runargs[@]}" -o "$tmp/r1" >/dev/null 2>&1; "$EINSIM" "${runargs[@]}" -o "$tmp/r2/nested" >/dev/null 2>&1
same=1
for f in stats.txt stats.json stats.csv effective.cfg; do cmp -s "$tmp/r1/$f" "$tmp/r2/nested/$f" && [ -s "$tmp/r1/$f" ] || same=0; done
if [ "$same" = 1 ]; then ok; else bad "run determinism / files"; fi
if grep -q '"analytic": {' "$tmp/r1/stats.json" && grep -q '"energy_breakdown_pj"' "$tmp/r1/stats.json" \
   && grep -q '"macs": { "issued"' "$tmp/r1/stats.json"; then ok; else bad "stats.json keys"; fi
"$EINSIM" check "$tmp/r1/effective.cfg" >/dev/null 2>&1 && ok || bad "run effective.cfg reloads"
expect_rc 4 "infeasible run" run -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg \
  --set arch.GlobalBuffer.size_kb=64 -o "$tmp/inf"
if grep -q '"feasible": false' "$tmp/inf/stats.json" && grep -q 'the tile P = 256 needs' "$tmp/inf/stats.json"
then ok; else bad "infeasible stats.json"; fi
# Overlapped groups share the buffer: their smallest tiles together must fit.
expect_rc 4 "overlapped groups crowd the buffer" run -a models/flat.cfg -w workloads/bert.cfg \
  -m mappings/flat-overlap.cfg --set arch.GlobalBuffer.size_kb=384 --set workload.seq=65536 -o "$tmp/ovc"
if grep -q "mapping.overlap: group qk's smallest tile needs 196608 bytes" "$tmp/ovc/stats.json"
then ok; else bad "overlapped groups: the buffer they share in stats.json"; fi
expect_rc 0 "run --level cycle" run -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg --level cycle
expect_rc 0 "run --level analytic" run -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg --level analytic
expect_rc 1 "run --level bogus" run -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg --level fast
if grep -q '"stall_cycles": { "fill_drain": ' "$tmp/r1/stats.json"; then ok; else bad "stats.json cycle key"; fi
expect_rc 1 "run without -m" run -a models/fusemax.cfg -w workloads/bert.cfg
# Determinism: the same evaluation twice gives identical bytes.
args=(eval workloads/cascades/attention-1pass.cfg -a models/fusemax.cfg --rank E=8 --rank F=8
      --rank M=37 --rank P=9 --rank M0=8 --seed 3)
"$EINSIM" "${args[@]}" >"$tmp/d1" 2>&1; "$EINSIM" "${args[@]}" >"$tmp/d2" 2>&1
if cmp -s "$tmp/d1" "$tmp/d2" && [ -s "$tmp/d1" ]; then ok; else bad "cli determinism"; fi

# ---- output directories and files: -o is a directory (created, locked, COMPLETE last,
# stale temporaries removed); no output replaces a device, FIFO or non-directory; every
# write checked, stdout included.
rargs=(run -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg --level analytic)
expect_rc 1 "run -o ''" "${rargs[@]}" -o ""
grep -q "error: -o: an empty directory name" "$tmp/err" && ok || bad "run -o '' message"
expect_rc 1 "run -o /dev/null" "${rargs[@]}" -o /dev/null
if [ -c /dev/null ] && grep -q "^/dev/null: error: the output directory exists and is not a directory" "$tmp/err"
then ok; else bad "run -o /dev/null left alone"; fi
echo keep >"$tmp/plain"
expect_rc 1 "run -o FILE" "${rargs[@]}" -o "$tmp/plain"
[ "$(cat "$tmp/plain")" = keep ] && ok || bad "run -o FILE replaced the file"
mkfifo "$tmp/fifo"
expect_rc 1 "check --effective FIFO" check --effective "$tmp/fifo" models/fusemax.cfg
[ -p "$tmp/fifo" ] && grep -q "fifo: error: cannot write: not a regular file" "$tmp/err" && ok || bad "check --effective replaced a FIFO"
expect_rc 1 "rtl-params -o FIFO" rtl-params models/fusemax-8x8.cfg -o "$tmp/fifo"
[ -p "$tmp/fifo" ] && ok || bad "rtl-params -o replaced a FIFO"
expect_rc 1 "sweep --emit-jobs FIFO" sweep tests/sweep/small.cfg --emit-jobs "$tmp/fifo" -o "$tmp/sw-fifo"
[ -p "$tmp/fifo" ] && ok || bad "sweep --emit-jobs replaced a FIFO"
if "$EINSIM" "${rargs[@]}" >/dev/full 2>"$tmp/err"; then bad "run > /dev/full exits 0"
else grep -q "cannot write the standard output" "$tmp/err" && ok || bad "run > /dev/full message"; fi
expect_rc 1 "check /dev/zero" check /dev/zero
grep -q "^/dev/zero: error: cannot read file: not a regular file" "$tmp/err" && ok || bad "check /dev/zero message"
# 257 files: an error naming the limit (the files past the 256th were ignored).
files=(); for i in $(seq 1 257); do files+=(models/fusemax.cfg); done
expect_rc 1 "check 257 files" check "${files[@]}"
grep -q "more than 256 files (limit)" "$tmp/err" && ok || bad "check 257 files message"
# A complete set: the four files, then COMPLETE naming them; stale temporaries of a
# killed run go; a run that fails half-way leaves no COMPLETE.
o=$tmp/outdir
mkdir -p "$o"; echo stale >"$o/stats.json.tmp.99999"
"$EINSIM" "${rargs[@]}" -o "$o" >/dev/null 2>&1
if [ "$(tail -n +2 "$o/COMPLETE" | tr '\n' ' ')" = "stats.json stats.txt stats.csv effective.cfg " ] \
   && [ "$(head -1 "$o/COMPLETE")" = "einsim run: complete" ] && [ ! -e "$o/stats.json.tmp.99999" ]
then ok; else bad "run -o: COMPLETE marker / stale temporary"; fi
rm "$o/stats.csv"; mkdir "$o/stats.csv"
expect_rc 1 "run -o with an unwritable file" "${rargs[@]}" -o "$o"
[ ! -e "$o/COMPLETE" ] && ok || bad "run -o: COMPLETE left after a failed run"
rmdir "$o/stats.csv"
# Two writers: while another einsim holds DIR's lock, a run there fails and writes nothing.
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a"); fcntl.lockf(f, fcntl.LOCK_EX); print("locked", flush=True); time.sleep(60)' \
  "$o/.einsim.lock" >"$tmp/lock.out" &
locker=$!
for _ in $(seq 1 100); do grep -q locked "$tmp/lock.out" 2>/dev/null && break; sleep 0.05; done
rm -f "$o/stats.txt"
expect_rc 1 "run -o DIR while another writes it" "${rargs[@]}" -o "$o"
grep -q "error: another einsim is writing this output directory" "$tmp/err" && [ ! -e "$o/stats.txt" ] && ok \
  || bad "run -o DIR: no lock"
kill "$locker" 2>/dev/null; wait "$locker" 2>/dev/null
# A name with a quote (train-compare names a workload by its file) is quoted in the CSV.
sed "s#\"cascades/#\"$PWD/workloads/cascades/#" workloads/bert-base-train.cfg >"$tmp/b\"x.cfg"
"$EINSIM" train-compare -a models/sat.cfg -m mappings/sat.cfg -w "$tmp/b\"x.cfg" --nm 2:8 -o "$tmp/tc" \
  >/dev/null 2>&1
[ "$(sed -n 2p "$tmp/tc/train-compare.csv" | cut -d, -f1-2)" = '"b""x",2:8' ] && ok || bad "CSV name escaping"

# ---- report (tests/report/run.sh: plots, self-contained HTML, determinism, bad input) ----
expect_rc 0 "report --help" report --help
expect_rc 1 "report without input" report
bash tests/report/run.sh "$EINSIM" "$tmp/report" >"$tmp/rep.out" 2>&1
grep -E '^FAIL|^    ' "$tmp/rep.out"
rline=$(grep -E '^report: [0-9]+ passed, [0-9]+ failed' "$tmp/rep.out" | tail -1)
rp=$(echo "$rline" | sed -nE 's/^report: ([0-9]+) passed.*/\1/p')
rf=$(echo "$rline" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
if [ -z "$rp" ]; then bad "report tests did not finish"; tail -5 "$tmp/rep.out"
else pass=$((pass + rp)); fail=$((fail + rf)); echo "report $rp passed, $rf failed"; fi
# ---- the README's first experiment (tests/guide/run.sh prints its own counts) -------------
bash tests/guide/run.sh "$EINSIM" "$tmp/guide" >"$tmp/guide.out" 2>&1
counts "guide  tests/guide/run.sh" "$tmp/guide.out"

# ---- make paper (tests/paper/run.sh prints its own counts) ---------------------------------
bash tests/paper/run.sh "$EINSIM" "$tmp/paper" >"$tmp/paper.out" 2>&1
counts "paper  tests/paper/run.sh" "$tmp/paper.out"
# ---- sweeps (tests/sweep/run.sh prints its own counts) -------------------------------------------
bash tests/sweep/run.sh "$EINSIM" "$tmp/sweep" >"$tmp/sweep.out" 2>&1
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/sweep.out" | tail -1)
p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed}
if [ -z "$line" ]; then bad "sweep tests did not finish"; sed 's/^/    /' "$tmp/sweep.out" | tail -20
else
  pass=$((pass + p)); fail=$((fail + f))
  grep '^FAIL' "$tmp/sweep.out"
  echo "sweep  tests/sweep/run.sh: $p passed, $f failed"
fi
# ---- einsim import (tests/import/: SCALE-Sim and Timeloop references; each checker prints
# its own counts) -------------------------------------------------------------------------
for chk in tests/import/check_*.py; do
  python3 "$chk" "$EINSIM" "$tmp/import-$(basename "$chk" .py)" >"$tmp/import.out" 2>&1
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/import.out" | tail -1)
  if [ -z "$line" ]; then bad "import $chk: no summary line"; sed 's/^/    /' "$tmp/import.out" | tail -20
  else
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed}
    pass=$((pass + p)); fail=$((fail + f))
    grep '^FAIL' "$tmp/import.out" | head -20
    echo "import $chk: $p passed, $f failed"
  fi
done
expect_rc 0 "help import" help import

# ---- N:M operands on the general engine: renaming every tensor changes no number
# (tests/nm/rename.py prints its own counts) ----------------------------------------------
python3 tests/nm/rename.py "$EINSIM" "$tmp/rename" >"$tmp/rename.out" 2>&1
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/rename.out" | tail -1)
if [ -z "$line" ]; then bad "tests/nm/rename.py: no summary line"; sed 's/^/    /' "$tmp/rename.out" | tail -20
else
  p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed}
  pass=$((pass + p)); fail=$((fail + f))
  grep '^FAIL' "$tmp/rename.out"
  echo "nm     tests/nm/rename.py: $p passed, $f failed"
fi

# ---- the engine knows no tensor by name: no tensor name of a shipped cascade or workload
# in a literal of sim/engine (tests/nm/engine_names.py prints its own counts) ------------
python3 tests/nm/engine_names.py . >"$tmp/names.out" 2>&1
counts "nm     tests/nm/engine_names.py" "$tmp/names.out"

# ---- N:M sparse array RTL co-simulation (tests/cosim/nm/run.sh prints its own counts) ----
bash tests/cosim/nm/run.sh "$EINSIM" >"$tmp/nm.out" 2>&1
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/nm.out" | tail -1)
if [ -z "$line" ]; then bad "cosim-nm tests did not finish"; sed 's/^/    /' "$tmp/nm.out" | tail -20
else
  p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed}
  pass=$((pass + p)); fail=$((fail + f))
  grep -A20 '^FAIL' "$tmp/nm.out" | head -40
  echo "cosim  tests/cosim/nm/run.sh: $p passed, $f failed"
fi
expect_rc 0 "cosim-nm --help" cosim-nm --help
expect_rc 0 "help nm-rtl-params" help nm-rtl-params
expect_rc 1 "cosim-nm without --lib" cosim-nm -a models/sat-4pe.cfg
expect_rc 1 "cosim-nm bad --nm" cosim-nm -a models/sat-4pe.cfg --lib x.so --nm 3:2
expect_rc 1 "cosim-nm on a dense-only architecture" cosim-nm -a models/fusemax.cfg --lib x.so
expect_rc 2 "cosim-nm missing bridge" cosim-nm -a models/sat-4pe.cfg --lib "$tmp/none.so"
"$EINSIM" nm-rtl-params models/sat-4pe.cfg -o "$tmp/p1.vh" && "$EINSIM" nm-rtl-params models/sat-4pe.cfg >"$tmp/p2.vh"
if cmp -s "$tmp/p1.vh" "$tmp/p2.vh" && grep -q '^`define EINSIM_NM_ACCUMULATORS 4$' "$tmp/p1.vh"; then ok; else bad "nm-rtl-params header"; fi
# ---- einsim search (the mapper) ----
expect_rc 0 "search --help" search --help
expect_rc 0 "help search" help search
expect_rc 0 "check template" check models/fusemax.cfg workloads/bert.cfg mappings/fusemax-template.cfg
expect_rc 1 "search a non-template" search -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg
expect_rc 1 "search bad --objective" search -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax-template.cfg --objective speed
expect_rc 1 "search bad -j" search -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax-template.cfg -j 0
expect_rc 4 "search with nothing valid" search -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax-template.cfg \
  --set arch.GlobalBuffer.size_kb=64 --max-evals 2000
sargs=(search -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax-template.cfg --set workload.seq=4096
       --max-evals 30000 --seed 5 --top 2 --pareto latency,energy)
"$EINSIM" "${sargs[@]}" -j 1 -o "$tmp/s1" >"$tmp/s1.out" 2>&1; "$EINSIM" "${sargs[@]}" -j 2 -o "$tmp/s2" >/dev/null 2>&1
same=1
for f in summary.txt best-1.cfg best-2.cfg pareto.csv; do  # the files name their own directory
  [ -s "$tmp/s1/$f" ] && [ "$(sed "s#$tmp/s1#DIR#" "$tmp/s1/$f")" = "$(sed "s#$tmp/s2#DIR#" "$tmp/s2/$f")" ] || same=0
done
if [ "$same" = 1 ]; then ok; else bad "search -j 1 and -j 2 differ (or files missing)"; fi
grep -q '^speed: [0-9]* evaluated mappings/s' "$tmp/s1.out" && ok || bad "search speed line"
# The best mapping file runs and reproduces the search's latency.
want=$(awk '/^Best mappings/{b=1} b && $1 == "1" {print $2; exit}' "$tmp/s1/summary.txt")
"$EINSIM" run -a models/fusemax.cfg -w workloads/bert.cfg -m "$tmp/s1/best-1.cfg" --set workload.seq=4096 \
  --level analytic >"$tmp/s1.run" 2>&1
got=$(awk '/Cycles/ {print $3; exit}' "$tmp/s1.run")
if [ -n "$want" ] && [ "$want" = "$got" ]; then ok; else bad "search best-1.cfg reproduces latency ($want vs $got)"; fi
[ "$(head -1 "$tmp/s1/pareto.csv")" = "id,file,cycles,seconds,energy_pj,edp_pj_s" ] && [ "$(wc -l < "$tmp/s1/pareto.csv")" -ge 2 ] \
  && ok || bad "search pareto.csv"
# Each Pareto row names its id and a mapping file that exists.
np=0; while IFS=, read -r id file _; do [ "$id" = id ] && continue; [ "$id.cfg" = "$file" ] && [ -s "$tmp/s1/$file" ] || np=1
done <"$tmp/s1/pareto.csv"; [ "$np" = 0 ] && ok || bad "search pareto.csv ids and files"
# The progress line goes to stderr (and --no-progress silences it).
grep -qE '^search: .* evaluated \((local search|exhaustive)\), .* valid, best latency [0-9]+ cycles, [0-9]+/s, done in' "$tmp/s1.out" \
  && ok || bad "search progress line"
"$EINSIM" "${sargs[@]}" --no-progress >/dev/null 2>"$tmp/s3.err"; [ ! -s "$tmp/s3.err" ] && ok || bad "search --no-progress"
# A written mapping loads after a move, from another folder (its cascade is inline).
mkdir -p "$tmp/moved"; cp "$tmp/s1/best-1.cfg" "$tmp/moved/m.cfg"
abs_einsim=$(cd "$(dirname "$EINSIM")" && pwd)/einsim
got=$(cd "$tmp" && "$abs_einsim" run -a "$OLDPWD/models/fusemax.cfg" -w "$OLDPWD/workloads/bert.cfg" -m moved/m.cfg \
  --set workload.seq=4096 --level analytic 2>&1 | awk '/Cycles/ {print $3; exit}')
if [ -n "$want" ] && [ "$want" = "$got" ]; then ok; else bad "search best-1.cfg after a move ($want vs $got)"; fi
# N:M sparse training: a training run (a layer list) writes deterministic report files
# with the per-layer key; a layer that does not fit makes the run infeasible (exit 4),
# its name in the reason.
trainargs=(run -a models/sat.cfg -w workloads/resnet50-train.cfg -m mappings/sat.cfg --set workload.nm=2:8)
"$EINSIM" "${trainargs[@]}" -o "$tmp/t1" >/dev/null 2>&1; "$EINSIM" "${trainargs[@]}" -o "$tmp/t2" >/dev/null 2>&1
same=1
for f in stats.txt stats.json stats.csv effective.cfg; do cmp -s "$tmp/t1/$f" "$tmp/t2/$f" && [ -s "$tmp/t1/$f" ] || same=0; done
if [ "$same" = 1 ] && grep -q '"layers": \[' "$tmp/t1/stats.json" && grep -q '"dense_equivalent"' "$tmp/t1/stats.json"
then ok; else bad "training run determinism / layers key"; fi
"$EINSIM" check "$tmp/t1/effective.cfg" >/dev/null 2>&1 && ok || bad "training effective.cfg reloads"
expect_rc 0 "train run --level analytic" "${trainargs[@]}" --level analytic
expect_rc 0 "check sat inputs" check models/sat.cfg models/sat-1acc.cfg workloads/resnet50-train.cfg \
  workloads/vit-b16-train.cfg workloads/bert-base-train.cfg mappings/sat.cfg
expect_rc 4 "train layer does not fit" run -a models/sat.cfg \
  -w workloads/resnet50-train.cfg -m mappings/sat-linear-train.cfg -o "$tmp/t3"
if grep -q '"feasible": false' "$tmp/t3/stats.json" && grep -q 'layer conv1: group weight-gradient' "$tmp/t3/stats.json"
then ok; else bad "train infeasible stats.json"; fi
expect_rc 0 "train-compare --help" train-compare --help
expect_rc 1 "train-compare bad --nm" train-compare -a models/sat.cfg -m mappings/sat.cfg \
  -w workloads/bert-base-train.cfg --nm 0:8
expect_rc 1 "compare on a training workload" compare -p models/sat.cfg:mappings/sat.cfg -w workloads/bert-base-train.cfg
# ---- the case files of tests/cosim/run-cosim.sh: malformed ones fail before anything runs
mkdir -p "$tmp/cases"
printf '# arch: fusemax-4x4\n# exit: abc\n-w workloads/gemm.cfg -m mappings/gemm-os.cfg\n' >"$tmp/cases/exit.case"
printf '# arch: ../models/fusemax-4x4\n-w workloads/gemm.cfg -m mappings/gemm-os.cfg\n' >"$tmp/cases/escape.case"
printf '# arch: fusemax-4x4\n# variant: faulty\n-w workloads/gemm.cfg -m mappings/gemm-os.cfg\n' >"$tmp/cases/variant.case"
printf '# arch: fusemax-4x4\n-w workloads/*.cfg -m mappings/gemm-os.cfg\n' >"$tmp/cases/glob.case"
printf '# arch: gemmcore-4x4\n# rtl: rtl/../tests/x.f\n-w workloads/gemm.cfg -m mappings/gemm-os.cfg\n' >"$tmp/cases/rtl.case"
for c in exit escape variant rtl; do
  if bash tests/cosim/run-cosim.sh --check-case "$tmp/cases/$c.case" >"$tmp/out" 2>&1; then
    bad "run-cosim.sh accepts the malformed case $c.case"
  elif grep -q "^FAIL: case $tmp/cases/$c.case: '# " "$tmp/out"; then ok
  else bad "run-cosim.sh: no reason for $c.case"; sed 's/^/    /' "$tmp/out"; fi
done
if bash tests/cosim/run-cosim.sh --check-case "$tmp/cases/glob.case" >"$tmp/out" 2>&1 \
   && grep -qF '4 arguments: [-w] [workloads/*.cfg] [-m] [mappings/gemm-os.cfg]' "$tmp/out"; then ok
else bad "run-cosim.sh glob-expands case arguments"; sed 's/^/    /' "$tmp/out"; fi
if bash tests/cosim/run-cosim.sh --check-case tests/cosim/*.case >"$tmp/out" 2>&1; then ok
else bad "run-cosim.sh rejects a shipped case"; grep FAIL "$tmp/out"; fi

# ---- fuzzing smoke: each libFuzzer harness of tests/fuzz/ for a few seconds (make test
# builds them into build/fuzz; tests/fuzz/run.sh prints its own counts) ------------------
if [ "${EINSIM_SKIP_FUZZ:-0}" != 1 ]; then
  bash tests/fuzz/run.sh build/fuzz "${EINSIM_FUZZ_SMOKE_S:-10}" >"$tmp/fuzz.out" 2>&1
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/fuzz.out" | tail -1)
  if [ -z "$line" ]; then bad "fuzz: no summary line"; sed 's/^/    /' "$tmp/fuzz.out" | tail -10
  else
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed}
    pass=$((pass + p)); fail=$((fail + f))
    grep -E '^fuzz|^FAIL|^    ' "$tmp/fuzz.out"
  fi
fi

# ---- co-simulation (RTL vs C model; Verilator builds cached under build/cosim) ------------
if [ "${EINSIM_SKIP_COSIM:-0}" != 1 ]; then
  bash tests/cosim/run-cosim.sh "$EINSIM" >"$tmp/cosim" 2>&1
  cat "$tmp/cosim" | grep -v -E '^[0-9]+ passed, [0-9]+ failed'
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/cosim" | tail -1)
  p=$(echo "$line" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed.*/\1/p')
  f=$(echo "$line" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed.*/\2/p')
  if [ -z "$p" ]; then bad "cosim: no summary line"; else pass=$((pass + p)); fail=$((fail + f)); fi
fi
expect_rc 0 "cosim --help" cosim --help
# ---- SystemC virtual platform (tests/systemc/test_vp_sc.cpp; its RTL-core checks use the
# 4x4 and 8x8 bridges the co-simulation built, and are skipped with EINSIM_SKIP_COSIM=1) ----
vpargs=()
if [ "${EINSIM_SKIP_COSIM:-0}" != 1 ]; then
  for a in 4 8; do
    if make -s --no-print-directory cosim-lib ARCH=fusemax-${a}x$a >"$tmp/vpbuild" 2>&1; then
      vpargs+=(--rtl$a build/cosim/fusemax-${a}x$a/normal/libeinsim_cosim.so)
    else bad "systemc: cannot build the fusemax-${a}x$a bridge"; tail -5 "$tmp/vpbuild"; fi
  done
fi
if SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$B/tests/systemc/test_vp_sc" "${vpargs[@]}" >"$tmp/vp.out" 2>&1; then rc=0; else rc=$?; fi
line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$tmp/vp.out" | tail -1)
p=$(echo "$line" | sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1/p')
f=$(echo "$line" | sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\2/p')
if [ -z "$p" ] || [ "$rc" != 0 ] || ! sanitizer_clean "$tmp/vp.out"; then
  bad "systemc test_vp_sc (exit $rc)"; grep -vE '^(Warning|In file|In process|$)' "$tmp/vp.out" | tail -30
  pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
else
  pass=$((pass + p)); fail=$((fail + f))
  grep -E '^(RTL core|skipped|narrow)' "$tmp/vp.out" | sed 's/^/systemc   /'
  echo "systemc test_vp_sc: $p passed, $f failed"
fi
# The VP loads a whole attention program into the RTL's tile queues: a job longer than
# their rings (4x4 seq 256: 20480 2D tiles) is refused with a device error, exit 3.
if [ "${#vpargs[@]}" -gt 0 ]; then
  SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$B/bin/einsim-vp" -a models/fusemax-4x4.cfg -w workloads/bert.cfg \
    -m mappings/fusemax-rtl.cfg --set workload.seq=256 --set workload.ranks.E=8 --set workload.ranks.F=8 \
    --set workload.batch=1 --set workload.heads=1 --set mapping.partitions.M0=4 --core rtl \
    --lib build/cosim/fusemax-4x4/normal/libeinsim_cosim.so >"$tmp/vpring.out" 2>&1; rc=$?
  if [ "$rc" = 3 ] && grep -q 'rings of 16384 slots' "$tmp/vpring.out" && sanitizer_clean "$tmp/vpring.out"; then ok
  else bad "systemc einsim-vp: a job longer than the tile rings (exit $rc)"; tail -8 "$tmp/vpring.out"; fi
fi
# The example platform (two devices, one memory): each job slower together, values exact.
for m in lt at; do
  if SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$B/bin/einsim-vp-two" --dram-gibps 4 --mode $m >"$tmp/two.out" 2>&1 \
     && [ "$(tail -1 "$tmp/two.out")" = PASS ] && sanitizer_clean "$tmp/two.out"; then ok
  else bad "systemc einsim-vp-two --mode $m"; tail -8 "$tmp/two.out"; fi
done
expect_rc 1 "cosim without -m" cosim -a models/fusemax-4x4.cfg -w workloads/gemm.cfg
expect_rc 1 "cosim on attention" cosim -a models/fusemax-4x4.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg
expect_rc 0 "rtl-params" rtl-params models/fusemax-8x8.cfg
# The bridge refuses an RTL built for other parameters than the C model's architecture.
"$EINSIM" cosim -a models/fusemax-4x4.cfg -w workloads/gemm.cfg -m mappings/gemm-os.cfg \
  --set arch.array2d.rows=8 --set workload.ranks.K=4 --set workload.ranks.M=4 \
  --set workload.ranks.N=4 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 1 ] && grep -q 'refusing to run' "$tmp/err"; then ok; else bad "cosim parameter mismatch: exit $rc"; fi
if "$EINSIM" rtl-params models/fusemax-8x8.cfg | grep -q '^`define EINSIM_ROWS 8$'; then ok; else bad "rtl-params rows"; fi
# Attention lowers in the engine's order; without reuse rules (mappings/fusemax.cfg has
# none; mappings/fusemax-rtl.cfg states the RTL's) the order overlaps two chunks of
# one query block (two blocks per chunk), which needs registers the RTL does not have:
# refused, before the RTL is loaded. A staging latency other than the RTL's is refused
# the same way.
attn_small="-w workloads/bert.cfg -m mappings/fusemax.cfg --set workload.batch=1 --set workload.heads=1 --set mapping.partitions.M0=4 --set workload.ranks.E=8 --set workload.ranks.F=8"
"$EINSIM" cosim -a models/fusemax-4x4.cfg $attn_small --set workload.seq=8 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 1 ] && grep -q 'overlaps two chunks of one query block' "$tmp/err"; then ok; else bad "cosim attention order refused: exit $rc"; fi
"$EINSIM" cosim -a models/fusemax-4x4.cfg $attn_small --set workload.seq=16 \
  --set arch.Staging.latency_cycles=1 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 1 ] && grep -q 'latency_cycles = 1' "$tmp/err"; then ok; else bad "cosim attention staging latency: exit $rc"; fi
# --dma-ring: a positive count, at most the RTL's DMA ring (refused before any bridge).
"$EINSIM" cosim -a models/fusemax-4x4.cfg $attn_small --set workload.seq=16 --dma-ring 0 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 1 ] && grep -q 'dma-ring expects a positive number' "$tmp/err"; then ok; else bad "cosim --dma-ring 0: exit $rc"; fi
"$EINSIM" cosim -a models/fusemax-4x4.cfg $attn_small --set workload.seq=16 --dma-ring 8193 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 1 ] && grep -qF -- "--dma-ring 8193 exceeds the RTL's DMA ring (8192 slots)" "$tmp/err"; then ok
else bad "cosim --dma-ring beyond the ring: exit $rc"; sed 's/^/    /' "$tmp/err"; fi
# A core's source list must name its top; --rtl-top a module name; a missing bridge names
# the make command that builds it from the list; attention refuses in_latency other than
# the default core's 1.
gemm_small="-w workloads/gemm.cfg -m mappings/gemm-os.cfg --set workload.ranks.K=8 --set workload.ranks.M=8 --set workload.ranks.N=8"
printf 'rtl/gemm/einsim_gemm_top.v\n' >"$tmp/notop.f"
printf -- '--top-module a b\n' >"$tmp/twotop.f"
printf -- '--top-module my_core\n' >"$tmp/mycore.f"
"$EINSIM" cosim -a models/gemmcore-4x4.cfg $gemm_small --rtl "$tmp/notop.f" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" = 1 ] && grep -q 'no --top-module NAME line' "$tmp/err"; then ok; else bad "cosim --rtl without a top: exit $rc"; fi
"$EINSIM" cosim -a models/gemmcore-4x4.cfg $gemm_small --rtl "$tmp/twotop.f" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" = 1 ] && grep -q "twotop.f:1: error: --top-module expects one module name" "$tmp/err"; then ok
else bad "cosim --rtl with a bad top: exit $rc"; fi
expect_rc 1 "cosim --rtl-top not a module name" cosim -a models/gemmcore-4x4.cfg $gemm_small --rtl-top ../x
"$EINSIM" cosim -a models/gemmcore-4x4.cfg $gemm_small --rtl "$tmp/mycore.f" --variant fault >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" = 1 ] && grep -qF "build/cosim/gemmcore-4x4/my_core/fault/libeinsim_cosim.so: error: cannot load the RTL bridge" "$tmp/err" \
   && grep -qF "make cosim-lib ARCH=gemmcore-4x4 RTL_VARIANT=fault RTL_LIST=$tmp/mycore.f" "$tmp/err"; then ok
else bad "cosim --rtl missing bridge: exit $rc"; sed 's/^/    /' "$tmp/err"; fi
"$EINSIM" cosim -a models/fusemax-4x4.cfg $attn_small --set workload.seq=16 \
  --set arch.array2d.in_latency=3 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 1 ] && grep -q 'in_latency = 3' "$tmp/err"; then ok; else bad "cosim attention in_latency: exit $rc"; fi
# Only the causal cascade pads a ragged seq (its mask hides the padded keys); dense
# attention with a partial last chunk is refused.
"$EINSIM" cosim -a models/fusemax-4x4.cfg $attn_small --set workload.seq=30 --set mapping.ragged=true \
  >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 1 ] && grep -q 'a multiple of the rows' "$tmp/err"; then ok; else bad "cosim dense ragged attention: exit $rc"; fi

# ---- every CSV written above: numbers are bare numbers (tests/report/csv_cells.py) ----------
python3 tests/report/csv_cells.py "$tmp" stats.csv compare.csv sweep.csv train-compare.csv pareto.csv \
  levels.csv COMPUTE_REPORT.csv >"$tmp/csv.out" 2>&1
counts "csv    tests/report/csv_cells.py" "$tmp/csv.out"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
