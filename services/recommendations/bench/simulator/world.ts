/**
 * The exploration simulator's world: seeded users and items with latent tastes, in which new
 * items arrive every simulated hour and users click with a probability set by their true
 * affinity. Nothing here knows about the recommender; a loop (the real service later, or the
 * stand-in harness now) asks it who is active, what arrived, and whether a shown item is
 * clicked.
 *
 * Generative model (d latent dimensions, T topics, all draws seeded per entity):
 *
 *   topic centroid  c_t ~ N(0, 0.7²·I_d)
 *   item            t ~ Uniform(T),  v = c_t + N(0, 0.6²·I_d),  quality q ~ N(0, 0.8²)
 *   user            u = c_a + ½·c_b + N(0, 0.5²·I_d)   (a favourite and a second topic)
 *   click           P(click | u, v, age) = σ(u·v + q − offset − freshnessDecayPerDay·min(age, 7))
 *
 * Item metadata partly reveals v: `GENRES` names the topic t (the centroid), `TAGS` gives the
 * signs of the residual v − c_t along `tagDirections` fixed random directions; q and the rest
 * of the residual stay hidden, so only clicks can tell a good new item from a bad one. A user
 * clicks an item at most once; click outcomes use a uniform keyed by (seed, user, item, hour),
 * so two policies showing the same item to the same user in the same hour see the same
 * outcome (common random numbers). Freshness decay makes it a fast-changing catalogue, the
 * setting Personalize's exploration is meant for; set it to 0 for a static one.
 * Timestamps are epoch seconds; hour h starts at `startTimestamp + 3600·h`.
 *
 * @example
 * ```ts
 * const world = createWorld({ seed: 7 });
 * for (const item of world.newItems(0)) catalogue.add(item);
 * for (const userId of world.activeUsers(0)) world.click(userId, shown[0], 0);
 * ```
 */
import { normal, randomFor } from "./seeded_hash.ts";

export interface WorldOptions {
  seed?: number;
  /** d (default 8). */
  dimensions?: number;
  /** T (default 12). */
  topics?: number;
  users?: number;
  /** Items that exist before hour 0, created 30–60 days before it (default 600). */
  initialItems?: number;
  newItemsPerHour?: number;
  activeUsersPerHour?: number;
  /** Days of logged history before hour 0 for the initial training set (default 7). */
  historyDays?: number;
  /** Impressions per history session, drawn uniformly from the catalogue (default 10). */
  historyImpressions?: number;
  /** Subtracted from every logit; sets the base click-through to a few percent (default 5). */
  offset?: number;
  /** Logit lost per day of item age, capped at 7 days (default 0.25). */
  freshnessDecayPerDay?: number;
  /** Number of `TAGS` directions (default 3). */
  tagDirections?: number;
  startTimestamp?: number;
}

export interface SimItem {
  itemId: string;
  creationTimestamp: number;
  /** Personalize items-dataset columns: categorical values joined by `|`. */
  metadata: { GENRES: string; TAGS: string };
}

/** A row of Personalize's interactions dataset (one click with the list it was shown in). */
export interface SimInteraction {
  userId: string;
  itemId: string;
  timestamp: number;
  eventType: "click";
  impression: string[];
}

export interface World {
  readonly startTimestamp: number;
  readonly userIds: readonly string[];
  /** The catalogue before hour 0. */
  initialItems(): SimItem[];
  /** Logged history before hour 0 (uniformly random impressions), for the first training. */
  initialInteractions(): SimInteraction[];
  /** Items that arrive at the start of `hour` (≥ 0). */
  newItems(hour: number): SimItem[];
  /** Users who visit during `hour`, distinct. */
  activeUsers(hour: number): string[];
  /** True click probability (for diagnostics; recommenders must not read it). */
  clickProbability(userId: string, itemId: string, hour: number): number;
  /** Whether the user clicks the item shown during `hour`; a second click on it is false. */
  click(userId: string, itemId: string, hour: number): boolean;
}

interface LatentItem {
  index: number;
  item: SimItem;
  vector: Float64Array;
  quality: number;
}

