import assert from "node:assert/strict";
import { ProblemError } from "../../shared/http/problem.ts";
import { type BatcherOptions, DynamicBatcher } from "./dynamic_batcher.ts";

interface Job {
  id: string;
  rows: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A batcher whose capacity the test sets, recording every batch `execute` receives. */
type HarnessOptions = Partial<Omit<BatcherOptions<Job, string>, "capacity">> & {
  capacity?: number;
};

function harness({ capacity = 1, ...options }: HarnessOptions = {}) {
  const state = { capacity };
  const batches: string[][] = [];
  const batcher = new DynamicBatcher<Job, string>({
    maxBatchRows: 4,
    batching: true,
    maxQueueDelayUs: 0,
    execute: (items) => {
      batches.push(items.map((j) => j.id));
      return Promise.resolve(items.map((j) => `out-${j.id}`));
    },
    ...options,
    capacity: () => state.capacity,
  });
  const submit = (id: string, rows = 1, timeoutUs = 0) =>
    batcher.submit({ id, rows }, rows, timeoutUs);
  return { batcher, batches, state, submit };
}

function assertProblem(err: unknown, status: number, code: string): ProblemError {
  assert.ok(err instanceof ProblemError, `expected a ProblemError, got ${String(err)}`);
  assert.equal(err.status, status);
  assert.equal(err.code, code);
  return err;
}

Deno.test("requests queued while no capacity form one batch up to maxBatchRows, results to the right caller", async () => {
  const { batcher, batches, state, submit } = harness({ capacity: 0, maxBatchRows: 4 });
  const promises = ["a", "b", "c", "d", "e"].map((id) => submit(id));
  assert.equal(batches.length, 0, "nothing runs while capacity is 0");
  assert.equal(batcher.queued, 5);

  state.capacity = 1;
  batcher.pump();
  // The first four (4 rows) leave at once; the fifth waits for the instance to come back.
  assert.deepEqual(batches, [["a", "b", "c", "d"]]);
  assert.equal(batcher.running, 1);
  assert.equal(batcher.queued, 1);

  assert.deepEqual(await Promise.all(promises), ["out-a", "out-b", "out-c", "out-d", "out-e"]);
  assert.deepEqual(batches, [["a", "b", "c", "d"], ["e"]]);
  await batcher.idle();
});

Deno.test("results are matched to callers by position within the batch", async () => {
  let open = false;
  const batcher = new DynamicBatcher<number, number>({
    maxBatchRows: 8,
    batching: true,
    maxQueueDelayUs: 0,
    capacity: () => (open ? 1 : 0),
    execute: (items) => Promise.resolve(items.map((n) => n * 10)),
  });
  const pending = [3, 1, 2].map((n) => batcher.submit(n, 1));
  open = true;
  batcher.pump();
  assert.deepEqual(await Promise.all(pending), [30, 10, 20]);
  await batcher.idle();
});

Deno.test("mixed row counts are packed in arrival order without exceeding maxBatchRows", async () => {
  const { batcher, batches, state, submit } = harness({ capacity: 0, maxBatchRows: 5 });
  // 1 + 3 = 4 rows; adding the 2-row request would make 6 > 5, so it goes in the next batch.
  const promises = [submit("one", 1), submit("three", 3), submit("two", 2)];
  state.capacity = 2;
  batcher.pump();
  await Promise.all(promises);
  assert.deepEqual(batches, [["one", "three"], ["two"]]);
});

Deno.test("packing never skips ahead: a small later request does not jump a large one", async () => {
  const { batcher, batches, state, submit } = harness({ capacity: 0, maxBatchRows: 4 });
  // 3 + 3 > 4 → [A]; then 3 + 1 = 4 → [B, C].
  const promises = [submit("A", 3), submit("B", 3), submit("C", 1)];
  state.capacity = 2;
  batcher.pump();
  assert.deepEqual(await Promise.all(promises), ["out-A", "out-B", "out-C"]);
  assert.deepEqual(batches, [["A"], ["B", "C"]]);
});

Deno.test("a request larger than maxBatchRows still runs, alone", async () => {
  const { batches, submit } = harness({ maxBatchRows: 4 });
  assert.equal(await submit("big", 6), "out-big");
  assert.deepEqual(batches, [["big"]]);
});

Deno.test("a partial batch waits about maxQueueDelayUs for the oldest request, then dispatches", async () => {
  const { batcher, batches, submit } = harness({ maxBatchRows: 8, maxQueueDelayUs: 20_000 });
  const start = performance.now();
  const a = submit("a");
  assert.equal(batches.length, 0, "a lone 1-row request waits for the batch to fill");
  await sleep(5);
  const b = submit("b");
  assert.equal(batches.length, 0);
  assert.deepEqual(await Promise.all([a, b]), ["out-a", "out-b"]);
  const elapsed = performance.now() - start;
  assert.ok(elapsed >= 15, `dispatched after ${elapsed} ms, before the 20 ms delay`);
  assert.ok(elapsed < 1000, `dispatched after ${elapsed} ms, far past the 20 ms delay`);
  assert.deepEqual(batches, [["a", "b"]], "both requests went in the one delayed batch");
  await batcher.idle();
});

Deno.test("reaching a preferred batch size dispatches at once, without the delay", async () => {
  const { batcher, batches, submit } = harness({
    maxBatchRows: 8,
    maxQueueDelayUs: 30_000,
    preferredBatchRows: [3],
  });
  const a = submit("a", 1);
  assert.equal(batches.length, 0);
  const b = submit("b", 2); // 1 + 2 = 3 rows, a preferred size
  assert.deepEqual(batches, [["a", "b"]], "execute was called synchronously by submit");
  assert.deepEqual(await Promise.all([a, b]), ["out-a", "out-b"]);
  await batcher.idle();
  // The delay timer armed for `a` is not cancelled by the dispatch; let it run out harmlessly.
  await sleep(40);
  assert.deepEqual(batches, [["a", "b"]]);
});

Deno.test("a full batch dispatches at once even with a long delay", async () => {
  const { batcher, batches, state, submit } = harness({
    capacity: 0,
    maxBatchRows: 2,
    maxQueueDelayUs: 10_000_000,
  });
  const pending = [submit("a"), submit("b")];
  state.capacity = 1;
  batcher.pump();
  assert.deepEqual(batches, [["a", "b"]]);
  await Promise.all(pending);
});

Deno.test("batching off runs each request alone", async () => {
  const { batcher, batches, state, submit } = harness({
    capacity: 0,
    batching: false,
    maxBatchRows: 8,
    maxQueueDelayUs: 1_000_000,
  });
  const promises = [submit("a"), submit("b", 2), submit("c")];
  state.capacity = 3;
  batcher.pump();
  assert.deepEqual(batches, [["a"], ["b"], ["c"]]);
  assert.equal(batcher.running, 3);
  assert.deepEqual(await Promise.all(promises), ["out-a", "out-b", "out-c"]);
});

Deno.test("maxBatchRows 0 runs each request alone even with batching on", async () => {
  const { batcher, batches, state, submit } = harness({ capacity: 0, maxBatchRows: 0 });
  const promises = [submit("a"), submit("b")];
  state.capacity = 2;
  batcher.pump();
  await Promise.all(promises);
  assert.deepEqual(batches, [["a"], ["b"]]);
});

Deno.test("a full queue rejects with 503 queue_full and Retry-After", async () => {
  const { batcher, batches, submit } = harness({ capacity: 0, maxQueueSize: 2 });
  const queued = [submit("a"), submit("b")];
  await assert.rejects(submit("c"), (err) => {
    const problem = assertProblem(err, 503, "queue_full");
    assert.equal(problem.headers?.["Retry-After"], "1");
    return true;
  });
  assert.equal(batcher.queued, 2, "the rejected request was not queued");
  const shutdown = new Error("shutdown");
  batcher.rejectAll(shutdown);
  for (const p of queued) await assert.rejects(p, (err) => err === shutdown);
  assert.equal(batches.length, 0);
});

Deno.test("maxQueueSize 0 means unbounded", async () => {
  const { batcher, submit } = harness({ capacity: 0, maxQueueSize: 0 });
  const queued = Array.from({ length: 50 }, (_, i) => submit(`r${i}`));
  assert.equal(batcher.queued, 50);
  batcher.rejectAll(new Error("done"));
  const settled = await Promise.allSettled(queued);
  assert.ok(settled.every((s) => s.status === "rejected"));
});

Deno.test("a per-request timeout drops a request that has not started (503 queue_timeout)", async () => {
  const { batcher, batches, state, submit } = harness({ capacity: 0 });
  const start = performance.now();
  await assert.rejects(submit("late", 1, 10_000), (err) => {
    const problem = assertProblem(err, 503, "queue_timeout");
    assert.equal(problem.headers?.["Retry-After"], "1");
    return true;
  });
  assert.ok(performance.now() - start >= 8, "dropped only after its 10 ms timeout");
  assert.equal(batcher.queued, 0);
  state.capacity = 1;
  batcher.pump();
  assert.equal(batches.length, 0, "a dropped request never reaches execute");
  await batcher.idle();
});

Deno.test("a timed-out request leaves the others in the queue", async () => {
  const { batcher, batches, state, submit } = harness({ capacity: 0 });
  const keep = submit("keep", 1, 0);
  await assert.rejects(submit("drop", 1, 5_000), (err) => {
    assertProblem(err, 503, "queue_timeout");
    return true;
  });
  state.capacity = 1;
  batcher.pump();
  assert.equal(await keep, "out-keep");
  assert.deepEqual(batches, [["keep"]]);
});

Deno.test("a request that starts before its timeout is not dropped", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const batcher = new DynamicBatcher<string, string>({
    maxBatchRows: 4,
    batching: true,
    maxQueueDelayUs: 0,
    capacity: () => 1,
    execute: async (items) => {
      await gate;
      return items.map((s) => s.toUpperCase());
    },
  });
  const p = batcher.submit("x", 1, 5_000);
  await sleep(15); // longer than the timeout, but the request is already running
  release();
  assert.equal(await p, "X");
});

