#!/usr/bin/env python3
"""check.py — the import graph of sim/ has no cycle and no upward arrow.

1. Layers, from the #include lines: modules (sim/NAME/) sit in layers; a file may
   include headers of its own module and of modules in lower layers only (sim/README.md,
   "Module layers").
2. No include cycle between files (headers including each other).
3. No cycle between source files through the functions they call: a .c file that calls
   a function defined (non-static) in another .c file depends on it, and no two files
   may depend on each other, directly or through others (a parser that calls back into
   its builder, a loader that calls the parser it feeds).
4. Every file of sim/cli/ says in its first comment that it holds argument parsing and
   dispatch only (the domain logic lives in the library modules).
Prints one line per check and ends with "N passed, N failed"."""
import os
import re
import sys

# Top to bottom; a module may depend only on modules in lower layers.
LAYERS = [
    ["cli"],
    ["sweep", "systemc", "import"],
    ["cosim"],             # the virtual platform's RTL core uses the co-simulation bridge
    ["search", "report"],
    ["run"],
    ["energy"],
    ["engine", "lower"],
    ["func", "mapping"],
    ["cascade"],
    ["config"],
    ["sparse"],
    ["util"],
]
RANK = {m: len(LAYERS) - i for i, group in enumerate(LAYERS) for m in group}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def main(root):
    sim = os.path.join(root, "sim")
    passed = failed = 0
    problems = []
    includes = {}   # file -> files it includes (inside sim/)
    sources = []
    for mod in sorted(os.listdir(sim)):
        mdir = os.path.join(sim, mod)
        if not os.path.isdir(mdir):
            continue
        if mod not in RANK:
            problems.append(f"sim/{mod}/: module missing from the layer table of {__file__}")
        for name in sorted(os.listdir(mdir)):
            if not re.search(r"\.(c|h|cpp)$", name):
                continue
            rel = f"{mod}/{name}"
            if not name.endswith(".h"):
                sources.append(rel)
            deps = includes.setdefault(rel, set())
            with open(os.path.join(mdir, name), encoding="utf-8", errors="replace") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m or "/" not in m.group(1):
                        continue
                    target = m.group(1)
                    tmod = target.split("/")[0]
                    if not os.path.isfile(os.path.join(sim, target)):
                        continue   # generated or third-party headers (verilated.h, ...)
                    deps.add(target)
                    if tmod == mod or mod not in RANK:
                        continue
                    if tmod not in RANK:
                        problems.append(f"sim/{rel}:{lineno}: includes {target} of a module "
                                        f"missing from the layer table")
                    elif RANK[tmod] >= RANK[mod]:
                        problems.append(f"sim/{rel}:{lineno}: upward arrow {mod} -> {tmod} "
                                        f"({target})")
    for p in problems:
        print("FAIL:", p)
    if problems:
        failed += 1
    else:
        passed += 1
        print(f"layers: {len(includes)} files in {len(RANK)} modules, every include points "
              f"down or inside its module")
    for graph, what in ((includes, "include"), (call_graph(sim, sources), "call")):
        cycles = find_cycles(graph)
        for comp in cycles:
            print(f"FAIL: {what} cycle among " + ", ".join(f"sim/{f}" for f in comp))
        if cycles:
            failed += 1
        else:
            passed += 1
            print(f"layers: no {what} cycle between files")
    thick = []
    for rel in sorted(includes):
        if rel.startswith("cli/"):
            with open(os.path.join(sim, rel), encoding="utf-8") as f:
                head = f.read(400)
            first = head[:head.find("*/")] if head.startswith("/*") else ""
            first = re.sub(r"\n\s*\*", " ", first)
            if "argument parsing and dispatch only" not in " ".join(first.split()):
                thick.append(rel)
    for rel in thick:
        print(f"FAIL: sim/{rel}: its first comment does not say 'argument parsing and "
              f"dispatch only'")
    if thick:
        failed += 1
    else:
        passed += 1
        print("layers: every sim/cli/ file is argument parsing and dispatch only")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


DEFINITION = re.compile(r"^(?!static\b|typedef\b|return\b|else\b)"
                        r"(?:[A-Za-z_]\w*[\s*]+)+\**([A-Za-z_]\w*)\s*\([^;]*$")


def strip(text):
    """C text without comments and string literals."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"'(\\.|[^'\\])'", "0", text)
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)


def call_graph(sim, sources):
    """file -> files defining (non-static) a function it calls."""
    texts, defined = {}, {}
    for rel in sources:
        with open(os.path.join(sim, rel), encoding="utf-8", errors="replace") as f:
            texts[rel] = strip(f.read())
        for line in texts[rel].split("\n"):
            m = DEFINITION.match(line)
            if m:
                defined.setdefault(m.group(1), rel)
    graph = {}
    for rel, text in texts.items():
        called = set(re.findall(r"\b([A-Za-z_]\w*)\s*\(", text))
        graph[rel] = {defined[n] for n in called if n in defined and defined[n] != rel}
    return graph


def find_cycles(graph):
    """One cycle per strongly connected component with more than one unit."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w == v or w not in graph:
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
