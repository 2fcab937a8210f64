#!/usr/bin/env python3
"""PyTorch CPU reference for bench/imaging.ts: feature-extraction time of torchvision's resnet18 (up to layer4) and
r3d_18 on random inputs, with a given number of threads. Prints one JSON object: {net: ms per batch (median)}.
Usage: /usr/bin/python3 bench/imaging_torch.py --threads 1 --repeats 3 resnet18:8:224 r3d_18:2:16x112
"""
import argparse
import json
import time

import torch
import torchvision
from torchvision.models.video import r3d_18

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--repeats", type=int, default=3)
ap.add_argument("specs", nargs="+")
a = ap.parse_args()
torch.set_num_threads(a.threads)
out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
for spec in a.specs:
    name, batch, size = spec.split(":")
    batch = int(batch)
    if name == "resnet18":
        m = torchvision.models.resnet18().eval()
        x = torch.rand(batch, 3, int(size), int(size))
        trunk = lambda x: m.layer4(m.layer3(m.layer2(m.layer1(m.maxpool(m.relu(m.bn1(m.conv1(x))))))))
    else:
        t, s = (int(v) for v in size.split("x"))
        m = r3d_18().eval()
        x = torch.rand(batch, 3, t, s, s)
        trunk = lambda x: m.layer4(m.layer3(m.layer2(m.layer1(m.stem(x)))))
    with torch.no_grad():
        trunk(x)
        times = []
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            trunk(x).mean(dim=tuple(range(2, x.dim())))
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    out[name] = times[len(times) // 2]
print(json.dumps(out))
