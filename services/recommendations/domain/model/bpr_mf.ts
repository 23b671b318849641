/**
 * The plain matrix-factorisation baseline: BPR-MF (Rendle et al. 2009, "BPR: Bayesian
 * Personalized Ranking from Implicit Feedback") with id embeddings only,
 *
 *   x̂_ui = w_u · h_i,   ℓ = −Σ_{(u,i,j)} log σ(x̂_ui − x̂_uj) + (λ/2)(‖w_u‖² + ‖h_i‖² + ‖h_j‖²)
 *
 * with j drawn uniformly from items that have events, trained by row-wise Adam (row_adam.ts) on
 * mini-batches of triples. An item without training events keeps its tiny random start, so
 * MF cannot rank cold items on purpose: the comparison point for the hybrid's cold start.
 * @module
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import type { Recommender } from "./evaluate.ts";
import { adamRows, createAdamSlot } from "./row_adam.ts";
import { addRow, clearRows, createRowSet } from "./row_set.ts";
import { scoreAll, topK } from "./top_k.ts";
import { shuffle } from "./train.ts";
import { gaussianTable } from "./two_tower.ts";
import type { Interactions } from "./types.ts";

export interface BprMfModel {
  dim: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
}

export interface BprMfOptions {
  numUsers: number;
  numItems: number;
  dim?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  batchSize?: number;
  seed?: number;
}

export function trainBprMf(interactions: Interactions, options: BprMfOptions): BprMfModel {
  const { numUsers, numItems, dim: d = 32, epochs = 10, learningRate = 0.01 } = options;
  const { l2 = 1e-4, batchSize = 4096, seed = 1 } = options;
  const random = mulberry32(seed);
  const W = gaussianTable(numUsers * d, 0.1, random);
  const H = gaussianTable(numItems * d, 0.1, random);
  const gW = new Float32Array(W.length);
  const gH = new Float32Array(H.length);
  const sW = createAdamSlot(W.length);
  const sH = createAdamSlot(H.length);
  const rW = createRowSet(numUsers);
  const rH = createRowSet(numItems);
  const seen = new Uint8Array(numItems);
  for (const i of interactions.item) seen[i] = 1;
  const pool = Int32Array.from({ length: numItems }, (_, i) => i).filter((i) => seen[i] === 1);
  const order = Int32Array.from({ length: interactions.user.length }, (_, r) => r);
  let step = 0;
  const apply = () => {
    step++;
    for (const [param, grad, rows] of [[W, gW, rW], [H, gH, rH]] as const) {
      for (let r = 0; r < rows.size; r++) {
        const base = rows.list[r] * d;
        for (let c = base; c < base + d; c++) grad[c] += l2 * param[c];
      }
    }
    adamRows(W, gW, sW, d, rW, step, { learningRate });
    adamRows(H, gH, sH, d, rH, step, { learningRate });
    clearRows(rW);
    clearRows(rH);
  };
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, random);
    for (let n = 0; n < order.length; n++) {
      const r = order[n];
      const u = interactions.user[r] * d;
      const i = interactions.item[r];
      const j = pool[(random() * pool.length) | 0];
      if (j === i) continue;
      let diff = 0;
      for (let c = 0; c < d; c++) diff += W[u + c] * (H[i * d + c] - H[j * d + c]);
      const g = -1 / (1 + Math.exp(diff)); // ∂ℓ/∂x̂_uij = −σ(−x̂_uij)
      addRow(rW, interactions.user[r]);
      addRow(rH, i);
      addRow(rH, j);
      for (let c = 0; c < d; c++) {
        gW[u + c] += g * (H[i * d + c] - H[j * d + c]);
        gH[i * d + c] += g * W[u + c];
        gH[j * d + c] -= g * W[u + c];
      }
      if ((n + 1) % batchSize === 0) apply();
    }
    apply();
  }
  return { dim: d, userFactors: W, itemFactors: H };
}

export function bprMfRecommender(model: BprMfModel): Recommender {
  const d = model.dim;
  return function bprMf(user, _history, k, exclude) {
    const w = model.userFactors.subarray(user * d, user * d + d);
    return topK(scoreAll(model.itemFactors, d, w), k, exclude).items;
  };
}
