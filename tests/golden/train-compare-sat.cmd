train-compare -a models/sat.cfg -m mappings/sat.cfg -w workloads/resnet50-train.cfg,workloads/vit-b16-train.cfg,workloads/bert-base-train.cfg
