#!/usr/bin/python3
"""Record what PyTorch computes for Stochastic Weight Averaging (SWA), as test fixtures.

Run with Debian's interpreter (python3-torch 1.13, python3-sklearn 1.2 from apt):

    /usr/bin/python3 tools/swa_fixtures/generate.py --out services/swa-serving/control/testdata

Deterministic: two runs on the same machine/torch build give byte-identical files.
Writes the digits data set, ONNX checkpoints of short training runs (mlp x3, cnn x1), and
for run0 of each model the torch results of AveragedModel (equal, EMA, use_buffers),
update_bn, the SWA model's test logits and SWAG moments; plus SWALR learning-rate traces.
Everything is described in <out>/manifest.json. See README.md beside this file.
"""

import argparse
import copy
import hashlib
import json
import os
import sys
import tempfile
import warnings

import numpy as np
import sklearn
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.optim.lr_scheduler import StepLR
from torch.optim.swa_utils import SWALR, AveragedModel, update_bn
from torch.utils.data import DataLoader, TensorDataset

try:  # optional extra check (Debian: python3-onnx); never needed, never changes outputs
    import onnx
    import onnx.checker
    import onnx.numpy_helper
except ImportError:  # pragma: no cover
    onnx = None

# ----------------------------------------------------------------------------- constants

SPLIT_SEED = 20240601
N_TEST = 360
N_CAL = 256
BATCH = 32
MOMENTUM = 0.9
WEIGHT_DECAY = 5e-4
LR0 = 0.1
SWA_LR = 0.05
SWA_ANNEAL_EPOCHS = 0
EMA_DECAY = 0.9
SWAG_K = 5
UPDATE_BN_BATCH = 32
OPSET = 17

# Seeds per run: torch.manual_seed(seed) before building the model (init), and a
# torch.Generator seeded with seed + 1 for the per-epoch shuffles of the training rows.
RUN_SEEDS = {"mlp": [101, 202, 303], "cnn": [404]}
EPOCHS = {"mlp": 40, "cnn": 24}

# torch.onnx.export arguments. training=PRESERVE (with model.eval()) instead of EVAL: in torch
# 1.13, TrainingMode.EVAL runs _jit_pass_onnx_eval_peephole, which folds Conv+BatchNormalization
# into the Conv weights (new initializers named "onnx::Conv_NN", no BatchNormalization node). That
# would make the cnn checkpoints useless for weight averaging / update_bn. PRESERVE on a model in
# eval mode skips that pass; for the mlp (no Conv) the bytes are identical to EVAL, which this
# script checks (see check_export_modes).
EXPORT_KW = dict(
    opset_version=OPSET,
    do_constant_folding=False,
    training=torch.onnx.TrainingMode.PRESERVE,
    input_names=["input"],
    output_names=["logits"],
    dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
    export_params=True,
)


# ----------------------------------------------------------------------------- models


class MLP(nn.Module):
    input_shape = [64]

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.bn1 = nn.BatchNorm1d(32)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(32, 32)
        self.bn2 = nn.BatchNorm1d(32)
        self.relu2 = nn.ReLU()
        self.out = nn.Linear(32, 10)

    def forward(self, x):
        x = self.relu1(self.bn1(self.fc1(x)))
        x = self.relu2(self.bn2(self.fc2(x)))
        return self.out(x)


class CNN(nn.Module):
    input_shape = [1, 8, 8]

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1, stride=2)
        self.bn2 = nn.BatchNorm2d(16)
        self.relu2 = nn.ReLU()
        self.flatten = nn.Flatten()
        self.out = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        x = self.relu1(self.bn1(self.conv1(x)))
        x = self.relu2(self.bn2(self.conv2(x)))
        return self.out(self.flatten(x))


MODEL_CLASSES = {"mlp": MLP, "cnn": CNN}
EXPECTED_OPS = {
    "mlp": ["Gemm", "BatchNormalization", "Relu", "Gemm", "BatchNormalization", "Relu", "Gemm"],
    "cnn": ["Conv", "BatchNormalization", "Relu", "Conv", "BatchNormalization", "Relu",
            "Flatten", "Gemm"],
}
MODEL_DESCRIPTIONS = {
    "mlp": "fc1 Linear(64,32) -> bn1 BatchNorm1d(32) -> ReLU -> fc2 Linear(32,32) -> "
           "bn2 BatchNorm1d(32) -> ReLU -> out Linear(32,10)",
    "cnn": "conv1 Conv2d(1,8,3,padding=1) -> bn1 BatchNorm2d(8) -> ReLU -> "
           "conv2 Conv2d(8,16,3,padding=1,stride=2) -> bn2 BatchNorm2d(16) -> ReLU -> "
           "flatten -> out Linear(256,10)",
}


