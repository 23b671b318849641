import assert from "node:assert/strict";
import { groupByUser } from "./sequences.ts";

Deno.test("groupByUser: per-user CSR in time order, ties in input order", () => {
  const seq = groupByUser({
    user: Int32Array.from([1, 0, 1, 1, 0]),
    item: Int32Array.from([10, 20, 11, 12, 21]),
    time: Float64Array.from([5, 3, 1, 5, 2]),
  }, 3);
  assert.deepEqual([...seq.offsets], [0, 2, 5, 5]);
  assert.deepEqual([...seq.items], [21, 20, 11, 10, 12]);
  assert.deepEqual([...seq.times], [2, 3, 1, 5, 5]);
  assert.throws(
    () =>
      groupByUser({ user: Int32Array.of(3), item: Int32Array.of(0), time: Float64Array.of(0) }, 3),
    RangeError,
  );
});
