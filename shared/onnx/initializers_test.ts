import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { DATA_TYPE_NAMES, type DataTypeName, type TensorData } from "./dtypes.ts";
import { OnnxFormatError } from "./errors.ts";
import { createGraphBuilder } from "./graph_builder.ts";
import { getInitializer, listInitializers, setInitializer } from "./initializers.ts";
import { decodeModel, encodeModel } from "./model_io.ts";
import { onnx } from "./proto.ts";
import { runModel } from "./testing.ts";

const DT = onnx.TensorProto.DataType;

const SAMPLES: Record<DataTypeName, TensorData> = {
  float32: new Float32Array([0.5, -1.25, 3e-8, 1e30, -0, Infinity]),
  float64: new Float64Array([Math.PI, -Math.E, 1e-300, 1e300, 0, -1]),
  int8: new Int8Array([-128, -1, 0, 1, 64, 127]),
  uint8: new Uint8Array([0, 1, 2, 128, 254, 255]),
  int16: new Int16Array([-32768, -300, 0, 1, 300, 32767]),
  uint16: new Uint16Array([0, 1, 255, 256, 40000, 65535]),
  int32: new Int32Array([-(2 ** 31), -70000, 0, 1, 70000, 2 ** 31 - 1]),
  uint32: new Uint32Array([0, 1, 2 ** 16, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1]),
  int64: new BigInt64Array([
    -(2n ** 63n),
    -(2n ** 53n) - 1n,
    -1n,
    0n,
    2n ** 53n + 1n,
    2n ** 63n - 1n,
  ]),
  uint64: new BigUint64Array([0n, 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n]),
  bool: new Uint8Array([1, 0, 0, 1, 1, 0]),
};

/** A Long-shaped word pair, as protobufjs produces and accepts for 64-bit fields. */
function words(value: bigint, unsigned = false) {
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned };
}

/** A decoded model holding `tensors` as initializers (decoding makes 64-bit fields Longs). */
function modelWith(...tensors: onnx.ITensorProto[]): onnx.ModelProto {
  return decodeModel(encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: { name: "g", initializer: tensors },
  }));
}

/** The stored TensorProto of an initializer (asserting it exists). */
function tensorOf(model: onnx.IModelProto, name: string): onnx.ITensorProto {
  const tensor = model.graph?.initializer?.find((t) => t.name === name);
  assert.ok(tensor, `initializer ${name}`);
  return tensor;
}

Deno.test("setInitializer + encode/decode round-trips every dtype via raw_data", () => {
  const model = modelWith();
  for (const dataType of DATA_TYPE_NAMES) {
    setInitializer(model, `t_${dataType}`, SAMPLES[dataType], [2, 3], dataType);
  }
  const decoded = decodeModel(encodeModel(model));
  for (const dataType of DATA_TYPE_NAMES) {
    const tensor = tensorOf(decoded, `t_${dataType}`);
    assert.ok((tensor.rawData?.byteLength ?? 0) > 0, `${dataType} raw_data`);
    assert.deepEqual([tensor.floatData, tensor.int32Data, tensor.int64Data], [[], [], []]);
    assert.deepEqual(getInitializer(decoded, `t_${dataType}`), {
      name: `t_${dataType}`,
      dims: [2, 3],
      dataType,
      data: SAMPLES[dataType],
    });
  }
});