# ----------------------------------------------------------------------------- helpers


def f32_bytes(t):
    return np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4")).tobytes()


def bits_equal(a, b):
    a = np.ascontiguousarray(np.asarray(a, dtype=np.float32))
    b = np.ascontiguousarray(np.asarray(b, dtype=np.float32))
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def snapshot(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def exported_state(state):
    """The state_dict entries that appear in an ONNX export (num_batches_tracked never does)."""
    return {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}


def build(name, state=None):
    model = MODEL_CLASSES[name]()
    if state is not None:
        model.load_state_dict(state)
    return model


def export_onnx(model, name, path, training_mode=None):
    was_training = model.training
    model.eval()
    dummy = torch.zeros([1] + MODEL_CLASSES[name].input_shape)
    kw = dict(EXPORT_KW)
    if training_mode is not None:
        kw["training"] = training_mode
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, dummy, path, **kw)
    model.train(was_training)


@torch.no_grad()
def evaluate(model, x, y):
    was_training = model.training
    model.eval()
    logits = model(x)
    model.train(was_training)
    nll = F.cross_entropy(logits, y).item()
    correct = int((logits.argmax(dim=1) == y).sum().item())
    return logits, {"accuracy": correct / len(y), "correct": correct, "nll": nll}


# --------------------------------------------------------------- minimal ONNX protobuf reader
# Enough of the wire format to list nodes and initializers without the onnx package.


def _varint(buf, i):
    shift = 0
    value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def _fields(buf):
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            length, i = _varint(buf, i)
            value, i = buf[i:i + length], i + length
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield field, wire, value


def _packed_varints(value, wire):
    if wire == 0:
        return [value]
    out, i = [], 0
    while i < len(value):
        v, i = _varint(value, i)
        out.append(v)
    return out


def read_onnx(path):
    with open(path, "rb") as f:
        model = f.read()
    graph = None
    opsets = []
    for field, _, value in _fields(model):
        if field == 7:
            graph = value
        elif field == 8:
            opsets.append({f: v for f, _, v in _fields(value)})
    nodes, inits, inputs, outputs = [], {}, [], []
    for field, _, value in _fields(graph):
        if field == 1:  # NodeProto
            node = {"input": [], "output": [], "name": "", "op_type": ""}
            for f, _, v in _fields(value):
                if f == 1:
                    node["input"].append(v.decode())
                elif f == 2:
                    node["output"].append(v.decode())
                elif f == 3:
                    node["name"] = v.decode()
                elif f == 4:
                    node["op_type"] = v.decode()
            nodes.append(node)
        elif field == 5:  # TensorProto
            dims, dtype, name, raw, floats = [], None, None, None, None
            for f, w, v in _fields(value):
                if f == 1:
                    dims.extend(_packed_varints(v, w))
                elif f == 2:
                    dtype = v
                elif f == 8:
                    name = v.decode()
                elif f == 9:
                    raw = bytes(v)
                elif f == 4:
                    floats = bytes(v) if w == 2 else None
            inits[name] = {"dims": dims, "data_type": dtype, "data": raw if raw is not None else floats}
        elif field in (11, 12):  # ValueInfoProto: name is field 1
            vname = next(v.decode() for f, _, v in _fields(value) if f == 1)
            (inputs if field == 11 else outputs).append(vname)
    return {"nodes": nodes, "initializers": inits, "inputs": inputs, "outputs": outputs,
            "opset": [int(o.get(2, 0)) for o in opsets]}


ONNX_CHECKS = {"files": 0, "onnx_package_checks": 0}


