import assert from "node:assert/strict";
import type { Tensor } from "@edgeml/shared/contracts";
import { paddedBatchRows, padRows, trimRows } from "./batch_padding.ts";

function floats(name: string, rows: number, cols: number, start = 1): Tensor {
  const data = Float32Array.from({ length: rows * cols }, (_, i) => start + i);
  return { name, datatype: "FP32", shape: [rows, cols], bytes: new Uint8Array(data.buffer) };
}

const values = (t: Tensor) =>
  Array.from(new Float32Array(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength / 4));

Deno.test("CUDA pads to max_batch_size: always, never, or (auto) for models with convolutions", () => {
  const conv = () => true;
  const noConv = () => false;
  assert.equal(paddedBatchRows("cuda", 64, "auto", conv), 64);
  assert.equal(paddedBatchRows("cuda", 64, "auto", noConv), 0);
  assert.equal(paddedBatchRows("cuda", 64, "true", noConv), 64);
  assert.equal(paddedBatchRows("cuda", 64, "false", conv), 0);
  assert.equal(paddedBatchRows("cpu", 64, "true", conv), 0, "the CPU provider re-plans nothing");
  assert.equal(paddedBatchRows("cuda", 0, "true", conv), 0, "no batch dimension: nothing to pad");
  let asked = 0;
  paddedBatchRows("cpu", 64, "auto", () => ++asked > 0);
  assert.equal(asked, 0, "the model is read only when it matters");
});

Deno.test("padRows appends zero rows to every input; trimRows drops them from outputs", () => {
  const a = floats("a", 3, 2);
  const b: Tensor = {
    name: "b",
    datatype: "INT64",
    shape: [3],
    bytes: new Uint8Array(new BigInt64Array([7n, 8n, 9n]).buffer),
  };
  const padded = padRows([a, b], 4);
  assert.deepEqual(padded[0].shape, [4, 2]);
  assert.deepEqual(values(padded[0]), [1, 2, 3, 4, 5, 6, 0, 0]);
  assert.deepEqual(padded[1].shape, [4]);
  assert.deepEqual(Array.from(new BigInt64Array(padded[1].bytes.buffer)), [7n, 8n, 9n, 0n]);
  assert.deepEqual(values(a), [1, 2, 3, 4, 5, 6], "the request's own tensor is untouched");

  const out = floats("out", 4, 3, 10);
  const trimmed = trimRows([out], 3);
  assert.deepEqual(trimmed[0].shape, [3, 3]);
  assert.deepEqual(values(trimmed[0]), [10, 11, 12, 13, 14, 15, 16, 17, 18]);
  assert.equal(trimRows([out], 4)[0], out, "nothing to trim: the same tensor");
});

Deno.test("padRows leaves full batches and BYTES inputs as they are", () => {
  const a = floats("a", 4, 2);
  const same = [a];
  assert.equal(padRows(same, 4), same);
  const text: Tensor = { name: "t", datatype: "BYTES", shape: [1], bytes: new Uint8Array(8) };
  const mixed = [floats("a", 1, 2), text];
  assert.equal(padRows(mixed, 2), mixed, "strings have no fixed row size to pad");
});
