eval workloads/cascades/attention-causal.cfg --ref workloads/cascades/attention-causal-3pass.cfg --rank E=8 --rank F=8 --rank M=37 --rank P=37 --rank M0=8
