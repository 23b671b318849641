import assert from "node:assert/strict";
import { withStores } from "@edgeml/shared/testing";
import { createDataset, createDatasetGroup } from "../../domain/dataset/catalog.ts";
import { putEvents } from "../../domain/events/event_log.ts";
import { importCsv } from "../import/import_csv.ts";
import { assembleTrainingData } from "./training_data.ts";

const body = (text: string) => new Blob([text]).stream();

Deno.test("training data: items first (cold ones included), interactions then events, metadata hashed", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "shop");
    await createDataset(stores.kv, "shop", "ITEMS", {
      type: "record",
      name: "Items",
      fields: [
        { name: "ITEM_ID", type: "string" },
        { name: "GENRES", type: ["null", "string"], categorical: true },
        { name: "PRICE", type: ["null", "float"] },
      ],
    });
    await importCsv(
      stores,
      "shop",
      "ITEMS",
      body("ITEM_ID,GENRES,PRICE\ncold,drama|comedy,3.5\nwarm,drama,\n"),
    );
    await createDataset(stores.kv, "shop", "INTERACTIONS");
    await importCsv(
      stores,
      "shop",
      "INTERACTIONS",
      body("USER_ID,ITEM_ID,TIMESTAMP\nu1,warm,100\nu2,only-seen,200\n"),
    );
    await putEvents(stores.kv, "shop", {
      sessionId: "s",
      userId: "u3",
      eventList: [
        { eventType: "click", itemId: "cold", sentAt: 300 },
        // A bare impression is not trained on (nor does it date an item).
        { eventType: "impression", itemId: "warm", sentAt: 500, impression: ["warm", "cold"] },
      ],
    });
    await putEvents(stores.kv, "shop", {
      sessionId: "anonymous",
      eventList: [{ eventType: "click", itemId: "warm", sentAt: 400 }],
    });

    const { data, itemIds, userIds, creationTimes, latestTimestamp } = await assembleTrainingData(
      stores,
      "shop",
      { itemBuckets: 64, userBuckets: 8 },
    );
    assert.deepEqual(itemIds, ["cold", "warm", "only-seen"]);
    assert.deepEqual(userIds, ["u1", "u2", "u3"]);
    assert.deepEqual([...data.interactions.user], [0, 1, 2]);
    assert.deepEqual([...data.interactions.item], [1, 2, 0]);
    assert.deepEqual([...data.interactions.time], [100, 200, 300]);
    assert.equal(latestTimestamp, 300);
    // cold: first seen at 300 (its event); warm: 100; only-seen: 200.
    assert.deepEqual([...creationTimes], [300, 100, 200]);
    // cold has two genre tokens, warm one, only-seen none (PRICE is not a model input).
    const count = (i: number) => data.itemTokens.offsets[i + 1] - data.itemTokens.offsets[i];
    assert.deepEqual([count(0), count(1), count(2)], [2, 1, 0]);
    assert.equal(data.numItemTokens, 64);

    // An UPDATE keeps the previous version's indices and appends the new.
    const updated = await assembleTrainingData(stores, "shop", {
      previous: { userIds: ["u2", "u1"], itemIds: ["warm"] },
    });
    assert.deepEqual(updated.userIds, ["u2", "u1", "u3"]);
    assert.deepEqual(updated.itemIds, ["warm", "cold", "only-seen"]);
  });
});
