/**
 * The service loop over HTTP against the real embedded process: import → FULL training →
 * campaign → recommendations → events → UPDATE → recommendations, where a cold item that users
 * clicked moves up; exploration configs checked; training on too little data refused.
 */
import assert from "node:assert/strict";
import { mulberry32 } from "@edgeml/shared/onnx";
import { startEmbedded } from "@edgeml/gateway/testing";

const T0 = 1_700_000_000;

function interactionsCsv(): string {
  const random = mulberry32(7);
  const rows = ["USER_ID,ITEM_ID,TIMESTAMP"];
  for (let u = 0; u < 40; u++) {
    for (let k = 0; k < 30; k++) {
      const genre = random() < 0.85 ? u % 2 : 1 - (u % 2);
      rows.push(`u${u},i${genre * 20 + Math.floor(random() * 20)},${T0 + k * 60 + u}`);
    }
  }
  return rows.join("\n");
}

const itemsCsv = [
  "ITEM_ID,GENRES,CREATION_TIMESTAMP",
  ...Array.from({ length: 40 }, (_, i) => `i${i},${i < 20 ? "a" : "b"},${T0 - 86_400}`),
  `fresh,c,${T0 + 30 * 60}`,
].join("\n");

Deno.test("recommendations: import, FULL, campaign, recommend, events, UPDATE: a clicked cold item moves up", async () => {
  const server = await startEmbedded({
    env: { EDGEML_SEARCH_DEMO: "off", EDGEML_SWA_DEMO: "off" },
  });
  const auth = { authorization: `Bearer ${server.adminToken}` };
  const url = (path: string) => `${server.url}/v1/recommendations${path}`;
  const post = async (path: string, body: unknown, expected = 200) => {
    const res = await fetch(url(path), {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, expected, text);
    return text ? JSON.parse(text) : undefined;
  };
  const csv = async (path: string, body: string) => {
    const res = await fetch(url(path), {
      method: "POST",
      headers: { ...auth, "content-type": "text/csv" },
      body,
    });
    assert.equal(res.status, 200);
    return await res.json();
  };
  const activeVersion = async (version: number) => {
    // Observable state: the version record, polled until it ends (training runs in a worker).
    for (let i = 0; i < 600; i++) {
      const record = await (await fetch(url(`/solutions/recs/versions/${version}`))).json();
      if (record.status === "ACTIVE" || record.status === "FAILED") return record;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`version ${version} did not end`);
  };
  const recommend = (numResults = 10) =>
    post("/campaigns/home/recommendations", { userId: "u0", numResults });
  try {
    await post("/dataset-groups", { name: "shop" }, 201);
    for (const type of ["INTERACTIONS", "ITEMS"]) {
      const res = await fetch(url(`/dataset-groups/shop/datasets/${type}`), {
        method: "PUT",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({}),
      });
      await res.body?.cancel();
    }
    assert.equal(
      (await csv("/dataset-groups/shop/datasets/ITEMS/import-jobs", itemsCsv)).rowsImported,
      41,
    );
    await post("/solutions", { name: "recs", datasetGroup: "shop" }, 201);
    // Too little data: Personalize's minimums, named.
    const tooLittle = await fetch(url("/solutions/recs/versions"), {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ trainingMode: "FULL" }),
    });
    assert.equal(tooLittle.status, 422);
    assert.equal((await tooLittle.json()).code, "too_little_data");

    assert.equal(
      (await csv("/dataset-groups/shop/datasets/INTERACTIONS/import-jobs", interactionsCsv()))
        .rowsImported,
      1200,
    );
    const started = await post("/solutions/recs/versions", { trainingMode: "FULL" }, 202);
    assert.equal(started.version, 1);
    const full = await activeVersion(1);
    assert.equal(full.status, "ACTIVE", full.failureReason);
    assert.ok(
      full.metrics.normalized_discounted_cumulative_gain_at_10 >
        full.baselineMetrics.normalized_discounted_cumulative_gain_at_10,
    );
    // The version's ONNX scorer serves on the worker pool before the version is ACTIVE.
    const index = await fetch(`${server.url}/v2/repository/index`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ ready: true }),
    });
    assert.ok(
      (await index.json()).some((m: { name: string; version: string }) =>
        m.name === "recs-recs-scorer" && m.version === "1"
      ),
    );

    // Exploration configs outside Personalize's ranges are 422s.
    for (
      const itemExplorationConfig of [{ explorationWeight: 2 }, { explorationItemAgeCutoff: 0 }]
    ) {
      const res = await fetch(url("/campaigns"), {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({
          name: "bad",
          solution: "recs",
          campaignConfig: { itemExplorationConfig },
        }),
      });
      assert.equal(res.status, 422);
      await res.body?.cancel();
    }
    await post("/campaigns", {
      name: "home",
      solution: "recs",
      campaignConfig: { itemExplorationConfig: { explorationWeight: 0 } },
    }, 201);
    // The whole catalogue in u0's order (weight 0: relevance only).
    const rankOfFresh = (list: { itemId: string }[]) => list.findIndex((i) => i.itemId === "fresh");
    const before = await recommend(41);
    assert.equal(before.itemList.length, 41);
    assert.ok(before.itemList.every((i: { reason: string }) => i.reason === "relevance"));

    // Genre-a users (even) click the fresh item; the UPDATE learns it.
    for (let u = 0; u < 40; u += 2) {
      const shown = await post("/campaigns/home/recommendations", {
        userId: `u${u}`,
        numResults: 5,
      });
      const res = await fetch(url("/dataset-groups/shop/events"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          sessionId: `s${u}`,
          userId: `u${u}`,
          eventList: [1, 2, 3].map((k) => ({
            eventType: "click",
            itemId: "fresh",
            sentAt: T0 + 40 * 60 + k,
            recommendationId: shown.recommendationId,
          })),
        }),
      });
      assert.equal(res.status, 204);
    }
    await post("/solutions/recs/versions", { trainingMode: "UPDATE" }, 202);
    const update = await activeVersion(2);
    assert.equal(update.status, "ACTIVE", update.failureReason);
    const moved = await fetch(url("/campaigns/home"), {
      method: "PATCH",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ solutionVersion: 2 }),
    });
    assert.equal((await moved.json()).solutionVersion, 2);
    const after = await recommend(41);
    assert.ok(
      rankOfFresh(after.itemList) < rankOfFresh(before.itemList),
      `fresh ranked ${rankOfFresh(before.itemList)} before, ${rankOfFresh(after.itemList)} after`,
    );

    // Unknown users get popular items; unknown campaigns are 404.
    const stranger = await post("/campaigns/home/recommendations", {
      userId: "nobody",
      numResults: 3,
    });
    assert.ok(stranger.itemList.every((i: { reason: string }) => i.reason === "popular fallback"));
    const missing = await fetch(url("/campaigns/none/recommendations"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "u0" }),
    });
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    const tooMany = await fetch(url("/campaigns/home/recommendations"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "u0", numResults: 501 }),
    });
    assert.equal(tooMany.status, 400);
    await tooMany.body?.cancel();
  } finally {
    await server.stop();
  }
});
