#!/usr/bin/env python3
"""Drives a running worker pool with NVIDIA's own Python HTTP client (tritonclient.http).

    PYTHONPATH=<triton-inference-server/client>/src/python/library \\
        python3 gpu-workers/scripts/triton_client_check.py http://127.0.0.1:8001 [model]

Through the gateway (port 8000), set EDGEML_ADMIN_TOKEN (the embedded default keeps it in
data/admin_token): the repository calls need it, and the check sends it the way a Triton user
would, with a client plugin.

Needs numpy, python-rapidjson and geventhttpclient (Debian: python3-numpy python3-rapidjson
python3-geventhttpclient). Every call a Triton user makes against this server is checked:
health, metadata, readiness, the repository index, load_model (plain and with config=),
unload_model, get_model_config, get_inference_statistics, inference with JSON and binary
tensors, gzip and deflate request and response compression, and 32 concurrent async_infer.
The model (default: the first READY one in the index) must take one FP32 input whose first
dimension is the batch (max_batch_size > 0). Prints one JSON line per check and a summary;
the exit status is 1 when a check failed.
"""

import json
import os
import sys
import time
import traceback

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

RESULTS = []


class BearerToken(httpclient.InferenceServerClientPlugin):
    """Adds `Authorization: Bearer <token>` to every request."""

    def __init__(self, token):
        self._token = token

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self._token}"


