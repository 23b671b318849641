/**
 * One user's final list, relevance plus Thompson-sampled exploration of cold items, in the
 * manner of Personalize's aws-user-personalization recipe. With N = numResults and
 * w = explorationWeight:
 *
 * 1. Exploration slots: k = ⌊w·N⌋ plus one more with probability w·N − ⌊w·N⌋ (so E[k] = w·N
 *    exactly, even for N = 1).
 * 2. Relevance: the N − k candidates with the highest model relevance, reason `relevance`,
 *    score = calibrated CTR m = σ(A·s + B) of their relevance s (see `ctr_calibration.ts`).
 * 3. Exploration: every other cold candidate (ageDays < explorationItemAgeCutoff) draws
 *    θ ~ Beta(κ + c, κ·(1 − m)/m + n − c) (see `cold_item_posterior.ts`); the k highest draws
 *    fill the exploration slots, reason `exploration`, score = θ. Slots left when cold items
 *    run out go to the next candidates by relevance.
 * 4. The list is sorted by score (one CTR scale), then padded with `popular` items, reason
 *    `popular fallback`, when there are fewer than N candidates. For an unknown user
 *    (`knownUser: false`) the relevance slots are popular items instead, so they get popular
 *    and fresh items.
 *
 * w = 0: no exploration slot is ever drawn; the list is the model's top N (cold items appear
 * only on relevance). w = 1: every slot explores; the list is the N best Thompson draws among
 * cold items. It is still guided (each prior is centred on the model's relevance and updated by
 * clicks), but warm items appear only when fewer than N cold candidates exist, so it trades
 * the relevance of today's list for learning about new items fastest.
 * Source: Chapelle & Li (2011), "An Empirical Evaluation of Thompson Sampling"; AWS
 * Personalize developer guide, User-Personalization recipe (explorationWeight).
 *
 * @example
 * ```ts
 * rankWithExploration({
 *   candidates: [{ itemId: "a", relevance: 2.3, ageDays: 90 }, { itemId: "b", relevance: 0.4, ageDays: 1 }],
 *   numResults: 2,
 *   config: explorationConfig(),
 *   calibration: { slope: 1, intercept: -3 },
 *   random: mulberry32(42),
 * }); // [{ itemId: "a", score: 0.33, reason: "relevance" }, …]
 * ```
 */
import { unprocessable } from "@edgeml/shared/errors";
import { sampleBeta } from "./beta_sampling.ts";
import { coldItemPosterior, DEFAULT_PRIOR_CLICKS } from "./cold_item_posterior.ts";
import type { ExplorationConfig } from "./config.ts";
import { calibratedCtr, type CtrCalibration } from "./ctr_calibration.ts";
import { isColdItem } from "./item_age.ts";
import { topK } from "../model/top_k.ts";

export type RecommendationReason = "relevance" | "exploration" | "popular fallback";

export interface RankedItem {
  itemId: string;
  score: number;
  reason: RecommendationReason;
}

export interface ExplorationCandidate {
  itemId: string;
  /** The model's relevance score for this user (any real scale; calibrated to CTR here). */
  relevance: number;
  /** Days since creation, back from the latest training interaction (see `item_age.ts`). */
  ageDays: number;
  /** Impressions since the last training (default 0). */
  impressions?: number;
  /** Clicks since the last training (default 0). */
  clicks?: number;
}

export interface PopularItem {
  itemId: string;
  score: number;
}

export interface RankWithExplorationOptions {
  candidates: readonly ExplorationCandidate[];
  numResults: number;
  config: ExplorationConfig;
  /** Platt (A, B) mapping relevance to click-through. */
  calibration: CtrCalibration;
  /** Uniform [0, 1) source, e.g. `mulberry32(seed)`: the same seed gives the same list. */
  random: () => number;
  /** κ, the prior's weight in pseudo-clicks (default 4). */
  priorClicks?: number;
  /** Padding, best first, for unknown users and short candidate lists. */
  popular?: readonly PopularItem[];
  /** false: the user has no history, relevance slots come from `popular` (default true). */
  knownUser?: boolean;
}

