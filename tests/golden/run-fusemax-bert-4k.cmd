run -a models/fusemax.cfg -w workloads/bert.cfg -m mappings/fusemax.cfg --set workload.seq=4096
