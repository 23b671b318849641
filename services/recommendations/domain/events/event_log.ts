/**
 * Events as Personalize's PutEvents takes them, stored durably before the caller is answered:
 * each event is one atomic KV commit that writes it twice (by time for the next UPDATE, by user
 * for a user who arrived after training) together with its `eventId` marker, checked absent, so
 * a retried call records nothing twice. An event naming a `recommendationId` and no `impression`
 * gets the items that recommendation showed as its impression (the implicit impressions
 * Personalize derives). Unknown items are kept: the item may arrive later. An event of type
 * `impression` reports only what was shown (a list the user saw and did not act on): it is
 * stored and counted as impressions, never as an interaction (`isInteraction`).
 *
 *   ["recommendations", "events", group, sentAtMs, key]                     StoredEvent
 *   ["recommendations", "user-events", group, userId, sentAtMs, key]        StoredEvent
 *   ["recommendations", "event-ids", group, eventId]                        true
 *   ["recommendations", "shown", group, recommendationId]                   ShownRecommendation
 *
 * @example
 * ```ts
 * await recordRecommendation(kv, "shop", "rec-1", { userId: "u1", itemIds: ["a", "b"] });
 * await putEvents(kv, "shop", { sessionId: "s", userId: "u1",
 *   eventList: [{ eventType: "click", itemId: "a", sentAt: 1700000000, recommendationId: "rec-1" }] });
 * ```
 */
import { invalid } from "@edgeml/shared/errors";
import type { KvKey, TenantKvStore } from "@edgeml/shared/store";

export interface IncomingEvent {
  eventId?: string;
  eventType: string;
  itemId: string;
  /** Epoch seconds, or an ISO-8601 time. */
  sentAt: number | string;
  eventValue?: number;
  impression?: string[];
  recommendationId?: string;
  properties?: Record<string, string | number | boolean>;
}

export interface StoredEvent {
  sessionId: string;
  userId?: string;
  eventType: string;
  itemId: string;
  /** Epoch seconds. */
  sentAt: number;
  eventValue?: number;
  /** The items shown with it (given, or those its recommendation showed). */
  impression: string[];
  recommendationId?: string;
  properties?: Record<string, string | number | boolean>;
}

/** A stored event with the id it is kept under (its `eventId`, or one given when it had none). */
export type LoggedEvent = StoredEvent & { id: string };

/** The event type that reports impressions only (compared case-insensitively). */
export const IMPRESSION_EVENT_TYPE = "impression";

/** Whether an event is an interaction (trained on, a click for exploration), not a bare impression. */
export function isInteraction(event: { eventType: string }): boolean {
  return event.eventType.toLowerCase() !== IMPRESSION_EVENT_TYPE;
}

export interface ShownRecommendation {
  userId: string;
  itemIds: string[];
  /** ISO time it was served. */
  at: string;
}

const eventKey = (group: string, atMs: number, key: string): KvKey => [
  "recommendations",
  "events",
  group,
  atMs,
  key,
];
const userEventKey = (group: string, userId: string, atMs: number, key: string): KvKey => [
  "recommendations",
  "user-events",
  group,
  userId,
  atMs,
  key,
];
const eventIdKey = (group: string, eventId: string): KvKey => [
  "recommendations",
  "event-ids",
  group,
  eventId,
];
const shownKey = (group: string, id: string): KvKey => ["recommendations", "shown", group, id];

/** Epoch seconds of `sentAt`; a time that cannot be read is a 400 naming the event. */
export function eventSeconds(sentAt: number | string, index: number): number {
  const seconds = typeof sentAt === "number" ? sentAt : Date.parse(sentAt) / 1000;
  // Personalize takes epoch seconds; a value past year 2500 was surely sent in milliseconds.
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 16_725_225_600) {
    throw invalid(
      "invalid_sent_at",
      `event ${index + 1}: sentAt must be epoch seconds or ISO-8601`,
    );
  }
  return seconds;
}

