/**
 * Offline evaluation of any recommender on a time-based holdout (holdout.ts), with
 * Personalize's metrics (ranking_metrics.ts) averaged over the evaluated users, plus
 *
 *   coverage          = |⋃_u top₂₅(u)| / numItems
 *   coldItemCoverage  = |⋃_u top₂₅(u) ∩ C| / |C|,  C = catalogue items with no training event
 *
 * Each user's input items are excluded from their list (they are known to the user already).
 * @module
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import type { Holdout } from "./holdout.ts";
import { ndcgAt, precisionAt, reciprocalRankAt } from "./ranking_metrics.ts";
import { shuffle } from "./train.ts";

/** Ranks items for `user` given their input history (oldest first); returns ≥ k items, best first. */
export type Recommender = (
  user: number,
  history: Int32Array,
  k: number,
  exclude: ReadonlySet<number>,
) => ArrayLike<number>;

export interface OfflineMetrics {
  coverage: number;
  coldItemCoverage: number;
  precision_at_5: number;
  precision_at_10: number;
  precision_at_25: number;
  normalized_discounted_cumulative_gain_at_5: number;
  normalized_discounted_cumulative_gain_at_10: number;
  normalized_discounted_cumulative_gain_at_25: number;
  mean_reciprocal_rank_at_25: number;
  /** Users evaluated. */
  users: number;
}

export interface EvaluateOptions {
  numItems: number;
  /** Evaluate a seeded sample of at most this many held-out users (default all). */
  maxUsers?: number;
  seed?: number;
}

export function evaluateOffline(
  recommend: Recommender,
  holdout: Holdout,
  { numItems, maxUsers = Infinity, seed = 11 }: EvaluateOptions,
): OfflineMetrics {
  const numUsers = holdout.targetOffsets.length - 1;
  const candidates = Int32Array.from(
    { length: numUsers },
    (_, u) => u,
  ).filter((u) => holdout.targetOffsets[u + 1] > holdout.targetOffsets[u]);
  shuffle(candidates, mulberry32(seed));
  const users = candidates.subarray(0, Math.min(candidates.length, maxUsers));
  const trained = new Uint8Array(numItems);
  for (const i of holdout.train.item) trained[i] = 1;
  let coldCount = 0;
  for (let i = 0; i < numItems; i++) if (!trained[i]) coldCount++;

  const sums = { p5: 0, p10: 0, p25: 0, n5: 0, n10: 0, n25: 0, mrr: 0 };
  const shown = new Uint8Array(numItems);
  for (const u of users) {
    const history = holdout.inputItems.subarray(
      holdout.inputOffsets[u],
      holdout.inputOffsets[u + 1],
    );
    const relevant = new Set(
      holdout.targetItems.subarray(holdout.targetOffsets[u], holdout.targetOffsets[u + 1]),
    );
    const list = recommend(u, history, 25, new Set(history));
    for (let r = 0; r < Math.min(25, list.length); r++) shown[list[r]] = 1;
    sums.p5 += precisionAt(list, relevant, 5);
    sums.p10 += precisionAt(list, relevant, 10);
    sums.p25 += precisionAt(list, relevant, 25);
    sums.n5 += ndcgAt(list, relevant, 5);
    sums.n10 += ndcgAt(list, relevant, 10);
    sums.n25 += ndcgAt(list, relevant, 25);
    sums.mrr += reciprocalRankAt(list, relevant, 25);
  }
  let shownCount = 0;
  let shownCold = 0;
  for (let i = 0; i < numItems; i++) {
    if (!shown[i]) continue;
    shownCount++;
    if (!trained[i]) shownCold++;
  }
  const n = Math.max(1, users.length);
  return {
    coverage: shownCount / numItems,
    coldItemCoverage: coldCount > 0 ? shownCold / coldCount : 0,
    precision_at_5: sums.p5 / n,
    precision_at_10: sums.p10 / n,
    precision_at_25: sums.p25 / n,
    normalized_discounted_cumulative_gain_at_5: sums.n5 / n,
    normalized_discounted_cumulative_gain_at_10: sums.n10 / n,
    normalized_discounted_cumulative_gain_at_25: sums.n25 / n,
    mean_reciprocal_rank_at_25: sums.mrr / n,
    users: users.length,
  };
}
