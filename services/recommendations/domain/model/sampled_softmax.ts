/**
 * Sampled softmax loss of one positive against sampled negatives (Jean et al. 2015; with uniform
 * negatives the log Q correction of Bengio & Senécal 2008 is a constant and drops out):
 *
 *   ℓ = −s₀ + log Σ_{c=0}^{n−1} exp(s_c),    ∂ℓ/∂s_c = softmax(s)_c − [c = 0]
 *
 * with s₀ the positive's logit and s₁ … s_{n−1} the negatives'. Computed with the max
 * subtracted, in float64.
 * @module
 */

/** Returns ℓ and writes ∂ℓ/∂s into `grad` (length ≥ n). */
export function sampledSoftmax(logits: Float64Array, n: number, grad: Float64Array): number {
  let max = -Infinity;
  for (let c = 0; c < n; c++) if (logits[c] > max) max = logits[c];
  let sum = 0;
  for (let c = 0; c < n; c++) {
    const e = Math.exp(logits[c] - max);
    grad[c] = e;
    sum += e;
  }
  for (let c = 0; c < n; c++) grad[c] /= sum;
  grad[0] -= 1;
  return -logits[0] + max + Math.log(sum);
}
