eval workloads/cascades/nm-training.cfg --rank O=16 --rank I=16 --rank N=4 --nm 2:8 --seed 5
