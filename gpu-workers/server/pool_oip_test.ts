/**
 * The pool's OIP v2 surface over real HTTP: real worker processes, real ONNX Runtime, the typed
 * client. Covers metadata (with the CUDA→CPU fallback), every bad-input case and the metrics.
 */
import assert from "node:assert/strict";
import { assertProblem } from "@edgeml/shared/testing";
import { createOipClient, OipError } from "../client/oip_client.ts";
import { createFixtureRepository, inputRows, SMALL } from "../testing/fixture_repository.ts";
import { metricValue } from "../testing/waits.ts";
import { startPoolServer } from "./pool_server.ts";

/** A pool over a fresh two-model repository, torn down (workers and files) afterwards. */
async function withServer(fn: (url: string) => Promise<void>, maxBodyBytes?: number) {
  const repo = await createFixtureRepository([
    {
      name: "small",
      config: { max_batch_size: 8, dynamic_batching: { max_queue_delay_microseconds: 100 } },
      versions: [SMALL],
    },
    {
      name: "small_cpu",
      config: { max_batch_size: 8, instance_group: [{ kind: "KIND_CPU", count: 1 }] },
      versions: [SMALL],
    },
  ]);
  try {
    const server = await startPoolServer({ repository: repo, gpus: [], maxBodyBytes });
    try {
      await fn(server.url);
    } finally {
      await server.shutdown();
    }
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
}

const post = (
  url: string,
  body: BodyInit,
  headers: Record<string, string> = { "content-type": "application/json" },
) => fetch(url, { method: "POST", body, headers });

Deno.test("OIP v2: health, server and model metadata, CUDA requested ends on CPU and says so", async () => {
  await withServer(async (url) => {
    const client = createOipClient(url);
    assert.equal(await client.live(), true);
    assert.equal(await client.ready(), true);
    const server = await client.serverMetadata();
    assert.ok(server.extensions.includes("binary_tensor_data"));
    const meta = await client.modelMetadata("small");
    assert.deepEqual(meta.inputs, [{ name: "input", datatype: "FP32", shape: [-1, 16] }]);
    assert.deepEqual(meta.outputs, [{ name: "probabilities", datatype: "FP32", shape: [-1, 3] }]);
    assert.deepEqual(meta.versions, ["1"]);
    // The default instance group is GPU with ["cuda", "cpu"]; this host has no CUDA library.
    assert.equal(meta.parameters?.execution_provider, "cpu");
    assert.match(String(meta.parameters?.execution_provider_fallback), /^cuda: /);
    const cpuOnly = await client.modelMetadata("small_cpu", "1");
    assert.equal(cpuOnly.parameters?.execution_provider, "cpu");
    assert.equal(cpuOnly.parameters?.execution_provider_fallback, "");
    assert.equal(await client.modelReady("small"), true);
    assert.equal(await client.modelReady("small", "1"), true);
    const metrics = await client.metrics();
    assert.match(
      metrics,
      /nv_model_instances\{model="small",version="1",worker="cpu0",execution_provider="cpu"\} 1/,
    );
  });
});

Deno.test("OIP v2: JSON and binary inference agree; nested data is row-major", async () => {
  await withServer(async (url) => {
    const client = createOipClient(url);
    const x = inputRows(2, 16);
    const json = await client.infer("small", {
      id: "req-1",
      inputs: [{
        name: "input",
        datatype: "FP32",
        shape: [2, 16],
        data: [Array.from(x.subarray(0, 16)), Array.from(x.subarray(16))],
      }],
    });
    assert.equal(json.id, "req-1");
    assert.equal(json.model_version, "1");
    const probs = json.outputs[0].data as number[];
    assert.equal(probs.length, 6);
    for (let r = 0; r < 2; r++) {
      assert.ok(Math.abs(probs.slice(r * 3, r * 3 + 3).reduce((a, b) => a + b, 0) - 1) < 1e-5);
    }
    const binary = await client.inferBinary("small", [{
      name: "input",
      datatype: "FP32",
      shape: [2, 16],
      data: x,
    }]);
    const out = binary.outputs.probabilities;
    assert.deepEqual(out.shape, [2, 3]);
    assert.ok(out.data instanceof Float32Array);
    for (let i = 0; i < 6; i++) assert.ok(Math.abs(out.data[i] - probs[i]) < 1e-6);
    // Binary request, JSON response.
    const mixed = await client.inferBinary("small", [{
      name: "input",
      datatype: "FP32",
      shape: [2, 16],
      data: x,
    }], {
      binaryOutputs: false,
    });
    assert.deepEqual(Array.from(mixed.outputs.probabilities.data as number[]), probs);
  });
});

Deno.test("OIP v2: every bad input is a 4xx problem that names the mistake, and the worker survives", async () => {
  await withServer(async (url) => {
    const client = createOipClient(url);
    const pidsBefore = (await client.metrics()).length > 0;
    assert.ok(pidsBefore);
    const infer = `${url}/v2/models/small/infer`;
    const good = (over: Record<string, unknown> = {}) =>
      JSON.stringify({
        inputs: [{
          name: "input",
          datatype: "FP32",
          shape: [1, 16],
          data: Array(16).fill(0.1),
          ...over,
        }],
      });

    await assertProblem(post(`${url}/v2/models/nope/infer`, good()), 404, "model_not_found");
    await assertProblem(
      post(`${url}/v2/models/small/versions/7/infer`, good()),
      404,
      "version_not_found",
    );
    await assertProblem(fetch(`${url}/v2/models/nope`), 404, "model_not_found");
    let p = await assertProblem(post(infer, good({ name: "pixels" })), 400, "unknown_input");
    assert.deepEqual(p.expected, ["input"]);
    p = await assertProblem(post(infer, good({ datatype: "FP64" })), 400, "datatype_mismatch");
    assert.deepEqual([p.expected, p.given], ["FP32", "FP64"]);
    p = await assertProblem(
      post(infer, good({ shape: [1, 15], data: Array(15).fill(0) })),
      400,
      "shape_mismatch",
    );
    assert.deepEqual([p.expected, p.given], [[-1, 16], [1, 15]]);
    p = await assertProblem(
      post(infer, good({ data: Array(15).fill(0) })),
      400,
      "element_count_mismatch",
    );
    assert.deepEqual([p.expected, p.given], [16, 15]);
    await assertProblem(
      post(infer, good({ shape: [9, 16], data: Array(144).fill(0) })),
      400,
      "batch_size_out_of_range",
    );
    await assertProblem(
      post(infer, good({ data: Array(16).fill("x") })),
      400,
      "invalid_tensor_element",
    );
    await assertProblem(post(infer, "{not json"), 400, "malformed_json");
    await assertProblem(post(infer, JSON.stringify({ inputs: [] })), 400, "invalid_request");
    await assertProblem(
      post(infer, "<a/>", { "content-type": "application/xml" }),
      415,
      "unsupported_media_type",
    );
    await assertProblem(
      post(infer, good(), {
        "content-type": "application/octet-stream",
        "Inference-Header-Content-Length": "9999",
      }),
      400,
      "malformed_binary_header",
    );
    await assertProblem(
      post(infer, "xxxx", {
        "content-type": "application/octet-stream",
        "Inference-Header-Content-Length": "4",
      }),
      400,
      "malformed_binary_header",
    );
    const header = JSON.stringify({
      inputs: [{
        name: "input",
        datatype: "FP32",
        shape: [1, 16],
        parameters: { binary_data_size: 64 },
      }],
    });
    await assertProblem(
      post(infer, header + "short", {
        "content-type": "application/octet-stream",
        "Inference-Header-Content-Length": String(header.length),
      }),
      400,
      "binary_size_mismatch",
    );
    await assertProblem(
      post(
        infer,
        JSON.stringify({ inputs: JSON.parse(good()).inputs, outputs: [{ name: "logits" }] }),
      ),
      400,
      "unknown_output",
    );
    await assertProblem(
      post(`${url}/v2/repository/models/nope/load`, "{}"),
      404,
      "model_not_found",
    );
    await assertProblem(
      post(
        `${url}/v2/repository/models/small/load`,
        JSON.stringify({ parameters: { config: "{bad" } }),
      ),
      422,
      "invalid_model_config",
    );
    await assertProblem(
      post(
        `${url}/v2/repository/models/small/load`,
        JSON.stringify({ parameters: { config: '{"max_batch_size":-1}' } }),
      ),
      422,
      "invalid_model_config",
    );

    // Still serving, same worker: nothing above reached or hurt it.
    const ok = await client.infer("small", JSON.parse(good()));
    assert.equal(ok.outputs[0].shape[1], 3);
    const metrics = await client.metrics();
    assert.doesNotMatch(metrics, /nv_worker_restarts\{/);
  });
});

Deno.test("OIP v2: a body over the limit is a 413", async () => {
  await withServer(async (url) => {
    const big = JSON.stringify({
      inputs: [{
        name: "input",
        datatype: "FP32",
        shape: [8, 16],
        data: Array(128).fill(0.123456789),
      }],
    });
    assert.ok(big.length > 1024);
    await assertProblem(post(`${url}/v2/models/small/infer`, big), 413, "body_too_large");
  }, 1024);
});

Deno.test("OIP v2: metrics counters move as requests are served", async () => {
  await withServer(async (url) => {
    const client = createOipClient(url);
    const value = (text: string, name: string) => metricValue(text, name, "small");
    const before = await client.metrics();
    const request = {
      inputs: [{
        name: "input",
        datatype: "FP32" as const,
        shape: [3, 16],
        data: Array(48).fill(0.2),
      }],
    };
    await client.infer("small", request);
    await client.infer("small", request);
    await client.infer("small", { inputs: [{ ...request.inputs[0], name: "bad" }] }).catch((e) =>
      assert.ok(e instanceof OipError)
    );
    const after = await client.metrics();
    assert.equal(
      value(after, "nv_inference_request_success") - value(before, "nv_inference_request_success"),
      2,
    );
    assert.equal(value(after, "nv_inference_count") - value(before, "nv_inference_count"), 6);
    assert.ok(
      value(after, "nv_inference_exec_count") - value(before, "nv_inference_exec_count") >= 1,
    );
    assert.ok(value(after, "nv_inference_compute_infer_duration_us") > 0);
    assert.ok(value(after, "nv_inference_request_duration_us") > 0);
    assert.match(
      after,
      /nv_inference_request_failure\{model="small",version="1",reason="unknown_input"\} 1/,
    );
    assert.match(after, /nv_inference_pending_request_count\{model="small",version="1"\} 0/);
  });
});
