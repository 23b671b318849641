import assert from "node:assert/strict";
import { mulberry32 } from "@edgeml/shared/onnx";
import { bprMfRecommender, trainBprMf } from "./bpr_mf.ts";

Deno.test("BPR-MF learns a two-block world: each user's held-back items rank in their block", () => {
  // 40 users, 40 items; users < 20 use items < 20, the others items ≥ 20; each user's first 8
  // block items (rotated) are events, the rest of the block must rank above the other block.
  const random = mulberry32(2);
  const user: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < 40; u++) {
    const base = u < 20 ? 0 : 20;
    for (let k = 0; k < 8; k++) user.push(u), item.push(base + (u + k) % 20);
  }
  const interactions = {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    time: Float64Array.from(user, () => random()),
  };
  const model = trainBprMf(interactions, {
    numUsers: 40,
    numItems: 40,
    dim: 8,
    epochs: 60,
    batchSize: 64,
  });
  const recommend = bprMfRecommender(model);
  let inBlock = 0;
  for (let u = 0; u < 40; u++) {
    const own = new Set(item.slice(u * 8, u * 8 + 8));
    const top = Array.from(recommend(u, new Int32Array(0), 5, own));
    inBlock += top.filter((i) => (i < 20) === (u < 20)).length;
  }
  assert.ok(inBlock / 200 > 0.9, `in-block share ${inBlock / 200}`);
});