Deno.test("an execute rejection rejects every item of that batch only", async () => {
  const failure = new Error("instance crashed");
  let calls = 0;
  let open = false;
  const batches: string[][] = [];
  const batcher = new DynamicBatcher<string, string>({
    maxBatchRows: 2,
    batching: true,
    maxQueueDelayUs: 0,
    capacity: () => (open ? 1 : 0),
    execute: (items) => {
      batches.push(items);
      return ++calls === 1 ? Promise.reject(failure) : Promise.resolve(items.map((s) => `ok-${s}`));
    },
  });
  const [a, b, c] = ["a", "b", "c"].map((s) => batcher.submit(s, 1));
  open = true;
  batcher.pump();
  await assert.rejects(a, (err) => err === failure);
  await assert.rejects(b, (err) => err === failure);
  assert.equal(await c, "ok-c");
  assert.deepEqual(batches, [["a", "b"], ["c"]]);
  await batcher.idle();
  assert.equal(batcher.running, 0);
});

Deno.test("idle() resolves at once when empty, else when queue and running are both empty", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  let open = false;
  const batcher = new DynamicBatcher<string, string>({
    maxBatchRows: 1,
    batching: true,
    maxQueueDelayUs: 0,
    capacity: () => (open ? 1 : 0),
    execute: async (items) => {
      await gate;
      return items;
    },
  });
  await batcher.idle(); // nothing queued or running

  const results = [batcher.submit("a", 1), batcher.submit("b", 1)];
  let idle = false;
  const idlePromise = batcher.idle().then(() => idle = true);
  await sleep(1);
  assert.equal(idle, false, "two requests are queued");

  open = true;
  batcher.pump();
  assert.equal(batcher.running, 1);
  assert.equal(batcher.queued, 1);
  await sleep(1);
  assert.equal(idle, false, "one runs, one is queued");

  release();
  assert.deepEqual(await Promise.all(results), ["a", "b"]);
  await idlePromise;
  assert.equal(idle, true);
  assert.equal(batcher.queued, 0);
  assert.equal(batcher.running, 0);
});

Deno.test("rejectAll fails every queued request, clears their timeouts and wakes idle()", async () => {
  const { batcher, batches, submit } = harness({ capacity: 0 });
  const queued = [submit("a", 1, 60_000_000), submit("b", 2, 60_000_000), submit("c")];
  const idle = batcher.idle();
  const error = new Error("shutting down");
  batcher.rejectAll(error);
  for (const p of queued) await assert.rejects(p, (err) => err === error);
  await idle;
  assert.equal(batcher.queued, 0);
  assert.equal(batches.length, 0);
});
