#!/usr/bin/env python3
"""pycox 0.3.0 side of bench/pycox-side-by-side.ts: trains one model per request
with pycox's example-notebook protocol (../shared/golden/generators/pycox_train_reference.py)
and answers with C_td, IBS, INBLL and timings.

Families: coxph, coxcc, coxtime, deephit, logistichazard, pmf, mtlr, pchazard (sub 10), bcesurv.
Protocol: MLP [32, 32], ReLU, batch norm, dropout 0.1 (CoxPH without output bias; Cox-Time
with pycox's MLPVanillaCoxTime), Adam lr 0.01, batch 256, 512 epochs (Cox) / 100 (discrete),
torchtuples EarlyStopping() (val loss, patience 10, best weights); DeepHit alpha 0.2,
sigma 0.1; DeepHit / LogisticHazard with 10 equidistant cuts and interpolate(10); Cox-Time
validation data repeated 10 times. Fixed splits from the CSV (split / val columns); covariates
with two distinct training values left as they are, the others standardised with the
training mean and population sd. Seeds: numpy 1234 + seed, torch 123 + seed, set before each
model. torch.set_num_threads(threads) (default 1). Evaluation on the test split:
EvalSurv(censor_surv='km'), concordance_td('antolini'), IBS / INBLL on 100 equidistant
times from the smallest to the largest test duration.

Timings: `epoch_ms` (each epoch's wall time, training batches + validation pass, from a
torchtuples callback), `epoch_cpu_ms` (the process's CPU time in each epoch, time.process_time), `fit_s`, `baseline_s` (compute_baseline_hazards for CoxPH / Cox-Time),
`predict_s` (survival curves of the test rows), `import_s` (importing torch, pycox, ...).

pycox's package __init__ imports pycox.datasets, which needs h5py (not installed here); this
script imports only pycox.models / pycox.evaluation / pycox.preprocessing by registering the
`pycox` package path without running that __init__. No module is replaced or stubbed.

Usage: PYTHONPATH=<pycox>:<torchtuples> /usr/bin/python3 bench/pycox_runner.py <data-dir>
  then one JSON request per stdin line: {"dataset": "metabric", "model": "coxph", "seed": 0}
  (optional "threads", "num_durations", "cut_scheme"); one JSON answer per stdout line.
"""
import json
import os
import sys
import tempfile
import time
import types

T_IMPORT = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402
import torchtuples as tt  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


def _pycox_package():
    """Registers the pycox package (path and version) without running its __init__ (see the module notes)."""
    for entry in sys.path:
        init = os.path.join(entry, "pycox", "__init__.py")
        if os.path.isfile(init):
            pkg = types.ModuleType("pycox")
            pkg.__path__ = [os.path.dirname(init)]
            pkg.__file__ = init
            with open(init) as f:
                for line in f:
                    if line.startswith("__version__"):
                        pkg.__version__ = line.split("=")[1].strip().strip("'\"")
            sys.modules["pycox"] = pkg
            return pkg
    raise SystemExit("pycox not found on PYTHONPATH")


pycox = _pycox_package()
from pycox.evaluation import EvalSurv  # noqa: E402
from pycox.models import BCESurv, CoxCC, CoxPH, CoxTime, DeepHitSingle, LogisticHazard, MTLR, PCHazard, PMF  # noqa: E402
from pycox.models.cox_time import MLPVanillaCoxTime  # noqa: E402

IMPORT_S = time.perf_counter() - T_IMPORT

HP = dict(num_nodes=[32, 32], batch_norm=True, dropout=0.1, lr=0.01, batch_size=256,
          epochs={"coxph": 512, "coxcc": 512, "coxtime": 512, "deephit": 100, "logistichazard": 100,
                  "pmf": 100, "mtlr": 100, "pchazard": 100, "bcesurv": 100},
          deephit_alpha=0.2, deephit_sigma=0.1, num_durations=10, cut_scheme="equidistant",
          interpolate=10, coxtime_val_repeat=10, np_seed=1234, torch_seed=123)


class EpochTimer(tt.callbacks.Callback):
    def __init__(self):
        self.times = []
        self.cpu = []

    def on_epoch_start(self):
        self._t0 = time.perf_counter()
        self._c0 = time.process_time()

    def on_epoch_end(self):
        self.times.append(time.perf_counter() - self._t0)
        self.cpu.append(time.process_time() - self._c0)


_cache = {}


def load(data_dir, name):
    if name in _cache:
        return _cache[name]
    df = pd.read_csv(os.path.join(data_dir, f"{name}.csv"))
    xcols = [c for c in df.columns if c.startswith("x")]
    df[xcols] = df[xcols].astype("float32")
    df["duration"] = df["duration"].astype("float32")
    df["event"] = df["event"].astype("int32")
    test = df[df["split"] == "test"]
    val = df[(df["split"] == "train") & (df["val"] == 1)]
    train = df[(df["split"] == "train") & (df["val"] == 0)]
    binary = [c for c in xcols if train[c].nunique() == 2]
    stdz = [c for c in xcols if c not in binary]
    sc = StandardScaler().fit(train[stdz].values)

    def tx(d):
        x = d[xcols].values.astype("float32").copy()
        idx = [xcols.index(c) for c in stdz]
        x[:, idx] = sc.transform(d[stdz].values)
        return x.astype("float32")

    tgt = lambda d: (d["duration"].values, d["event"].values)  # noqa: E731
    out = dict(x_train=tx(train), x_val=tx(val), x_test=tx(test), y_train=tgt(train), y_val=tgt(val), y_test=tgt(test))
    _cache[name] = out
    return out