Deno.test("getInitializer reads the typed fields ONNX prescribes for each dtype", () => {
  const model = modelWith(
    { name: "f32", dataType: DT.FLOAT, dims: [3], floatData: [1.5, -2, 0.25] },
    { name: "f64", dataType: DT.DOUBLE, dims: [2], doubleData: [Math.PI, -1e-200] },
    { name: "i32", dataType: DT.INT32, dims: [2], int32Data: [-(2 ** 31), 7] },
    { name: "i16", dataType: DT.INT16, dims: [2], int32Data: [-32768, 32767] },
    { name: "i8", dataType: DT.INT8, dims: [2], int32Data: [-128, 127] },
    { name: "u8", dataType: DT.UINT8, dims: [2], int32Data: [0, 255] },
    { name: "u16", dataType: DT.UINT16, dims: [1], int32Data: [65535] },
    { name: "b", dataType: DT.BOOL, dims: [3], int32Data: [0, 1, 1] },
    {
      name: "i64",
      dataType: DT.INT64,
      dims: [1, 3],
      int64Data: [words(-(2n ** 62n) - 7n), 42, words(2n ** 60n)] as never,
    },
    { name: "u32", dataType: DT.UINT32, dims: [2], uint64Data: [2 ** 32 - 1, 3] },
    {
      name: "u64",
      dataType: DT.UINT64,
      dims: [2],
      uint64Data: [words(2n ** 64n - 1n, true), 9] as never,
    },
  );
  const read = (name: string) => {
    const { dataType, dims, data } = getInitializer(model, name);
    return { dataType, dims, data };
  };
  assert.deepEqual(read("f32"), {
    dataType: "float32",
    dims: [3],
    data: new Float32Array([1.5, -2, 0.25]),
  });
  assert.deepEqual(read("f64").data, new Float64Array([Math.PI, -1e-200]));
  assert.deepEqual(read("i32").data, new Int32Array([-(2 ** 31), 7]));
  assert.deepEqual(read("i16").data, new Int16Array([-32768, 32767]));
  assert.deepEqual(read("i8").data, new Int8Array([-128, 127]));
  assert.deepEqual(read("u8").data, new Uint8Array([0, 255]));
  assert.deepEqual(read("u16").data, new Uint16Array([65535]));
  assert.deepEqual(read("b"), { dataType: "bool", dims: [3], data: new Uint8Array([0, 1, 1]) });
  assert.deepEqual(read("i64"), {
    dataType: "int64",
    dims: [1, 3],
    data: new BigInt64Array([-(2n ** 62n) - 7n, 42n, 2n ** 60n]),
  });
  assert.deepEqual(read("u32").data, new Uint32Array([2 ** 32 - 1, 3]));
  assert.deepEqual(read("u64").data, new BigUint64Array([2n ** 64n - 1n, 9n]));
});

Deno.test("getInitializer decodes raw_data at an unaligned byteOffset", () => {
  const values = [1.5, -2.25, 1e-3, 4096];
  const le = new Uint8Array(new Float32Array(values).buffer); // host order; tests run on LE
  const backing = new Uint8Array(le.byteLength + 1);
  backing.set(le, 1);
  const rawData = backing.subarray(1);
  assert.equal(rawData.byteOffset % 4, 1);
  const model = modelWith({ name: "w", dataType: DT.FLOAT, dims: [4] });
  tensorOf(model, "w").rawData = rawData;
  assert.deepEqual(getInitializer(model, "w").data, new Float32Array(values));
});

