check models/fusemax.cfg models/flat.cfg workloads/bert.cfg mappings/fusemax.cfg
