# vcd-first.awk -v sig=SCOPE.NAME — the VCD's timescale and the first time the 1-bit
# signal SCOPE.NAME (full name, as vcd-names.awk prints it) is 1: "TIMESCALE TIME", or
# "TIMESCALE -" if it never is.
/^\$timescale/ { ts = ""; while ($0 !~ /\$end/ || ts == "") { for (i = 1; i <= NF; i++)
                   if ($i != "$timescale" && $i != "$end") ts = ts $i; if ($0 ~ /\$end/) break;
                   if ((getline) <= 0) break } next }
/^\$scope/ { stack[++d] = $3; next }
/^\$upscope/ { d--; next }
/^\$var/ { n = ""; for (i = 1; i <= d; i++) n = n stack[i] "."; if (n $5 == sig) id = $4; next }
/^#/ { t = substr($0, 2); next }
id != "" && $0 == "1" id { print ts, t; found = 1; exit }
END { if (!found) print ts, "-" }
