import assert from "node:assert/strict";
import { ndcgAt, precisionAt, reciprocalRankAt } from "./ranking_metrics.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

Deno.test("ranking metrics: hand-worked list", () => {
  const list = [7, 3, 9, 1, 4];
  const relevant = new Set([3, 4, 8]);
  close(precisionAt(list, relevant, 5), 2 / 5);
  close(precisionAt(list, relevant, 10), 2 / 10); // divides by K even when the list is shorter
  // hits at ranks 2 and 5: DCG = 1/log2(3) + 1/log2(6); ideal over 3 relevant: 1 + 1/log2(3) + 1/2
  close(
    ndcgAt(list, relevant, 5),
    (1 / Math.log2(3) + 1 / Math.log2(6)) / (1 + 1 / Math.log2(3) + 0.5),
  );
  close(ndcgAt(list, relevant, 1), 0);
  close(reciprocalRankAt(list, relevant, 25), 1 / 2);
  close(reciprocalRankAt(list, relevant, 1), 0);
  close(ndcgAt([3, 4, 8], relevant, 3), 1);
});
