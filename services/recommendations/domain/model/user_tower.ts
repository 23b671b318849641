/**
 * The user tower's recency weighting: a user's history part is the exponentially decayed mean
 * of the input vectors of their last L events (oldest first, j = 0 … n − 1, only j ≥ n − L):
 *
 *   h(u) = Σⱼ γ^{n−1−j} p_{iⱼ} / Σⱼ γ^{n−1−j},   γ = 2^{−1/halfLife}
 *
 * so the newest event weighs 1, the one `halfLife` events back ½, and events past
 * `historyLength` nothing. It is the decayed-window form of FISM's mean of rated items (Kabbur
 * et al. 2013) with the recency bias of session models (Personalize's HRNN recipe); position,
 * not wall-clock time, sets the decay, so it needs no time unit. The full user vector adds the
 * mean of the user's metadata-token embeddings and the constant 1 (two_tower.ts).
 * @module
 */
import type { TwoTowerModel } from "./two_tower.ts";

/** γ = 2^{−1/halfLife}. */
export function decayFactor(halfLife: number): number {
  if (!(halfLife > 0)) throw new RangeError(`halfLife must be > 0, got ${halfLife}`);
  return Math.pow(2, -1 / halfLife);
}

/**
 * A user's vector u ∈ ℝ^{d+1} from their events so far (item indices, oldest first; events on
 * items outside the model are skipped) and their metadata tokens. Works for users the model has
 * never seen: nothing here is per user id.
 */
export function userVector(
  model: TwoTowerModel,
  recentItems: ArrayLike<number>,
  userTokens: ArrayLike<number> = [],
): Float32Array {
  const { dim: d, numItems, itemTokens, itemIn, tokenIn, userToken } = model;
  const gamma = decayFactor(model.halfLife);
  const acc = new Float64Array(d);
  let weightSum = 0;
  let weight = 1;
  let used = 0;
  for (let j = recentItems.length - 1; j >= 0 && used < model.historyLength; j--) {
    const item = recentItems[j];
    if (!(item >= 0 && item < numItems)) continue;
    const start = itemTokens.offsets[item];
    const end = itemTokens.offsets[item + 1];
    const tokenScale = end > start ? weight / (end - start) : 0;
    for (let c = 0; c < d; c++) acc[c] += weight * itemIn[item * d + c];
    for (let k = start; k < end; k++) {
      const t = itemTokens.tokens[k] * d;
      for (let c = 0; c < d; c++) acc[c] += tokenScale * tokenIn[t + c];
    }
    weightSum += weight;
    weight *= gamma;
    used++;
  }
  const out = new Float32Array(d + 1);
  if (weightSum > 0) { for (let c = 0; c < d; c++) out[c] = acc[c] / weightSum; }
  let tokens = 0;
  for (let k = 0; k < userTokens.length; k++) {
    if (userTokens[k] >= 0 && userTokens[k] < model.numUserTokens) tokens++;
  }
  for (let k = 0; k < userTokens.length; k++) {
    const t = userTokens[k];
    if (!(t >= 0 && t < model.numUserTokens)) continue;
    for (let c = 0; c < d; c++) out[c] += userToken[t * d + c] / tokens;
  }
  out[d] = 1;
  return out;
}
