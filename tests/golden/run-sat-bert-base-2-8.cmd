run -a models/sat.cfg -w workloads/bert-base-train.cfg -m mappings/sat.cfg --set workload.nm=2:8
