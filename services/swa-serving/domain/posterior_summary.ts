/**
 * Bayesian model averaging of a posterior's sampled outputs (SWAG, Maddox et al. 2019:
 * p(y|x) ≈ (1/S) Σ_s p(y|x, θ_s)) and the uncertainty that the spread of samples reveals.
 *
 * Outputs arrive as blocks, one a run: row-major float32 [rows, samples_b, width]. A single SWA
 * model is one block with one sample. All sums are float64. Edge-safe: no runtime, no files.
 * @module
 */
import { invalid } from "@edgeml/shared/errors";

/** One run's outputs: row-major [rows, samples, width]. */
export interface OutputBlock {
  data: Float32Array;
  samples: number;
}

/** Per-row classification summary over S samples; [rows × classes] arrays are row-major. */
export interface ClassSummary {
  /** p̄ = (1/S) Σ_s softmax(z_s). */
  probabilities: Float64Array;
  /** H[p̄] = −Σ_k p̄_k log p̄_k (total uncertainty). */
  predictiveEntropy: Float64Array;
  /** (1/S) Σ_s H[p_s] (aleatoric part). */
  expectedEntropy: Float64Array;
  /** H[p̄] − E_s H[p_s], clamped at 0 (epistemic part, BALD; Houlsby et al. 2011). */
  mutualInformation: Float64Array;
  /** Population standard deviation of p_s,k over the samples; 0 for one sample. */
  std: Float64Array;
  samples: number;
}

/** How the second half of a regression output encodes each target's variance, if at all. */
export type VarianceOutput = "none" | "variance" | "log_variance";

/** Per-row, per-target regression summary; each array is row-major [rows × targets]. */
export interface RegressionSummary {
  /** (1/S) Σ_s μ_s. */
  mean: Float64Array;
  /** spread + predictedVariance: the law of total variance over the mixture of samples. */
  variance: Float64Array;
  /** (1/S) Σ_s (μ_s − mean)² (epistemic). */
  spread: Float64Array;
  /** (1/S) Σ_s σ²_s (aleatoric); zeros when the model predicts no variance. */
  predictedVariance: Float64Array;
  targets: number;
  samples: number;
}

/** Checks the blocks' shapes and returns how many samples of each are used. */
function usedSamples(
  blocks: readonly OutputBlock[],
  rows: number,
  width: number,
  use?: number,
): number[] {
  if (use !== undefined && (!Number.isInteger(use) || use < 1)) {
    throw invalid("samples", `use must be a positive integer, got ${use}`);
  }
  for (const b of blocks) {
    if (
      !Number.isInteger(b.samples) || b.samples < 1 || b.data.length !== rows * b.samples * width
    ) {
      throw invalid(
        "output_shape",
        `a block of ${b.data.length} values is not [${rows}, ${b.samples}, ${width}]`,
      );
    }
  }
  const used = blocks.map((b) => Math.min(b.samples, use ?? b.samples));
  if (used.reduce((a, b) => a + b, 0) === 0) throw invalid("no_samples", "no samples to summarize");
  return used;
}

/** Calls `visit` with each used sample's outputs for `row`: `data[start .. start + width)`. */
function forEachSample(
  blocks: readonly OutputBlock[],
  used: readonly number[],
  row: number,
  width: number,
  visit: (data: Float32Array, start: number, sample: number) => void,
): void {
  let index = 0;
  blocks.forEach((b, i) => {
    for (let s = 0; s < used[i]; s++) visit(b.data, (row * b.samples + s) * width, index++);
  });
}

/**
 * Writes softmax(z) of `z = data[start .. start + classes)` to `out` at `at` and returns its
 * entropy −Σ p log p, with log p_k = z_k − max z − log Σ_j e^(z_j − max z) so that no term
 * overflows and 0·log 0 = 0.
 */
function softmaxInto(
  data: Float32Array,
  start: number,
  classes: number,
  out: Float64Array,
  at: number,
): number {
  let max = -Infinity;
  for (let k = 0; k < classes; k++) max = Math.max(max, data[start + k]);
  let sum = 0;
  for (let k = 0; k < classes; k++) sum += Math.exp(data[start + k] - max);
  const logSum = Math.log(sum);
  let entropy = 0;
  for (let k = 0; k < classes; k++) {
    const logP = data[start + k] - max - logSum;
    const p = Math.exp(logP);
    out[at + k] = p;
    if (p > 0) entropy -= p * logP;
  }
  return entropy;
}

