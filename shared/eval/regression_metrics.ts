/**
 * Regression quality of predicted Gaussians N(μ, σ²), as the SWAG and deep-ensembles papers
 * report it (Maddox et al. 2019; Lakshminarayanan et al. 2017):
 *
 * - RMSE: √( (1/n) Σ_i (y_i − μ_i)² );
 * - Gaussian NLL: (1/n) Σ_i ½·( log(2π σ²_i) + (y_i − μ_i)² / σ²_i ) (natural log; σ² floored at
 *   1e-12 so a zero predicted variance is finite), i.e. torch.nn.GaussianNLLLoss with
 *   `full=True, eps=1e-12`.
 *
 * Both average over all n values, so a [rows, targets] prediction counts every target once.
 */

export interface RegressionMetrics {
  rmse: number;
  nll: number;
  /** Number of values averaged over (rows × targets). */
  rows: number;
}

/** `mean`, `variance` and `targets` are aligned, row-major [rows, targets]. */
export function regressionMetrics(
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  targets: ArrayLike<number>,
): RegressionMetrics {
  const n = targets.length;
  if (n === 0 || mean.length !== n || variance.length !== n) {
    throw new RangeError(
      `expected ${n} means and variances, got ${mean.length} and ${variance.length}`,
    );
  }
  let squared = 0;
  let nll = 0;
  for (let i = 0; i < n; i++) {
    const error = (targets[i] - mean[i]) ** 2;
    const v = Math.max(variance[i], 1e-12);
    squared += error;
    nll += 0.5 * (Math.log(2 * Math.PI * v) + error / v);
  }
  return { rmse: Math.sqrt(squared / n), nll: nll / n, rows: n };
}
