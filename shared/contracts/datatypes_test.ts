import assert from "node:assert/strict";
import { datatypeFromOrt, datatypeInfo, elementCount, viewAs } from "./datatypes.ts";

Deno.test("datatypeInfo gives element sizes and flags; BYTES has none", () => {
  assert.equal(datatypeInfo("FP32")?.bytes, 4);
  assert.equal(datatypeInfo("FP64")?.bytes, 8);
  assert.equal(datatypeInfo("FP16")?.bytes, 2);
  assert.equal(datatypeInfo("INT32")?.bytes, 4);
  assert.equal(datatypeInfo("INT8")?.bytes, 1);
  assert.equal(datatypeInfo("INT64")?.bytes, 8);
  assert.equal(datatypeInfo("INT64")?.bigint, true);
  assert.equal(datatypeInfo("UINT64")?.bigint, true);
  assert.equal(datatypeInfo("BOOL")?.bytes, 1);
  assert.equal(datatypeInfo("BOOL")?.bool, true);
  assert.equal(datatypeInfo("FP32")?.bool, undefined);
  assert.equal(datatypeInfo("FP32")?.ort, "float32");
  assert.equal(datatypeInfo("BYTES"), undefined);
});

Deno.test("datatypeFromOrt maps ONNX Runtime type names back to OIP datatypes", () => {
  assert.equal(datatypeFromOrt("float32"), "FP32");
  assert.equal(datatypeFromOrt("float16"), "FP16");
  assert.equal(datatypeFromOrt("int64"), "INT64");
  assert.equal(datatypeFromOrt("uint64"), "UINT64");
  assert.equal(datatypeFromOrt("bool"), "BOOL");
  assert.equal(datatypeFromOrt("uint8"), "UINT8");
  assert.equal(datatypeFromOrt("int32"), "INT32");
  assert.equal(datatypeFromOrt("string"), undefined);
});

Deno.test("elementCount multiplies the dims; a scalar has one element", () => {
  assert.equal(elementCount([2, 3, 4]), 24);
  assert.equal(elementCount([5]), 5);
  assert.equal(elementCount([]), 1);
  assert.equal(elementCount([0, 7]), 0);
});

Deno.test("viewAs reads little-endian values and shares memory when aligned", () => {
  // 1.5f = 0x3FC00000, -2f = 0xC0000000
  const bytes = new Uint8Array([0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0]);
  const view = viewAs("FP32", bytes);
  assert.ok(view instanceof Float32Array);
  assert.deepEqual([...view], [1.5, -2]);
  assert.equal(view.buffer, bytes.buffer, "an aligned view is not a copy");
  bytes[3] = 0x40; // 0x40C00000 = 6
  assert.equal(view[0], 6);
});

Deno.test("viewAs copies a misaligned byteOffset and still reads the right values", () => {
  const backing = new Uint8Array(1 + 8);
  const dv = new DataView(backing.buffer);
  dv.setFloat32(1, 1.5, true);
  dv.setFloat32(5, -2, true);
  const misaligned = backing.subarray(1);
  assert.equal(misaligned.byteOffset, 1);
  const view = viewAs("FP32", misaligned);
  assert.deepEqual([...view], [1.5, -2]);
  assert.notEqual(view.buffer, backing.buffer);

  const wide = new Uint8Array(3 + 16);
  const wv = new DataView(wide.buffer);
  wv.setBigInt64(3, -5n, true);
  wv.setBigInt64(11, 2n ** 40n, true);
  assert.deepEqual([...viewAs("INT64", wide.subarray(3))], [-5n, 2n ** 40n]);

  const odd = new Uint8Array([0xff, 0x34, 0x12, 0xcd, 0xab]);
  assert.deepEqual([...viewAs("UINT16", odd.subarray(1))], [0x1234, 0xabcd]);
});

Deno.test("viewAs of BYTES throws", () => {
  assert.throws(() => viewAs("BYTES", new Uint8Array(4)), /no fixed element size/);
});
