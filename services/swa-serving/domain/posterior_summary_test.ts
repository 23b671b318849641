import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { softmax } from "@edgeml/shared/eval";
import { mulberry32 } from "@edgeml/shared/onnx";
import { summarizeClassification, summarizeRegression } from "./posterior_summary.ts";

const block = (values: number[], samples: number) => ({ data: Float32Array.from(values), samples });
const near = (actual: number, expected: number, what: string, tol = 1e-7) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
const h = (...p: number[]) => -p.reduce((sum, q) => sum + (q > 0 ? q * Math.log(q) : 0), 0);
const code = (kind: string, code: string) => (e: unknown) =>
  e instanceof DomainError && e.kind === kind && e.code === code;

Deno.test("summarizeClassification: two samples worked by hand", () => {
  // Logits [0, 0] give p = [1/2, 1/2]; [ln 3, 0] give p = [3/4, 1/4]; p̄ = [5/8, 3/8].
  const samples = [0, 0, Math.log(3), 0];
  for (const blocks of [[block(samples, 2)], [block([0, 0], 1), block([Math.log(3), 0], 1)]]) {
    const s = summarizeClassification(blocks, 1, 2);
    assert.equal(s.samples, 2);
    near(s.probabilities[0], 5 / 8, "p̄0");
    near(s.probabilities[1], 3 / 8, "p̄1");
    near(s.predictiveEntropy[0], h(5 / 8, 3 / 8), "H[p̄]");
    near(s.expectedEntropy[0], (Math.log(2) + h(3 / 4, 1 / 4)) / 2, "E H");
    near(s.mutualInformation[0], h(5 / 8, 3 / 8) - (Math.log(2) + h(3 / 4, 1 / 4)) / 2, "MI");
    near(s.std[0], 1 / 8, "std0");
    near(s.std[1], 1 / 8, "std1");
  }
});

Deno.test("summarizeClassification: use keeps each block's first samples", () => {
  const s = summarizeClassification([block([0, 0, Math.log(3), 0], 2)], 1, 2, 1);
  assert.equal(s.samples, 1);
  assert.deepEqual([...s.probabilities], [0.5, 0.5]);
  assert.deepEqual([...s.std], [0, 0]);
  near(s.predictiveEntropy[0], Math.log(2), "H");
  assert.equal(s.mutualInformation[0], 0);
});

Deno.test("summarizeClassification: extreme logits stay finite, 0·log 0 = 0", () => {
  const s = summarizeClassification([block([1000, 0, -1000, 0], 2)], 1, 2);
  assert.deepEqual([...s.probabilities], [0.5, 0.5]);
  assert.equal(s.expectedEntropy[0], 0);
  near(s.mutualInformation[0], Math.log(2), "MI of two certain, opposed samples");
});

Deno.test("summarizeClassification: properties on random logits", () => {
  const random = mulberry32(7);
  const [rows, samples, classes] = [50, 5, 4];
  const logits = Array.from({ length: rows * samples * classes }, () => 6 * random() - 3);
  const s = summarizeClassification([block(logits, samples)], rows, classes);
  const reference = softmax(Float32Array.from(logits), classes);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let k = 0; k < classes; k++) {
      let mean = 0;
      for (let j = 0; j < samples; j++) {
        mean += reference[(r * samples + j) * classes + k] / samples;
      }
      near(s.probabilities[r * classes + k], mean, `p̄[${r},${k}]`, 1e-12);
      total += s.probabilities[r * classes + k];
    }
    near(total, 1, `Σ p̄ row ${r}`, 1e-12);
    assert.ok(s.mutualInformation[r] >= 0);
    near(s.mutualInformation[r], s.predictiveEntropy[r] - s.expectedEntropy[r], "MI", 1e-12);
  }

  const row = logits.slice(0, classes);
  const same = summarizeClassification([block([...row, ...row, ...row], 3)], 1, classes);
  near(same.mutualInformation[0], 0, "MI of identical samples", 1e-12);
  assert.ok(same.std.every((v) => v === 0));
});

Deno.test("summarizeClassification: refuses blocks of the wrong size", () => {
  assert.throws(
    () => summarizeClassification([block([0, 0, 0], 1)], 1, 2),
    code("invalid", "output_shape"),
  );
});

Deno.test("summarizeRegression: law of total variance by hand", () => {
  // Two samples (μ, σ²) = (1, 1) and (3, 3): mean 2, spread 1, predicted 2, variance 3.
  const v = summarizeRegression([block([1, 1, 3, 3], 2)], 1, 2, "variance");
  assert.deepEqual([v.mean[0], v.spread[0], v.predictedVariance[0], v.variance[0]], [2, 1, 2, 3]);
  assert.equal(v.targets, 1);
  assert.equal(v.samples, 2);

  // log-variances 0 and ln 4: σ² = 1 and 4, predicted 5/2.
  const lv = summarizeRegression(
    [block([1, 0], 1), block([3, Math.log(4)], 1)],
    1,
    2,
    "log_variance",
  );
  near(lv.predictedVariance[0], 2.5, "E σ²");
  near(lv.variance[0], 3.5, "variance");

  // Two targets, no variance head, two rows: rows are [r][s][d].
  const n = summarizeRegression([block([1, 10, 3, 14, 5, 0, 9, 0], 2)], 2, 2, "none");
  assert.deepEqual([...n.mean], [2, 12, 7, 0]);
  assert.deepEqual([...n.spread], [1, 4, 4, 0]);
  assert.deepEqual([...n.predictedVariance], [0, 0, 0, 0]);
  assert.deepEqual([...n.variance], [1, 4, 4, 0]);

  const first = summarizeRegression([block([1, 1, 3, 3], 2)], 1, 2, "variance", 1);
  assert.deepEqual([first.mean[0], first.spread[0], first.variance[0]], [1, 0, 1]);
});

Deno.test("summarizeRegression: refuses widths that do not fit", () => {
  const odd = () => summarizeRegression([block([1, 2, 3], 1)], 1, 3, "log_variance");
  assert.throws(odd, code("invalid", "output_width"));
  assert.throws(() => summarizeRegression([], 1, 0, "none"), code("invalid", "output_width"));
  const short = () => summarizeRegression([block([1, 2], 1)], 2, 2, "variance");
  assert.throws(short, code("invalid", "output_shape"));
});
