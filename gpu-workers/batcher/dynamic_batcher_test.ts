import assert from "node:assert/strict";
import { setImmediate } from "node:timers";
import { rejectsDomainError } from "@edgeml/shared/testing";
import { createManualClock } from "../testing/manual_clock.ts";
import { type BatcherOptions, DynamicBatcher } from "./dynamic_batcher.ts";

interface Job {
  id: string;
  rows: number;
}

/**
 * Whether `promise` has settled once every pending callback has run: the check waits one
 * macrotask turn, which comes only after the whole microtask queue has drained.
 */
function settled(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([
    promise.then(() => true, () => true),
    new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
  ]);
}

/** A batcher whose capacity the test sets, recording every batch `execute` receives. */
type HarnessOptions = Partial<Omit<BatcherOptions<Job, string>, "capacity">> & {
  capacity?: number;
};

function harness({ capacity = 1, ...options }: HarnessOptions = {}) {
  const state = { capacity };
  const clock = createManualClock();
  const batches: string[][] = [];
  const batcher = new DynamicBatcher<Job, string>({
    maxBatchRows: 4,
    batching: true,
    maxQueueDelayUs: 0,
    execute: (items) => {
      batches.push(items.map((j) => j.id));
      return Promise.resolve(items.map((j) => `out-${j.id}`));
    },
    clock,
    ...options,
    capacity: () => state.capacity,
  });
  const submit = (id: string, rows = 1, timeoutUs = 0) =>
    batcher.submit({ id, rows }, rows, timeoutUs);
  return { batcher, batches, clock, state, submit };
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

Deno.test("with a batchKey only requests of equal key run together, oldest first", async () => {
  // Ids carry a shape: "a8" is a request of sequence length 8.
  const { batcher, batches, clock, state, submit } = harness({
    capacity: 0,
    maxBatchRows: 8,
    maxQueueDelayUs: 1000,
    batchKey: (job) => job.id.slice(1),
  });
  const first = [submit("a8"), submit("b8"), submit("c5"), submit("d5")];
  const last = submit("e8");
  state.capacity = 3;
  batcher.pump();
  assert.deepEqual(await Promise.all(first), ["out-a8", "out-b8", "out-c5", "out-d5"]);
  // Batches with another shape behind them leave at once; e8, alone at the end, waits its delay.
  assert.deepEqual(batches, [["a8", "b8"], ["c5", "d5"]]);
  assert.equal(await settled(last), false);
  clock.advance(1);
  assert.equal(await last, "out-e8");
});

Deno.test("a request larger than maxBatchRows still runs, alone", async () => {
  const { batches, submit } = harness({ maxBatchRows: 4 });
  assert.equal(await submit("big", 6), "out-big");
  assert.deepEqual(batches, [["big"]]);
});

Deno.test("a partial batch waits maxQueueDelayUs for the oldest request, then dispatches", async () => {
  const { batcher, batches, clock, submit } = harness({ maxBatchRows: 8, maxQueueDelayUs: 20_000 });
  const a = submit("a");
  assert.equal(batches.length, 0, "a lone 1-row request waits for the batch to fill");
  clock.advance(5);
  const b = submit("b");
  clock.advance(14.999);
  assert.equal(batches.length, 0, "not before the oldest request has waited 20 ms");
  clock.advance(0.001);
  assert.deepEqual(batches, [["a", "b"]], "both requests went in the one delayed batch");
  assert.deepEqual(await Promise.all([a, b]), ["out-a", "out-b"]);
  assert.equal(clock.pending, 0);
  await batcher.idle();
});

Deno.test("reaching a preferred batch size dispatches at once, without the delay", async () => {
  const { batcher, batches, clock, submit } = harness({
    maxBatchRows: 8,
    maxQueueDelayUs: 30_000,
    preferredBatchRows: [3],
  });
  const a = submit("a", 1);
  assert.equal(batches.length, 0);
  assert.equal(clock.pending, 1, "the delay timer for `a` is armed");
  const b = submit("b", 2); // 1 + 2 = 3 rows, a preferred size
  assert.deepEqual(batches, [["a", "b"]], "execute was called synchronously by submit");
  assert.equal(clock.pending, 0, "the dispatch disarmed the delay timer");
  assert.deepEqual(await Promise.all([a, b]), ["out-a", "out-b"]);
  await batcher.idle();
  clock.advance(40);
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

Deno.test("a full queue rejects: unavailable queue_full, retry after 1 s", async () => {
  const { batcher, batches, submit } = harness({ capacity: 0, maxQueueSize: 2 });
  const queued = [submit("a"), submit("b")];
  const err = await rejectsDomainError(submit("c"), "unavailable", "queue_full");
  assert.equal(err.retryAfterSeconds, 1);
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

Deno.test("a per-request timeout drops a request that has not started (unavailable queue_timeout)", async () => {
  const { batcher, batches, clock, state, submit } = harness({ capacity: 0 });
  const late = submit("late", 1, 10_000);
  clock.advance(9.999);
  assert.equal(await settled(late), false, "not dropped before its 10 ms timeout");
  assert.equal(batcher.queued, 1);
  clock.advance(0.001);
  const err = await rejectsDomainError(late, "unavailable", "queue_timeout");
  assert.equal(err.retryAfterSeconds, 1);
  assert.equal(batcher.queued, 0);
  state.capacity = 1;
  batcher.pump();
  assert.equal(batches.length, 0, "a dropped request never reaches execute");
  await batcher.idle();
});

Deno.test("a timed-out request leaves the others in the queue", async () => {
  const { batcher, batches, clock, state, submit } = harness({ capacity: 0 });
  const keep = submit("keep", 1, 0);
  const drop = submit("drop", 1, 5_000);
  clock.advance(5);
  await rejectsDomainError(drop, "unavailable", "queue_timeout");
  state.capacity = 1;
  batcher.pump();
  assert.equal(await keep, "out-keep");
  assert.deepEqual(batches, [["keep"]]);
});

Deno.test("a request that starts before its timeout is not dropped", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const clock = createManualClock();
  const batcher = new DynamicBatcher<string, string>({
    maxBatchRows: 4,
    batching: true,
    maxQueueDelayUs: 0,
    capacity: () => 1,
    clock,
    execute: async (items) => {
      await gate;
      return items.map((s) => s.toUpperCase());
    },
  });
  const p = batcher.submit("x", 1, 5_000);
  assert.equal(batcher.running, 1);
  assert.equal(clock.pending, 0, "starting cancelled the timeout");
  clock.advance(15); // longer than the timeout, but the request is already running
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
  const idle = batcher.idle();
  assert.equal(await settled(idle), false, "two requests are queued");

  open = true;
  batcher.pump();
  assert.equal(batcher.running, 1);
  assert.equal(batcher.queued, 1);
  assert.equal(await settled(idle), false, "one runs, one is queued");

  release();
  assert.deepEqual(await Promise.all(results), ["a", "b"]);
  assert.equal(await settled(idle), true);
  assert.equal(batcher.queued, 0);
  assert.equal(batcher.running, 0);
});

Deno.test("rejectAll fails every queued request, clears their timeouts and wakes idle()", async () => {
  const { batcher, batches, clock, submit } = harness({ capacity: 0 });
  const queued = [submit("a", 1, 60_000_000), submit("b", 2, 60_000_000), submit("c")];
  assert.equal(clock.pending, 2);
  const idle = batcher.idle();
  const error = new Error("shutting down");
  batcher.rejectAll(error);
  for (const p of queued) await assert.rejects(p, (err) => err === error);
  await idle;
  assert.equal(clock.pending, 0, "their timeouts were cancelled");
  assert.equal(batcher.queued, 0);
  assert.equal(batches.length, 0);
});

Deno.test("adaptive delay: a lone caller goes at once; a queue as large as the last batch goes without waiting out the delay", async () => {
  const { batcher, batches, clock, state, submit } = harness({
    maxBatchRows: 8,
    maxQueueDelayUs: 20_000,
    adaptiveDelay: true,
    capacity: 0,
  });
  // Three callers queue while the instance is busy; they leave together when it frees.
  const first = ["a", "b", "c"].map((id) => submit(id));
  state.capacity = 1;
  batcher.pump();
  assert.deepEqual(batches, [["a", "b", "c"]]);
  await Promise.all(first);
  await batcher.idle();
  // The same three come back: the batch goes the moment the third arrives, not after 20 ms.
  const d = submit("d");
  const e = submit("e");
  assert.equal(batches.length, 1, "two of the expected three wait");
  assert.equal(clock.pending, 1, "the delay is armed as the ceiling");
  const f = submit("f");
  assert.deepEqual(batches[1], ["d", "e", "f"]);
  assert.equal(clock.pending, 0);
  await Promise.all([d, e, f]);
  await batcher.idle();
  // Fewer come back: after the delay the batch goes short, and the expectation follows it.
  const g = submit("g");
  clock.advance(20);
  assert.deepEqual(batches[2], ["g"]);
  await g;
  await batcher.idle();
  const h = submit("h");
  assert.deepEqual(batches[3], ["h"], "one is now what is expected: no wait");
  await h;
});
