import assert from "node:assert/strict";
import { initTwoTower } from "./two_tower.ts";
import { decayFactor, userVector } from "./user_tower.ts";

Deno.test("userVector: decayed mean of the last L input vectors + user tokens, then 1", () => {
  // 4 items, item 2 has tokens {0, 1}; d = 2; halfLife 1 → γ = ½; L = 3.
  const model = initTwoTower({
    numItems: 4,
    numItemTokens: 2,
    numUserTokens: 1,
    itemTokens: { offsets: Int32Array.from([0, 0, 0, 2, 2]), tokens: Int32Array.from([0, 1]) },
    dim: 2,
    halfLife: 1,
    historyLength: 3,
  });
  model.itemIn.set([1, 0, 0, 1, 2, 2, 4, 4]);
  model.tokenIn.set([1, 1, 3, -1]);
  model.userToken.set([10, 20]);
  assert.equal(decayFactor(1), 0.5);
  // History oldest first: 3 (dropped, L = 3), 0, 1, 2. p₂ = (2, 2) + mean((1, 1), (3, −1)) = (4, 2).
  const u = userVector(model, [3, 0, 1, 2, 99]);
  // weights: item 2 → 1, item 1 → ½, item 0 → ¼; unknown item 99 skipped.
  const z = 1 + 0.5 + 0.25;
  const expected = [(4 + 0 + 0.25) / z, (2 + 0.5 + 0) / z, 1];
  expected.forEach((e, c) => assert.ok(Math.abs(u[c] - e) < 1e-6, `u[${c}]`));
  const withToken = userVector(model, [3, 0, 1, 2], [0]);
  assert.ok(Math.abs(withToken[0] - (expected[0] + 10)) < 1e-5);
  assert.deepEqual([...userVector(model, [])], [0, 0, 1]);
});
