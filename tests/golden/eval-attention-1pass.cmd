eval workloads/cascades/attention-1pass.cfg -a models/fusemax.cfg --rank E=16 --rank F=8 --rank M=50 --rank P=6 --rank M0=16 --seed 42