/** k = ⌊w·N⌋ + Bernoulli(w·N − ⌊w·N⌋): how many of N slots explore. */
export function explorationSlots(numResults: number, weight: number, random: () => number) {
  const expected = weight * numResults;
  const whole = Math.floor(expected);
  return expected > whole && random() < expected - whole ? whole + 1 : whole;
}

/**
 * Candidates column by column (what `recommend_for_user.ts` builds for thousands of cold items
 * without an object each). Item ids must be distinct.
 */
export interface CandidateColumns {
  itemIds: readonly string[];
  relevance: Float64Array;
  ageDays: Float64Array;
  impressions: Float64Array;
  clicks: Float64Array;
}

export function rankWithExploration(options: RankWithExplorationOptions): RankedItem[] {
  const unique = new Map<string, ExplorationCandidate>();
  for (const candidate of options.candidates) {
    if (!unique.has(candidate.itemId)) unique.set(candidate.itemId, candidate);
  }
  const candidates = [...unique.values()];
  return rankColumns({
    ...options,
    columns: {
      itemIds: candidates.map((c) => c.itemId),
      relevance: Float64Array.from(candidates, (c) => c.relevance),
      ageDays: Float64Array.from(candidates, (c) => c.ageDays),
      impressions: Float64Array.from(candidates, (c) => c.impressions ?? 0),
      clicks: Float64Array.from(candidates, (c) => c.clicks ?? 0),
    },
  });
}

let drawStore = new Float64Array(0);
/** The draws' buffer, reused across calls (one runs at a time; nothing waits inside). */
function drawBuffer(n: number): Float64Array {
  if (drawStore.length < n) drawStore = new Float64Array(2 * n);
  return drawStore.subarray(0, n);
}

/** {@link rankWithExploration} on candidates in columns. */
export function rankColumns(
  options: Omit<RankWithExplorationOptions, "candidates"> & { columns: CandidateColumns },
): RankedItem[] {
  const { numResults, config, calibration, random, popular = [], knownUser = true } = options;
  const { priorClicks = DEFAULT_PRIOR_CLICKS, columns } = options;
  if (!Number.isInteger(numResults) || numResults < 1) {
    throw unprocessable("invalid_num_results", `numResults must be an integer >= 1`, {
      extra: { numResults },
    });
  }
  const { itemIds, relevance } = columns;
  const count = itemIds.length;
  const k = explorationSlots(numResults, config.explorationWeight, random);
  // Only the best N + k by relevance can be taken (the second pass skips the explored ones):
  // a bounded selection, not a sort, since the cold items may number thousands.
  const byRelevance = knownUser ? topK(relevance, Math.min(count, numResults + k)).items : [];
  const chosen = new Map<number, RankedItem>();
  const takeRelevance = (limit: number) => {
    for (const j of byRelevance) {
      if (chosen.size >= limit) return;
      if (chosen.has(j)) continue;
      chosen.set(j, {
        itemId: itemIds[j],
        score: calibratedCtr(relevance[j], calibration),
        reason: "relevance",
      });
    }
  };
  takeRelevance(numResults - k);
  if (k > 0) {
    const draws = drawBuffer(count);
    let eligible = 0;
    for (let j = 0; j < count; j++) {
      if (chosen.has(j) || !isColdItem(columns.ageDays[j], config.explorationItemAgeCutoff)) {
        draws[j] = -1; // not a candidate: Beta draws are ≥ 0
        continue;
      }
      const prior = calibratedCtr(relevance[j], calibration);
      const { alpha, beta } = coldItemPosterior(prior, {
        impressions: columns.impressions[j],
        clicks: columns.clicks[j],
      }, priorClicks);
      draws[j] = sampleBeta(alpha, beta, random);
      eligible++;
    }
    for (const j of topK(draws, Math.min(k, eligible)).items) {
      chosen.set(j, { itemId: itemIds[j], score: draws[j], reason: "exploration" });
    }
  }
  takeRelevance(numResults);
  const ranked = [...chosen.values()].sort((a, b) => b.score - a.score);
  const listed = new Set(ranked.map((r) => r.itemId));
  for (const { itemId, score } of popular) {
    if (ranked.length >= numResults) break;
    if (listed.has(itemId)) continue;
    listed.add(itemId);
    ranked.push({ itemId, score, reason: "popular fallback" });
  }
  return ranked;
}
