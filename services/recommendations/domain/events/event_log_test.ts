import assert from "node:assert/strict";
import { rejectsDomainError, withStores } from "@edgeml/shared/testing";
import {
  eventsSince,
  isInteraction,
  putEvents,
  recordRecommendation,
  userEvents,
} from "./event_log.ts";

const click = (itemId: string, sentAt: number | string, more = {}) => ({
  eventType: "click",
  itemId,
  sentAt,
  ...more,
});

Deno.test("events are stored by time and by user; a retried eventId is recorded once", async () => {
  await withStores(async ({ kv }) => {
    const first = await putEvents(kv, "shop", {
      sessionId: "s1",
      userId: "u1",
      eventList: [click("b", 200, { eventId: "e2" }), click("a", 100, { eventId: "e1" })],
    });
    assert.deepEqual(first.recorded.map((e) => [e.id, e.itemId]), [["e2", "b"], ["e1", "a"]]);
    assert.equal(first.duplicates, 0);
    // The client retries the same call, and adds one more.
    const again = await putEvents(kv, "shop", {
      sessionId: "s1",
      userId: "u1",
      eventList: [click("b", 200, { eventId: "e2" }), click("c", 300, { eventId: "e3" })],
    });
    assert.deepEqual(again.recorded.map((e) => e.id), ["e3"]);
    assert.equal(again.duplicates, 1);
    await putEvents(kv, "shop", { sessionId: "s2", eventList: [click("z", 150)] }); // anonymous
    const all = [];
    for await (const e of eventsSince(kv, "shop")) all.push(e.itemId);
    assert.deepEqual(all, ["a", "z", "b", "c"]); // oldest first
    const recent = [];
    for await (const e of eventsSince(kv, "shop", 200)) recent.push(e.itemId);
    assert.deepEqual(recent, ["b", "c"]);
    assert.deepEqual((await userEvents(kv, "shop", "u1")).map((e) => e.itemId), ["a", "b", "c"]);
    assert.deepEqual((await userEvents(kv, "shop", "u1", 2)).map((e) => e.itemId), ["b", "c"]);
    // Another group sees none of it.
    assert.deepEqual(await userEvents(kv, "other", "u1"), []);
  });
});

Deno.test("a recommendationId expands to the items that recommendation showed", async () => {
  await withStores(async ({ kv }) => {
    await recordRecommendation(kv, "shop", "rec-1", { userId: "u1", itemIds: ["a", "b", "new"] });
    await putEvents(kv, "shop", {
      sessionId: "s",
      userId: "u1",
      eventList: [
        click("new", "2026-11-26T10:00:00Z", { recommendationId: "rec-1" }),
        click("b", 1_800_000_000, { recommendationId: "rec-1", impression: ["b", "c"] }),
        click("q", 1_800_000_001, { recommendationId: "unknown-rec" }),
      ],
    });
    const events = await userEvents(kv, "shop", "u1");
    assert.deepEqual(events.map((e) => [e.itemId, e.impression]), [
      ["new", ["a", "b", "new"]],
      ["b", ["b", "c"]], // an explicit impression wins
      ["q", []],
    ]);
    assert.equal(events[0].sentAt, Date.parse("2026-11-26T10:00:00Z") / 1000);
  });
});

Deno.test("more than 10 events, or a time that cannot be read, is a 400 and stores nothing", async () => {
  await withStores(async ({ kv }) => {
    const eleven = Array.from({ length: 11 }, (_, i) => click(`i${i}`, i));
    await rejectsDomainError(
      putEvents(kv, "shop", { sessionId: "s", eventList: eleven }),
      "invalid",
      "too_many_events",
    );
    const err = await rejectsDomainError(
      putEvents(kv, "shop", {
        sessionId: "s",
        eventList: [click("a", 1), click("b", "yesterday")],
      }),
      "invalid",
      "invalid_sent_at",
    );
    assert.match(err.detail, /event 2/);
    await rejectsDomainError(
      putEvents(kv, "shop", { sessionId: "s", eventList: [click("a", 1_700_000_000_000)] }),
      "invalid",
      "invalid_sent_at",
    );
    const all = [];
    for await (const e of eventsSince(kv, "shop")) all.push(e);
    assert.deepEqual(all, []);
  });
});

Deno.test("an impression event is kept but is not an interaction", () => {
  assert.equal(isInteraction({ eventType: "click" }), true);
  assert.equal(isInteraction({ eventType: "Impression" }), false);
  assert.equal(isInteraction({ eventType: "impression" }), false);
});
