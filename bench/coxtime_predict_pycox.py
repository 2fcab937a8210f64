#!/usr/bin/env python3
"""pycox side of bench/coxtime-predict.ts: a persistent process that rebuilds survkit's trained Cox-Time network as a
pycox `MLPVanillaCoxTime` (same weights, eval mode), sets its baseline hazards, and times `predict_surv_df` on request.

Protocol (one JSON object per line on stdin, one answer per line on stdout):
  {"setup": {...}}  -> {"ready": true, "versions": {...}}    (weights in Keras layout, baseline at scaled times, x_test)
  {"predict": true} -> {"wall_s": …, "cpu_s": …, "surv": [[…]] only on the first call}
  {"exit": true}
torch runs on one thread. pycox and torchtuples come from PYTHONPATH (see bench/pycox_runner.py).
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import torch
import torchtuples as tt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "generators"))
from pycox_coxtime_baseline import pycox  # noqa: E402  (registers pycox without its __init__)
from pycox.models import CoxTime  # noqa: E402
from pycox.models.cox_time import MLPVanillaCoxTime  # noqa: E402


def build(s):
    d = len(s["x_test"][0])
    net = MLPVanillaCoxTime(d, s["hidden"], batch_norm=True, dropout=s["dropout"])
    mods = list(net.net.net)
    with torch.no_grad():
        for block, layer in zip(mods[:-1], s["layers"]):
            block.linear.weight.copy_(torch.tensor(np.array(layer["kernel"]).T))
            block.linear.bias.copy_(torch.tensor(layer["bias"]))
            block.batch_norm.weight.copy_(torch.tensor(layer["gamma"]))
            block.batch_norm.bias.copy_(torch.tensor(layer["beta"]))
            block.batch_norm.running_mean.copy_(torch.tensor(layer["moving_mean"]))
            block.batch_norm.running_var.copy_(torch.tensor(layer["moving_variance"]))
            block.batch_norm.eps = s["epsilon"]
        mods[-1].weight.copy_(torch.tensor(np.array(s["output_kernel"]).T))
    # no labtrans: the baseline index is survkit's scaled times (pycox maps scaled times back by exact float32 lookup)
    model = CoxTime(net)
    model.baseline_hazards_ = pd.Series(np.array(s["hazard"]), index=np.array(s["times_scaled"]))
    return model, np.array(s["x_test"], dtype="float32")


def main():
    torch.set_num_threads(1)
    model = x = None
    first = True
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("exit"):
            break
        if "setup" in req:
            model, x = build(req["setup"])
            versions = {"pycox": pycox.__version__, "torchtuples": tt.__version__, "torch": torch.__version__, "numpy": np.__version__}
            print(json.dumps({"ready": True, "versions": versions}), flush=True)
            continue
        t0, c0 = time.perf_counter(), time.process_time()
        surv = model.predict_surv_df(x)
        out = {"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0}
        if first:
            out["surv"] = surv.values.T.tolist()
            first = False
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
