/**
 * Exploration policy harness (a development check, NOT the benchmark): drives the
 * simulator world with the STAND-IN recommender (`standin_recommender.ts`) feeding the real
 * exploration policy (`domain/exploration`), so the policy can be checked before the service
 * loop exists. Per simulated hour h:
 *
 * 1. new items arrive (`world.newItems(h)`); the stand-in is retrained on every click so far
 *    (the hourly UPDATE); exploration statistics restart (their evidence is now in the model);
 *    item ages are measured back from the latest click in that training data; Platt
 *    calibration is refitted on the previous hour's impressions (score served, clicked), or
 *    on the logged history at hour 0;
 * 2. each active user gets `numResults` items from `rankWithExploration` over every item they
 *    have not clicked, with a uniform stream keyed by (seed, hour, user) so every weight sees
 *    the same randomness for the same request;
 * 3. the world decides the clicks; the client's events (one `impression` event naming the
 *    recommendationId of the displayed list, one `click` per click) are folded into the
 *    statistics at once (as `PutEvents` would), so later users this hour see them.
 *
 * A "new" item is one that arrived during the run (h ≥ 0): with the default 30-day cutoff and
 * an initial catalogue 30–60 days old, exactly the cold items.
 */
import { hashKeys } from "./seeded_hash.ts";
import {
  createExplorationStats,
  type CtrCalibration,
  type ExplorationCandidate,
  explorationConfig,
  type ExplorationEvent,
  fitCtrCalibration,
  foldExplorationEvents,
  itemAgeDays,
  rankWithExploration,
  type ScoredImpression,
} from "../../domain/exploration/mod.ts";
import { mulberry32 } from "@edgeml/shared/onnx";
import { type StandInClick, trainStandIn } from "./standin_recommender.ts";
import { createWorld, type SimItem, type WorldOptions } from "./world.ts";

export interface HarnessOptions {
  explorationWeight: number;
  explorationItemAgeCutoff?: number;
  seed?: number;
  hours?: number;
  numResults?: number;
  /** κ, pseudo-clicks of the cold items' Beta prior (the policy's default when absent). */
  priorClicks?: number;
  world?: Omit<WorldOptions, "seed">;
  /** The stand-in's own knobs (see `standin_recommender.ts`). */
  standIn?: { similarityWeight?: number; popularityHalfLifeDays?: number };
}

export interface RoundMetrics {
  hour: number;
  impressions: number;
  clicks: number;
  /** Impressions and clicks of items that arrived during the run. */
  newImpressions: number;
  newClicks: number;
  /** Items shown for exploration. */
  explored: number;
}

/** A round's metrics before anything is shown. */
export const emptyRound = (hour: number): RoundMetrics => ({
  hour,
  impressions: 0,
  clicks: 0,
  newImpressions: 0,
  newClicks: 0,
  explored: 0,
});

const HOUR = 3600;
const CALIBRATION_SAMPLE = 20_000;

