#!/usr/bin/env python3
"""headline.py — FuseMax's headline ratios and the end-to-end table from einsim's runs.

    scripts/headline.py OUTDIR ATTN_COMPARE_CSV LINEAR_COMPARE_CSV...
    scripts/headline.py --html OUTDIR

ATTN_COMPARE_CSV: `einsim compare` of the attention mappings (unfused, flat, flat-overlap,
fusemax) over the four models x six lengths; LINEAR_COMPARE_CSV: `einsim compare` of the
linear-layer mappings (linear-fusemax-MODEL, linear-flat-MODEL) of the same models
(workload MODEL-linear) and lengths. Writes OUTDIR/e2e.csv (per model, length and configuration:
attention, linear layers and end to end, latency in s and energy in J), OUTDIR/headline.csv
(comparison,paper,einsim,rel_err: the arithmetic means over the 24 points, as the paper
reports them) and OUTDIR/e2e/compare.csv (the end-to-end points in einsim
compare's format, for `einsim report`). Latency and energy are the analytic level's.
FLAT is, per point, the faster of its two configurations (fused as FLAT's paper runs it,
overlapped as the FuseMax evaluation runs it from 256K tokens); the unfused baseline and
FLAT run their linear layers on FLAT's architecture, FuseMax on its own.
"""
import base64, contextlib, csv, html, os, sys

# FuseMax (Nayak et al., MICRO 2024), abstract and Section 7: means over BERT, TrXL, T5,
# XLM at 1K..1M tokens, and at 1M tokens for the last two.
PAPER = [
    ("attention_speedup_vs_flat", 6.7), ("attention_energy_vs_flat", 0.79),
    ("attention_speedup_vs_unfused", 10.0), ("attention_energy_vs_unfused", 0.77),
    ("e2e_speedup_vs_flat", 5.3), ("e2e_energy_vs_flat", 0.83),
    ("e2e_speedup_vs_unfused", 7.6), ("e2e_energy_vs_unfused", 0.82),
    ("e2e_speedup_vs_flat_1M", 7.5), ("e2e_speedup_vs_unfused_1M", 10.0),
]
MODELS = ["bert", "trxl", "t5", "xlm"]


@contextlib.contextmanager
def written(path):
    """Opens path's temporary sibling for writing; renames it over path when done."""
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        yield f
    os.replace(tmp, path)


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for r in rows:
        if r["feasible"] != "1":
            sys.exit(f"headline.py: {path}: {r['workload']} {r['mapping']} at {r['seq']} "
                     f"is infeasible: {r['reason']}")
        out[(r["workload"], int(r["seq"]), r["mapping"])] = r
    return rows, out


