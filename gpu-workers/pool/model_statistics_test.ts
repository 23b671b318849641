import assert from "node:assert/strict";
import { ModelStatisticsResponse } from "@edgeml/shared/contracts";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { ModelStatistics } from "./model_statistics.ts";

const timings = (ms: number, batchSize?: number) => ({
  queueNs: ms * 1e5,
  computeInputNs: ms * 1e4,
  computeInferNs: ms * 1e6,
  computeOutputNs: ms * 1e3,
  totalNs: ms * 2e6,
  batchSize,
});
const exec = (ms: number) => ({
  computeInputNs: ms * 1e4,
  computeInferNs: ms * 1e6,
  computeOutputNs: ms * 1e3,
});

Deno.test("a listed version with no traffic reports Triton's fields, all zero", () => {
  const stats = new ModelStatistics();
  stats.add("m", 1);
  const snapshot = stats.snapshot();
  assert.ok(ModelStatisticsResponse.safeParse(snapshot).success);
  const zero = { count: 0, ns: 0 };
  assert.deepEqual(snapshot, {
    model_stats: [{
      name: "m",
      version: "1",
      last_inference: 0,
      inference_count: 0,
      execution_count: 0,
      inference_stats: {
        success: zero,
        fail: zero,
        queue: zero,
        compute_input: zero,
        compute_infer: zero,
        compute_output: zero,
        cache_hit: zero,
        cache_miss: zero,
      },
      response_stats: {},
      batch_stats: [],
      memory_usage: [],
    }],
  });
});

Deno.test("requests and executions add up as Triton counts them", () => {
  let now = 1_700_000_000_000;
  const stats = new ModelStatistics({ now: () => now });
  // Two requests of 3 and 5 rows batched into one execution of 8, then a lone request of 1 row.
  stats.recordExecution("m", "1", 8, exec(2));
  stats.recordSuccess("m", "1", timings(2, 3));
  stats.recordSuccess("m", "1", timings(2, 5));
  now += 1500;
  stats.recordExecution("m", "1", 1, exec(1));
  stats.recordSuccess("m", "1", timings(1));
  stats.recordFailure("m", "1", 7e6);

  const [v] = stats.snapshot("m", "1").model_stats;
  assert.equal(v.inference_count, 9);
  assert.equal(v.execution_count, 2);
  assert.equal(v.last_inference, now);
  assert.deepEqual(v.inference_stats.success, { count: 3, ns: 10e6 });
  assert.deepEqual(v.inference_stats.fail, { count: 1, ns: 7e6 });
  assert.deepEqual(v.inference_stats.queue, { count: 3, ns: 5e5 });
  assert.deepEqual(v.inference_stats.compute_infer, { count: 3, ns: 5e6 });
  assert.deepEqual(v.inference_stats.compute_input, { count: 3, ns: 5e4 });
  assert.deepEqual(v.inference_stats.compute_output, { count: 3, ns: 5e3 });
  assert.deepEqual(v.batch_stats, [
    {
      batch_size: 1,
      compute_input: { count: 1, ns: 1e4 },
      compute_infer: { count: 1, ns: 1e6 },
      compute_output: { count: 1, ns: 1e3 },
    },
    {
      batch_size: 8,
      compute_input: { count: 1, ns: 2e4 },
      compute_infer: { count: 1, ns: 2e6 },
      compute_output: { count: 1, ns: 2e3 },
    },
  ]);
});

Deno.test("durations are whole non-negative nanoseconds whatever the clock gave", () => {
  const stats = new ModelStatistics();
  stats.recordSuccess("m", 1, {
    queueNs: -5,
    computeInputNs: 1.6,
    computeInferNs: NaN,
    computeOutputNs: 0,
    totalNs: 10.4,
  });
  const s = stats.snapshot("m").model_stats[0].inference_stats;
  assert.deepEqual(s.queue, { count: 1, ns: 0 });
  assert.deepEqual(s.compute_input, { count: 1, ns: 2 });
  assert.deepEqual(s.compute_infer, { count: 1, ns: 0 });
  assert.deepEqual(s.success, { count: 1, ns: 10 });
});

Deno.test("snapshot: all models sorted, versions in numeric order; one model; one version", () => {
  const stats = new ModelStatistics();
  for (const [m, v] of [["b", 10], ["b", 2], ["a", 1]] as const) stats.add(m, v);
  const all = stats.snapshot().model_stats.map((s) => `${s.name}/${s.version}`);
  assert.deepEqual(all, ["a/1", "b/2", "b/10"]);
  assert.deepEqual(stats.snapshot("b").model_stats.map((s) => s.version), ["2", "10"]);
  assert.deepEqual(stats.snapshot("b", 10).model_stats.map((s) => s.version), ["10"]);
  assert.deepEqual(stats.snapshot("b", "2").model_stats.map((s) => s.version), ["2"]);
});

Deno.test("a model or version not listed is not_found, with Triton's wording", () => {
  const stats = new ModelStatistics();
  stats.add("m", 1);
  const err = domainErrorFrom(() => stats.snapshot("x"), "not_found", "model_not_found");
  assert.match(err.detail, /requested model 'x' is not available/);
  domainErrorFrom(() => stats.snapshot("m", 2), "not_found", "version_not_found");
});

Deno.test("add keeps counters; remove forgets a version or the whole model", () => {
  const stats = new ModelStatistics();
  stats.recordSuccess("m", 1, timings(1));
  stats.add("m", 1);
  stats.add("m", 2);
  assert.equal(stats.snapshot("m", 1).model_stats[0].inference_count, 1);
  stats.remove("m", 1);
  assert.equal(stats.has("m", 1), false);
  assert.deepEqual(stats.snapshot("m").model_stats.map((s) => s.version), ["2"]);
  stats.remove("m", 2);
  assert.equal(stats.has("m"), false);
  stats.add("m", 3);
  stats.add("n", 1);
  stats.remove("m");
  assert.deepEqual(stats.snapshot().model_stats.map((s) => s.name), ["n"]);
});
