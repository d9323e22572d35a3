# vcd-first.awk -v sig=SCOPE.NAME — the VCD's timescale, the first time the 1-bit
# signal SCOPE.NAME (full name, as vcd-names.awk prints it) is 1 and the first time it
# is 0 again after that: "TIMESCALE RISE FALL", "-" for a time that never comes.
/^\$timescale/ { ts = ""; while ($0 !~ /\$end/ || ts == "") { for (i = 1; i <= NF; i++)
                   if ($i != "$timescale" && $i != "$end") ts = ts $i; if ($0 ~ /\$end/) break;
                   if ((getline) <= 0) break } next }
/^\$scope/ { stack[++d] = $3; next }
/^\$upscope/ { d--; next }
/^\$var/ { n = ""; for (i = 1; i <= d; i++) n = n stack[i] "."; if (n $5 == sig) id = $4; next }
/^#/ { t = substr($0, 2); next }
id != "" && rise == "" && $0 == "1" id { rise = t; next }
id != "" && rise != "" && $0 == "0" id { fall = t; exit }
END { print ts, (rise == "" ? "-" : rise), (fall == "" ? "-" : fall) }
