/**
 * Folds recorded events into per-item exploration counts (impressions, clicks) since the last
 * training, Personalize's impression rules:
 *
 * - An event's explicit `impression` list counts one impression per listed item.
 * - An event with a `recommendationId` and no list implies the items that recommendation
 *   showed (looked up with `recommendedItems`); when both are present the explicit list wins.
 * - A recommendation's impressions count once, however many events name it (a user who clicks
 *   three items of one list saw that list once); lists without a recommendationId count per
 *   event.
 * - Each event counts one click on its `itemId` when `isClick(event)` (default: every event is
 *   a positive interaction, as in Personalize's interactions dataset); a repeated `eventId`
 *   counts nothing; events sent before `since` (epoch seconds) are skipped.
 *
 * The accumulator is updated in place so the edge can fold each `PutEvents` call as it
 * arrives; start a fresh one after each training (its evidence is then in the model's prior).
 * Source: AWS Personalize developer guide, "Recording impressions data" (implicit and explicit
 * impressions).
 *
 * @example
 * ```ts
 * const stats = createExplorationStats();
 * foldExplorationEvents(stats, [{ eventType: "click", itemId: "b", sentAt: 10, recommendationId: "r1" }], {
 *   recommendedItems: (id) => id === "r1" ? ["a", "b", "c"] : undefined,
 * });
 * stats.items.get("b"); // { impressions: 1, clicks: 1 }
 * ```
 */
import type { ItemExplorationStats } from "./cold_item_posterior.ts";

export interface ExplorationEvent {
  eventId?: string;
  eventType: string;
  itemId: string;
  /** Epoch seconds. */
  sentAt: number;
  impression?: readonly string[];
  recommendationId?: string;
}

export interface ExplorationStatsState {
  items: Map<string, ItemExplorationStats>;
  /** recommendationIds whose impressions are already counted. */
  countedRecommendations: Set<string>;
  /** eventIds already folded. */
  seenEventIds: Set<string>;
}

export interface FoldOptions {
  /** The items a recommendation showed, for implicit impressions. */
  recommendedItems?: (recommendationId: string) => readonly string[] | undefined;
  /** Skip events sent before this epoch second (the last training's cut). */
  since?: number;
  /** Which events are clicks (default: all). */
  isClick?: (event: ExplorationEvent) => boolean;
}

export function createExplorationStats(): ExplorationStatsState {
  return { items: new Map(), countedRecommendations: new Set(), seenEventIds: new Set() };
}

function entry(state: ExplorationStatsState, itemId: string): ItemExplorationStats {
  let stats = state.items.get(itemId);
  if (!stats) state.items.set(itemId, stats = { impressions: 0, clicks: 0 });
  return stats;
}

/** Adds the events' impressions and clicks to `state` (in place) and returns it. */
export function foldExplorationEvents(
  state: ExplorationStatsState,
  events: Iterable<ExplorationEvent>,
  { recommendedItems, since = -Infinity, isClick = () => true }: FoldOptions = {},
): ExplorationStatsState {
  for (const event of events) {
    if (event.sentAt < since) continue;
    if (event.eventId !== undefined) {
      if (state.seenEventIds.has(event.eventId)) continue;
      state.seenEventIds.add(event.eventId);
    }
    const { recommendationId } = event;
    if (recommendationId === undefined || !state.countedRecommendations.has(recommendationId)) {
      const shown = event.impression ??
        (recommendationId === undefined ? undefined : recommendedItems?.(recommendationId));
      if (shown) {
        for (const itemId of new Set(shown)) entry(state, itemId).impressions++;
        if (recommendationId !== undefined) state.countedRecommendations.add(recommendationId);
      }
    }
    if (isClick(event)) entry(state, event.itemId).clicks++;
  }
  return state;
}
