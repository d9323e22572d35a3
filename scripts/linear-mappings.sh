#!/usr/bin/env bash
# linear-mappings.sh — produces the shipped linear-layer mappings with the mapper:
# `einsim search` over mappings/linear-template.cfg (each group's DRAM tile free) on each
# architecture for each model (as the FuseMax evaluation ran a mapper per linear layer), at
# 256 tokens per sequence (each tile option a power of two that divides every shipped
# length), minimum latency, ties to the lower energy. The best mapping is written with
# the template's cascade by reference instead of inline.
#
#   scripts/linear-mappings.sh EINSIM OUTDIR     writes OUTDIR/linear-ARCH-MODEL.cfg
#   scripts/linear-mappings.sh EINSIM --check    reruns the search and diffs the result
#                                                with mappings/ (exit 1 on a difference)
set -euo pipefail
EINSIM=${1:?usage: linear-mappings.sh EINSIM OUTDIR|--check}
OUT=${2:?usage: linear-mappings.sh EINSIM OUTDIR|--check}
check=0
if [ "$OUT" = --check ]; then
  check=1
  OUT=$(mktemp -d)
  trap 'rm -rf "$OUT"' EXIT
fi
mkdir -p "$OUT"
MODELS=(bert trxl t5 xlm)
for arch in fusemax flat; do
 for model in "${MODELS[@]}"; do
  name=linear-$arch-$model
  "$EINSIM" search -a "models/$arch.cfg" -w "workloads/$model-linear.cfg" \
    -m mappings/linear-template.cfg --set workload.seq=256 -o "$OUT/search-$name" \
    >/dev/null 2>"$OUT/search-$name.log" || { cat "$OUT/search-$name.log"; exit 1; }
  python3 - "$OUT/search-$name/best-1.cfg" "$arch" "$model" >"$OUT/$name.cfg.tmp" <<'PY'
import re, sys
path, arch, model = sys.argv[1:4]
text = open(path).read()
summary = re.search(r'^# rank 1 .*$', text, re.M).group(0)
body = text[text.index('mapping = {'):]
start = body.index('  cascade = {')
end = body.index('\n  };\n', start) + len('\n  };\n')
body = (body[:start] + '  cascade = "../workloads/cascades/encoder-linear.cfg";\n' + body[end:])
body = body.replace('name = "linear-template-best-1";',
                    'name = "linear-%s-%s";\n  arch = "%s";' % (arch, model, arch), 1)
print(f"""# mappings/linear-{arch}-{model}.cfg — the linear layers of workloads/{model}-linear.cfg
# (workloads/cascades/encoder-linear.cfg) on models/{arch}.cfg, as einsim's mapper chose
# them: written by scripts/linear-mappings.sh (einsim search over
# mappings/linear-template.cfg at 256 tokens per sequence, minimum latency; do not edit
# by hand: rerun the script).
{summary}""")
sys.stdout.write(body)
PY
  mv "$OUT/$name.cfg.tmp" "$OUT/$name.cfg"
  rm -rf "$OUT/search-$name" "$OUT/search-$name.log"
 done
done
if [ $check = 1 ]; then
  bad=0
  for f in "$OUT"/linear-*.cfg; do
    f=${f##*/}
    if cmp -s "$OUT/$f" "mappings/$f"; then
      echo "linear-mappings: mappings/$f reproduced by the search"
    else
      echo "FAIL: linear-mappings: the search gives another mappings/$f:"
      diff "mappings/$f" "$OUT/$f" | head -20
      bad=1
    fi
  done
  exit $bad
fi
