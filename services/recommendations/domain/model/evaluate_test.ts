import assert from "node:assert/strict";
import { evaluateOffline } from "./evaluate.ts";
import { timeHoldout } from "./holdout.ts";
import { popularityCounts, popularityRecommender } from "./popularity.ts";

// Two users with 10 events each on items 0…9 / 10…19 in index order; item 20 has no event.
function world() {
  const user: number[] = [];
  const item: number[] = [];
  const time: number[] = [];
  for (let u = 0; u < 2; u++) {
    for (let k = 0; k < 10; k++) user.push(u), item.push(10 * u + k), time.push(k);
  }
  return timeHoldout({
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    time: Float64Array.from(time),
  }, 2);
}

Deno.test("evaluateOffline: an oracle scores 1 at rank 1, coverage counts distinct items", () => {
  const holdout = world(); // targets: item 9 for user 0, 19 for user 1; 9, 19, 20 are cold
  const oracle = (u: number) => [10 * u + 9, 20];
  const m = evaluateOffline(oracle, holdout, { numItems: 21 });
  assert.equal(m.users, 2);
  assert.equal(m.mean_reciprocal_rank_at_25, 1);
  assert.equal(m.precision_at_5, 1 / 5);
  assert.equal(m.normalized_discounted_cumulative_gain_at_10, 1);
  assert.equal(m.coverage, 3 / 21);
  assert.equal(m.coldItemCoverage, 1);
});

Deno.test("popularity baseline excludes the user's own items", () => {
  const holdout = world();
  const counts = popularityCounts(holdout.train, 21);
  const seen: [number, number[]][] = [];
  const recommend = popularityRecommender(counts);
  const m = evaluateOffline(
    (u, h, k, ex) => {
      const list = Array.from(recommend(u, h, k, ex));
      seen.push([u, list]);
      return list;
    },
    holdout,
    { numItems: 21 },
  );
  for (const [u, list] of seen) {
    assert.equal(list.length, 21 - 9);
    const own = u === 0 ? 0 : 10;
    assert.ok(list.every((i) => i < own || i >= own + 9));
  }
  assert.equal(m.users, 2);
});
