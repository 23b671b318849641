/**
 * The exploration simulator driving the REAL service over HTTP (the benchmark 1): a
 * started recommendations service (the embedded default) is given the world's catalogue and
 * logged history as Personalize files, trains FULL, serves a campaign with the weight under
 * test, and then, every simulated hour h:
 *
 * 1. the hour's new items arrive by PutItems (`CREATION_TIMESTAMP` = the hour's start); from
 *    hour 1 on an UPDATE version is trained (new items folded in, the events so far learned)
 *    and the campaign is moved to it in place;
 * 2. each active user asks GetRecommendations for `numResults` items, leaving out what they
 *    already clicked (`excludeInteracted`: the world's users click an item at most once);
 * 3. the world decides the clicks and the client reports them with PutEvents: one `click`
 *    event per click, naming the recommendationId (so the list counts as shown), or, when
 *    nothing was clicked, one `impression` event naming it (the list was seen and ignored).
 *
 * Nothing of the world's hidden state reaches the service: it sees only files, items, and
 * events, as a user's deployment would. A "new" item is one that arrived during the run.
 */
import { emptyRound, type RoundMetrics } from "./policy_harness.ts";
import { createWorld, type SimInteraction, type SimItem, type WorldOptions } from "./world.ts";
import { recsClient } from "../recs_client.ts";

export interface ServiceLoopOptions {
  baseUrl: string;
  adminToken: string;
  explorationWeight: number;
  explorationItemAgeCutoff?: number;
  seed?: number;
  hours?: number;
  numResults?: number;
  world?: Omit<WorldOptions, "seed">;
  /** Told after each hour (progress). */
  onRound?: (round: RoundMetrics & { updateSeconds: number }) => void;
}

export interface ServiceLoopResult {
  rounds: RoundMetrics[];
  fullSeconds: number;
  /** Wall time of each hourly UPDATE, request to ACTIVE. */
  updateSeconds: number[];
}

const HOUR = 3600;
const GROUP = "sim";
const SOLUTION = "sim-recs";
const CAMPAIGN = "sim-home";
const SCHEMA_NAMESPACE = "com.amazonaws.personalize.schema";

const interactionsSchema = {
  type: "record",
  name: "Interactions",
  namespace: SCHEMA_NAMESPACE,
  fields: [
    { name: "USER_ID", type: "string" },
    { name: "ITEM_ID", type: "string" },
    { name: "TIMESTAMP", type: "long" },
    { name: "EVENT_TYPE", type: "string" },
    { name: "IMPRESSION", type: "string" },
  ],
  version: "1.0",
};
const itemsSchema = {
  type: "record",
  name: "Items",
  namespace: SCHEMA_NAMESPACE,
  fields: [
    { name: "ITEM_ID", type: "string" },
    { name: "GENRES", type: ["null", "string"], categorical: true },
    { name: "TAGS", type: ["null", "string"], categorical: true },
    { name: "CREATION_TIMESTAMP", type: "long" },
  ],
  version: "1.0",
};

const itemsCsv = (items: readonly SimItem[]) =>
  [
    "ITEM_ID,GENRES,TAGS,CREATION_TIMESTAMP",
    ...items.map((i) =>
      `${i.itemId},${i.metadata.GENRES},${i.metadata.TAGS},${i.creationTimestamp}`
    ),
  ].join("\n");
const interactionsCsv = (rows: readonly SimInteraction[]) =>
  [
    "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,IMPRESSION",
    ...rows.map((r) =>
      `${r.userId},${r.itemId},${r.timestamp},${r.eventType},${r.impression.join("|")}`
    ),
  ].join("\n");

