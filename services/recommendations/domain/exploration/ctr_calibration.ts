/**
 * Platt scaling: maps a model's relevance score s (any real: a dot product, a logit) to a
 * click-through probability, so a cold item's Beta prior has a mean on the CTR scale:
 *
 *   p(click | s) = σ(A·s + B),  σ(x) = 1 / (1 + e^(−x))
 *
 * A and B are fitted on logged impressions (score at serving time, clicked or not) by Newton's
 * method on the cross-entropy with Platt's smoothed targets t₊ = (N₊ + 1)/(N₊ + 2) and
 * t₋ = 1/(N₋ + 2), which keep the fit finite when there are no clicks (or no misses).
 * Source: J. Platt (1999), "Probabilistic Outputs for Support Vector Machines and Comparisons
 * to Regularized Likelihood Methods"; the Newton iteration of Lin, Lin & Weng (2007), "A note
 * on Platt's probabilistic outputs for support vector machines".
 *
 * @example
 * ```ts
 * const calibration = fitCtrCalibration([{ score: 2.1, clicked: true }, { score: -0.3, clicked: false }]);
 * calibratedCtr(1.5, calibration); // a probability in (0, 1)
 * ```
 */

export interface CtrCalibration {
  /** A: how fast CTR rises with the score. */
  slope: number;
  /** B: log-odds of a click at score 0. */
  intercept: number;
}

export interface ScoredImpression {
  score: number;
  clicked: boolean;
}

const sigmoid = (x: number) => x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));

/** σ(A·s + B): the calibrated click-through of a relevance score. */
export function calibratedCtr(score: number, { slope, intercept }: CtrCalibration): number {
  return sigmoid(slope * score + intercept);
}

/** Fits Platt's (A, B) to logged impressions; at most `maxIterations` Newton steps. */
export function fitCtrCalibration(
  impressions: readonly ScoredImpression[],
  { maxIterations = 100 }: { maxIterations?: number } = {},
): CtrCalibration {
  let positives = 0;
  for (const { clicked } of impressions) if (clicked) positives++;
  const negatives = impressions.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  // Platt's starting point: A = 0, B = ln((N₋ + 1)/(N₊ + 1)) with his sign; ours is +A·s + B.
  let a = 0;
  let b = Math.log((positives + 1) / (negatives + 1));
  const loss = (a: number, b: number) => {
    let sum = 0;
    for (const { score, clicked } of impressions) {
      const z = a * score + b;
      const t = clicked ? hi : lo;
      // −[t ln σ(z) + (1 − t) ln(1 − σ(z))], written stably.
      sum += Math.max(z, 0) - t * z + Math.log1p(Math.exp(-Math.abs(z)));
    }
    return sum;
  };
  let current = loss(a, b);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let gA = 0, gB = 0, hAA = 1e-12, hAB = 0, hBB = 1e-12;
    for (const { score, clicked } of impressions) {
      const p = sigmoid(a * score + b);
      const residual = p - (clicked ? hi : lo);
      const w = p * (1 - p);
      gA += residual * score;
      gB += residual;
      hAA += w * score * score;
      hAB += w * score;
      hBB += w;
    }
    if (Math.abs(gA) < 1e-9 && Math.abs(gB) < 1e-9) break;
    const det = hAA * hBB - hAB * hAB;
    const dA = (hBB * gA - hAB * gB) / det;
    const dB = (hAA * gB - hAB * gA) / det;
    let step = 1;
    while (step > 1e-10) {
      const next = loss(a - step * dA, b - step * dB);
      if (next < current) {
        a -= step * dA;
        b -= step * dB;
        current = next;
        break;
      }
      step /= 2;
    }
    if (step <= 1e-10) break;
  }
  return { slope: a, intercept: b };
}
