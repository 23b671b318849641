/**
 * Dynamic batching through the real pool: batched outputs equal per-request runs (order kept,
 * mixed batch sizes), a full queue answers 503 with Retry-After, and a request past its
 * timeout is dropped before it runs. Each test starts its own pool over its own repository.
 */
import assert from "node:assert/strict";
import { createOipClient, type OipClient, OipError } from "../client/oip_client.ts";
import {
  createFixtureRepository,
  type FixtureModel,
  inputRows,
  SLOW,
  SMALL,
} from "../testing/fixture_repository.ts";
import { metricValue, untilMetrics } from "../testing/waits.ts";
import { startPoolServer } from "./pool_server.ts";

/** A pool over a fresh repository of `models`, torn down (workers and files) afterwards. */
async function withPool(models: FixtureModel[], fn: (client: OipClient) => Promise<void>) {
  const repo = await createFixtureRepository(models);
  try {
    const server = await startPoolServer({ repository: repo, gpus: [] });
    try {
      await fn(createOipClient(server.url));
    } finally {
      await server.shutdown();
    }
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
}

const metric = async (client: OipClient, name: string, model: string) =>
  metricValue(await client.metrics(), name, model);

Deno.test("batching: concurrent requests of mixed sizes are batched, answered in order, equal to single runs", async () => {
  const rowsPerRequest = [1, 3, 2, 1, 4, 1, 2, 5, 1, 3, 2, 1];
  const totalRows = rowsPerRequest.reduce((a, b) => a + b, 0); // 26
  await withPool([
    // Same weights twice. One batches: 26 rows is a preferred size, so the batch leaves as soon
    // as the last request is queued (the long delay only bounds the wait). The other never does.
    {
      name: "batched",
      config: {
        max_batch_size: 32,
        dynamic_batching: {
          max_queue_delay_microseconds: 10_000_000,
          preferred_batch_size: [totalRows],
        },
      },
      versions: [SMALL],
    },
    { name: "single", config: { max_batch_size: 32 }, versions: [SMALL] },
  ], async (client) => {
    const inputs = rowsPerRequest.map((rows, i) => inputRows(rows, 16, i + 1));
    const batched = await Promise.all(
      inputs.map((x, i) =>
        client.inferBinary("batched", [{
          name: "input",
          datatype: "FP32",
          shape: [rowsPerRequest[i], 16],
          data: x,
        }])
      ),
    );
    assert.equal(await metric(client, "nv_inference_exec_count", "batched"), 1);
    assert.equal(await metric(client, "nv_inference_count", "batched"), totalRows);
    for (const [i, x] of inputs.entries()) {
      const alone = await client.inferBinary("single", [
        { name: "input", datatype: "FP32", shape: [rowsPerRequest[i], 16], data: x },
      ]);
      const a = batched[i].outputs.probabilities;
      const b = alone.outputs.probabilities;
      assert.deepEqual(a.shape, [rowsPerRequest[i], 3]);
      assert.deepEqual(a.shape, b.shape);
      for (let k = 0; k < a.data.length; k++) {
        assert.ok(
          Math.abs(Number(a.data[k]) - Number(b.data[k])) < 1e-5,
          `request ${i} element ${k}`,
        );
      }
    }
    assert.equal(await metric(client, "nv_inference_exec_count", "single"), rowsPerRequest.length);
  });
});

Deno.test("batching: a full queue answers 503 queue_full with Retry-After, the rest succeed", async () => {
  await withPool([{
    name: "tiny_queue",
    config: {
      max_batch_size: 64,
      dynamic_batching: {
        max_queue_delay_microseconds: 0,
        default_queue_policy: { max_queue_size: 1 },
      },
    },
    versions: [SLOW],
  }], async (client) => {
    const x = inputRows(64, 1024);
    const results = await Promise.allSettled(
      Array.from(
        { length: 12 },
        () =>
          client.inferBinary("tiny_queue", [{
            name: "input",
            datatype: "FP32",
            shape: [64, 1024],
            data: x,
          }]),
      ),
    );
    const rejected = results.filter((r) => r.status === "rejected").map((r) =>
      (r as PromiseRejectedResult).reason
    );
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    assert.ok(rejected.length >= 1, "some requests must find the queue full");
    assert.ok(fulfilled.length >= 2, "the running request and the queued one succeed");
    for (const e of rejected) {
      assert.ok(e instanceof OipError);
      assert.equal(e.status, 503);
      assert.equal(e.problem.code, "queue_full");
      assert.equal(e.retryAfter, "1");
    }
  });
});

Deno.test("batching: a request past its timeout is dropped before it runs", async () => {
  await withPool([{
    name: "slow",
    config: {
      max_batch_size: 64,
      // Triton honours a request's own timeout only when the queue policy allows it.
      dynamic_batching: {
        max_queue_delay_microseconds: 0,
        default_queue_policy: { allow_timeout_override: true },
      },
    },
    versions: [SLOW],
  }], async (client) => {
    const x = inputRows(64, 1024);
    // Keep the only instance busy with a queue of full batches…
    const busy = Array.from(
      { length: 12 },
      () =>
        client.inferBinary("slow", [{
          name: "input",
          datatype: "FP32",
          shape: [64, 1024],
          data: x,
        }]),
    );
    // …and wait until at least four of them wait behind the two in flight (under any CPU load)…
    await untilMetrics(
      client,
      (text) => metricValue(text, "nv_inference_pending_request_count", "slow") >= 6,
      { what: "the busy requests to queue up" },
    );
    // …then ask for one row with a 1 ms queue timeout.
    const timed = client.inferBinary("slow", [{
      name: "input",
      datatype: "FP32",
      shape: [1, 1024],
      data: x.subarray(0, 1024),
    }], { timeoutUs: 1000 });
    await assert.rejects(
      timed,
      (e: unknown) =>
        e instanceof OipError && e.status === 503 && e.problem.code === "queue_timeout",
    );
    await Promise.all(busy);
    // Only the busy batches ran: the dropped request never reached the model.
    assert.equal(await metric(client, "nv_inference_count", "slow"), 12 * 64);
    assert.match(
      await client.metrics(),
      /nv_inference_request_failure\{model="slow",version="1",reason="queue_timeout"\} 1/,
    );
  });
});
