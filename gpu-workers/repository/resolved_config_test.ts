import assert from "node:assert/strict";
import { ModelConfig } from "@edgeml/shared/contracts";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { REALISTIC_JSON, REALISTIC_PBTXT } from "./config_fixtures.ts";
import { parsePbtxt } from "./pbtxt.ts";
import { resolveModelConfig } from "./resolved_config.ts";

const invalid = (input: Record<string, unknown>, name = "m") =>
  domainErrorFrom(() => resolveModelConfig(name, input), "unprocessable", "invalid_model_config");

Deno.test("an empty config resolves to Triton's defaults", () => {
  const config = resolveModelConfig("plain", {});
  assert.deepEqual({ ...config, triton: undefined }, {
    name: "plain",
    platform: "onnxruntime_onnx",
    maxBatchSize: 0,
    instanceGroups: [{ kind: "gpu", count: 1 }],
    versionPolicy: { latest: { num_versions: 1 } },
    executionProviders: ["cuda", "cpu"],
    executionDeadlineMs: 10_000,
    adaptiveQueueDelay: false,
    cudaBatchPadding: "auto",
    defaultModelFilename: "model.onnx",
    ignored: [],
    triton: undefined,
  });
  assert.deepEqual(config.triton, {
    name: "plain",
    platform: "onnxruntime_onnx",
    backend: "onnxruntime",
    version_policy: { latest: { num_versions: 1 } },
    max_batch_size: 0,
    instance_group: [{ name: "plain_0", kind: "KIND_GPU", count: 1 }],
    default_model_filename: "model.onnx",
    parameters: {},
  });
  // The filled form is a valid config itself, and resolves to the same thing.
  ModelConfig.parse(config.triton);
  assert.deepEqual(resolveModelConfig("plain", config.triton), config);
});

Deno.test("the host fills KIND_AUTO and a KIND_GPU group's gpus in the Triton form", () => {
  const auto = { instance_group: [{ count: 2 }, { kind: "KIND_GPU" as const }] };
  const cpuHost = resolveModelConfig("m", auto, { gpus: [] });
  assert.deepEqual(cpuHost.instanceGroups, [{ kind: "gpu", count: 2 }, { kind: "gpu", count: 1 }]);
  assert.deepEqual(cpuHost.triton.instance_group, [
    { name: "m_0", kind: "KIND_CPU", count: 2 },
    { name: "m_1", kind: "KIND_GPU", count: 1 },
  ]);
  const gpuHost = resolveModelConfig("m", auto, { gpus: [0, 1] });
  assert.deepEqual(gpuHost.triton.instance_group, [
    { name: "m_0", kind: "KIND_GPU", count: 2, gpus: [0, 1] },
    { name: "m_1", kind: "KIND_GPU", count: 1, gpus: [0, 1] },
  ]);
});

Deno.test("a realistic config resolves; JSON and pbtxt give the same result", () => {
  const fromJson = resolveModelConfig("resnet", REALISTIC_JSON);
  assert.deepEqual(resolveModelConfig("resnet", parsePbtxt(REALISTIC_PBTXT)), fromJson);
  assert.equal(fromJson.maxBatchSize, 8);
  assert.deepEqual(fromJson.dynamicBatching, {
    maxQueueDelayUs: 100,
    preferredBatchSizes: [4, 8],
    maxQueueSize: 16,
    defaultTimeoutUs: 0,
    timeoutAction: "REJECT",
    allowTimeoutOverride: true,
  });
  assert.deepEqual(fromJson.instanceGroups, [
    { kind: "gpu", count: 2, gpus: [0] },
    { kind: "cpu", count: 1 },
  ]);
  assert.deepEqual(fromJson.versionPolicy, { specific: { versions: [1, 3] } });
  assert.deepEqual(fromJson.executionProviders, ["cuda", "cpu"]);
  assert.equal(fromJson.intraOpThreads, 2);
  assert.equal(fromJson.executionDeadlineMs, 5000);
  assert.deepEqual(fromJson.declaredInputs, [
    { name: "x", datatype: "FP32", dims: [16] },
    { name: "mask", datatype: "BOOL", dims: [-1, 4] },
  ]);
  assert.deepEqual(fromJson.declaredOutputs, [
    { name: "probabilities", datatype: "FP32", dims: [3] },
  ]);
  assert.deepEqual(fromJson.ignored, [
    "model_warmup",
    "response_cache",
    "optimization.graph",
    "optimization.execution_accelerators.gpu_execution_accelerator.0",
    "optimization.execution_accelerators.cpu_execution_accelerator.0",
    "input.1.optional",
  ]);
  // Accepted fields travel on in the Triton form.
  assert.deepEqual(fromJson.triton.model_warmup, REALISTIC_JSON.model_warmup);
  assert.deepEqual(fromJson.triton.optimization, REALISTIC_JSON.optimization);
});