def write_html(out):
    """OUTDIR/index.html: the headline table, then the FuseMax-vs-FLAT, speedup and
    energy plots of the end-to-end and attention reports (PNG inlined), then links."""
    def table(path):
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                       for r in rows[1:])
        return f"<table><tr>{head}</tr>{body}</table>"

    def plots(rep, prefixes):
        parts = []
        for pre in prefixes:
            for m in MODELS:
                png = os.path.join(out, rep, f"{pre}-{m}.png")
                if os.path.exists(png):
                    with open(png, "rb") as f:
                        data = base64.b64encode(f.read()).decode()
                    parts.append(f'<img alt="{pre} {m}" src="data:image/png;base64,{data}">')
        return "\n".join(parts)

    kinds = ["fusemax-vs-flat", "speedup", "energy-ratio"]
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>einsim: FuseMax's evaluation reproduced</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:2px 8px;text-align:right}} img{{width:45%}}</style>
</head><body>
<h1>FuseMax's evaluation reproduced by einsim</h1>
<h2>Headline (arithmetic means over BERT, TrXL, T5, XLM at 1K to 1M tokens)</h2>
{table(os.path.join(out, "headline.csv"))}
<p>FLAT at each point is the faster of its fused and overlapped configurations; end to
end adds each model's linear layers (mappings chosen by einsim's mapper) to its
attention. Per point: e2e.csv; attention alone: comparison/compare.csv.</p>
<h2>End to end (attention + linear layers)</h2>
{plots("e2e/report", kinds)}
<h2>Attention only</h2>
{plots("comparison/report", kinds)}
<p>Full reports: <a href="e2e/report/report.html">end to end</a>,
<a href="comparison/report/report.html">attention</a>,
<a href="array-size/report/report.html">array size</a>.</p>
</body></html>
"""
    with written(os.path.join(out, "index.html")) as f:
        f.write(page)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--html":
        write_html(sys.argv[2])
        return
    if len(sys.argv) < 4:
        sys.exit(__doc__.split("\n\n")[1])
    out = sys.argv[1]
    attn_rows, attn = load(sys.argv[2])
    lin = {}
    for path in sys.argv[3:]:
        lin.update(load(path)[1])
    seqs = sorted({int(r["seq"]) for r in attn_rows})
    # per (model, seq): {config: (attention s, J, linear s, J, cycles, DRAM bytes)}
    pts = []
    for m in MODELS:
        for s in seqs:
            def run(table, key):
                r = table[key]
                return (float(r["seconds"]), float(r["energy_pj"]) * 1e-12,
                        int(r["cycles"]), int(r["dram_bytes"]))
            def point(mp_attn, mp_lin):
                a = run(attn, (m, s, mp_attn))
                l = run(lin, (m + "-linear", s, f"{mp_lin}-{m}"))
                return a[:2] + l[:2] + (a[2] + l[2], a[3] + l[3])
            fl, fo = point("flat", "linear-flat"), point("flat-overlap", "linear-flat")
            cfg = {"unfused": point("unfused", "linear-flat"),
                   "flat": fl if fl[0] <= fo[0] else fo,
                   "fusemax": point("fusemax", "linear-fusemax")}
            pts.append((m, s, cfg))
    with written(os.path.join(out, "e2e.csv")) as f:
        f.write("model,seq,config,attention_latency_s,attention_energy_j,linear_latency_s,"
                "linear_energy_j,latency_s,energy_j\n")
        for m, s, cfg in pts:
            for c in ("unfused", "flat", "fusemax"):
                ta, ea, tl, el = cfg[c][:4]
                f.write(f"{m},{s},{c},{ta:.9g},{ea:.9g},{tl:.9g},{el:.9g},"
                        f"{ta + tl:.9g},{ea + el:.9g}\n")

    def mean(xs):
        return sum(xs) / len(xs)

    def ratio(base, e2e, energy, only=None):
        vals = []
        for m, s, cfg in pts:
            if only is not None and s != only:
                continue
            b, f = cfg[base], cfg["fusemax"]
            if energy:
                num, den = (f[1] + f[3], b[1] + b[3]) if e2e else (f[1], b[1])
            else:
                num, den = (b[0] + b[2], f[0] + f[2]) if e2e else (b[0], f[0])
            vals.append(num / den)
        return mean(vals)

    ours = {}
    for base in ("flat", "unfused"):
        for e2e in (False, True):
            pre = "e2e" if e2e else "attention"
            ours[f"{pre}_speedup_vs_{base}"] = ratio(base, e2e, False)
            ours[f"{pre}_energy_vs_{base}"] = ratio(base, e2e, True)
        ours[f"e2e_speedup_vs_{base}_1M"] = ratio(base, True, False, only=max(seqs))
    with written(os.path.join(out, "headline.csv")) as f:
        f.write("comparison,paper,einsim,rel_err\n")
        for name, paper in PAPER:
            f.write(f"{name},{paper:g},{ours[name]:.4f},{(ours[name] - paper) / paper:+.4f}\n")

    # The end-to-end points as einsim compare rows (the columns `einsim report` plots).
    d = os.path.join(out, "e2e")
    os.makedirs(d, exist_ok=True)
    # The columns of einsim compare's CSV; those the end-to-end sum has no value for
    # (utilisation, the cycle level, run directories) stay empty.
    cols = list(attn_rows[0].keys())
    arch = {"unfused": "flat", "flat": "flat", "fusemax": "fusemax"}
    with written(os.path.join(d, "compare.csv")) as f:
        w = csv.DictWriter(f, fieldnames=cols, restval="", lineterminator="\n")
        w.writeheader()
        for m, s, cfg in pts:
            base = cfg["unfused"]
            for c in ("unfused", "flat", "fusemax"):
                ta, ea, tl, el, cyc, dram = cfg[c]
                area = attn[(m, s, "fusemax" if c == "fusemax" else "unfused")]["area_um2"]
                w.writerow({"workload": m, "seq": s, "arch": arch[c], "mapping": c,
                            "feasible": 1, "cycles": cyc, "seconds": f"{ta + tl:.9g}",
                            "energy_pj": f"{(ea + el) * 1e12:.9g}",
                            "edp_pj_s": f"{(ea + el) * 1e12 * (ta + tl):.9g}",
                            "dram_bytes": dram, "area_um2": area,
                            "speedup": f"{(base[0] + base[2]) / (ta + tl):.9g}",
                            "energy_ratio": f"{(ea + el) / (base[1] + base[3]):.9g}"})
    width = max(len(n) for n, _ in PAPER)
    for name, paper in PAPER:
        print(f"  {name:<{width}}  paper {paper:5g}  einsim {ours[name]:7.3f}  "
              f"({(ours[name] - paper) / paper:+.1%})")


main()
