import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { encodeModel, mulberry32 } from "@edgeml/shared/onnx";
import { buildScorerModel, SCORER_IO } from "./onnx_scorer.ts";
import { scoreAll, topK } from "./top_k.ts";
import { initTwoTower, itemVectors } from "./two_tower.ts";
import { userVector } from "./user_tower.ts";

Deno.test("the ONNX scorer's TopK in onnxruntime equals the in-JS scores and ranking", async () => {
  const numItems = 300;
  const random = mulberry32(8);
  const model = initTwoTower({
    numItems,
    numItemTokens: 50,
    numUserTokens: 4,
    itemTokens: {
      offsets: Int32Array.from({ length: numItems + 1 }, (_, i) => 2 * i),
      tokens: Int32Array.from({ length: 2 * numItems }, () => (random() * 50) | 0),
    },
    dim: 16,
    idScale: 0.5,
    tokenScale: 0.5,
  });
  const vectors = itemVectors(model);
  const width = model.dim + 1;
  const users = [userVector(model, [3, 8, 100]), userVector(model, [250], [1, 2])];
  const k = 25;
  const session = await ort.InferenceSession.create(
    encodeModel(buildScorerModel(vectors, width, { k })),
    { executionProviders: ["cpu"], logSeverityLevel: 3, intraOpNumThreads: 1 },
  );
  try {
    const batch = new Float32Array(2 * width);
    users.forEach((u, b) => batch.set(u, b * width));
    const out = await session.run({
      [SCORER_IO.user]: new ort.Tensor("float32", batch, [2, width]),
    });
    assert.deepEqual(out[SCORER_IO.items].dims, [2, k]);
    const indices = out[SCORER_IO.items].data as BigInt64Array;
    const values = out[SCORER_IO.scores].data as Float32Array;
    users.forEach((u, b) => {
      const expected = topK(scoreAll(vectors, width, u), k);
      for (let r = 0; r < k; r++) {
        assert.ok(Math.abs(values[b * k + r] - expected.scores[r]) < 1e-5, `score ${b},${r}`);
      }
      // Ranks agree wherever neighbouring scores are not float-ties.
      const got = Array.from(indices.subarray(b * k, b * k + k), Number);
      assert.deepEqual(new Set(got), new Set(expected.items));
    });
  } finally {
    await session.release();
  }
  assert.equal(
    buildScorerModel(vectors.subarray(0, 3 * width), width, { k: 10 }).graph!.output![0].type!
      .tensorType!.shape!.dim![1].dimValue,
    3,
  );
});
