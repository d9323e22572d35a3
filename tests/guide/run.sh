#!/usr/bin/env bash
# run.sh EINSIM TMPDIR — the README's first experiment, as a new user would run it.
#
# Writes the files README.md shows in full (code blocks whose first line is "# my/NAME")
# into a scratch copy of the repository root (models/, mappings/ and workloads/ linked,
# build/bin/einsim pointing at EINSIM), runs every command of the section
# "A first experiment" as written, and checks what the README says they print: exit 0
# (4 for the run it calls infeasible), every line of each output block it shows, the
# lines of its stats.txt excerpt, and the files the sweep and the report write.
# Ends with "N passed, N failed".
set -u
EINSIM=$(readlink -f "${1:?usage: run.sh EINSIM TMPDIR}")
T=${2:?usage: run.sh EINSIM TMPDIR}
SRC=$PWD
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

rm -rf "$T" && mkdir -p "$T/root/build/bin" "$T/blocks" || exit 1
for d in models mappings workloads; do ln -s "$SRC/$d" "$T/root/$d"; done
ln -s "$EINSIM" "$T/root/build/bin/einsim"

# The section, and its code blocks one per file (blocks/N), in order.
awk '/^## A first experiment/ {on = 1; next} on && /^## / {exit} on' README.md >"$T/section.md"
awk -v dir="$T/blocks" '
  /^```/ { if (inb) { inb = 0; close(f) } else { inb = 1; n++; f = sprintf("%s/%02d", dir, n) } next }
  inb { print > f }' "$T/section.md"
[ -n "$(ls "$T/blocks")" ] && ok || bad "no code blocks in the section A first experiment"

# Files shown in full.
nfiles=0
for b in "$T"/blocks/*; do
  name=$(sed -n '1s/^# \(my\/[A-Za-z0-9._-]*\) .*/\1/p' "$b")
  [ -n "$name" ] || continue
  mkdir -p "$T/root/$(dirname "$name")" && cp "$b" "$T/root/$name" && nfiles=$((nfiles + 1))
done
[ "$nfiles" -ge 4 ] && ok || bad "expected the architecture, workload, mapping and sweep files, found $nfiles"

# Commands in order; a block that follows a command block and holds no command is the
# output the README shows for the last command run: every one of its lines must appear.
last=""
for b in "$T"/blocks/*; do
  if grep -q '^build/bin/einsim' "$b"; then
    sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$b" | grep '^build/bin/einsim' >"$T/cmds"
    while IFS= read -r cmd; do
      want=0; case "$cmd" in *size_kb=1024*) want=4;; esac
      (cd "$T/root" && bash -c "$cmd") >"$T/out" 2>"$T/err"
      rc=$?
      if [ "$rc" = "$want" ]; then ok; else bad "'$cmd' exited $rc, not $want"; sed 's/^/    /' "$T/err" | tail -5; fi
      last=$cmd; cp "$T/out" "$T/last.out"
    done <"$T/cmds"
  elif ! head -1 "$b" | grep -q '^# my/' && [ -n "$last" ]; then
    missing=0
    while IFS= read -r line; do
      [ -n "${line// }" ] || continue
      grep -qF -- "$(echo "$line" | sed 's/ *$//')" "$T/last.out" || { missing=1; echo "    not printed: $line"; }
    done <"$b"
    [ "$missing" = 0 ] && ok || bad "output of '$last' differs from README.md"
  fi
done

grep -q 'ok: 3 files checked' <(cd "$T/root" && build/bin/einsim check my/arch.cfg my/gemm.cfg my/os.cfg) \
  && ok || bad "check does not end with 'ok: 3 files checked'"
for f in out/my-os/stats.txt out/my-os/stats.json out/my-os/stats.csv out/my-os/effective.cfg \
         out/my-compare/compare.csv out/my-sweep/sweep.csv out/my-sweep/report/report.html; do
  [ -s "$T/root/$f" ] && ok || bad "$f was not written"
done
n=$(($(wc -l <"$T/root/out/my-sweep/sweep.csv") - 1))
[ "$n" = 24 ] && ok || bad "the sweep has $n points, not 24"
# The CSV shows where the array outgrows the memory (the README's reading of it).
mem=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  $col["bound"] == "memory" { print $col["arch.array2d.rows"] "@" $col["arch.DRAM.bandwidth_gibps"] }' \
  "$T/root/out/my-sweep/sweep.csv" | sort -u | tr '\n' ' ')
[ "$mem" = "128@16.0 128@64.0 64@16.0 " ] && ok || bad "memory-bound points are '$mem'"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
