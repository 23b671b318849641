/**
 * One GetRecommendations answer from a trained version: the user's vector from their recent
 * items (the training history, then their events since, oldest first) and metadata; every item
 * scored by u · qᵢ; candidates = the `depth` best plus every cold item (younger than the
 * campaign's age cutoff, measured back from the latest training interaction), each with its
 * impressions and clicks since training; then `rankWithExploration` picks and explains the
 * list. An unknown user with no events gets popular and fresh items (reason `popular fallback`
 * and `exploration`). Filters drop items before anything is ranked.
 *
 * @example
 * ```ts
 * const serving = servingIndex(trained);
 * recommendForUser(serving, { userId: "u1", numResults: 25, config, stats, calibration, random });
 * ```
 */
import type { ExplorationConfig } from "../exploration/config.ts";
import type { CtrCalibration } from "../exploration/ctr_calibration.ts";
import { itemAgeDays } from "../exploration/item_age.ts";
import {
  type ExplorationCandidate,
  type RankedItem,
  rankWithExploration,
} from "../exploration/rank_with_exploration.ts";
import { scoreAll, topK } from "../model/top_k.ts";
import { itemVectors, type TwoTowerModel } from "../model/two_tower.ts";
import type { TokenLists } from "../model/types.ts";
import { userVector } from "../model/user_tower.ts";

/** What serving reads of a trained version (`version_artifacts.ts` saves and loads it). */
export interface ServingVersion {
  model: TwoTowerModel;
  userTokens: TokenLists;
  histories: { offsets: Int32Array; items: Int32Array };
  popularity: Float32Array;
  userIds: string[];
  itemIds: string[];
  creationTimes: Float64Array;
  latestTimestamp: number;
  /** Each item's categorical metadata, by item index (for filters). */
  itemCategorical: Record<string, string[]>[];
  /** The items schema's categorical fields. */
  categoricalFields: string[];
}

/** A version with its lookups built once: id → index, item vectors, items by popularity. */
export interface ServingIndex extends ServingVersion {
  userIndex: Map<string, number>;
  itemIndex: Map<string, number>;
  vectors: Float32Array;
  byPopularity: Int32Array;
}

export function servingIndex(version: ServingVersion): ServingIndex {
  const n = version.itemIds.length;
  return {
    ...version,
    userIndex: new Map(version.userIds.map((id, i) => [id, i])),
    itemIndex: new Map(version.itemIds.map((id, i) => [id, i])),
    vectors: itemVectors(version.model),
    byPopularity: Int32Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => version.popularity[b] - version.popularity[a] || a - b),
  };
}

export interface RecommendRequest {
  userId: string;
  /** Items of the user's events since training, oldest first (unknown ids are skipped). */
  recentItemIds?: readonly string[];
  numResults: number;
  config: ExplorationConfig;
  /** Impressions and clicks per item since training. */
  stats?: ReadonlyMap<string, { impressions: number; clicks: number }>;
  calibration: CtrCalibration;
  random: () => number;
  /** Items a filter keeps (by index); all when absent. */
  keep?: (item: number) => boolean;
  /** Best-scored candidates besides the cold items (default 200). */
  depth?: number;
}

/**
 * Every item's score u · qᵢ for the user: u from their training history then their events since
 * (unknown ids skipped), and their metadata. `known` is false for a user with neither.
 */
export function userScores(
  serving: ServingIndex,
  userId: string,
  recentItemIds: readonly string[] = [],
): { scores: Float32Array; known: boolean } {
  const { model, userIndex, itemIndex, histories, userTokens } = serving;
  const u = userIndex.get(userId);
  const history: number[] = [];
  if (u !== undefined) {
    history.push(...histories.items.subarray(histories.offsets[u], histories.offsets[u + 1]));
  }
  for (const id of recentItemIds) {
    const i = itemIndex.get(id);
    if (i !== undefined) history.push(i);
  }
  const tokens = u === undefined
    ? []
    : userTokens.tokens.subarray(userTokens.offsets[u], userTokens.offsets[u + 1]);
  return {
    scores: scoreAll(serving.vectors, model.dim + 1, userVector(model, history, tokens)),
    known: history.length > 0 || tokens.length > 0,
  };
}

export function recommendForUser(serving: ServingIndex, request: RecommendRequest): RankedItem[] {
  const { itemIds } = serving;
  const { numResults, config, stats, keep, depth = 200 } = request;
  const { scores, known: knownUser } = userScores(serving, request.userId, request.recentItemIds);
  const filteredOut = new Set<number>();
  if (keep) { for (let i = 0; i < itemIds.length; i++) if (!keep(i)) filteredOut.add(i); }
  const best = topK(scores, Math.min(depth, itemIds.length), filteredOut).items;
  const ageOf = (i: number) => itemAgeDays(serving.creationTimes[i], serving.latestTimestamp);
  const picked = new Set<number>(best);
  if (config.explorationWeight > 0) {
    for (let i = 0; i < itemIds.length; i++) {
      if (!filteredOut.has(i) && ageOf(i) < config.explorationItemAgeCutoff) picked.add(i);
    }
  }
  const candidates: ExplorationCandidate[] = [...picked].map((i) => {
    const seen = stats?.get(itemIds[i]);
    return {
      itemId: itemIds[i],
      relevance: scores[i],
      ageDays: ageOf(i),
      impressions: seen?.impressions ?? 0,
      clicks: seen?.clicks ?? 0,
    };
  });
  const popular = [];
  for (const i of serving.byPopularity) {
    if (popular.length >= numResults) break;
    if (!filteredOut.has(i)) popular.push({ itemId: itemIds[i], score: 0 });
  }
  return rankWithExploration({
    candidates,
    numResults,
    config,
    calibration: request.calibration,
    random: request.random,
    popular,
    knownUser,
  });
}
