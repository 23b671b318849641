/**
 * The hybrid two-tower model's parameters (a LightFM-style hybrid, Kuleshov 2015, "Metadata
 * Embeddings for User and Item Cold-start Recommendations", with a FISM-style user tower, Kabbur
 * et al. 2013, that reads the user's recent items):
 *
 *   item (output) vector   qᵢ = Qᵢ + (1/|Tᵢ|) Σ_{t∈Tᵢ} Q̃ₜ                ∈ ℝ^{d+1}
 *   item (input) vector    pᵢ = Pᵢ + (1/|Tᵢ|) Σ_{t∈Tᵢ} P̃ₜ                ∈ ℝ^d
 *   user vector            u  = [ Σⱼ wⱼ p_{iⱼ} / Σⱼ wⱼ + (1/|T_u|) Σ_{t∈T_u} Ũₜ ; 1 ]
 *   score                  s(u, i) = u · qᵢ
 *
 * Tᵢ, T_u are the metadata tokens of item i and user u (a sum over an empty set is 0); the last
 * component of u is the constant 1, so the last component of qᵢ is item i's bias (its id part
 * learns popularity, its token part the popularity of items like it). The recency weights wⱼ
 * are in user_tower.ts. A cold item (no interactions, Qᵢ and Pᵢ never trained away from their
 * near-zero start) is scored by its metadata alone.
 *
 * Tables are row-major float32: `itemOut` [numItems, d + 1], `tokenOut` [numItemTokens, d + 1],
 * `itemIn` [numItems, d], `tokenIn` [numItemTokens, d], `userToken` [numUserTokens, d].
 * @module
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import type { TokenLists } from "./types.ts";

export interface TwoTowerConfig {
  /** Embedding size d (the user vector and item vectors have d + 1 components). */
  dim: number;
  /** Events back after which an event's weight halves (h in user_tower.ts). */
  halfLife: number;
  /** How many of the most recent events the user vector reads (L in user_tower.ts). */
  historyLength: number;
}

export interface TwoTowerModel extends TwoTowerConfig {
  numItems: number;
  numItemTokens: number;
  numUserTokens: number;
  /** Item metadata tokens the item vectors are built from (`numItems` lists). */
  itemTokens: TokenLists;
  itemOut: Float32Array;
  tokenOut: Float32Array;
  itemIn: Float32Array;
  tokenIn: Float32Array;
  userToken: Float32Array;
}

/** The parameter tables by name, in a fixed order (for averaging, Adam and export). */
export const PARAMETER_TABLES = ["itemOut", "tokenOut", "itemIn", "tokenIn", "userToken"] as const;
export type ParameterTable = typeof PARAMETER_TABLES[number];

export const DEFAULT_CONFIG: TwoTowerConfig = { dim: 32, halfLife: 8, historyLength: 50 };

export interface InitOptions extends Partial<TwoTowerConfig> {
  numItems: number;
  numItemTokens: number;
  numUserTokens: number;
  itemTokens: TokenLists;
  seed?: number;
  /** Standard deviation of id rows (small, so an untrained id row barely moves a vector). */
  idScale?: number;
  /** Standard deviation of token rows. */
  tokenScale?: number;
}

/** Normal(0, σ²) float32 values from a seeded Box–Muller transform. */
export function gaussianTable(length: number, sigma: number, random: () => number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random())) * sigma;
    const theta = 2 * Math.PI * random();
    out[i] = r * Math.cos(theta);
    if (i + 1 < length) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** A fresh model with seeded random tables; item biases (last output column) start at 0. */
export function initTwoTower(options: InitOptions): TwoTowerModel {
  const { numItems, numItemTokens, numUserTokens, itemTokens, seed = 1 } = options;
  const { dim, halfLife, historyLength } = { ...DEFAULT_CONFIG, ...stripUndefined(options) };
  const { idScale = 0.01, tokenScale = 0.1 } = options;
  if (itemTokens.offsets.length !== numItems + 1) {
    throw new RangeError(`itemTokens has ${itemTokens.offsets.length - 1} lists, not ${numItems}`);
  }
  const random = mulberry32(seed);
  const itemOut = gaussianTable(numItems * (dim + 1), idScale, random);
  const tokenOut = gaussianTable(numItemTokens * (dim + 1), tokenScale, random);
  for (let i = 0; i < numItems; i++) itemOut[i * (dim + 1) + dim] = 0;
  for (let t = 0; t < numItemTokens; t++) tokenOut[t * (dim + 1) + dim] = 0;
  return {
    dim,
    halfLife,
    historyLength,
    numItems,
    numItemTokens,
    numUserTokens,
    itemTokens,
    itemOut,
    tokenOut,
    itemIn: gaussianTable(numItems * dim, idScale, random),
    tokenIn: gaussianTable(numItemTokens * dim, tokenScale, random),
    userToken: gaussianTable(numUserTokens * dim, tokenScale, random),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * `out[i] = ids[i] + mean of tokens[t] over i's tokens`, for every entity: the item tower with
 * `(itemOut, tokenOut, width d + 1)` or `(itemIn, tokenIn, width d)`.
 */
export function composeRows(
  ids: Float32Array,
  tokenTable: Float32Array,
  lists: TokenLists,
  width: number,
): Float32Array {
  const out = ids.slice();
  const count = lists.offsets.length - 1;
  for (let e = 0; e < count; e++) {
    const start = lists.offsets[e];
    const end = lists.offsets[e + 1];
    if (end === start) continue;
    const scale = 1 / (end - start);
    const row = e * width;
    for (let k = start; k < end; k++) {
      const t = lists.tokens[k] * width;
      for (let c = 0; c < width; c++) out[row + c] += scale * tokenTable[t + c];
    }
  }
  return out;
}

/** Every item's output vector qᵢ, row-major [numItems, d + 1]: what the scorer ranks. */
export function itemVectors(model: TwoTowerModel): Float32Array {
  return composeRows(model.itemOut, model.tokenOut, model.itemTokens, model.dim + 1);
}

/** Every item's input vector pᵢ, row-major [numItems, d]: what the user tower averages. */
export function itemInputVectors(model: TwoTowerModel): Float32Array {
  return composeRows(model.itemIn, model.tokenIn, model.itemTokens, model.dim);
}