/** Remembers what a recommendation showed, so events answering it know their impressions. */
export async function recordRecommendation(
  kv: TenantKvStore,
  group: string,
  recommendationId: string,
  shown: { userId: string; itemIds: string[]; at?: string },
): Promise<void> {
  await kv.set(
    shownKey(group, recommendationId),
    {
      userId: shown.userId,
      itemIds: shown.itemIds,
      at: shown.at ?? new Date().toISOString(),
    } satisfies ShownRecommendation,
  );
}

/** Stores the events; resolves once every one is durable, with those that were new. */
export async function putEvents(
  kv: TenantKvStore,
  group: string,
  request: { sessionId: string; userId?: string; eventList: IncomingEvent[] },
): Promise<{ recorded: LoggedEvent[]; duplicates: number }> {
  const { sessionId, userId, eventList } = request;
  if (eventList.length < 1 || eventList.length > 10) {
    throw invalid("too_many_events", "eventList holds 1 to 10 events");
  }
  const seconds = eventList.map((e, i) => eventSeconds(e.sentAt, i));
  const shown = new Map<string, string[]>();
  const recorded: LoggedEvent[] = [];
  let duplicates = 0;
  for (const [i, e] of eventList.entries()) {
    let impression = e.impression;
    if (!impression && e.recommendationId) {
      if (!shown.has(e.recommendationId)) {
        const found = await kv.get<ShownRecommendation>(shownKey(group, e.recommendationId));
        shown.set(e.recommendationId, found.value?.itemIds ?? []);
      }
      impression = shown.get(e.recommendationId);
    }
    const stored: StoredEvent = {
      sessionId,
      ...(userId ? { userId } : {}),
      eventType: e.eventType,
      itemId: e.itemId,
      sentAt: seconds[i],
      ...(e.eventValue !== undefined ? { eventValue: e.eventValue } : {}),
      impression: impression ?? [],
      ...(e.recommendationId ? { recommendationId: e.recommendationId } : {}),
      ...(e.properties ? { properties: e.properties } : {}),
    };
    const key = e.eventId ?? crypto.randomUUID();
    const atMs = Math.round(seconds[i] * 1000);
    const mutations = [
      { type: "set" as const, key: eventKey(group, atMs, key), value: stored },
      ...(userId
        ? [{ type: "set" as const, key: userEventKey(group, userId, atMs, key), value: stored }]
        : []),
    ];
    if (e.eventId) {
      const marker = eventIdKey(group, e.eventId);
      const result = await kv.atomic(
        [{ key: marker, versionstamp: null }],
        [...mutations, { type: "set", key: marker, value: true }],
      );
      if (result.ok) recorded.push({ ...stored, id: key });
      else duplicates++;
    } else {
      await kv.atomic([], mutations);
      recorded.push({ ...stored, id: key });
    }
  }
  return { recorded, duplicates };
}

/** The group's events with `sentAt` at or after `sinceSeconds`, oldest first (a range scan). */
export async function* eventsSince(
  kv: TenantKvStore,
  group: string,
  sinceSeconds = 0,
): AsyncGenerator<LoggedEvent> {
  const prefix = ["recommendations", "events", group];
  const start = [...prefix, Math.max(0, Math.ceil(sinceSeconds * 1000))];
  for await (const { key, value } of kv.list<StoredEvent>(prefix, { start })) {
    yield { ...value, id: key[4] as string };
  }
}

/** One user's events, oldest first, at most the newest `limit`. */
export async function userEvents(
  kv: TenantKvStore,
  group: string,
  userId: string,
  limit = 200,
): Promise<StoredEvent[]> {
  const newest: StoredEvent[] = [];
  for await (
    const { value } of kv.list<StoredEvent>(
      ["recommendations", "user-events", group, userId],
      { reverse: true, limit },
    )
  ) newest.push(value);
  return newest.reverse();
}
