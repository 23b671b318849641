import assert from "node:assert/strict";
import { domainErrorFrom } from "../testing/mod.ts";
import type { InferRequestInput } from "./oip.ts";
import { tensorFromJson, tensorToJson } from "./oip_tensors.ts";

const input = (over: Partial<InferRequestInput>): InferRequestInput => ({
  name: "x",
  datatype: "FP32",
  shape: [1],
  data: [0],
  ...over,
});

Deno.test("FP32: nested data is flattened row-major into little-endian float32 bytes", () => {
  const tensor = tensorFromJson(input({ shape: [2, 2], data: [[0.5, -1.25], [3, 1024.75]] }));
  assert.equal(tensor.name, "x");
  assert.equal(tensor.datatype, "FP32");
  assert.deepEqual(tensor.shape, [2, 2]);
  // 0.5 = 0x3F000000, -1.25 = 0xBFA00000, 3 = 0x40400000, 1024.75 = 0x44801800
  assert.deepEqual(
    [...tensor.bytes],
    [0, 0, 0, 0x3f, 0, 0, 0xa0, 0xbf, 0, 0, 0x40, 0x40, 0, 0x18, 0x80, 0x44],
  );
  assert.deepEqual(tensorToJson(tensor), {
    name: "x",
    datatype: "FP32",
    shape: [2, 2],
    data: [0.5, -1.25, 3, 1024.75],
  });
});

Deno.test("FP32 values are rounded to single precision", () => {
  const out = tensorToJson(tensorFromJson(input({ shape: [1], data: [0.1] })));
  assert.equal(out.data?.[0], 0.10000000149011612);
});

Deno.test("three-level nesting flattens row-major", () => {
  const tensor = tensorFromJson(
    input({ datatype: "INT32", shape: [2, 2, 2], data: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] }),
  );
  assert.deepEqual(tensorToJson(tensor).data, [1, 2, 3, 4, 5, 6, 7, 8]);
});

Deno.test("INT32 round trip with two's complement bytes", () => {
  const tensor = tensorFromJson(
    input({ datatype: "INT32", shape: [2, 2], data: [[1, -1], [256, 2147483647]] }),
  );
  assert.deepEqual(
    [...tensor.bytes],
    [1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0x7f],
  );
  assert.deepEqual(tensorToJson(tensor).data, [1, -1, 256, 2147483647]);
});

Deno.test("INT64 round trip: JSON numbers become 8-byte integers and back", () => {
  const tensor = tensorFromJson(input({ datatype: "INT64", shape: [3], data: [1, -2, 2 ** 40] }));
  assert.equal(tensor.bytes.byteLength, 24);
  assert.deepEqual([...tensor.bytes.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...tensor.bytes.subarray(8, 16)], [0xfe, 255, 255, 255, 255, 255, 255, 255]);
  assert.deepEqual([...tensor.bytes.subarray(16, 24)], [0, 0, 0, 0, 0, 1, 0, 0]);
  const out = tensorToJson(tensor);
  assert.deepEqual(out.data, [1, -2, 2 ** 40]);
  assert.ok(out.data!.every((v) => typeof v === "number"), "JSON carries numbers, not BigInt");
});

Deno.test("BOOL round trip: booleans become 0/1 bytes and back", () => {
  const tensor = tensorFromJson(
    input({ datatype: "BOOL", shape: [1, 3], data: [[true, false, true]] }),
  );
  assert.deepEqual([...tensor.bytes], [1, 0, 1]);
  assert.deepEqual(tensorToJson(tensor), {
    name: "x",
    datatype: "BOOL",
    shape: [1, 3],
    data: [true, false, true],
  });
});

Deno.test("a scalar and an empty tensor decode", () => {
  assert.deepEqual(tensorToJson(tensorFromJson(input({ shape: [], data: [7] }))).data, [7]);
  const empty = tensorFromJson(input({ shape: [0, 3], data: [] }));
  assert.equal(empty.bytes.byteLength, 0);
  assert.deepEqual(tensorToJson(empty).data, []);
});

Deno.test("tensorToJson reads a tensor whose bytes start at a misaligned offset", () => {
  const backing = new Uint8Array(1 + 8);
  const dv = new DataView(backing.buffer);
  dv.setFloat32(1, 2.5, true);
  dv.setFloat32(5, -0.75, true);
  const out = tensorToJson({ name: "y", datatype: "FP32", shape: [2], bytes: backing.subarray(1) });
  assert.deepEqual(out.data, [2.5, -0.75]);
});

Deno.test("wrong element count is invalid: element_count_mismatch with expected/given", () => {
  const err = domainErrorFrom(
    () => tensorFromJson(input({ name: "img", shape: [2, 3], data: [[1, 2, 3], [4, 5]] })),
    "invalid",
    "element_count_mismatch",
  );
  assert.deepEqual(err.extra, { input: "img", expected: 6, given: 5 });
  assert.match(err.detail, /img/);
});

Deno.test("wrong element type is invalid: invalid_tensor_element", () => {
  const cases: InferRequestInput[] = [
    input({ datatype: "FP32", shape: [2], data: [1, "2"] }),
    input({ datatype: "FP32", shape: [1], data: [true] }),
    input({ datatype: "INT64", shape: [2], data: [1, 1.5] }),
    input({ datatype: "INT64", shape: [1], data: ["3"] }),
    input({ datatype: "BOOL", shape: [2], data: [true, 1] }),
    input({ datatype: "INT32", shape: [1], data: [false] }),
  ];
  for (const c of cases) {
    domainErrorFrom(() => tensorFromJson(c), "invalid", "invalid_tensor_element");
  }
});

Deno.test("BYTES is invalid: unsupported_datatype", () => {
  domainErrorFrom(
    () => tensorFromJson(input({ datatype: "BYTES", shape: [1], data: ["hello"] })),
    "invalid",
    "unsupported_datatype",
  );
});

Deno.test("missing data is invalid", () => {
  const err = domainErrorFrom(
    () => tensorFromJson(input({ name: "m", data: undefined })),
    "invalid",
    "missing_tensor_data",
  );
  assert.match(err.detail, /'m'/);
});

Deno.test("FP16 round trip: numbers become IEEE half bit patterns and back", () => {
  const t = tensorFromJson(input({ datatype: "FP16", shape: [4], data: [1, -2, 0.5, 65504] }));
  // IEEE 754 binary16: 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800, 65504 (max) = 0x7BFF.
  assert.deepEqual(Array.from(new Uint16Array(t.bytes.slice().buffer)), [
    0x3c00,
    0xc000,
    0x3800,
    0x7bff,
  ]);
  assert.deepEqual(tensorToJson(t).data, [1, -2, 0.5, 65504]);
});

Deno.test("integer inputs out of their type's range or fractional are refused, not wrapped", () => {
  domainErrorFrom(
    () => tensorFromJson(input({ datatype: "UINT8", shape: [1], data: [300] })),
    "invalid",
    "invalid_tensor_element",
  );
  domainErrorFrom(
    () => tensorFromJson(input({ datatype: "INT32", shape: [1], data: [1.5] })),
    "invalid",
    "invalid_tensor_element",
  );
  domainErrorFrom(
    () => tensorFromJson(input({ datatype: "INT8", shape: [1], data: [-129] })),
    "invalid",
    "invalid_tensor_element",
  );
  const edge = tensorFromJson(input({ datatype: "INT8", shape: [2], data: [-128, 127] }));
  assert.deepEqual(Array.from(new Int8Array(edge.bytes.slice().buffer)), [-128, 127]);
});