def verify_onnx(path, name, state):
    """The file holds exactly `state` (minus num_batches_tracked) under state_dict names, with
    the expected op sequence (BatchNormalization kept as nodes, no Identity/dedup nodes)."""
    g = read_onnx(path)
    ops = [n["op_type"] for n in g["nodes"]]
    if ops != EXPECTED_OPS[name]:
        raise AssertionError(f"{path}: ops {ops} != {EXPECTED_OPS[name]}")
    if g["inputs"] != ["input"] or g["outputs"] != ["logits"]:
        raise AssertionError(f"{path}: graph io {g['inputs']} -> {g['outputs']}")
    if g["opset"] != [OPSET]:
        raise AssertionError(f"{path}: opset {g['opset']}")
    want = exported_state(state)
    if set(g["initializers"]) != set(want):
        raise AssertionError(f"{path}: initializers {sorted(g['initializers'])} != {sorted(want)}")
    for key, tensor in want.items():
        init = g["initializers"][key]
        if init["data_type"] != 1 or init["dims"] != list(tensor.shape):
            raise AssertionError(f"{path}: {key} dtype/dims {init['data_type']} {init['dims']}")
        if init["data"] != f32_bytes(tensor):
            raise AssertionError(f"{path}: {key} values differ from the torch state")
    if onnx is not None:
        m = onnx.load(path)
        onnx.checker.check_model(m)
        arrays = {t.name: onnx.numpy_helper.to_array(t) for t in m.graph.initializer}
        for key, tensor in want.items():
            if not bits_equal(arrays[key], tensor.numpy()):
                raise AssertionError(f"{path}: onnx package reads {key} differently")
        ONNX_CHECKS["onnx_package_checks"] += 1
    ONNX_CHECKS["files"] += 1
    return g


def check_export_modes(name, state):
    """Documents torch 1.13's TrainingMode.EVAL behaviour next to PRESERVE (what we use)."""
    model = build(name, state)
    with tempfile.TemporaryDirectory() as tmp:
        p_eval = os.path.join(tmp, "eval.onnx")
        p_pres = os.path.join(tmp, "preserve.onnx")
        export_onnx(model, name, p_eval, training_mode=torch.onnx.TrainingMode.EVAL)
        export_onnx(model, name, p_pres)
        with open(p_eval, "rb") as a, open(p_pres, "rb") as b:
            identical = a.read() == b.read()
        g = read_onnx(p_eval)
    return {
        "training_EVAL_bytes_identical_to_PRESERVE": identical,
        "training_EVAL_ops": [n["op_type"] for n in g["nodes"]],
        "training_EVAL_initializers": sorted(g["initializers"]),
    }


# ----------------------------------------------------------------------------- data


def load_data():
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)  # exact: pixels are integers 0..16
    y = digits.target.astype(np.int64)
    assert x.shape == (1797, 64) and y.shape == (1797,)
    gen = torch.Generator().manual_seed(SPLIT_SEED)
    perm = torch.randperm(len(y), generator=gen).tolist()
    test_idx = perm[:N_TEST]
    train_idx = perm[N_TEST:]
    cal_idx = train_idx[:N_CAL]
    return x, y, test_idx, cal_idx, train_idx


# ----------------------------------------------------------------------------- training


def lr_for_epoch(epoch, swa_start):
    """Pre-SWA phase: linear per epoch from LR0 (epoch 0) towards SWA_LR (reached at swa_start)."""
    return LR0 + (SWA_LR - LR0) * epoch / swa_start


