/**
 * One training pass of the two-tower model (two_tower.ts) with sampled softmax
 * (sampled_softmax.ts) and row-wise Adam (row_adam.ts), on hand-written float32 kernels.
 *
 * For every target event k of a user (k ≥ 1, k ≥ the user's `targetStart`) the user vector is
 * the decayed mean of the input vectors of the events before it (decayed_window.ts) plus the
 * user's metadata part; the positive is the event's item, `negatives` items are drawn uniformly
 * from `negativePool`. Users are visited in `users` order and grouped into mini-batches of at
 * least `batchSize` targets; within a batch the parameters are fixed (item vectors are composed
 * once per batch on first use), gradients are summed, then flowed from item vectors to their id
 * and token rows (∂qᵢ/∂Q̃ₜ = 1/|Tᵢ|) and applied by one Adam step on the touched rows.
 * @module
 */
import { addRow, clearRows, createRowSet, type RowSet } from "./row_set.ts";
import { type AdamOptions, adamRows, type AdamSlot, createAdamSlot } from "./row_adam.ts";
import { decayedWindowMeans, decayedWindowMeansBackward } from "./decayed_window.ts";
import { sampledSoftmax } from "./sampled_softmax.ts";
import type { UserSequences } from "./sequences.ts";
import { PARAMETER_TABLES, type ParameterTable, type TwoTowerModel } from "./two_tower.ts";
import { decayFactor } from "./user_tower.ts";
import type { TokenLists } from "./types.ts";

/** What one pass reads besides the model. */
export interface EpochPlan {
  sequences: UserSequences;
  userTokens: TokenLists;
  /** Users to visit, in order (shuffle between epochs). */
  users: Int32Array;
  /** Per user, the first event index (within the user's sequence) that is a target. */
  targetStart: Int32Array;
  /** Items negatives are drawn from (uniformly). */
  negativePool: Int32Array;
}

export interface EpochOptions {
  negatives: number;
  batchSize: number;
  adam: AdamOptions;
  /** L2 penalty λ·‖θ‖²/2 on the rows a batch touches (0: none). */
  l2: number;
  random: () => number;
}

/** Optimiser state that lives across passes: gradients, Adam moments, the step count. */
export interface Trainer {
  model: TwoTowerModel;
  step: number;
  grads: Record<ParameterTable, Float32Array>;
  slots: Record<ParameterTable, AdamSlot>;
  rows: Record<ParameterTable, RowSet>;
}

export function createTrainer(model: TwoTowerModel): Trainer {
  const grads = {} as Record<ParameterTable, Float32Array>;
  const slots = {} as Record<ParameterTable, AdamSlot>;
  const rows = {} as Record<ParameterTable, RowSet>;
  for (const name of PARAMETER_TABLES) {
    const length = model[name].length;
    grads[name] = new Float32Array(length);
    slots[name] = createAdamSlot(length);
    rows[name] = createRowSet(Math.max(1, length / widthOf(model, name)));
  }
  return { model, step: 0, grads, slots, rows };
}

function widthOf(model: TwoTowerModel, name: ParameterTable): number {
  return name === "itemOut" || name === "tokenOut" ? model.dim + 1 : model.dim;
}

export interface EpochResult {
  /** Mean sampled-softmax loss over the targets. */
  loss: number;
  targets: number;
}

