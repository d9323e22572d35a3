#!/usr/bin/env python3
"""generate.py OUTDIR — bad inputs too large to keep in the repository, written into OUTDIR
in the format of tests/bad/*.cfg ("# args:" and "# expect:" lines) for run-tests.sh:
every input limit of the table in sim/cli/README.md ("Limits"), each one past its limit, and the inputs that
used to crash, hang or take quadratic time (40,000 nested parentheses, 40,000 keys in
one group, an input file of 17 MiB)."""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

CASCADE = """cascade = {{
  name = "big"; problem = "test";
  ranks = [ "I" ];
  inputs = [ "X[i]" ];
  outputs = [ "Y" ];
  einsums = (
    "{einsum}"
  );
}};
"""


def write(name, expect, body, args=None):
    with open(os.path.join(out, name), "w") as f:
        if args:
            f.write(f"# args: {args}\n")
        for e in expect:
            f.write(f"# expect: {e}\n")
        f.write(body)


def line_of(name, needle):
    with open(os.path.join(out, name)) as f:
        for i, text in enumerate(f, 1):
            if needle in text:
                return i
    raise SystemExit(f"{name}: no line with {needle!r}")


def cascade_case(name, einsum, column):
    body = CASCADE.format(einsum=einsum)
    # The einsum string is on the 7th line of the body, after one expect line.
    write(name, [f"{name}:8: error: einsum: column {column}: expression nested deeper than "
                 f"256 levels (limit)"], body)


# The parser recursed once per parenthesis (a stack overflow at 40,000).
cascade_case("gen-cascade-parens.cfg", "Y[i] = " + "(" * 40000 + "X[i]" + ")" * 40000, 264)
cascade_case("gen-cascade-minus.cfg", "Y[i] = " + "-" * 40000 + "X[i]", 264)
# A long sum is a deep tree for the recursive interpreter, without any parenthesis.
cascade_case("gen-cascade-long-sum.cfg", "Y[i] = X[i]" + " + X[i]" * 1000, 1798)
cascade_case("gen-cascade-calls.cfg", "Y[i] = " + "exp(" * 300 + "X[i]" + ")" * 300, 1032)

# 40,000 keys in one group took 24 s in libconfig (a linear lookup per new key).
keys = "".join(f"  k{i} = {i};\n" for i in range(40000))
write("gen-group-40000-keys.cfg", ["gen-group-40000-keys.cfg:4099: error: more than 4096 "
                                   "settings in one group (limit)"],
      "workload = {\n" + keys + "};\n")
write("gen-list-70000.cfg", ["error: more than 65536 elements in one list (limit)"],
      "workload = { name = \"w\"; kind = \"attention\"; batch = 1; heads = 1; seq = 64L;\n"
      "  ranks = { E = 8; F = 8; }; x = [ " + ", ".join("1" for _ in range(70000)) + " ]; };\n")

# An input file larger than the limit (16 MiB).
with open(os.path.join(out, "gen-file-17mib.cfg"), "w") as f:
    f.write("# expect: error: cannot read file: larger than 16777216 bytes (the limit of one "
            "input file)\n")
    line = "#" + "x" * 1023 + "\n"
    for _ in range(17 * 1024):
        f.write(line)

# @include nested 11 deep.
for k in range(1, 12):
    with open(os.path.join(out, f"gen-deep-{k}.inc"), "w") as f:
        f.write(f"@include \"gen-deep-{k + 1}.inc\"\n" if k < 11 else "# the end\n")
write("gen-include-depth.cfg", ["gen-deep-10.inc:1: error: @include nested deeper than 10 files "
                                "(limit)"], "@include \"gen-deep-1.inc\"\n")

# More compute units, storage levels, fused groups, stages and Einsums than the limits.
units = ",\n".join(f'    {{ name = "u{i}"; energy_class = "pe2d"; rows = 1; cols = 1; '
                   f'ops = {{ mac = 1; }}; }}' for i in range(17))
arch = f"""arch = {{
  name = "many"; clock_mhz = 1000.0; energy = "{os.path.abspath('models/energy/45nm.cfg')}";
  arithmetic = {{ word_bits = 16; frac_bits = 8; acc_bits = 32; exp_terms = 5; }};
  compute = (
{units}
  );
  storage = (
    {{ name = "DRAM"; class = "DRAM"; energy_class = "hbm2"; width_bits = 64;
      bandwidth_gibps = 400.0; }}
  );
}};
"""
write("gen-arch-17-units.cfg", ["gen-arch-17-units.cfg:5: error: arch.compute: 17 compute units, "
                                "more than 16 (limit)"], arch)
levels = ",\n".join(f'    {{ name = "L{i}"; class = "SRAM"; energy_class = "glb"; size_kb = 64; '
                    f'width_bits = 64; }}' for i in range(16))
