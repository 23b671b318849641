import assert from "node:assert/strict";
import { withStores } from "@edgeml/shared/testing";
import { putEvents, recordRecommendation } from "../events/event_log.ts";
import { createLiveExplorationStats } from "./live_exploration_stats.ts";

const event = (eventType: string, itemId: string, sentAt: number, more = {}) => ({
  eventType,
  itemId,
  sentAt,
  ...more,
});

Deno.test("live exploration stats: own events count at once, other edges' after the TTL, each once", async () => {
  await withStores(async ({ kv }) => {
    let clock = 0;
    const live = createLiveExplorationStats(kv, { ttlMs: 1000, now: () => clock });
    const other = createLiveExplorationStats(kv, { ttlMs: 1000, now: () => clock });
    await putEvents(kv, "shop", {
      sessionId: "s",
      userId: "u0",
      eventList: [event("click", "old", 50)], // before the training cut: not counted
    });
    assert.equal((await live.since("shop", 100)).size, 0);
    await other.since("shop", 100);

    await recordRecommendation(kv, "shop", "rec-1", { userId: "u1", itemIds: ["a", "b", "c"] });
    const { recorded } = await putEvents(kv, "shop", {
      sessionId: "s",
      userId: "u1",
      eventList: [
        event("impression", "a", 200, { recommendationId: "rec-1" }),
        event("click", "b", 201, { recommendationId: "rec-1" }),
      ],
    });
    live.observe("shop", recorded);
    const mine = await live.since("shop", 100);
    // One list shown once (two events name it), one click; the impression event is no click.
    assert.deepEqual(Object.fromEntries(mine), {
      a: { impressions: 1, clicks: 0 },
      b: { impressions: 1, clicks: 1 },
      c: { impressions: 1, clicks: 0 },
    });
    // The other edge did not see the call: it catches up from the log after its TTL.
    assert.equal((await other.since("shop", 100)).size, 0);
    clock = 1000;
    assert.deepEqual(Object.fromEntries(await other.since("shop", 100)), Object.fromEntries(mine));
    // Reading the log again counts nothing twice.
    assert.deepEqual(Object.fromEntries(await live.since("shop", 100)), Object.fromEntries(mine));
  });
});
