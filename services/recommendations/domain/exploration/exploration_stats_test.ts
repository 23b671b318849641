import assert from "node:assert/strict";
import {
  createExplorationStats,
  type ExplorationEvent,
  foldExplorationEvents,
} from "./exploration_stats.ts";

const shown: Record<string, string[]> = { r1: ["a", "b", "c"], r2: ["c", "d"] };
const recommendedItems = (id: string) => shown[id];

function fold(events: ExplorationEvent[], options = {}) {
  const state = foldExplorationEvents(createExplorationStats(), events, {
    recommendedItems,
    ...options,
  });
  return Object.fromEntries(
    [...state.items].map(([id, s]) => [id, [s.impressions, s.clicks]]).sort(),
  );
}

Deno.test("a recommendationId expands to the items it showed, counted once per recommendation", () => {
  assert.deepEqual(
    fold([
      { eventType: "click", itemId: "a", sentAt: 1, recommendationId: "r1" },
      { eventType: "click", itemId: "c", sentAt: 2, recommendationId: "r1" },
    ]),
    { a: [1, 1], b: [1, 0], c: [1, 1] },
  );
});

Deno.test("an explicit impression list wins over the recommendation's items", () => {
  assert.deepEqual(
    fold([{
      eventType: "click",
      itemId: "d",
      sentAt: 1,
      recommendationId: "r1",
      impression: ["d", "e"],
    }]),
    { d: [1, 1], e: [1, 0] },
  );
});

Deno.test("lists without a recommendationId count per event; duplicate items in a list once", () => {
  assert.deepEqual(
    fold([
      { eventType: "watch", itemId: "x", sentAt: 1, impression: ["x", "y", "y"] },
      { eventType: "watch", itemId: "y", sentAt: 2, impression: ["x", "y"] },
    ]),
    { x: [2, 1], y: [2, 1] },
  );
});

Deno.test("repeated eventIds, old events and non-click event types count nothing", () => {
  const events: ExplorationEvent[] = [
    { eventId: "e1", eventType: "click", itemId: "a", sentAt: 100, recommendationId: "r2" },
    { eventId: "e1", eventType: "click", itemId: "a", sentAt: 100, recommendationId: "r2" },
    { eventId: "e0", eventType: "click", itemId: "a", sentAt: 5, impression: ["a"] },
    { eventId: "e2", eventType: "view", itemId: "d", sentAt: 101, recommendationId: "r2" },
  ];
  assert.deepEqual(
    fold(events, { since: 50, isClick: (e: ExplorationEvent) => e.eventType === "click" }),
    {
      a: [0, 1],
      c: [1, 0],
      d: [1, 0],
    },
  );
});

Deno.test("folding in two calls gives the same counts as one call", () => {
  const events: ExplorationEvent[] = [
    { eventType: "click", itemId: "a", sentAt: 1, recommendationId: "r1" },
    { eventType: "click", itemId: "b", sentAt: 2, recommendationId: "r1" },
    { eventType: "click", itemId: "d", sentAt: 3, recommendationId: "r2" },
  ];
  const state = createExplorationStats();
  foldExplorationEvents(state, events.slice(0, 2), { recommendedItems });
  foldExplorationEvents(state, events.slice(2), { recommendedItems });
  const once = foldExplorationEvents(createExplorationStats(), events, { recommendedItems });
  assert.deepEqual(state.items, once.items);
});

Deno.test("an unknown recommendationId implies no impressions but keeps the click", () => {
  assert.deepEqual(fold([{ eventType: "click", itemId: "z", sentAt: 1, recommendationId: "r9" }]), {
    z: [0, 1],
  });
});