export async function runServiceLoop(options: ServiceLoopOptions): Promise<ServiceLoopResult> {
  const { seed = 1, hours = 48, numResults = 10, onRound } = options;
  const recs = recsClient(options.baseUrl, options.adminToken);
  const world = createWorld({ ...options.world, seed });
  const created = new Map<string, number>(
    world.initialItems().map((i) => [i.itemId, i.creationTimestamp]),
  );

  await recs.post("/dataset-groups", { name: GROUP }, 201);
  await recs.put(`/dataset-groups/${GROUP}/datasets/ITEMS`, { schema: itemsSchema });
  await recs.put(`/dataset-groups/${GROUP}/datasets/INTERACTIONS`, {
    schema: interactionsSchema,
  });
  const firstItems = [...world.initialItems(), ...world.newItems(0)];
  for (const item of world.newItems(0)) created.set(item.itemId, item.creationTimestamp);
  await recs.importCsv(GROUP, "ITEMS", itemsCsv(firstItems));
  await recs.importCsv(GROUP, "INTERACTIONS", interactionsCsv(world.initialInteractions()));
  await recs.post("/solutions", { name: SOLUTION, datasetGroup: GROUP }, 201);
  let started = performance.now();
  const full = await recs.train(SOLUTION, "FULL");
  const fullSeconds = (performance.now() - started) / 1000;
  await recs.post("/campaigns", {
    name: CAMPAIGN,
    solution: SOLUTION,
    solutionVersion: full.version,
    campaignConfig: {
      itemExplorationConfig: {
        explorationWeight: options.explorationWeight,
        explorationItemAgeCutoff: options.explorationItemAgeCutoff ?? 30,
      },
    },
  }, 201);

  const rounds: RoundMetrics[] = [];
  const updateSeconds: number[] = [];
  for (let hour = 0; hour < hours; hour++) {
    const now = world.startTimestamp + hour * HOUR;
    let updated = 0;
    if (hour > 0) {
      const arrivals = world.newItems(hour);
      for (const item of arrivals) created.set(item.itemId, item.creationTimestamp);
      // PutItems takes at most 10 items a call, as Personalize's.
      for (let i = 0; i < arrivals.length; i += 10) {
        await recs.post(`/dataset-groups/${GROUP}/items`, {
          items: arrivals.slice(i, i + 10).map((item) => ({
            itemId: item.itemId,
            properties: { ...item.metadata, CREATION_TIMESTAMP: item.creationTimestamp },
          })),
        }, 204);
      }
      started = performance.now();
      const update = await recs.train(SOLUTION, "UPDATE");
      await recs.patch(`/campaigns/${CAMPAIGN}`, { solutionVersion: update.version });
      updated = (performance.now() - started) / 1000;
      updateSeconds.push(updated);
    }
    const round = emptyRound(hour);
    const active = world.activeUsers(hour);
    for (const [u, userId] of active.entries()) {
      const { itemList, recommendationId } = await recs.recommend(CAMPAIGN, {
        userId,
        numResults,
        filter: { excludeInteracted: true },
      });
      const sentAt = now + Math.floor((u / active.length) * HOUR);
      const clicked: string[] = [];
      for (const { itemId, reason } of itemList) {
        const isNew = (created.get(itemId) ?? 0) >= world.startTimestamp;
        round.impressions++;
        round.newImpressions += isNew ? 1 : 0;
        round.explored += reason === "exploration" ? 1 : 0;
        if (!world.click(userId, itemId, hour)) continue;
        round.clicks++;
        round.newClicks += isNew ? 1 : 0;
        clicked.push(itemId);
      }
      // Event ids as a client would set them for retries; they also fix the events' order in
      // the log, so a run is reproducible from its seeds.
      const eventId = (k: number) => `${hour}-${u}-${k}`;
      const eventList = clicked.length > 0
        ? clicked.map((itemId, k) => ({
          eventId: eventId(k),
          eventType: "click",
          itemId,
          sentAt,
          recommendationId,
        }))
        : [{
          eventId: eventId(0),
          eventType: "impression",
          itemId: itemList[0].itemId,
          sentAt,
          recommendationId,
        }];
      await recs.putEvents(GROUP, { sessionId: `${userId}@${hour}`, userId, eventList });
    }
    rounds.push(round);
    onRound?.({ ...round, updateSeconds: updated });
  }
  return { rounds, fullSeconds, updateSeconds };
}