Deno.test("setInitializer writes little-endian raw_data and clears typed fields", () => {
  const model = modelWith({ name: "w", dataType: DT.FLOAT, dims: [2], floatData: [9, 9] });
  setInitializer(model, "w", new Float32Array([1, -2]));
  const tensor = tensorOf(model, "w");
  assert.deepEqual([...(tensor.rawData ?? [])], [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  assert.deepEqual(tensor.floatData, []);
  assert.deepEqual(tensor.dims, [2]);
  assert.equal(tensor.dataType, DT.FLOAT);
});

Deno.test("setInitializer shape defaults: keep the old shape if it fits, else 1-D", () => {
  const model = modelWith();
  setInitializer(model, "w", new Float32Array(6), [2, 3]);
  setInitializer(model, "w", new Float32Array(6).fill(1));
  assert.deepEqual(getInitializer(model, "w").dims, [2, 3]);
  setInitializer(model, "w", new Float32Array(4));
  assert.deepEqual(getInitializer(model, "w").dims, [4]);
  assert.throws(() => setInitializer(model, "w", new Float32Array(4), [3]), RangeError);
  setInitializer(model, "fresh", new Int32Array([1, 2]));
  assert.deepEqual(getInitializer(model, "fresh").dims, [2]);
});

Deno.test("setInitializer keeps bool for Uint8Array data and checks explicit types", () => {
  const model = modelWith({ name: "mask", dataType: DT.BOOL, dims: [2], int32Data: [1, 0] });
  setInitializer(model, "mask", new Uint8Array([0, 5]));
  assert.deepEqual(getInitializer(model, "mask"), {
    name: "mask",
    dataType: "bool",
    dims: [2],
    data: new Uint8Array([0, 1]),
  });
  setInitializer(model, "mask", new Uint8Array([0, 5]), undefined, "uint8");
  assert.equal(getInitializer(model, "mask").dataType, "uint8");
  assert.throws(() => setInitializer(model, "mask", new Float32Array(2), [2], "int32"), TypeError);
  // A new initializer changes nothing when its arguments are rejected.
  assert.throws(() => setInitializer(model, "bad", new Float32Array(3), [2]), RangeError);
  assert.deepEqual(listInitializers(model).map((i) => i.name), ["mask"]);
});

Deno.test("getInitializer returns a copy and reports missing names", () => {
  const model = modelWith();
  setInitializer(model, "w", new Float32Array([1, 2]));
  const first = getInitializer(model, "w");
  first.data[0] = 100;
  assert.deepEqual(getInitializer(model, "w").data, new Float32Array([1, 2]));
  assert.throws(() => getInitializer(model, "nope"), RangeError);
  assert.throws(() => getInitializer({}, "w"), RangeError);
  assert.throws(() => setInitializer({}, "w", new Float32Array(1)), OnnxFormatError);
});

Deno.test("listInitializers reports shapes and types, null for unsupported types", () => {
  const model = modelWith(
    { name: "w", dataType: DT.FLOAT, dims: [2, 3], rawData: new Uint8Array(24) },
    { name: "h", dataType: DT.FLOAT16, dims: [4], rawData: new Uint8Array(8) },
    { name: "k", dataType: DT.INT64, dims: [1], int64Data: [5] },
  );
  assert.deepEqual(listInitializers(model), [
    { name: "w", dims: [2, 3], dataType: "float32", onnxDataType: DT.FLOAT, elementCount: 6 },
    { name: "h", dims: [4], dataType: null, onnxDataType: DT.FLOAT16, elementCount: 4 },
    { name: "k", dims: [1], dataType: "int64", onnxDataType: DT.INT64, elementCount: 1 },
  ]);
  assert.deepEqual(listInitializers({}), []);
});

Deno.test("onnxruntime sees initializers written by setInitializer", async () => {
  // y = x + c for each dtype ORT's Add supports; c is patched after building.
  const cases = [
    { dataType: "float32", c: new Float32Array([0.5, -1.5, 2]), x: new Float32Array([1, 2, 3]) },
    { dataType: "float64", c: new Float64Array([1e-9, -4, 8]), x: new Float64Array([1, 2, 3]) },
    { dataType: "int32", c: new Int32Array([-7, 2 ** 30, 0]), x: new Int32Array([1, 2, 3]) },
    {
      dataType: "int64",
      c: new BigInt64Array([2n ** 40n, -(2n ** 50n), 3n]),
      x: new BigInt64Array([1n, 2n, 3n]),
    },
  ] as const;
  for (const { dataType, c, x } of cases) {
    const b = createGraphBuilder("add_const");
    const input = b.input("x", dataType, [3]);
    const constant = b.initializer("c", new (c.constructor as new (n: number) => TensorData)(3));
    b.output(b.add(input, constant), "y", dataType, [3]);
    const model = decodeModel(encodeModel(b.build()));
    setInitializer(model, "c", c);
    const { y } = await runModel(model, { x: new ort.Tensor(dataType, x, [3]) });
    const expected = Array.from(
      x as ArrayLike<number | bigint>,
      (v, i) => typeof v === "bigint" ? v + (c[i] as bigint) : v + (c[i] as number),
    );
    assert.deepEqual(Array.from(y.data as ArrayLike<number | bigint>), expected, dataType);
  }
});
