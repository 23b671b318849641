import assert from "node:assert/strict";
import { OnnxFormatError } from "./errors.ts";
import { onnx } from "./proto.ts";
import {
  createTensor,
  decodeTensor,
  elementCount,
  resolveDataType,
  tensorDims,
  writeTensor,
} from "./tensor_codec.ts";

const DT = onnx.TensorProto.DataType;

function assertFormatError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof OnnxFormatError, `not an OnnxFormatError: ${error}`);
    assert.match(error.detail, pattern);
    return true;
  });
}

Deno.test("elementCount multiplies dims; a scalar holds one element", () => {
  assert.equal(elementCount([2, 3, 4]), 24);
  assert.equal(elementCount([]), 1);
  assert.equal(elementCount([5, 0]), 0);
});

Deno.test("decodeTensor handles scalars and empty tensors", () => {
  assert.deepEqual(decodeTensor(createTensor("s", new Float32Array([7]), [])), {
    dims: [],
    dataType: "float32",
    data: new Float32Array([7]),
  });
  const empty = decodeTensor({ dataType: DT.INT64, dims: [0, 3] });
  assert.deepEqual(empty, { dims: [0, 3], dataType: "int64", data: new BigInt64Array(0) });
});

Deno.test("decodeTensor rejects what it cannot represent faithfully", () => {
  assertFormatError(
    () => decodeTensor({ name: "h", dataType: DT.FLOAT16, dims: [1], rawData: new Uint8Array(2) }),
    /tensor "h" has unsupported element type FLOAT16/,
  );
  assertFormatError(
    () => decodeTensor({ dataType: DT.STRING, dims: [1] }),
    /unsupported element type STRING/,
  );
  assertFormatError(
    () => decodeTensor({ dataType: DT.FLOAT, dims: [2, 2], floatData: [1, 2, 3] }),
    /3 elements but dims \[2, 2\] need 4/,
  );
  assertFormatError(
    () => decodeTensor({ dataType: DT.FLOAT, dims: [2], rawData: new Uint8Array(7) }),
    /raw_data of 7 bytes/,
  );
  assertFormatError(
    () =>
      decodeTensor({
        dataType: DT.FLOAT,
        dims: [1],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [{ key: "location", value: "weights.bin" }],
      }),
    /external data/,
  );
  assertFormatError(() => decodeTensor({ dataType: DT.FLOAT, dims: [-1] }), /invalid dims/);
  assertFormatError(
    () => decodeTensor({ dataType: DT.UINT32, dims: [1], uint64Data: [2 ** 60] }),
    /out-of-range/,
  );
});

Deno.test("tensorDims reads Long dims from decoded protos", () => {
  const bytes = onnx.TensorProto.encode({ dims: [3, 1, 2] }).finish();
  assert.deepEqual(tensorDims(onnx.TensorProto.decode(bytes)), [3, 1, 2]);
});

Deno.test("writeTensor keeps other fields and checks shape and type", () => {
  const tensor: onnx.ITensorProto = {
    name: "w",
    docString: "kept",
    dataType: DT.FLOAT,
    dims: [2],
    floatData: [1, 2],
  };
  writeTensor(tensor, new Float64Array([1, 2, 3]), [3, 1], "float64");
  assert.equal(tensor.docString, "kept");
  assert.equal(tensor.dataType, DT.DOUBLE);
  assert.deepEqual(tensor.floatData, []);
  assert.equal(tensor.rawData?.byteLength, 24);
  assert.throws(() => writeTensor(tensor, new Float32Array(3), [2, 2], "float32"), RangeError);
  assert.throws(() => writeTensor(tensor, new Float32Array(3), [3], "int32"), TypeError);
  assert.throws(() => writeTensor(tensor, new Float32Array(3), [1.5, 2], "float32"), RangeError);
});

Deno.test("resolveDataType prefers explicit, then compatible fallback, then the array class", () => {
  assert.equal(resolveDataType(new Uint8Array(1)), "uint8");
  assert.equal(resolveDataType(new Uint8Array(1), undefined, "bool"), "bool");
  assert.equal(resolveDataType(new Uint8Array(1), "uint8", "bool"), "uint8");
  assert.equal(resolveDataType(new Float32Array(1), undefined, "bool"), "float32");
  assert.throws(() => resolveDataType(new Float32Array(1), "bool"), TypeError);
});
