import assert from "node:assert/strict";
import { mulberry32 } from "@edgeml/shared/onnx";
import { explorationConfig } from "../exploration/config.ts";
import { hashMetadataTokens } from "../model/tokens.ts";
import { trainFull } from "../model/train.ts";
import { emptyTokenLists } from "../model/types.ts";
import {
  recommendForUser,
  servingIndex,
  type ServingVersion,
  userHistory,
} from "./recommend_for_user.ts";
import { rankItemsForUser, relatedItems } from "./rank_items.ts";
import { itemFilter, requestFilter } from "./item_filter.ts";
import { domainErrorFrom } from "@edgeml/shared/testing";

const DAY = 86_400;

/** 20 warm items (genre a: 0–9, b: 10–19) with 30 users' histories, 4 cold items of genre a. */
function trained(): ServingVersion {
  const random = mulberry32(5);
  const user: number[] = [], item: number[] = [], time: number[] = [];
  for (let u = 0; u < 30; u++) {
    for (let k = 0; k < 20; k++) {
      user.push(u);
      item.push((u % 2) * 10 + Math.floor(random() * 10));
      time.push(100 * DAY + k * 60);
    }
  }
  const numItems = 24;
  const genres = Array.from({ length: numItems }, (_, i) => ({
    categorical: { GENRE: [i < 10 || i >= 20 ? "a" : "b"] },
  }));
  const data = {
    interactions: {
      user: Int32Array.from(user),
      item: Int32Array.from(item),
      time: Float64Array.from(time),
    },
    numUsers: 30,
    numItems,
    itemTokens: hashMetadataTokens(genres, 64),
    numItemTokens: 64,
    userTokens: emptyTokenLists(30),
    numUserTokens: 8,
  };
  const { model } = trainFull(data, { epochs: 3, swaEpochs: 1, dim: 8, batchSize: 128 });
  const latest = Math.max(...time);
  const offsets = Int32Array.from({ length: 31 }, (_, u) => u * 20);
  const popularity = new Float32Array(numItems);
  for (const i of item) popularity[i]++;
  return {
    model,
    userTokens: data.userTokens,
    histories: { offsets, items: Int32Array.from(item) },
    popularity,
    userIds: Array.from({ length: 30 }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: numItems }, (_, i) => (i >= 20 ? `cold${i}` : `i${i}`)),
    // The cold items came 2 days before the latest interaction.
    creationTimes: Float64Array.from(
      { length: numItems },
      (_, i) => (i >= 20 ? latest - 2 * DAY : 0),
    ),
    latestTimestamp: latest,
    itemCategorical: genres.map((g) => ({ GENRE: [...g.categorical.GENRE] })),
    categoricalFields: ["GENRE"],
  };
}

const serving = servingIndex(trained());
const calibration = { slope: 1, intercept: -3 };
const ask = (over: Partial<Parameters<typeof recommendForUser>[1]> = {}) =>
  recommendForUser(serving, {
    userId: "u0",
    numResults: 10,
    config: explorationConfig({ explorationWeight: 0 }),
    calibration,
    random: mulberry32(1),
    ...over,
  });

Deno.test("weight 0: the model's top items on relevance, no exploration; a user's taste shows", () => {
  const list = ask();
  assert.equal(list.length, 10);
  assert.ok(list.every((r) => r.reason === "relevance"));
  // u0 (even) liked genre a (items 0–9): most of its top 5 are genre a.
  const isGenreA = (id: string) => /^i\d$/.test(id) || id.startsWith("cold");
  assert.ok(list.slice(0, 5).filter((r) => isGenreA(r.itemId)).length >= 4, JSON.stringify(list));
});

Deno.test("weight > 0 explores cold items only, about weight × numResults of the slots", () => {
  let explored = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const list = ask({
      config: explorationConfig({ explorationWeight: 0.3 }),
      random: mulberry32(seed),
    });
    for (const r of list.filter((r) => r.reason === "exploration")) {
      assert.match(r.itemId, /^cold/);
      explored++;
    }
  }
  assert.equal(explored, 20 * 3); // w·N = 3 exactly: no rounding draw
});

Deno.test("the age cutoff is respected: items 2 days old are explored under 3 days, not under 1", () => {
  const under = (cutoff: number) =>
    ask({
      config: explorationConfig({ explorationWeight: 1, explorationItemAgeCutoff: cutoff }),
    }).filter((r) => r.reason === "exploration").length;
  assert.equal(under(1), 0);
  assert.equal(under(3), 4); // every cold item, weight 1
});

