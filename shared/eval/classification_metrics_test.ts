import assert from "node:assert/strict";
import { classificationMetrics, softmax } from "./classification_metrics.ts";

Deno.test("metrics on a hand-worked example", () => {
  // Three rows, two classes. Labels 0, 1, 1.
  const p = [0.9, 0.1, 0.4, 0.6, 0.7, 0.3];
  const m = classificationMetrics(p, [0, 1, 1], 2, 10);
  assert.equal(m.accuracy, 2 / 3);
  assert.ok(Math.abs(m.nll - -(Math.log(0.9) + Math.log(0.6) + Math.log(0.3)) / 3) < 1e-12);
  assert.ok(Math.abs(m.brier - (0.02 + 0.32 + 0.98) / 3) < 1e-12);
  // Confidences 0.9 (bin 9, hit), 0.6 (bin 6, hit), 0.7 (bin 7, miss):
  // |1 − 0.9| + |1 − 0.6| + |0 − 0.7| over 3 rows.
  assert.ok(Math.abs(m.ece - (0.1 + 0.4 + 0.7) / 3) < 1e-12);
});

Deno.test("ECE bins are right-closed: a confidence of exactly 0.2 falls in (0.1, 0.2]", () => {
  // Five classes, confidence 0.2 for class 0, label 0: one row, bin 1 of 10, accuracy 1.
  const m = classificationMetrics([0.2, 0.2, 0.2, 0.2, 0.2], [0], 5, 10);
  assert.ok(Math.abs(m.ece - 0.8) < 1e-12);
});

Deno.test("softmax is stable for large logits and rows sum to 1", () => {
  const p = softmax([1000, 1001, -5, 0], 2);
  assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-15);
  assert.ok(Math.abs(p[1] - 1 / (1 + Math.exp(-1))) < 1e-12);
  assert.ok(Math.abs(p[2] - Math.exp(-5) / (Math.exp(-5) + 1)) < 1e-12);
  assert.throws(() => classificationMetrics([0.5], [0], 2), RangeError);
});
