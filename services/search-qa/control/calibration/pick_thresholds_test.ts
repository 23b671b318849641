/**
 * Threshold picking on (c, correct) lists worked out by hand: precision@1 of the queries at or
 * above each distinct c, and the lowest c reaching each bucket's target.
 */
import assert from "node:assert/strict";
import { FIXED_THRESHOLDS } from "../../domain/confidence.ts";
import { pickThresholds, type Sample } from "./pick_thresholds.ts";

const samples = (pairs: [number, boolean][]): Sample[] =>
  pairs.map(([c, correct]) => ({ c, correct }));

Deno.test("pickThresholds: the lowest c whose queries at or above it reach each target", () => {
  // Precision at or above: 1.0 → 1/1, 0.9 → 3/3, 0.8 → 3/4, 0.7 → 4/5, 0.6 → 5/6,
  // 0.5 → 5/7, 0.4 → 5/8, 0.3 → 6/9, 0.2 → 6/10.
  const picked = pickThresholds(
    samples([
      [0.5, false],
      [1.0, true],
      [0.9, true],
      [0.2, false],
      [0.8, false],
      [0.9, true],
      [0.7, true],
      [0.4, false],
      [0.6, true],
      [0.3, true],
    ]),
    { minQueries: 10 },
  );
  assert.equal(picked.fitted, true);
  assert.deepEqual(picked.thresholds, { VERY_HIGH: 0.9, HIGH: 0.6, MEDIUM: 0.2 });
  assert.deepEqual(picked.observed, {
    VERY_HIGH: { queries: 3, precisionAt1: 1 },
    HIGH: { queries: 6, precisionAt1: 5 / 6 },
    MEDIUM: { queries: 10, precisionAt1: 0.6 },
  });
  assert.deepEqual([picked.queries, picked.precisionAt1], [10, 0.6]);
});

Deno.test("pickThresholds: a threshold takes every query tied at it", () => {
  // At 0.8 the three tied queries count together: 2/3, below 0.75.
  const picked = pickThresholds(samples([[0.8, true], [0.9, true], [0.8, false]]), {
    minQueries: 1,
  });
  assert.deepEqual(picked.thresholds, { VERY_HIGH: 0.9, HIGH: 0.9, MEDIUM: 0.8 });
});

Deno.test("pickThresholds: a target no threshold reaches leaves its bucket unawarded", () => {
  const picked = pickThresholds(samples([[0.9, false], [0.8, true], [0.1, false]]), {
    minQueries: 1,
  });
  // 0.9 → 0/1, 0.8 → 1/2, 0.1 → 1/3.
  assert.deepEqual(picked.thresholds, { VERY_HIGH: null, HIGH: null, MEDIUM: 0.8 });
  assert.deepEqual(picked.observed.VERY_HIGH, { queries: 0, precisionAt1: null });
});

Deno.test("pickThresholds: fewer than 30 queries keep the fixed thresholds", () => {
  const few = samples(Array.from({ length: 29 }, (_, i) => [i / 29, i % 2 === 0]));
  const kept = pickThresholds(few);
  assert.equal(kept.fitted, false);
  assert.deepEqual(kept.thresholds, FIXED_THRESHOLDS);
  // Observed at the fixed thresholds: c = i/29 ≥ 0.8 for i = 24…28 (even: 24, 26, 28).
  assert.deepEqual(kept.observed.VERY_HIGH, { queries: 5, precisionAt1: 3 / 5 });
  assert.equal(pickThresholds([...few, { c: 1, correct: true }]).fitted, true);
});
