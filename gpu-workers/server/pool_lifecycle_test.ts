/**
 * The pool under change: a worker killed with SIGKILL is restarted while requests keep being
 * answered, a new version is swapped in under concurrent load with zero failures, a broken
 * model file is refused while the old version keeps serving, and unload/drain finish cleanly.
 */
import assert from "node:assert/strict";
import { createOipClient, OipError } from "../client/oip_client.ts";
import {
  createFixtureRepository,
  inputRows,
  SMALL,
  writeVersion,
} from "../testing/fixture_repository.ts";
import { startPoolServer } from "./pool_server.ts";
import { createGraphBuilder } from "../../shared/onnx/graph_builder.ts";
import { encodeModel } from "../../shared/onnx/model_io.ts";

const CONFIG = { max_batch_size: 8, dynamic_batching: { max_queue_delay_us: 500 } };

/** Sends requests back to back from `concurrency` loops until `stop` resolves; counts outcomes. */
async function load(
  client: ReturnType<typeof createOipClient>,
  model: string,
  stop: Promise<void>,
  concurrency = 4,
) {
  let done = false;
  stop.then(() => (done = true));
  const versions: string[] = [];
  const failures: unknown[] = [];
  const x = inputRows(1, 16, 3);
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (!done) {
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
    }
  }));
  return { versions, failures };
}

/** A pool over a fresh one-model repository, torn down (workers and files) afterwards. */
async function withPool(
  fn: (server: Awaited<ReturnType<typeof startPoolServer>>, repo: string) => Promise<void>,
) {
  const repo = await createFixtureRepository([{
    name: "small",
    config: CONFIG,
    versions: [SMALL],
  }]);
  const server = await startPoolServer({ repository: repo, gpus: [] });
  try {
    await fn(server, repo);
  } finally {
    await server.shutdown();
    await Deno.remove(repo, { recursive: true });
  }
}

Deno.test("lifecycle: a worker killed with SIGKILL is restarted and no request fails", async () => {
  await withPool(async (server) => {
    const client = createOipClient(server.url);
    const [worker] = server.pool.workers();
    let release!: () => void;
    const stop = new Promise<void>((r) => (release = r));
    const running = load(client, "small", stop);
    await new Promise((r) => setTimeout(r, 100));
    Deno.kill(worker.pid!, "SIGKILL");
    // Wait until a new process holds the slot, then keep serving a little longer.
    const deadline = Date.now() + 15_000;
    while (server.pool.workers()[0].pid === worker.pid || !server.pool.workers()[0].live) {
      assert.ok(Date.now() < deadline, "worker was not restarted in time");
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 100));
    release();
    const { versions, failures } = await running;
    assert.deepEqual(failures, []);
    assert.ok(versions.length > 10);
    assert.notEqual(server.pool.workers()[0].pid, worker.pid);
    assert.match(await client.metrics(), /nv_worker_restarts\{worker="cpu0"\} 1/);
    assert.equal((await client.modelMetadata("small")).parameters?.execution_provider, "cpu");
  });
});

Deno.test("lifecycle: hot swap to a new version under concurrent requests, zero failures", async () => {
  await withPool(async (server, repo) => {
    const client = createOipClient(server.url);
    let release!: () => void;
    const stop = new Promise<void>((r) => (release = r));
    const running = load(client, "small", stop, 8);
    await new Promise((r) => setTimeout(r, 100));
    await writeVersion(repo, "small", 2, { ...SMALL, seed: 99 });
    await client.load("small");
    await new Promise((r) => setTimeout(r, 150));
    release();
    const { versions, failures } = await running;
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
  });
});

Deno.test("lifecycle: a broken model file is refused with 422 and the old version keeps serving", async () => {
  await withPool(async (server, repo) => {
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

Deno.test("lifecycle: unload drains then frees the model; load brings it back; index reports states", async () => {
  await withPool(async (server) => {
    const client = createOipClient(server.url);
    const x = inputRows(1, 16);
    const inflight = Array.from(
      { length: 10 },
      () =>
        client.inferBinary("small", [{ name: "input", datatype: "FP32", shape: [1, 16], data: x }]),
    );
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

Deno.test("lifecycle: drain answers queued requests, then stops the workers", async () => {
  const repo = await createFixtureRepository([{
    name: "small",
    config: CONFIG,
    versions: [SMALL],
  }]);
  const server = await startPoolServer({ repository: repo, gpus: [] });
  const client = createOipClient(server.url);
  const x = inputRows(1, 16);
  const inflight = Array.from(
    { length: 10 },
    () =>
      client.inferBinary("small", [{ name: "input", datatype: "FP32", shape: [1, 16], data: x }]),
  );
  await new Promise((r) => setTimeout(r, 5));
  const pid = server.pool.workers()[0].pid!;
  await server.shutdown();
  assert.equal((await Promise.all(inflight)).length, 10);
  // The worker process is gone.
  assert.throws(() => Deno.kill(pid, "SIGCONT"));
  await Deno.remove(repo, { recursive: true });
});

Deno.test("lifecycle: a model whose batch dimension is fixed is refused for batching (422)", async () => {
  await withPool(async (server, repo) => {
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
