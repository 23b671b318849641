import assert from "node:assert/strict";
import type { Tensor } from "@edgeml/shared/contracts";
import { concatRows, splitRows } from "./batch_tensors.ts";

/** FP32 tensor [rows, 2] whose values are given flat. */
function fp32(name: string, values: number[], cols = 2): Tensor {
  return {
    name,
    datatype: "FP32",
    shape: [values.length / cols, cols],
    bytes: new Uint8Array(new Float32Array(values).buffer),
  };
}

/** INT64 tensor [rows] (one value per row). */
function int64(name: string, values: number[]): Tensor {
  return {
    name,
    datatype: "INT64",
    shape: [values.length],
    bytes: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer),
  };
}

const floats = (t: Tensor) => [...new Float32Array(t.bytes.slice().buffer)];
const ints = (t: Tensor) => [...new BigInt64Array(t.bytes.slice().buffer)].map(Number);

Deno.test("concatRows joins each input along dim 0 across requests of 1, 3 and 2 rows", () => {
  const requests = [
    [fp32("a", [1, 2]), int64("b", [10])],
    [fp32("a", [3, 4, 5, 6, 7, 8]), int64("b", [20, 30, 40])],
    [fp32("a", [9, 10, 11, 12]), int64("b", [50, 60])],
  ];
  const [a, b] = concatRows(requests);
  assert.equal(a.name, "a");
  assert.equal(a.datatype, "FP32");
  assert.deepEqual(a.shape, [6, 2]);
  assert.deepEqual(floats(a), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.equal(b.name, "b");
  assert.equal(b.datatype, "INT64");
  assert.deepEqual(b.shape, [6]);
  assert.deepEqual(ints(b), [10, 20, 30, 40, 50, 60]);
});

Deno.test("splitRows is the inverse of concatRows on mixed row counts", () => {
  const requests = [
    [fp32("a", [1, 2]), int64("b", [10])],
    [fp32("a", [3, 4, 5, 6, 7, 8]), int64("b", [20, 30, 40])],
    [fp32("a", [9, 10, 11, 12]), int64("b", [50, 60])],
  ];
  const split = splitRows(concatRows(requests), [1, 3, 2]);
  assert.equal(split.length, 3);
  split.forEach((outputs, r) => {
    assert.deepEqual(outputs.map((o) => o.name), ["a", "b"]);
    assert.deepEqual(outputs.map((o) => o.shape), requests[r].map((o) => o.shape));
    assert.deepEqual(floats(outputs[0]), floats(requests[r][0]));
    assert.deepEqual(ints(outputs[1]), ints(requests[r][1]));
  });
});

Deno.test("splitRows cuts outputs by row: [6, 2] into 1, 3 and 2 rows", () => {
  const out = fp32("y", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const [r0, r1, r2] = splitRows([out], [1, 3, 2]);
  assert.deepEqual(r0[0].shape, [1, 2]);
  assert.deepEqual(floats(r0[0]), [0, 1]);
  assert.deepEqual(r1[0].shape, [3, 2]);
  assert.deepEqual(floats(r1[0]), [2, 3, 4, 5, 6, 7]);
  assert.deepEqual(r2[0].shape, [2, 2]);
  assert.deepEqual(floats(r2[0]), [8, 9, 10, 11]);
});

Deno.test("a single request passes through both ways unchanged", () => {
  const request = [fp32("a", [1, 2, 3, 4]), int64("b", [7, 8])];
  assert.deepEqual(concatRows([request]), request);
  assert.deepEqual(splitRows(request, [2]), [request]);
});

Deno.test("splitRows throws when an output has the wrong number of rows", () => {
  const good = fp32("good", [1, 2, 3, 4, 5, 6]); // 3 rows
  const bad = int64("bad", [1, 2]); // 2 rows for a batch of 3
  assert.throws(() => splitRows([good, bad], [1, 2]), /'bad' has 2 rows for a batch of 3/);
});
