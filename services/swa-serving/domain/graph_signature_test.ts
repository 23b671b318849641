/** A checkpoint's graph against its model's registration: input row, input name, output width. */
import assert from "node:assert/strict";
import { createGraphBuilder, type Dim, onnx } from "@edgeml/shared/onnx";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { fixtureCheckpoints, manifest } from "../control/testing/fixtures.ts";
import {
  checkSignature,
  graphInputs,
  graphOutputs,
  type ModelShapeSpec,
} from "./graph_signature.ts";

const MLP = fixtureCheckpoints(manifest.models.mlp, 0)[0].model;
const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

const classifier = (over: Partial<ModelShapeSpec> = {}): ModelShapeSpec => ({
  input: { shape: [64] },
  task: "classification",
  labels: DIGITS,
  regressionVariance: "none",
  ...over,
});

/** x → Identity → out: only the declared shapes matter to the signature. */
function model(
  inputs: { name: string; shape: Dim[] }[],
  outputShape: Dim[],
): onnx.ModelProto {
  const b = createGraphBuilder("sig");
  const names = inputs.map((i) => b.input(i.name, "float32", i.shape));
  b.output(b.identity(names[0]), "out", "float32", outputShape);
  return b.build();
}

Deno.test("the fixture MLP fits a 10-label classifier with rows of [64]", () => {
  assert.deepEqual(checkSignature(MLP, classifier()), {
    inputName: "input",
    outputName: "logits",
    outputWidth: 10,
    outputIsProbability: false,
  });
  assert.deepEqual(
    checkSignature(MLP, classifier({ input: { name: "input", shape: [64] } })).inputName,
    "input",
  );
  assert.deepEqual(graphInputs(MLP), [{ name: "input", dims: [null, 64] }]);
  assert.deepEqual(graphOutputs(MLP), [{ name: "logits", dims: [null, 10] }]);
});

Deno.test("rows of another shape are input_shape_mismatch, naming both shapes", () => {
  const wider = domainErrorFrom(
    () => checkSignature(MLP, classifier({ input: { shape: [65] } })),
    "unprocessable",
    "input_shape_mismatch",
  );
  assert.match(wider.detail, /rows of \[64\]; the model was registered with rows of \[65\]/);
  // Same number of values, other rank.
  domainErrorFrom(
    () => checkSignature(MLP, classifier({ input: { shape: [8, 8] } })),
    "unprocessable",
    "input_shape_mismatch",
  );
});

Deno.test("an input name the graph lacks is input_not_found, listing the graph's inputs", () => {
  const err = domainErrorFrom(
    () => checkSignature(MLP, classifier({ input: { name: "pixels", shape: [64] } })),
    "unprocessable",
    "input_not_found",
  );
  assert.match(err.detail, /no graph input 'pixels'; it has input$/);
});

Deno.test("a label count other than the output width is output_shape_mismatch", () => {
  const err = domainErrorFrom(
    () => checkSignature(MLP, classifier({ labels: DIGITS.slice(0, 9) })),
    "unprocessable",
    "output_shape_mismatch",
  );
  assert.match(err.detail, /gives 10 classes; .* 9 labels/);
});

Deno.test("regression with a predicted variance needs an even output width", () => {
  const regression = (variance: ModelShapeSpec["regressionVariance"]): ModelShapeSpec => ({
    input: { shape: [4] },
    task: "regression",
    regressionVariance: variance,
  });
  const odd = model([{ name: "x", shape: [-1, 4] }], [-1, 3]);
  for (const variance of ["variance", "log_variance"] as const) {
    domainErrorFrom(
      () => checkSignature(odd, regression(variance)),
      "unprocessable",
      "output_shape_mismatch",
    );
  }
  // Without a variance any width is targets; an even width with one is 2 targets' worth.
  assert.equal(checkSignature(odd, regression("none")).outputWidth, 3);
  const even = model([{ name: "x", shape: [-1, 4] }], [-1, 4]);
  assert.equal(checkSignature(even, regression("variance")).outputWidth, 4);
});

Deno.test("symbolic dims match any registered size; a symbolic width is left unknown (null)", () => {
  const m = model([{ name: "x", shape: [-1, "features"] }], [-1, "classes"]);
  assert.deepEqual(checkSignature(m, classifier({ input: { shape: [5] }, labels: ["a", "b"] })), {
    inputName: "x",
    outputName: "out",
    outputWidth: null,
    outputIsProbability: false,
  });
});

Deno.test("two data inputs are multiple_inputs; a 3-dim output is output_shape_unsupported", () => {
  const two = model([{ name: "a", shape: [-1, 4] }, { name: "b", shape: [-1, 4] }], [-1, 4]);
  const err = domainErrorFrom(
    () => checkSignature(two, classifier({ input: { shape: [4] }, labels: ["p", "q", "r", "s"] })),
    "unprocessable",
    "multiple_inputs",
  );
  assert.match(err.detail, /2 data inputs \(a, b\)/);
  const cube = model([{ name: "x", shape: [-1, 4] }], [-1, 2, 2]);
  domainErrorFrom(
    () => checkSignature(cube, classifier({ input: { shape: [4] }, labels: ["p", "q"] })),
    "unprocessable",
    "output_shape_unsupported",
  );
});

Deno.test("graph inputs that are initializers (older exporters list weights) are not data inputs", () => {
  const b = createGraphBuilder("weights-as-inputs");
  const x = b.input("x", "float32", [-1, 2]);
  const w = b.initializer("w", Float32Array.from([1, 0, 0, 1]), [2, 2]);
  b.output(b.gemm(x, w), "y", "float32", [-1, 2]);
  const m = b.build();
  m.graph!.input!.push(
    onnx.ValueInfoProto.create({ name: "w", type: m.graph!.input![0].type }),
  );
  assert.deepEqual(graphInputs(m).map((i) => i.name), ["x"]);
  assert.equal(
    checkSignature(m, classifier({ input: { shape: [2] }, labels: ["p", "q"] })).inputName,
    "x",
  );
});

Deno.test("a classifier whose output is made by Softmax answers probabilities; a regression's never", () => {
  const b = createGraphBuilder("softmax-head");
  const x = b.input("x", "float32", [-1, 3]);
  b.output(b.softmax(x), "probs", "float32", [-1, 3]);
  const m = b.build();
  const spec = classifier({ input: { shape: [3] }, labels: ["p", "q", "r"] });
  assert.equal(checkSignature(m, spec).outputIsProbability, true);
  assert.equal(
    checkSignature(m, { input: { shape: [3] }, task: "regression", regressionVariance: "none" })
      .outputIsProbability,
    false,
  );
  assert.equal(checkSignature(MLP, classifier()).outputIsProbability, false);
});
