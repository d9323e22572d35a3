#!/usr/bin/env bash
# demo-llm.sh — one Llama 3 8B decoder layer on the FuseMax architecture (make demo-llm):
# prefill of an 8K-token prompt, and decode at batch 1, 16 and 64 against an 8K-token KV
# cache, each an `einsim run` at both levels into OUTDIR/NAME.
#
#   scripts/demo-llm.sh EINSIM OUTDIR
#
# The table only formats each run's stats.json (the DRAM bytes by role are the run's own
# "dram_bytes_by_role"): latency (analytic and cycle level), the time per token (prefill:
# the prompt's latency over its tokens; decode: one step, which gives every sequence its
# next token), tokens per second, the bound, the DRAM bytes of the weights, the KV cache
# and the activations, and the utilisation of the two arrays.
set -euo pipefail
EINSIM=${1:?usage: demo-llm.sh EINSIM OUTDIR}
OUT=${2:?usage: demo-llm.sh EINSIM OUTDIR}
ARCH=models/fusemax.cfg
rm -rf "$OUT"
mkdir -p "$OUT"
# name, tokens per run, workload, mapping, override
POINTS=(
  "prefill-8k 8192 workloads/llama3-8b-prefill.cfg mappings/llama-prefill.cfg workload.seq=8192"
  "decode-b1 1 workloads/llama3-8b-decode.cfg mappings/llama-decode.cfg workload.ranks.N=1"
  "decode-b16 16 workloads/llama3-8b-decode.cfg mappings/llama-decode.cfg workload.ranks.N=16"
  "decode-b64 64 workloads/llama3-8b-decode.cfg mappings/llama-decode.cfg workload.ranks.N=64"
)
for p in "${POINTS[@]}"; do
  read -r name tokens wl map set <<<"$p"
  "$EINSIM" run -a "$ARCH" -w "$wl" -m "$map" --set "$set" --level both -o "$OUT/$name" >/dev/null
  echo "$name $tokens" >>"$OUT/points.txt"
done
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
print("Llama 3 8B, one decoder layer on FuseMax (models/fusemax.cfg); KV cache 8192 tokens per sequence")
hdr = ("point", "tokens", "latency s", "cycle-level s", "s/token", "tokens/s", "bound",
       "weights B", "KV cache B", "activations B", "util 2D", "util 1D")
fmt = "%-11s %6s %11s %13s %11s %11s %-7s %11s %11s %13s %7s %7s"
print(fmt % hdr)
for line in open(out + "/points.txt"):
    name, tokens = line.split()
    s = json.load(open("%s/%s/stats.json" % (out, name)))
    a, c = s["analytic"], s["cycle"]
    role = a["dram_bytes_by_role"]
    n = int(tokens)
    per_token = a["seconds"] / n if name.startswith("prefill") else a["seconds"]
    print(fmt % (name, tokens, "%.6g" % a["seconds"], "%.6g" % c["seconds"], "%.4g" % per_token,
                 "%.4g" % (n / a["seconds"]), a["bound"], role["weights"], role["kv_cache"],
                 role["activations"], "%.3f" % a["utilization"]["array2d"],
                 "%.3f" % a["utilization"]["array1d"]))
PY
echo "runs: $OUT/<point>/stats.txt"