/**
 * Mean softmax probabilities and the entropy decomposition H[p̄] = E_s H[p_s] + I (Depeweg et
 * al. 2018; Houlsby et al. 2011), per row; natural log, 0·log 0 = 0. `use` keeps each block's
 * first `use` samples.
 *
 * @throws {DomainError} `invalid/output_shape` when a block is not [rows, samples, classes].
 */
export function summarizeClassification(
  blocks: readonly OutputBlock[],
  rows: number,
  classes: number,
  use?: number,
): ClassSummary {
  const used = usedSamples(blocks, rows, classes, use);
  const samples = used.reduce((a, b) => a + b, 0);
  const probabilities = new Float64Array(rows * classes);
  const std = new Float64Array(rows * classes);
  const predictiveEntropy = new Float64Array(rows);
  const expectedEntropy = new Float64Array(rows);
  const mutualInformation = new Float64Array(rows);
  const p = new Float64Array(samples * classes);
  for (let r = 0; r < rows; r++) {
    let entropy = 0;
    forEachSample(blocks, used, r, classes, (data, start, s) => {
      entropy += softmaxInto(data, start, classes, p, s * classes);
    });
    let h = 0;
    for (let k = 0; k < classes; k++) {
      const [mean, variance] = meanAndVariance(p, k, classes, samples);
      probabilities[r * classes + k] = mean;
      std[r * classes + k] = Math.sqrt(variance);
      if (mean > 0) h -= mean * Math.log(mean);
    }
    predictiveEntropy[r] = h;
    expectedEntropy[r] = entropy / samples;
    mutualInformation[r] = Math.max(0, h - expectedEntropy[r]);
  }
  return { probabilities, predictiveEntropy, expectedEntropy, mutualInformation, std, samples };
}

/** Mean and population variance (two-pass) of `values[at + i·stride]`, i < n. */
function meanAndVariance(values: Float64Array, at: number, stride: number, n: number) {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[at + i * stride];
  mean /= n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[at + i * stride] - mean) ** 2;
  return [mean, sq / n] as const;
}

/**
 * Mean and variance of the mixture of the samples' Gaussians N(μ_s, σ²_s) per row and target, by
 * the law of total variance: Var = (1/S) Σ_s (μ_s − μ̄)² + (1/S) Σ_s σ²_s (the mixture of deep
 * ensembles, Lakshminarayanan et al. 2017). The output width is D (`none`) or 2·D: D means, then D
 * variances (`variance`) or log-variances (`log_variance`, σ² = e^v).
 *
 * @throws {DomainError} `invalid/output_width` when `width` does not fit `variance`;
 *   `invalid/output_shape` when a block is not [rows, samples, width].
 */
export function summarizeRegression(
  blocks: readonly OutputBlock[],
  rows: number,
  width: number,
  variance: VarianceOutput,
  use?: number,
): RegressionSummary {
  const paired = variance !== "none";
  if (!Number.isInteger(width) || width < 1 || (paired && width % 2 !== 0)) {
    throw invalid(
      "output_width",
      `an output of width ${width} cannot hold ${paired ? "means and variances" : "means"}`,
    );
  }
  const targets = paired ? width / 2 : width;
  const used = usedSamples(blocks, rows, width, use);
  const samples = used.reduce((a, b) => a + b, 0);
  const mean = new Float64Array(rows * targets);
  const spread = new Float64Array(rows * targets);
  const predictedVariance = new Float64Array(rows * targets);
  const total = new Float64Array(rows * targets);
  const mu = new Float64Array(samples * targets);
  for (let r = 0; r < rows; r++) {
    forEachSample(blocks, used, r, width, (data, start, s) => {
      for (let d = 0; d < targets; d++) {
        mu[s * targets + d] = data[start + d];
        if (!paired) continue;
        const v = data[start + targets + d];
        predictedVariance[r * targets + d] += (variance === "log_variance" ? Math.exp(v) : v) /
          samples;
      }
    });
    for (let d = 0; d < targets; d++) {
      const i = r * targets + d;
      [mean[i], spread[i]] = meanAndVariance(mu, d, targets, samples);
      total[i] = spread[i] + predictedVariance[i];
    }
  }
  return { mean, variance: total, spread, predictedVariance, targets, samples };
}
