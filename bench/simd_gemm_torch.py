"""torch.mm single-thread on the shapes of bench/simd-gemm.ts (one JSON line per call of `run`).

Reads lines of JSON `{"shapes": [[m, n, k, transA, transB], ...], "reps": R}` on stdin and answers each with
`{"ns": [median ns per product, ...]}` — a persistent process so that survkit and PyTorch alternate rounds.
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)


def one(m, n, k, ta, tb, reps):
    a = torch.rand(k, m).t() if ta else torch.rand(m, k)
    b = torch.rand(n, k).t() if tb else torch.rand(k, n)
    out = torch.empty(m, n)
    for _ in range(max(3, reps // 10)):
        torch.mm(a, b, out=out)
    times = []
    for _ in range(5):
        t0 = time.perf_counter_ns()
        for _ in range(reps):
            torch.mm(a, b, out=out)
        times.append((time.perf_counter_ns() - t0) / reps)
    times.sort()
    return times[2]


print(json.dumps({"ready": True, "torch": torch.__version__}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    print(json.dumps({"ns": [one(*s, req["reps"][i]) for i, s in enumerate(req["shapes"])]}), flush=True)
