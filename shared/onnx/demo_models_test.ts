import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { buildMlpClassifier, DEMO_MODELS, type MlpClassifierSpec } from "./demo_models.ts";
import { getInitializer, listInitializers } from "./initializers.ts";
import { decodeModel, encodeModel } from "./model_io.ts";
import { mulberry32 } from "./prng.ts";
import type { onnx } from "./proto.ts";
import { assertClose, seededFloats } from "./testing.ts";

const built = new Map<string, onnx.ModelProto>();
function demo(name: string): { spec: MlpClassifierSpec; model: onnx.ModelProto } {
  const spec = DEMO_MODELS.find((s) => s.name === name);
  assert.ok(spec, name);
  if (!built.has(name)) built.set(name, buildMlpClassifier(spec));
  return { spec, model: built.get(name)! };
}

/** Forward pass in float64 from the model's own initializers: Gemm+Relu layers, Softmax. */
function referenceForward(
  model: onnx.IModelProto,
  spec: MlpClassifierSpec,
  input: Float32Array,
  batch: number,
): number[] {
  const layers = spec.hiddenSizes.length + 1;
  let h: number[] = Array.from(input);
  let width = spec.inputSize;
  for (let layer = 1; layer <= layers; layer++) {
    const w = getInitializer(model, `fc${layer}.weight`);
    const bias = getInitializer(model, `fc${layer}.bias`);
    assert.ok(w.dataType === "float32" && bias.dataType === "float32");
    const [fanIn, fanOut] = w.dims;
    assert.equal(fanIn, width);
    const next = new Array<number>(batch * fanOut);
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < fanOut; j++) {
        let sum = bias.data[j];
        for (let i = 0; i < fanIn; i++) sum += h[r * fanIn + i] * w.data[i * fanOut + j];
        next[r * fanOut + j] = layer < layers ? Math.max(0, sum) : sum;
      }
    }
    h = next;
    width = fanOut;
  }
  for (let r = 0; r < batch; r++) {
    const row = h.slice(r * width, (r + 1) * width);
    const max = Math.max(...row);
    const total = row.reduce((s, v) => s + Math.exp(v - max), 0);
    row.forEach((v, j) => (h[r * width + j] = Math.exp(v - max) / total));
  }
  return h;
}

Deno.test("DEMO_MODELS lists the product's two models", () => {
  assert.deepEqual(
    DEMO_MODELS.map(({ name, inputSize, hiddenSizes, numClasses }) => ({
      name,
      inputSize,
      hiddenSizes: [...hiddenSizes],
      numClasses,
    })),
    [
      { name: "mlp_small", inputSize: 16, hiddenSizes: [32], numClasses: 3 },
      { name: "mlp_large", inputSize: 784, hiddenSizes: [1024, 1024], numClasses: 10 },
    ],
  );
  for (const spec of DEMO_MODELS) assert.ok(Number.isInteger(spec.seed));
  assert.ok(Object.isFrozen(DEMO_MODELS) && Object.isFrozen(DEMO_MODELS[0]));
});

Deno.test("demo models declare input/output names, types and shapes", () => {
  for (const { name } of DEMO_MODELS) {
    const { spec, model } = demo(name);
    const graph = model.graph!;
    const describe = (v: onnx.IValueInfoProto) => ({
      name: v.name,
      elemType: v.type?.tensorType?.elemType,
      dims: v.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue)),
    });
    assert.deepEqual(graph.input?.map(describe), [
      { name: "input", elemType: 1, dims: ["batch", spec.inputSize] },
    ]);
    assert.deepEqual(graph.output?.map(describe), [
      { name: "probabilities", elemType: 1, dims: ["batch", spec.numClasses] },
    ]);
    assert.equal(graph.name, name);
    assert.equal(model.producerName, "edgeml");
    const sizes = [spec.inputSize, ...spec.hiddenSizes, spec.numClasses];
    assert.deepEqual(
      listInitializers(model).map((i) => [i.name, i.dims, i.dataType]),
      sizes.slice(1).flatMap((out, l) => [
        [`fc${l + 1}.weight`, [sizes[l], out], "float32"],
        [`fc${l + 1}.bias`, [out], "float32"],
      ]),
    );
  }
});

