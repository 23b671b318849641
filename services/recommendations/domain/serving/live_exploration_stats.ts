/**
 * Exploration statistics as serving reads them: per dataset group and training cut (`since`,
 * the version's latest training interaction), the impressions and clicks of every item since.
 * Events this process records are folded at once (`observe`), so the next request already sees
 * them; events other edges recorded are caught up from the event log at most every `ttlMs`, by
 * a range scan from a little before the newest event folded (`lateSeconds`, for clients whose
 * clocks or queues run behind). Each event is folded once, by the id it is stored under, however
 * it arrives. Bare impressions (`isInteraction`) count as shown, never as clicks.
 *
 * @example
 * ```ts
 * const live = createLiveExplorationStats(kv);
 * const { recorded } = await putEvents(kv, "shop", request);
 * live.observe("shop", recorded);
 * (await live.since("shop", trainedThrough)).get("item-7"); // { impressions, clicks }
 * ```
 */
import type { TenantKvStore } from "@edgeml/shared/store";
import { eventsSince, isInteraction, type LoggedEvent } from "../events/event_log.ts";
import {
  createExplorationStats,
  type ExplorationStatsState,
  foldExplorationEvents,
} from "../exploration/exploration_stats.ts";
import type { ItemExplorationStats } from "../exploration/cold_item_posterior.ts";

export interface LiveExplorationStatsOptions {
  /** How often the event log is read again for other processes' events (default 2 s). */
  ttlMs?: number;
  /** How far before the newest folded event a catch-up scan starts (default 600 s). */
  lateSeconds?: number;
  now?: () => number;
}

interface Tally {
  group: string;
  since: number;
  state: ExplorationStatsState;
  /** Newest `sentAt` folded (epoch seconds). */
  newest: number;
  readAt: number;
}

/** Tallies kept at once: a group's tally for an older training cut is dropped first. */
const MAX_TALLIES = 8;

export function createLiveExplorationStats(
  kv: TenantKvStore,
  { ttlMs = 2000, lateSeconds = 600, now = () => performance.now() }: LiveExplorationStatsOptions =
    {},
) {
  const tallies = new Map<string, Tally>();
  const fold = (tally: Tally, events: readonly LoggedEvent[]) => {
    foldExplorationEvents(
      tally.state,
      events.map((e) => ({ ...e, eventId: e.id })),
      { since: tally.since, isClick: isInteraction },
    );
    for (const e of events) if (e.sentAt > tally.newest) tally.newest = e.sentAt;
  };

  /** Impressions and clicks per item since `since` (epoch seconds). */
  async function since(
    group: string,
    since: number,
  ): Promise<ReadonlyMap<string, ItemExplorationStats>> {
    const key = `${group}@${since}`;
    let tally = tallies.get(key);
    if (!tally) {
      tally = { group, since, state: createExplorationStats(), newest: since, readAt: -Infinity };
      tallies.set(key, tally);
      if (tallies.size > MAX_TALLIES) tallies.delete(tallies.keys().next().value!);
    }
    if (now() - tally.readAt >= ttlMs) {
      const from = tally.readAt === -Infinity ? since : Math.max(since, tally.newest - lateSeconds);
      tally.readAt = now();
      const events: LoggedEvent[] = [];
      for await (const e of eventsSince(kv, group, from)) events.push(e);
      fold(tally, events);
    }
    return tally.state.items;
  }

  /** Folds events just recorded in this process into every tally of their group. */
  function observe(group: string, events: readonly LoggedEvent[]) {
    for (const tally of tallies.values()) if (tally.group === group) fold(tally, events);
  }

  return { since, observe };
}
