# vcd-names.awk — the full names (scope.scope.signal[range]) of the signals declared in a
# VCD header, one per line: what a GTKWave save file names them.
/^\$scope/ { stack[++d] = $3; next }
/^\$upscope/ { d--; next }
/^\$var/ { n = ""; for (i = 1; i <= d; i++) n = n stack[i] "."; n = n $5; if ($6 != "$end") n = n $6; print n }
/^\$enddefinitions/ { exit }
