import assert from "node:assert/strict";
import {
  bytesPerElement,
  createTypedArray,
  DATA_TYPE_NAMES,
  dataTypeCode,
  dataTypeFromCode,
  type DataTypeName,
  decodeRawData,
  encodeRawData,
  inferDataType,
  isDataTypeName,
  matchesDataType,
  onnxDataTypeLabel,
  type TensorData,
} from "./dtypes.ts";

/** TensorProto.DataType codes from onnx.proto (the spec), not from the generated enum. */
const SPEC_CODES: Record<DataTypeName, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
  uint32: 12,
  uint64: 13,
};

/** Sample values per type, including extremes. */
const SAMPLES: Record<DataTypeName, TensorData> = {
  float32: new Float32Array([0, -1.5, 3.25e-5, 65504, -Infinity]),
  float64: new Float64Array([0, Math.PI, -1e300, Number.MIN_VALUE]),
  int8: new Int8Array([-128, -1, 0, 127]),
  uint8: new Uint8Array([0, 1, 200, 255]),
  int16: new Int16Array([-32768, -2, 0, 32767]),
  uint16: new Uint16Array([0, 1, 65535]),
  int32: new Int32Array([-(2 ** 31), -1, 0, 2 ** 31 - 1]),
  uint32: new Uint32Array([0, 1, 2 ** 32 - 1]),
  int64: new BigInt64Array([-(2n ** 63n), -1n, 0n, 2n ** 63n - 1n]),
  uint64: new BigUint64Array([0n, 1n, 2n ** 64n - 1n]),
  bool: new Uint8Array([0, 1, 1, 0]),
};

Deno.test("data type codes follow onnx.proto", () => {
  assert.deepEqual([...DATA_TYPE_NAMES].sort(), Object.keys(SPEC_CODES).sort());
  for (const name of DATA_TYPE_NAMES) {
    assert.equal(dataTypeCode(name), SPEC_CODES[name], name);
    assert.equal(dataTypeFromCode(SPEC_CODES[name]), name);
  }
  assert.equal(dataTypeFromCode(10), undefined); // FLOAT16
  assert.equal(dataTypeFromCode(8), undefined); // STRING
  assert.equal(onnxDataTypeLabel(10), "FLOAT16 (10)");
  assert.equal(onnxDataTypeLabel(99), "data type 99");
});

Deno.test("isDataTypeName narrows only supported names", () => {
  assert.equal(isDataTypeName("float32"), true);
  assert.equal(isDataTypeName("float16"), false);
  assert.equal(isDataTypeName("toString"), false);
  assert.equal(isDataTypeName(1), false);
});

Deno.test("inferDataType and matchesDataType map array classes to types", () => {
  for (const name of DATA_TYPE_NAMES) {
    assert.equal(inferDataType(createTypedArray(name, 1)), name === "bool" ? "uint8" : name);
    assert.equal(matchesDataType(SAMPLES[name], name), true);
  }
  assert.equal(matchesDataType(new Uint8Array(1), "bool"), true);
  assert.equal(matchesDataType(new Int8Array(1), "bool"), false);
  assert.equal(matchesDataType(new Float32Array(1), "float64"), false);
  assert.throws(() => inferDataType(new Uint8ClampedArray(1) as unknown as TensorData), TypeError);
});

Deno.test("raw data round-trips every type", () => {
  for (const name of DATA_TYPE_NAMES) {
    const bytes = encodeRawData(SAMPLES[name], name);
    assert.equal(bytes.byteLength, SAMPLES[name].length * bytesPerElement(name));
    assert.deepEqual(decodeRawData(bytes, name), SAMPLES[name], name);
  }
});

Deno.test("raw data is little-endian per the ONNX spec", () => {
  // 1.0f = 0x3F800000, -2 (int16) = 0xFFFE, 258 (int32) = 0x00000102.
  assert.deepEqual([...encodeRawData(new Float32Array([1]), "float32")], [0, 0, 0x80, 0x3f]);
  assert.deepEqual([...encodeRawData(new Int16Array([-2]), "int16")], [0xfe, 0xff]);
  assert.deepEqual([...encodeRawData(new Int32Array([258]), "int32")], [2, 1, 0, 0]);
  assert.deepEqual(
    [...encodeRawData(new BigInt64Array([0x0102030405060708n]), "int64")],
    [8, 7, 6, 5, 4, 3, 2, 1],
  );
  assert.deepEqual(
    decodeRawData(new Uint8Array([0, 0, 0xc0, 0x3f]), "float32"),
    new Float32Array([1.5]),
  );
});

Deno.test("decodeRawData reads from an unaligned byteOffset", () => {
  const values = new Float64Array([1.25, -3.5, 1e-3]);
  const raw = encodeRawData(values, "float64");
  const backing = new Uint8Array(raw.byteLength + 3);
  backing.set(raw, 3);
  assert.deepEqual(decodeRawData(backing.subarray(3), "float64"), values);
});

Deno.test("bool raw data normalises non-zero bytes to 1", () => {
  assert.deepEqual(
    decodeRawData(new Uint8Array([0, 2, 255, 1]), "bool"),
    new Uint8Array([0, 1, 1, 1]),
  );
  assert.deepEqual([...encodeRawData(new Uint8Array([0, 7]), "bool")], [0, 1]);
});

Deno.test("decodeRawData rejects a partial trailing element", () => {
  assert.throws(() => decodeRawData(new Uint8Array(6), "float32"), RangeError);
});
