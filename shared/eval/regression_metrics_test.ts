import assert from "node:assert/strict";
import { regressionMetrics } from "./regression_metrics.ts";

const LOG_2PI = Math.log(2 * Math.PI);

Deno.test("regression metrics on a hand-worked example", () => {
  // Errors 1, −2, 0 with variances 1, 4, 0.5.
  const m = regressionMetrics([1, 2, 3], [1, 4, 0.5], [2, 0, 3]);
  assert.equal(m.rows, 3);
  assert.ok(Math.abs(m.rmse - Math.sqrt(5 / 3)) < 1e-12);
  const nll = (0.5 * (LOG_2PI + 1) + 0.5 * (LOG_2PI + Math.log(4) + 1) +
    0.5 * (LOG_2PI + Math.log(0.5))) / 3;
  assert.ok(Math.abs(m.nll - nll) < 1e-12);
});

Deno.test("variance is floored at 1e-12", () => {
  const m = regressionMetrics([0], [0], [1e-6]);
  // ½·(log(2π·1e-12) + 1e-12 / 1e-12)
  assert.ok(Math.abs(m.nll - 0.5 * (LOG_2PI + Math.log(1e-12) + 1)) < 1e-9);
  assert.ok(Number.isFinite(regressionMetrics([0], [-1], [0]).nll));
});

Deno.test("regression metrics refuse misaligned inputs", () => {
  assert.throws(() => regressionMetrics([0, 1], [1], [0, 1]), RangeError);
  assert.throws(() => regressionMetrics([], [], []), RangeError);
});
