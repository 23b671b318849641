/**
 * A campaign as edges serve it (the catalogue-wide scoring on the worker pool, by the version's
 * ONNX scorer, where there is one): the campaign record (re-read at most every `recordTtlMs`, so an
 * update in place is picked up without a restart), its version loaded once and indexed
 * (`recommend_for_user.ts`), the exploration statistics of the group's events since the
 * version's training (`live_exploration_stats.ts`: this process's events at once, other edges'
 * within `statsTtlMs`), and each answer remembered under its `recommendationId`, so events that
 * name it count its items as shown.
 *
 * Relevance is mapped to click-through by the version's Platt calibration, fitted at training on
 * the logged impressions (`model/score_calibration.ts`); a version without one uses A = 1,
 * B = −3 (a 5% CTR at a zero score).
 *
 * @example
 * ```ts
 * const server = createCampaignServer(stores);
 * await server.recommend("home", { userId: "u1", numResults: 25 });
 * ```
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import type { TenantStores } from "@edgeml/shared/store";
import { type CampaignRecord, getCampaign } from "../campaigns/campaign_catalog.ts";
import { getSolution, getSolutionVersion } from "../campaigns/solution_catalog.ts";
import {
  isInteraction,
  type LoggedEvent,
  recordRecommendation,
  userEvents,
} from "../events/event_log.ts";
import { createLiveExplorationStats } from "./live_exploration_stats.ts";
import type { RankedItem } from "../exploration/rank_with_exploration.ts";
import {
  recommendForUser,
  type ServingIndex,
  servingIndex,
  userHistory,
  userQuery,
} from "./recommend_for_user.ts";
import { createPoolScorer } from "./pool_scorer.ts";
import type { OipClient } from "@edgeml/gpu-workers/client";
import { loadTrainedVersion } from "./version_artifacts.ts";
import { rankItemsForUser, relatedItems } from "./rank_items.ts";
import { type ItemFilterSpec, requestFilter } from "./item_filter.ts";

export interface CampaignServerOptions {
  recordTtlMs?: number;
  statsTtlMs?: number;
  now?: () => number;
  /** Seed of the exploration draws (default: the clock), for reproducible runs. */
  seed?: number;
  /** The worker pool, where the versions' ONNX scorers are served (else scored in process). */
  workers?: OipClient;
  /** Told when the pool could not score (the version is scored in process for a while). */
  onScorerError?: (error: unknown, model: string, version: number) => void;
}

const DEFAULT_CALIBRATION = { slope: 1, intercept: -3 };
/** Versions held in memory at once (each is its item vectors and lookups). */
const MAX_LOADED_VERSIONS = 4;

export function createCampaignServer(
  stores: TenantStores,
  {
    recordTtlMs = 1000,
    statsTtlMs = 2000,
    now = () => performance.now(),
    seed = Date.now(),
    workers,
    onScorerError,
  }: CampaignServerOptions = {},
) {
  const scorer = workers && createPoolScorer(workers, { now, onError: onScorerError });
  const records = new Map<
    string,
    { record: CampaignRecord; datasetGroup: string; at: number }
  >();
  const versions = new Map<string, Promise<{ index: ServingIndex; trainedThrough: number }>>();
  const stats = createLiveExplorationStats(stores.kv, { ttlMs: statsTtlMs, now });
  let draws = seed >>> 0;

  /** The campaign record and its solution's dataset group, read again after `recordTtlMs`. */
  async function campaign(name: string) {
    const hit = records.get(name);
    if (hit && now() - hit.at < recordTtlMs) return hit;
    const record = await getCampaign(stores.kv, name);
    const { datasetGroup } = await getSolution(stores.kv, record.solution);
    const fresh = { record, datasetGroup, at: now() };
    records.set(name, fresh);
    return fresh;
  }

  function version(solution: string, number: number) {
    const key = `${solution}@${number}`;
    let found = versions.get(key);
    if (!found) {
      found = (async () => {
        const record = await getSolutionVersion(stores.kv, solution, number);
        const trained = await loadTrainedVersion(stores, solution, number);
        return { index: servingIndex(trained), trainedThrough: record.trainedThrough ?? 0 };
      })();
      found.catch(() => versions.delete(key));
      versions.set(key, found);
      // Campaigns move on to newer versions: the least recently loaded beyond a few are dropped.
      if (versions.size > MAX_LOADED_VERSIONS) versions.delete(versions.keys().next().value!);
    }
    return found;
  }

  /** Forgets the cached campaign record (after a write in this process). */
  function invalidate(name: string) {
    records.delete(name);
  }

  /** The campaign's version, its dataset group, and the user's items since training. */
  async function served(name: string, userId?: string) {
    const { record, datasetGroup } = await campaign(name);
    const { index, trainedThrough } = await version(record.solution, record.solutionVersion);
    const recent = userId === undefined ? [] : (await userEvents(stores.kv, datasetGroup, userId))
      .filter((e) => e.sentAt > trainedThrough && isInteraction(e))
      .map((e) => e.itemId);
    return { record, datasetGroup, index, trainedThrough, recent };
  }

  async function remember(group: string, userId: string, itemList: RankedItem[]) {
    const recommendationId = crypto.randomUUID();
    await recordRecommendation(stores.kv, group, recommendationId, {
      userId,
      itemIds: itemList.map((i) => i.itemId),
    });
    return { itemList, recommendationId };
  }

  async function recommend(
    name: string,
    { userId, numResults, filter }: { userId: string; numResults: number; filter?: ItemFilterSpec },
  ): Promise<{ itemList: RankedItem[]; recommendationId: string }> {
    const { record, datasetGroup, index, trainedThrough, recent } = await served(name, userId);
    const query = userQuery(index, userId, recent);
    const keep = requestFilter(index, filter, () => new Set(query.history));
    const top = query.known
      ? await scorer?.topItems(record.solution, record.solutionVersion, query.vector)
      : undefined;
    const itemList = recommendForUser(index, {
      userId,
      recentItemIds: recent,
      numResults,
      config: record.campaignConfig.itemExplorationConfig,
      stats: await stats.since(datasetGroup, trainedThrough),
      calibration: index.calibration ?? DEFAULT_CALIBRATION,
      random: mulberry32(draws = (draws + 0x9e3779b9) >>> 0),
      keep,
    }, top && { query, top });
    return await remember(datasetGroup, userId, itemList);
  }

  async function rank(
    name: string,
    { userId, inputList, filter }: {
      userId: string;
      inputList: string[];
      filter?: ItemFilterSpec;
    },
  ) {
    const { datasetGroup, index, recent } = await served(name, userId);
    const keep = requestFilter(index, filter, () => new Set(userHistory(index, userId, recent)));
    const { itemList, recommendationId } = await remember(
      datasetGroup,
      userId,
      rankItemsForUser(index, userId, recent, inputList, keep),
    );
    return { personalizedRanking: itemList, recommendationId };
  }

  async function related(
    name: string,
    { itemId, numResults }: { itemId: string; numResults: number },
  ) {
    const { index } = await served(name);
    return {
      itemList: relatedItems(index, itemId, numResults),
      recommendationId: crypto.randomUUID(),
    };
  }

  /** Counts events this process just recorded in the exploration statistics. */
  const observe = (group: string, events: readonly LoggedEvent[]) => stats.observe(group, events);

  return { recommend, rank, related, invalidate, observe };
}
