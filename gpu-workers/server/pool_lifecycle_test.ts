/**
 * The pool under change: a worker killed with SIGKILL is restarted while requests keep being
 * answered, a new version is swapped in under concurrent load with zero failures, a broken
 * model file is refused while the old version keeps serving, and unload/drain finish cleanly.
 */
import assert from "node:assert/strict";
import { createGraphBuilder, encodeModel } from "@edgeml/shared/onnx";
import { createOipClient, type OipClient, OipError } from "../client/oip_client.ts";
import {
  createFixtureRepository,
  inputRows,
  SMALL,
  writeVersion,
} from "../testing/fixture_repository.ts";
import { metricValue, untilMetrics, untilWorkers, within } from "../testing/waits.ts";
import type { Isolation } from "../pool/pool.ts";
import { type PoolServer, startPoolServer } from "./pool_server.ts";

const CONFIG = { max_batch_size: 8, dynamic_batching: { max_queue_delay_microseconds: 500 } };
/** Upper bound of every wait below: generous, for a loaded two-core machine. */
const WAIT_MS = 30_000;

/**
 * Sends one-row requests back to back from `concurrency` loops until `stop()`. `answered(n)`
 * resolves once `n` more responses have come back than when it was called.
 */
function startLoad(client: OipClient, model: string, concurrency = 4) {
  let stopped = false;
  const versions: string[] = [];
  const failures: unknown[] = [];
  let waiters: { count: number; resolve(): void }[] = [];
  const x = inputRows(1, 16, 3);
  const loops = Promise.all(Array.from({ length: concurrency }, async () => {
    while (!stopped) {
      try {
        const r = await client.inferBinary(model, [{
          name: "input",
          datatype: "FP32",
          shape: [1, 16],
          data: x,
        }]);
        versions.push(r.response.model_version!);
      } catch (e) {
        failures.push(e);
      }
      const total = versions.length + failures.length;
      waiters = waiters.filter((w) => total < w.count || (w.resolve(), false));
    }
  }));
  return {
    answered(n: number): Promise<void> {
      const count = versions.length + failures.length + n;
      return within(
        new Promise<void>((resolve) => waiters.push({ count, resolve })),
        WAIT_MS,
        `${n} more responses from ${model}`,
      );
    },
    async stop() {
      stopped = true;
      await loops;
      return { versions, failures };
    },
  };
}

/** Waits until the pool has received `n` requests for the model: pending or answered. */
function untilReceived(client: OipClient, model: string, n: number) {
  return untilMetrics(
    client,
    (text) =>
      metricValue(text, "nv_inference_pending_request_count", model) +
          metricValue(text, "nv_inference_request_success", model) >= n,
    { timeoutMs: WAIT_MS, what: `${n} requests for ${model} to reach the pool` },
  );
}

/** Sends `n` one-row requests at once; resolves with their answers. */
function sendOneRowRequests(client: OipClient, n: number) {
  const x = inputRows(1, 16);
  return Array.from(
    { length: n },
    () =>
      client.inferBinary("small", [{ name: "input", datatype: "FP32", shape: [1, 16], data: x }]),
  );
}

/** A pool over a fresh one-model repository, torn down (workers and files) afterwards. */
async function withPool(
  isolation: Isolation,
  fn: (server: PoolServer, repo: string) => Promise<void>,
) {
  const repo = await createFixtureRepository([{
    name: "small",
    config: CONFIG,
    versions: [SMALL],
  }]);
  const server = await startPoolServer({ repository: repo, gpus: [], isolation });
  try {
    await fn(server, repo);
  } finally {
    await server.shutdown();
    await Deno.remove(repo, { recursive: true });
  }
}

