import assert from "node:assert/strict";
import { timeHoldout } from "./holdout.ts";

Deno.test("timeHoldout: newest max(1, ⌊0.1·n⌋) events per user are targets", () => {
  // user 0: 20 events (2 targets), user 1: 3 events (1 target), user 2: 1 event (none).
  const user: number[] = [];
  const item: number[] = [];
  const time: number[] = [];
  for (let k = 0; k < 20; k++) user.push(0), item.push(k), time.push(100 - k); // newest = item 0
  for (let k = 0; k < 3; k++) user.push(1), item.push(50 + k), time.push(k);
  user.push(2), item.push(99), time.push(0);
  const h = timeHoldout({
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    time: Float64Array.from(time),
  }, 3);
  assert.deepEqual([...h.targetOffsets], [0, 2, 3, 3]);
  assert.deepEqual([...h.targetItems], [1, 0, 52]);
  assert.equal(h.train.user.length, 18 + 2 + 1);
  assert.deepEqual([...h.inputItems.subarray(h.inputOffsets[1], h.inputOffsets[2])], [50, 51]);
  assert.ok(!h.train.item.includes(0) && !h.train.item.includes(52));
});
