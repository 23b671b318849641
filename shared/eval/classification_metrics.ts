/**
 * Classification quality of predicted probabilities, as the SWA/SWAG papers report it:
 *
 * - accuracy: share of rows whose arg-max class is the label;
 * - NLL: mean of −log p(label) (natural log; p clamped at 1e-12 so a confident miss is finite);
 * - ECE (Guo et al. 2017): Σ_b (|B_b|/N)·|acc(B_b) − conf(B_b)| over `bins` equal-width bins of
 *   the arg-max confidence, (0, 1/bins], …, ((bins−1)/bins, 1];
 * - Brier score: mean over rows of Σ_k (p_k − 1[k = label])² (the multi-class form of Brier 1950).
 */

export interface ClassificationMetrics {
  accuracy: number;
  nll: number;
  ece: number;
  brier: number;
  rows: number;
}

/** `probabilities` is row-major [rows, classes]; `labels` holds one class index per row. */
export function classificationMetrics(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  bins = 15,
): ClassificationMetrics {
  const rows = labels.length;
  if (rows === 0 || probabilities.length !== rows * classes) {
    throw new RangeError(
      `expected ${rows} × ${classes} probabilities, got ${probabilities.length}`,
    );
  }
  let correct = 0;
  let nll = 0;
  let brier = 0;
  const binCount = new Float64Array(bins);
  const binCorrect = new Float64Array(bins);
  const binConfidence = new Float64Array(bins);
  for (let r = 0; r < rows; r++) {
    const label = labels[r];
    let best = 0;
    for (let k = 0; k < classes; k++) {
      const p = probabilities[r * classes + k];
      if (p > probabilities[r * classes + best]) best = k;
      brier += (p - (k === label ? 1 : 0)) ** 2;
    }
    const confidence = probabilities[r * classes + best];
    const hit = best === label ? 1 : 0;
    correct += hit;
    nll -= Math.log(Math.max(probabilities[r * classes + label], 1e-12));
    const bin = Math.min(bins - 1, Math.max(0, Math.ceil(confidence * bins) - 1));
    binCount[bin]++;
    binCorrect[bin] += hit;
    binConfidence[bin] += confidence;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (binCount[b] > 0) ece += Math.abs(binCorrect[b] - binConfidence[b]) / rows;
  }
  return { accuracy: correct / rows, nll: nll / rows, ece, brier: brier / rows, rows };
}

/** Row-wise softmax of logits [rows, classes], computed stably in float64. */
export function softmax(logits: ArrayLike<number>, classes: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let r = 0; r < logits.length / classes; r++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[r * classes + k]);
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      sum += out[r * classes + k] = Math.exp(logits[r * classes + k] - max);
    }
    for (let k = 0; k < classes; k++) out[r * classes + k] /= sum;
  }
  return out;
}

/** Regression metrics share this entry point (`@edgeml/shared/eval`). */
export { type RegressionMetrics, regressionMetrics } from "./regression_metrics.ts";
