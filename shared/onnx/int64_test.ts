import assert from "node:assert/strict";
import { int64ToBigInt, int64ToNumber } from "./int64.ts";
import { onnx } from "./proto.ts";

/** Splits a 64-bit value into the low/high words a protobufjs `Long` carries. */
function words(value: bigint, unsigned = false) {
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned };
}

Deno.test("int64ToBigInt reads Long words, numbers, strings and bigints", () => {
  assert.equal(int64ToBigInt(words(-1n)), -1n);
  assert.equal(int64ToBigInt(words(2n ** 63n - 1n)), 2n ** 63n - 1n);
  assert.equal(int64ToBigInt(words(-(2n ** 63n))), -(2n ** 63n));
  assert.equal(int64ToBigInt(words(2n ** 64n - 1n, true)), 2n ** 64n - 1n);
  // A signed Long read as uint64 keeps its own flag; a plain word pair follows the argument.
  assert.equal(int64ToBigInt({ low: -1, high: -1 }, true), 2n ** 64n - 1n);
  assert.equal(int64ToBigInt(42), 42n);
  assert.equal(int64ToBigInt("-9007199254740993"), -9007199254740993n);
  assert.equal(int64ToBigInt(-5n, true), 2n ** 64n - 5n);
  assert.throws(() => int64ToBigInt(1.5), RangeError);
});

Deno.test("int64ToNumber converts safe values and refuses precision loss", () => {
  assert.equal(int64ToNumber(words(1234567890123n)), 1234567890123);
  assert.equal(int64ToNumber(words(-7n)), -7);
  assert.equal(int64ToNumber(7), 7);
  assert.throws(() => int64ToNumber(words(2n ** 53n + 1n)), RangeError);
  assert.throws(() => int64ToNumber(2 ** 60), RangeError);
});

Deno.test("int64 helpers read what protobufjs decodes for int64 fields", () => {
  const encoded = onnx.TensorProto.encode({
    dims: [3],
    int64Data: [words(-(2n ** 62n) - 3n), 5, words(2n ** 40n)] as never,
  }).finish();
  const decoded = onnx.TensorProto.decode(encoded);
  assert.deepEqual(
    decoded.int64Data.map((v) => int64ToBigInt(v)),
    [-(2n ** 62n) - 3n, 5n, 2n ** 40n],
  );
  assert.deepEqual(decoded.dims.map((d) => int64ToNumber(d)), [3]);
});
