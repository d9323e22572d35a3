check --set arch.array2d.rows=64 --set arch.GlobalBuffer.size_kb=512 --set workload.seq=1048576 models/fusemax.cfg workloads/xlm.cfg mappings/fusemax.cfg
