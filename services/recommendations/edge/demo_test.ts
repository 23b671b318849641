/**
 * The embedded default's demo campaign answers the README's curl right after start: a reader of
 * mysteries gets mysteries on relevance and new arrivals on exploration; personalized ranking
 * and related items read the same campaign.
 */
import assert from "node:assert/strict";
import { startEmbedded } from "@edgeml/gateway/testing";

Deno.test("recommendations demo: the README's request answers at once, with reasons", async () => {
  const server = await startEmbedded({ env: { EDGEML_RECS_DEMO: "on" } });
  try {
    const res = await fetch(
      `${server.url}/v1/recommendations/campaigns/library-home/recommendations`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: "reader-1", numResults: 10 }),
      },
    );
    assert.equal(res.status, 200);
    const { itemList, recommendationId } = await res.json();
    assert.equal(itemList.length, 10);
    assert.ok(recommendationId);
    // reader-1's favourite genre is mystery: books 1, 7, 13, … (every sixth).
    const relevance = itemList.filter((i: { reason: string }) => i.reason === "relevance");
    const mysteries = relevance.filter((i: { itemId: string }) =>
      (Number(i.itemId.split("-")[1]) - 1) % 6 === 0
    );
    assert.ok(mysteries.length >= relevance.length / 2, JSON.stringify(itemList));
    // Exploration (weight 0.3) shows only new arrivals: books 109–120.
    for (const item of itemList.filter((i: { reason: string }) => i.reason === "exploration")) {
      assert.ok(Number(item.itemId.split("-")[1]) >= 109, JSON.stringify(item));
    }
    // Personalized ranking of a given list: mysteries first, an unknown book last.
    const ranking = await (await fetch(
      `${server.url}/v1/recommendations/campaigns/library-home/personalized-ranking`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: "reader-1", inputList: ["book-2", "book-7", "nope"] }),
      },
    )).json();
    assert.deepEqual(
      ranking.personalizedRanking.map((i: { itemId: string }) => i.itemId),
      ["book-7", "book-2", "nope"],
    );
    // Related to a mystery: mostly mysteries.
    const related = await (await fetch(
      `${server.url}/v1/recommendations/campaigns/library-home/related-items?itemId=book-1&numResults=5`,
    )).json();
    const relatedMysteries = related.itemList.filter((i: { itemId: string }) =>
      (Number(i.itemId.split("-")[1]) - 1) % 6 === 0
    );
    assert.ok(relatedMysteries.length >= 3, JSON.stringify(related.itemList));
    const unknown = await fetch(
      `${server.url}/v1/recommendations/campaigns/library-home/related-items?itemId=nope`,
    );
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
    // Filters on the items schema's categorical fields; an unknown field is a 422 naming it.
    const poetry = await (await fetch(
      `${server.url}/v1/recommendations/campaigns/library-home/recommendations`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          userId: "reader-1",
          numResults: 8,
          filter: { include: { GENRES: ["poetry"] } },
        }),
      },
    )).json();
    assert.equal(poetry.itemList.length, 8);
    for (const item of poetry.itemList) {
      assert.equal((Number(item.itemId.split("-")[1]) - 1) % 6, 3, JSON.stringify(item));
    }
    const badFilter = await fetch(
      `${server.url}/v1/recommendations/campaigns/library-home/recommendations`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: "reader-1", filter: { exclude: { COLOUR: ["red"] } } }),
      },
    );
    assert.equal(badFilter.status, 422);
    assert.equal((await badFilter.json()).field, "COLOUR");
    // Batch: JSON lines in and out, a bad line answering its own error.
    const batch = await fetch(
      `${server.url}/v1/recommendations/campaigns/library-home/batch-recommendations`,
      {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body: '{"userId":"reader-1","numResults":3}\n{"userId":""}\n{"userId":"reader-2"}\n',
      },
    );
    assert.equal(batch.status, 200);
    assert.match(batch.headers.get("content-type") ?? "", /x-ndjson/);
    const lines = (await batch.text()).trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.equal(lines[0].output.itemList.length, 3);
    assert.ok(lines[1].error);
    assert.equal(lines[2].output.itemList.length, 25);
  } finally {
    await server.stop();
  }
});
