import assert from "node:assert/strict";
import { mulberry32 } from "@edgeml/shared/onnx";
import { sampleBeta } from "./beta_sampling.ts";

const N = 20_000;

function draws(alpha: number, beta: number, seed: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: N }, () => sampleBeta(alpha, beta, random));
}

Deno.test("sampleBeta matches the closed-form mean and variance, including shapes below 1", () => {
  for (const [alpha, beta] of [[1, 1], [2, 5], [0.3, 9.7], [0.05, 20], [40, 3]]) {
    const xs = draws(alpha, beta, 7);
    const mean = xs.reduce((s, x) => s + x, 0) / N;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (N - 1);
    const n = alpha + beta;
    const trueMean = alpha / n;
    const trueVariance = (alpha * beta) / (n * n * (n + 1));
    // Five standard errors of the sample mean; variance within 10%.
    assert.ok(Math.abs(mean - trueMean) < 5 * Math.sqrt(trueVariance / N), `mean ${alpha},${beta}`);
    assert.ok(Math.abs(variance / trueVariance - 1) < 0.1, `variance ${alpha},${beta}`);
    assert.ok(xs.every((x) => x >= 0 && x <= 1 && Number.isFinite(x)));
  }
});

Deno.test("sampleBeta(2, 1) follows the CDF x² (Kolmogorov–Smirnov distance small)", () => {
  const xs = draws(2, 1, 11).sort((a, b) => a - b);
  let distance = 0;
  xs.forEach((x, i) => {
    distance = Math.max(distance, Math.abs((i + 1) / N - x * x), Math.abs(i / N - x * x));
  });
  // The 1% critical value of the KS statistic is 1.63/√N ≈ 0.0115.
  assert.ok(distance < 0.0115, `KS distance ${distance}`);
});

Deno.test("sampleBeta is reproducible for a seed and rejects non-positive shapes", () => {
  assert.deepEqual(draws(0.5, 3, 3).slice(0, 5), draws(0.5, 3, 3).slice(0, 5));
  assert.throws(() => sampleBeta(0, 1, Math.random), RangeError);
});
