"""PyTorch side of bench/conv-gemm.ts: one convolution layer's forward, input gradient and filter
gradient (torch.nn.functional.conv2d / conv3d through autograd, only the requested gradient computed),
with torch.set_num_threads(1). Reads commands from stdin, one per line:
`<dims> <B> <D> <H> <Ci> <Co> <stride> <reps>` (dims 2 or 3; D ignored for 2D; 3-wide filters, padding 1)
answers one JSON line {"fwd": [cpu ms], "dx": [...], "dw": [...]} (process CPU ms per call, after one warm-up);
`mm <m> <n> <k> <reps> <inner>` answers {"mm": [cpu ms per product]} for torch.mm of an [m×k] and a [k×n] matrix.
Usage (driven by the TypeScript bench): /usr/bin/python3 bench/conv_gemm_torch.py"""
import json
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def cpu_ms(f, reps):
    f()
    out = []
    for _ in range(reps):
        c0 = time.process_time()
        f()
        out.append((time.process_time() - c0) * 1000)
    return out


for line in sys.stdin:
    if line.startswith("mm "):
        # `mm <m> <n> <k> <reps> <inner>`: C[m×n] = A[m×k]·B[k×n] by torch.mm, `inner` products per timing
        m, n, k, reps, inner = (int(v) for v in line.split()[1:])
        a, bm = torch.randn(m, k), torch.randn(k, n)

        def mm():
            for _ in range(inner):
                torch.mm(a, bm)

        print(json.dumps({"mm": [t / inner for t in cpu_ms(mm, reps)]}), flush=True)
        continue
    dims, b, d, h, ci, co, s, reps = (int(v) for v in line.split())
    conv = F.conv3d if dims == 3 else F.conv2d
    shape = (b, ci, d, h, h) if dims == 3 else (b, ci, h, h)
    x = torch.randn(*shape)
    w = torch.randn(co, ci, *([3] * dims))
    y = conv(x, w, stride=s, padding=1)
    dy = torch.randn_like(y)
    xg = x.clone().requires_grad_(True)
    wg = w.clone().requires_grad_(True)

    def fwd():
        with torch.no_grad():
            conv(x, w, stride=s, padding=1)

    def dx():
        torch.autograd.grad(conv(xg, w, stride=s, padding=1), [xg], dy)

    def dw():
        torch.autograd.grad(conv(x, wg, stride=s, padding=1), [wg], dy)

    f = cpu_ms(fwd, reps)
    # the gradient timings include one forward: subtract the median forward
    fm = sorted(f)[len(f) // 2]
    print(json.dumps({"fwd": f, "dx": [t - fm for t in cpu_ms(dx, reps)], "dw": [t - fm for t in cpu_ms(dw, reps)]}), flush=True)
