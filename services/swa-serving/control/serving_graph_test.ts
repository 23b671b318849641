import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { decodeModel, encodeModel, type onnx } from "@edgeml/shared/onnx";
import { readCheckpoint } from "@edgeml/shared/swa";
import { countDropoutNodes, servingGraph } from "./serving_graph.ts";
import { digitsRows, manifest } from "./testing/fixtures.ts";
import { gaps, readGapsFixture } from "./testing/gaps_fixtures.ts";

const rows = digitsRows(manifest.data.test_indices.slice(0, 64));

/** Logits of two runs, with ONNX Runtime's graph optimizations off (they would drop Dropout). */
async function twoRuns(model: onnx.IModelProto): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(encodeModel(model), {
    graphOptimizationLevel: "disabled",
  });
  const out: Float32Array[] = [];
  for (let i = 0; i < 2; i++) {
    const result = await session.run({ input: new ort.Tensor("float32", rows, [64, 64]) });
    out.push(result.logits.data as Float32Array);
  }
  await session.release();
  return out;
}

Deno.test("servingGraph: a checkpoint that kept its Dropout serves deterministically, as the eval export", async () => {
  const kept = decodeModel(readGapsFixture(gaps.dropout.files.dropout_kept[0]));
  assert.equal(countDropoutNodes(kept), 1);
  const [a, b] = await twoRuns(kept);
  assert.notDeepEqual(a, b); // training_mode = true as exported: random masks

  const served = servingGraph(kept);
  const [c, d] = await twoRuns(served);
  assert.deepEqual(c, d);
  // The same weights exported in eval mode (no Dropout node) give the same logits.
  const [evalLogits] = await twoRuns(decodeModel(readGapsFixture(gaps.dropout.files.eval[0])));
  assert.deepEqual(c, evalLogits);
  // Its parameters are untouched, and the input model too.
  const before = readCheckpoint(encodeModel(kept));
  const after = readCheckpoint(encodeModel(served));
  for (const t of before.tensors) assert.deepEqual(after.byName.get(t.name)!.data, t.data);
  assert.equal(
    kept.graph!.node!.find((n) => n.opType === "Dropout")!.input![2],
    "/drop/Constant_1_output_0",
  );
});

Deno.test("servingGraph: a model without Dropout comes back unchanged", () => {
  const bytes = readGapsFixture(gaps.dropout.files.eval[0]);
  assert.deepEqual(encodeModel(servingGraph(decodeModel(bytes))), encodeModel(decodeModel(bytes)));
});
