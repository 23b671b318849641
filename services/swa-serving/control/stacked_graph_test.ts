/**
 * The stacked graph against ONNX Runtime on the PyTorch checkpoints of testdata/: slot s of the
 * stacked output must be what checkpoint s computes on its own.
 */
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { DomainError } from "@edgeml/shared/errors";
import {
  createGraphBuilder,
  createTensor,
  decodeModel,
  encodeModel,
  getInitializer,
  onnx,
  setInitializer,
} from "@edgeml/shared/onnx";
import { stackSamples } from "./stacked_graph.ts";
import {
  digitsRows,
  manifest,
  type ModelFixture,
  readFixture,
  rowShape,
} from "./testing/fixtures.ts";

/** Decoded and stacked models hold message instances, whose repeated fields are never null. */
const graphOf = (model: onnx.IModelProto) => model.graph as onnx.GraphProto;

const checkpointBytes = (model: ModelFixture) =>
  model.runs[0].checkpoints.map((c) => readFixture(c.file));

async function run(
  model: onnx.IModelProto | Uint8Array,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(
    model instanceof Uint8Array ? model : encodeModel(model),
  );
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** Slot s of a [rows, S, width] stacked output, as [rows, width]. */
function slot(data: Float32Array, rows: number, samples: number, s: number): Float32Array {
  const width = data.length / rows / samples;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    out.set(data.subarray((r * samples + s) * width, (r * samples + s + 1) * width), r * width);
  }
  return out;
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > 1e-6 * Math.max(1, Math.abs(expected[i]))) {
      assert.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
    }
  }
}

function expectError(fn: () => unknown, kind: string, code: string) {
  assert.throws(fn, (e) => e instanceof DomainError && e.kind === kind && e.code === code);
}

for (const name of ["mlp", "cnn"]) {
  const fixture = manifest.models[name];
  Deno.test(`stackSamples ${name}: slot s holds checkpoint s's own logits`, async () => {
    const bytes = checkpointBytes(fixture);
    const rows = manifest.data.test_indices.length;
    const input = new ort.Tensor("float32", digitsRows(manifest.data.test_indices), [
      rows,
      ...rowShape(fixture),
    ]);
    const stacked = stackSamples(bytes.map((b) => decodeModel(b)));
    const { logits } = await run(stacked, { input });
    assert.deepEqual(logits.dims, [rows, bytes.length, 10]);
    for (const [s, b] of bytes.entries()) {
      const own = (await run(b, { input })).logits.data as Float32Array;
      assertClose(slot(logits.data as Float32Array, rows, bytes.length, s), own, `${name} s${s}`);
    }
  });
}

Deno.test("stackSamples keeps inputs, stacks output shapes, prefixes per-sample values", () => {
  const models = checkpointBytes(manifest.models.mlp).slice(0, 3).map((b) => decodeModel(b));
  const stacked = stackSamples(models);
  const graph = graphOf(stacked);
  assert.deepEqual(
    onnx.ValueInfoProto.toObject(onnx.ValueInfoProto.create(graph.input[0])),
    onnx.ValueInfoProto.toObject(graphOf(models[0]).input[0] as onnx.ValueInfoProto),
  );
  assert.equal(graph.input.length, 1);
  const dims = graph.output[0].type!.tensorType!.shape!.dim!;
  assert.deepEqual(dims.map((d) => d.dimParam || Number(d.dimValue)), ["batch", 3, 10]);
  assert.equal(graph.output[0].name, "logits");
  assert.ok(graph.initializer.some((t) => t.name === "s2/fc1.weight"));
  assert.ok(graph.node.some((n) => n.output?.includes("s1//fc1/Gemm_output_0")));
  assert.equal(stacked.irVersion, models[0].irVersion);
  assert.deepEqual(stacked.opsetImport, models[0].opsetImport);
  assert.equal(stacked.producerName, "pytorch");
});

Deno.test("stackSamples with S = 1 gives [N, 1, classes] equal to the model", async () => {
  const [bytes] = checkpointBytes(manifest.models.mlp);
  const input = new ort.Tensor("float32", digitsRows([0, 1, 2]), [3, 64]);
  const { logits } = await run(stackSamples([decodeModel(bytes)]), { input });
  assert.deepEqual(logits.dims, [3, 1, 10]);
  assertClose(
    logits.data as Float32Array,
    (await run(bytes, { input })).logits.data as Float32Array,
    "S=1",
  );
});