for (const isolation of ["thread", "process"] as const) {
  Deno.test({
    name:
      `lifecycle (${isolation}): a worker process killed with SIGKILL is restarted and no request fails`,
    // Device threads have no process of their own to kill; their hang and replacement are
    // tested in pool_hang_test.ts.
    ignore: isolation === "thread",
    fn: async () => {
      await withPool(isolation, async (server) => {
        const client = createOipClient(server.url);
        const [worker] = server.pool.workers();
        const load = startLoad(client, "small");
        try {
          await load.answered(20);
          Deno.kill(worker.pid!, "SIGKILL");
          // A new process holds the slot; it answers requests, and the requests lost with the old
          // one were run again (none failed).
          await untilWorkers(server.pool, ([w]) => w.live && w.pid !== worker.pid, {
            timeoutMs: WAIT_MS,
            what: "the killed worker to be replaced",
          });
          await load.answered(20);
          const { versions, failures } = await load.stop();
          assert.deepEqual(failures, []);
          assert.ok(versions.length >= 40);
          assert.notEqual(server.pool.workers()[0].pid, worker.pid);
          assert.match(await client.metrics(), /nv_worker_restarts\{worker="cpu0"\} 1/);
          assert.equal((await client.modelMetadata("small")).parameters?.execution_provider, "cpu");
        } finally {
          await load.stop();
        }
      });
    },
  });

  Deno.test(`lifecycle (${isolation}): hot swap to a new version under concurrent requests, zero failures`, async () => {
    await withPool(isolation, async (server, repo) => {
      const client = createOipClient(server.url);
      const load = startLoad(client, "small", 8);
      try {
        await load.answered(20);
        await writeVersion(repo, "small", 2, { ...SMALL, seed: 99 });
        await client.load("small");
        // Requests sent once load() has returned go to version 2.
        await load.answered(20);
        const { versions, failures } = await load.stop();
        assert.deepEqual(failures, []);
        assert.ok(versions.includes("1") && versions.includes("2"), "both versions answered");
        assert.equal(versions.at(-1), "2");
        // latest 1 policy: version 1 is gone once its queue drained.
        assert.deepEqual((await client.modelMetadata("small")).versions, ["2"]);
        await assert.rejects(
          client.modelMetadata("small", "1"),
          (e: unknown) => e instanceof OipError && e.status === 404,
        );
        assert.deepEqual(await client.repositoryIndex(true), [{
          name: "small",
          version: "2",
          state: "READY",
          reason: "",
        }]);
      } finally {
        await load.stop();
      }
    });
  });

  Deno.test(`lifecycle (${isolation}): a broken model file is refused with 422 and the old version keeps serving`, async () => {
    await withPool(isolation, async (server, repo) => {
      const client = createOipClient(server.url);
      const pid = server.pool.workers()[0].pid;
      const x = inputRows(1, 16);
      const before = await client.inferBinary("small", [{
        name: "input",
        datatype: "FP32",
        shape: [1, 16],
        data: x,
      }]);
      for (const bytes of [new TextEncoder().encode("not an onnx model"), new Uint8Array(0)]) {
        await writeVersion(repo, "small", 2, bytes);
        await assert.rejects(
          client.load("small"),
          (e: unknown) =>
            e instanceof OipError && e.status === 422 && e.problem.code === "model_load_failed",
        );
      }
      const after = await client.inferBinary("small", [{
        name: "input",
        datatype: "FP32",
        shape: [1, 16],
        data: x,
      }]);
      assert.equal(after.response.model_version, "1");
      assert.deepEqual(
        Array.from(after.outputs.probabilities.data as Float32Array),
        Array.from(before.outputs.probabilities.data as Float32Array),
      );
      assert.equal(server.pool.workers()[0].pid, pid, "the worker did not crash");
      assert.doesNotMatch(await client.metrics(), /nv_worker_restarts\{/);
    });
  });

  Deno.test(`lifecycle (${isolation}): unload drains then frees the model; load brings it back; index reports states`, async () => {
    await withPool(isolation, async (server) => {
      const client = createOipClient(server.url);
      const inflight = sendOneRowRequests(client, 10);
      await untilReceived(client, "small", 10);
      await client.unload("small");
      // Everything accepted before the unload was answered.
      assert.equal((await Promise.all(inflight)).length, 10);
      await assert.rejects(
        client.modelMetadata("small"),
        (e: unknown) => e instanceof OipError && e.status === 404,
      );
      assert.deepEqual(await client.repositoryIndex(), [{
        name: "small",
        state: "UNAVAILABLE",
        reason: "unloaded",
      }]);
      assert.deepEqual(await client.repositoryIndex(true), []);
      await client.load("small");
      assert.equal(await client.modelReady("small"), true);
    });
  });

  Deno.test(`lifecycle (${isolation}): drain answers queued requests, then stops the workers`, async () => {
    const repo = await createFixtureRepository([{
      name: "small",
      // A batch waits up to 200 ms to fill: requests are still queued when the drain starts.
      config: { max_batch_size: 64, dynamic_batching: { max_queue_delay_microseconds: 200_000 } },
      versions: [SMALL],
    }]);
    const server = await startPoolServer({ repository: repo, gpus: [], isolation });
    let stopped = false;
    try {
      const client = createOipClient(server.url);
      const inflight = sendOneRowRequests(client, 10);
      await untilReceived(client, "small", 10);
      const pid = server.pool.workers()[0].pid;
      stopped = true;
      await server.shutdown();
      assert.equal((await Promise.all(inflight)).length, 10);
      // The devices are closed; with process isolation, the worker process is gone.
      assert.deepEqual(server.pool.workers().map((w) => w.live), [false]);
      if (pid !== undefined) assert.throws(() => Deno.kill(pid, "SIGCONT"));
    } finally {
      if (!stopped) await server.shutdown();
      await Deno.remove(repo, { recursive: true });
    }
  });

  Deno.test(`lifecycle (${isolation}): a model whose batch dimension is fixed is refused for batching (422)`, async () => {
    await withPool(isolation, async (server, repo) => {
      const client = createOipClient(server.url);
      const b = createGraphBuilder("fixed");
      b.output(b.relu(b.input("input", "float32", [1, 16])), "probabilities", "float32", [1, 16]);
      await writeVersion(repo, "small", 2, encodeModel(b.build()));
      await assert.rejects(
        client.load("small"),
        (e: unknown) =>
          e instanceof OipError && e.status === 422 &&
          e.problem.code === "batch_dimension_not_dynamic",
      );
      // Served as-is with max_batch_size 0, the same file loads.
      await client.load("small", { max_batch_size: 0 });
      const meta = await client.modelMetadata("small");
      assert.deepEqual(meta.versions, ["2"]);
      assert.deepEqual(meta.inputs[0].shape, [1, 16]);
    });
  });
}