export function runPolicyHarness(options: HarnessOptions): RoundMetrics[] {
  const { seed = 1, hours = 48, numResults = 10, priorClicks, world: worldOptions, standIn } =
    options;
  const config = explorationConfig({
    explorationWeight: options.explorationWeight,
    explorationItemAgeCutoff: options.explorationItemAgeCutoff,
  });
  const world = createWorld({ ...worldOptions, seed });
  const catalogue = new Map<string, SimItem>(world.initialItems().map((i) => [i.itemId, i]));
  const history = world.initialInteractions();
  const clicks: StandInClick[] = history.map(({ userId, itemId, timestamp }) => ({
    userId,
    itemId,
    timestamp,
  }));
  let served: ScoredImpression[] = [];
  const rounds: RoundMetrics[] = [];
  for (let hour = 0; hour < hours; hour++) {
    const now = world.startTimestamp + hour * HOUR;
    for (const item of world.newItems(hour)) catalogue.set(item.itemId, item);
    const items = [...catalogue.values()];
    const model = trainStandIn({ ...standIn, items, clicks, now });
    const latest = clicks.reduce((max, c) => Math.max(max, c.timestamp), -Infinity);
    if (hour === 0) served = historyImpressions(history, model.relevance);
    const calibration: CtrCalibration = fitCtrCalibration(sample(served, seed, hour));
    served = [];
    const stats = createExplorationStats();
    const recommendations = new Map<string, string[]>();
    const popular = model.popular(numResults * 2);
    const round = emptyRound(hour);
    world.activeUsers(hour).forEach((userId, u) => {
      const seen = model.clickedBy(userId);
      const candidates: ExplorationCandidate[] = [];
      for (const item of items) {
        if (seen.has(item.itemId)) continue;
        const itemStats = stats.items.get(item.itemId);
        candidates.push({
          itemId: item.itemId,
          relevance: model.relevance(userId, item.itemId),
          ageDays: itemAgeDays(item.creationTimestamp, latest),
          impressions: itemStats?.impressions ?? 0,
          clicks: itemStats?.clicks ?? 0,
        });
      }
      const list = rankWithExploration({
        candidates,
        numResults,
        config,
        calibration,
        random: mulberry32(hashKeys(seed, hour, u)),
        priorClicks,
        popular,
        knownUser: model.knows(userId),
      });
      const sentAt = now + Math.floor((u / 1000) * HOUR);
      const impression = list.map((r) => r.itemId);
      const recommendationId = `${hour}:${u}`;
      recommendations.set(recommendationId, impression);
      // The client reports the displayed list (an "impression" event, not a click) and each click.
      const events: ExplorationEvent[] = [
        { eventType: "impression", itemId: impression[0], sentAt, recommendationId },
      ];
      for (const { itemId, reason } of list) {
        const isNew = (catalogue.get(itemId)?.creationTimestamp ?? 0) >= world.startTimestamp;
        const clicked = world.click(userId, itemId, hour);
        round.impressions++;
        round.newImpressions += isNew ? 1 : 0;
        round.explored += reason === "exploration" ? 1 : 0;
        served.push({ score: model.relevance(userId, itemId), clicked });
        if (!clicked) continue;
        round.clicks++;
        round.newClicks += isNew ? 1 : 0;
        clicks.push({ userId, itemId, timestamp: sentAt });
        events.push({ eventType: "click", itemId, sentAt, recommendationId });
      }
      foldExplorationEvents(stats, events, {
        recommendedItems: (id) => recommendations.get(id),
        isClick: (event) => event.eventType === "click",
      });
    });
    rounds.push(round);
  }
  return rounds;
}

/** The logged history's impressions, scored by the first model (Platt's first fit). */
function historyImpressions(
  history: ReturnType<ReturnType<typeof createWorld>["initialInteractions"]>,
  relevance: (userId: string, itemId: string) => number,
): ScoredImpression[] {
  const sessions = new Map<string, { userId: string; shown: string[]; clicked: Set<string> }>();
  for (const row of history) {
    const key = `${row.userId}@${row.timestamp}`;
    let session = sessions.get(key);
    if (!session) {
      sessions.set(
        key,
        session = { userId: row.userId, shown: row.impression, clicked: new Set() },
      );
    }
    session.clicked.add(row.itemId);
  }
  return [...sessions.values()].flatMap(({ userId, shown, clicked }) =>
    shown.map((itemId) => ({ score: relevance(userId, itemId), clicked: clicked.has(itemId) }))
  );
}

function sample(impressions: ScoredImpression[], seed: number, hour: number): ScoredImpression[] {
  if (impressions.length <= CALIBRATION_SAMPLE) return impressions;
  const random = mulberry32(hashKeys(seed, hour, 0x5a));
  return Array.from(
    { length: CALIBRATION_SAMPLE },
    () => impressions[Math.floor(random() * impressions.length)],
  );
}