Deno.test("Triton fields not acted on are accepted and listed; default values are not", () => {
  assert.deepEqual(resolveModelConfig("m", { sequence_batching: {} }).ignored, [
    "sequence_batching",
  ]);
  const config = resolveModelConfig("m", {
    ensemble_scheduling: undefined,
    batch_input: [],
    model_transaction_policy: { decoupled: false },
    model_operations: { op_library_filename: ["libcustom.so"] },
    runtime: "",
    dynamic_batching: { preserve_ordering: true, priority_levels: "2" },
    instance_group: [{ kind: "KIND_CPU", rate_limiter: { priority: 1 }, passive: false }],
    parameters: { enable_mem_arena: { string_value: "1" } },
    input: [{ name: "x", data_type: "TYPE_FP32", dims: [2], format: "FORMAT_NONE" }],
  });
  assert.deepEqual(config.ignored, [
    "model_operations",
    "dynamic_batching.preserve_ordering",
    "dynamic_batching.priority_levels",
    "instance_group.0.rate_limiter",
    "parameters.enable_mem_arena",
  ]);
});

Deno.test("names that are not in Triton's proto are refused, with the path and a hint", () => {
  const err = invalid({
    max_batch_size: 4,
    dynamic_batching: { max_queue_delay_us: 100 },
    execution_providers: ["cpu"],
    model_warmup: [{ inputs: { x: { zero_data: true, bogus: 1 } } }],
  });
  const issues = err.extra?.issues as string[];
  assert.equal(issues.length, 3, JSON.stringify(issues));
  assert.match(
    issues[0],
    /^dynamic_batching: unknown field 'max_queue_delay_us'.*'max_queue_delay_microseconds'/,
  );
  assert.match(issues[1], /^\(root\): unknown field 'execution_providers'/);
  assert.match(issues[2], /^model_warmup\.0\.inputs\.x: unknown field 'bogus'/);
});

Deno.test("protobuf JSON forms: int64 as strings, camelCase names, enum numbers, nulls", () => {
  const config = resolveModelConfig("m", {
    maxBatchSize: 8,
    dynamicBatching: {
      maxQueueDelayMicroseconds: "250",
      defaultQueuePolicy: { defaultTimeoutMicroseconds: "1000", timeoutAction: 1 },
    },
    instanceGroup: [{ kind: 2, count: 3 }],
    versionPolicy: { specific: { versions: ["2", 5] } },
    input: [{ name: "x", dataType: "TYPE_INT64", dims: ["-1", "3"] }],
    output: null,
  });
  assert.equal(config.maxBatchSize, 8);
  assert.equal(config.dynamicBatching?.maxQueueDelayUs, 250);
  assert.equal(config.dynamicBatching?.defaultTimeoutUs, 1000);
  assert.equal(config.dynamicBatching?.timeoutAction, "DELAY");
  assert.deepEqual(config.instanceGroups, [{ kind: "cpu", count: 3 }]);
  assert.deepEqual(config.versionPolicy, { specific: { versions: [2, 5] } });
  assert.deepEqual(config.declaredInputs, [{ name: "x", datatype: "INT64", dims: [-1, 3] }]);
  assert.equal(config.declaredOutputs, undefined);
  assert.equal(config.triton.dynamic_batching?.max_queue_delay_microseconds, 250);
  invalid({ max_batch_size: "8x" });
  invalid({ dynamic_batching: { max_queue_delay_microseconds: "1.5" } });
  invalid({ max_batch_size: 4, maxBatchSize: 4 });
});

