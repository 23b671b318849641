/**
 * Dynamic batching through the real pool: batched outputs equal per-request runs (order kept,
 * mixed batch sizes), a full queue answers 503 with Retry-After, and a request past its
 * timeout is dropped before it runs.
 */
import assert from "node:assert/strict";
import { createOipClient, OipError } from "../client/oip_client.ts";
import { createFixtureRepository, inputRows, SLOW, SMALL } from "../testing/fixture_repository.ts";
import { startPoolServer } from "./pool_server.ts";

const repo = await createFixtureRepository([
  // Same weights twice: one batches (a long delay so batches surely form), one never does.
  {
    name: "batched",
    config: { max_batch_size: 16, dynamic_batching: { max_queue_delay_us: 50_000 } },
    versions: [SMALL],
  },
  { name: "single", config: { max_batch_size: 16 }, versions: [SMALL] },
  {
    name: "tiny_queue",
    config: { max_batch_size: 64, dynamic_batching: { max_queue_delay_us: 0, max_queue_size: 1 } },
    versions: [SLOW],
  },
  {
    name: "slow",
    config: { max_batch_size: 64, dynamic_batching: { max_queue_delay_us: 0 } },
    versions: [SLOW],
  },
]);

const server = await startPoolServer({ repository: repo, gpus: [] });
const client = createOipClient(server.url);
const metric = async (name: string, model: string) => {
  const line = (await client.metrics()).split("\n").find((l) =>
    l.startsWith(`${name}{model="${model}",version="1"`)
  );
  return line ? Number(line.split(" ").pop()) : 0;
};

Deno.test({
  name:
    "batching: concurrent requests of mixed sizes are batched, answered in order, equal to single runs",
  async fn() {
    const rowsPerRequest = [1, 3, 2, 1, 4, 1, 2, 5, 1, 3, 2, 1];
    const inputs = rowsPerRequest.map((rows, i) => inputRows(rows, 16, i + 1));
    const execBefore = await metric("nv_inference_exec_count", "batched");
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
    const execs = (await metric("nv_inference_exec_count", "batched")) - execBefore;
    // 26 rows in batches of at most 16: at least 2 executions, and far fewer than 12 requests.
    assert.ok(execs >= 2 && execs <= 4, `expected 2-4 batched executions, saw ${execs}`);
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
  },
});

Deno.test("batching: a full queue answers 503 queue_full with Retry-After, the rest succeed", async () => {
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

Deno.test("batching: a request past its timeout is dropped before it runs", async () => {
  const x = inputRows(64, 1024);
  const inferencesBefore = await metric("nv_inference_count", "slow");
  // Keep the only instance busy with a queue of full batches…
  const busy = Array.from(
    { length: 12 },
    () =>
      client.inferBinary("slow", [{ name: "input", datatype: "FP32", shape: [64, 1024], data: x }]),
  );
  // …and wait until at least four of them wait behind the two in flight (under any CPU load)…
  const deadline = Date.now() + 10_000;
  while ((await metric("nv_inference_pending_request_count", "slow")) < 6) {
    assert.ok(Date.now() < deadline, "the busy requests never queued up");
    await new Promise((r) => setTimeout(r, 2));
  }
  // …then ask for one row with a 1 ms queue timeout.
  const timed = client.inferBinary("slow", [{
    name: "input",
    datatype: "FP32",
    shape: [1, 1024],
    data: x.subarray(0, 1024),
  }], {
    timeoutUs: 1000,
  });
  await assert.rejects(
    timed,
    (e: unknown) => e instanceof OipError && e.status === 503 && e.problem.code === "queue_timeout",
  );
  await Promise.all(busy);
  // Only the busy batches ran: the dropped request never reached the model.
  assert.equal((await metric("nv_inference_count", "slow")) - inferencesBefore, 12 * 64);
  assert.match(
    await client.metrics(),
    /nv_inference_request_failure\{model="slow",version="1",reason="queue_timeout"\} 1/,
  );
});

Deno.test({
  name: "batching: shut the shared server down",
  async fn() {
    await server.shutdown();
    await Deno.remove(repo, { recursive: true });
  },
});