arch = f"""arch = {{
  name = "deep"; clock_mhz = 1000.0; energy = "{os.path.abspath('models/energy/45nm.cfg')}";
  arithmetic = {{ word_bits = 16; frac_bits = 8; acc_bits = 32; exp_terms = 5; }};
  compute = ( {{ name = "a"; energy_class = "pe2d"; rows = 1; cols = 1; ops = {{ mac = 1; }}; }} );
  storage = (
    {{ name = "DRAM"; class = "DRAM"; energy_class = "hbm2"; width_bits = 64; bandwidth_gibps = 1.0; }},
{levels}
  );
}};
"""
write("gen-arch-17-levels.cfg", ["gen-arch-17-levels.cfg:6: error: arch.storage: 17 storage "
                                 "levels, more than 16 (limit)"], arch)
groups = ",\n".join(f'    {{ name = "g{i}"; stages = ( [ "Z" ] ); }}' for i in range(17))
write("gen-mapping-17-groups.cfg", ["gen-mapping-17-groups.cfg:6: error: mapping.groups: 17 fused "
                                    "groups, more than 16 (limit)"],
      f"""mapping = {{
  name = "many-groups";
  cascade = "{os.path.abspath('workloads/cascades/gemm.cfg')}";
  binding = ( {{ einsum = "Z"; unit = "array2d"; }} );
  groups = (
{groups}
  );
}};
""")
stages = ", ".join('[ "Z" ]' for _ in range(65))
write("gen-mapping-65-stages.cfg", ["gen-mapping-65-stages.cfg:6: error: mapping.groups[0].stages: "
                                    "65 stages, more than 64 (limit)"],
      f"""mapping = {{
  name = "many-stages";
  cascade = "{os.path.abspath('workloads/cascades/gemm.cfg')}";
  binding = ( {{ einsum = "Z"; unit = "array2d"; }} );
  groups = ( {{ name = "gemm"; stages = ( {stages} ); }} );
}};
""")
einsums = ",\n".join(f'    "Y{i}[i] = X[i] * 2"' for i in range(65))
write("gen-cascade-65-einsums.cfg", ["gen-cascade-65-einsums.cfg:72: error: einsum: column 1: more "
                                     "than 64 Einsums in one cascade (limit)"],
      f"""cascade = {{
  name = "many"; problem = "test";
  ranks = [ "I" ];
  inputs = [ "X[i]" ];
  outputs = [ "Y0" ];
  einsums = (
{einsums}
  );
}};
""")
write("gen-name-65.cfg", ["gen-name-65.cfg:3: error: workload.name: '" + "w" * 65 + "' is longer "
                          "than 64 characters (limit)"],
      "workload = {\n  name = \"" + "w" * 65 + "\";\n  kind = \"attention\"; batch = 1; heads = 1; "
      "seq = 64L; ranks = { E = 8; F = 8; };\n};\n")

# A NUL byte: the scan before libconfig stopped there while libconfig read on, to an
# @include of a directory that ended the process (found by fuzzing).
with open(os.path.join(out, "gen-nul-byte.cfg"), "wb") as f:
    f.write(b"# expect: gen-nul-byte.cfg:2: error: not a text file: a NUL byte\n"
            b"# An @\0\0include of a directory\n@include \".\"\nworkload = {};\n")

# Groups nested 65 deep.
write("gen-nesting-65.cfg", ["gen-nesting-65.cfg:2: error: groups and lists nested deeper than 64 "
                             "(limit)"], "x = " + "{ a = " * 65 + "1;" + " };" * 65 + "\n")

# A loop nest of 261 loops (limit 256: NEST_MAX_LOOPS, sim/engine/nest.h).
gemm = os.path.abspath("workloads/cascades/gemm.cfg")
write("gen-nest-loops.cfg", ["gen-nest-loops.cfg:6: error: group g: 261 loops in the nest; einsim "
                             "evaluates at most 256"],
      f'mapping = {{ name = "nest"; cascade = "{gemm}";\n'
      '  binding = ( { einsum = "Z"; unit = "array2d"; } );\n'
      '  groups = (\n'
      '    { name = "g"; stages = ( [ "Z" ] ); nest = (\n'
      '      { level = "array2d"; keep = [ "Z" ]; temporal = "K=64"; },\n'
      '      { level = "GlobalBuffer"; spatial_x = "M=16"; spatial_y = "N=16"; temporal = "'
      + " ".join(["M=1"] * 256) + '"; },\n'
      '      { level = "DRAM"; temporal = "N=4 M=4"; } ); } ); };\n',
      args="run -a models/fusemax-16x16.cfg -w workloads/gemm.cfg -m FILE --set workload.ranks.K=64 "
           "--set workload.ranks.M=64 --set workload.ranks.N=64")