Deno.test("limits: count per group, max_batch_size, queue delay", () => {
  const count = invalid({ instance_group: [{ kind: "KIND_CPU", count: 17 }] });
  assert.match(count.detail, /instance_group\.0\.count: count is at most 16 instances per group/);
  resolveModelConfig("m", { instance_group: [{ kind: "KIND_CPU", count: 16 }] });
  assert.deepEqual(
    resolveModelConfig("m", { instance_group: [{ count: 0 }] }).instanceGroups,
    [{ kind: "gpu", count: 1 }],
    "0 is proto3's unset: Triton's default of 1",
  );
  invalid({ instance_group: [{ count: -1 }] });
  assert.match(invalid({ max_batch_size: 65_537 }).detail, /max_batch_size is at most 65536/);
  resolveModelConfig("m", { max_batch_size: 65_536 });
  assert.match(
    invalid({ dynamic_batching: { max_queue_delay_microseconds: 10_000_001 } }).detail,
    /10 s/,
  );
  invalid({ max_batch_size: 4, dynamic_batching: { preferred_batch_size: [8] } });
  invalid({ parameters: { execution_deadline_ms: { string_value: "0" } } });
  invalid({ parameters: { intra_op_thread_count: { string_value: "many" } } });
});

Deno.test("semantic checks: platform, backend, kinds, data types, version policy, name", () => {
  assert.match(invalid({ platform: "tensorrt_plan" }).detail, /only ONNX models/);
  invalid({ backend: "python" });
  invalid({ instance_group: [{ kind: "KIND_MODEL" }] });
  invalid({ instance_group: [{ kind: "KIND_CPU", gpus: [0] }] });
  invalid({ input: [{ name: "x", dims: [1] }] });
  invalid({ input: [{ name: "x", data_type: "TYPE_BF16", dims: [1] }] });
  invalid({ input: [{ name: "x", data_type: "TYPE_FP32" }] });
  invalid({ version_policy: { latest: { num_versions: 0 } } });
  invalid({ version_policy: { latest: {}, all: {} } });
  invalid({
    optimization: {
      execution_accelerators: { gpu_execution_accelerator: [{ name: "tensorrtt" }] },
    },
  });
  invalid({ default_model_filename: "../escape.onnx" });
  assert.deepEqual(resolveModelConfig("m", { version_policy: { latest: {} } }).versionPolicy, {
    latest: { num_versions: 1 },
  });
  const named = domainErrorFrom(
    () => resolveModelConfig("folder", { name: "other" }),
    "unprocessable",
    "invalid_model_config",
  );
  assert.match(named.detail, /'other'.*'folder'/);
});

Deno.test("accelerators: tensorrt is ignored with CUDA still used; cpu_fallback turns CPU off", () => {
  const config = resolveModelConfig("m", {
    optimization: {
      execution_accelerators: {
        gpu_execution_accelerator: [{ name: "tensorrt" }, { name: "cuda" }],
      },
    },
    parameters: { cpu_fallback: { string_value: "false" } },
  });
  assert.deepEqual(config.executionProviders, ["cuda"]);
  assert.deepEqual(config.ignored, [
    "optimization.execution_accelerators.gpu_execution_accelerator.0",
  ]);
  invalid({ parameters: { cpu_fallback: { string_value: "no" } } });
});

Deno.test("cuda_batch_padding: auto by default, true or false when set, anything else refused", () => {
  assert.equal(resolveModelConfig("m", { max_batch_size: 8 }).cudaBatchPadding, "auto");
  for (const value of ["true", "false", "auto"] as const) {
    const config = resolveModelConfig("m", {
      max_batch_size: 8,
      parameters: { cuda_batch_padding: { string_value: value } },
    });
    assert.equal(config.cudaBatchPadding, value);
    assert.deepEqual(
      config.ignored,
      [],
      "a parameter this server applies is not listed as ignored",
    );
  }
  invalid({ parameters: { cuda_batch_padding: { string_value: "off" } } });
});
