import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import * as onnxModule from "./mod.ts";
import { readModelFile, writeModelFile } from "./files.ts";
import { createGraphBuilder, getInitializer, OnnxFormatError, setInitializer } from "./mod.ts";

Deno.test("mod.ts exposes the public API and no test helpers or file IO", () => {
  assert.deepEqual(Object.keys(onnxModule).sort(), [
    "DATA_TYPE_NAMES",
    "DEMO_MODELS",
    "GraphBuilder",
    "OnnxFormatError",
    "buildMlpClassifier",
    "createGraphBuilder",
    "createTensor",
    "dataTypeCode",
    "dataTypeFromCode",
    "decodeModel",
    "encodeModel",
    "getInitializer",
    "inferDataType",
    "isDataTypeName",
    "listInitializers",
    "mulberry32",
    "onnx",
    "setInitializer",
  ]);
  assert.equal(typeof onnxModule.onnx.ModelProto.decode, "function");
});

Deno.test("public API end to end: build, save, load, patch a weight, run", async () => {
  const b = createGraphBuilder("scale");
  const x = b.input("x", "float32", [-1, 2]);
  const w = b.initializer("w", new Float32Array([1, 0, 0, 1]), [2, 2]);
  b.output(b.matmul(x, w), "y", "float32", [-1, 2]);
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "scale.onnx");
    await writeModelFile(path, b.build({ producerName: "edgeml" }));
    const model = await readModelFile(path);
    const weight = getInitializer(model, "w");
    assert.equal(weight.dataType, "float32");
    setInitializer(model, "w", weight.data.map((v) => v * 3));
    await writeModelFile(path, model);
    const session = await ort.InferenceSession.create(path, {
      executionProviders: ["cpu"],
      logSeverityLevel: 3,
    });
    try {
      const { y } = await session.run({
        x: new ort.Tensor("float32", new Float32Array([1, 2]), [1, 2]),
      });
      assert.deepEqual(Array.from(y.data as Float32Array), [3, 6]);
    } finally {
      await session.release();
    }
    await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
    await assert.rejects(readModelFile(path), OnnxFormatError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
