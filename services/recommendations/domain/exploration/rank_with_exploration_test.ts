import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { mulberry32 } from "@edgeml/shared/onnx";
import { explorationConfig } from "./config.ts";
import {
  type ExplorationCandidate,
  rankWithExploration,
  type RankWithExplorationOptions,
} from "./rank_with_exploration.ts";

const logit = (p: number) => Math.log(p / (1 - p));
/** Slope 0: every item's prior mean is exactly `ctr`, whatever its relevance. */
const flat = (ctr: number) => ({ slope: 0, intercept: logit(ctr) });
const noRandom = () => {
  throw new Error("weight 0 must not draw");
};

const warm = Array.from({ length: 20 }, (_, i) => ({
  itemId: `warm${i}`,
  relevance: 10 - i * 0.1,
  ageDays: 100,
}));
const cold = Array.from({ length: 20 }, (_, i) => ({
  itemId: `cold${i}`,
  relevance: 5 - i * 0.1,
  ageDays: i % 5,
}));

function rank(overrides: Partial<RankWithExplorationOptions>, seed = 1) {
  return rankWithExploration({
    candidates: [...warm, ...cold],
    numResults: 10,
    config: explorationConfig({ explorationWeight: 0.3, explorationItemAgeCutoff: 30 }),
    calibration: { slope: 1, intercept: -8 },
    random: mulberry32(seed),
    ...overrides,
  });
}

Deno.test("weight 0 is pure relevance: the model's top N, no draws, no exploration", () => {
  const list = rank({ config: explorationConfig({ explorationWeight: 0 }), random: noRandom });
  assert.deepEqual(list.map((r) => r.itemId), warm.slice(0, 10).map((c) => c.itemId));
  assert.ok(list.every((r) => r.reason === "relevance"));
});

Deno.test("weight 0 still shows a cold item that is relevant enough, on relevance", () => {
  const hot = { itemId: "fresh-hit", relevance: 50, ageDays: 0 };
  const list = rank({
    candidates: [...warm, hot],
    config: explorationConfig({ explorationWeight: 0 }),
    random: noRandom,
  });
  assert.deepEqual(list[0], {
    itemId: "fresh-hit",
    score: 1 / (1 + Math.exp(-42)),
    reason: "relevance",
  });
});

Deno.test("the share of exploration slots is w·N in expectation (N = 1, w = 0.3)", () => {
  const random = mulberry32(3);
  const runs = 10_000;
  let explored = 0;
  for (let i = 0; i < runs; i++) {
    const [top] = rank({ numResults: 1, random });
    if (top.reason === "exploration") explored++;
  }
  // Binomial(10 000, 0.3): five standard deviations is ±0.023.
  assert.ok(Math.abs(explored / runs - 0.3) < 0.023, `${explored / runs}`);
});

Deno.test("items at or past the age cutoff are never explored, even at weight 1", () => {
  const config = explorationConfig({ explorationWeight: 1, explorationItemAgeCutoff: 3 });
  for (let seed = 0; seed < 200; seed++) {
    for (const { itemId, reason } of rank({ config }, seed)) {
      if (reason !== "exploration") continue;
      const candidate = cold.find((c) => c.itemId === itemId);
      assert.ok(candidate && candidate.ageDays < 3, `${itemId} explored past the cutoff`);
    }
  }
});

Deno.test("weight 1 fills every slot from cold items while there are enough", () => {
  const list = rank({ config: explorationConfig({ explorationWeight: 1 }) });
  assert.equal(list.length, 10);
  assert.ok(list.every((r) => r.reason === "exploration" && r.itemId.startsWith("cold")));
  const few = rank({
    candidates: [...warm, ...cold.slice(0, 4)],
    config: explorationConfig({ explorationWeight: 1 }),
  });
  assert.equal(few.filter((r) => r.reason === "exploration").length, 4);
  assert.deepEqual(few.filter((r) => r.reason === "relevance").map((r) => r.itemId), [
    "warm0",
    "warm1",
    "warm2",
    "warm3",
    "warm4",
    "warm5",
  ]);
});

/** ln B(a, b) for positive integers, from log-factorials (independent of the sampler). */
function lnBeta(a: number, b: number): number {
  const lnFactorial = (n: number) => {
    let sum = 0;
    for (let i = 2; i <= n; i++) sum += Math.log(i);
    return sum;
  };
  return lnFactorial(a - 1) + lnFactorial(b - 1) - lnFactorial(a + b - 1);
}