const HOUR = 3600;
const DAY = 86_400;
const KEY = { centroid: 1, item: 2, user: 3, active: 4, click: 5, direction: 6, history: 7 };

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function createWorld(options: WorldOptions = {}): World {
  const {
    seed = 1,
    dimensions: d = 8,
    topics = 12,
    users = 2000,
    initialItems = 600,
    newItemsPerHour = 20,
    activeUsersPerHour = 200,
    historyDays = 7,
    historyImpressions = 10,
    offset = 5,
    freshnessDecayPerDay = 0.25,
    tagDirections = 3,
    startTimestamp = 1_700_000_000,
  } = options;
  const gaussian = (random: () => number, scale: number) =>
    Float64Array.from({ length: d }, () => scale * normal(random));
  const centroids = Array.from(
    { length: topics },
    (_, t) => gaussian(randomFor(seed, KEY.centroid, t), 0.7),
  );
  const directions = Array.from(
    { length: tagDirections },
    (_, j) => gaussian(randomFor(seed, KEY.direction, j), 1),
  );
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);

  const userIds = Array.from({ length: users }, (_, i) => `user-${i}`);
  const userIndex = new Map(userIds.map((id, i) => [id, i]));
  const userVectors = userIds.map((_, i) => {
    const random = randomFor(seed, KEY.user, i);
    const a = Math.floor(random() * topics);
    const b = Math.floor(random() * topics);
    const noise = gaussian(random, 0.5);
    return noise.map((x, k) => x + centroids[a][k] + 0.5 * centroids[b][k]);
  });

  const items = new Map<string, LatentItem>();
  const makeItem = (index: number, itemId: string, creationTimestamp: number): SimItem => {
    const random = randomFor(seed, KEY.item, index);
    const topic = Math.floor(random() * topics);
    const residual = gaussian(random, 0.6);
    const vector = residual.map((x, k) => x + centroids[topic][k]);
    const quality = 0.8 * normal(random);
    const tags = directions.map((r, j) => `tag${j}${dot(residual, r) >= 0 ? "+" : "-"}`);
    const item = {
      itemId,
      creationTimestamp,
      metadata: { GENRES: `genre-${topic}`, TAGS: tags.join("|") },
    };
    items.set(itemId, { index, item, vector, quality });
    return item;
  };
  const initial = Array.from({ length: initialItems }, (_, j) => {
    const age = 30 * DAY + randomFor(seed, KEY.item, j, 0)() * 30 * DAY;
    return makeItem(j, `item-${j}`, Math.round(startTimestamp - age));
  });
  const arrivals = new Map<number, SimItem[]>();

  const clicked = new Set<string>();
  const probability = (userId: string, itemId: string, hour: number) => {
    const u = userIndex.get(userId);
    const item = items.get(itemId);
    if (u === undefined || !item) return 0;
    const ageDays = Math.max(0, (startTimestamp + hour * HOUR - item.item.creationTimestamp) / DAY);
    const logit = dot(userVectors[u], item.vector) + item.quality - offset -
      freshnessDecayPerDay * Math.min(ageDays, 7);
    return sigmoid(logit);
  };
  const click = (userId: string, itemId: string, hour: number) => {
    const key = `${userId}\u0000${itemId}`;
    if (clicked.has(key)) return false;
    const u = userIndex.get(userId) ?? -1;
    const i = items.get(itemId)?.index ?? -1;
    const hit =
      randomFor(seed, KEY.click, u, i, hour + 1_000_000)() < probability(userId, itemId, hour);
    if (hit) clicked.add(key);
    return hit;
  };
  const activeUsers = (hour: number) => {
    const random = randomFor(seed, KEY.active, hour + 1_000_000);
    const chosen = new Set<number>();
    while (chosen.size < Math.min(activeUsersPerHour, users)) {
      chosen.add(Math.floor(random() * users));
    }
    return [...chosen].map((i) => userIds[i]);
  };

  return {
    startTimestamp,
    userIds,
    initialItems: () => [...initial],
    initialInteractions() {
      const rows: SimInteraction[] = [];
      for (let hour = -historyDays * 24; hour < 0; hour++) {
        const random = randomFor(seed, KEY.history, hour + 1_000_000);
        for (const userId of activeUsers(hour)) {
          const shown = new Set<string>();
          while (shown.size < Math.min(historyImpressions, initial.length)) {
            shown.add(initial[Math.floor(random() * initial.length)].itemId);
          }
          const impression = [...shown];
          const at = startTimestamp + hour * HOUR + Math.floor(random() * HOUR);
          for (const itemId of impression) {
            if (click(userId, itemId, hour)) {
              rows.push({ userId, itemId, timestamp: at, eventType: "click", impression });
            }
          }
        }
      }
      return rows;
    },
    newItems(hour: number) {
      let batch = arrivals.get(hour);
      if (!batch) {
        const first = initialItems + hour * newItemsPerHour;
        batch = Array.from(
          { length: newItemsPerHour },
          (_, j) => makeItem(first + j, `item-${first + j}`, startTimestamp + hour * HOUR),
        );
        arrivals.set(hour, batch);
      }
      return [...batch];
    },
    activeUsers,
    clickProbability: probability,
    click,
  };
}

/** The `|`-separated categorical tokens of an item's metadata, prefixed by column. */
export function itemTokens(item: SimItem): string[] {
  return Object.entries(item.metadata).flatMap(([column, value]) =>
    value.split("|").map((token) => `${column}:${token}`)
  );
}
