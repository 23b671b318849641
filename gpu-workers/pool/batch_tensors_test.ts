import assert from "node:assert/strict";
import type { Tensor } from "@edgeml/shared/contracts";
import { concatRows, splitRows, trimRows } from "./batch_tensors.ts";

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

Deno.test("concatRows pads with zero rows in the same buffer; trimRows drops them again", () => {
  const a = fp32("a", [1, 2]);
  const b = int64("b", [7]);
  const lone = concatRows([[a, b]], 3);
  assert.deepEqual(lone[0].shape, [3, 2]);
  assert.deepEqual(floats(lone[0]), [1, 2, 0, 0, 0, 0]);
  assert.deepEqual(ints(lone[1]), [7, 0, 0]);
  assert.notEqual(
    lone[0].bytes.buffer,
    a.bytes.buffer,
    "a padded lone request gets its own buffer",
  );
  assert.deepEqual(floats(a), [1, 2], "the request's own tensor is untouched");

  const joined = concatRows([[fp32("a", [1, 2])], [fp32("a", [3, 4, 5, 6])]], 4);
  assert.deepEqual(joined[0].shape, [4, 2]);
  assert.deepEqual(floats(joined[0]), [1, 2, 3, 4, 5, 6, 0, 0]);

  const out = fp32("out", [10, 11, 12, 13, 14, 15, 16, 17]);
  const trimmed = trimRows([out], 3);
  assert.deepEqual(trimmed[0].shape, [3, 2]);
  assert.deepEqual(floats(trimmed[0]), [10, 11, 12, 13, 14, 15]);
  assert.equal(trimRows([out], 4)[0], out, "nothing to trim: the same tensor");
});

Deno.test("concatRows does not pad BYTES inputs, nor past a batch already that large", () => {
  const text: Tensor = { name: "t", datatype: "BYTES", shape: [1], bytes: new Uint8Array(8) };
  const request = [fp32("a", [1, 2]), text];
  assert.equal(concatRows([request], 4), request, "strings have no fixed row size to pad");
  const full = [fp32("a", [1, 2, 3, 4])];
  assert.equal(concatRows([full], 2), full);
});
