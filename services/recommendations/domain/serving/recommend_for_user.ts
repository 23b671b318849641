/**
 * One GetRecommendations answer from a trained version: the user's vector from their recent
 * items (the training history, then their events since, oldest first) and metadata; every item
 * scored by u · qᵢ (on the worker pool by the version's ONNX scorer when the caller has its
 * answer, here otherwise); candidates = the `depth` best plus every cold item (younger than the
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
import { rankColumns, type RankedItem } from "../exploration/rank_with_exploration.ts";
import { scoreAll, type TopK, topK } from "../model/top_k.ts";
import { itemVectors, type TwoTowerModel } from "../model/two_tower.ts";
import type { TokenLists } from "../model/types.ts";
import { userVector } from "../model/user_tower.ts";

/** A version's users and items by index, as assembled for training and saved with it. */
export interface VersionCatalogue {
  userIds: string[];
  itemIds: string[];
  /** Each item's creation time (epoch seconds), by item index. */
  creationTimes: Float64Array;
  /** The latest interaction's time (epoch seconds): exploration ages are measured back from it. */
  latestTimestamp: number;
  /** Each item's categorical metadata, by item index (what recommendation filters read). */
  itemCategorical: Record<string, string[]>[];
  /** The items schema's categorical fields. */
  categoricalFields: string[];
}

