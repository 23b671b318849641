/**
 * The exploration rules over HTTP against the real embedded process (exploration draws seeded
 * by RECS_EXPLORATION_SEED): weight 0 never explores; only items younger than the campaign's
 * age cutoff are explored, and a cutoff changed in place is honoured; impressions without
 * clicks make an item explored less; bad reads of a trained campaign are 4xx problems.
 */
import assert from "node:assert/strict";
import { mulberry32 } from "@edgeml/shared/onnx";
import { startEmbedded } from "@edgeml/gateway/testing";

const T0 = 1_700_000_000;
const DAY = 86_400;

function interactionsCsv(): string {
  const random = mulberry32(11);
  const rows = ["USER_ID,ITEM_ID,TIMESTAMP"];
  for (let u = 0; u < 40; u++) {
    for (let k = 0; k < 30; k++) rows.push(`u${u},i${Math.floor(random() * 40)},${T0 + k * 60}`);
  }
  return rows.join("\n");
}

// Old items (40 days), never-seen items 20 days old ("aged") and brand new ("fresh").
const itemsCsv = [
  "ITEM_ID,GENRES,CREATION_TIMESTAMP",
  ...Array.from({ length: 40 }, (_, i) => `i${i},g${i % 4},${T0 - 40 * DAY}`),
  ...Array.from({ length: 4 }, (_, i) => `aged${i},g${i},${T0 - 20 * DAY}`),
  ...Array.from({ length: 4 }, (_, i) => `fresh${i},g${i},${T0}`),
].join("\n");

Deno.test("exploration over HTTP: weight 0 never explores, the age cutoff holds, impressions fade an item", async () => {
  const server = await startEmbedded({ env: { RECS_EXPLORATION_SEED: "7" } });
  const auth = { authorization: `Bearer ${server.adminToken}` };
  const url = (path: string) => `${server.url}/v1/recommendations${path}`;
  const call = async (method: string, path: string, body: unknown, expected: number) => {
    const res = await fetch(url(path), {
      method,
      headers: {
        ...auth,
        "content-type": typeof body === "string" ? "text/csv" : "application/json",
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, expected, text);
    return text ? JSON.parse(text) : undefined;
  };
  type Item = { itemId: string; reason: string };
  /** Items shown for exploration over `times` requests of `numResults`, by id. */
  const explored = async (campaign: string, times: number, numResults: number) => {
    const counts = new Map<string, number>();
    for (let r = 0; r < times; r++) {
      const { itemList } = await call("POST", `/campaigns/${campaign}/recommendations`, {
        userId: `u${r % 40}`,
        numResults,
      }, 200);
      for (const { itemId, reason } of itemList as Item[]) {
        if (reason === "exploration") counts.set(itemId, (counts.get(itemId) ?? 0) + 1);
      }
    }
    return counts;
  };
  try {
    await call("POST", "/dataset-groups", { name: "shop" }, 201);
    await call("PUT", "/dataset-groups/shop/datasets/ITEMS", {}, 200);
    await call("PUT", "/dataset-groups/shop/datasets/INTERACTIONS", {}, 200);
    await call("POST", "/dataset-groups/shop/datasets/ITEMS/import-jobs", itemsCsv, 200);
    await call(
      "POST",
      "/dataset-groups/shop/datasets/INTERACTIONS/import-jobs",
      interactionsCsv(),
      200,
    );
    await call("POST", "/solutions", { name: "recs", datasetGroup: "shop" }, 201);
    await call("POST", "/solutions/recs/versions", { trainingMode: "FULL" }, 202);
    // Observable state: the version record, polled until training in its worker ends.
    for (let i = 0; i < 600; i++) {
      const { status } = await call("GET", "/solutions/recs/versions/1", undefined, 200);
      if (status === "ACTIVE") break;
      assert.notEqual(status, "FAILED");
      await new Promise((r) => setTimeout(r, 100));
    }

    const config = (explorationWeight: number, explorationItemAgeCutoff: number) => ({
      campaignConfig: { itemExplorationConfig: { explorationWeight, explorationItemAgeCutoff } },
    });
    await call("POST", "/campaigns", { name: "pure", solution: "recs", ...config(0, 30) }, 201);
    assert.equal((await explored("pure", 30, 10)).size, 0, "weight 0 explored");

    // Weight 1, cutoff 30 days: every slot explores, and only the fresh and aged items qualify.
    await call("POST", "/campaigns", { name: "explore", solution: "recs", ...config(1, 30) }, 201);
    const wide = await explored("explore", 30, 4);
    assert.ok([...wide.keys()].every((id) => /^(fresh|aged)\d$/.test(id)), [...wide.keys()].join());
    assert.ok([...wide.keys()].some((id) => id.startsWith("aged")));
    // The cutoff moved to 10 days in place (this edge drops its cached record on the PATCH): the
    // 20-day-old items are no longer explored.
    await call("PATCH", "/campaigns/explore", config(1, 10), 200);
    const narrow = await explored("explore", 30, 8);
    assert.ok([...narrow.keys()].every((id) => id.startsWith("fresh")), [...narrow.keys()].join());

    // fresh0 is shown 300 times and never clicked: it is explored far less than before.
    const before = await explored("explore", 60, 1);
    for (let batch = 0; batch < 30; batch++) {
      await call("POST", "/dataset-groups/shop/events", {
        sessionId: `seen-${batch}`,
        userId: `u${batch % 40}`,
        eventList: Array.from({ length: 10 }, (_, k) => ({
          eventType: "impression",
          itemId: "fresh0",
          sentAt: T0 + 3600 + batch * 10 + k,
          impression: ["fresh0"],
        })),
      }, 204);
    }
    const after = await explored("explore", 60, 1);
    const share = (counts: Map<string, number>) => (counts.get("fresh0") ?? 0) / 60;
    assert.ok(share(before) >= 0.1, `fresh0 explored ${share(before)} of the time before`);
    assert.ok(share(after) < share(before) / 2, `before ${share(before)}, after ${share(after)}`);

    // Bad reads of a trained campaign: 4xx problems, never a 5xx.
    const problem = async (res: Response, status: number, code: string) => {
      assert.equal(res.status, status);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      assert.equal((await res.json()).code, code);
    };
    const post = (path: string, body: unknown) =>
      fetch(url(path), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    await problem(
      await post("/campaigns/explore/recommendations", { userId: "u1", numResults: 0 }),
      400,
      "invalid_request",
    );
    await problem(
      await post("/campaigns/explore/recommendations", { userId: "" }),
      400,
      "invalid_request",
    );
    await problem(
      await post("/campaigns/explore/recommendations", {
        userId: "u1",
        filter: { include: { COLOUR: ["red"] } },
      }),
      422,
      "unknown_filter_field",
    );
    await problem(
      await post("/campaigns/explore/personalized-ranking", {
        userId: "u1",
        inputList: Array.from({ length: 501 }, (_, i) => `i${i}`),
      }),
      400,
      "invalid_request",
    );
    await problem(
      await fetch(url("/campaigns/explore/related-items?itemId=nope")),
      404,
      "item_not_found",
    );
    await problem(
      await fetch(url("/campaigns/nowhere/related-items?itemId=i1")),
      404,
      "campaign_not_found",
    );
  } finally {
    await server.stop();
  }
});
