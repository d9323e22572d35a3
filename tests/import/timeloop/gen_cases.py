#!/usr/bin/env python3
"""Random Timeloop v3 specifications for the import's comparison, with Timeloop's counts.

    gen_cases.py OUTDIR [N] [SEED]            write N specifications (default 24, seed 1)
    gen_cases.py OUTDIR N SEED TIMELOOP_MODEL  also run timeloop-model on each and write
                                               its counts (tl_stats.py) beside it

Each case is a gemm or a 1 x 1 cnn-layer problem on a small array, mapped with every
rank's size split at random over the register file's loops, the buffer's spatial loops
(X or Y, within the array) and loops, and DRAM's loops, each level's loops in a random
order, and random keep lists at the register file and the buffer (DRAM keeps all). The
per-access energies are given, so that Timeloop and einsim price the same accesses.

`tests/import/timeloop/cases/` holds the cases made with seed 1 and timeloop-model v3.0.3
(commit 6b41058): case-NN.cfg with reference-NN.csv when Timeloop evaluated it, or
rejected-NN.txt with its message when it refused the mapping (it does not fit: then
einsim must refuse it too). check_timeloop.py compares einsim's import with all of them.
Nothing here runs Timeloop in the test suite (a fresh machine has none)."""
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def split(rng, n, parts):
    """n as a product of `parts` factors, at random."""
    out = []
    for _ in range(parts - 1):
        f = rng.choice(divisors(n))
        out.append(f)
        n //= f
    out.append(n)
    return out


def case(rng):
    gemm = rng.random() < 0.5
    if gemm:
        dims = {"M": rng.choice([32, 64, 96, 128]), "N": rng.choice([32, 64, 128]),
                "K": rng.choice([8, 16, 48, 64])}
        spaces = ["A", "B", "C", "D"]
        out = "D"
    else:
        dims = {"R": 1, "S": 1, "P": rng.choice([7, 14, 28]), "Q": rng.choice([7, 14, 28]),
                "C": rng.choice([2, 4, 16, 32]), "K": rng.choice([8, 16, 64]), "N": rng.choice([1, 2])}
        spaces = ["Weights", "Inputs", "Outputs"]
        out = "Outputs"
    side = rng.choice([4, 8, 16])
    rows, cols = side, side
    rf = rng.choice([16, 64, 256])
    gb_kb = rng.choice([16, 64, 256])
    # Per rank: register file, spatial, buffer, DRAM factors; the spatial one on X or Y.
    fac = {lv: {} for lv in ("rf", "sp", "gb", "dram")}
    room = {"X": cols, "Y": rows}
    axis = {}
    for d, n in dims.items():
        f_rf = rng.choice([q for q in divisors(n) if q <= 4])   # small: register files are
        f_sp, f_gb, f_dr = split(rng, n // f_rf, 3)                 # small (some still overflow)
        ax = rng.choice(["X", "Y"])
        while f_sp > room[ax]:            # move what does not fit the axis to DRAM
            p = min(q for q in divisors(f_sp) if q > 1)
            f_sp //= p
            f_dr *= p
        room[ax] //= f_sp
        axis[d] = ax
        fac["rf"][d], fac["sp"][d], fac["gb"][d], fac["dram"][d] = f_rf, f_sp, f_gb, f_dr

    def perm():
        p = list(dims)
        rng.shuffle(p)
        return "".join(p)

    def factors(lv):
        return " ".join(f"{d}{fac[lv][d]}" for d in dims)

    sp_x = [d for d in dims if axis[d] == "X"]
    sp_y = [d for d in dims if axis[d] == "Y"]
    rng.shuffle(sp_x)
    rng.shuffle(sp_y)
    keep = {}
    for lv in (0, 1):
        k = [s for s in spaces if rng.random() < 0.6]
        keep[lv] = k
    prob = " ".join(f"{d} = {n};" for d, n in dims.items())
    if gemm:
        prob = f'shape = "gemm"; {prob}'
    else:
        prob += " Wstride = 1; Hstride = 1; Wdilation = 1; Hdilation = 1;"
    lines = [
        "arch = {",
        f"  arithmetic = {{ instances = {rows * cols}; word-bits = 16; meshX = {cols}; energy = 0.75; }};",
        "  storage = (",
        f'    {{ name = "RegisterFile"; entries = {rf}; instances = {rows * cols}; meshX = {cols}; '
        "word-bits = 16; vector-access-energy = 0.5; },",
        f'    {{ name = "GlobalBuffer"; sizeKB = {gb_kb}; instances = 1; word-bits = 16; '
        "vector-access-energy = 3.25; },",
        '    { name = "DRAM"; technology = "DRAM"; instances = 1; word-bits = 16; '
        "vector-access-energy = 120.0; } );",
        "};",
        f"problem = {{ {prob} }};",
        "mapping = (",
    ]
    for lv in (0, 1):
        bp = [s for s in spaces if s not in keep[lv]]
        lines.append(f'  {{ target = {lv}; type = "datatype"; keep = [ {", ".join(chr(34) + s + chr(34) for s in keep[lv])} ]; '
                     f'bypass = [ {", ".join(chr(34) + s + chr(34) for s in bp)} ]; }},')
    rest = [d for d in dims if d not in sp_x + sp_y]
    lines += [
        f'  {{ target = 0; type = "temporal"; factors = "{factors("rf")}"; permutation = "{perm()}"; }},',
        f'  {{ target = 1; type = "spatial"; factors = "{factors("sp")}"; '
        f'permutation = "{"".join(sp_x + sp_y + rest)}"; split = {len(sp_x)}; }},',
        f'  {{ target = 1; type = "temporal"; factors = "{factors("gb")}"; permutation = "{perm()}"; }},',
        f'  {{ target = 2; type = "temporal"; factors = "{factors("dram")}"; permutation = "{perm()}"; }}',
        ");",
    ]
    return "\n".join(lines) + "\n"


def main():
    outdir = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 24
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    model = sys.argv[4] if len(sys.argv) > 4 else None
    rng = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)
    for i in range(n):
        text = case(rng)
        name = os.path.join(outdir, f"case-{i:02d}.cfg")
        with open(name, "w") as f:
            f.write(f"# Random case {i} of tests/import/timeloop/gen_cases.py (seed {seed}).\n" + text)
        if not model:
            continue
        # The run directory is removed afterwards: the reference rows are what is kept.
        run = os.path.join(outdir, f"run-{i:02d}")
        os.makedirs(run, exist_ok=True)
        p = subprocess.run([model, os.path.abspath(name)], cwd=run, capture_output=True, text=True)
        stats = os.path.join(run, "timeloop-model.stats.txt")
        if p.returncode == 0 and os.path.exists(stats):
            ref = subprocess.run([sys.executable, os.path.join(HERE, "tl_stats.py"), stats],
                                 capture_output=True, text=True, check=True).stdout
            with open(os.path.join(outdir, f"reference-{i:02d}.csv"), "w") as f:
                f.write(ref)
        else:
            msg = [l for l in (p.stdout + p.stderr).splitlines() if "ERROR" in l]
            with open(os.path.join(outdir, f"rejected-{i:02d}.txt"), "w") as f:
                f.write("\n".join(msg or ["timeloop-model exited %d" % p.returncode]) + "\n")
        shutil.rmtree(run)


if __name__ == "__main__":
    main()