def train_run(name, run, seed, data, out_dir):
    x_all, y_all, test_idx, cal_idx, train_idx = data
    shape = [-1] + MODEL_CLASSES[name].input_shape
    x_train = torch.from_numpy(x_all[train_idx]).reshape(shape)
    y_train = torch.from_numpy(y_all[train_idx])
    x_test = torch.from_numpy(x_all[test_idx]).reshape(shape)
    y_test = torch.from_numpy(y_all[test_idx])

    epochs = EPOCHS[name]
    swa_start = (epochs * 3) // 4
    torch.manual_seed(seed)
    model = build(name)
    shuffle_gen = torch.Generator().manual_seed(seed + 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR0, momentum=MOMENTUM,
                                weight_decay=WEIGHT_DECAY)
    swa_scheduler = None
    run_dir = os.path.join(out_dir, name, f"run{run}")
    os.makedirs(run_dir, exist_ok=True)

    curve, checkpoints = [], []
    n = len(train_idx)
    for epoch in range(epochs):
        if epoch < swa_start:
            for group in optimizer.param_groups:
                group["lr"] = lr_for_epoch(epoch, swa_start)
        elif epoch == swa_start:
            swa_scheduler = SWALR(optimizer, swa_lr=SWA_LR, anneal_epochs=SWA_ANNEAL_EPOCHS)
        lr = optimizer.param_groups[0]["lr"]
        model.train()
        perm = torch.randperm(n, generator=shuffle_gen)
        loss_sum = 0.0
        for start in range(0, n, BATCH):
            idx = perm[start:start + BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(idx)
        _, metrics = evaluate(model, x_test, y_test)
        entry = {"epoch": epoch + 1, "lr": lr, "train_loss": loss_sum / n, "test": metrics}
        curve.append(entry)
        if epoch >= swa_start:
            fname = f"epoch_{epoch + 1:02d}.onnx"
            path = os.path.join(run_dir, fname)
            state = snapshot(model)
            export_onnx(model, name, path)
            verify_onnx(path, name, state)
            checkpoints.append({"file": f"{name}/run{run}/{fname}", "epoch": epoch + 1,
                                "lr": lr, "state": state, "test": metrics})
            swa_scheduler.step()
        print(f"{name} run{run} epoch {epoch + 1:2d} lr {lr:.5f} loss {loss_sum / n:.4f} "
              f"test acc {metrics['accuracy']:.4f} nll {metrics['nll']:.4f}", flush=True)
    return {"seed": seed, "swa_start": swa_start, "curve": curve, "checkpoints": checkpoints}


# ----------------------------------------------------------------------------- SWA results


def copy_buffers(module, state):
    with torch.no_grad():
        for key, buf in module.named_buffers():
            buf.copy_(state[key])


def averaged(name, states, use_buffers=False, avg_fn=None):
    swa = AveragedModel(build(name, states[0]), avg_fn=avg_fn, use_buffers=use_buffers)
    for state in states:
        swa.update_parameters(build(name, state))
    if not use_buffers:
        # torch 1.13 keeps the buffers deep-copied at construction; torch >= 2.0 copies the
        # latest model's buffers on every update_parameters. Emulate the latter.
        copy_buffers(swa.module, states[-1])
    return swa


def emulate_equal(values):
    a = values[0].copy()
    for n, x in enumerate(values[1:], start=1):
        a = a + (x - a) / np.float32(n + 1)
    return a


def emulate_ema(values):
    a = values[0].copy()
    d, e = np.float32(EMA_DECAY), np.float32(1 - EMA_DECAY)
    for x in values[1:]:
        a = d * a + e * x
    return a


def swag_collect(states, param_names):
    """wjmaddox/swa_gaussian swag/posteriors/swag.py SWAG.collect_model, no_cov_mat=False,
    max_num_models=SWAG_K, applied per checkpoint in order; torch ops written exactly as there."""
    mean = {k: torch.zeros_like(states[0][k]) for k in param_names}
    sq_mean = {k: torch.zeros_like(states[0][k]) for k in param_names}
    cov = {k: states[0][k].new_empty((0, states[0][k].numel())).zero_() for k in param_names}
    n_models = torch.zeros([1], dtype=torch.long)
    for state in states:
        for k in param_names:
            p = state[k]
            mean[k] = mean[k] * n_models.item() / (n_models.item() + 1.0) + p / (n_models.item() + 1.0)
            sq_mean[k] = sq_mean[k] * n_models.item() / (n_models.item() + 1.0) + p ** 2 / (n_models.item() + 1.0)
            dev = (p - mean[k]).view(-1, 1)
            cov[k] = torch.cat((cov[k], dev.view(-1, 1).t()), dim=0)
            if (n_models.item() + 1) > SWAG_K:
                cov[k] = cov[k][1:, :]
        n_models.add_(1)
    flat_mean = torch.cat([mean[k].reshape(-1) for k in param_names])
    flat_sq = torch.cat([sq_mean[k].reshape(-1) for k in param_names])
    flat_dev = torch.cat([cov[k] for k in param_names], dim=1)
    return flat_mean, flat_sq, flat_dev


def emulate_swag(flat_params):
    mean = np.zeros_like(flat_params[0])
    sq = np.zeros_like(flat_params[0])
    rows = []
    for n, p in enumerate(flat_params):
        mean = (mean * np.float32(n)) / np.float32(n + 1.0) + p / np.float32(n + 1.0)
        sq = (sq * np.float32(n)) / np.float32(n + 1.0) + (p * p) / np.float32(n + 1.0)
        rows.append(p - mean)
        rows = rows[-SWAG_K:]
    return mean, sq, np.stack(rows)


def expected_outputs(name, run0, data, out_dir):
    x_all, y_all, test_idx, cal_idx, _ = data
    shape = [-1] + MODEL_CLASSES[name].input_shape
    x_test = torch.from_numpy(x_all[test_idx]).reshape(shape)
    y_test = torch.from_numpy(y_all[test_idx])
    x_cal = torch.from_numpy(x_all[cal_idx]).reshape(shape)
    states = [c["state"] for c in run0["checkpoints"]]
    exp_dir = os.path.join(out_dir, name, "expected")
    os.makedirs(exp_dir, exist_ok=True)
    files, metrics, exactness = {}, {}, {}

    def add_onnx(key, module, description):
        path = os.path.join(exp_dir, f"{key}.onnx")
        state = snapshot(module)
        export_onnx(module, name, path)
        verify_onnx(path, name, state)
        _, metrics[key] = evaluate(module, x_test, y_test)
        files[key] = {"file": f"{name}/expected/{key}.onnx", "format": "onnx",
                      "dtype": "float32 initializers",
                      "input_shape": ["batch"] + MODEL_CLASSES[name].input_shape,
                      "output_shape": ["batch", 10], "description": description}
        return state

    param_names = [k for k, _ in build(name).named_parameters()]
    buffer_names = [k for k, b in build(name).named_buffers() if b.is_floating_point()]

    # 1. equal average, use_buffers=False, buffers = last checkpoint's
    swa_eq = averaged(name, states)
    st = add_onnx("averaged_equal", swa_eq.module,
                  "AveragedModel(model) (equal average, use_buffers=False) updated with every "
                  "SWA-phase checkpoint in order; BN buffers copied from the last checkpoint "
                  "(torch >= 2.0 behaviour; torch 1.13 would keep its construction-time copy)")
    exactness["averaged_equal"] = all(
        bits_equal(st[k], emulate_equal([s[k].numpy() for s in states])) for k in param_names)
    assert int(swa_eq.n_averaged.item()) == len(states)

    # 2. EMA
    ema = averaged(name, states,
                   avg_fn=lambda a, x, n: EMA_DECAY * a + (1 - EMA_DECAY) * x)
    st = add_onnx("averaged_ema", ema.module,
                  f"AveragedModel with avg_fn = {EMA_DECAY} * a + (1 - {EMA_DECAY}) * x (first "
                  "update copies), use_buffers=False, BN buffers from the last checkpoint")
    exactness["averaged_ema"] = all(
        bits_equal(st[k], emulate_ema([s[k].numpy() for s in states])) for k in param_names)

    # 3. equal average of parameters and buffers
    swa_buf = averaged(name, states, use_buffers=True)
    st = add_onnx("averaged_equal_buffers", swa_buf.module,
                  "AveragedModel(model, use_buffers=True): parameters and BN running_mean/"
                  "running_var equally averaged over the checkpoints (num_batches_tracked is "
                  "averaged too, as an integer, but is not exported)")
    exactness["averaged_equal_buffers"] = all(
        bits_equal(st[k], emulate_equal([s[k].numpy() for s in states]))
        for k in param_names + buffer_names)

    # 4. update_bn on the equal average
    swa_bn = copy.deepcopy(swa_eq)
    loader = DataLoader(TensorDataset(x_cal), batch_size=UPDATE_BN_BATCH, shuffle=False,
                        drop_last=False)
    update_bn(loader, swa_bn)
    st = add_onnx("swa_update_bn", swa_bn.module,
                  "averaged_equal after torch.optim.swa_utils.update_bn over the calibration rows "
                  f"in split order (batch {UPDATE_BN_BATCH}, no shuffle, {len(loader)} batches)")
    assert all(bits_equal(st[k], swa_eq.module.state_dict()[k]) for k in param_names)
    assert int(swa_bn.module.bn1.num_batches_tracked) == len(loader)

    # 5. test logits of model 4
    logits, m = evaluate(swa_bn, x_test, y_test)
    assert m == metrics["swa_update_bn"]
    with open(os.path.join(exp_dir, "swa_test_logits.f32"), "wb") as f:
        f.write(f32_bytes(logits))
    files["swa_test_logits"] = {"file": f"{name}/expected/swa_test_logits.f32", "dtype": "float32",
                                "shape": list(logits.shape),
                                "description": "logits of swa_update_bn (eval mode) on the test "
                                               "rows in split order, row-major"}

    # 6. SWAG
    mean, sq_mean, dev = swag_collect(states, param_names)
    for key, t, desc in (
            ("swag_mean", mean, "SWAG first moment over model.parameters(), flattened"),
            ("swag_sq_mean", sq_mean, "SWAG second moment (mean of p**2), flattened"),
            ("swag_deviations", dev, f"SWAG deviation rows p - mean (oldest first), last "
                                     f"min(n, {SWAG_K}) checkpoints, row-major [rows, P]")):
        with open(os.path.join(exp_dir, f"{key}.f32"), "wb") as f:
            f.write(f32_bytes(t))
        files[key] = {"file": f"{name}/expected/{key}.f32", "dtype": "float32",
                      "shape": list(t.shape), "description": desc}
    flat = [np.concatenate([s[k].numpy().reshape(-1) for k in param_names]) for s in states]
    e_mean, e_sq, e_dev = emulate_swag(flat)
    exactness["swag"] = bits_equal(mean, e_mean) and bits_equal(sq_mean, e_sq) and bits_equal(dev, e_dev)

    for k, v in exactness.items():
        if not v:
            print(f"WARNING: numpy float32 emulation of {k} is not bit-exact", file=sys.stderr)

    model = build(name)
    return {
        "files": files,
        "test_metrics": metrics,
        "float32_emulation_bit_exact": exactness,
        "swag_parameter_order": [{"name": k, "shape": list(p.shape), "numel": p.numel()}
                                 for k, p in model.named_parameters()],
        "swag_P": sum(p.numel() for p in model.parameters()),
        "swag_rows": int(dev.shape[0]),
        "buffers_from_checkpoint": run0["checkpoints"][-1]["file"],
    }


# ----------------------------------------------------------------------------- SWALR traces


def swalr_cases():
    cases = []
    specs = []
    for swa_lr in (0.05, 0.01):
        for anneal_epochs in (0, 1, 3, 10):
            for strategy in ("cos", "linear"):
                specs.append(dict(swa_lr=swa_lr, anneal_epochs=anneal_epochs,
                                  anneal_strategy=strategy, before=None, during=None))
    specs.append(dict(swa_lr=0.05, anneal_epochs=3, anneal_strategy="cos",
                      before={"kind": "StepLR", "step_size": 2, "gamma": 0.3, "steps": 3},
                      during=None))
    specs.append(dict(swa_lr=0.05, anneal_epochs=5, anneal_strategy="linear",
                      before={"kind": "manual", "lr": 0.2}, during=None))
    specs.append(dict(swa_lr=0.05, anneal_epochs=5, anneal_strategy="cos", before=None,
                      during={"kind": "manual", "before_step": 3, "lr": 0.02}))
    for spec in specs:
        param = nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([param], lr=LR0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            before = spec["before"]
            if before and before["kind"] == "StepLR":
                sched = StepLR(optimizer, step_size=before["step_size"], gamma=before["gamma"])
                for _ in range(before["steps"]):
                    optimizer.step()
                    sched.step()
            elif before and before["kind"] == "manual":
                optimizer.param_groups[0]["lr"] = before["lr"]
            lr_before = optimizer.param_groups[0]["lr"]
            swalr = SWALR(optimizer, swa_lr=spec["swa_lr"], anneal_epochs=spec["anneal_epochs"],
                          anneal_strategy=spec["anneal_strategy"])
            lrs = [optimizer.param_groups[0]["lr"]]
            for step in range(1, 16):
                during = spec["during"]
                if during and during["before_step"] == step:
                    optimizer.param_groups[0]["lr"] = during["lr"]
                optimizer.step()
                swalr.step()
                lrs.append(optimizer.param_groups[0]["lr"])
        cases.append({**spec, "initial_optimizer_lr": LR0, "lr_before_swalr": lr_before,
                      "lrs": lrs})
    return {
        "description": "torch.optim.swa_utils.SWALR on SGD([p], lr=0.1), one param group. lrs[0] "
                       "is optimizer.param_groups[0]['lr'] right after constructing SWALR, lrs[i] "
                       "after the i-th step() (15 steps). 'before': what moved the lr before "
                       "SWALR was constructed (StepLR stepped 'steps' times, or a manual set); "
                       "'during': a manual lr set just before step() number 'before_step'. Floats "
                       "are Python repr (shortest round-trip form: exact doubles).",
        "torch_version": torch.__version__,
        "cases": cases,
    }


# ----------------------------------------------------------------------------- main


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, allow_nan=False)
        f.write("\n")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output folder (e.g. services/swa-serving/control/testdata)")
    args = ap.parse_args()
    out = args.out

    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(out, exist_ok=True)

    data = load_data()
    x_all, y_all, test_idx, cal_idx, train_idx = data
    with open(os.path.join(out, "digits_x.f32"), "wb") as f:
        f.write(x_all.astype("<f4").tobytes())
    with open(os.path.join(out, "digits_y.u8"), "wb") as f:
        f.write(y_all.astype(np.uint8).tobytes())

    models = {}
    for name in ("mlp", "cnn"):
        runs = [train_run(name, r, seed, data, out) for r, seed in enumerate(RUN_SEEDS[name])]
        run_info = []
        for r, run in enumerate(runs):
            # SWA model metrics for every run (files only for run0)
            states = [c["state"] for c in run["checkpoints"]]
            swa = averaged(name, states)
            shape = [-1] + MODEL_CLASSES[name].input_shape
            update_bn(DataLoader(TensorDataset(torch.from_numpy(x_all[cal_idx]).reshape(shape)),
                                 batch_size=UPDATE_BN_BATCH, shuffle=False), swa)
            _, swa_metrics = evaluate(swa, torch.from_numpy(x_all[test_idx]).reshape(shape),
                                      torch.from_numpy(y_all[test_idx]))
            run_info.append({
                "run": r,
                "seed": run["seed"],
                "checkpoints": [{"file": c["file"], "epoch": c["epoch"], "lr": c["lr"],
                                 "test": c["test"]} for c in run["checkpoints"]],
                "curve": run["curve"],
                "swa_update_bn_test": swa_metrics,
            })
        expected = expected_outputs(name, runs[0], data, out)
        model = build(name)
        sd = model.state_dict()
        models[name] = {
            "architecture": MODEL_DESCRIPTIONS[name],
            "input_shape": ["batch"] + MODEL_CLASSES[name].input_shape,
            "input_from_digits_x": "each 64-float row" + (" reshaped to [1, 8, 8] (row-major 8x8 "
                                                          "image)" if name == "cnn" else ""),
            "onnx_ops": EXPECTED_OPS[name],
            "onnx_initializers": [{"name": k, "shape": list(v.shape)}
                                  for k, v in exported_state(sd).items()],
            "onnx_initializer_name_mapping": {},
            "state_dict_entries_not_exported": [k for k in sd if k.endswith("num_batches_tracked")],
            "export_mode_check": check_export_modes(name, runs[0]["checkpoints"][0]["state"]),
            "epochs": EPOCHS[name],
            "swa_start_epoch": runs[0]["swa_start"],
            "checkpoint_naming": "epoch_NN.onnx = weights after NN completed epochs (1-based); "
                                 "one per SWA-phase epoch, taken after that epoch's training and "
                                 "before SWALR.step()",
            "lr_schedule": {
                "pre_swa": f"epochs 1..{runs[0]['swa_start']}: lr = {LR0} + ({SWA_LR} - {LR0}) * "
                           f"e / {runs[0]['swa_start']} for 0-based epoch e, set on the param "
                           "group before the epoch",
                "swa": f"SWALR(optimizer, swa_lr={SWA_LR}, anneal_epochs={SWA_ANNEAL_EPOCHS}) "
                       f"constructed before epoch {runs[0]['swa_start'] + 1} (sets lr to swa_lr), "
                       "step() after each SWA-phase epoch",
                "per_epoch_lr": [e["lr"] for e in runs[0]["curve"]],
            },
            "runs": run_info,
            "ema_decay": EMA_DECAY,
            "update_bn_batch_size": UPDATE_BN_BATCH,
            "update_bn_batches": -(-N_CAL // UPDATE_BN_BATCH),
            "swag_K": SWAG_K,
            "expected": expected,
        }

    write_json(os.path.join(out, "swalr.json"), swalr_cases())

    manifest = {
        "generator": "tools/swa_fixtures/generate.py",
        "versions": {"torch": torch.__version__, "sklearn": sklearn.__version__,
                     "numpy": np.__version__, "python": sys.version.split()[0]},
        "determinism": {"torch.manual_seed": 0, "use_deterministic_algorithms": True,
                        "num_threads": 1},
        "data": {
            "source": "sklearn.datasets.load_digits() (bundled with scikit-learn)",
            "x": {"file": "digits_x.f32", "dtype": "float32", "shape": list(x_all.shape),
                  "layout": "little-endian, row-major; pixels / 16"},
            "y": {"file": "digits_y.u8", "dtype": "uint8", "shape": list(y_all.shape)},
            "split_seed": SPLIT_SEED,
            "split": "perm = torch.randperm(1797, generator=torch.Generator().manual_seed("
                     "split_seed)); test = perm[:360]; train = perm[360:]; calibration = "
                     "train[:256] (calibration rows are also training rows)",
            "test_indices": test_idx,
            "calibration_indices": cal_idx,
            "train_indices": train_idx,
        },
        "training": {
            "optimizer": {"type": "SGD", "momentum": MOMENTUM, "weight_decay": WEIGHT_DECAY,
                          "nesterov": False, "dampening": 0},
            "batch_size": BATCH,
            "loss": "cross_entropy (mean)",
            "shuffle": "per epoch torch.randperm(len(train), generator) over train_indices "
                       "positions; generator = torch.Generator().manual_seed(seed + 1); last "
                       "batch is partial (1437 = 44 * 32 + 29)",
            "init": "torch.manual_seed(seed) right before building the model",
            "lr0": LR0,
            "swa_lr": SWA_LR,
            "swa_anneal_epochs": SWA_ANNEAL_EPOCHS,
        },
        "onnx_export": {
            "call": "model.eval(); torch.onnx.export(model, torch.zeros([1] + input_shape), path, "
                    "opset_version=17, do_constant_folding=False, "
                    "training=torch.onnx.TrainingMode.PRESERVE, input_names=['input'], "
                    "output_names=['logits'], dynamic_axes={'input': {0: 'batch'}, "
                    "'logits': {0: 'batch'}}, export_params=True)",
            "why_PRESERVE_not_EVAL": "torch 1.13's TrainingMode.EVAL folds Conv+BatchNormalization "
                                     "(cnn loses its BN nodes and gets initializers named "
                                     "onnx::Conv_NN); PRESERVE on an eval-mode model keeps BN "
                                     "nodes and state_dict names. For the mlp both give "
                                     "identical bytes (see models.*.export_mode_check).",
            "initializer_names": "equal to state_dict keys (num_batches_tracked not exported); "
                                 "checked on every file, values bit-equal to the torch state",
            "dedup_caveat": "torch 1.13 replaces initializers with equal values by Identity nodes "
                            "when the model is in eval mode; none occur in these files (checked: "
                            "the op list has no Identity)",
        },
        "averaging": {
            "equal": "AveragedModel default avg_fn: a + (x - a) / (n + 1), float32, n = number "
                     "already averaged (long tensor), first update copies",
            "ema": f"avg_fn(a, x, n) = {EMA_DECAY} * a + (1 - {EMA_DECAY}) * x: float32 "
                   "fl(fl(0.9f * a) + fl(0.1f * x)) (python scalars round to float32 first), "
                   "first update copies",
            "use_buffers_false_buffers": "BN buffers of averaged_equal / averaged_ema / "
                                         "swa_update_bn's input are the LAST checkpoint's "
                                         "(torch >= 2.0 behaviour, copied in by the generator; "
                                         "torch 1.13's AveragedModel alone would keep the "
                                         "buffers it was deep-copied with)",
            "update_bn": "resets running_mean = 0, running_var = 1, momentum = None (cumulative "
                         "average over batches), num_batches_tracked = 0; forward in train mode "
                         "over the calibration rows; running_var uses the unbiased batch variance",
            "swag": "wjmaddox/swa_gaussian SWAG.collect_model over model.parameters(): with n "
                    "collected so far, mean = (mean * n) / (n + 1.0) + p / (n + 1.0), sq_mean = "
                    "(sq_mean * n) / (n + 1.0) + p**2 / (n + 1.0) (float32, evaluated left to "
                    "right as written), dev = p - new mean appended as a row, oldest row dropped "
                    "when more than K rows",
            "float32_emulation_bit_exact": "per model in expected: whether a plain numpy float32 "
                                           "evaluation of the formulas above reproduces torch "
                                           "bit for bit",
        },
        "models": models,
        "swalr": "swalr.json",
    }
    manifest_path = os.path.join(out, "manifest.json")
    # file list with sizes and hashes (everything except the manifest itself)
    listing = {}
    for root, _, names in os.walk(out):
        for fname in sorted(names):
            path = os.path.join(root, fname)
            rel = os.path.relpath(path, out).replace(os.sep, "/")
            if rel == "manifest.json":
                continue
            listing[rel] = {"bytes": os.path.getsize(path), "sha256": sha256(path)}
    manifest["files"] = dict(sorted(listing.items()))
    write_json(manifest_path, manifest)
    total = sum(v["bytes"] for v in listing.values()) + os.path.getsize(manifest_path)
    print(f"ONNX files checked: {ONNX_CHECKS['files']} (onnx package checks: "
          f"{ONNX_CHECKS['onnx_package_checks']}{'' if onnx else ', onnx not installed'}); "
          f"total output {total} bytes")


if __name__ == "__main__":
    main()
