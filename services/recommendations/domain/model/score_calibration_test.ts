import assert from "node:assert/strict";
import { calibratedCtr } from "../exploration/ctr_calibration.ts";
import { calibrateScores } from "./score_calibration.ts";
import { trainFull } from "./train.ts";
import { emptyTokenLists, type TrainingData } from "./types.ts";
import { mulberry32 } from "@edgeml/shared/onnx";
import { itemVectors } from "./two_tower.ts";
import { userVector } from "./user_tower.ts";

// Two tastes: users 0–19 click items 0–9, users 20–39 click items 10–19.
function world(withImpressions: boolean): TrainingData {
  const random = mulberry32(3);
  const user: number[] = [], item: number[] = [], time: number[] = [];
  const shown = {
    user: [] as number[],
    item: [] as number[],
    time: [] as number[],
    clicked: [] as number[],
  };
  for (let u = 0; u < 40; u++) {
    for (let k = 0; k < 30; k++) {
      const t = 1000 + k * 10;
      const liked = (u < 20 ? 0 : 10) + Math.floor(random() * 10);
      const other = (u < 20 ? 10 : 0) + Math.floor(random() * 10);
      user.push(u), item.push(liked), time.push(t);
      for (const [i, c] of [[liked, 1], [other, 0]]) {
        shown.user.push(u), shown.item.push(i), shown.time.push(t), shown.clicked.push(c);
      }
    }
  }
  return {
    interactions: {
      user: Int32Array.from(user),
      item: Int32Array.from(item),
      time: Float64Array.from(time),
    },
    numUsers: 40,
    numItems: 20,
    itemTokens: emptyTokenLists(20),
    numItemTokens: 1,
    userTokens: emptyTokenLists(40),
    numUserTokens: 1,
    ...(withImpressions
      ? {
        impressions: {
          user: Int32Array.from(shown.user),
          item: Int32Array.from(shown.item),
          time: Float64Array.from(shown.time),
          clicked: Uint8Array.from(shown.clicked),
        },
      }
      : {}),
  };
}

Deno.test("calibration on logged impressions: liked items get a high CTR, the others a low one", () => {
  const data = world(true);
  const { model } = trainFull(data, { epochs: 4, seed: 1 });
  const result = calibrateScores(model, data);
  assert.equal(result.source, "impressions");
  assert.equal(result.impressions, 2400);
  assert.ok(result.calibration.slope > 0);
  // Half the shown items were clicked, split by taste: the fit separates them.
  const { calibration } = result;
  const vectors = itemVectors(model);
  const width = model.dim + 1;
  const u0 = userVector(model, Int32Array.from([0, 1, 2, 3, 4, 5]));
  const ctr = (item: number) => {
    let dot = 0;
    for (let c = 0; c < width; c++) dot += u0[c] * vectors[item * width + c];
    return calibratedCtr(dot, calibration);
  };
  assert.ok(ctr(3) > 0.6 && ctr(15) < 0.4, `liked ${ctr(3)}, other ${ctr(15)}`);
  const from = calibrateScores(model, { ...data, impressions: undefined });
  assert.equal(from.source, "score spread");
  assert.ok(Number.isFinite(from.calibration.slope) && from.calibration.slope > 0);
  assert.ok(calibratedCtr(0, calibration) > 0 && calibratedCtr(0, calibration) < 1);
});
