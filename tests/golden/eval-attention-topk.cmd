eval workloads/cascades/attention-topk.cfg --rank E=8 --rank F=8 --rank M=64 --rank P=64 --rank M0=8 --rank P0=8 --rank KB=3 --seed 3
