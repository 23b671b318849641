/**
 * The whole backward pass of a training epoch (softmax, item tower, decayed window, token
 * flow, user tokens) checked against finite differences of a loss computed independently from
 * the serving functions (userVector, itemVectors). Adam's first step moves every coordinate by
 * −α·g/(|g| + ε), i.e. −α·sign(g), which is what the check reads off the updated tables.
 */
import assert from "node:assert/strict";
import { createTrainer, runEpoch } from "./epoch.ts";
import { sampledSoftmax } from "./sampled_softmax.ts";
import { groupByUser } from "./sequences.ts";
import { initTwoTower, itemVectors, PARAMETER_TABLES, type TwoTowerModel } from "./two_tower.ts";
import { userVector } from "./user_tower.ts";
import { mulberry32 } from "@edgeml/shared/onnx";

const itemTokens = {
  offsets: Int32Array.from([0, 1, 1, 3, 4, 4]),
  tokens: Int32Array.from([0, 1, 2, 0]),
};
const userTokens = { offsets: Int32Array.from([0, 0, 2]), tokens: Int32Array.from([0, 1]) };
const interactions = {
  user: Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1]),
  item: Int32Array.from([0, 1, 2, 3, 1, 2, 0, 3]),
  time: Float64Array.from([1, 2, 3, 4, 5, 1, 2, 3]),
};
const NEGATIVE = 4; // the only negative, so the candidates are deterministic

function referenceLoss(model: TwoTowerModel): number {
  const q = itemVectors(model);
  const width = model.dim + 1;
  const seq = groupByUser(interactions, 2);
  let loss = 0;
  for (let u = 0; u < 2; u++) {
    const items = seq.items.subarray(seq.offsets[u], seq.offsets[u + 1]);
    const tokens = userTokens.tokens.subarray(userTokens.offsets[u], userTokens.offsets[u + 1]);
    for (let k = 1; k < items.length; k++) {
      const uv = userVector(model, items.subarray(0, k), tokens);
      const logits = new Float64Array(2);
      for (const [s, i] of [items[k], NEGATIVE].entries()) {
        for (let c = 0; c < width; c++) logits[s] += uv[c] * q[i * width + c];
      }
      loss += sampledSoftmax(logits, 2, new Float64Array(2));
    }
  }
  return loss;
}

Deno.test("runEpoch's update is −α·sign of the finite-difference gradient, table by table", () => {
  const model = initTwoTower({
    numItems: 5,
    numItemTokens: 3,
    numUserTokens: 2,
    itemTokens,
    dim: 3,
    halfLife: 2,
    historyLength: 3,
    idScale: 0.5,
    tokenScale: 0.5,
    seed: 9,
  });
  for (let i = 0; i < 5; i++) model.itemOut[i * 4 + 3] = 0.1 * i; // non-zero biases
  const before = structuredClone(model);
  const lr = 1e-3;
  runEpoch(createTrainer(model), {
    sequences: groupByUser(interactions, 2),
    userTokens,
    users: Int32Array.from([0, 1]),
    targetStart: Int32Array.from([1, 1]),
    negativePool: Int32Array.from([NEGATIVE]),
  }, { negatives: 1, batchSize: 1000, l2: 0, random: mulberry32(1), adam: { learningRate: lr } });
  let checked = 0;
  for (const name of PARAMETER_TABLES) {
    for (let i = 0; i < before[name].length; i++) {
      const h = 1e-2;
      const plus = structuredClone(before);
      plus[name][i] += h;
      const minus = structuredClone(before);
      minus[name][i] -= h;
      const fd = (referenceLoss(plus) - referenceLoss(minus)) / (2 * h);
      const delta = model[name][i] - before[name][i];
      if (Math.abs(fd) > 5e-3) {
        assert.ok(
          Math.abs(delta + lr * Math.sign(fd)) < 1e-6,
          `${name}[${i}]: Δ ${delta}, fd ${fd}`,
        );
        checked++;
      } else if (fd === 0) {
        assert.equal(delta, 0, `${name}[${i}] has no gradient but moved`);
      }
    }
  }
  assert.ok(checked > 40, `only ${checked} coordinates checked`);
});
