import assert from "node:assert/strict";
import { createGraphBuilder } from "./graph_builder.ts";
import { getInitializer } from "./initializers.ts";
import { decodeModel, encodeModel, OnnxFormatError } from "./model_io.ts";
import { onnx } from "./proto.ts";

function tinyModel(): onnx.ModelProto {
  const b = createGraphBuilder("tiny");
  const x = b.input("x", "float32", [-1, 2]);
  const w = b.initializer("w", new Float32Array([1, 2, 3, 4]), [2, 2]);
  b.output(b.relu(b.matmul(x, w)), "y", "float32", [-1, 2]);
  return b.build({ producerName: "edgeml-test" });
}

function assertFormatError(fn: () => unknown, detail: RegExp): OnnxFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof OnnxFormatError, `expected OnnxFormatError, got ${caught}`);
  assert.match(caught.detail, detail);
  return caught;
}

Deno.test("encodeModel/decodeModel round-trip structure and weights", () => {
  const bytes = encodeModel(tinyModel());
  assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
  // Owns its buffer (not a slice of a shared pool), so it is safe to transfer.
  assert.deepEqual([bytes.byteOffset, bytes.buffer.byteLength], [0, bytes.byteLength]);
  const model = decodeModel(bytes);
  assert.equal(Number(model.irVersion), 8);
  assert.equal(model.producerName, "edgeml-test");
  assert.deepEqual(model.opsetImport.map((o) => [o.domain, Number(o.version)]), [["", 17]]);
  assert.deepEqual(model.graph?.node?.map((n) => n.opType), ["MatMul", "Relu"]);
  assert.deepEqual(getInitializer(model, "w").data, new Float32Array([1, 2, 3, 4]));
  assert.deepEqual(encodeModel(model), bytes);
});

Deno.test("decodeModel rejects empty input", () => {
  assertFormatError(() => decodeModel(new Uint8Array(0)), /empty/);
});

Deno.test("decodeModel rejects garbage bytes", () => {
  const garbage = [
    new TextEncoder().encode("this is not an ONNX model, just some text\n"),
    new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    new Uint8Array(64).fill(0),
    // A PNG signature and header chunk.
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]),
  ];
  let state = 12345;
  for (let n = 0; n < 50; n++) {
    garbage.push(Uint8Array.from({ length: 1 + (n * 37) % 200 }, () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 24;
    }));
  }
  for (const bytes of garbage) {
    assert.throws(() => decodeModel(bytes), OnnxFormatError, `bytes ${bytes.slice(0, 8)}`);
  }
});

Deno.test("decodeModel rejects other protobuf messages and incomplete models", () => {
  // Valid protobuf, but a TensorProto rather than a model.
  const tensor = onnx.TensorProto.encode({ name: "t", dims: [1], floatData: [1] }).finish();
  assertFormatError(() => decodeModel(tensor), /./);
  const noGraph = encodeModel({ irVersion: 8, opsetImport: [{ domain: "", version: 17 }] });
  assertFormatError(() => decodeModel(noGraph), /missing graph/);
  const noOpset = encodeModel({ irVersion: 8, graph: { name: "g" } });
  assertFormatError(() => decodeModel(noOpset), /missing opset_import/);
  const noVersion = encodeModel({ opsetImport: [{ version: 17 }], graph: { name: "g" } });
  assertFormatError(() => decodeModel(noVersion), /missing ir_version/);
});

Deno.test("decodeModel rejects every truncation of a model", () => {
  const bytes = encodeModel(tinyModel());
  for (let length = 1; length < bytes.byteLength; length++) {
    assert.throws(
      () => decodeModel(bytes.subarray(0, length)),
      OnnxFormatError,
      `truncated to ${length} of ${bytes.byteLength} bytes`,
    );
  }
  const error = assertFormatError(() => decodeModel(bytes.subarray(0, 40)), /not a decodable/);
  assert.ok(error.cause instanceof Error);
});

Deno.test("encodeModel refuses fields of the wrong type", () => {
  const model = tinyModel();
  (model as { irVersion: unknown }).irVersion = "eight";
  assertFormatError(() => encodeModel(model), /cannot encode model: irVersion/);
});
