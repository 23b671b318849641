import assert from "node:assert/strict";
import { createKeyedQueue } from "./keyed_queue.ts";

Deno.test("tasks of one key run one at a time, in call order, past failures", async () => {
  const queue = createKeyedQueue();
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const first = queue.run("a", async () => {
    log.push("a1 start");
    await gate;
    log.push("a1 end");
    throw new Error("a1 failed");
  });
  const second = queue.run("a", () => Promise.resolve(log.push("a2")));
  const other = queue.run("b", () => Promise.resolve(log.push("b1")));
  await other;
  assert.deepEqual(log, ["a1 start", "b1"]);
  release();
  await assert.rejects(first, /a1 failed/);
  await second;
  assert.deepEqual(log, ["a1 start", "b1", "a1 end", "a2"]);
});
