import assert from "node:assert/strict";
import { mulberry32 } from "@edgeml/shared/onnx";
import { scoreAll } from "./top_k.ts";
import { trainFull, trainUpdate } from "./train.ts";
import { itemVectors, type TwoTowerModel } from "./two_tower.ts";
import type { TrainingData } from "./types.ts";
import { userVector } from "./user_tower.ts";

// Items 0–29 are genre A (token 0), 30–59 genre B (token 1); 60 (A) and 61 (B) have no events;
// 62 (A) arrives later. Users 0–19 like A, 20–39 like B; 12 events each, times 0…11.
const A_USER = 0;
function world(withNewItem: boolean): TrainingData {
  const random = mulberry32(5);
  const user: number[] = [];
  const item: number[] = [];
  const time: number[] = [];
  for (let u = 0; u < 40; u++) {
    const base = u < 20 ? 0 : 30;
    const picks = new Set<number>();
    while (picks.size < 12) picks.add(base + ((random() * 30) | 0));
    [...picks].forEach((i, k) => (user.push(u), item.push(i), time.push(k)));
    if (withNewItem && u < 20) user.push(u), item.push(62), time.push(100);
  }
  const numItems = withNewItem ? 63 : 62;
  const genre = (i: number) => (i < 30 || i === 60 || i === 62 ? 0 : 1);
  return {
    interactions: {
      user: Int32Array.from(user),
      item: Int32Array.from(item),
      time: Float64Array.from(time),
    },
    numUsers: 40,
    numItems,
    itemTokens: {
      offsets: Int32Array.from({ length: numItems + 1 }, (_, i) => i),
      tokens: Int32Array.from({ length: numItems }, (_, i) => genre(i)),
    },
    numItemTokens: 2,
    userTokens: { offsets: new Int32Array(41), tokens: new Int32Array(0) },
    numUserTokens: 1,
  };
}

function scores(model: TwoTowerModel, history: number[]): Float32Array {
  return scoreAll(itemVectors(model), model.dim + 1, userVector(model, history));
}

const options = {
  dim: 8,
  epochs: 12,
  swaEpochs: 3,
  batchSize: 64,
  negatives: 8,
  learningRate: 0.05,
};

Deno.test("FULL learns tastes and scores cold items by their metadata", () => {
  const result = trainFull(world(false), options);
  assert.equal(result.trainingMode, "FULL");
  assert.ok(result.epochLosses.at(-1)! < result.epochLosses[0]);
  const aHistory = [1, 5, 7, 12];
  const s = scores(result.model, aHistory);
  const top = [...s.keys()].filter((i) => !aHistory.includes(i)).sort((a, b) => s[b] - s[a]);
  assert.ok(top.slice(0, 10).every((i) => i < 30 || i === 60), `top: ${top.slice(0, 10)}`);
  assert.ok(s[60] > s[61], "cold A item above cold B item for an A user");
  const b = scores(result.model, [31, 40, 45]);
  assert.ok(b[61] > b[60], "cold B item above cold A item for a B user");
});

Deno.test("UPDATE folds in a new item from its metadata and learns its clicks, on new events only", () => {
  const full = trainFull(world(false), options);
  const previous = structuredClone(full.model);
  const data = world(true);
  const update = trainUpdate(full.model, data, { since: 50, epochs: 3, learningRate: 0.05 });
  assert.equal(update.trainingMode, "UPDATE");
  assert.equal(update.targets, 20, "only the 20 events after `since` are targets");
  assert.deepEqual(full.model.itemOut, previous.itemOut, "the previous version is untouched");
  const folded = trainUpdate(full.model, data, { since: Infinity, epochs: 1 }).model;
  const coldRank = (model: TwoTowerModel) => {
    const s = scores(model, [1, 5, 7, 12]);
    return [...s.keys()].filter((i) => s[i] > s[62]).length;
  };
  assert.ok(
    scores(folded, [1, 5, 7])[62] > scores(folded, [1, 5, 7])[61],
    "new A item ranks by genre",
  );
  assert.ok(coldRank(update.model) < coldRank(folded), "clicked new item moves up");
  assert.ok(coldRank(update.model) <= 3, `rank of the clicked new item: ${coldRank(update.model)}`);
});

void A_USER;