Deno.test("stackSamples shares float initializers that are equal in every sample", () => {
  const [a, b] = checkpointBytes(manifest.models.mlp);
  const one = decodeModel(a);
  const same = stackSamples([one, decodeModel(a), decodeModel(a)]);
  // Every weight once, plus Unsqueeze's axes.
  assert.equal(graphOf(same).initializer.length, graphOf(one).initializer.length + 1);
  // The weights once; only the nodes (about 800 bytes a sample here) are repeated.
  assert.ok(encodeModel(same).length < 1.2 * a.length);
  const distinct = stackSamples([one, decodeModel(b), decodeModel(a)]);
  assert.ok(encodeModel(distinct).length > 2.9 * a.length);

  const other = decodeModel(b);
  setInitializer(other, "fc1.weight", getInitializer(one, "fc1.weight").data);
  const names = graphOf(stackSamples([one, other])).initializer.map((t) => t.name);
  assert.equal(names.filter((n) => n?.endsWith("fc1.weight")).length, 1);
  assert.ok(names.includes("fc1.weight"));
  assert.ok(names.includes("s0/fc2.weight") && names.includes("s1/fc2.weight"));
});

/** y = x·w + c with c from a Constant node, z = relu(y); two outputs, any opset. */
function tiny(w: number[], c: number[]) {
  const g = createGraphBuilder("tiny");
  const x = g.input("x", "float32", ["batch", 2]);
  const [k] = g.node("Constant", [], ["k"], { value: createTensor("", Float32Array.from(c), [2]) });
  const y = g.add(g.matmul(x, g.initializer("w", Float32Array.from(w), [2, 2])), k);
  g.output(y, "y", "float32", ["batch", 2]);
  g.output(g.relu(y), "z", "float32", ["batch", 2]);
  return g;
}

for (const opset of [11, 17]) {
  Deno.test(`stackSamples opset ${opset}: Constant nodes and several outputs`, async () => {
    const samples = [tiny([1, 0, 0, 1], [0, 0]), tiny([2, 0, 0, -1], [1, 1])];
    const stacked = stackSamples(samples.map((g) => g.build({ opset })));
    const x = new ort.Tensor("float32", Float32Array.of(1, 2, 3, 4), [2, 2]);
    const { y, z } = await run(stacked, { x });
    assert.deepEqual(y.dims, [2, 2, 2]);
    assert.deepEqual([...y.data as Float32Array], [1, 2, 3, -1, 3, 4, 7, -3]);
    assert.deepEqual([...z.data as Float32Array], [1, 2, 3, 0, 3, 4, 7, 0]);
  });
}

Deno.test("stackSamples refuses different architectures and subgraphs", () => {
  const mlp = decodeModel(checkpointBytes(manifest.models.mlp)[0]);
  const cnn = decodeModel(checkpointBytes(manifest.models.cnn)[0]);
  expectError(() => stackSamples([mlp, cnn]), "unprocessable", "architecture_mismatch");
  const shifted = decodeModel(checkpointBytes(manifest.models.mlp)[0]);
  graphOf(shifted).node[0].attribute![0].f = 2; // Gemm alpha
  expectError(() => stackSamples([mlp, shifted]), "unprocessable", "architecture_mismatch");
  expectError(() => stackSamples([]), "invalid", "no_samples");

  const g = createGraphBuilder("branch");
  const cond = g.input("cond", "bool", [1]);
  const branch = tiny([1, 0, 0, 1], [0, 0]).build().graph!;
  g.node("If", [cond], ["out"]);
  g.output("out", "out", "float32", ["batch", 2]);
  const model = g.build();
  graphOf(model).node[0].attribute = [
    { name: "then_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch },
    { name: "else_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch },
  ];
  expectError(() => stackSamples([model]), "unprocessable", "unsupported_graph");
});

Deno.test("stackSamples builds a 32-sample mlp stack in well under a second", () => {
  const bytes = checkpointBytes(manifest.models.mlp);
  const models = Array.from({ length: 32 }, (_, i) => decodeModel(bytes[i % bytes.length]));
  const start = performance.now();
  const stacked = stackSamples(models);
  encodeModel(stacked);
  const ms = performance.now() - start;
  assert.ok(ms < 500, `stacking 32 samples took ${ms.toFixed(0)} ms`);
});