/** P(X > Y), X ~ Beta(a1, b1), Y ~ Beta(a2, b2), integer a1 (Evan Miller's closed form). */
function probabilityGreater(a1: number, b1: number, a2: number, b2: number): number {
  let total = 0;
  for (let i = 0; i < a1; i++) {
    total += Math.exp(
      lnBeta(a2 + i, b1 + b2) - Math.log(b1 + i) - lnBeta(1 + i, b1) - lnBeta(a2, b2),
    );
  }
  return total;
}

function pickRate(a: ExplorationCandidate, b: ExplorationCandidate, seed: number): number {
  const random = mulberry32(seed);
  const runs = 8_000;
  let picked = 0;
  for (let i = 0; i < runs; i++) {
    const [top] = rankWithExploration({
      candidates: [a, b],
      numResults: 1,
      config: explorationConfig({ explorationWeight: 1 }),
      calibration: flat(0.1),
      random,
      priorClicks: 1,
    });
    if (top.itemId === a.itemId) picked++;
  }
  return picked / runs;
}

Deno.test("ignored impressions shrink an item's exploration chance as Thompson sampling predicts", () => {
  // κ = 1, m = 0.1: prior Beta(1, 9) for both; 40 impressions without a click make it Beta(1, 49).
  const fresh = { itemId: "fresh", relevance: 0, ageDays: 1 };
  const ignored = { itemId: "ignored", relevance: 0, ageDays: 1, impressions: 40, clicks: 0 };
  const expected = probabilityGreater(1, 9, 1, 49);
  const rate = pickRate(fresh, ignored, 9);
  assert.ok(expected > 0.8);
  assert.ok(Math.abs(rate - expected) < 5 * Math.sqrt((expected * (1 - expected)) / 8_000));
});

Deno.test("clicks lift a cold item above a fresh one by the closed-form probability", () => {
  // 20 impressions with 4 clicks: Beta(5, 25), mean 1/6, against the fresh Beta(1, 9).
  const clicked = { itemId: "clicked", relevance: 0, ageDays: 1, impressions: 20, clicks: 4 };
  const fresh = { itemId: "fresh", relevance: 0, ageDays: 1 };
  const expected = probabilityGreater(5, 25, 1, 9);
  const rate = pickRate(clicked, fresh, 10);
  assert.ok(expected > 0.6);
  assert.ok(Math.abs(rate - expected) < 5 * Math.sqrt((expected * (1 - expected)) / 8_000));
});

Deno.test("unknown users get popular items on relevance slots and fresh items on exploration", () => {
  const popular = [{ itemId: "warm3", score: 900 }, { itemId: "p1", score: 800 }, {
    itemId: "p2",
    score: 700,
  }];
  const list = rank({ knownUser: false, numResults: 3, popular }, 4);
  const explored = list.filter((r) => r.reason === "exploration");
  const fallback = list.filter((r) => r.reason === "popular fallback");
  assert.equal(list.length, 3);
  assert.ok(explored.every((r) => r.itemId.startsWith("cold")));
  assert.deepEqual(fallback.map((r) => r.itemId), ["warm3", "p1", "p2"].slice(0, fallback.length));
  assert.ok(!list.some((r) => r.reason === "relevance"));
});

Deno.test("short candidate lists are padded with popular items, never duplicated", () => {
  const list = rank({
    candidates: [warm[0], warm[1]],
    popular: [{ itemId: "warm0", score: 9 }, { itemId: "p1", score: 8 }, {
      itemId: "p2",
      score: 7,
    }],
    numResults: 4,
    config: explorationConfig({ explorationWeight: 0 }),
  });
  assert.deepEqual(list.map((r) => [r.itemId, r.reason]), [
    ["warm0", "relevance"],
    ["warm1", "relevance"],
    ["p1", "popular fallback"],
    ["p2", "popular fallback"],
  ]);
});

Deno.test("the same seed gives the same list; numResults must be a positive integer (422)", () => {
  assert.deepEqual(rank({}, 77), rank({}, 77));
  for (const numResults of [0, 2.5, -1]) {
    assert.throws(
      () => rank({ numResults }),
      (e: unknown) => e instanceof DomainError && e.code === "invalid_num_results",
    );
  }
});