def run(data_dir, req):
    kind = req["model"]
    seed = int(req.get("seed", 0))
    threads = int(req.get("threads", 1))
    num_durations = int(req.get("num_durations", HP["num_durations"]))
    scheme = req.get("cut_scheme", HP["cut_scheme"])
    d = load(data_dir, req["dataset"])
    np.random.seed(HP["np_seed"] + seed)
    torch.manual_seed(HP["torch_seed"] + seed)
    torch.set_num_threads(threads)
    nin = d["x_train"].shape[1]
    bs, ep = HP["batch_size"], HP["epochs"][kind]
    timer = EpochTimer()
    callbacks = [tt.callbacks.EarlyStopping(), timer]
    x_train, x_val, x_test = d["x_train"], d["x_val"], d["x_test"]
    baseline_s = None
    baseline_cpu_s = None
    if kind in ("coxph", "coxcc"):
        net = tt.practical.MLPVanilla(nin, HP["num_nodes"], 1, HP["batch_norm"], HP["dropout"], output_bias=False)
        model = (CoxPH if kind == "coxph" else CoxCC)(net, tt.optim.Adam)
        model.optimizer.set_lr(HP["lr"])
        t0 = time.perf_counter()
        val = (x_val, d["y_val"]) if kind == "coxph" else tt.tuplefy(x_val, d["y_val"])
        log = model.fit(x_train, d["y_train"], bs, ep, callbacks, False, val_data=val, val_batch_size=bs)
        fit_s = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        model.compute_baseline_hazards()
        baseline_s, baseline_cpu_s = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        surv = model.predict_surv_df(x_test)
    elif kind == "coxtime":
        labtrans = CoxTime.label_transform()
        y_train = labtrans.fit_transform(*d["y_train"])
        y_val = labtrans.transform(*d["y_val"])
        val = tt.tuplefy(x_val, y_val)
        net = MLPVanillaCoxTime(nin, HP["num_nodes"], HP["batch_norm"], HP["dropout"])
        model = CoxTime(net, tt.optim.Adam, labtrans=labtrans)
        model.optimizer.set_lr(HP["lr"])
        t0 = time.perf_counter()
        log = model.fit(x_train, y_train, bs, ep, callbacks, False, val_data=val.repeat(HP["coxtime_val_repeat"]).cat())
        fit_s = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        model.compute_baseline_hazards()
        baseline_s, baseline_cpu_s = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        surv = model.predict_surv_df(x_test)
    elif kind in ("deephit", "logistichazard", "pmf", "mtlr", "pchazard", "bcesurv"):
        cls = dict(deephit=DeepHitSingle, logistichazard=LogisticHazard, pmf=PMF, mtlr=MTLR, pchazard=PCHazard, bcesurv=BCESurv)[kind]
        labtrans = cls.label_transform(num_durations, scheme=scheme)
        y_train = labtrans.fit_transform(*d["y_train"])
        y_val = labtrans.transform(*d["y_val"])
        net = tt.practical.MLPVanilla(nin, HP["num_nodes"], labtrans.out_features, HP["batch_norm"], HP["dropout"])
        if kind == "deephit":
            model = DeepHitSingle(net, tt.optim.Adam, alpha=HP["deephit_alpha"], sigma=HP["deephit_sigma"], duration_index=labtrans.cuts)
        elif kind == "pchazard":
            model = PCHazard(net, tt.optim.Adam, duration_index=labtrans.cuts, sub=HP["interpolate"])
        else:
            model = cls(net, tt.optim.Adam, duration_index=labtrans.cuts)
        model.optimizer.set_lr(HP["lr"])
        t0 = time.perf_counter()
        log = model.fit(x_train, y_train, bs, ep, callbacks, False, val_data=(x_val, y_val))
        fit_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        surv = model.predict_surv_df(x_test) if kind == "pchazard" else model.interpolate(HP["interpolate"]).predict_surv_df(x_test)
    else:
        raise ValueError(kind)
    predict_s = time.perf_counter() - t0
    dur, ev = d["y_test"]
    evs = EvalSurv(surv, dur, ev, censor_surv="km")
    grid = np.linspace(dur.min(), dur.max(), 100)
    vl = log.to_pandas()["val_loss"]
    return dict(
        tool="pycox", dataset=req["dataset"], model=kind, seed=seed,
        ctd=float(evs.concordance_td("antolini")),
        ibs=float(evs.integrated_brier_score(grid)),
        inbll=float(evs.integrated_nbll(grid)),
        epochs=len(timer.times), best_epoch=int(vl.values.argmin()),
        epoch_ms=[t * 1000 for t in timer.times], epoch_cpu_ms=[t * 1000 for t in timer.cpu], fit_s=fit_s, baseline_s=baseline_s, baseline_cpu_s=baseline_cpu_s, predict_s=predict_s,
        threads=threads)


def main():
    data_dir = sys.argv[1]
    os.chdir(tempfile.mkdtemp(prefix="pycox_sbs_"))  # EarlyStopping checkpoints land here
    hello = dict(ready=True, import_s=IMPORT_S, versions=dict(pycox=pycox.__version__, torchtuples=tt.__version__,
                                                              torch=torch.__version__, numpy=np.__version__))
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        if req.get("exit"):
            break
        try:
            print(json.dumps(run(data_dir, req)), flush=True)
        except Exception as e:  # reported to the harness, which prints it
            print(json.dumps(dict(error=f"{type(e).__name__}: {e}")), flush=True)


if __name__ == "__main__":
    main()
