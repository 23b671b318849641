#!/usr/bin/python3
"""Fixtures for four gaps between the SWA engine and PyTorch, recorded with torch.

Run with Debian's interpreter (python3-torch 1.13, python3-sklearn 1.2 from apt), after
generate.py has written the main fixtures (this script reads the digits data and the mlp / cnn
checkpoints from there):

    /usr/bin/python3 tools/swa_fixtures/generate_gaps.py \
        --testdata services/swa-serving/control/testdata

Writes <testdata>/gaps/ (deterministic, byte-identical across runs on one torch build):

1. mlp_dropout/: an MLP with Dropout(0.3) trained like generate.py's mlp; its last SWA-phase
   checkpoints exported (a) in eval mode (torch 1.13 drops eval-mode Dropout from the export) and
   (b) with the Dropout modules in train mode (Dropout nodes kept, training_mode = true); torch's
   update_bn statistics of the averaged model with Dropout disabled and with Dropout active for
   several torch seeds, and the seed-to-seed spread.
2. cnn_folded/: generate.py's cnn checkpoint exported with TrainingMode.EVAL, which folds every
   Conv->BatchNormalization pair into the Conv (initializers "onnx::Conv_NN").
3. mlp_arch/: generate.py's last mlp checkpoint with relu2 = Sigmoid, and with bn2.eps = 1e-3
   (same parameter names, other graph).
4. (non-finite calibration data needs no torch: the tests put a NaN into the digits rows.)

Everything is described in <testdata>/gaps/manifest.json. See README.md beside this file.
"""

import argparse
import copy
import hashlib
import itertools
import json
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.swa_utils import SWALR, AveragedModel, update_bn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate as G  # noqa: E402  (the main generator: data split, training recipe, ONNX reader)

DROPOUT_P = 0.3
DROPOUT_SEED = 505
DROPOUT_EPOCHS = 40
DROPOUT_CHECKPOINTS = 4  # the last 4 SWA-phase epochs (37..40)
TORCH_UPDATE_BN_SEEDS = list(range(10))
BN_EPS_CHANGED = 1e-3


class MLPDropout(nn.Module):
    input_shape = [64]

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.bn1 = nn.BatchNorm1d(32)
        self.relu1 = nn.ReLU()
        self.drop = nn.Dropout(DROPOUT_P)
        self.fc2 = nn.Linear(32, 32)
        self.bn2 = nn.BatchNorm1d(32)
        self.relu2 = nn.ReLU()
        self.out = nn.Linear(32, 10)

    def forward(self, x):
        x = self.drop(self.relu1(self.bn1(self.fc1(x))))
        x = self.relu2(self.bn2(self.fc2(x)))
        return self.out(x)


class MLPSigmoid(G.MLP):
    """generate.py's MLP with relu2 = Sigmoid: same parameter names, another graph."""

    def __init__(self):
        super().__init__()
        self.relu2 = nn.Sigmoid()


class MLPEps(G.MLP):
    """generate.py's MLP with bn2.eps changed: same parameter names and values."""

    def __init__(self):
        super().__init__()
        self.bn2.eps = BN_EPS_CHANGED


MLP_OPS = G.EXPECTED_OPS["mlp"]
DROPOUT_KEPT_OPS = MLP_OPS[:3] + ["Constant", "Constant", "Dropout"] + MLP_OPS[3:]
G.MODEL_CLASSES.update({"mlp_dropout": MLPDropout, "mlp_sigmoid": MLPSigmoid, "mlp_eps": MLPEps})
G.EXPECTED_OPS.update({
    "mlp_dropout": MLP_OPS,  # eval-mode export: torch 1.13 leaves Dropout out
    "mlp_dropout_kept": DROPOUT_KEPT_OPS,
    "mlp_sigmoid": MLP_OPS[:5] + ["Sigmoid"] + MLP_OPS[6:],
    "mlp_eps": MLP_OPS,
})


def export(model, path, training=torch.onnx.TrainingMode.PRESERVE, keep_dropout=False):
    """generate.py's export call on an eval-mode model; keep_dropout puts only the Dropout
    modules in train mode, so they export as Dropout nodes while BatchNorm stays in eval mode."""
    model.eval()
    if keep_dropout:
        for m in model.modules():
            if isinstance(m, nn.Dropout):
                m.train()
    kw = dict(G.EXPORT_KW, training=training)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.zeros([1] + type(model).input_shape), path, **kw)
    model.eval()