Deno.test("demo models run in onnxruntime and output probability rows", async () => {
  for (const { name } of DEMO_MODELS) {
    const { spec, model } = demo(name);
    const session = await ort.InferenceSession.create(encodeModel(model), {
      executionProviders: ["cpu"],
      logSeverityLevel: 3,
    });
    try {
      assert.deepEqual(session.inputNames, ["input"]);
      assert.deepEqual(session.outputNames, ["probabilities"]);
      for (const batch of [1, 5]) {
        const input = seededFloats(batch, batch * spec.inputSize, 0, 1);
        const { probabilities } = await session.run({
          input: new ort.Tensor("float32", input, [batch, spec.inputSize]),
        });
        assert.equal(probabilities.type, "float32");
        assert.deepEqual(probabilities.dims, [batch, spec.numClasses]);
        const p = probabilities.data as Float32Array;
        for (let r = 0; r < batch; r++) {
          const row = p.subarray(r * spec.numClasses, (r + 1) * spec.numClasses);
          const sum = row.reduce((s, v) => s + v, 0);
          assert.ok(Math.abs(sum - 1) < 1e-5, `${name} row ${r} sums to ${sum}`);
          // Not saturated: no class certain, none impossible.
          for (const v of row) assert.ok(v > 1e-4 && v < 0.99, `${name} row ${r}: ${row}`);
        }
        assertClose(p, referenceForward(model, spec, input, batch), 1e-5, name);
      }
    } finally {
      await session.release();
    }
  }
});

Deno.test("demo weights follow the documented seeded draw order and bounds", () => {
  const { spec, model } = demo("mlp_small");
  const random = mulberry32(spec.seed);
  const sizes = [spec.inputSize, ...spec.hiddenSizes, spec.numClasses];
  for (let layer = 1; layer < sizes.length; layer++) {
    const fanIn = sizes[layer - 1];
    const isOutput = layer === sizes.length - 1;
    const wBound = Math.sqrt((isOutput ? 3 : 6) / fanIn);
    const bBound = 1 / Math.sqrt(fanIn);
    const w = getInitializer(model, `fc${layer}.weight`).data as Float32Array;
    const b = getInitializer(model, `fc${layer}.bias`).data as Float32Array;
    for (const v of w) assert.equal(v, Math.fround((random() * 2 - 1) * wBound));
    for (const v of b) assert.equal(v, Math.fround((random() * 2 - 1) * bBound));
    assert.ok(w.every((v) => Math.abs(v) <= wBound));
  }
});

Deno.test("seeded weights are deterministic and seed-dependent", async () => {
  const { spec, model } = demo("mlp_small");
  const again = buildMlpClassifier({ ...spec });
  assert.deepEqual(encodeModel(again), encodeModel(model));
  const reseeded = buildMlpClassifier({ ...spec, seed: spec.seed + 1 });
  assert.notDeepEqual(
    getInitializer(reseeded, "fc1.weight").data,
    getInitializer(model, "fc1.weight").data,
  );
  // Regression pin: the shipped demo models must not change by accident (e.g. a different
  // draw order). Update deliberately, together with anything that caches their outputs.
  const sha256 = async (bytes: Uint8Array<ArrayBuffer>) =>
    Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
  assert.equal(
    await sha256(encodeModel(model)),
    "f50904bcf85947e89f022111ad28bccd4e742fe62625c63d3f4e2826255a5e57",
  );
  assert.equal(
    await sha256(encodeModel(demo("mlp_large").model)),
    "af4153d17b662fc2ce1df289d0825af2d77adf43dec5b857a94fef48999cd183",
  );
});

Deno.test("demo models survive encode/decode unchanged", () => {
  const { model } = demo("mlp_small");
  const decoded = decodeModel(encodeModel(model));
  for (const { name } of listInitializers(model)) {
    assert.deepEqual(getInitializer(decoded, name), getInitializer(model, name));
  }
});

Deno.test("buildMlpClassifier rejects invalid sizes and allows no hidden layer", () => {
  const base = { name: "m", inputSize: 4, hiddenSizes: [3], numClasses: 2, seed: 1 };
  assert.throws(() => buildMlpClassifier({ ...base, inputSize: 0 }), RangeError);
  assert.throws(() => buildMlpClassifier({ ...base, numClasses: 1.5 }), RangeError);
  assert.throws(() => buildMlpClassifier({ ...base, hiddenSizes: [3, -1] }), /hiddenSizes\[1\]/);
  const linear = buildMlpClassifier({ ...base, hiddenSizes: [] });
  assert.deepEqual(linear.graph?.node?.map((n) => n.opType), ["Gemm", "Softmax"]);
});
