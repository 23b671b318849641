/**
 * A hung instance is not a healthy one: an instance that passes its execution deadline is
 * replaced, its batch reruns once or fails with 503 (never waits out the hang), the model and
 * the pool report not ready until a healthy instance is back, and then everything serves again.
 * Both isolation modes: a stalled device thread, and a stopped (SIGSTOP) worker process.
 */
import assert from "node:assert/strict";
import { createOipClient, OipError } from "../client/oip_client.ts";
import type { Pool } from "../pool/pool.ts";
import { createFixtureRepository, inputRows, SMALL } from "../testing/fixture_repository.ts";
import { untilWorkers, within } from "../testing/waits.ts";
import { startPoolServer } from "./pool_server.ts";

const DEADLINE_MS = 400;
/** How long the fault lasts: far past the deadline, so waiting it out would show. */
const STALL_MS = 20_000;
const WAIT_MS = 15_000;

const CONFIG = {
  max_batch_size: 8,
  instance_group: [{ kind: "KIND_CPU" as const, count: 1 }],
  parameters: { execution_deadline_ms: { string_value: String(DEADLINE_MS) } },
};

const one = [{ name: "input", datatype: "FP32" as const, shape: [1, 16], data: inputRows(1, 16) }];

/** Resolves with `pool.ready` as it was at the first device change where it read false. */
async function untilNotReady(pool: Pool): Promise<void> {
  while (pool.ready) await within(pool.workersChanged(), WAIT_MS, "the pool to report not ready");
}

async function untilReady(pool: Pool): Promise<void> {
  while (!pool.ready) await within(pool.workersChanged(), WAIT_MS, "the pool to be ready again");
}

async function withHangPool(
  isolation: "thread" | "process",
  fn: (pool: Pool, client: ReturnType<typeof createOipClient>) => Promise<void>,
  config: Record<string, unknown> = CONFIG,
) {
  const repo = await createFixtureRepository([{ name: "small", config, versions: [SMALL] }]);
  const server = await startPoolServer({ repository: repo, gpus: [], isolation });
  try {
    await fn(server.pool, createOipClient(server.url));
  } finally {
    await server.shutdown(1_000);
    await Deno.remove(repo, { recursive: true });
  }
}

Deno.test("hang (device thread): the stalled instance is replaced, its request fails fast with 503, readiness drops and comes back", async () => {
  await withHangPool("thread", async (pool, client) => {
    await client.inferBinary("small", one);
    assert.equal(pool.ready, true);
    const notReady = untilNotReady(pool);
    pool.stallInstance("small", STALL_MS);
    const started = performance.now();
    // A lone request's inputs were handed to the hung thread by transfer: it cannot rerun.
    const error = await client.inferBinary("small", one).then(() => undefined, (e) => e);
    const tookMs = performance.now() - started;
    assert.ok(error instanceof OipError, String(error));
    assert.equal(error.status, 503);
    assert.equal(error.problem.code, "instance_hung");
    assert.ok(tookMs < STALL_MS / 2, `failed after ${tookMs} ms, not at the deadline`);
    await notReady;
    await untilReady(pool);
    assert.equal(await client.modelReady("small"), true);
    assert.equal(await client.ready(), true);
    const after = await client.inferBinary("small", one);
    assert.deepEqual(after.outputs.probabilities.shape, [1, 3]);
  });
});

Deno.test("hang (device thread): a batch on a hung instance reruns once on its replacement", async () => {
  // Two one-row requests always make one batch: the delay only ends at a batch of two.
  const pairs = {
    ...CONFIG,
    dynamic_batching: { max_queue_delay_microseconds: 10_000_000, preferred_batch_size: [2] },
  };
  await withHangPool("thread", async (pool, client) => {
    const pair = () =>
      Promise.all([client.inferBinary("small", one), client.inferBinary("small", one)]);
    await pair();
    pool.stallInstance("small", STALL_MS);
    // The batch's rows were joined into a buffer of its own: they can be joined again.
    const results = await within(pair(), WAIT_MS, "the rerun batch");
    for (const r of results) assert.deepEqual(r.outputs.probabilities.shape, [1, 3]);
  }, pairs);
});

Deno.test({
  name:
    "hang (process isolation): a stopped worker process is killed at the deadline, restarted, and its batch reruns",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await withHangPool("process", async (pool, client) => {
      await client.inferBinary("small", one);
      const [worker] = pool.workers();
      const notReady = untilNotReady(pool);
      Deno.kill(worker.pid!, "SIGSTOP");
      const answered = client.inferBinary("small", one);
      await notReady;
      const result = await within(answered, WAIT_MS, "the rerun after the restart");
      assert.deepEqual(result.outputs.probabilities.shape, [1, 3]);
      await untilWorkers(pool, ([w]) => w.live && w.pid !== worker.pid);
      await untilReady(pool);
      assert.equal(await client.ready(), true);
      const text = await client.metrics();
      assert.match(text, /nv_worker_restarts\{worker="cpu0"\} 1/);
    });
  },
});

Deno.test({
  name:
    "hang (process isolation): a stalled instance inside the worker process is replaced and its batch reruns",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await withHangPool("process", async (pool, client) => {
      await client.inferBinary("small", one);
      const [worker] = pool.workers();
      pool.stallInstance("small", STALL_MS);
      const result = await within(client.inferBinary("small", one), WAIT_MS, "the rerun");
      assert.deepEqual(result.outputs.probabilities.shape, [1, 3]);
      assert.equal(pool.workers()[0].pid, worker.pid, "the process itself was not restarted");
    });
  },
});
