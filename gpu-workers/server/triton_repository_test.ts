/**
 * A Triton model repository as Triton users write it (config.pbtxt with Triton's fields) loads
 * and serves unchanged; `GET …/config` answers the configuration back in Triton's JSON; the
 * Triton settings this server does not act on are accepted and reported, not refused.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createOipClient, OipError } from "../client/oip_client.ts";
import {
  createFixtureRepository,
  inputRows,
  SMALL,
  writeVersion,
} from "../testing/fixture_repository.ts";
import { within } from "../testing/waits.ts";
import { startPoolServer } from "./pool_server.ts";

const CONFIG_PBTXT = `# as a Triton user writes it
name: "classifier"
platform: "onnxruntime_onnx"
max_batch_size: 8
input [ { name: "input", data_type: TYPE_FP32, dims: [ 16 ] } ]
output [ { name: "probabilities", data_type: TYPE_FP32, dims: [ 3 ] } ]
version_policy: { latest: { num_versions: 2 } }
instance_group [ { kind: KIND_GPU, count: 1 } ]
dynamic_batching {
  max_queue_delay_microseconds: 500
  preferred_batch_size: [ 4, 8 ]
  default_queue_policy {
    max_queue_size: 64
    default_timeout_microseconds: 2000000
    timeout_action: REJECT
  }
}
optimization { execution_accelerators { gpu_execution_accelerator: [ { name: "tensorrt" } ] } }
parameters { key: "intra_op_thread_count" value: { string_value: "1" } }
model_warmup [ { name: "zeros", batch_size: 1,
  inputs { key: "input" value: { data_type: TYPE_FP32, dims: [ 16 ], zero_data: true } } } ]
`;

Deno.test("triton repository: a config.pbtxt with Triton's fields loads, serves, and round-trips through GET config", async () => {
  const repo = await createFixtureRepository([]);
  await Deno.mkdir(join(repo, "classifier"), { recursive: true });
  await Deno.writeTextFile(join(repo, "classifier", "config.pbtxt"), CONFIG_PBTXT);
  for (const version of [1, 2, 3]) {
    await writeVersion(repo, "classifier", version, { ...SMALL, seed: version });
  }
  const server = await startPoolServer({ repository: repo, gpus: [] });
  try {
    const client = createOipClient(server.url);
    // version_policy latest 2: versions 2 and 3 serve, 1 does not.
    const meta = await client.modelMetadata("classifier");
    assert.deepEqual(meta.versions, ["2", "3"]);
    const x = inputRows(2, 16);
    const result = await client.inferBinary("classifier", [{
      name: "input",
      datatype: "FP32",
      shape: [2, 16],
      data: x,
    }]);
    assert.equal(result.response.model_version, "3");
    assert.deepEqual(result.outputs.probabilities.shape, [2, 3]);

    const res = await fetch(`${server.url}/v2/models/classifier/config`);
    assert.equal(res.status, 200);
    const config = await res.json();
    assert.equal(config.name, "classifier");
    assert.equal(config.platform, "onnxruntime_onnx");
    assert.equal(config.max_batch_size, 8);
    assert.deepEqual(config.input, [{ name: "input", data_type: "TYPE_FP32", dims: [16] }]);
    assert.deepEqual(config.output, [{ name: "probabilities", data_type: "TYPE_FP32", dims: [3] }]);
    assert.deepEqual(config.version_policy, { latest: { num_versions: 2 } });
    assert.equal(Number(config.dynamic_batching.max_queue_delay_microseconds), 500);
    assert.deepEqual(config.dynamic_batching.preferred_batch_size.map(Number), [4, 8]);
    const policy = config.dynamic_batching.default_queue_policy;
    assert.equal(Number(policy.max_queue_size), 64);
    assert.equal(Number(policy.default_timeout_microseconds), 2_000_000);
    assert.equal(policy.timeout_action, "REJECT");
    assert.equal(config.instance_group[0].kind, "KIND_GPU");
    assert.equal(config.instance_group[0].count, 1);
    assert.deepEqual(config.parameters, { intra_op_thread_count: { string_value: "1" } });
    assert.equal(config.model_warmup[0].name, "zeros");

    // What Triton would do and this server does not is reported where operators look.
    const ignored = String(meta.parameters?.ignored_config);
    assert.match(ignored, /tensorrt|gpu_execution_accelerator/);
    assert.match(ignored, /model_warmup/);
    const [entry] = (await client.repositoryIndex()).filter((e) => e.version === "3");
    assert.equal(entry.state, "READY");

    // The config it reported loads back as an override, unchanged in effect.
    await client.load("classifier", config);
    assert.deepEqual((await client.modelMetadata("classifier")).versions, ["2", "3"]);
    // The reload took over the versions' series; the old loads' retirement leaves them be.
    await within(server.pool.retired(), 20_000, "the old loads to retire");
    const metrics = await client.metrics();
    assert.match(
      metrics,
      /nv_model_instances\{model="classifier",version="3",worker="cpu0",execution_provider="cpu"\} 1/,
    );
    const stats = await (await fetch(`${server.url}/v2/models/classifier/versions/3/stats`)).json();
    assert.equal(
      stats.model_stats[0].inference_count,
      2,
      "counted before the reload, kept after it",
    );
  } finally {
    await server.shutdown();
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("triton repository: a config that declares tensors the model does not have is refused with 422", async () => {
  const repo = await createFixtureRepository([]);
  await Deno.mkdir(join(repo, "classifier"), { recursive: true });
  await writeVersion(repo, "classifier", 1, SMALL);
  const server = await startPoolServer({ repository: repo, gpus: [] });
  try {
    const client = createOipClient(server.url);
    for (
      const [input, code] of [
        [{ name: "pixels", data_type: "TYPE_FP32" as const, dims: [16] }, /no input 'pixels'/],
        [
          { name: "input", data_type: "TYPE_INT64" as const, dims: [16] },
          /FP32 in the model, INT64/,
        ],
        [
          { name: "input", data_type: "TYPE_FP32" as const, dims: [15] },
          /dims \[16\] in the model/,
        ],
      ] satisfies [
        { name: string; data_type: "TYPE_FP32" | "TYPE_INT64"; dims: number[] },
        RegExp,
      ][]
    ) {
      const error = await client.load("classifier", { max_batch_size: 8, input: [input] }).then(
        () => undefined,
        (e) => e,
      );
      assert.ok(error instanceof OipError, String(error));
      assert.equal(error.status, 422);
      assert.equal(error.problem.code, "config_model_mismatch");
      assert.match(error.problem.detail, code);
    }
    // Declared as the model has it (-1 for any size), it loads.
    await client.load("classifier", {
      max_batch_size: 8,
      input: [{ name: "input", data_type: "TYPE_FP32", dims: [-1] }],
    });
    assert.equal(await client.modelReady("classifier"), true);
  } finally {
    await server.shutdown();
    await Deno.remove(repo, { recursive: true });
  }
});