def check(name):
    """Runs the decorated function at once as one named check, recording its outcome."""

    def run(fn):
        started = time.perf_counter()
        try:
            detail = fn()
            RESULTS.append({"check": name, "ok": True, "detail": detail})
        except Exception as e:  # noqa: BLE001 - every failure is reported, none stops the run
            RESULTS.append(
                {
                    "check": name,
                    "ok": False,
                    "error": f"{type(e).__name__}: {e}",
                    "trace": traceback.format_exc(limit=3),
                }
            )
        RESULTS[-1]["ms"] = round((time.perf_counter() - started) * 1000, 1)
        print(json.dumps(RESULTS[-1]), flush=True)
        return fn

    return run


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    url = sys.argv[1].removeprefix("http://").rstrip("/")
    client = httpclient.InferenceServerClient(url=url, concurrency=32)
    token = os.environ.get("EDGEML_ADMIN_TOKEN")
    if token:
        # Through the gateway the repository routes need the admin credential: Triton's own
        # plugin hook adds it to every request, as a Triton user would.
        client.register_plugin(BearerToken(token))
    state = {"model": sys.argv[2] if len(sys.argv) > 2 else None}

    @check("health: is_server_live, is_server_ready")
    def _():
        expect(client.is_server_live(), "not live")
        expect(client.is_server_ready(), "not ready")

    @check("get_server_metadata lists statistics and model_configuration")
    def _():
        meta = client.get_server_metadata()
        for extension in ("statistics", "model_configuration", "binary_tensor_data"):
            expect(extension in meta["extensions"], f"{extension} missing: {meta}")
        return meta

    @check("get_model_repository_index")
    def _():
        index = client.get_model_repository_index()
        ready = [m["name"] for m in index if m.get("state") == "READY"]
        expect(ready, f"no READY model in {index}")
        state["model"] = state["model"] or ready[0]
        return index

    model = state["model"]
    if model is None:
        return finish()

    @check("load_model (JSON body without Content-Type)")
    def _():
        client.load_model(model)
        expect(client.is_model_ready(model), "not ready after load")

    @check("get_model_metadata, is_model_ready per version")
    def _():
        meta = client.get_model_metadata(model)
        state["meta"] = meta
        expect(client.is_model_ready(model, meta["versions"][-1]), "version not ready")
        return {k: meta[k] for k in ("name", "versions", "inputs", "outputs")}

    @check("get_model_config, per model and per version")
    def _():
        config = client.get_model_config(model)
        expect(config.get("max_batch_size", 0) > 0, f"max_batch_size: {config}")
        version = state["meta"]["versions"][-1]
        expect(client.get_model_config(model, version) == config, "version config differs")
        state["config"] = config
        return {k: config.get(k) for k in ("name", "max_batch_size", "dynamic_batching")}

    @check("load_model(config=<the config it reported>)")
    def _():
        client.load_model(model, config=json.dumps(state["config"]))
        expect(client.is_model_ready(model), "not ready after a load with config")

    @check("load_model(files=...) is refused with a clear message")
    def _():
        try:
            client.load_model(
                model,
                config=json.dumps(state["config"]),
                files={"file:1/model.onnx": b"not a model"},
            )
        except InferenceServerException as e:
            expect("not supported" in e.message(), e.message())
            return e.message()
        raise AssertionError("a load with files was accepted")

    meta = state.get("meta")
    if meta is None:
        return finish()
    spec = meta["inputs"][0]
    outputs = [o["name"] for o in meta["outputs"]]
    dims = [d if d > 0 else 1 for d in spec["shape"][1:]]
    rng = np.random.default_rng(7)

    def batch(rows):
        return rng.standard_normal([rows, *dims]).astype(np.float32)

    def infer(x, binary, **kwargs):
        tensor = httpclient.InferInput(spec["name"], list(x.shape), spec["datatype"])
        tensor.set_data_from_numpy(x, binary_data=binary)
        requested = [httpclient.InferRequestedOutput(o, binary_data=binary) for o in outputs]
        result = client.infer(model, [tensor], outputs=requested, **kwargs)
        return {o: result.as_numpy(o) for o in outputs}

    x = batch(4)
    counted = {"requests": 0, "rows": 0}

    def count(rows, requests=1):
        counted["requests"] += requests
        counted["rows"] += rows * requests

    try:
        before = client.get_inference_statistics(model)["model_stats"]
    except InferenceServerException:
        before = []

    @check("infer with JSON tensors and with binary tensors agree")
    def _():
        state["expected"] = infer(x, binary=False)
        count(4)
        got = infer(x, binary=True)
        count(4)
        for o in outputs:
            np.testing.assert_allclose(got[o], state["expected"][o], rtol=1e-5, atol=1e-6)
        return {o: list(v.shape) for o, v in got.items()}

    for algorithm in ("gzip", "deflate"):
        for binary in (False, True):

            @check(f"infer, request_compression_algorithm={algorithm}, binary={binary}")
            def _():
                got = infer(x, binary, request_compression_algorithm=algorithm)
                count(4)
                for o in outputs:
                    np.testing.assert_allclose(got[o], state["expected"][o], rtol=1e-5, atol=1e-6)

            @check(f"infer, response_compression_algorithm={algorithm}, binary={binary}")
            def _():
                got = infer(
                    x,
                    binary,
                    request_compression_algorithm=algorithm,
                    response_compression_algorithm=algorithm,
                )
                count(4)
                for o in outputs:
                    np.testing.assert_allclose(got[o], state["expected"][o], rtol=1e-5, atol=1e-6)

    @check("32 concurrent async_infer, each answered with its own rows")
    def _():
        inputs = [batch(1) for _ in range(32)]
        pending = []
        for row in inputs:
            tensor = httpclient.InferInput(spec["name"], list(row.shape), spec["datatype"])
            tensor.set_data_from_numpy(row, binary_data=True)
            requested = [httpclient.InferRequestedOutput(o, binary_data=True) for o in outputs]
            pending.append(client.async_infer(model, [tensor], outputs=requested))
        results = [p.get_result() for p in pending]
        count(1, 32)
        # Each answer is the one its own row gives alone: batching mixed nothing up.
        for row, result in list(zip(inputs, results))[:4]:
            alone = infer(row, binary=True)
            count(1)
            for o in outputs:
                np.testing.assert_allclose(result.as_numpy(o), alone[o], rtol=1e-5, atol=1e-6)
        return len(results)

    @check("get_inference_statistics counts what was sent (all, model, version)")
    def _():
        stats = client.get_inference_statistics(model)["model_stats"]
        version = state["meta"]["versions"][-1]
        expect([s["version"] for s in stats] == state["meta"]["versions"], f"versions: {stats}")
        mine = next(s for s in stats if s["version"] == version)
        base = next((s for s in before if s["version"] == version), None)
        success = mine["inference_stats"]["success"]["count"]
        if base:
            success -= base["inference_stats"]["success"]["count"]
        expect(success >= counted["requests"], f"success {success} < {counted['requests']}")
        inferences = mine["inference_count"] - (base["inference_count"] if base else 0)
        expect(inferences >= counted["rows"], f"inference_count {inferences} < {counted['rows']}")
        expect(mine["execution_count"] > 0 and mine["batch_stats"], f"no executions: {mine}")
        expect(mine["last_inference"] > 0, "last_inference is 0")
        one = client.get_inference_statistics(model, version)["model_stats"]
        expect(len(one) == 1 and one[0]["version"] == version, f"per version: {one}")
        everything = client.get_inference_statistics()["model_stats"]
        expect(any(s["name"] == model for s in everything), "model missing from all stats")
        return {
            "sent": counted,
            "inference_count": mine["inference_count"],
            "execution_count": mine["execution_count"],
            "batch_sizes": [b["batch_size"] for b in mine["batch_stats"]],
        }

    @check("get_inference_statistics of an unknown model raises with the server's message")
    def _():
        try:
            client.get_inference_statistics("no_such_model_here")
        except InferenceServerException as e:
            expect("no_such_model_here" in e.message(), e.message())
            return e.message()
        raise AssertionError("stats of an unknown model answered")

    @check("unload_model, then load_model brings it back")
    def _():
        client.unload_model(model)
        expect(not client.is_model_ready(model), "still ready after unload")
        client.load_model(model)
        expect(client.is_model_ready(model), "not ready after reload")

    return finish()


def finish():
    failed = [r["check"] for r in RESULTS if not r["ok"]]
    print(json.dumps({"checks": len(RESULTS), "failed": failed}), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
