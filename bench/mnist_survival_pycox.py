"""pycox's examples/04_mnist_dataloaders_cnn.ipynb on the same subsample sizes as bench/mnist-survival.ts (reference).

Its own code: sim_event_times, LogisticHazard.label_transform(20), Net, Adam(0.01), batch 128, EarlyStopping(patience=5),
interpolate(10), EvalSurv(..., 'km'), concordance_td(), integrated_brier_score(linspace(0, max test time)). Differences:
the MNIST test split is subsampled per seed (numpy's generator: other images than the TypeScript bench's, same sizes) and
early stopping watches a validation split instead of the test set.

  PYTHONPATH=/work/ext/pycox:/work/ext/torchtuples /usr/bin/python3 bench/mnist_survival_pycox.py <dataDir> [1000 250 1000]
"""
import os
import sys
import time
import types

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchtuples as tt

# pycox's package __init__ imports pycox.datasets, which needs h5py (absent here): register the package path without
# running that __init__ (as bench/pycox_runner.py does); no module is replaced.
for entry in sys.path:
    if os.path.isfile(os.path.join(entry, "pycox", "__init__.py")):
        pkg = types.ModuleType("pycox")
        pkg.__path__ = [os.path.join(entry, "pycox")]
        sys.modules["pycox"] = pkg
        break
from pycox.evaluation import EvalSurv  # noqa: E402
from pycox.models import LogisticHazard  # noqa: E402

torch.set_num_threads(1)
data = sys.argv[1]
n_train, n_val, n_test = (int(a) for a in sys.argv[2:5]) if len(sys.argv) > 4 else (1000, 250, 1000)
images = np.fromfile(f"{data}/mnist_t10k_images.u8", dtype=np.uint8).reshape(-1, 1, 28, 28).astype("float32") / 255
images = (images - 0.1307) / 0.3081
labels = np.fromfile(f"{data}/mnist_t10k_labels.u8", dtype=np.uint8).astype("int64")


def sim_event_times(digits, max_time=700):  # the notebook's, on an array of digits
    betas = 365 * np.exp(-0.6 * digits) / np.log(1.2)
    event_times = np.random.exponential(betas)
    censored = event_times > max_time
    event_times[censored] = max_time
    return tt.tuplefy(event_times, ~censored)


class Net(nn.Module):  # the notebook's
    def __init__(self, out_features):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5, 1)
        self.max_pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 16, 5, 1)
        self.glob_avg_pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc1 = nn.Linear(16, 16)
        self.fc2 = nn.Linear(16, out_features)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.max_pool(x)
        x = F.relu(self.conv2(x))
        x = self.glob_avg_pool(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


rows = []
for seed in (1, 2, 3):
    np.random.seed(seed)
    torch.manual_seed(seed)
    perm = np.random.permutation(len(labels))
    tr, va, te = perm[:n_train], perm[n_train : n_train + n_val], perm[n_train + n_val : n_train + n_val + n_test]
    sim = sim_event_times(labels)
    labtrans = LogisticHazard.label_transform(20)
    y_tr = labtrans.fit_transform(sim[0][tr], sim[1][tr])
    y_va = labtrans.transform(sim[0][va], sim[1][va])
    t0 = time.perf_counter()
    model = LogisticHazard(Net(labtrans.out_features), tt.optim.Adam(0.01), duration_index=labtrans.cuts)
    log = model.fit(images[tr], y_tr, 128, 50, [tt.cb.EarlyStopping(patience=5)], False, val_data=(images[va], y_va))
    surv = model.interpolate(10).predict_surv_df(images[te])
    t_te, e_te = sim[0][te], sim[1][te]
    ev = EvalSurv(surv, t_te, e_te, "km")
    ctd = ev.concordance_td()
    ibs = ev.integrated_brier_score(np.linspace(0, t_te.max()))
    secs = time.perf_counter() - t0
    rows.append((ctd, ibs, secs))
    print(f"seed {seed}  C_td {ctd:.3f}  IBS {ibs:.4f}  {secs:.1f} s  ({len(log.monitors['train_'].scores['loss']['score'])} epochs)", flush=True)
r = np.array(rows)
print(f"pycox notebook CNN: C_td {r[:, 0].mean():.3f} ± {r[:, 0].std(ddof=1):.3f}  IBS {r[:, 1].mean():.3f} ± {r[:, 1].std(ddof=1):.3f}  s/seed {' / '.join(f'{x:.1f}' for x in r[:, 2])}")