def state_from_onnx(path, cls):
    """A state_dict read back from one of generate.py's checkpoints (state_dict names)."""
    g = G.read_onnx(path)
    state = cls().state_dict()
    for key, value in state.items():
        if key.endswith("num_batches_tracked"):
            continue
        init = g["initializers"][key]
        array = np.frombuffer(init["data"], dtype="<f4").reshape(init["dims"])
        state[key] = torch.from_numpy(array.copy())
    return state


def f32_list(t):
    return [float(v) for v in t.detach().reshape(-1).numpy().astype(np.float32)]


def bn_stats(module):
    return {f"{name}.{buf}": f32_list(getattr(m, buf))
            for name, m in module.named_modules() if isinstance(m, nn.BatchNorm1d)
            for buf in ("running_mean", "running_var")}


def max_abs(a, b):
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


# ----------------------------------------------------------------------------- 1. Dropout


def train_dropout(data):
    """generate.py's recipe (SGD, lr schedule, SWALR at 75%, batch 32) for MLPDropout."""
    x_all, y_all, test_idx, _, train_idx = data
    x_train = torch.from_numpy(x_all[train_idx])
    y_train = torch.from_numpy(y_all[train_idx])
    x_test = torch.from_numpy(x_all[test_idx])
    y_test = torch.from_numpy(y_all[test_idx])
    swa_start = (DROPOUT_EPOCHS * 3) // 4
    torch.manual_seed(DROPOUT_SEED)
    model = MLPDropout()
    shuffle_gen = torch.Generator().manual_seed(DROPOUT_SEED + 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=G.LR0, momentum=G.MOMENTUM,
                                weight_decay=G.WEIGHT_DECAY)
    swa_scheduler = None
    checkpoints = []
    n = len(train_idx)
    for epoch in range(DROPOUT_EPOCHS):
        if epoch < swa_start:
            for group in optimizer.param_groups:
                group["lr"] = G.lr_for_epoch(epoch, swa_start)
        elif epoch == swa_start:
            swa_scheduler = SWALR(optimizer, swa_lr=G.SWA_LR, anneal_epochs=G.SWA_ANNEAL_EPOCHS)
        model.train()
        perm = torch.randperm(n, generator=shuffle_gen)
        for start in range(0, n, G.BATCH):
            idx = perm[start:start + G.BATCH]
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(model(x_train[idx]), y_train[idx]).backward()
            optimizer.step()
        if epoch >= swa_start:
            _, metrics = G.evaluate(model, x_test, y_test)
            checkpoints.append({"epoch": epoch + 1, "state": G.snapshot(model), "test": metrics})
            swa_scheduler.step()
    return checkpoints[-DROPOUT_CHECKPOINTS:]