Deno.test("impressions without clicks make a cold item explored less often", () => {
  const count = (stats?: Map<string, { impressions: number; clicks: number }>) => {
    let shown = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const list = ask({
        config: explorationConfig({ explorationWeight: 0.1 }),
        numResults: 10,
        random: mulberry32(seed),
        stats,
      });
      if (list.some((r) => r.itemId === "cold20" && r.reason === "exploration")) shown++;
    }
    return shown;
  };
  const fresh = count();
  const ignored = count(new Map([["cold20", { impressions: 500, clicks: 0 }]]));
  assert.ok(ignored < fresh / 2, `ignored ${ignored}, fresh ${fresh}`);
});

Deno.test("an unknown user gets popular items; filters drop items before ranking", () => {
  const list = ask({ userId: "stranger" });
  assert.ok(list.length === 10 && list.every((r) => r.reason === "popular fallback"));
  const onlyB = ask({ keep: (i) => i >= 10 && i < 20 });
  assert.ok(onlyB.every((r) => /^i1\d$/.test(r.itemId)), JSON.stringify(onlyB));
  // A user created after training, with events: known through them.
  const newcomer = ask({ userId: "new", recentItemIds: ["i11", "i12", "nope"] });
  assert.ok(newcomer.every((r) => r.reason === "relevance"));
});

Deno.test("a given list is ranked for the user; items the version does not know go last", () => {
  const ranked = rankItemsForUser(serving, "u0", [], ["i15", "i3", "mystery", "i12", "i1"]);
  assert.deepEqual(ranked.at(-1), { itemId: "mystery", score: 0, reason: "popular fallback" });
  // u0 likes genre a (i0–i9): those two come first.
  assert.deepEqual(ranked.slice(0, 2).map((r) => r.itemId).sort(), ["i1", "i3"]);
  assert.ok(ranked.slice(0, 4).every((r) => r.reason === "relevance"));
  const stranger = rankItemsForUser(serving, "nobody", [], ["i3", "i15"]);
  assert.ok(stranger.every((r) => r.reason === "popular fallback"));
});

Deno.test("related items are the nearest item vectors, the item itself left out; unknown is a 404", () => {
  const related = relatedItems(serving, "i0", 5);
  assert.equal(related.length, 5);
  assert.ok(!related.some((r) => r.itemId === "i0"));
  const sameGenre = related.filter((r) => /^i\d$/.test(r.itemId) || r.itemId.startsWith("cold"));
  assert.ok(sameGenre.length >= 4, JSON.stringify(related));
  domainErrorFrom(() => relatedItems(serving, "nope", 5), "not_found", "item_not_found");
});

Deno.test("filters: include keeps items with a listed value, exclude drops them; unknown fields are 422", () => {
  const onlyB = itemFilter(serving, { include: { GENRE: ["b"] } })!;
  const list = ask({ keep: onlyB });
  assert.ok(list.length === 10 && list.every((r) => /^i1\d$/.test(r.itemId)), JSON.stringify(list));
  const notA = itemFilter(serving, { exclude: { GENRE: ["a"] } })!;
  assert.deepEqual([notA(0), notA(15), notA(21)], [false, true, false]);
  assert.equal(itemFilter(serving, {}), undefined);
  const err = domainErrorFrom(
    () => itemFilter(serving, { include: { COLOUR: ["red"] } }),
    "unprocessable",
    "unknown_filter_field",
  );
  assert.match(err.detail, /COLOUR/);
});

Deno.test("excludeInteracted drops the user's trained-on items and their events since", () => {
  const history = new Set(userHistory(serving, "u0", ["i12"]));
  assert.ok(history.has(serving.itemIndex.get("i12")!) && history.size > 1);
  const keep = requestFilter(serving, { excludeInteracted: true }, () => history)!;
  const list = ask({ keep, numResults: 20 });
  assert.ok(
    list.every((r) => !history.has(serving.itemIndex.get(r.itemId)!)),
    JSON.stringify(list),
  );
  // Combined with a metadata filter, both hold; without the flag the history stays eligible.
  const both = requestFilter(
    serving,
    { excludeInteracted: true, include: { GENRE: ["b"] } },
    () => history,
  )!;
  assert.equal(both(serving.itemIndex.get("i12")!), false);
  assert.equal(requestFilter(serving, {}, () => history), undefined);
  assert.equal(requestFilter(serving, undefined, () => history), undefined);
});
