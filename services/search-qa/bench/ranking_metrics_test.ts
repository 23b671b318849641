import assert from "node:assert/strict";
import { ndcgAtK, precisionAt1, reciprocalRank, summarizeRankings } from "./ranking_metrics.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

Deno.test("precision@1 and reciprocal rank with one or several relevant items", () => {
  const rel = new Set(["b", "d"]);
  assert.equal(precisionAt1(["a", "b", "d"], rel), 0);
  assert.equal(precisionAt1(["d", "a"], rel), 1);
  assert.equal(precisionAt1([], rel), 0);
  close(reciprocalRank(["a", "c", "d", "b"], rel), 1 / 3); // first relevant at rank 3
  assert.equal(reciprocalRank(["a", "c"], rel), 0);
});

Deno.test("nDCG@k on hand-worked rankings", () => {
  // One relevant item at rank 2: DCG = 1/log2(3), ideal = 1 → 0.63093.
  close(ndcgAtK(["x", "a"], new Set(["a"])), 1 / Math.log2(3));
  // Two relevant at ranks 1 and 3: DCG = 1 + 1/2 = 1.5; ideal = 1 + 1/log2(3) = 1.63093.
  close(ndcgAtK(["a", "x", "b"], new Set(["a", "b"])), 1.5 / (1 + 1 / Math.log2(3)));
  // Two relevant, only one found, at rank 1: 1 / 1.63093 = 0.61315.
  close(ndcgAtK(["a", "x"], new Set(["a", "b"])), 1 / (1 + 1 / Math.log2(3)));
  // Relevant at rank 3 is outside k = 2.
  assert.equal(ndcgAtK(["x", "y", "a"], new Set(["a"]), 2), 0);
  // A repeated relevant id counts once.
  close(ndcgAtK(["a", "a"], new Set(["a", "b"])), 1 / (1 + 1 / Math.log2(3)));
  close(ndcgAtK(["b", "a"], new Set(["a", "b"])), 1);
});

Deno.test("summary averages over queries", () => {
  const s = summarizeRankings([
    { ranked: ["a", "b"], relevant: ["a"] }, // p@1 1, RR 1, nDCG 1
    { ranked: ["x", "y", "b"], relevant: ["b", "c"] }, // p@1 0, RR 1/3, nDCG 0.5/1.63093
    { ranked: [], relevant: ["z"] }, // all 0
  ]);
  assert.equal(s.queries, 3);
  close(s.precisionAt1, 1 / 3);
  close(s.mrr, (1 + 1 / 3) / 3);
  close(s.ndcgAt10, (1 + 0.5 / (1 + 1 / Math.log2(3))) / 3);
});
