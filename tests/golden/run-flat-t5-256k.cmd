run -a models/flat.cfg -w workloads/t5.cfg -m mappings/flat.cfg --set workload.seq=262144