/** Runs one pass over `plan` and returns its mean loss. */
export function runEpoch(trainer: Trainer, plan: EpochPlan, options: EpochOptions): EpochResult {
  const { model } = trainer;
  const d = model.dim;
  const d1 = d + 1;
  const { itemTokens, itemOut, tokenOut, itemIn, tokenIn, userToken } = model;
  const { grads, rows } = trainer;
  const { sequences, userTokens, users, targetStart, negativePool } = plan;
  const { negatives, batchSize, random } = options;
  const gamma = decayFactor(model.halfLife);
  const window = model.historyLength;
  const tokOff = itemTokens.offsets;
  const tokIds = itemTokens.tokens;

  // Item vectors composed once per batch: stamp[i] === batch when cache row i is current.
  const qCache = new Float32Array(model.numItems * d1);
  const pCache = new Float32Array(model.numItems * d);
  const qStamp = new Int32Array(model.numItems).fill(-1);
  const pStamp = new Int32Array(model.numItems).fill(-1);
  let batch = 0;
  const composeQ = (i: number) => {
    qStamp[i] = batch;
    const row = i * d1;
    for (let c = 0; c < d1; c++) qCache[row + c] = itemOut[row + c];
    const start = tokOff[i];
    const end = tokOff[i + 1];
    if (end === start) return;
    const s = 1 / (end - start);
    for (let k = start; k < end; k++) {
      const t = tokIds[k] * d1;
      for (let c = 0; c < d1; c++) qCache[row + c] += s * tokenOut[t + c];
    }
  };
  const composeP = (i: number) => {
    pStamp[i] = batch;
    const row = i * d;
    for (let c = 0; c < d; c++) pCache[row + c] = itemIn[row + c];
    const start = tokOff[i];
    const end = tokOff[i + 1];
    if (end === start) return;
    const s = 1 / (end - start);
    for (let k = start; k < end; k++) {
      const t = tokIds[k] * d;
      for (let c = 0; c < d; c++) pCache[row + c] += s * tokenIn[t + c];
    }
  };

  let maxLen = 1;
  for (let u = 0; u < users.length; u++) {
    const user = users[u];
    maxLen = Math.max(maxLen, sequences.offsets[user + 1] - sequences.offsets[user]);
  }
  const x = new Float32Array(maxLen * d);
  const hist = new Float32Array(maxLen * d);
  const gHist = new Float32Array(maxLen * d);
  const gX = new Float32Array(maxLen * d);
  const scratch = new Float64Array(2 * d);
  const uVec = new Float64Array(d1);
  const userMean = new Float64Array(d);
  const gUserMean = new Float64Array(d);
  const candidates = new Int32Array(negatives + 1);
  const logits = new Float64Array(negatives + 1);
  const gLogits = new Float64Array(negatives + 1);

  let lossSum = 0;
  let targetCount = 0;
  let inBatch = 0;

  const finishBatch = () => {
    flowToTokens(rows.itemOut, grads.itemOut, grads.tokenOut, rows.tokenOut, itemTokens, d1);
    flowToTokens(rows.itemIn, grads.itemIn, grads.tokenIn, rows.tokenIn, itemTokens, d);
    trainer.step++;
    for (const name of PARAMETER_TABLES) {
      const width = widthOf(model, name);
      if (options.l2 > 0) addL2(model[name], grads[name], rows[name], width, options.l2);
      adamRows(model[name], grads[name], trainer.slots[name], width, rows[name], trainer.step, {
        ...options.adam,
      });
      clearRows(rows[name]);
    }
    batch++;
    inBatch = 0;
  };

  for (let ui = 0; ui < users.length; ui++) {
    const user = users[ui];
    const offset = sequences.offsets[user];
    const n = sequences.offsets[user + 1] - offset;
    const first = Math.max(1, targetStart[user]);
    if (first >= n) continue;
    const begin = Math.max(0, first - window);
    const m = n - begin;
    const items = sequences.items.subarray(offset + begin, offset + n);
    for (let j = 0; j < m - 1; j++) {
      const i = items[j];
      if (pStamp[i] !== batch) composeP(i);
      x.set(pCache.subarray(i * d, i * d + d), j * d);
    }
    decayedWindowMeans(x, m, d, gamma, window, hist, scratch);

    const uTokStart = userTokens.offsets[user];
    const uTokEnd = userTokens.offsets[user + 1];
    userMean.fill(0);
    gUserMean.fill(0);
    for (let k = uTokStart; k < uTokEnd; k++) {
      const t = userTokens.tokens[k] * d;
      for (let c = 0; c < d; c++) userMean[c] += userToken[t + c] / (uTokEnd - uTokStart);
    }
    gHist.fill(0, 0, m * d);

    for (let k = first - begin; k < m; k++) {
      const row = k * d;
      for (let c = 0; c < d; c++) uVec[c] = hist[row + c] + userMean[c];
      uVec[d] = 1;
      candidates[0] = items[k];
      for (let s = 1; s <= negatives; s++) {
        let neg = negativePool[(random() * negativePool.length) | 0];
        if (neg === candidates[0]) neg = negativePool[(random() * negativePool.length) | 0];
        candidates[s] = neg;
      }
      for (let s = 0; s <= negatives; s++) {
        const i = candidates[s];
        if (qStamp[i] !== batch) composeQ(i);
        const q = i * d1;
        let dot = 0;
        for (let c = 0; c < d1; c++) dot += uVec[c] * qCache[q + c];
        logits[s] = dot;
      }
      lossSum += sampledSoftmax(logits, negatives + 1, gLogits);
      for (let s = 0; s <= negatives; s++) {
        const g = gLogits[s];
        const i = candidates[s];
        const q = i * d1;
        addRow(rows.itemOut, i);
        const gq = grads.itemOut;
        for (let c = 0; c < d1; c++) gq[q + c] += g * uVec[c];
        for (let c = 0; c < d; c++) gHist[row + c] += g * qCache[q + c];
      }
      for (let c = 0; c < d; c++) gUserMean[c] += gHist[row + c];
      targetCount++;
      inBatch++;
    }

    gX.fill(0, 0, m * d);
    decayedWindowMeansBackward(gHist, m, d, gamma, window, gX, scratch);
    for (let j = 0; j < m - 1; j++) {
      const i = items[j];
      addRow(rows.itemIn, i);
      const base = i * d;
      const src = j * d;
      for (let c = 0; c < d; c++) grads.itemIn[base + c] += gX[src + c];
    }
    for (let k = uTokStart; k < uTokEnd; k++) {
      const t = userTokens.tokens[k];
      addRow(rows.userToken, t);
      const s = 1 / (uTokEnd - uTokStart);
      for (let c = 0; c < d; c++) grads.userToken[t * d + c] += s * gUserMean[c];
    }
    if (inBatch >= batchSize) finishBatch();
  }
  if (inBatch > 0) finishBatch();
  return { loss: targetCount > 0 ? lossSum / targetCount : 0, targets: targetCount };
}

/** Adds ∂ℓ/∂qᵢ / |Tᵢ| to every token row of every touched item i. */
function flowToTokens(
  itemRows: RowSet,
  itemGrad: Float32Array,
  tokenGrad: Float32Array,
  tokenRows: RowSet,
  lists: TokenLists,
  width: number,
): void {
  for (let r = 0; r < itemRows.size; r++) {
    const i = itemRows.list[r];
    const start = lists.offsets[i];
    const end = lists.offsets[i + 1];
    if (end === start) continue;
    const s = 1 / (end - start);
    const src = i * width;
    for (let k = start; k < end; k++) {
      const t = lists.tokens[k];
      addRow(tokenRows, t);
      const dst = t * width;
      for (let c = 0; c < width; c++) tokenGrad[dst + c] += s * itemGrad[src + c];
    }
  }
}

function addL2(param: Float32Array, grad: Float32Array, rows: RowSet, width: number, l2: number) {
  for (let r = 0; r < rows.size; r++) {
    const base = rows.list[r] * width;
    for (let i = base; i < base + width; i++) grad[i] += l2 * param[i];
  }
}
