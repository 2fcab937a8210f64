"""PyTorch side of bench/dataparallel-step.ts: the same small 2D / 3D CNNs, one training step =
forward + backward + Adam (MSE on random targets). Reads commands from stdin, one per line:
`<case> <threads> <steps>` with case in cnn2d-stride2, cnn3d-stride2, cnn3d-maxpool, resnet18-lastblock, r3d18-lastblock
(torchvision resnet18 at 112x112 / r3d_18 at 8x56x56, only layer4[1] and fc trainable, the other batch norms in eval mode); answers one JSON
line {"wall": [ms per step], "cpu": [process CPU ms per step]} after one warm-up step.
Usage (driven by the TypeScript bench): /usr/bin/python3 bench/dataparallel_torch.py"""
import json
import sys
import time

import torch
import torch.nn as nn


def lastblock(case):
    import torchvision

    m = torchvision.models.resnet18(num_classes=1) if case == "resnet18-lastblock" else torchvision.models.video.r3d_18(num_classes=1)
    for p in m.parameters():
        p.requires_grad = False
    for p in list(m.layer4[1].parameters()) + list(m.fc.parameters()):
        p.requires_grad = True
    return m


def net(case):
    three = case.startswith("cnn3d")
    pool = case.endswith("maxpool")
    conv = nn.Conv3d if three else nn.Conv2d
    mp = nn.MaxPool3d if three else nn.MaxPool2d
    s = 1 if pool else 2
    layers = [conv(1, 16, 3, s, 1), nn.ReLU()]
    if pool:
        layers.append(mp(2))
    layers += [conv(16, 32, 3, s, 1), nn.ReLU()]
    if pool:
        layers.append(mp(2))
    layers += [conv(32, 64, 3, s, 1), nn.ReLU(), nn.Flatten(2)]
    return nn.Sequential(*layers), nn.Linear(64, 1), three


def timed(loss_of, opt, steps):
    """One warm-up step, then `steps` timed steps (zero_grad, loss, backward, Adam, read back); prints the JSON line."""
    wall, cpu = [], []
    for i in range(steps + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad()
        loss = loss_of()
        loss.backward()
        opt.step()
        loss.item()
        if i > 0:
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    print(json.dumps({"wall": wall, "cpu": cpu, "threads": torch.get_num_threads()}), flush=True)


models = {}
torch.manual_seed(0)
for line in sys.stdin:
    case, threads, steps = line.split()
    torch.set_num_threads(int(threads))
    if case in ("resnet18-lastblock", "r3d18-lastblock"):
        if case not in models:
            m = lastblock(case)
            x = torch.randn(16, 3, 112, 112) if case == "resnet18-lastblock" else torch.randn(4, 3, 8, 56, 56)
            y = torch.randn(x.shape[0], 1)
            models[case] = (m, torch.optim.Adam([p for p in m.parameters() if p.requires_grad], 1e-3), x, y)
        m, opt, x, y = models[case]
        m.eval()  # frozen batch norm keeps its statistics ...
        m.layer4[1].train()  # ... the trained block's normalises by the batch
        timed(lambda: ((m(x) - y) ** 2).mean(), opt, int(steps))
        continue
    if case not in models:
        body, head, three = net(case)
        x = torch.randn(8, 1, 16, 64, 64) if three else torch.randn(32, 1, 64, 64)
        y = torch.randn(x.shape[0], 1)
        models[case] = (body, head, torch.optim.Adam(list(body.parameters()) + list(head.parameters()), 1e-3), x, y)
    body, head, opt, x, y = models[case]
    timed(lambda: ((head(body(x).mean(2)) - y) ** 2).mean(), opt, int(steps))
