#!/usr/bin/env bash
# man.sh — writes einsim(1) in roff to stdout, generated from the program's own help text
# (`einsim help` and `einsim help COMMAND` for every command it lists), so the manual and
# the program cannot disagree. Deterministic: no date. Usage: scripts/man.sh EINSIM
set -euo pipefail
EINSIM=${1:?usage: man.sh EINSIM}
# roff-escape: backslashes, and a leading . or ' that roff would read as a request.
esc() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }
cmds=$("$EINSIM" help | sed -nE 's/^  ([a-z][a-z0-9-]*)( .*)?$/\1/p' | grep -vx help)
version=$("$EINSIM" --version 2>/dev/null | head -1 || true)
echo '.TH EINSIM 1 "" "'"${version:-einsim}"'" "User Commands"'
echo '.SH NAME'
echo 'einsim \- hardware-accelerator simulator and RTL co-design toolkit'
echo '.SH SYNOPSIS'
echo '.B einsim'
echo '\fICOMMAND\fR [\fIOPTIONS\fR]'
echo '.SH DESCRIPTION'
echo '.nf'
"$EINSIM" help | esc
echo '.fi'
echo '.SH COMMANDS'
for c in $cmds; do
  echo ".SS $c"
  echo '.nf'
  "$EINSIM" help "$c" | esc
  echo '.fi'
done
echo '.SH FILES'
echo 'Shipped architectures, mappings and workloads are installed under'
echo '.IR PREFIX /share/einsim/'
echo '(models/, mappings/, workloads/).'
echo '.SH SEE ALSO'
echo '.BR gnuplot (1)'
