/**
 * Adam (Kingma & Ba 2015, Algorithm 1) applied row by row to the rows of an embedding table a
 * mini-batch touched, as TensorFlow's LazyAdamOptimizer does for sparse gradients:
 *
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
 *   θ ← θ − α · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * with t the global step. Rows the batch did not touch keep their moments (a dense Adam would
 * decay them), which makes a step cost O(touched rows) instead of O(table). The gradient rows
 * are zeroed after use so the buffer is ready for the next batch.
 * @module
 */
import type { RowSet } from "./row_set.ts";

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Adam moments of one table. */
export interface AdamSlot {
  m: Float32Array;
  v: Float32Array;
}

export function createAdamSlot(length: number): AdamSlot {
  return { m: new Float32Array(length), v: new Float32Array(length) };
}

/** One Adam step (number `step`, from 1) on the rows in `rows` of `param` ([*, width]). */
export function adamRows(
  param: Float32Array,
  grad: Float32Array,
  slot: AdamSlot,
  width: number,
  rows: RowSet,
  step: number,
  options: AdamOptions,
): void {
  const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = options;
  const c1 = 1 - Math.pow(beta1, step);
  const c2 = 1 - Math.pow(beta2, step);
  const { m, v } = slot;
  for (let r = 0; r < rows.size; r++) {
    const base = rows.list[r] * width;
    for (let i = base; i < base + width; i++) {
      const g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      param[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
      grad[i] = 0;
    }
  }
}