def dropout_fixture(data, out):
    x_all, _, _, cal_idx, _ = data
    checkpoints = train_dropout(data)
    states = [c["state"] for c in checkpoints]
    files = {"eval": [], "dropout_kept": []}
    for c in checkpoints:
        model = G.build("mlp_dropout", c["state"])
        for variant, kind, keep in (("eval", "mlp_dropout", False),
                                    ("dropout_kept", "mlp_dropout_kept", True)):
            rel = f"mlp_dropout/{variant}/epoch_{c['epoch']:02d}.onnx"
            path = os.path.join(out, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            export(model, path, keep_dropout=keep)
            G.verify_onnx(path, kind, c["state"])
            files[variant].append(rel)
    kept = G.read_onnx(os.path.join(out, files["dropout_kept"][0]))
    dropout_nodes = [n for n in kept["nodes"] if n["op_type"] == "Dropout"]

    # The averaged model, buffers from the last checkpoint (torch >= 2.0, as in generate.py).
    swa = G.averaged("mlp_dropout", states)
    loader = DataLoader(TensorDataset(torch.from_numpy(x_all[cal_idx])),
                        batch_size=G.UPDATE_BN_BATCH, shuffle=False)

    # Dropout disabled: the deterministic reference ("inference" mode).
    off = copy.deepcopy(swa)
    off.module.drop = nn.Identity()
    update_bn(loader, off)
    reference = bn_stats(off.module)

    # Dropout active, as torch's update_bn runs it (model.train()), one run per torch seed.
    per_seed = []
    for seed in TORCH_UPDATE_BN_SEEDS:
        on = copy.deepcopy(swa)
        torch.manual_seed(seed)
        update_bn(loader, on)
        per_seed.append(bn_stats(on.module))
    # bn1 sits before the Dropout: identical in every run and equal to the reference.
    for stats in per_seed:
        for key in ("bn1.running_mean", "bn1.running_var"):
            assert stats[key] == reference[key], key
    keys = ["bn2.running_mean", "bn2.running_var"]
    seed_mean = {k: [float(v) for v in np.mean([s[k] for s in per_seed], axis=0)] for k in keys}
    spread = {}
    for k in keys:
        pairs = [max_abs(a[k], b[k]) for a, b in itertools.combinations(per_seed, 2)]
        to_mean = [max_abs(s[k], seed_mean[k]) for s in per_seed]
        leave_one_out = []
        for i, s in enumerate(per_seed):
            others = np.mean([t[k] for j, t in enumerate(per_seed) if j != i], axis=0)
            leave_one_out.append(max_abs(s[k], others))
        spread[k] = {
            "max_pairwise_max_abs": max(pairs),
            "median_pairwise_max_abs": float(np.median(pairs)),
            "max_seed_to_seed_mean_max_abs": max(to_mean),
            "max_leave_one_out_max_abs": max(leave_one_out),
            "reference_to_seed_mean_max_abs": max_abs(reference[k], seed_mean[k]),
            "reference_to_seed_mean_max_rel": float(np.max(
                np.abs(np.asarray(reference[k]) - np.asarray(seed_mean[k])) /
                np.maximum(1.0, np.abs(np.asarray(seed_mean[k]))))),
            "seed_mean_over_reference_mean_ratio": float(
                np.mean(seed_mean[k]) / np.mean(reference[k])),
        }
    return {
        "architecture": "fc1 Linear(64,32) -> bn1 BatchNorm1d(32) -> ReLU -> drop "
                        f"Dropout({DROPOUT_P}) -> fc2 Linear(32,32) -> bn2 BatchNorm1d(32) -> "
                        "ReLU -> out Linear(32,10)",
        "training": f"generate.py's recipe (seed {DROPOUT_SEED}, shuffle generator seed + 1, "
                    f"{DROPOUT_EPOCHS} epochs, SWALR from epoch {(DROPOUT_EPOCHS * 3) // 4 + 1})",
        "input_shape": ["batch"] + MLPDropout.input_shape,
        "checkpoints": [{"epoch": c["epoch"], "test": c["test"]} for c in checkpoints],
        "files": files,
        "exports": {
            "eval": "model.eval(); torch.onnx.export(..., training=PRESERVE, "
                    "do_constant_folding=False): torch 1.13 leaves eval-mode Dropout out of the "
                    "graph (ops " + " ".join(MLP_OPS) + ")",
            "dropout_kept": "model.eval(); model.drop.train(); torch.onnx.export(..., "
                            "training=PRESERVE, do_constant_folding=False): BatchNormalization "
                            "in inference form, Dropout kept with Constant ratio and Constant "
                            "training_mode = true (ops " + " ".join(DROPOUT_KEPT_OPS) + ")",
            "whole_model_train_or_TRAINING": "model.train() with PRESERVE, or TrainingMode."
                                             "TRAINING, also keeps Dropout, but exports "
                                             "BatchNormalization with training_mode = 1 (three "
                                             "outputs): the served model would normalise by "
                                             "batch statistics. Not used.",
        },
        "dropout_nodes": [{"name": n["name"], "inputs": n["input"], "outputs": n["output"]}
                          for n in dropout_nodes],
        "update_bn": {
            "batch_size": G.UPDATE_BN_BATCH,
            "batches": len(loader),
            "averaging": "AveragedModel equal average of the checkpoints in epoch order, BN "
                         "buffers from the last checkpoint; both export variants hold the same "
                         "weights",
            "dropout_off": "torch.optim.swa_utils.update_bn with model.drop = nn.Identity()",
            "dropout_on": "torch.manual_seed(seed); update_bn (model.train(): Dropout active) "
                          "for each seed in torch_seeds",
            "torch_seeds": TORCH_UPDATE_BN_SEEDS,
            "reference_dropout_off": reference,
            "dropout_on_per_seed": [{k: s[k] for k in keys} for s in per_seed],
            "dropout_on_seed_mean": seed_mean,
            "bn1_identical_across_seeds_and_reference": True,
            "spread": spread,
        },
    }


# ----------------------------------------------------------------------------- 2. folded BN


def folded_fixture(testdata, out):
    source = "cnn/run0/epoch_19.onnx"
    model = G.build("cnn", state_from_onnx(os.path.join(testdata, source), G.CNN))
    rel = "cnn_folded/epoch_19_eval.onnx"
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    export(model, path, training=torch.onnx.TrainingMode.EVAL)
    g = G.read_onnx(path)
    ops = [n["op_type"] for n in g["nodes"]]
    assert "BatchNormalization" not in ops, ops
    conv = g["nodes"][ops.index("Conv")]
    assert conv["input"][1].startswith("onnx::"), conv
    return {
        "file": rel,
        "from": source,
        "export": "model.eval(); torch.onnx.export(..., training=TrainingMode.EVAL, "
                  "do_constant_folding=False)",
        "ops": ops,
        "initializers": sorted(g["initializers"]),
        "first_conv": {"name": conv["name"], "weight": conv["input"][1]},
    }


# ----------------------------------------------------------------------------- 3. architecture


def arch_fixture(testdata, out):
    source = "mlp/run0/epoch_40.onnx"
    state = state_from_onnx(os.path.join(testdata, source), G.MLP)
    base = G.read_onnx(os.path.join(testdata, source))
    cases = {}
    changed_op = lambda g: next(i for i, (a, b) in enumerate(zip(base["nodes"], g["nodes"]))
                                if a["op_type"] != b["op_type"])
    bn2_node = lambda g: next(i for i, n in enumerate(g["nodes"])
                              if n["op_type"] == "BatchNormalization" and "bn2.weight" in n["input"])
    for key, kind, description, locate in (
            ("relu2_sigmoid", "mlp_sigmoid", "relu2 = nn.Sigmoid() instead of nn.ReLU()",
             changed_op),
            ("bn2_eps", "mlp_eps", f"bn2.eps = {BN_EPS_CHANGED} instead of 1e-5 (attribute "
                                   "epsilon of the BatchNormalization node)", bn2_node)):
        rel = f"mlp_arch/{key}.onnx"
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        export(G.build(kind, state), path)
        g = G.verify_onnx(path, kind, state)
        index = locate(g)
        node = g["nodes"][index]
        cases[key] = {"file": rel, "from": source, "change": description,
                      "first_differing_node": {"index": index, "name": node["name"],
                                               "op_type": node["op_type"],
                                               "reference_op_type":
                                                   base["nodes"][index]["op_type"]}}
    return cases


# ----------------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--testdata", required=True,
                    help="generate.py's output folder (services/swa-serving/control/testdata)")
    args = ap.parse_args()
    testdata = args.testdata
    out = os.path.join(testdata, "gaps")

    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(out, exist_ok=True)

    data = G.load_data()
    digits = np.fromfile(os.path.join(testdata, "digits_x.f32"), dtype="<f4").reshape(-1, 64)
    assert np.array_equal(digits, data[0]), "testdata/digits_x.f32 is not load_digits() / 16"

    manifest = {
        "generator": "tools/swa_fixtures/generate_gaps.py",
        "versions": {"torch": torch.__version__, "numpy": np.__version__,
                     "python": sys.version.split()[0]},
        "data": "the digits rows and split of ../manifest.json (calibration_indices: 256 rows, "
                "update_bn batch 32, no shuffle)",
        "dropout": dropout_fixture(data, out),
        "folded_batch_norm": folded_fixture(testdata, out),
        "architecture": arch_fixture(testdata, out),
    }
    listing = {}
    for root, _, names in os.walk(out):
        for fname in sorted(names):
            path = os.path.join(root, fname)
            rel = os.path.relpath(path, out).replace(os.sep, "/")
            if rel != "manifest.json":
                with open(path, "rb") as f:
                    listing[rel] = {"bytes": os.path.getsize(path),
                                    "sha256": hashlib.sha256(f.read()).hexdigest()}
    manifest["files"] = dict(sorted(listing.items()))
    G.write_json(os.path.join(out, "manifest.json"), manifest)
    total = sum(v["bytes"] for v in listing.values()) + os.path.getsize(
        os.path.join(out, "manifest.json"))
    print(f"wrote {len(listing) + 1} files, {total} bytes, to {out}")


if __name__ == "__main__":
    main()