/** What serving reads of a trained version (`version_artifacts.ts` saves and loads it). */
export interface ServingVersion extends VersionCatalogue {
  model: TwoTowerModel;
  userTokens: TokenLists;
  histories: { offsets: Int32Array; items: Int32Array };
  popularity: Float32Array;
  /** Relevance → CTR, fitted at training (absent in versions trained before it was). */
  calibration?: CtrCalibration;
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
 * The user's items by index, oldest first: their history in the version's training data, then
 * their events since (ids the version does not know are skipped).
 */
export function userHistory(
  serving: ServingIndex,
  userId: string,
  recentItemIds: readonly string[] = [],
): number[] {
  const { userIndex, itemIndex, histories } = serving;
  const u = userIndex.get(userId);
  const history: number[] = [];
  if (u !== undefined) {
    history.push(...histories.items.subarray(histories.offsets[u], histories.offsets[u + 1]));
  }
  for (const id of recentItemIds) {
    const i = itemIndex.get(id);
    if (i !== undefined) history.push(i);
  }
  return history;
}

/** The user as the model sees them: their vector u, and whether anything is known of them. */
export interface UserQuery {
  vector: Float32Array;
  /** false for a user with neither history nor metadata (they get the popular fallback). */
  known: boolean;
  /** Their items by index, oldest first ({@link userHistory}). */
  history: number[];
}

/** u from the user's training history then their events since (unknown ids skipped), and metadata. */
export function userQuery(
  serving: ServingIndex,
  userId: string,
  recentItemIds: readonly string[] = [],
): UserQuery {
  const { model, userIndex, userTokens } = serving;
  const u = userIndex.get(userId);
  const history = userHistory(serving, userId, recentItemIds);
  const tokens = u === undefined
    ? []
    : userTokens.tokens.subarray(userTokens.offsets[u], userTokens.offsets[u + 1]);
  return {
    vector: userVector(model, history, tokens),
    known: history.length > 0 || tokens.length > 0,
    history,
  };
}

/**
 * Buffers reused by every call (JavaScript runs one call at a time and `recommendForUser` does
 * not wait in between): a zeroed flag per item, and float columns grown as needed.
 */
const scratch = (() => {
  let flags = new Uint8Array(0);
  const columns: Float64Array[] = [];
  return {
    listed(n: number): Uint8Array {
      if (flags.length < n) flags = new Uint8Array(n);
      return flags;
    },
    float64(slot: number, n: number): Float64Array {
      if (!columns[slot] || columns[slot].length < n) columns[slot] = new Float64Array(2 * n);
      return columns[slot].subarray(0, n);
    },
  };
})();

/** Each version's cold items (by index) per age cutoff, found once. */
const coldByCutoff = new WeakMap<ServingIndex, Map<number, Int32Array>>();

/** Items younger than `cutoffDays`, measured back from the version's latest training interaction. */
export function coldItems(serving: ServingIndex, cutoffDays: number): Int32Array {
  let byCutoff = coldByCutoff.get(serving);
  if (!byCutoff) coldByCutoff.set(serving, byCutoff = new Map());
  let cold = byCutoff.get(cutoffDays);
  if (!cold) {
    const found: number[] = [];
    for (let i = 0; i < serving.itemIds.length; i++) {
      if (itemAgeDays(serving.creationTimes[i], serving.latestTimestamp) < cutoffDays) {
        found.push(i);
      }
    }
    byCutoff.set(cutoffDays, cold = Int32Array.from(found));
  }
  return cold;
}

/**
 * The list for one user. `scored`, when given, is the version's ONNX scorer's top-K for the
 * user's vector (`query`) from the worker pool; it is used unless the filter leaves fewer of
 * its items than the list needs, in which case every item is scored here, as when it is absent.
 */
export function recommendForUser(
  serving: ServingIndex,
  request: RecommendRequest,
  scored?: { query: UserQuery; top: TopK },
): RankedItem[] {
  const { itemIds, vectors } = serving;
  const { numResults, config, stats, keep, depth = 200 } = request;
  const width = serving.model.dim + 1;
  const query = scored?.query ?? userQuery(serving, request.userId, request.recentItemIds);
  const excluded = keep && { has: (i: number) => !keep(i) };
  const wanted = Math.min(depth, itemIds.length);
  // A user the model knows nothing of gets popular items in the relevance slots: no scan.
  let best: ArrayLike<number> | undefined = query.known ? undefined : [];
  if (scored && !best) {
    const kept = keep ? Array.from(scored.top.items).filter(keep) : scored.top.items;
    const complete = scored.top.items.length >= itemIds.length;
    if (complete || kept.length >= Math.min(wanted, numResults)) best = kept.slice(0, wanted);
  }
  best ??= topK(scoreAll(vectors, width, query.vector), wanted, excluded).items;
  // Candidates: the best by relevance, then every cold item the filter keeps, each once.
  const indices: number[] = [];
  const listed = scratch.listed(itemIds.length);
  const add = (i: number) => {
    if (listed[i]) return;
    listed[i] = 1;
    indices.push(i);
  };
  for (let r = 0; r < best.length; r++) add(best[r]);
  if (config.explorationWeight > 0) {
    for (const i of coldItems(serving, config.explorationItemAgeCutoff)) {
      if (!keep || keep(i)) add(i);
    }
  }
  for (const i of indices) listed[i] = 0; // clean for the next request
  // Plain loops into reused buffers: at hundreds of requests a second, fresh arrays of
  // thousands of cold items a request keep the garbage collector busy.
  const count = indices.length;
  const columns = {
    itemIds: new Array<string>(count),
    relevance: scratch.float64(0, count),
    ageDays: scratch.float64(1, count),
    impressions: scratch.float64(2, count).fill(0),
    clicks: scratch.float64(3, count).fill(0),
  };
  const u = query.vector;
  for (let j = 0; j < count; j++) {
    const i = indices[j];
    const row = i * width;
    let dot = 0;
    for (let c = 0; c < width; c++) dot += u[c] * vectors[row + c];
    columns.itemIds[j] = itemIds[i];
    columns.relevance[j] = dot;
    columns.ageDays[j] = itemAgeDays(serving.creationTimes[i], serving.latestTimestamp);
    const seen = stats?.get(itemIds[i]);
    if (seen) {
      columns.impressions[j] = seen.impressions;
      columns.clicks[j] = seen.clicks;
    }
  }
  const popular = [];
  for (const i of serving.byPopularity) {
    if (popular.length >= numResults) break;
    if (!keep || keep(i)) popular.push({ itemId: itemIds[i], score: 0 });
  }
  return rankColumns({
    columns,
    numResults,
    config,
    calibration: request.calibration,
    random: request.random,
    popular,
    knownUser: query.known,
  });
}
